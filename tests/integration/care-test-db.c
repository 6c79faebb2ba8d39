/* care-test-db.c: the server database of an integration test, SQLite or PostgreSQL.
 *
 * The same tests run against both backends: without AFTERCARE_TEST_POSTGRES
 * a server database is a file in the test's directory; with it (set by
 * run-with-postgres.sh to a throwaway cluster) it is a new, empty schema
 * of that cluster, named in the URI's search_path, so each test gets a
 * database of its own at the cost of one CREATE SCHEMA. */
#include "config.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "care-test-db.h"

gboolean
test_db_is_postgres (void)
{
  const char *base = g_getenv (TEST_DB_POSTGRES_ENV);

  return base != NULL && base[0] != '\0';
}

static PGconn *
pg_connect (const char *uri)
{
  PGconn *conn = PQconnectdb (uri);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect to the test cluster: %s", PQerrorMessage (conn));
  return conn;
}

static PGresult *
pg_run (PGconn *conn, const char *sql)
{
  PGresult      *res = PQexec (conn, sql);
  ExecStatusType status = PQresultStatus (res);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  return res;
}

/**
 * test_db_new:
 * @dir: the test's temporary directory
 * @name: the file name of an SQLite database in it
 *
 * Returns: (transfer full): what to pass to --db: @dir/@name, or the URI of
 *   a new empty PostgreSQL schema
 */
char *
test_db_new (const char *dir, const char *name)
{
  static guint     counter;
  g_autofree char *schema = NULL;
  g_autofree char *sql = NULL;
  const char      *base = g_getenv (TEST_DB_POSTGRES_ENV);
  PGconn          *conn;

  if (!test_db_is_postgres ())
    return g_build_filename (dir, name, NULL);

  schema = g_strdup_printf ("t%d_%u", (int) getpid (), ++counter);
  sql = g_strdup_printf ("CREATE SCHEMA %s", schema);
  conn = pg_connect (base);
  PQclear (pg_run (conn, sql));
  PQfinish (conn);

  return g_strdup_printf ("%s%soptions=-csearch_path%%3D%s", base,
                          strchr (base, '?') != NULL ? "&" : "?", schema);
}

/* Runs SQL (several statements allowed) on a test's server database. */
void
test_db_exec (const char *db, const char *sql)
{
  if (g_str_has_prefix (db, "postgresql:"))
    {
      PGconn *conn = pg_connect (db);

      PQclear (pg_run (conn, sql));
      PQfinish (conn);
    }
  else
    {
      sqlite3 *handle = NULL;
      char    *message = NULL;

      g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
      sqlite3_busy_timeout (handle, 5000);
      if (sqlite3_exec (handle, sql, NULL, NULL, &message) != SQLITE_OK)
        g_error ("%s: %s", sql, message);
      sqlite3_close (handle);
    }
}

/* The first column of the first row of a query, as an integer. */
gint64
test_db_query_int (const char *db, const char *sql)
{
  gint64 value;

  if (g_str_has_prefix (db, "postgresql:"))
    {
      PGconn   *conn = pg_connect (db);
      PGresult *res = pg_run (conn, sql);

      g_assert_cmpint (PQntuples (res), >, 0);
      value = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
      PQclear (res);
      PQfinish (conn);
    }
  else
    {
      sqlite3      *handle = NULL;
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
      sqlite3_busy_timeout (handle, 5000);
      g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      value = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      sqlite3_close (handle);
    }

  return value;
}

/* Removes @path and all it holds: a test's temporary folder, with the
 * folder of attachments' files a server keeps beside its database. */
void
test_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}
