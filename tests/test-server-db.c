/* test-server-db.c: the server's database: migrations from every version, query plans, logs.
 *
 * Under run-with-postgres.sh (the postgres suite) the throttle's cases run
 * on a PostgreSQL store; the migrations and query plans are SQLite's. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "care-clock.h"
#include "care-server-checkpointer.h"
#include "care-server-db.h"
#include "care-server-store-sqlite.h"
#include "care-server-log.h"
#include "care-server-login-queue.h"
#include "care-server-sync.h"
#include "care-server-throttle.h"
#include "care-test-db.h"

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

/* The health check's ping: it answers for a good database, and fails,
 * without crashing, once the file is replaced by another database, by
 * garbage, or deleted, although the open connection still reads the old
 * file. */
static void
test_ping (void)
{
  g_autofree char *path = temp_db ("ping.db");
  g_autofree char *other_path = g_strconcat (path, ".other", NULL);
  g_autofree char *garbage_path = g_strconcat (path, ".garbage", NULL);
  g_autoptr (CareServerDb) db = NULL;
  g_autoptr (CareServerDb) other = NULL;
  g_autoptr (GError) error = NULL;
  char garbage[8192];

  db = care_server_db_new (path, &error);
  g_assert_no_error (error);
  g_assert_true (care_server_db_ping (db, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (care_server_db_get_path (db), ==, path);

  /* Another server database moved into its place: a different instance. */
  other = care_server_db_new (other_path, &error);
  g_assert_no_error (error);
  g_clear_object (&other);
  g_assert_cmpint (g_rename (other_path, path), ==, 0);
  g_assert_false (care_server_db_ping (db, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  memset (garbage, 'x', sizeof garbage);
  g_assert_true (g_file_set_contents (garbage_path, garbage, sizeof garbage, NULL));
  g_assert_cmpint (g_rename (garbage_path, path), ==, 0);
  g_assert_false (care_server_db_ping (db, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_false (care_server_db_ping (db, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* The open connection itself still works on the file it has. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM meta"), >, 0);

  g_clear_object (&db);
  g_remove (other_path);
  remove_db (path);
}

/* With the checkpointer, commits leave checkpoints to its thread, and
 * the data is in the database file once it stops. */
static void
test_checkpointer (void)
{
  g_autofree char *path = temp_db ("checkpoint.db");
  g_autoptr (CareServerDb) db = NULL;
  g_autoptr (CareServerDb) reader = NULL;
  g_autoptr (GError) error = NULL;
  CareServerCheckpointer *checkpointer;

  db = care_server_db_new (path, &error);
  g_assert_no_error (error);
  checkpointer = care_server_checkpointer_start (db, &error);
  g_assert_no_error (error);
  g_assert_nonnull (checkpointer);
  g_assert_cmpint (query_int (db, "PRAGMA wal_autocheckpoint"), ==, 0);

  exec (db, "CREATE TABLE t (x)");
  for (int i = 0; i < 200; i++)
    exec (db, "INSERT INTO t VALUES (randomblob (4000))");
  care_server_checkpointer_stop (checkpointer);

  /* A passive checkpoint at the stop copied the log into the file. */
  reader = care_server_db_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (reader, "SELECT count(*) FROM t"), ==, 200);
  g_assert_cmpint (query_int (reader, "PRAGMA page_count"), >, 200);

  g_clear_object (&reader);
  g_clear_object (&db);
  remove_db (path);
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
      g_assert_cmpint (query_int (db, "SELECT count(*) FROM sqlite_schema "
                                      "WHERE name = 'history_record'"),
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

      sql = care_server_store_sqlite_unique_sql (entities[i]->unique_field);
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

/* The throttle, on a frozen clock moved by hand. */

static gint64 frozen_at;

static void
clock_set (gint64 unix_time)
{
  g_autoptr (GDateTime) instant = g_date_time_new_from_unix_utc (unix_time);

  frozen_at = unix_time;
  care_clock_freeze (instant);
}

static void
clock_advance (gint64 seconds)
{
  clock_set (frozen_at + seconds);
}

static gboolean
may_try (CareServerThrottle *throttle, const char *username, const char *address, guint *out_wait)
{
  guint    wait = 0;
  gboolean ok = care_server_throttle_check (throttle, username, address, &wait);

  g_assert_true (ok == (wait == 0));
  if (out_wait != NULL)
    *out_wait = wait;
  return ok;
}

/* Guesses @n wrong passwords, each allowed. */
static void
fail (CareServerThrottle *throttle, const char *username, const char *address, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (may_try (throttle, username, address, NULL));
      care_server_throttle_note_attempt (throttle, username, address);
    }
}

typedef struct
{
  char               *path; /* an SQLite file or a PostgreSQL URI */
  CareServerStore    *store;
  CareServerThrottle *throttle;
} ThrottleFixture;

static void
throttle_setup (ThrottleFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  clock_set (1800000000); /* 2027-01-15 */
  {
    g_autofree char *file = temp_db ("throttle.db");
    g_autofree char *dir = g_path_get_dirname (file);

    f->path = test_db_new (dir, "throttle.db");
  }
  f->store = care_server_store_open (f->path, &error);
  g_assert_no_error (error);
  f->throttle = care_server_throttle_new (f->store);
}

static void
throttle_teardown (ThrottleFixture *f, gconstpointer data)
{
  g_clear_object (&f->throttle);
  g_clear_object (&f->store);
  if (!test_db_is_postgres ())
    remove_db (f->path);
  g_free (f->path);
}

/* One name from one address: five free failures, then 1, 2, 4 s... */
static void
test_throttle_pair (ThrottleFixture *f, gconstpointer data)
{
  guint wait;

  fail (f->throttle, "ana", "192.0.2.1", CARE_SERVER_THROTTLE_PAIR_FREE);
  g_assert_false (may_try (f->throttle, "ana", "192.0.2.1", &wait));
  g_assert_cmpuint (wait, ==, 1);
  /* Including the right password from that client: it is the one guessing. */
  clock_advance (1);
  fail (f->throttle, "ana", "192.0.2.1", 1);
  g_assert_false (may_try (f->throttle, "ana", "192.0.2.1", &wait));
  g_assert_cmpuint (wait, ==, 2);

  /* Another client is not held back by this one's guessing. */
  g_assert_true (may_try (f->throttle, "ana", "192.0.2.2", NULL));

  /* A success takes its own attempt back and clears the pair. */
  clock_advance (2);
  care_server_throttle_note_attempt (f->throttle, "ana", "192.0.2.1");
  care_server_throttle_note_success (f->throttle, "ana", "192.0.2.1");
  g_assert_true (may_try (f->throttle, "ana", "192.0.2.1", NULL));
}

/* Item 5: one guess at each of many names from one address is throttled. */
static void
test_throttle_spray (ThrottleFixture *f, gconstpointer data)
{
  guint wait;

  for (guint i = 0; i < CARE_SERVER_THROTTLE_ADDRESS_FREE; i++)
    {
      g_autofree char *name = g_strdup_printf ("user%u", i);

      fail (f->throttle, name, "192.0.2.1", 1);
    }
  g_assert_false (may_try (f->throttle, "someone", "192.0.2.1", &wait));
  g_assert_cmpuint (wait, ==, 1);
  /* Invalid names count against the address too, and are not stored. */
  g_assert_false (may_try (f->throttle, NULL, "192.0.2.1", NULL));
  g_assert_true (may_try (f->throttle, "someone", "192.0.2.9", NULL));

  /* The window is an hour. */
  clock_advance (60 * 60 + 1);
  g_assert_true (may_try (f->throttle, "someone", "192.0.2.1", NULL));
}

/* Item 5: a stranger guessing a name cannot lock its user out. */
static void
test_throttle_no_lockout (ThrottleFixture *f, gconstpointer data)
{
  guint wait;

  /* Ana signs in at her desk. */
  care_server_throttle_note_attempt (f->throttle, "ana", "192.0.2.10");
  care_server_throttle_note_success (f->throttle, "ana", "192.0.2.10");

  /* Many addresses guess her password, once each. */
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *address = g_strdup_printf ("198.51.100.%u", i);

      fail (f->throttle, "ana", address, 1);
    }

  /* An address that has failed for her name now waits... */
  g_assert_false (may_try (f->throttle, "ana", "198.51.100.1", &wait));
  g_assert_cmpuint (wait, >, 0);
  /* ...but her desk does not, and neither does a client that never failed. */
  g_assert_true (may_try (f->throttle, "ana", "192.0.2.10", NULL));
  g_assert_true (may_try (f->throttle, "ana", "203.0.113.7", NULL));
}

/* Item 5: beyond 300 failures server-wide, unknown clients wait; known ones do not. */
static void
test_throttle_global (ThrottleFixture *f, gconstpointer data)
{
  guint wait;

  care_server_throttle_note_attempt (f->throttle, "ana", "192.0.2.10");
  care_server_throttle_note_success (f->throttle, "ana", "192.0.2.10");

  for (guint i = 0; i < CARE_SERVER_THROTTLE_GLOBAL_FREE; i++)
    {
      g_autofree char *name = g_strdup_printf ("user%u", i);
      g_autofree char *address = g_strdup_printf ("198.51.%u.%u", i / 250, i % 250);

      fail (f->throttle, name, address, 1);
    }

  g_assert_false (may_try (f->throttle, "bob", "203.0.113.7", &wait));
  g_assert_cmpuint (wait, ==, CARE_SERVER_THROTTLE_GLOBAL_WAIT);
  g_assert_true (may_try (f->throttle, "ana", "192.0.2.10", NULL));

  clock_advance (CARE_SERVER_THROTTLE_GLOBAL_WINDOW);
  g_assert_true (may_try (f->throttle, "bob", "203.0.113.7", NULL));
}

/* Item 5: failure records do not pile up. */
static void
test_throttle_prune (ThrottleFixture *f, gconstpointer data)
{
  fail (f->throttle, "ana", "192.0.2.1", 3);
  care_server_throttle_note_attempt (f->throttle, "bob", "192.0.2.2");
  care_server_throttle_note_success (f->throttle, "bob", "192.0.2.2");
  /* Ana's pair, address and name; Bob's success left nothing behind. */
  g_assert_cmpint (test_db_query_int (f->path, "SELECT count(*) FROM login_throttle"), ==, 3);
  g_assert_cmpint (test_db_query_int (f->path, "SELECT count(*) FROM login_known"), ==, 1);

  clock_advance (2 * 60 * 60);
  care_server_throttle_prune (f->throttle);
  /* The address row (an hour) is gone; the others (a day) stay. */
  g_assert_cmpint (
      test_db_query_int (f->path, "SELECT count(*) FROM login_throttle WHERE username = ''"), ==,
      0);
  g_assert_cmpint (test_db_query_int (f->path, "SELECT count(*) FROM login_throttle"), ==, 2);

  clock_advance (24 * 60 * 60);
  care_server_throttle_prune (f->throttle);
  g_assert_cmpint (test_db_query_int (f->path, "SELECT count(*) FROM login_throttle"), ==, 0);

  clock_advance (CARE_SERVER_THROTTLE_KNOWN_DAYS * 24 * 60 * 60);
  care_server_throttle_prune (f->throttle);
  g_assert_cmpint (test_db_query_int (f->path, "SELECT count(*) FROM login_known"), ==, 0);
}

static void
queue_done_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  guint *n_done = user_data;

  g_assert_false (
      care_server_login_queue_check_finish (CARE_SERVER_LOGIN_QUEUE (source_object), result, NULL));
  (*n_done)++;
}

/* Item 5: each client address has a bounded share of the password checks:
 * one address's excess is turned away, another address still gets in. */
static void
test_login_queue_bounds (void)
{
  g_autoptr (CareServerLoginQueue) queue = care_server_login_queue_new ();
  guint n_done = 0, n_queued = 0;
  guint per_client = CARE_SERVER_LOGIN_RUNNING + CARE_SERVER_LOGIN_WAITING_PER_CLIENT;

  /* A NULL hash: an unknown user, hashed all the same. */
  for (guint i = 0; i < per_client + 3; i++)
    if (care_server_login_queue_check_async (queue, "198.51.100.1", NULL, "guess", NULL,
                                             queue_done_cb, &n_done))
      n_queued++;
  g_assert_cmpuint (n_queued, ==, per_client);
  g_assert_cmpuint (care_server_login_queue_get_n_running (queue), ==, CARE_SERVER_LOGIN_RUNNING);

  g_assert_true (care_server_login_queue_check_async (queue, "192.0.2.10", NULL, "mine", NULL,
                                                      queue_done_cb, &n_done));
  n_queued++;

  while (n_done < n_queued)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (care_server_login_queue_get_n_running (queue), ==, 0);
  g_assert_cmpuint (care_server_login_queue_get_n_waiting (queue), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* SQLite's own; PostgreSQL's schema is checked by the integration tests. */
  if (!test_db_is_postgres ())
    {
      g_test_add_func ("/server-db/migrate-from-every-version", test_migrate_from_every_version);
      g_test_add_func ("/server-db/unique-check-uses-index", test_unique_check_uses_index);
    }
  g_test_add_func ("/server-log/redact", test_log_redact);
  g_test_add_func ("/server-db/ping", test_ping);
  g_test_add_func ("/server-db/checkpointer", test_checkpointer);
#define ADD(path, func)                                                                            \
  g_test_add (path, ThrottleFixture, NULL, throttle_setup, func, throttle_teardown)
  ADD ("/server-throttle/pair", test_throttle_pair);
  ADD ("/server-throttle/spray", test_throttle_spray);
  ADD ("/server-throttle/no-lockout", test_throttle_no_lockout);
  ADD ("/server-throttle/global", test_throttle_global);
  ADD ("/server-throttle/prune", test_throttle_prune);
#undef ADD
  g_test_add_func ("/server-login-queue/bounds", test_login_queue_bounds);

  return g_test_run ();
}
