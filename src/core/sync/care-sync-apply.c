/* care-sync-apply.c: settles push results and applies pulled pages to the store.
 *
 * Both run in one store transaction each, with cached statements: a push's
 * results are settled all or nothing, and a pulled page lands together with
 * its cursor, so a crash can repeat a page but never skip one. Applying a
 * page twice converges: every change is an upsert or a delete by id.
 *
 * Merging a pulled record: a field with an edit still pending in the outbox
 * keeps the local value (the push will carry it with its own from/to); all
 * other fields take the server's value.
 *
 * Tombstones remove the row they name and nothing else. Children created
 * locally and not yet acknowledged stay: their create reaches the server,
 * which refuses it for the missing parent, and the refusal is shown with
 * its reason instead of the edit vanishing silently. */
#define G_LOG_DOMAIN "care-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "care-clock.h"
#include "care-conflict.h"
#include "care-json.h"
#include "care-outbox.h"
#include "care-store-private.h"
#include "care-sync-apply.h"
#include "care-sync-engine.h"

static gboolean
protocol_error (GError **error, const char *what)
{
  g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PROTOCOL,
               _ ("The server sent an answer this version does not understand (%s)"), what);
  return FALSE;
}

/* Cached per entity for the life of the process: the schema is static. */
static const char *
entity_sql (const CareEntity *entity, const char *kind)
{
  static GHashTable *cache;
  static GMutex      lock;
  g_autofree char   *key = g_strconcat (kind, ":", entity->name, NULL);
  const char        *sql;

  g_mutex_lock (&lock);
  if (cache == NULL)
    cache = g_hash_table_new (g_str_hash, g_str_equal);

  sql = g_hash_table_lookup (cache, key);
  if (sql == NULL)
    {
      GString *s = g_string_new (NULL);

      if (g_str_equal (kind, "insert"))
        {
          g_string_append_printf (s, "INSERT INTO %s (id, rev, sync_state, created_at, updated_at",
                                  entity->name);
          for (guint i = 0; i < entity->n_fields; i++)
            g_string_append_printf (s, ", %s", entity->fields[i].name);
          g_string_append (s, ") VALUES (?, ?, 0, ?, ?");
          for (guint i = 0; i < entity->n_fields; i++)
            g_string_append (s, ", ?");
          g_string_append_c (s, ')');
        }
      else if (g_str_equal (kind, "update"))
        {
          g_string_append_printf (s, "UPDATE %s SET rev = ?, sync_state = ?, updated_at = ?",
                                  entity->name);
          for (guint i = 0; i < entity->n_fields; i++)
            g_string_append_printf (s, ", %s = ?", entity->fields[i].name);
          g_string_append (s, " WHERE id = ?");
        }
      else if (g_str_equal (kind, "select"))
        g_string_append_printf (s, "SELECT %s FROM %s WHERE id = ?",
                                care_store_record_columns (entity), entity->name);
      else if (g_str_equal (kind, "delete"))
        g_string_append_printf (s, "DELETE FROM %s WHERE id = ?", entity->name);
      else if (g_str_equal (kind, "ack"))
        /* rev only grows: a stale answer never winds it back. */
        g_string_append_printf (s,
                                "UPDATE %s SET rev = max (rev, ?), "
                                "sync_state = CASE WHEN ? THEN sync_state ELSE 0 END WHERE id = ?",
                                entity->name);
      else if (g_str_equal (kind, "state"))
        g_string_append_printf (s, "UPDATE %s SET sync_state = ? WHERE id = ?", entity->name);
      else
        g_assert_not_reached ();

      sql = g_string_free (s, FALSE);
      g_hash_table_insert (cache, g_steal_pointer (&key), (gpointer) sql);
    }
  g_mutex_unlock (&lock);

  return sql;
}

/* The row whatever its sync state, or NULL (with @error unset) when absent. */
static CareRecord *
load_row (CareStore *store, const CareEntity *entity, const char *id, GError **error)
{
  sqlite3_stmt *stmt = care_store_prepare (store, entity_sql (entity, "select"), error);
  CareRecord   *record = NULL;
  int           rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    record = care_store_row_to_record (entity, stmt);
  else if (rc != SQLITE_DONE)
    care_store_set_error (store, rc, error);
  sqlite3_reset (stmt);

  return record;
}

