/* care-history.c: a record's history: the server's, and this device's edits not sent yet.
 *
 * The server keeps the history of every change it applied (GET
 * /api/v1/history, see src/server/PROTOCOL.md); the client does not copy
 * it, it asks when a record is shown. What this device changed but has
 * not pushed yet is only in its outbox, so that part comes from there,
 * in the same shape, and is there offline too. */
#define G_LOG_DOMAIN "care-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "care-history.h"
#include "care-json-parse.h"
#include "care-outbox.h"

/* Entries per page asked of the server. */
#define PAGE_LIMIT 50

void
care_history_entry_free (CareHistoryEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->at);
  g_free (entry->op);
  g_free (entry->field);
  g_clear_pointer (&entry->old_value, json_node_unref);
  g_clear_pointer (&entry->new_value, json_node_unref);
  g_free (entry->how);
  g_free (entry->username);
  g_free (entry->role);
  g_free (entry);
}

gboolean
care_history_entry_is_pending (const CareHistoryEntry *entry)
{
  g_return_val_if_fail (entry != NULL, FALSE);
  return g_strcmp0 (entry->how, "pending") == 0;
}

static CareHistoryEntry *
pending_entry (const CareMutation *mutation,
               const char         *field,
               JsonNode           *old_value,
               JsonNode           *new_value)
{
  CareHistoryEntry *entry = g_new0 (CareHistoryEntry, 1);

  entry->at = g_strdup (mutation->created_at);
  entry->op = g_strdup (care_mutation_op_to_string (mutation->op));
  entry->field = g_strdup (field);
  entry->old_value = old_value != NULL ? json_node_copy (old_value) : NULL;
  entry->new_value = new_value != NULL ? json_node_copy (new_value) : NULL;
  entry->how = g_strdup ("pending");
  return entry;
}

/**
 * care_history_list_pending:
 *
 * This device's edits of one record that the server has not had yet,
 * newest first: a create or a delete as one entry, an update as one entry
 * per field it changes.
 *
 * Returns: (transfer container) (element-type CareHistoryEntry): the entries
 */
GPtrArray *
care_history_list_pending (CareStore  *store,
                           const char *entity,
                           const char *record_id,
                           GError    **error)
{
  g_autoptr (GPtrArray) mutations = NULL;
  GPtrArray *entries;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);

  mutations = care_outbox_list_pending_for (store, entity, record_id, error);
  if (mutations == NULL)
    return NULL;

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) care_history_entry_free);
  for (guint i = 0; i < mutations->len; i++)
    {
      const CareMutation *mutation = g_ptr_array_index (mutations, i);
      g_autoptr (JsonNode) fields = json_node_init_object (json_node_alloc (), mutation->fields);
      g_autoptr (GList) members = NULL;

      if (mutation->op != CARE_MUTATION_UPDATE)
        {
          gboolean create = mutation->op == CARE_MUTATION_CREATE;

          g_ptr_array_add (entries, pending_entry (mutation, NULL, create ? NULL : fields,
                                                   create ? fields : NULL));
          continue;
        }

      members = json_object_get_members (mutation->fields);
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode   *change = json_object_get_member (mutation->fields, l->data);
          JsonObject *obj;

          if (!JSON_NODE_HOLDS_OBJECT (change))
            continue;
          obj = json_node_get_object (change);
          g_ptr_array_add (entries,
                           pending_entry (mutation, l->data, json_object_get_member (obj, "from"),
                                          json_object_get_member (obj, "to")));
        }
    }

  return entries;
}

static JsonNode *
value_or_null (JsonObject *obj, const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? json_node_copy (node) : NULL;
}

/**
 * care_history_parse_page:
 * @out_next_cursor: (out) (optional) (nullable): where the next page
 *   starts, %NULL on the last page
 *
 * Reads one answer of GET /api/v1/history; an answer of another shape is
 * CARE_SYNC_ERROR_PROTOCOL.
 *
 * Returns: (transfer container) (element-type CareHistoryEntry): the entries, newest first
 */
