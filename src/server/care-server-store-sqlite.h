/* care-server-store-sqlite.h: the server's storage in one SQLite file. */
#pragma once

#include "care-server-db.h"
#include "care-server-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_SERVER_STORE_SQLITE (care_server_store_sqlite_get_type ())
G_DECLARE_FINAL_TYPE (
    CareServerStoreSqlite, care_server_store_sqlite, CARE, SERVER_STORE_SQLITE, CareServerStore)

CareServerStore *care_server_store_sqlite_new (const char *path, GError **error);
CareServerStore *care_server_store_sqlite_new_for_db (CareServerDb *db);
CareServerDb    *care_server_store_sqlite_get_db (CareServerStoreSqlite *self);

char *care_server_store_sqlite_unique_sql (const char *field);

G_END_DECLS
