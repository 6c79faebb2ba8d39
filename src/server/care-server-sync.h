/* care-server-sync.h: applies pushed mutations with a three-way merge and serves the change feed. */
#pragma once

#include <json-glib/json-glib.h>

#include "care-record.h"
#include "care-server-auth.h"
#include "care-server-store.h"

G_BEGIN_DECLS

#define CARE_SERVER_SYNC_ERROR (care_server_sync_error_quark ())

typedef enum
{
  CARE_SERVER_SYNC_ERROR_MALFORMED, /* HTTP 400 */
  CARE_SERVER_SYNC_ERROR_INVALID,   /* HTTP 422 */
  CARE_SERVER_SYNC_ERROR_CONFLICT,  /* HTTP 409 */
  CARE_SERVER_SYNC_ERROR_TOO_LARGE, /* HTTP 413 */
  CARE_SERVER_SYNC_ERROR_NOT_FOUND, /* HTTP 404 */
} CareServerSyncError;

#define CARE_SERVER_SYNC_MAX_MUTATIONS 10000
#define CARE_SERVER_SYNC_DEFAULT_LIMIT 500
#define CARE_SERVER_SYNC_MAX_LIMIT     1000
/* A pull page stops before the change that would take its records' JSON
 * past this (it always holds at least one change): 1,000 visit reports
 * with signatures would otherwise make one answer of some 200 MB. */
#define CARE_SERVER_SYNC_MAX_PAGE_BYTES (4 * 1024 * 1024)
/* History pages: entries per page unless asked, and at most. */
#define CARE_SERVER_SYNC_HISTORY_DEFAULT_LIMIT 50
#define CARE_SERVER_SYNC_HISTORY_MAX_LIMIT     200

#define CARE_TYPE_SERVER_SYNC (care_server_sync_get_type ())
G_DECLARE_FINAL_TYPE (CareServerSync, care_server_sync, CARE, SERVER_SYNC, GObject)

GQuark care_server_sync_error_quark (void);

CareServerSync *care_server_sync_new (CareServerStore *store);

JsonNode *care_server_sync_push (CareServerSync       *self,
                                 const CareServerUser *user,
                                 JsonNode             *request,
                                 GError              **error);
void      care_server_sync_push_async (CareServerSync       *self,
                                       const CareServerUser *user,
                                       JsonNode             *request,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
JsonNode *care_server_sync_push_finish (CareServerSync *self, GAsyncResult *result, GError **error);
JsonNode *
care_server_sync_pull (CareServerSync *self, const char *cursor, guint limit, GError **error);
JsonNode *care_server_sync_pull_query (CareServerSync *self, const char *query, GError **error);
char *
care_server_sync_pull_text (CareServerSync *self, const char *cursor, guint limit, GError **error);
char *care_server_sync_pull_query_text (CareServerSync *self, const char *query, GError **error);
JsonNode *care_server_sync_history (
    CareServerSync *self, const char *entity, const char *id, const char *query, GError **error);

gboolean care_server_sync_import (CareServerSync *self, CareRecord *record, GError **error);
gboolean care_server_sync_fill_demo (CareServerSync *self,
                                     guint           n_customers,
                                     guint64        *out_n_records,
                                     GError        **error);

G_END_DECLS
