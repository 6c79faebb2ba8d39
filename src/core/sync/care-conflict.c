/* care-conflict.c: an edit the server did not take, kept until the user decides.
 *
 * The server is authoritative: when it keeps its value, the local row takes
 * that value too (so every client shows the same thing), and the user's
 * value lives on here until they pick one. "Mine" is a new ordinary edit
 * from the server's value to theirs; "theirs" sends nothing. */
#define G_LOG_DOMAIN "care-conflict"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "care-clock.h"
#include "care-conflict.h"
#include "care-json.h"
#include "care-outbox.h"
#include "care-store-private.h"

struct _CareConflict
{
  GObject parent_instance;

  gint64            id;
  const CareEntity *entity;
  char             *record_id;
  char             *field;
  CareConflictKind  kind;
  GVariant         *base_value;
  GVariant         *local_value;
  GVariant         *server_value;
  CareRecord       *local_record;
  gint64            server_rev;
  char             *title;
  char             *message;
  char             *created_at;
};

G_DEFINE_FINAL_TYPE (CareConflict, care_conflict, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_RECORD_ID,
  PROP_FIELD,
  PROP_KIND,
  PROP_TITLE,
  PROP_MESSAGE,
  PROP_CREATED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const kind_names[] = { "field", "deleted", "kept" };

static void
care_conflict_finalize (GObject *object)
{
  CareConflict *self = CARE_CONFLICT (object);

  g_free (self->record_id);
  g_free (self->field);
  g_clear_pointer (&self->base_value, g_variant_unref);
  g_clear_pointer (&self->local_value, g_variant_unref);
  g_clear_pointer (&self->server_value, g_variant_unref);
  g_clear_object (&self->local_record);
  g_free (self->title);
  g_free (self->message);
  g_free (self->created_at);

  G_OBJECT_CLASS (care_conflict_parent_class)->finalize (object);
}

static void
care_conflict_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CareConflict *self = CARE_CONFLICT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_RECORD_ID:
      g_value_set_string (value, self->record_id);
      break;
    case PROP_FIELD:
      g_value_set_string (value, self->field);
      break;
    case PROP_KIND:
      g_value_set_uint (value, self->kind);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_CREATED_AT:
      g_value_set_string (value, self->created_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_conflict_class_init (CareConflictClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = care_conflict_finalize;
  object_class->get_property = care_conflict_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECORD_ID] = g_param_spec_string ("record-id", NULL, NULL, NULL,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIELD] =
      g_param_spec_string ("field", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] = g_param_spec_uint ("kind", NULL, NULL, 0, CARE_CONFLICT_KEPT, 0,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
      g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
      g_param_spec_string ("message", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_AT] = g_param_spec_string ("created-at", NULL, NULL, NULL,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_conflict_init (CareConflict *self)
{
}

static JsonNode *
parse_json (const char *text)
{
  return text != NULL ? json_from_string (text, NULL) : NULL;
}

/* A stored JSON value as the field's GVariant; NULL when unset or unreadable. */
static GVariant *
json_text_to_value (const CareField *field, const char *text)
{
  g_autoptr (JsonNode) node = parse_json (text);
  GVariant *value = NULL;

  if (field == NULL || node == NULL || !care_json_to_value (field, node, &value, NULL))
    return NULL;
  return value;
}

static CareRecord *
snapshot_to_record (const CareEntity *entity, const char *record_id, const char *text)
{
  g_autoptr (JsonNode) node = parse_json (text);
  g_autoptr (CareRecord) record = care_record_new_with_id (entity, record_id);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      !care_json_set_record (record, json_node_get_object (node), NULL))
    return NULL;
  return g_steal_pointer (&record);
}

#define SELECT_CONFLICT                                                                            \
  "SELECT conflict_id, entity, record_id, field, kind, base_value, local_value, server_value, "    \
  "server_rev, title, message, created_at FROM conflict "

static CareConflict *
row_to_conflict (sqlite3_stmt *stmt)
{
  CareConflict     *self;
  const CareEntity *entity = care_schema_lookup ((const char *) sqlite3_column_text (stmt, 1));
  const char       *kind = (const char *) sqlite3_column_text (stmt, 4);
  const CareField  *field;

  if (entity == NULL)
    return NULL;

  self = g_object_new (CARE_TYPE_CONFLICT, NULL);
  self->id = sqlite3_column_int64 (stmt, 0);
  self->entity = entity;
  self->record_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  self->field = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (kind, kind_names[i]) == 0)
      self->kind = (CareConflictKind) i;
  self->server_rev = sqlite3_column_int64 (stmt, 8);
  self->title = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
  self->message = g_strdup ((const char *) sqlite3_column_text (stmt, 10));
  self->created_at = g_strdup ((const char *) sqlite3_column_text (stmt, 11));

  field = care_entity_lookup_field (entity, self->field);
  if (self->kind == CARE_CONFLICT_FIELD)
    {
      self->base_value = json_text_to_value (field, (const char *) sqlite3_column_text (stmt, 5));
      self->local_value = json_text_to_value (field, (const char *) sqlite3_column_text (stmt, 6));
      self->server_value = json_text_to_value (field, (const char *) sqlite3_column_text (stmt, 7));
    }
  else
    self->local_record =
        snapshot_to_record (entity, self->record_id, (const char *) sqlite3_column_text (stmt, 6));

  return self;
}

static CareConflict *
load_conflict (CareStore *store, gint64 conflict_id, GError **error)
{
  sqlite3_stmt *stmt = care_store_prepare (store, SELECT_CONFLICT "WHERE conflict_id = ?", error);
  CareConflict *conflict = NULL;
  int           rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, conflict_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    conflict = row_to_conflict (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    care_store_set_error (store, rc, error);
  else if (conflict == NULL)
    g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND,
                 _ ("The conflict was already resolved"));

  return conflict;
}

/**
 * care_conflict_list:
 *
 * Returns: (transfer container) (element-type CareConflict): the open
 *   conflicts, oldest first.
 */
GPtrArray *
care_conflict_list (CareStore *store, GError **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);

  stmt = care_store_prepare (store, SELECT_CONFLICT "ORDER BY conflict_id", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CareConflict *conflict = row_to_conflict (stmt);
      if (conflict != NULL)
        g_ptr_array_add (list, conflict);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      care_store_set_error (store, rc, error);
      return NULL;
    }

  return g_steal_pointer (&list);
}

guint
care_conflict_count (CareStore *store)
{
  g_return_val_if_fail (CARE_IS_STORE (store), 0);

  return care_store_count_sql (store, "SELECT count(*) FROM conflict");
}

static void
bind_json (sqlite3_stmt *stmt, int index, JsonNode *node)
{
  if (node == NULL)
    sqlite3_bind_null (stmt, index);
  else
    {
      g_autofree char *text = json_to_string (node, FALSE);
      sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
    }
}

/* Records (or refreshes) one field's conflict. A second conflict on the same
 * field keeps the first base value: it is what the user started from. */
gboolean
care_conflict_note_field (CareStore  *store,
                          const char *entity,
                          const char *record_id,
                          const char *field,
                          JsonNode   *base_value,
                          JsonNode   *local_value,
                          JsonNode   *server_value,
                          gint64      server_rev,
                          const char *title,
                          const char *message,
                          GError    **error)
{
  g_autofree char *now = care_clock_now_iso ();
  sqlite3_stmt    *stmt;

  stmt =
      care_store_prepare (store,
                          "INSERT INTO conflict (entity, record_id, field, kind, base_value, "
                          "local_value, server_value, server_rev, title, message, created_at) "
                          "VALUES (?, ?, ?, 'field', ?, ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT (entity, record_id, field) DO UPDATE SET "
                          "kind = 'field', local_value = excluded.local_value, "
                          "server_value = excluded.server_value, server_rev = excluded.server_rev, "
                          "title = coalesce (excluded.title, title), message = excluded.message",
                          error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, field, -1, SQLITE_TRANSIENT);
  bind_json (stmt, 4, base_value);
  bind_json (stmt, 5, local_value);
  bind_json (stmt, 6, server_value);
  sqlite3_bind_int64 (stmt, 7, server_rev);
  sqlite3_bind_text (stmt, 8, title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, message, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 10, now, -1, SQLITE_TRANSIENT);
  if (!care_store_step_done (store, stmt, error))
    return FALSE;

  care_store_note_change (store, "conflict", NULL);
  return TRUE;
}

/* Records a whole-record conflict with a full copy of the local record, so
 * "mine" can bring it back even after its row is gone. */
gboolean
care_conflict_note_record (CareStore       *store,
                           CareConflictKind kind,
                           CareRecord      *local_record,
                           gint64           server_rev,
                           const char      *message,
                           GError         **error)
{
  g_autofree char *now = care_clock_now_iso ();
  g_autoptr (JsonNode) snapshot = json_node_new (JSON_NODE_OBJECT);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (kind != CARE_CONFLICT_FIELD, FALSE);

  json_node_take_object (snapshot, care_json_from_record (local_record));

  stmt = care_store_prepare (store,
                             "INSERT INTO conflict (entity, record_id, field, kind, local_value, "
                             "server_rev, title, message, created_at) "
                             "VALUES (?, ?, '', ?, ?, ?, ?, ?, ?) "
                             "ON CONFLICT (entity, record_id, field) DO UPDATE SET "
                             "kind = excluded.kind, local_value = excluded.local_value, "
                             "server_rev = excluded.server_rev, title = excluded.title, "
                             "message = excluded.message",
                             error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, care_record_get_entity (local_record)->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, care_record_get_id (local_record), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, kind_names[kind], -1, SQLITE_STATIC);
  bind_json (stmt, 4, snapshot);
  sqlite3_bind_int64 (stmt, 5, server_rev);
  sqlite3_bind_text (stmt, 6, care_record_get_title (local_record), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, message, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, now, -1, SQLITE_TRANSIENT);
  if (!care_store_step_done (store, stmt, error))
    return FALSE;

  care_store_note_change (store, "conflict", NULL);
  return TRUE;
}

/* A pull brought a newer server value for a field in conflict: the conflict
 * now compares against it, and disappears when the server came round to the
 * user's value by itself. */
gboolean
care_conflict_note_server_value (CareStore  *store,
                                 const char *entity,
                                 const char *record_id,
                                 const char *field,
                                 JsonNode   *server_value,
                                 gint64      server_rev,
                                 GError    **error)
{
  sqlite3_stmt *stmt;

  stmt = care_store_prepare (store,
                             "UPDATE conflict SET server_value = ?, server_rev = ? "
                             "WHERE entity = ? AND record_id = ? AND field = ? AND kind = 'field'",
                             error);
  if (stmt == NULL)
    return FALSE;

  bind_json (stmt, 1, server_value);
  sqlite3_bind_int64 (stmt, 2, server_rev);
  sqlite3_bind_text (stmt, 3, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, field, -1, SQLITE_TRANSIENT);
  if (!care_store_step_done (store, stmt, error))
    return FALSE;

  if (sqlite3_changes (care_store_get_db (store)) == 0)
    return TRUE;
  care_store_note_change (store, "conflict", NULL);

  stmt =
      care_store_prepare (store,
                          "DELETE FROM conflict WHERE entity = ? AND record_id = ? AND field = ? "
                          "AND kind = 'field' AND local_value IS server_value",
                          error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, field, -1, SQLITE_TRANSIENT);
  return care_store_step_done (store, stmt, error);
}

/* The record is gone for good: its field conflicts and refused deletes
 * mean nothing any more. A "deleted" conflict stays: it holds the user's
 * version of the record. */
gboolean
care_conflict_forget_record (CareStore  *store,
                             const char *entity,
                             const char *record_id,
                             GError    **error)
{
  sqlite3_stmt *stmt;

  stmt = care_store_prepare (
      store, "DELETE FROM conflict WHERE entity = ? AND record_id = ? AND kind != 'deleted'",
      error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  if (!care_store_step_done (store, stmt, error))
    return FALSE;

  if (sqlite3_changes (care_store_get_db (store)) > 0)
    care_store_note_change (store, "conflict", NULL);
  return TRUE;
}

static gboolean
delete_conflict (CareStore *store, gint64 conflict_id, GError **error)
{
  sqlite3_stmt *stmt =
      care_store_prepare (store, "DELETE FROM conflict WHERE conflict_id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, conflict_id);
  if (!care_store_step_done (store, stmt, error))
    return FALSE;

  care_store_note_change (store, "conflict", NULL);
  return TRUE;
}

static gboolean
keep_mine_field (CareStore *store, CareConflict *conflict, GError **error)
{
  g_autoptr (CareRecord) record = NULL;

  record = care_store_load (store, conflict->entity, conflict->record_id, error);
  if (record == NULL)
    return FALSE;

  /* An ordinary edit from what the row holds (the server's value) to the
   * user's: the outbox sends it like any other, with from = server value. */
  care_record_set_value (record, conflict->field, conflict->local_value);
  return care_store_save (store, record, error);
}

static gboolean
keep_theirs_field (CareStore *store, CareConflict *conflict, GError **error)
{
  g_autoptr (GHashTable) pending = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt    *stmt;

  if (care_entity_lookup_field (conflict->entity, conflict->field) == NULL)
    return TRUE;

  if (!care_outbox_pending_fields (store, conflict->entity->name, conflict->record_id, &pending,
                                   NULL, error))
    return FALSE;

  /* A newer local edit of the field is the user's latest word: leave it. */
  if (pending != NULL && g_hash_table_contains (pending, conflict->field))
    return TRUE;

  sql = g_strdup_printf ("UPDATE %s SET %s = ? WHERE id = ? AND " CARE_SQL_LIVE,
                         conflict->entity->name, conflict->field);
  stmt = care_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;
  care_store_bind_value (stmt, 1, conflict->server_value);
  sqlite3_bind_text (stmt, 2, conflict->record_id, -1, SQLITE_TRANSIENT);
  if (!care_store_step_done (store, stmt, error))
    return FALSE;

  care_store_note_change (store, conflict->entity->name, conflict->record_id);
  return TRUE;
}

static gboolean
restore_record (CareStore *store, CareConflict *conflict, GError **error)
{
  g_autoptr (CareRecord) copy = NULL;
  g_autoptr (JsonObject) values = NULL;

  if (conflict->local_record == NULL)
    {
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_CORRUPT,
                   _ ("The saved copy of the record cannot be read"));
      return FALSE;
    }

  /* The server never reuses a deleted id, so the user's version comes back
   * as a new record with the same values. */
  copy = care_record_new (conflict->entity);
  values = care_json_from_record (conflict->local_record);
  if (!care_json_set_record (copy, values, error))
    return FALSE;

  return care_store_save (store, copy, error);
}

typedef struct
{
  gint64             conflict_id;
  CareConflictChoice choice;
} ResolveData;

static gboolean
resolve_in_transaction (CareStore *store, gpointer user_data, GError **error)
{
  ResolveData *data = user_data;
  g_autoptr (CareConflict) conflict = load_conflict (store, data->conflict_id, error);
  gboolean mine = data->choice == CARE_CONFLICT_KEEP_MINE;
  gboolean ok = TRUE;

  if (conflict == NULL)
    return FALSE;

  switch (conflict->kind)
    {
    case CARE_CONFLICT_FIELD:
      ok = mine ? keep_mine_field (store, conflict, error)
                : keep_theirs_field (store, conflict, error);
      break;
    case CARE_CONFLICT_DELETED:
      ok = !mine || restore_record (store, conflict, error);
      break;
    case CARE_CONFLICT_KEPT:
      ok = !mine || care_store_delete (store, conflict->entity, conflict->record_id, error);
      break;
    default:
      g_assert_not_reached ();
    }

  return ok && delete_conflict (store, conflict->id, error);
}

/**
 * care_conflict_resolve:
 *
 * Settles a conflict in one transaction: the choice's edit (if any) goes to
 * the outbox and the conflict disappears, or nothing changes at all.
 */
gboolean
care_conflict_resolve (CareStore         *store,
                       gint64             conflict_id,
                       CareConflictChoice choice,
                       GError           **error)
{
  ResolveData data = { conflict_id, choice };

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);

  return care_store_write (store, resolve_in_transaction, &data, error);
}

gint64
care_conflict_get_id (CareConflict *self)
{
  g_return_val_if_fail (CARE_IS_CONFLICT (self), 0);
  return self->id;
}

const CareEntity *
care_conflict_get_entity (CareConflict *self)
{
  g_return_val_if_fail (CARE_IS_CONFLICT (self), NULL);
  return self->entity;
}

const char *
care_conflict_get_record_id (CareConflict *self)
{
  g_return_val_if_fail (CARE_IS_CONFLICT (self), NULL);
  return self->record_id;
}

/* The field's name; "" for a whole-record conflict. */
const char *
care_conflict_get_field (CareConflict *self)
{
  g_return_val_if_fail (CARE_IS_CONFLICT (self), NULL);
  return self->field;
}

CareConflictKind
care_conflict_get_kind (CareConflict *self)
{
  g_return_val_if_fail (CARE_IS_CONFLICT (self), CARE_CONFLICT_FIELD);
  return self->kind;
}

/* The value both sides started from (EspoCRM's "Original"). */
GVariant *
care_conflict_get_base_value (CareConflict *self)
{
  g_return_val_if_fail (CARE_IS_CONFLICT (self), NULL);
  return self->base_value;
}

GVariant *
care_conflict_get_local_value (CareConflict *self)
{
  g_return_val_if_fail (CARE_IS_CONFLICT (self), NULL);
  return self->local_value;
}

GVariant *
care_conflict_get_server_value (CareConflict *self)
{
  g_return_val_if_fail (CARE_IS_CONFLICT (self), NULL);
  return self->server_value;
}

/* For whole-record conflicts: the record as the user last had it. */
CareRecord *
care_conflict_get_local_record (CareConflict *self)
{
  g_return_val_if_fail (CARE_IS_CONFLICT (self), NULL);
  return self->local_record;
}

const char *
care_conflict_get_title (CareConflict *self)
{
  g_return_val_if_fail (CARE_IS_CONFLICT (self), NULL);
  return self->title;
}

const char *
care_conflict_get_message (CareConflict *self)
{
  g_return_val_if_fail (CARE_IS_CONFLICT (self), NULL);
  return self->message;
}
