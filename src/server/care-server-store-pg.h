/* care-server-store-pg.h: the server's storage in PostgreSQL, shared by any number of servers. */
#pragma once

#include "care-server-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_SERVER_STORE_PG (care_server_store_pg_get_type ())
G_DECLARE_FINAL_TYPE (
    CareServerStorePg, care_server_store_pg, CARE, SERVER_STORE_PG, CareServerStore)

#define CARE_SERVER_STORE_PG_SCHEMA_VERSION 4

CareServerStore *care_server_store_pg_new (const char *uri, GError **error);

G_END_DECLS
