/* care-server-db.c: the server's own SQLite database: connection, migrations, statements.
 *
 * The connection under CareServerStoreSqlite (care-server-store-sqlite.c
 * holds the SQL of the store's operations); the PostgreSQL store has the
 * same tables (care-server-store-pg.c).
 *
 * Why one generic "record" table rather than a table per entity (as the
 * client cache has): the server never searches or sorts records, it only
 * stores, merges and replays them, and the field list lives in care-schema.c.
 * Keeping each record's fields as one JSON object validated by that schema
 * means adding a field needs no server migration, and the change feed is a
 * single index over one table: every write stamps the record with the next
 * commit sequence number (seq), so a record appears in a pull exactly once,
 * at its latest change, and deletes stay as tombstones (deleted = 1). The
 * "ref" table mirrors every reference a live record holds, so a delete finds
 * what points at it through an index instead of scanning JSON. */
#define G_LOG_DOMAIN "care-server-db"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "care-server-db.h"
#include "care-store.h"

struct _CareServerDb
{
  GObject parent_instance;

  sqlite3    *db;
  GHashTable *statements; /* SQL text -> sqlite3_stmt */
  char       *instance_id;
  char       *path;
  GStatBuf    file;   /* the file opened, to tell when another takes its place */
  guint       depth;  /* nested care_server_db_begin() calls */
  gboolean    failed; /* an inner level asked for a rollback */
};

G_DEFINE_FINAL_TYPE (CareServerDb, care_server_db, G_TYPE_OBJECT)

/* Migrations, oldest first. A shipped migration is never edited. */
static const char migration_1[] =
    "CREATE TABLE meta (\n"
    "  key TEXT PRIMARY KEY,\n"
    "  value TEXT NOT NULL\n"
    ");\n"
    "INSERT INTO meta (key, value) VALUES ('seq', '0');\n"
    "CREATE TABLE record (\n"
    "  entity TEXT NOT NULL,\n"
    "  id TEXT NOT NULL,\n"
    "  rev INTEGER NOT NULL,\n"
    "  deleted INTEGER NOT NULL DEFAULT 0,\n"
    "  fields TEXT,\n" /* JSON object of every field; NULL for a tombstone */
    "  seq INTEGER NOT NULL,\n"
    "  created_at TEXT NOT NULL,\n"
    "  updated_at TEXT NOT NULL,\n"
    "  updated_by INTEGER,\n"
    "  PRIMARY KEY (entity, id)\n"
    ");\n"
    "CREATE UNIQUE INDEX record_seq ON record (seq);\n"
    "CREATE TABLE ref (\n"
    "  entity TEXT NOT NULL,\n"
    "  id TEXT NOT NULL,\n"
    "  field TEXT NOT NULL,\n"
    "  target_entity TEXT NOT NULL,\n"
    "  target_id TEXT NOT NULL,\n"
    "  owned INTEGER NOT NULL,\n"
    "  PRIMARY KEY (entity, id, field)\n"
    ");\n"
    "CREATE INDEX ref_target ON ref (target_entity, target_id);\n"
    "CREATE TABLE users (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  username TEXT NOT NULL UNIQUE,\n"
    "  role TEXT NOT NULL CHECK (role IN ('agent', 'trainer', 'technician', 'admin')),\n"
    "  password_hash TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE tokens (\n"
    "  hash TEXT PRIMARY KEY,\n" /* SHA-256 of the token: a stolen database holds no usable token */
    "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n"
    "  expires_at INTEGER NOT NULL\n"
    ");\n"
    "CREATE INDEX tokens_expiry ON tokens (expires_at);\n"
    "CREATE TABLE login_failures (\n"
    "  username TEXT PRIMARY KEY,\n"
    "  failures INTEGER NOT NULL,\n"
    "  last_failure_at INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE clients (\n"
    "  client_id TEXT PRIMARY KEY,\n"
    "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n"
    "  last_mutation_id INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE TABLE client_mutations (\n"
    "  client_id TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,\n"
    "  mutation_id INTEGER NOT NULL,\n"
    "  result TEXT NOT NULL,\n"
    "  PRIMARY KEY (client_id, mutation_id)\n"
    ") WITHOUT ROWID;\n";

