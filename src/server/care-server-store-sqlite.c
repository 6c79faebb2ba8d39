/* care-server-store-sqlite.c: the server's storage in one SQLite file.
 *
 * The SQL of CareServerStore for SQLite; the connection, its statement
 * cache and the migrations are CareServerDb's. SQLite serialises writers
 * (BEGIN IMMEDIATE), so commit sequence numbers are handed out, and
 * become visible, in commit order: the change feed needs nothing more
 * than "seq > cursor". */
#define G_LOG_DOMAIN "care-server-store"

#include "config.h"

#include <string.h>

#include "care-server-store-sqlite.h"

struct _CareServerStoreSqlite
{
  CareServerStore parent_instance;

  CareServerDb *db; /* owned */
};

G_DEFINE_FINAL_TYPE (CareServerStoreSqlite, care_server_store_sqlite, CARE_TYPE_SERVER_STORE)

#define DB(self) (CARE_SERVER_STORE_SQLITE (self)->db)

static char *
column_dup (sqlite3_stmt *stmt, int i)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, i));
}

static void
bind_text (sqlite3_stmt *stmt, int i, const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, i);
}

/* Steps a statement expected to return one row or none; *out_row tells
 * which. The statement stays on its row for the caller to read, and is
 * reset by the next care_server_db_prepare(). */
static gboolean
step_row (CareServerStore *self, sqlite3_stmt *stmt, gboolean *out_row, GError **error)
{
  int rc = sqlite3_step (stmt);

  *out_row = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;

  care_server_db_set_error (DB (self), rc, error);
  sqlite3_reset (stmt);
  return FALSE;
}

/* care_server_db_ping() also sees a file deleted or replaced under the
 * open connection. */
static gboolean
sqlite_ping (CareServerStore *self, GError **error)
{
  return care_server_db_ping (DB (self), error);
}

/* BEGIN IMMEDIATE takes the write lock up front, so SQLITE_BUSY can only
 * happen here, where waiting and retrying is safe. */
static gboolean
sqlite_begin (CareServerStore *self, GError **error)
{
  return care_server_db_exec (DB (self), "BEGIN IMMEDIATE", error);
}

static gboolean
sqlite_commit (CareServerStore *self, GError **error)
{
  return care_server_db_exec (DB (self), "COMMIT", error);
}

static void
sqlite_rollback (CareServerStore *self)
{
  care_server_db_exec (DB (self), "ROLLBACK", NULL);
}

static gboolean
sqlite_savepoint (CareServerStore *self, GError **error)
{
  return care_server_db_exec (DB (self), "SAVEPOINT mutation", error);
}

static gboolean
sqlite_release (CareServerStore *self, gboolean keep, GError **error)
{
  if (!keep && !care_server_db_exec (DB (self), "ROLLBACK TO mutation", error))
    return FALSE;

  return care_server_db_exec (DB (self), "RELEASE mutation", error);
}

/* Columns entity, id, rev, deleted, fields, seq, created_at, updated_at. */
static CareServerStoreRecord *
take_record (sqlite3_stmt *stmt)
{
  CareServerStoreRecord *record = g_new0 (CareServerStoreRecord, 1);

  record->entity = column_dup (stmt, 0);
  record->id = column_dup (stmt, 1);
  record->rev = sqlite3_column_int64 (stmt, 2);
  record->deleted = sqlite3_column_int (stmt, 3) != 0;
  record->fields = column_dup (stmt, 4);
  record->seq = sqlite3_column_int64 (stmt, 5);
  record->created_at = column_dup (stmt, 6);
  record->updated_at = column_dup (stmt, 7);
  return record;
}

#define RECORD_COLUMNS "entity, id, rev, deleted, fields, seq, created_at, updated_at"

static CareServerStoreRecord *
sqlite_load_record (
    CareServerStore *self, const char *entity, const char *id, gboolean *out_found, GError **error)
{
  CareServerStoreRecord *record = NULL;
  sqlite3_stmt          *stmt;
  gboolean               row;

  stmt = care_server_db_prepare (
      DB (self), "SELECT " RECORD_COLUMNS " FROM record WHERE entity = ? AND id = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  if (!step_row (self, stmt, &row, error))
    return NULL;
  if (row)
    record = take_record (stmt);
  sqlite3_reset (stmt);

  *out_found = row;
  return record;
}

static gint64
next_seq (CareServerStore *self, GError **error)
{
  sqlite3_stmt *stmt = care_server_db_prepare (DB (self),
                                               "UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                                               "WHERE key = 'seq' RETURNING CAST(value AS INTEGER)",
                                               error);
  gint64        seq = -1;
  int           rc;

  if (stmt == NULL)
    return -1;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      seq = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE || seq < 0)
    {
      care_server_db_set_error (DB (self), rc, error);
      return -1;
    }

  return seq;
}