static gboolean
delete_row (CareStore *store, const CareEntity *entity, const char *id, GError **error)
{
  sqlite3_stmt *stmt = care_store_prepare (store, entity_sql (entity, "delete"), error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (!care_store_step_done (store, stmt, error))
    return FALSE;

  care_store_note_change (store, entity->name, id);
  return TRUE;
}

static gboolean
set_state (
    CareStore *store, const CareEntity *entity, const char *id, CareSyncState state, GError **error)
{
  sqlite3_stmt *stmt = care_store_prepare (store, entity_sql (entity, "state"), error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, state);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  if (!care_store_step_done (store, stmt, error))
    return FALSE;

  care_store_note_change (store, entity->name, id);
  return TRUE;
}

static gboolean
set_field (CareStore        *store,
           const CareEntity *entity,
           const char       *id,
           const CareField  *field,
           GVariant         *value,
           GError          **error)
{
  g_autofree char *sql =
      g_strdup_printf ("UPDATE %s SET %s = ? WHERE id = ?", entity->name, field->name);
  sqlite3_stmt *stmt = care_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  care_store_bind_value (stmt, 1, value);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  return care_store_step_done (store, stmt, error);
}

/* The mutation reached the server (applied, merged, or partly applied with
 * conflicts): the row's rev follows, and the record is synced once nothing
 * else waits for it. */
static gboolean
settle_record (
    CareStore *store, const CareEntity *entity, const char *id, gint64 rev, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  gboolean      pending = care_outbox_has_pending (store, entity->name, id, &local_error);
  sqlite3_stmt *stmt;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  stmt = care_store_prepare (store, entity_sql (entity, "ack"), error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rev);
  sqlite3_bind_int (stmt, 2, pending ? 1 : 0);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_TRANSIENT);
  if (!care_store_step_done (store, stmt, error))
    return FALSE;

  care_store_note_change (store, entity->name, id);
  return TRUE;
}