/* Calendar subscriptions (care-server-calendar.c). A login may stand for a
 * staff record, so a technician or trainer can subscribe to their own
 * calendar. A feed token is a secret in a URL that calendar programs fetch
 * without credentials: only its SHA-256 is kept, and a revoked feed's row is
 * deleted (AUTOINCREMENT: its id is never given to another feed). */
static const char migration_2[] =
    "ALTER TABLE users ADD COLUMN staff_id TEXT;\n"
    "CREATE TABLE calendar_feeds (\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  token_hash TEXT NOT NULL UNIQUE,\n"
    "  staff_id TEXT NOT NULL,\n"
    "  created_by INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n"
    "  created_at TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX calendar_feeds_staff ON calendar_feeds (staff_id);\n";

/* A unique field is checked among live records on every create and every
 * update that changes it; without an index that meant json_extract over
 * every live record, 34 s for a push of 4,000 products onto 3,000. One
 * expression index per unique field of care-schema.c; the query in
 * care-server-sync.c spells the expression the same way, and a unit test
 * checks that every unique field's check uses an index. */
static const char migration_3[] =
    "CREATE INDEX record_unique_serial ON record (entity, json_extract (fields, '$.serial')) "
    "WHERE deleted = 0;\n";

/* Sign-in throttling (care-server-throttle.c). Failures were counted per
 * user name only, and any name was stored as sent, before it was
 * validated; now per user name and address, per address and per name,
 * '' standing for any, each row dropped once its window has passed. The
 * old counts are dropped: they only ever delay sign-ins. */
static const char migration_4[] =
    "DROP TABLE login_failures;\n"
    "CREATE TABLE login_throttle (\n"
    "  username TEXT NOT NULL,\n"
    "  address TEXT NOT NULL,\n"
    "  failures INTEGER NOT NULL,\n"
    "  last_failure_at INTEGER NOT NULL,\n"
    "  PRIMARY KEY (username, address)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX login_throttle_age ON login_throttle (last_failure_at);\n"
    "CREATE TABLE login_known (\n"
    "  username TEXT NOT NULL,\n"
    "  address TEXT NOT NULL,\n"
    "  last_success_at INTEGER NOT NULL,\n"
    "  PRIMARY KEY (username, address)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX login_known_age ON login_known (last_success_at);\n";

/* The server-wide count of failed sign-ins was a ring in the server's
 * memory; in the database, every server sharing it counts together. */
static const char migration_5[] = "CREATE TABLE login_recent (\n"
                                  "  id INTEGER PRIMARY KEY,\n"
                                  "  at INTEGER NOT NULL\n"
                                  ");\n"
                                  "CREATE INDEX login_recent_at ON login_recent (at);\n";

/* The history of every change (care-server-sync.c writes it with the
 * change, GET /api/v1/history reads it). Only ever appended to: no
 * endpoint updates or deletes a row. The user's name and role are copied,
 * so the history still says who it was after an account changes. */
static const char migration_6[] =
    "CREATE TABLE history (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  entity TEXT NOT NULL,\n"
    "  record_id TEXT NOT NULL,\n"
    "  op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),\n"
    "  field TEXT,\n"
    "  old_value TEXT,\n"
    "  new_value TEXT,\n"
    "  how TEXT NOT NULL,\n"
    "  user_id INTEGER,\n"
    "  username TEXT NOT NULL,\n"
    "  role TEXT NOT NULL,\n"
    "  client_id TEXT,\n"
    "  at TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX history_record ON history (entity, record_id, id);\n";