GPtrArray *
care_history_parse_page (JsonNode *page, char **out_next_cursor, GError **error)
{
  g_autoptr (GPtrArray) entries =
      g_ptr_array_new_with_free_func ((GDestroyNotify) care_history_entry_free);
  JsonObject *obj;
  JsonArray  *list;
  JsonNode   *list_node;

  if (page == NULL || !JSON_NODE_HOLDS_OBJECT (page))
    goto bad;
  obj = json_node_get_object (page);
  list_node = json_object_get_member (obj, "entries");
  if (list_node == NULL || !JSON_NODE_HOLDS_ARRAY (list_node))
    goto bad;
  list = json_node_get_array (list_node);

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode         *node = json_array_get_element (list, i);
      JsonObject       *e, *user;
      CareHistoryEntry *entry;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto bad;
      e = json_node_get_object (node);
      user = json_object_has_member (e, "user") &&
                     JSON_NODE_HOLDS_OBJECT (json_object_get_member (e, "user"))
                 ? json_object_get_object_member (e, "user")
                 : NULL;
      if (care_json_get_string (e, "at") == NULL || care_json_get_string (e, "op") == NULL ||
          care_json_get_string (e, "how") == NULL || user == NULL)
        goto bad;

      entry = g_new0 (CareHistoryEntry, 1);
      entry->at = g_strdup (care_json_get_string (e, "at"));
      entry->op = g_strdup (care_json_get_string (e, "op"));
      entry->field = g_strdup (care_json_get_string (e, "field"));
      entry->old_value = value_or_null (e, "old");
      entry->new_value = value_or_null (e, "new");
      entry->how = g_strdup (care_json_get_string (e, "how"));
      entry->username = g_strdup (care_json_get_string (user, "username"));
      entry->role = g_strdup (care_json_get_string (user, "role"));
      g_ptr_array_add (entries, entry);
    }

  if (out_next_cursor != NULL)
    *out_next_cursor = json_object_get_boolean_member_with_default (obj, "has_more", FALSE)
                           ? g_strdup (care_json_get_string (obj, "next_cursor"))
                           : NULL;
  return g_steal_pointer (&entries);

bad:
  g_set_error_literal (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PROTOCOL,
                       _ ("The server answered with a history this version cannot read"));
  return NULL;
}

typedef struct
{
  GPtrArray *entries;
  char      *next_cursor;
} Page;

static void
page_free (gpointer data)
{
  Page *page = data;

  g_clear_pointer (&page->entries, g_ptr_array_unref);
  g_free (page->next_cursor);
  g_free (page);
}

static void
fetch_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) answer = NULL;
  g_autoptr (GError) error = NULL;
  Page *page = g_new0 (Page, 1);

  answer = care_sync_http_request_finish (CARE_SYNC_HTTP (source), result, NULL, &error);
  if (answer != NULL)
    page->entries = care_history_parse_page (answer, &page->next_cursor, &error);
  if (page->entries == NULL)
    {
      page_free (page);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, page, page_free);
}

/**
 * care_history_fetch_async:
 * @cursor: (nullable): a next cursor of an earlier page, %NULL for the newest
 *
 * Asks the server of @engine, as its signed-in user, for a page of the
 * history of one record. Fails with the errors of CareSyncHttp: offline is
 * CARE_SYNC_ERROR_NETWORK, signed out CARE_SYNC_ERROR_UNAUTHORIZED or
 * CARE_SYNC_ERROR_NOT_CONFIGURED.
 */
void
care_history_fetch_async (CareSyncHttp       *http,
                          CareSyncEngine     *engine,
                          const char         *entity,
                          const char         *record_id,
                          const char         *cursor,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  GTask           *task = g_task_new (http, cancellable, callback, user_data);
  g_autofree char *escaped_entity = g_uri_escape_string (entity, NULL, FALSE);
  g_autofree char *escaped_id = g_uri_escape_string (record_id, NULL, FALSE);
  g_autofree char *escaped_cursor =
      cursor != NULL ? g_uri_escape_string (cursor, NULL, FALSE) : NULL;
  g_autofree char *path = NULL;

  g_task_set_source_tag (task, care_history_fetch_async);
  path = g_strdup_printf ("/api/v1/history/%s/%s?limit=%d%s%s", escaped_entity, escaped_id,
                          PAGE_LIMIT, escaped_cursor != NULL ? "&cursor=" : "",
                          escaped_cursor != NULL ? escaped_cursor : "");
  care_sync_http_request_async (http, care_sync_engine_get_server_url (engine),
                                care_sync_engine_get_token (engine), "GET", path, NULL, cancellable,
                                fetch_done_cb, task);
}

/**
 * care_history_fetch_finish:
 * @out_next_cursor: (out) (optional) (nullable): where the next page starts
 *
 * Returns: (transfer container) (element-type CareHistoryEntry): the page's
 *   entries, newest first, or %NULL with @error set
 */
GPtrArray *
care_history_fetch_finish (GAsyncResult *result, char **out_next_cursor, GError **error)
{
  Page      *page;
  GPtrArray *entries;

  g_return_val_if_fail (G_IS_TASK (result), NULL);

  page = g_task_propagate_pointer (G_TASK (result), error);
  if (page == NULL)
    return NULL;

  entries = g_steal_pointer (&page->entries);
  if (out_next_cursor != NULL)
    *out_next_cursor = g_steal_pointer (&page->next_cursor);
  page_free (page);
  return entries;
}