static gint64
sqlite_write_record (CareServerStore          *self,
                     const char               *entity,
                     const char               *id,
                     gint64                    rev,
                     const char               *fields,
                     gint64                    user_id,
                     const char               *now,
                     const CareServerStoreRef *refs,
                     guint                     n_refs,
                     GError                  **error)
{
  sqlite3_stmt *stmt;
  gint64        seq;

  seq = next_seq (self, error);
  if (seq < 0)
    return -1;

  stmt = care_server_db_prepare (DB (self),
                                 "INSERT INTO record (entity, id, rev, deleted, fields, seq, "
                                 "created_at, updated_at, updated_by) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8) "
                                 "ON CONFLICT (entity, id) DO UPDATE SET rev = excluded.rev, "
                                 "deleted = excluded.deleted, fields = excluded.fields, "
                                 "seq = excluded.seq, updated_at = excluded.updated_at, "
                                 "updated_by = excluded.updated_by",
                                 error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, rev);
  sqlite3_bind_int (stmt, 4, fields == NULL);
  bind_text (stmt, 5, fields);
  sqlite3_bind_int64 (stmt, 6, seq);
  sqlite3_bind_text (stmt, 7, now, -1, SQLITE_TRANSIENT);
  if (user_id > 0)
    sqlite3_bind_int64 (stmt, 8, user_id);
  else
    sqlite3_bind_null (stmt, 8);
  if (!care_server_db_step_done (DB (self), stmt, error))
    return -1;

  stmt = care_server_db_prepare (DB (self), "DELETE FROM ref WHERE entity = ? AND id = ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  if (!care_server_db_step_done (DB (self), stmt, error))
    return -1;

  for (guint i = 0; i < n_refs; i++)
    {
      stmt = care_server_db_prepare (DB (self),
                                     "INSERT INTO ref (entity, id, field, target_entity, "
                                     "target_id, owned) VALUES (?, ?, ?, ?, ?, ?)",
                                     error);
      if (stmt == NULL)
        return -1;
      sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, refs[i].field, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, refs[i].target_entity, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, refs[i].target_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 6, refs[i].owned ? 1 : 0);
      if (!care_server_db_step_done (DB (self), stmt, error))
        return -1;
    }

  return seq;
}

static void
bind_int64_or_null (sqlite3_stmt *stmt, int i, gint64 value)
{
  if (value > 0)
    sqlite3_bind_int64 (stmt, i, value);
  else
    sqlite3_bind_null (stmt, i);
}

/* Binds without a copy: the rows outlive the statement's step. */
static void
bind_static (sqlite3_stmt *stmt, int i, const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, i);
}

/* Statements of up to this many rows; one change's rows go in one. */
#define HISTORY_ROWS_PER_INSERT 8