static const char *const migrations[] = {
  migration_1, migration_2, migration_3, migration_4, migration_5, migration_6,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == CARE_SERVER_DB_SCHEMA_VERSION);

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
care_server_db_finalize (GObject *object)
{
  CareServerDb *self = CARE_SERVER_DB (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_free (self->instance_id);
  g_free (self->path);

  G_OBJECT_CLASS (care_server_db_parent_class)->finalize (object);
}

static void
care_server_db_class_init (CareServerDbClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = care_server_db_finalize;
}

static void
care_server_db_init (CareServerDb *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
}

/* The server's codes are the client store's (care_store_error_code_for_sqlite()). */
G_STATIC_ASSERT ((int) CARE_SERVER_STORE_ERROR_FAILED == (int) CARE_STORE_ERROR_FAILED);
G_STATIC_ASSERT ((int) CARE_SERVER_STORE_ERROR_BUSY == (int) CARE_STORE_ERROR_BUSY);
G_STATIC_ASSERT ((int) CARE_SERVER_STORE_ERROR_CONSTRAINT == (int) CARE_STORE_ERROR_CONSTRAINT);
G_STATIC_ASSERT ((int) CARE_SERVER_STORE_ERROR_CORRUPT == (int) CARE_STORE_ERROR_CORRUPT);

/* Maps an SQLite result code to CARE_SERVER_DB_ERROR; always returns FALSE. */
gboolean
care_server_db_set_error (CareServerDb *self, int rc, GError **error)
{
  int code = (int) care_store_error_code_for_sqlite (rc);

  /* The server interrupts no statement: anything else is a failure. */
  if (code > CARE_SERVER_DB_ERROR_CORRUPT)
    code = CARE_SERVER_DB_ERROR_FAILED;

  g_set_error (error, CARE_SERVER_DB_ERROR, code, _ ("Database error: %s"),
               self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
  return FALSE;
}

/* A cached statement, reset and with its bindings cleared. */
sqlite3_stmt *
care_server_db_prepare (CareServerDb *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int           rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      care_server_db_set_error (self, rc, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

gboolean
care_server_db_exec (CareServerDb *self, const char *sql, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  return rc == SQLITE_OK || care_server_db_set_error (self, rc, error);
}

/* Steps a statement that returns no rows, then resets it. */
gboolean
care_server_db_step_done (CareServerDb *self, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return TRUE;
    }

  care_server_db_set_error (self, rc, error);
  sqlite3_reset (stmt);
  return FALSE;
}

/* Opens a write transaction, or nests inside the open one. BEGIN IMMEDIATE
 * takes the write lock up front, so SQLITE_BUSY can only happen here, where
 * waiting and retrying is safe. */
gboolean
care_server_db_begin (CareServerDb *self, GError **error)
{
  if (self->depth++ > 0)
    return TRUE;

  self->failed = FALSE;
  if (!care_server_db_exec (self, "BEGIN IMMEDIATE", error))
    {
      self->depth = 0;
      return FALSE;
    }

  return TRUE;
}

/* Ends one level; the outermost level commits, or rolls back when any level
 * asked for it. */
gboolean
care_server_db_end (CareServerDb *self, gboolean commit, GError **error)
{
  g_return_val_if_fail (self->depth > 0, FALSE);

  if (!commit)
    self->failed = TRUE;

  if (--self->depth > 0)
    return TRUE;

  if (self->failed)
    {
      care_server_db_exec (self, "ROLLBACK", NULL);
      if (commit)
        {
          g_set_error_literal (error, CARE_SERVER_DB_ERROR, CARE_SERVER_DB_ERROR_FAILED,
                               _ ("The transaction was rolled back"));
          return FALSE;
        }
      return TRUE;
    }

  if (!care_server_db_exec (self, "COMMIT", error))
    {
      care_server_db_exec (self, "ROLLBACK", NULL);
      return FALSE;
    }

  return TRUE;
}

/* A savepoint inside the open transaction, so one mutation of a push can be
 * undone without losing the others. */
gboolean
care_server_db_savepoint (CareServerDb *self, GError **error)
{
  return care_server_db_exec (self, "SAVEPOINT mutation", error);
}

gboolean
care_server_db_release (CareServerDb *self, gboolean keep, GError **error)
{
  if (!keep && !care_server_db_exec (self, "ROLLBACK TO mutation", error))
    return FALSE;

  return care_server_db_exec (self, "RELEASE mutation", error);
}

static int
get_user_version (CareServerDb *self)
{
  sqlite3_stmt *stmt = NULL;
  int           version = -1;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  return version;
}

static gboolean
migrate (CareServerDb *self, int target, GError **error)
{
  int version = get_user_version (self);

  if (version < 0)
    return care_server_db_set_error (self, sqlite3_errcode (self->db), error);

  if (version > CARE_SERVER_DB_SCHEMA_VERSION)
    {
      g_set_error (error, CARE_SERVER_DB_ERROR, CARE_SERVER_DB_ERROR_TOO_NEW,
                   _ ("The database was written by a newer version of the server (schema %d, this "
                      "server knows up to %d)"),
                   version, CARE_SERVER_DB_SCHEMA_VERSION);
      return FALSE;
    }

  if (version >= target)
    return TRUE;

  /* All pending migrations and the version bump commit together or not at all. */
  if (!care_server_db_begin (self, error))
    return FALSE;

  for (int v = version; v < target; v++)
    {
      g_debug ("Migrating the server database to version %d", v + 1);
      if (!care_server_db_exec (self, migrations[v], error))
        return care_server_db_end (self, FALSE, NULL), FALSE;
    }

  {
    g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", target);
    g_autofree char *instance = g_uuid_string_random ();
    sqlite3_stmt    *stmt;

    if (!care_server_db_exec (self, bump, error))
      return care_server_db_end (self, FALSE, NULL), FALSE;

    /* Identifies this database in pull cursors, so a cursor from another
     * database (a restore, a reset) is refused instead of skipping records. */
    if (version == 0)
      {
        stmt = care_server_db_prepare (self, "INSERT INTO meta (key, value) VALUES ('instance', ?)",
                                       error);
        if (stmt == NULL)
          return care_server_db_end (self, FALSE, NULL), FALSE;
        sqlite3_bind_text (stmt, 1, instance, -1, SQLITE_TRANSIENT);
        if (!care_server_db_step_done (self, stmt, error))
          return care_server_db_end (self, FALSE, NULL), FALSE;
      }
  }

  return care_server_db_end (self, TRUE, error);
}

static gboolean
load_instance_id (CareServerDb *self, GError **error)
{
  sqlite3_stmt *stmt =
      care_server_db_prepare (self, "SELECT value FROM meta WHERE key = 'instance'", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    self->instance_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  if (self->instance_id == NULL)
    {
      g_set_error_literal (error, CARE_SERVER_DB_ERROR, CARE_SERVER_DB_ERROR_CORRUPT,
                           _ ("The database has no instance identifier"));
      return FALSE;
    }

  return TRUE;
}

CareServerDb *
care_server_db_new (const char *path, GError **error)
{
  return care_server_db_new_at_version (path, CARE_SERVER_DB_SCHEMA_VERSION, error);
}

/**
 * care_server_db_new_at_version:
 * @path: the database file
 * @version: the schema version to migrate to, at most CARE_SERVER_DB_SCHEMA_VERSION
 * @error: a CARE_SERVER_DB_ERROR
 *
 * Opens a database migrated only up to @version, as an older server left
 * it, so a test can check the migrations from every earlier version.
 */
CareServerDb *
care_server_db_new_at_version (const char *path, int version, GError **error)
{
  g_autoptr (CareServerDb) self = g_object_new (CARE_TYPE_SERVER_DB, NULL);
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (version >= 1 && version <= CARE_SERVER_DB_SCHEMA_VERSION, NULL);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, CARE_SERVER_DB_ERROR, CARE_SERVER_DB_ERROR_FAILED,
                   _ ("Cannot open the database “%s”: %s"), path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, 1);
  /* The CLI (useradd) may write while the server runs: wait for the lock. */
  sqlite3_busy_timeout (self->db, 5000);

  if (!care_server_db_exec (self, "PRAGMA journal_mode = WAL", error) ||
      !care_server_db_exec (self, "PRAGMA synchronous = NORMAL", error) ||
      !care_server_db_exec (self, "PRAGMA foreign_keys = ON", error) ||
      !migrate (self, version, error) || !load_instance_id (self, error))
    return NULL;
  self->path = g_strdup (path);
  if (g_stat (path, &self->file) != 0)
    memset (&self->file, 0, sizeof self->file);

  return g_steal_pointer (&self);
}

/* A random id chosen when the database was created. */
const char *
care_server_db_get_instance_id (CareServerDb *self)
{
  g_return_val_if_fail (CARE_IS_SERVER_DB (self), NULL);
  return self->instance_id;
}

/* Reads the instance id again, after a copy replaced it. */
gboolean
care_server_db_reload_instance_id (CareServerDb *self, GError **error)
{
  g_return_val_if_fail (CARE_IS_SERVER_DB (self), FALSE);

  g_clear_pointer (&self->instance_id, g_free);
  return load_instance_id (self, error);
}

sqlite3 *
care_server_db_get_handle (CareServerDb *self)
{
  g_return_val_if_fail (CARE_IS_SERVER_DB (self), NULL);
  return self->db;
}

/* Where the database is, to open another connection on it. */
const char *
care_server_db_get_path (CareServerDb *self)
{
  g_return_val_if_fail (CARE_IS_SERVER_DB (self), NULL);
  return self->path;
}

/**
 * care_server_db_ping:
 * @error: a CARE_SERVER_DB_ERROR
 *
 * Whether the database answers, for the health check: the open connection
 * runs a statement, the file at the path is still the one opened, and a
 * second connection opened afresh on it reads the instance identifier
 * back. An open connection keeps reading a file that was deleted or
 * replaced under it, and its page cache hides a file overwritten in
 * place; a fresh one sees what a restarted server would. Cheap enough
 * for a load balancer's probe every second or so.
 */
gboolean
care_server_db_ping (CareServerDb *self, GError **error)
{
  sqlite3      *fresh = NULL;
  sqlite3_stmt *stmt, *read = NULL;
  GStatBuf      now;
  gboolean      same = FALSE;
  int           rc;

  g_return_val_if_fail (CARE_IS_SERVER_DB (self), FALSE);

  stmt = care_server_db_prepare (self, "SELECT 1", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return care_server_db_set_error (self, rc, error);

  if (g_stat (self->path, &now) != 0 || now.st_dev != self->file.st_dev ||
      now.st_ino != self->file.st_ino)
    {
      g_set_error (error, CARE_SERVER_DB_ERROR, CARE_SERVER_DB_ERROR_FAILED, "%s: %s", self->path,
                   "the file opened is no longer at this path");
      return FALSE;
    }

  rc = sqlite3_open_v2 (self->path, &fresh, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (fresh, 1000);
      rc = sqlite3_prepare_v2 (fresh, "SELECT value FROM meta WHERE key = 'instance'", -1, &read,
                               NULL);
    }
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (read);
      same = rc == SQLITE_ROW &&
             g_strcmp0 ((const char *) sqlite3_column_text (read, 0), self->instance_id) == 0;
    }

  if (!same)
    g_set_error (error, CARE_SERVER_DB_ERROR,
                 rc == SQLITE_ROW || rc == SQLITE_DONE ? CARE_SERVER_DB_ERROR_CORRUPT
                                                       : CARE_SERVER_DB_ERROR_FAILED,
                 "%s: %s", self->path,
                 rc == SQLITE_ROW || rc == SQLITE_DONE
                     ? "another database is at this path"
                     : (fresh != NULL ? sqlite3_errmsg (fresh) : sqlite3_errstr (rc)));

  sqlite3_finalize (read);
  sqlite3_close (fresh);

  return same;
}
