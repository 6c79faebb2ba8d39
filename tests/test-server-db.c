/* test-server-db.c: the server's database: migrations from every version, query plans, logs. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "care-server-db.h"
#include "care-server-log.h"
#include "care-server-sync.h"

static char *
temp_db (const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("aftercare-server-db-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static void
remove_db (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (dir);
}

static gint64
query_int (CareServerDb *db, const char *sql)
{
  sqlite3_stmt *stmt = care_server_db_prepare (db, sql, NULL);
  gint64        value;

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return value;
}

static void
exec (CareServerDb *db, const char *sql)
{
  g_autoptr (GError) error = NULL;

  care_server_db_exec (db, sql, &error);
  g_assert_no_error (error);
}

/* A database left at every earlier version is migrated in place, keeps its
 * data and ends with what a new database has. */
static void
test_migrate_from_every_version (void)
{
  for (int version = 1; version < CARE_SERVER_DB_SCHEMA_VERSION; version++)
    {
      g_autofree char *path = temp_db ("old.db");
      g_autoptr (CareServerDb) old = NULL;
      g_autoptr (CareServerDb) db = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *instance = NULL;

      g_test_message ("from version %d", version);
      old = care_server_db_new_at_version (path, version, &error);
      g_assert_no_error (error);
      g_assert_cmpint (query_int (old, "PRAGMA user_version"), ==, version);
      exec (old, "INSERT INTO users (username, role, password_hash, created_at) "
                 "VALUES ('veteran', 'agent', 'x', '2026-01-01T00:00:00Z');"
                 "INSERT INTO record (entity, id, rev, fields, seq, created_at, updated_at) "
                 "VALUES ('product', 'b0b0b0b0-0000-4000-8000-000000000001', 1, "
                 "'{\"serial\": \"SN-1\"}', 1, 'now', 'now');");
      instance = g_strdup (care_server_db_get_instance_id (old));
      g_clear_object (&old);

      db = care_server_db_new (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, CARE_SERVER_DB_SCHEMA_VERSION);
      g_assert_cmpstr (care_server_db_get_instance_id (db), ==, instance);
      g_assert_cmpint (query_int (db, "SELECT count(*) FROM users WHERE username = 'veteran'"), ==,
                       1);
      g_assert_cmpint (query_int (db, "SELECT count(*) FROM sqlite_schema "
                                      "WHERE name = 'record_unique_serial'"),
                       ==, 1);
      g_assert_cmpint (query_int (db, "SELECT count(*) FROM record WHERE entity = 'product' AND "
                                      "deleted = 0 AND json_extract (fields, '$.serial') = 'SN-1'"),
                       ==, 1);
      g_clear_object (&db);
      remove_db (path);
    }
}

/* Every unique field is checked through an index, not by reading every
 * live record's JSON. */
static void
test_unique_check_uses_index (void)
{
  g_autofree char *path = temp_db ("plan.db");
  g_autoptr (CareServerDb) db = NULL;
  g_autoptr (GError) error = NULL;
  const CareEntity *const *entities;
  guint                    n_entities, n_checked = 0;

  db = care_server_db_new (path, &error);
  g_assert_no_error (error);

  entities = care_schema_entities (&n_entities);
  for (guint i = 0; i < n_entities; i++)
    {
      g_autofree char *sql = NULL;
      g_autofree char *plan_sql = NULL;
      g_autoptr (GString) plan = g_string_new (NULL);
      sqlite3_stmt *stmt;

      if (entities[i]->unique_field == NULL)
        continue;

      sql = care_server_sync_unique_sql (entities[i]);
      plan_sql = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
      stmt = care_server_db_prepare (db, plan_sql, &error);
      g_assert_no_error (error);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
      sqlite3_reset (stmt);

      g_test_message ("%s.%s: %s", entities[i]->name, entities[i]->unique_field, plan->str);
      g_assert_nonnull (strstr (plan->str, "INDEX record_unique_"));
      n_checked++;
    }

  g_assert_cmpuint (n_checked, >, 0);
  g_clear_object (&db);
  remove_db (path);
}

static void
test_log_redact (void)
{
  const char      *token = "0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789abcdef";
  g_autofree char *message = g_strdup_printf ("Bearer %s failed", token);
  g_autofree char *redacted = care_server_log_redact (message);
  g_autofree char *uuid = care_server_log_redact ("record 6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10");
  g_autofree char *feed = care_server_log_path ("/api/v1/calendar/feed/any-guess.ics");
  g_autofree char *other = care_server_log_path ("/api/v1/sync/pull");

  g_assert_cmpstr (redacted, ==, "Bearer [redacted] failed");
  /* Ids are not secrets and stay readable. */
  g_assert_cmpstr (uuid, ==, "record 6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10");
  g_assert_cmpstr (feed, ==, "/api/v1/calendar/feed/[redacted].ics");
  g_assert_cmpstr (other, ==, "/api/v1/sync/pull");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server-db/migrate-from-every-version", test_migrate_from_every_version);
  g_test_add_func ("/server-db/unique-check-uses-index", test_unique_check_uses_index);
  g_test_add_func ("/server-log/redact", test_log_redact);

  return g_test_run ();
}