static gboolean
sqlite_add_history (CareServerStore              *self,
                    const CareServerStoreHistory *rows,
                    guint                         n_rows,
                    GError                      **error)
{
  for (guint first = 0; first < n_rows; first += HISTORY_ROWS_PER_INSERT)
    {
      guint n = MIN (n_rows - first, HISTORY_ROWS_PER_INSERT);
      g_autoptr (GString) sql = g_string_new ("INSERT INTO history (entity, record_id, op, field, "
                                              "old_value, new_value, how, user_id, username, "
                                              "role, client_id, at) VALUES ");
      sqlite3_stmt *stmt;

      for (guint i = 0; i < n; i++)
        g_string_append (sql, i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                     : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      stmt = care_server_db_prepare (DB (self), sql->str, error);
      if (stmt == NULL)
        return FALSE;

      for (guint i = 0; i < n; i++)
        {
          const CareServerStoreHistory *row = &rows[first + i];
          int                           at = (int) i * 12;

          bind_static (stmt, at + 1, row->entity);
          bind_static (stmt, at + 2, row->record_id);
          bind_static (stmt, at + 3, row->op);
          bind_static (stmt, at + 4, row->field);
          bind_static (stmt, at + 5, row->old_value);
          bind_static (stmt, at + 6, row->new_value);
          bind_static (stmt, at + 7, row->how);
          bind_int64_or_null (stmt, at + 8, row->user_id);
          bind_static (stmt, at + 9, row->username);
          bind_static (stmt, at + 10, row->role);
          bind_static (stmt, at + 11, row->client_id);
          bind_static (stmt, at + 12, row->at);
        }
      if (!care_server_db_step_done (DB (self), stmt, error))
        return FALSE;
    }

  return TRUE;
}

static GPtrArray *
sqlite_list_history (CareServerStore *self,
                     const char      *entity,
                     const char      *record_id,
                     gint64           before,
                     guint            limit,
                     GError         **error)
{
  g_autoptr (GPtrArray) rows =
      g_ptr_array_new_with_free_func ((GDestroyNotify) care_server_store_history_free);
  sqlite3_stmt *stmt;
  int           rc;

  stmt = care_server_db_prepare (
      DB (self),
      "SELECT id, entity, record_id, op, field, old_value, new_value, how, user_id, username, "
      "role, client_id, at FROM history WHERE entity = ?1 AND record_id = ?2 "
      "AND (?3 <= 0 OR id < ?3) ORDER BY id DESC LIMIT ?4",
      error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, before);
  sqlite3_bind_int64 (stmt, 4, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CareServerStoreHistory *row = g_new0 (CareServerStoreHistory, 1);

      row->id = sqlite3_column_int64 (stmt, 0);
      row->entity = column_dup (stmt, 1);
      row->record_id = column_dup (stmt, 2);
      row->op = column_dup (stmt, 3);
      row->field = column_dup (stmt, 4);
      row->old_value = column_dup (stmt, 5);
      row->new_value = column_dup (stmt, 6);
      row->how = column_dup (stmt, 7);
      row->user_id = sqlite3_column_int64 (stmt, 8);
      row->username = column_dup (stmt, 9);
      row->role = column_dup (stmt, 10);
      row->client_id = column_dup (stmt, 11);
      row->at = column_dup (stmt, 12);
      g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      care_server_db_set_error (DB (self), rc, error);
      return NULL;
    }

  return g_steal_pointer (&rows);
}

static GPtrArray *
sqlite_list_referrers (CareServerStore *self,
                       const char      *target_entity,
                       const char      *target_id,
                       GError         **error)
{
  g_autoptr (GPtrArray) rows =
      g_ptr_array_new_with_free_func ((GDestroyNotify) care_server_store_ref_free);
  sqlite3_stmt *stmt;
  int           rc;

  stmt = care_server_db_prepare (DB (self),
                                 "SELECT entity, id, field, owned FROM ref "
                                 "WHERE target_entity = ? AND target_id = ?",
                                 error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, target_entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, target_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CareServerStoreRef *row = g_new0 (CareServerStoreRef, 1);

      row->entity = column_dup (stmt, 0);
      row->id = column_dup (stmt, 1);
      row->field = column_dup (stmt, 2);
      row->owned = sqlite3_column_int (stmt, 3) != 0;
      row->target_entity = g_strdup (target_entity);
      row->target_id = g_strdup (target_id);
      g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      care_server_db_set_error (DB (self), rc, error);
      return NULL;
    }

  return g_steal_pointer (&rows);
}

/**
 * care_server_store_sqlite_unique_sql:
 * @field: a unique field of care-schema.c
 *
 * The query that finds another live record holding a unique value (?1 the
 * entity, ?2 the record's id, ?3 the value). The JSON path is spelled in
 * the SQL, not bound, so that SQLite matches it with the expression index
 * of that field (migration 3); the field name comes from care-schema.c,
 * never from a request.
 *
 * Returns: (transfer full): the SQL
 */
char *
care_server_store_sqlite_unique_sql (const char *field)
{
  for (const char *p = field; *p != '\0'; p++)
    g_return_val_if_fail (g_ascii_islower (*p) || *p == '_', NULL);

  return g_strdup_printf ("SELECT 1 FROM record WHERE entity = ?1 AND deleted = 0 AND "
                          "json_extract (fields, '$.%s') = ?3 AND id <> ?2 LIMIT 1",
                          field);
}

static gboolean
sqlite_unique_taken (CareServerStore *self,
                     const char      *entity,
                     const char      *field,
                     const char      *value,
                     const char      *except_id,
                     gboolean        *out_taken,
                     GError         **error)
{
  g_autofree char *sql = care_server_store_sqlite_unique_sql (field);
  sqlite3_stmt    *stmt;
  gboolean         row;

  if (sql == NULL)
    return TRUE;
  stmt = care_server_db_prepare (DB (self), sql, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, except_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, value, -1, SQLITE_TRANSIENT);
  if (!step_row (self, stmt, &row, error))
    return FALSE;
  sqlite3_reset (stmt);

  *out_taken = row;
  return TRUE;
}

static GPtrArray *
collect_records (CareServerStore *self, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (GPtrArray) found =
      g_ptr_array_new_with_free_func ((GDestroyNotify) care_server_store_record_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (found, take_record (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      care_server_db_set_error (DB (self), rc, error);
      return NULL;
    }

  return g_steal_pointer (&found);
}

static GPtrArray *
sqlite_find_referring (CareServerStore *self,
                       const char      *entity,
                       const char      *field,
                       const char      *target_entity,
                       const char      *target_id,
                       const char      *ends_after,
                       const char      *order_field,
                       guint            limit,
                       GError         **error)
{
  g_autofree char *order_path = g_strconcat ("$.", order_field, NULL);
  sqlite3_stmt    *stmt;

  stmt = care_server_db_prepare (
      DB (self),
      "SELECT r.entity, r.id, r.rev, r.deleted, r.fields, r.seq, r.created_at, r.updated_at "
      "FROM ref JOIN record r ON r.entity = ref.entity AND r.id = ref.id "
      "WHERE ref.target_entity = ?1 AND ref.target_id = ?2 AND ref.entity = ?3 "
      "AND ref.field = ?4 AND r.deleted = 0 "
      "AND (?5 IS NULL OR json_extract (r.fields, '$.end_at') >= ?5) "
      "ORDER BY json_extract (r.fields, ?6), r.id LIMIT ?7",
      error);
  if (stmt == NULL)
    return NULL;

  /* Field names come from the static schema, and are bound anyway. */
  sqlite3_bind_text (stmt, 1, target_entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, target_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, field, -1, SQLITE_TRANSIENT);
  bind_text (stmt, 5, ends_after);
  sqlite3_bind_text (stmt, 6, order_path, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, limit);

  return collect_records (self, stmt, error);
}

/* A read inside one statement sees one snapshot, and seq grows in commit
 * order because SQLite serialises writers, so no change slips in behind
 * the cursor. */
static GPtrArray *
sqlite_changes_since (CareServerStore *self, gint64 seq, guint limit, GError **error)
{
  sqlite3_stmt *stmt;

  stmt = care_server_db_prepare (
      DB (self), "SELECT " RECORD_COLUMNS " FROM record WHERE seq > ? ORDER BY seq LIMIT ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_int64 (stmt, 2, limit);
  return collect_records (self, stmt, error);
}

static char *
sqlite_first_live_with (
    CareServerStore *self, const char *entity, const char *field, const char *value, GError **error)
{
  g_autofree char *path = g_strconcat ("$.", field, NULL);
  sqlite3_stmt    *stmt;
  gboolean         row;
  char            *id = NULL;

  stmt = care_server_db_prepare (DB (self),
                                 "SELECT id FROM record WHERE entity = ? AND deleted = 0 "
                                 "AND json_extract (fields, ?) = ? ORDER BY seq LIMIT 1",
                                 error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, path, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, value, -1, SQLITE_TRANSIENT);
  if (!step_row (self, stmt, &row, error))
    return NULL;
  if (row)
    id = column_dup (stmt, 0);
  sqlite3_reset (stmt);

  return id;
}

/* The transaction already holds SQLite's write lock: no other writer can
 * claim or advance the client until it ends. */
static gboolean
sqlite_lock_client (CareServerStore *self,
                    const char      *client_id,
                    gint64           user_id,
                    gint64          *out_owner,
                    gint64          *out_last,
                    GError         **error)
{
  sqlite3_stmt *stmt;
  gboolean      row;

  stmt = care_server_db_prepare (
      DB (self), "SELECT user_id, last_mutation_id FROM clients WHERE client_id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, client_id, -1, SQLITE_TRANSIENT);
  if (!step_row (self, stmt, &row, error))
    return FALSE;
  if (row)
    {
      *out_owner = sqlite3_column_int64 (stmt, 0);
      *out_last = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (row)
    return TRUE;

  *out_owner = user_id;
  *out_last = 0;
  stmt = care_server_db_prepare (DB (self),
                                 "INSERT INTO clients (client_id, user_id, last_mutation_id) "
                                 "VALUES (?, ?, 0)",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, client_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, user_id);
  return care_server_db_step_done (DB (self), stmt, error);
}

static gboolean
sqlite_set_client_last (CareServerStore *self, const char *client_id, gint64 last, GError **error)
{
  sqlite3_stmt *stmt = care_server_db_prepare (
      DB (self), "UPDATE clients SET last_mutation_id = ? WHERE client_id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, last);
  sqlite3_bind_text (stmt, 2, client_id, -1, SQLITE_TRANSIENT);
  return care_server_db_step_done (DB (self), stmt, error);
}

static gboolean
sqlite_store_result (CareServerStore *self,
                     const char      *client_id,
                     gint64           mutation_id,
                     const char      *result,
                     GError         **error)
{
  sqlite3_stmt *stmt = care_server_db_prepare (DB (self),
                                               "INSERT INTO client_mutations (client_id, "
                                               "mutation_id, result) VALUES (?, ?, ?)",
                                               error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, client_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, mutation_id);
  sqlite3_bind_text (stmt, 3, result, -1, SQLITE_TRANSIENT);
  return care_server_db_step_done (DB (self), stmt, error);
}

static char *
sqlite_load_result (CareServerStore *self,
                    const char      *client_id,
                    gint64           mutation_id,
                    GError         **error)
{
  sqlite3_stmt *stmt;
  gboolean      row;
  char         *result = NULL;

  stmt = care_server_db_prepare (DB (self),
                                 "SELECT result FROM client_mutations "
                                 "WHERE client_id = ? AND mutation_id = ?",
                                 error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, client_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, mutation_id);
  if (!step_row (self, stmt, &row, error))
    return NULL;
  if (row)
    result = column_dup (stmt, 0);
  sqlite3_reset (stmt);

  return result;
}

static gboolean
sqlite_add_user (CareServerStore *self,
                 const char      *username,
                 const char      *role,
                 const char      *password_hash,
                 const char      *staff_id,
                 const char      *created_at,
                 GError         **error)
{
  sqlite3_stmt *stmt = care_server_db_prepare (
      DB (self),
      "INSERT INTO users (username, role, password_hash, staff_id, created_at) "
      "VALUES (?, ?, ?, ?, ?)",
      error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, role, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, password_hash, -1, SQLITE_TRANSIENT);
  bind_text (stmt, 4, staff_id);
  sqlite3_bind_text (stmt, 5, created_at, -1, SQLITE_TRANSIENT);
  return care_server_db_step_done (DB (self), stmt, error);
}

static CareServerStoreUser *
sqlite_find_user (CareServerStore *self,
                  const char      *username,
                  char           **out_password_hash,
                  GError         **error)
{
  CareServerStoreUser *user = NULL;
  sqlite3_stmt        *stmt;
  gboolean             row;

  stmt = care_server_db_prepare (
      DB (self), "SELECT id, role, password_hash, staff_id FROM users WHERE username = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  if (!step_row (self, stmt, &row, error))
    return NULL;
  if (row)
    {
      user = g_new0 (CareServerStoreUser, 1);
      user->id = sqlite3_column_int64 (stmt, 0);
      user->username = g_strdup (username);
      user->role = column_dup (stmt, 1);
      if (out_password_hash != NULL)
        *out_password_hash = column_dup (stmt, 2);
      user->staff_id = column_dup (stmt, 3);
    }
  sqlite3_reset (stmt);

  return user;
}

static gboolean
sqlite_add_token (CareServerStore *self,
                  const char      *hash,
                  gint64           user_id,
                  gint64           expires_at,
                  gint64           now,
                  GError         **error)
{
  sqlite3_stmt *stmt;

  /* Expired tokens are useless; drop them while we are writing anyway. */
  stmt = care_server_db_prepare (DB (self), "DELETE FROM tokens WHERE expires_at <= ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  if (!care_server_db_step_done (DB (self), stmt, error))
    return FALSE;

  stmt = care_server_db_prepare (
      DB (self), "INSERT INTO tokens (hash, user_id, expires_at) VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 3, expires_at);
  return care_server_db_step_done (DB (self), stmt, error);
}

static CareServerStoreUser *
sqlite_lookup_token (CareServerStore *self,
                     const char      *hash,
                     gint64          *out_expires_at,
                     GError         **error)
{
  CareServerStoreUser *user = NULL;
  sqlite3_stmt        *stmt;
  gboolean             row;

  stmt = care_server_db_prepare (DB (self),
                                 "SELECT users.id, users.username, users.role, tokens.expires_at, "
                                 "users.staff_id "
                                 "FROM tokens JOIN users ON users.id = tokens.user_id "
                                 "WHERE tokens.hash = ?",
                                 error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  if (!step_row (self, stmt, &row, error))
    return NULL;
  if (row)
    {
      user = g_new0 (CareServerStoreUser, 1);
      user->id = sqlite3_column_int64 (stmt, 0);
      user->username = column_dup (stmt, 1);
      user->role = column_dup (stmt, 2);
      *out_expires_at = sqlite3_column_int64 (stmt, 3);
      user->staff_id = column_dup (stmt, 4);
    }
  sqlite3_reset (stmt);

  return user;
}

static gboolean
sqlite_delete_token (CareServerStore *self, const char *hash, GError **error)
{
  sqlite3_stmt *stmt =
      care_server_db_prepare (DB (self), "DELETE FROM tokens WHERE hash = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  return care_server_db_step_done (DB (self), stmt, error);
}

static gboolean
sqlite_throttle_get (CareServerStore *self,
                     const char      *username,
                     const char      *address,
                     gint64          *out_failures,
                     gint64          *out_last,
                     GError         **error)
{
  sqlite3_stmt *stmt;
  gboolean      row;

  stmt = care_server_db_prepare (DB (self),
                                 "SELECT failures, last_failure_at FROM login_throttle "
                                 "WHERE username = ? AND address = ?",
                                 error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, address, -1, SQLITE_TRANSIENT);
  if (!step_row (self, stmt, &row, error))
    return FALSE;
  if (row)
    {
      *out_failures = sqlite3_column_int64 (stmt, 0);
      *out_last = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);

  return TRUE;
}

static gboolean
sqlite_throttle_bump (CareServerStore *self,
                      const char      *username,
                      const char      *address,
                      gint64           now,
                      gint64           window_start,
                      GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = care_server_db_prepare (DB (self),
                                 "INSERT INTO login_throttle (username, address, failures, "
                                 "last_failure_at) VALUES (?1, ?2, 1, ?3) "
                                 "ON CONFLICT (username, address) DO UPDATE SET failures = "
                                 "CASE WHEN last_failure_at > ?4 THEN failures + 1 ELSE 1 END, "
                                 "last_failure_at = ?3",
                                 error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, address, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, window_start);
  return care_server_db_step_done (DB (self), stmt, error);
}

static gboolean
run_pair (CareServerStore *self,
          const char      *sql,
          const char      *username,
          const char      *address,
          GError         **error)
{
  sqlite3_stmt *stmt = care_server_db_prepare (DB (self), sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, address, -1, SQLITE_TRANSIENT);
  return care_server_db_step_done (DB (self), stmt, error);
}

static gboolean
sqlite_throttle_success (
    CareServerStore *self, const char *username, const char *address, gint64 now, GError **error)
{
  sqlite3_stmt *stmt;

  /* The address and the name keep their other failures; a row left
   * with none goes. */
  if (!run_pair (self, "DELETE FROM login_throttle WHERE username = ?1 AND address = ?2", username,
                 address, error) ||
      !run_pair (self,
                 "UPDATE login_throttle SET failures = max (failures - 1, 0) "
                 "WHERE (username = ?1 AND address = '') OR (username = '' AND address = ?2)",
                 username, address, error) ||
      !run_pair (self,
                 "DELETE FROM login_throttle WHERE failures = 0 "
                 "AND ((username = ?1 AND address = '') OR (username = '' AND address = ?2))",
                 username, address, error))
    return FALSE;

  stmt = care_server_db_prepare (DB (self),
                                 "INSERT INTO login_known (username, address, last_success_at) "
                                 "VALUES (?1, ?2, ?3) ON CONFLICT (username, address) "
                                 "DO UPDATE SET last_success_at = ?3",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, address, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now);
  return care_server_db_step_done (DB (self), stmt, error);
}

static gboolean
sqlite_is_known (CareServerStore *self,
                 const char      *username,
                 const char      *address,
                 gint64           since,
                 gboolean        *out_known,
                 GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = care_server_db_prepare (DB (self),
                                 "SELECT 1 FROM login_known WHERE username = ? AND address = ? "
                                 "AND last_success_at > ?",
                                 error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, address, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, since);
  if (!step_row (self, stmt, out_known, error))
    return FALSE;
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
sqlite_throttle_prune (CareServerStore *self,
                       gint64           named_before,
                       gint64           any_before,
                       gint64           known_before,
                       gint64           recent_before,
                       GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = care_server_db_prepare (DB (self),
                                 "DELETE FROM login_throttle WHERE last_failure_at <= ?1 "
                                 "OR (username = '' AND last_failure_at <= ?2)",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, named_before);
  sqlite3_bind_int64 (stmt, 2, any_before);
  if (!care_server_db_step_done (DB (self), stmt, error))
    return FALSE;

  stmt = care_server_db_prepare (DB (self), "DELETE FROM login_known WHERE last_success_at <= ?",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, known_before);
  if (!care_server_db_step_done (DB (self), stmt, error))
    return FALSE;

  stmt = care_server_db_prepare (DB (self), "DELETE FROM login_recent WHERE at <= ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, recent_before);
  return care_server_db_step_done (DB (self), stmt, error);
}

static gboolean
sqlite_recent_failure_add (CareServerStore *self, gint64 now, GError **error)
{
  sqlite3_stmt *stmt =
      care_server_db_prepare (DB (self), "INSERT INTO login_recent (at) VALUES (?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  return care_server_db_step_done (DB (self), stmt, error);
}

static gboolean
sqlite_recent_failure_take_back (CareServerStore *self, GError **error)
{
  sqlite3_stmt *stmt = care_server_db_prepare (
      DB (self),
      "DELETE FROM login_recent WHERE id = (SELECT id FROM login_recent ORDER BY id DESC LIMIT 1)",
      error);

  return stmt != NULL && care_server_db_step_done (DB (self), stmt, error);
}

static gboolean
sqlite_recent_failures (CareServerStore *self,
                        gint64           since,
                        guint            limit,
                        gint64          *out_count,
                        gint64          *out_oldest,
                        GError         **error)
{
  sqlite3_stmt *stmt;
  gboolean      row;

  stmt = care_server_db_prepare (DB (self),
                                 "SELECT count(*), coalesce (min (at), 0) FROM (SELECT at FROM "
                                 "login_recent WHERE at > ? ORDER BY id DESC LIMIT ?)",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, limit);
  if (!step_row (self, stmt, &row, error))
    return FALSE;
  if (row)
    {
      *out_count = sqlite3_column_int64 (stmt, 0);
      *out_oldest = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static gint64
sqlite_add_feed (CareServerStore *self,
                 const char      *token_hash,
                 const char      *staff_id,
                 gint64           created_by,
                 const char      *created_at,
                 GError         **error)
{
  sqlite3_stmt *stmt;
  gint64        id;
  gboolean      row;

  stmt = care_server_db_prepare (DB (self),
                                 "INSERT INTO calendar_feeds (token_hash, staff_id, created_by, "
                                 "created_at) VALUES (?, ?, ?, ?) RETURNING id",
                                 error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, staff_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, created_by);
  sqlite3_bind_text (stmt, 4, created_at, -1, SQLITE_TRANSIENT);
  if (!step_row (self, stmt, &row, error))
    return -1;
  if (!row)
    {
      care_server_db_set_error (DB (self), SQLITE_ERROR, error);
      return -1;
    }
  id = sqlite3_column_int64 (stmt, 0);

  /* Step to the end, so the INSERT ... RETURNING is complete. */
  if (!care_server_db_step_done (DB (self), stmt, error))
    return -1;
  return id;
}

static char *
sqlite_lookup_feed (CareServerStore *self, const char *token_hash, GError **error)
{
  sqlite3_stmt *stmt;
  gboolean      row;
  char         *staff_id = NULL;

  stmt = care_server_db_prepare (DB (self),
                                 "SELECT staff_id FROM calendar_feeds WHERE token_hash = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_TRANSIENT);
  if (!step_row (self, stmt, &row, error))
    return NULL;
  if (row)
    staff_id = column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return staff_id;
}

#define FEED_SQL                                                                                   \
  "SELECT f.id, f.staff_id, f.created_at, f.created_by, u.username "                               \
  "FROM calendar_feeds f JOIN users u ON u.id = f.created_by "

static CareServerStoreFeed *
take_feed (sqlite3_stmt *stmt)
{
  CareServerStoreFeed *feed = g_new0 (CareServerStoreFeed, 1);

  feed->id = sqlite3_column_int64 (stmt, 0);
  feed->staff_id = column_dup (stmt, 1);
  feed->created_at = column_dup (stmt, 2);
  feed->created_by = sqlite3_column_int64 (stmt, 3);
  feed->created_by_name = column_dup (stmt, 4);
  return feed;
}

static CareServerStoreFeed *
sqlite_get_feed (CareServerStore *self, gint64 id, GError **error)
{
  CareServerStoreFeed *feed = NULL;
  sqlite3_stmt        *stmt;
  gboolean             row;

  stmt = care_server_db_prepare (DB (self), FEED_SQL "WHERE f.id = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  if (!step_row (self, stmt, &row, error))
    return NULL;
  if (row)
    feed = take_feed (stmt);
  sqlite3_reset (stmt);
  return feed;
}

static gboolean
sqlite_delete_feed (CareServerStore *self, gint64 id, GError **error)
{
  sqlite3_stmt *stmt =
      care_server_db_prepare (DB (self), "DELETE FROM calendar_feeds WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  return care_server_db_step_done (DB (self), stmt, error);
}

static GPtrArray *
sqlite_list_feeds (CareServerStore *self, GError **error)
{
  g_autoptr (GPtrArray) feeds =
      g_ptr_array_new_with_free_func ((GDestroyNotify) care_server_store_feed_free);
  sqlite3_stmt *stmt;
  int           rc;

  stmt = care_server_db_prepare (DB (self), FEED_SQL "ORDER BY f.id", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (feeds, take_feed (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      care_server_db_set_error (DB (self), rc, error);
      return NULL;
    }
  return g_steal_pointer (&feeds);
}

/* Empty as migration 1 leaves it: no user, no record, no client. */
static gboolean
sqlite_is_empty (CareServerStore *self, gboolean *out_empty, GError **error)
{
  sqlite3_stmt *stmt;
  gboolean      row;

  stmt = care_server_db_prepare (DB (self),
                                 "SELECT 1 FROM users UNION ALL SELECT 1 FROM record "
                                 "UNION ALL SELECT 1 FROM clients LIMIT 1",
                                 error);
  if (stmt == NULL || !step_row (self, stmt, &row, error))
    return FALSE;
  sqlite3_reset (stmt);
  *out_empty = !row;
  return TRUE;
}

static gboolean
sqlite_dump (CareServerStore       *self,
             CareServerStoreTable   table,
             CareServerStoreRowFunc func,
             gpointer               user_data,
             GError               **error)
{
  const CareServerStoreTableInfo *info = care_server_store_table_info (table);
  g_autofree char                *columns = g_strjoinv (", ", (char **) info->columns);
  g_autofree char                *sql =
      g_strdup_printf ("SELECT %s FROM %s ORDER BY %s", columns, info->name, info->order_by);
  guint                   n = g_strv_length ((char **) info->columns);
  g_autofree const char **values = g_new0 (const char *, n + 1);
  sqlite3_stmt           *stmt = NULL;
  gboolean                ok = TRUE;
  int                     rc;

  /* The feed ids given out so far (AUTOINCREMENT keeps them here). */
  if (table == CARE_SERVER_STORE_TABLE_META)
    {
      g_autofree char *last = NULL;
      gboolean         row;

      stmt = care_server_db_prepare (DB (self),
                                     "SELECT coalesce ((SELECT seq FROM sqlite_sequence "
                                     "WHERE name = 'calendar_feeds'), 0)",
                                     error);
      if (stmt == NULL || !step_row (self, stmt, &row, error))
        return FALSE;
      last = column_dup (stmt, 0);
      sqlite3_reset (stmt);
      values[0] = CARE_SERVER_STORE_FEED_ID_KEY;
      values[1] = last;
      if (!func (values, user_data, error))
        return FALSE;
      stmt = NULL;
    }

  rc = sqlite3_prepare_v2 (care_server_db_get_handle (DB (self)), sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return care_server_db_set_error (DB (self), rc, error);

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (guint i = 0; i < n; i++)
        values[i] = (const char *) sqlite3_column_text (stmt, (int) i);
      ok = func (values, user_data, error);
    }
  if (ok && rc != SQLITE_DONE)
    ok = care_server_db_set_error (DB (self), rc, error);
  sqlite3_finalize (stmt);

  return ok;
}

static gboolean
sqlite_load (CareServerStore     *self,
             CareServerStoreTable table,
             const char *const   *values,
             GError             **error)
{
  const CareServerStoreTableInfo *info = care_server_store_table_info (table);
  g_autofree char                *columns = g_strjoinv (", ", (char **) info->columns);
  g_autoptr (GString) sql = g_string_new (NULL);
  guint         n = g_strv_length ((char **) info->columns);
  sqlite3_stmt *stmt;

  if (table == CARE_SERVER_STORE_TABLE_META &&
      strcmp (values[0], CARE_SERVER_STORE_FEED_ID_KEY) == 0)
    {
      stmt = care_server_db_prepare (DB (self),
                                     "UPDATE sqlite_sequence SET seq = ?1 "
                                     "WHERE name = 'calendar_feeds'; ",
                                     error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, values[1]);
      if (!care_server_db_step_done (DB (self), stmt, error))
        return FALSE;
      if (sqlite3_changes (care_server_db_get_handle (DB (self))) > 0 ||
          g_ascii_strtoll (values[1], NULL, 10) <= 0)
        return TRUE;
      stmt = care_server_db_prepare (
          DB (self), "INSERT INTO sqlite_sequence (name, seq) VALUES ('calendar_feeds', ?1)",
          error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, values[1]);
      return care_server_db_step_done (DB (self), stmt, error);
    }

  /* meta's rows exist from migration 1 on: replace them. */
  g_string_append_printf (sql, "INSERT OR REPLACE INTO %s (%s) VALUES (", info->name, columns);
  for (guint i = 0; i < n; i++)
    g_string_append (sql, i == 0 ? "?" : ", ?");
  g_string_append (sql, ")");

  stmt = care_server_db_prepare (DB (self), sql->str, error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    bind_text (stmt, (int) i + 1, values[i]);
  return care_server_db_step_done (DB (self), stmt, error);
}

static gboolean
sqlite_finish_load (CareServerStore *self, GError **error)
{
  if (!care_server_db_reload_instance_id (DB (self), error))
    return FALSE;
  care_server_store_set_instance_id (self, care_server_db_get_instance_id (DB (self)));
  return TRUE;
}

static void
care_server_store_sqlite_dispose (GObject *object)
{
  CareServerStoreSqlite *self = CARE_SERVER_STORE_SQLITE (object);

  g_clear_object (&self->db);

  G_OBJECT_CLASS (care_server_store_sqlite_parent_class)->dispose (object);
}

static void
care_server_store_sqlite_class_init (CareServerStoreSqliteClass *klass)
{
  GObjectClass         *object_class = G_OBJECT_CLASS (klass);
  CareServerStoreClass *store_class = CARE_SERVER_STORE_CLASS (klass);

  object_class->dispose = care_server_store_sqlite_dispose;

  store_class->ping = sqlite_ping;
  store_class->begin = sqlite_begin;
  store_class->commit = sqlite_commit;
  store_class->rollback = sqlite_rollback;
  store_class->savepoint = sqlite_savepoint;
  store_class->release = sqlite_release;
  store_class->load_record = sqlite_load_record;
  store_class->write_record = sqlite_write_record;
  store_class->list_referrers = sqlite_list_referrers;
  store_class->unique_taken = sqlite_unique_taken;
  store_class->find_referring = sqlite_find_referring;
  store_class->changes_since = sqlite_changes_since;
  store_class->first_live_with = sqlite_first_live_with;
  store_class->add_history = sqlite_add_history;
  store_class->list_history = sqlite_list_history;
  store_class->lock_client = sqlite_lock_client;
  store_class->set_client_last = sqlite_set_client_last;
  store_class->store_result = sqlite_store_result;
  store_class->load_result = sqlite_load_result;
  store_class->add_user = sqlite_add_user;
  store_class->find_user = sqlite_find_user;
  store_class->add_token = sqlite_add_token;
  store_class->lookup_token = sqlite_lookup_token;
  store_class->delete_token = sqlite_delete_token;
  store_class->throttle_get = sqlite_throttle_get;
  store_class->throttle_bump = sqlite_throttle_bump;
  store_class->throttle_success = sqlite_throttle_success;
  store_class->is_known = sqlite_is_known;
  store_class->throttle_prune = sqlite_throttle_prune;
  store_class->recent_failure_add = sqlite_recent_failure_add;
  store_class->recent_failure_take_back = sqlite_recent_failure_take_back;
  store_class->recent_failures = sqlite_recent_failures;
  store_class->add_feed = sqlite_add_feed;
  store_class->lookup_feed = sqlite_lookup_feed;
  store_class->get_feed = sqlite_get_feed;
  store_class->delete_feed = sqlite_delete_feed;
  store_class->list_feeds = sqlite_list_feeds;
  store_class->is_empty = sqlite_is_empty;
  store_class->dump = sqlite_dump;
  store_class->load = sqlite_load;
  store_class->finish_load = sqlite_finish_load;
}

static void
care_server_store_sqlite_init (CareServerStoreSqlite *self)
{
}

/* A store over an open connection (tests that also query it). */
CareServerStore *
care_server_store_sqlite_new_for_db (CareServerDb *db)
{
  CareServerStoreSqlite *self;

  g_return_val_if_fail (CARE_IS_SERVER_DB (db), NULL);

  self = g_object_new (CARE_TYPE_SERVER_STORE_SQLITE, NULL);
  self->db = g_object_ref (db);
  care_server_store_set_instance_id (CARE_SERVER_STORE (self), care_server_db_get_instance_id (db));
  return CARE_SERVER_STORE (self);
}

/* Opens (and creates, and migrates) the SQLite database at @path. */
CareServerStore *
care_server_store_sqlite_new (const char *path, GError **error)
{
  g_autoptr (CareServerDb) db = care_server_db_new (path, error);

  if (db == NULL)
    return NULL;
  return care_server_store_sqlite_new_for_db (db);
}

CareServerDb *
care_server_store_sqlite_get_db (CareServerStoreSqlite *self)
{
  g_return_val_if_fail (CARE_IS_SERVER_STORE_SQLITE (self), NULL);
  return self->db;
}
