/* care-server-db.h: the server's own SQLite database: connection, migrations, statements. */
#pragma once

#include <glib-object.h>
#include <sqlite3.h>

#include "care-server-store.h"

G_BEGIN_DECLS

/* The SQLite connection under CareServerStoreSqlite; its errors are the store's. */
#define CARE_SERVER_DB_ERROR            CARE_SERVER_STORE_ERROR
#define CARE_SERVER_DB_ERROR_FAILED     CARE_SERVER_STORE_ERROR_FAILED
#define CARE_SERVER_DB_ERROR_BUSY       CARE_SERVER_STORE_ERROR_BUSY
#define CARE_SERVER_DB_ERROR_CONSTRAINT CARE_SERVER_STORE_ERROR_CONSTRAINT
#define CARE_SERVER_DB_ERROR_CORRUPT    CARE_SERVER_STORE_ERROR_CORRUPT
#define CARE_SERVER_DB_ERROR_TOO_NEW    CARE_SERVER_STORE_ERROR_TOO_NEW

#define CARE_SERVER_DB_SCHEMA_VERSION 6

#define CARE_TYPE_SERVER_DB (care_server_db_get_type ())
G_DECLARE_FINAL_TYPE (CareServerDb, care_server_db, CARE, SERVER_DB, GObject)

CareServerDb *care_server_db_new (const char *path, GError **error);
CareServerDb *care_server_db_new_at_version (const char *path, int version, GError **error);
const char   *care_server_db_get_instance_id (CareServerDb *self);
gboolean      care_server_db_reload_instance_id (CareServerDb *self, GError **error);
sqlite3      *care_server_db_get_handle (CareServerDb *self);
gboolean      care_server_db_ping (CareServerDb *self, GError **error);
const char   *care_server_db_get_path (CareServerDb *self);

sqlite3_stmt *care_server_db_prepare (CareServerDb *self, const char *sql, GError **error);
gboolean      care_server_db_exec (CareServerDb *self, const char *sql, GError **error);
gboolean      care_server_db_step_done (CareServerDb *self, sqlite3_stmt *stmt, GError **error);
gboolean      care_server_db_set_error (CareServerDb *self, int rc, GError **error);

gboolean care_server_db_begin (CareServerDb *self, GError **error);
gboolean care_server_db_end (CareServerDb *self, gboolean commit, GError **error);
gboolean care_server_db_savepoint (CareServerDb *self, GError **error);
gboolean care_server_db_release (CareServerDb *self, gboolean keep, GError **error);

G_END_DECLS
