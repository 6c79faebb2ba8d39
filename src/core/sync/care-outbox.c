/* care-outbox.c: reading and settling the store's queue of local mutations.
 *
 * care_store_save() and care_store_delete() append to the outbox; the sync
 * engine reads it in mutation_id order and settles each row with the
 * server's answer. A row leaves the table only when the server acknowledged
 * it (or the user discards a rejected one), so an edit is never lost to a
 * crash or a dropped connection. Rejected rows stay, out of the queue, so
 * the user can see what the server refused and why. */
#define G_LOG_DOMAIN "care-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "care-json.h"
#include "care-outbox.h"
#include "care-store-private.h"

#define SELECT_MUTATION                                                                            \
  "SELECT mutation_id, entity, record_id, op, base_rev, fields, created_at, state, error FROM "    \
  "outbox "

G_DEFINE_BOXED_TYPE (CareMutation, care_mutation, care_mutation_copy, care_mutation_free)

CareMutation *
care_mutation_copy (const CareMutation *self)
{
  CareMutation *copy = g_new0 (CareMutation, 1);

  copy->mutation_id = self->mutation_id;
  copy->entity = g_strdup (self->entity);
  copy->record_id = g_strdup (self->record_id);
  copy->op = self->op;
  copy->base_rev = self->base_rev;
  copy->fields = self->fields != NULL ? json_object_ref (self->fields) : NULL;
  copy->created_at = g_strdup (self->created_at);
  copy->rejected = self->rejected;
  copy->error = g_strdup (self->error);

  return copy;
}

void
care_mutation_free (CareMutation *self)
{
  if (self == NULL)
    return;

  g_free (self->entity);
  g_free (self->record_id);
  g_clear_pointer (&self->fields, json_object_unref);
  g_free (self->created_at);
  g_free (self->error);
  g_free (self);
}

/* The mutation as the push request carries it. */
JsonObject *
care_mutation_to_json (const CareMutation *self)
{
  JsonObject *obj = json_object_new ();

  json_object_set_int_member (obj, "mutation_id", self->mutation_id);
  json_object_set_string_member (obj, "entity", self->entity);
  json_object_set_string_member (obj, "id", self->record_id);
  json_object_set_string_member (obj, "op", care_mutation_op_to_string (self->op));
  json_object_set_int_member (obj, "base_rev", self->base_rev);
  json_object_set_object_member (
      obj, "fields", self->fields != NULL ? json_object_ref (self->fields) : json_object_new ());
  return obj;
}

static CareMutation *
row_to_mutation (sqlite3_stmt *stmt)
{
  CareMutation *m = g_new0 (CareMutation, 1);
  g_autoptr (JsonNode) node = NULL;
  const char *fields = (const char *) sqlite3_column_text (stmt, 5);

  m->mutation_id = sqlite3_column_int64 (stmt, 0);
  m->entity = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  m->record_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  /* The table's CHECK constraint admits only the three ops. */
  care_mutation_op_from_string ((const char *) sqlite3_column_text (stmt, 3), &m->op);
  m->base_rev = sqlite3_column_int64 (stmt, 4);
  m->created_at = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  m->rejected = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 7), "rejected") == 0;
  m->error = g_strdup ((const char *) sqlite3_column_text (stmt, 8));

  /* The store wrote this JSON itself; an unreadable value would be a bug,
   * and an empty object is the safest thing to carry on with. */
  node = fields != NULL ? json_from_string (fields, NULL) : NULL;
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    m->fields = json_object_ref (json_node_get_object (node));
  else
    m->fields = json_object_new ();

  return m;
}

static GPtrArray *
collect (CareStore *store, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) care_mutation_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, row_to_mutation (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      care_store_set_error (store, rc, error);
      return NULL;
    }

  return g_steal_pointer (&list);
}

/**
 * care_outbox_list_pending:
 * @limit: at most this many, 0 for all
 *
 * Returns: (transfer container) (element-type CareMutation): the pending
 *   mutations, oldest first, which is the order they must be pushed in.
 */
GPtrArray *
care_outbox_list_pending (CareStore *store, guint limit, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);

  stmt = care_store_prepare (
      store, SELECT_MUTATION "WHERE state = 'pending' ORDER BY mutation_id LIMIT ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (gint64) limit : -1);
  return collect (store, stmt, error);
}

/**
 * care_outbox_list_pending_for:
 *
 * Returns: (transfer container) (element-type CareMutation): the pending
 *   mutations of one record, newest first (as a history reads).
 */
GPtrArray *
care_outbox_list_pending_for (CareStore  *store,
                              const char *entity,
                              const char *record_id,
                              GError    **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);

  stmt = care_store_prepare (store,
                             SELECT_MUTATION "WHERE state = 'pending' AND entity = ? "
                                             "AND record_id = ? ORDER BY mutation_id DESC",
                             error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  return collect (store, stmt, error);
}