/* The server has the record deleted for good (our delete, or theirs). */
static gboolean
settle_deleted (CareStore *store, const CareEntity *entity, const char *id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  gboolean pending = care_outbox_has_pending (store, entity->name, id, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return pending || delete_row (store, entity, id, error);
}

/* The user's values of the record's open field conflicts, put into
 * @record (when there is one) so a whole-record copy loses none of them. */
static gboolean
fold_field_conflicts (CareStore        *store,
                      const CareEntity *entity,
                      const char       *id,
                      CareRecord       *record,
                      gboolean         *out_found,
                      GError          **error)
{
  g_autoptr (GPtrArray) all = care_conflict_list (store, error);

  *out_found = FALSE;
  if (all == NULL)
    return FALSE;

  for (guint i = 0; i < all->len; i++)
    {
      CareConflict *c = g_ptr_array_index (all, i);

      if (care_conflict_get_entity (c) != entity ||
          g_strcmp0 (care_conflict_get_record_id (c), id) != 0 ||
          care_conflict_get_kind (c) != CARE_CONFLICT_FIELD)
        continue;
      *out_found = TRUE;
      if (record != NULL)
        care_record_set_value (record, care_conflict_get_field (c),
                               care_conflict_get_local_value (c));
    }

  return TRUE;
}

/* Edits to a record the server deleted: the user's version is saved in the
 * conflict, the edits still queued for it are folded in (the server would
 * refuse each one the same way), and the row goes as it did elsewhere. */
static gboolean
record_deleted_conflict (CareStore        *store,
                         const CareEntity *entity,
                         CareMutation     *m,
                         gint64            rev,
                         const char       *message,
                         GError          **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (CareRecord) record = load_row (store, entity, m->record_id, &local_error);
  sqlite3_stmt *stmt;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* Already folded in by an earlier result of the same push. */
  if (record == NULL)
    return TRUE;

  {
    gboolean had_fields;

    if (!fold_field_conflicts (store, entity, m->record_id, record, &had_fields, error) ||
        (had_fields && !care_conflict_forget_record (store, entity->name, m->record_id, error)) ||
        !care_conflict_note_record (store, CARE_CONFLICT_DELETED, record, rev, message, error))
      return FALSE;
  }

  stmt = care_store_prepare (
      store, "DELETE FROM outbox WHERE entity = ? AND record_id = ? AND state = 'pending'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, entity->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, m->record_id, -1, SQLITE_TRANSIENT);
  if (!care_store_step_done (store, stmt, error))
    return FALSE;

  return delete_row (store, entity, m->record_id, error);
}

/* Some fields were changed on the server to other values: the server kept
 * its values, so the row takes them too (unless the user has edited that
 * field again since), and the user's values wait in the conflict table. */
static gboolean
record_field_conflicts (CareStore        *store,
                        const CareEntity *entity,
                        CareMutation     *m,
                        JsonArray        *conflicts,
                        gint64            rev,
                        const char       *message,
                        GError          **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (CareRecord) record = load_row (store, entity, m->record_id, &local_error);
  g_autoptr (GHashTable) pending = NULL;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!care_outbox_pending_fields (store, entity->name, m->record_id, &pending, NULL, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (conflicts); i++)
    {
      JsonNode        *node = json_array_get_element (conflicts, i);
      JsonObject      *c;
      const CareField *field;
      JsonNode        *change;
      JsonNode        *base = NULL;
      JsonNode        *local;
      JsonNode        *server;
      g_autoptr (GVariant) server_value = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return protocol_error (error, "conflicts");
      c = json_node_get_object (node);
      field = care_entity_lookup_field (entity, care_json_get_string (c, "field"));
      server = json_object_get_member (c, "server");
      if (field == NULL || server == NULL ||
          !care_json_to_value (field, server, &server_value, NULL))
        return protocol_error (error, "conflicts");

      /* What the user wrote is in the mutation itself: the server's echo is
       * only a fallback. */
      change = json_object_get_member (m->fields, field->name);
      if (m->op == CARE_MUTATION_UPDATE && change != NULL && JSON_NODE_HOLDS_OBJECT (change))
        {
          base = json_object_get_member (json_node_get_object (change), "from");
          local = json_object_get_member (json_node_get_object (change), "to");
        }
      else if (m->op == CARE_MUTATION_CREATE && change != NULL)
        local = change;
      else
        local = json_object_get_member (c, "client");

      if (!care_conflict_note_field (
              store, entity->name, m->record_id, field->name, base, local, server, rev,
              record != NULL ? care_record_get_title (record) : NULL, message, error))
        return FALSE;

      if (record != NULL && (pending == NULL || !g_hash_table_contains (pending, field->name)) &&
          !set_field (store, entity, m->record_id, field, server_value, error))
        return FALSE;
    }

  return settle_record (store, entity, m->record_id, rev, error);
}

/* A delete the server refused because the record changed there: the record
 * comes back as it is (pulls kept its fields current), and the user can
 * delete it again knowingly. */
static gboolean
record_kept_conflict (CareStore        *store,
                      const CareEntity *entity,
                      CareMutation     *m,
                      gint64            rev,
                      const char       *message,
                      GError          **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (CareRecord) record = NULL;
  gboolean pending;

  pending = care_outbox_has_pending (store, entity->name, m->record_id, &local_error);
  if (local_error == NULL)
    record = load_row (store, entity, m->record_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (record == NULL)
    return TRUE;

  return set_state (store, entity, m->record_id,
                    pending ? CARE_SYNC_STATE_MODIFIED : CARE_SYNC_STATE_SYNCED, error) &&
         care_conflict_note_record (store, CARE_CONFLICT_KEPT, record, rev, message, error);
}

/* Edits queued after this one were made on top of it: once the server
 * applied it cleanly, they are based on its new revision, as they would
 * have been had the user waited for the answer. (A delete based on the old
 * revision would otherwise be refused as stale.) Only "applied", never
 * "merged": after a merge the record holds changes the user has not seen,
 * and a later delete must not remove them unseen. */
static gboolean
rebase (CareStore *store, CareMutation *m, gint64 rev, GError **error)
{
  sqlite3_stmt *stmt;

  /* The unary pluses keep SQLite on the record index: the state index
   * would walk every later pending row for each acknowledged one. */
  stmt = care_store_prepare (store,
                             "UPDATE outbox SET base_rev = ? WHERE entity = ? AND record_id = ? "
                             "AND +state = 'pending' AND base_rev = ? AND +mutation_id > ?",
                             error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, rev);
  sqlite3_bind_text (stmt, 2, m->entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, m->record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, m->base_rev);
  sqlite3_bind_int64 (stmt, 5, m->mutation_id);
  return care_store_step_done (store, stmt, error);
}

static gboolean
settle_one (CareStore *store, CareMutation *m, JsonObject *result, GError **error)
{
  const CareEntity *entity = care_schema_lookup (m->entity);
  const char       *status = care_json_get_string (result, "status");
  const char       *code = care_json_get_string (result, "code");
  const char       *message = care_json_get_string (result, "error");
  JsonArray        *conflicts = care_json_get_array (result, "conflicts");
  gint64            rev = 0;

  if (status == NULL)
    return protocol_error (error, "status");
  care_json_get_int (result, "rev", &rev);

  if (g_str_equal (status, "rejected"))
    {
      g_debug ("Mutation %" G_GINT64_FORMAT " rejected: %s", m->mutation_id, message);
      return care_outbox_reject (store, m->mutation_id, message, error);
    }

  if (!g_str_equal (status, "applied") && !g_str_equal (status, "merged") &&
      !g_str_equal (status, "conflict"))
    return protocol_error (error, status);

  /* Whatever follows, the server has answered this mutation for good. */
  if (!care_outbox_acknowledge (store, m->mutation_id, error))
    return FALSE;

  /* An entity this version does not know cannot be in our outbox; be safe. */
  if (entity == NULL)
    return TRUE;

  if (!g_str_equal (status, "conflict"))
    {
      if (g_str_equal (status, "applied") && !rebase (store, m, rev, error))
        return FALSE;
      if (m->op == CARE_MUTATION_DELETE)
        return settle_deleted (store, entity, m->record_id, error);
      return settle_record (store, entity, m->record_id, rev, error);
    }

  g_debug ("Mutation %" G_GINT64_FORMAT " (%s %s) conflicts: %s", m->mutation_id,
           care_mutation_op_to_string (m->op), m->record_id, code != NULL ? code : "fields");

  if (m->op == CARE_MUTATION_DELETE)
    {
      /* Deleted on both sides: that is agreement, not a conflict. */
      if (g_strcmp0 (code, "deleted") == 0)
        return settle_deleted (store, entity, m->record_id, error);
      return record_kept_conflict (store, entity, m, rev, message, error);
    }

  if (g_strcmp0 (code, "deleted") == 0 || conflicts == NULL ||
      json_array_get_length (conflicts) == 0)
    return record_deleted_conflict (store, entity, m, rev, message, error);

  return record_field_conflicts (store, entity, m, conflicts, rev, message, error);
}

typedef struct
{
  GPtrArray *mutations;
  JsonArray *results;
} PushData;

static gboolean
push_in_transaction (CareStore *store, gpointer user_data, GError **error)
{
  PushData *data = user_data;

  for (guint i = 0; i < data->mutations->len; i++)
    if (!settle_one (store, g_ptr_array_index (data->mutations, i),
                     json_array_get_object_element (data->results, i), error))
      return FALSE;

  return TRUE;
}

/**
 * care_sync_apply_push_results:
 * @mutations: (element-type CareMutation): what was pushed, in order
 * @response: the server's answer
 *
 * Settles every pushed mutation with its result in one transaction. The
 * answer is checked first: an answer that does not match the request
 * changes nothing, so the next sync pushes the same mutations again (and
 * the server replays its stored results).
 */
gboolean
care_sync_apply_push_results (CareStore *store,
                              GPtrArray *mutations,
                              JsonNode  *response,
                              GError   **error)
{
  PushData data = { mutations, NULL };

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);

  if (response == NULL || !JSON_NODE_HOLDS_OBJECT (response))
    return protocol_error (error, "push");

  data.results = care_json_get_array (json_node_get_object (response), "results");
  if (data.results == NULL || json_array_get_length (data.results) != mutations->len)
    return protocol_error (error, "results");

  for (guint i = 0; i < mutations->len; i++)
    {
      JsonNode     *node = json_array_get_element (data.results, i);
      CareMutation *m = g_ptr_array_index (mutations, i);
      gint64        id = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !care_json_get_int (json_node_get_object (node), "mutation_id", &id) ||
          id != m->mutation_id)
        return protocol_error (error, "mutation_id");
    }

  return care_store_write (store, push_in_transaction, &data, error);
}

/* A pulled value moved a field that is in conflict: the conflict follows. */
static gboolean
refresh_conflicts (CareStore        *store,
                   const CareEntity *entity,
                   const char       *id,
                   CareRecord       *incoming,
                   gint64            rev,
                   GError          **error)
{
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int           rc;

  stmt = care_store_prepare (
      store, "SELECT field FROM conflict WHERE entity = ? AND record_id = ? AND kind = 'field'",
      error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, entity->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (fields, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return care_store_set_error (store, rc, error);

  for (guint i = 0; i < fields->len; i++)
    {
      const char *name = g_ptr_array_index (fields, i);
      g_autoptr (JsonNode) value = NULL;

      if (care_entity_lookup_field (entity, name) == NULL)
        continue;
      value = care_json_from_value (care_record_get_value (incoming, name));
      if (!care_conflict_note_server_value (store, entity->name, id, name, value, rev, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
apply_tombstone (CareStore        *store,
                 const CareEntity *entity,
                 const char       *id,
                 gboolean          have_conflicts,
                 GError          **error)
{
  g_autoptr (GError) local_error = NULL;
  gboolean pending = care_outbox_has_pending (store, entity->name, id, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* Local edits still wait: the push meets the tombstone and turns them
   * into a conflict that keeps the user's version. */
  if (pending)
    return TRUE;

  if (have_conflicts)
    {
      g_autoptr (CareRecord) record = load_row (store, entity, id, &local_error);
      gboolean had_fields = FALSE;

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      /* Field conflicts on a record now deleted become one "deleted"
       * conflict carrying the user's values, so "mine" can restore it. */
      if (!fold_field_conflicts (store, entity, id, record, &had_fields, error) ||
          !care_conflict_forget_record (store, entity->name, id, error))
        return FALSE;
      if (had_fields && record != NULL &&
          !care_conflict_note_record (
              store, CARE_CONFLICT_DELETED, record, 0,
              _ ("Someone deleted this record while your changes were waiting"), error))
        return FALSE;
    }

  return delete_row (store, entity, id, error);
}

static gboolean
apply_upsert (CareStore        *store,
              const CareEntity *entity,
              const char       *id,
              gint64            rev,
              JsonObject       *fields,
              gboolean          have_conflicts,
              const char       *now,
              GError          **error)
{
  g_autoptr (CareRecord) incoming = care_record_new_with_id (entity, id);
  g_autoptr (CareRecord) existing = NULL;
  g_autoptr (GHashTable) pending = NULL;
  g_autoptr (GError) local_error = NULL;
  gboolean      whole = FALSE;
  sqlite3_stmt *stmt;
  int           col = 1;

  /* Each known field strictly; fields a newer server knows are skipped. */
  for (guint i = 0; i < entity->n_fields; i++)
    {
      const CareField *field = &entity->fields[i];
      GVariant        *value = NULL;

      if (!care_json_to_value (field, json_object_get_member (fields, field->name), &value,
                               &local_error))
        {
          g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PROTOCOL,
                       _ ("The server sent an invalid %s (%s): %s"), entity->name, id,
                       local_error->message);
          return FALSE;
        }
      care_record_set_value_at (incoming, i, value);
      g_clear_pointer (&value, g_variant_unref);
    }

  existing = load_row (store, entity, id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (existing == NULL)
    {
      stmt = care_store_prepare (store, entity_sql (entity, "insert"), error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, col++, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, col++, rev);
      sqlite3_bind_text (stmt, col++, now, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, col++, now, -1, SQLITE_STATIC);
      for (guint i = 0; i < entity->n_fields; i++)
        care_store_bind_value (stmt, col++, care_record_get_value_at (incoming, i));
      if (!care_store_step_done (store, stmt, error))
        return FALSE;

      care_store_note_change (store, entity->name, id);
      return TRUE;
    }

  if (!care_outbox_pending_fields (store, entity->name, id, &pending, &whole, error))
    return FALSE;

  stmt = care_store_prepare (store, entity_sql (entity, "update"), error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, col++, MAX (rev, care_record_get_rev (existing)));
  sqlite3_bind_int (stmt, col++,
                    pending != NULL ? (int) care_record_get_sync_state (existing)
                                    : CARE_SYNC_STATE_SYNCED);
  sqlite3_bind_text (stmt, col++, now, -1, SQLITE_STATIC);
  for (guint i = 0; i < entity->n_fields; i++)
    {
      const char *name = entity->fields[i].name;
      gboolean    keep_local = whole || (pending != NULL && g_hash_table_contains (pending, name));

      care_store_bind_value (stmt, col++,
                             keep_local ? care_record_get_value_at (existing, i)
                                        : care_record_get_value_at (incoming, i));
    }
  sqlite3_bind_text (stmt, col, id, -1, SQLITE_TRANSIENT);
  if (!care_store_step_done (store, stmt, error))
    return FALSE;

  if (have_conflicts && !refresh_conflicts (store, entity, id, incoming, rev, error))
    return FALSE;

  care_store_note_change (store, entity->name, id);
  return TRUE;
}

typedef struct
{
  JsonArray  *changes;
  const char *next_cursor;
  guint       n_applied;
} PullData;

static gboolean
pull_in_transaction (CareStore *store, gpointer user_data, GError **error)
{
  PullData        *data = user_data;
  gboolean         have_conflicts = care_conflict_count (store) > 0;
  g_autofree char *now = care_clock_now_iso ();

  for (guint i = 0; i < json_array_get_length (data->changes); i++)
    {
      JsonNode         *node = json_array_get_element (data->changes, i);
      JsonObject       *change;
      const CareEntity *entity;
      g_autofree char  *id = NULL;
      gboolean          deleted = FALSE;
      JsonObject       *fields;
      gint64            rev = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return protocol_error (error, "changes");
      change = json_node_get_object (node);
      /* Ids are kept in lower case, whatever case a server sends. */
      id = care_id_normalize (care_json_get_string (change, "id"));
      fields = care_json_get_object (change, "fields");
      if (id == NULL || !care_json_get_int (change, "rev", &rev) ||
          !care_json_get_bool (change, "deleted", &deleted))
        return protocol_error (error, "change");

      entity = care_schema_lookup (care_json_get_string (change, "entity"));
      if (entity == NULL)
        {
          /* A newer server's entity: nothing here could show it. */
          g_debug ("Skipping a change of unknown entity “%s”",
                   care_json_get_string (change, "entity"));
          continue;
        }

      if (deleted)
        {
          if (!apply_tombstone (store, entity, id, have_conflicts, error))
            return FALSE;
        }
      else
        {
          if (fields == NULL)
            return protocol_error (error, "fields");
          if (!apply_upsert (store, entity, id, rev, fields, have_conflicts, now, error))
            return FALSE;
        }
      data->n_applied++;
    }

  return care_store_set_meta (store, CARE_SYNC_CURSOR_KEY, data->next_cursor, error);
}

/**
 * care_sync_apply_pull_page:
 * @out_has_more: (out): whether the server has more pages
 * @out_n_changes: (out) (optional): how many changes the page held
 *
 * Applies one page of the change feed and stores its next cursor in the
 * same transaction.
 */
gboolean
care_sync_apply_pull_page (CareStore *store,
                           JsonNode  *response,
                           gboolean  *out_has_more,
                           guint     *out_n_changes,
                           GError   **error)
{
  JsonObject *obj;
  gboolean    has_more = FALSE;
  PullData    data = { 0 };

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);

  if (response == NULL || !JSON_NODE_HOLDS_OBJECT (response))
    return protocol_error (error, "pull");

  obj = json_node_get_object (response);
  data.changes = care_json_get_array (obj, "changes");
  data.next_cursor = care_json_get_string (obj, "next_cursor");
  if (data.changes == NULL || data.next_cursor == NULL ||
      !care_json_get_bool (obj, "has_more", &has_more))
    return protocol_error (error, "pull");

  if (!care_store_write (store, pull_in_transaction, &data, error))
    return FALSE;

  *out_has_more = has_more;
  if (out_n_changes != NULL)
    *out_n_changes = data.n_applied;
  return TRUE;
}
