/* care-server.h: the HTTP front of aftercare-server: routing, authentication, JSON errors. */
#pragma once

#include <libsoup/soup.h>

#include "care-server-auth.h"
#include "care-server-db.h"
#include "care-server-sync.h"

G_BEGIN_DECLS

/* Request bodies above this are refused with 413, from Content-Length when
 * the client sends one, before the body is read. */
#define CARE_SERVER_MAX_BODY (8 * 1024 * 1024)
#define CARE_SERVER_PROTOCOL 1

#define CARE_TYPE_SERVER (care_server_get_type ())
G_DECLARE_FINAL_TYPE (CareServer, care_server, CARE, SERVER, GObject)

CareServer *care_server_new (CareServerDb *db, GTlsCertificate *certificate, GError **error);
gboolean    care_server_listen (CareServer *self, const char *address, guint16 *out_port, GError **error);
void        care_server_shutdown (CareServer *self);
gboolean    care_server_is_tls (CareServer *self);

G_END_DECLS