/**
 * care_outbox_list_rejected:
 *
 * Returns: (transfer container) (element-type CareMutation): what the
 *   server refused, oldest first.
 */
GPtrArray *
care_outbox_list_rejected (CareStore *store, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);

  stmt = care_store_prepare (store, SELECT_MUTATION "WHERE state = 'rejected' ORDER BY mutation_id",
                             error);
  if (stmt == NULL)
    return NULL;

  return collect (store, stmt, error);
}

guint
care_outbox_count_rejected (CareStore *store)
{
  g_return_val_if_fail (CARE_IS_STORE (store), 0);

  return care_store_count_sql (store, "SELECT count(*) FROM outbox WHERE state = 'rejected'");
}

CareMutation *
care_outbox_get (CareStore *store, gint64 mutation_id, GError **error)
{
  sqlite3_stmt *stmt;
  CareMutation *m = NULL;
  int           rc;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);

  stmt = care_store_prepare (store, SELECT_MUTATION "WHERE mutation_id = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, mutation_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    m = row_to_mutation (stmt);
  sqlite3_reset (stmt);

  if (rc == SQLITE_DONE)
    g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND,
                 _ ("The change is no longer waiting to be sent"));
  else if (rc != SQLITE_ROW)
    care_store_set_error (store, rc, error);

  return m;
}

/* The server has the mutation for good: the row goes. */
gboolean
care_outbox_acknowledge (CareStore *store, gint64 mutation_id, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);

  stmt = care_store_prepare (store, "DELETE FROM outbox WHERE mutation_id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, mutation_id);
  if (!care_store_step_done (store, stmt, error))
    return FALSE;

  care_store_note_change (store, "outbox", NULL);
  return TRUE;
}

gboolean
care_outbox_reject (CareStore *store, gint64 mutation_id, const char *message, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);

  stmt = care_store_prepare (
      store, "UPDATE outbox SET state = 'rejected', error = ? WHERE mutation_id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, message != NULL ? message : _ ("The server refused the change"), -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, mutation_id);
  if (!care_store_step_done (store, stmt, error))
    return FALSE;

  care_store_note_change (store, "outbox", NULL);
  return TRUE;
}

