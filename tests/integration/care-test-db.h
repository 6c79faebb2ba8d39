/* care-test-db.h: the server database of an integration test, SQLite or PostgreSQL. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Set by run-with-postgres.sh: the base URI of a throwaway cluster. */
#define TEST_DB_POSTGRES_ENV "AFTERCARE_TEST_POSTGRES"

gboolean test_db_is_postgres (void);
char    *test_db_new (const char *dir, const char *name);
void     test_db_exec (const char *db, const char *sql);
gint64   test_db_query_int (const char *db, const char *sql);
void     test_remove_tree (const char *path);

G_END_DECLS
