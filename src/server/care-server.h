/* care-server.h: the HTTP front of aftercare-server: routing, authentication, JSON errors. */
#pragma once

#include <libsoup/soup.h>

#include "care-server-auth.h"
#include "care-server-blobs.h"
#include "care-server-store.h"
#include "care-server-listener.h"
#include "care-server-sync.h"

G_BEGIN_DECLS

/* Request bodies above these are refused with 413 as soon as the headers
 * or the body so far show it: a push with a valid token may send 8 MiB,
 * any other request 64 KiB. */
#define CARE_SERVER_MAX_BODY       (8 * 1024 * 1024)
#define CARE_SERVER_MAX_SMALL_BODY (64 * 1024)
#define CARE_SERVER_PROTOCOL       1

#define CARE_TYPE_SERVER (care_server_get_type ())
G_DECLARE_FINAL_TYPE (CareServer, care_server, CARE, SERVER, GObject)

CareServer *care_server_new (CareServerStore *store, GTlsCertificate *certificate, GError **error);
gboolean
      care_server_listen (CareServer *self, const char *address, guint16 *out_port, GError **error);
void  care_server_set_limits (CareServer *self, const CareServerLimits *limits);
void  care_server_set_trusted_proxies (CareServer *self, const char *const *addresses);
void  care_server_shutdown (CareServer *self);
void  care_server_stop_accepting (CareServer *self);
guint care_server_get_n_busy (CareServer *self);
void  care_server_set_draining (CareServer *self, gboolean draining);
gboolean care_server_get_draining (CareServer *self);
void     care_server_set_drain_file (CareServer *self, const char *path);
void     care_server_set_access_log (CareServer *self, gboolean enabled);
gboolean
care_server_set_pull_threads (CareServer *self, const char *db, guint n_threads, GError **error);
gboolean care_server_is_tls (CareServer *self);
void     care_server_set_blobs (CareServer *self, CareServerBlobs *blobs);

G_END_DECLS