/* Whether the record has edits the server has not acknowledged yet. */
gboolean
care_outbox_has_pending (CareStore  *store,
                         const char *entity,
                         const char *record_id,
                         GError    **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  stmt = care_store_prepare (store,
                             "SELECT 1 FROM outbox WHERE entity = ? AND record_id = ? "
                             "AND state = 'pending' LIMIT 1",
                             error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return care_store_set_error (store, rc, error);

  return rc == SQLITE_ROW;
}

/**
 * care_outbox_pending_fields:
 * @out_fields: (out) (transfer full) (nullable): the names of the fields
 *   pending updates change, or %NULL when nothing is pending
 * @out_whole_record: (out): set when a pending create covers the whole
 *   record (a pending delete protects no field: it removes them all)
 *
 * What a pulled change must not overwrite.
 */
gboolean
care_outbox_pending_fields (CareStore   *store,
                            const char  *entity,
                            const char  *record_id,
                            GHashTable **out_fields,
                            gboolean    *out_whole_record,
                            GError     **error)
{
  g_autoptr (GHashTable) fields = NULL;
  sqlite3_stmt *stmt;
  gboolean      whole = FALSE;
  int           rc;

  stmt = care_store_prepare (store,
                             "SELECT op, fields FROM outbox WHERE entity = ? AND record_id = ? "
                             "AND state = 'pending' ORDER BY mutation_id",
                             error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CareMutationOp op = CARE_MUTATION_UPDATE;
      g_autoptr (JsonNode) node = NULL;
      g_autoptr (GList) members = NULL;

      if (fields == NULL)
        fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      care_mutation_op_from_string ((const char *) sqlite3_column_text (stmt, 0), &op);
      if (op != CARE_MUTATION_UPDATE)
        {
          whole = whole || op == CARE_MUTATION_CREATE;
          continue;
        }

      node = json_from_string ((const char *) sqlite3_column_text (stmt, 1), NULL);
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        continue;
      members = json_object_get_members (json_node_get_object (node));
      for (GList *l = members; l != NULL; l = l->next)
        g_hash_table_add (fields, g_strdup (l->data));
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    return care_store_set_error (store, rc, error);

  if (out_fields != NULL)
    *out_fields = g_steal_pointer (&fields);
  if (out_whole_record != NULL)
    *out_whole_record = whole;
  return TRUE;
}

static gboolean
set_sync_state (CareStore        *store,
                const CareEntity *entity,
                const char       *record_id,
                CareSyncState     state,
                GError          **error)
{
  g_autofree char *sql =
      g_strdup_printf ("UPDATE %s SET sync_state = ? WHERE id = ?", entity->name);
  sqlite3_stmt *stmt = care_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, state);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  return care_store_step_done (store, stmt, error);
}

/* Undoes one rejected update where the user has not changed the field again
 * since: the field goes back to the value the update started from. */
static gboolean
revert_update (CareStore        *store,
               const CareEntity *entity,
               CareMutation     *m,
               GHashTable       *pending,
               GError          **error)
{
  g_autoptr (CareRecord) record = NULL;
  g_autoptr (GList) members = NULL;
  g_autoptr (GError) local_error = NULL;

  record = care_store_load (store, entity, m->record_id, &local_error);
  if (record == NULL)
    {
      /* Deleted since: there is nothing left to revert. */
      if (g_error_matches (local_error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  members = json_object_get_members (m->fields);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const CareField *field = care_entity_lookup_field (entity, l->data);
      JsonNode        *change = json_object_get_member (m->fields, l->data);
      g_autoptr (GVariant) from = NULL;
      g_autoptr (GVariant) to = NULL;
      g_autofree char *sql = NULL;
      sqlite3_stmt    *stmt;

      if (field == NULL || !JSON_NODE_HOLDS_OBJECT (change) ||
          (pending != NULL && g_hash_table_contains (pending, field->name)))
        continue;

      /* Values the store wrote itself; unparsable ones are left alone. */
      if (!care_json_to_value (
              field, json_object_get_member (json_node_get_object (change), "from"), &from, NULL) ||
          !care_json_to_value (field, json_object_get_member (json_node_get_object (change), "to"),
                               &to, NULL))
        continue;

      if (!care_value_equal (care_record_get_value (record, field->name), to))
        continue;

      sql = g_strdup_printf ("UPDATE %s SET %s = ? WHERE id = ?", entity->name, field->name);
      stmt = care_store_prepare (store, sql, error);
      if (stmt == NULL)
        return FALSE;
      care_store_bind_value (stmt, 1, from);
      sqlite3_bind_text (stmt, 2, m->record_id, -1, SQLITE_TRANSIENT);
      if (!care_store_step_done (store, stmt, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
discard_in_transaction (CareStore *store, gpointer user_data, GError **error)
{
  gint64 mutation_id = *(gint64 *) user_data;
  g_autoptr (CareMutation) m = NULL;
  g_autoptr (GHashTable) pending = NULL;
  const CareEntity *entity;
  gboolean          whole = FALSE;
  gboolean          has_pending;

  m = care_outbox_get (store, mutation_id, error);
  if (m == NULL)
    return FALSE;

  if (!m->rejected)
    {
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_FAILED,
                   _ ("Only a change the server refused can be discarded"));
      return FALSE;
    }

  if (!care_outbox_acknowledge (store, mutation_id, error))
    return FALSE;

  entity = care_schema_lookup (m->entity);
  if (entity == NULL)
    return TRUE;

  if (!care_outbox_pending_fields (store, m->entity, m->record_id, &pending, &whole, error))
    return FALSE;
  has_pending = pending != NULL;

  if (m->op == CARE_MUTATION_CREATE)
    {
      /* The server never had the record: discarding its creation removes
       * it, unless later edits still wait to be sent. */
      if (!has_pending)
        {
          g_autofree char *sql =
              g_strdup_printf ("DELETE FROM %s WHERE id = ? AND sync_state = ?", entity->name);
          sqlite3_stmt *stmt = care_store_prepare (store, sql, error);

          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_text (stmt, 1, m->record_id, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int (stmt, 2, CARE_SYNC_STATE_CREATED);
          if (!care_store_step_done (store, stmt, error))
            return FALSE;
        }
    }
  else if (m->op == CARE_MUTATION_UPDATE)
    {
      if (!revert_update (store, entity, m, pending, error))
        return FALSE;
      if (!has_pending &&
          !set_sync_state (store, entity, m->record_id, CARE_SYNC_STATE_SYNCED, error))
        return FALSE;
    }
  else
    {
      /* A refused delete: the record comes back as the server still has it. */
      CareSyncState state = whole         ? CARE_SYNC_STATE_CREATED
                            : has_pending ? CARE_SYNC_STATE_MODIFIED
                                          : CARE_SYNC_STATE_SYNCED;

      if (!set_sync_state (store, entity, m->record_id, state, error))
        return FALSE;
    }

  care_store_note_change (store, m->entity, m->record_id);
  return TRUE;
}

/**
 * care_outbox_discard_rejected:
 *
 * Forgets a mutation the server refused and undoes its local effect where
 * the user has not edited the same thing again since: a refused creation
 * removes the record, a refused update restores the values it replaced, a
 * refused delete brings the record back.
 */
gboolean
care_outbox_discard_rejected (CareStore *store, gint64 mutation_id, GError **error)
{
  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);

  return care_store_write (store, discard_in_transaction, &mutation_id, error);
}
