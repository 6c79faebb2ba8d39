/* care-sync-http.h: the sync engine's HTTP exchanges with aftercare-server. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CARE_SYNC_ERROR (care_sync_error_quark ())

typedef enum
{
  CARE_SYNC_ERROR_FAILED,
  CARE_SYNC_ERROR_NOT_CONFIGURED, /* no server address */
  CARE_SYNC_ERROR_NETWORK,        /* the server cannot be reached: offline */
  CARE_SYNC_ERROR_SERVER,         /* 5xx: retried later */
  CARE_SYNC_ERROR_BUSY,           /* 429: retried after Retry-After */
  CARE_SYNC_ERROR_UNAUTHORIZED,   /* 401, or no token: sign in again */
  CARE_SYNC_ERROR_FORBIDDEN,      /* 403 */
  CARE_SYNC_ERROR_PROTOCOL,       /* an answer this version does not understand */
  CARE_SYNC_ERROR_REFUSED,        /* another 4xx */
} CareSyncError;

/**
 * CareSyncHttpReply:
 * @status: the HTTP status, 0 when no answer came
 * @retry_after_ms: how long a 429 or 5xx asked to wait (Retry-After), or 0
 */
typedef struct
{
  guint  status;
  gint64 retry_after_ms;
} CareSyncHttpReply;

#define CARE_TYPE_SYNC_HTTP (care_sync_http_get_type ())
G_DECLARE_FINAL_TYPE (CareSyncHttp, care_sync_http, CARE, SYNC_HTTP, GObject)

GQuark care_sync_error_quark (void);

CareSyncHttp *care_sync_http_new (void);

void      care_sync_http_request_async (CareSyncHttp       *self,
                                        const char         *server_url,
                                        const char         *token,
                                        const char         *method,
                                        const char         *path,
                                        JsonNode           *body,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
JsonNode *care_sync_http_request_finish (CareSyncHttp      *self,
                                         GAsyncResult      *result,
                                         CareSyncHttpReply *reply,
                                         GError           **error);

G_END_DECLS
