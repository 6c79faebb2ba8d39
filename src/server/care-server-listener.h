/* care-server-listener.h: accepts the server's connections within limits and time-outs. */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define CARE_SERVER_DEFAULT_MAX_CONNECTIONS            1024
#define CARE_SERVER_DEFAULT_MAX_CONNECTIONS_PER_CLIENT 128
#define CARE_SERVER_DEFAULT_HEADER_TIMEOUT             10
#define CARE_SERVER_DEFAULT_IDLE_TIMEOUT               60

typedef struct
{
  guint max_connections;            /* open at once; at most half the descriptor limit */
  guint max_connections_per_client; /* from one client address (trusted proxies exempt) */
  guint header_timeout;             /* seconds to send a request's headers */
  guint idle_timeout;               /* seconds a connection may wait or stall */
} CareServerLimits;

void care_server_limits_init (CareServerLimits *limits);

#define CARE_TYPE_SERVER_LISTENER (care_server_listener_get_type ())
G_DECLARE_FINAL_TYPE (CareServerListener, care_server_listener, CARE, SERVER_LISTENER, GObject)

CareServerListener *care_server_listener_new (SoupServer *soup, GTlsCertificate *certificate);
void     care_server_listener_set_limits (CareServerListener *self, const CareServerLimits *limits);
void     care_server_listener_set_trusted_proxies (CareServerListener *self,
                                                   const char *const  *addresses);
gboolean care_server_listener_listen (CareServerListener *self,
                                      GSocketAddress     *address,
                                      guint16            *out_port,
                                      GError            **error);
void     care_server_listener_close (CareServerListener *self);
void     care_server_listener_stop_accepting (CareServerListener *self);
guint    care_server_listener_get_n_busy (CareServerListener *self);
gboolean care_server_listener_is_from_trusted_proxy (CareServerListener *self,
                                                     SoupServerMessage  *msg);

guint    care_server_listener_get_n_connections (CareServerListener *self);
guint    care_server_listener_get_max_connections (CareServerListener *self);
char    *care_server_listener_get_client_address (CareServerListener *self, SoupServerMessage *msg);
gboolean care_server_listener_refuse (CareServerListener *self,
                                      SoupServerMessage  *msg,
                                      guint               status,
                                      const char         *content_type,
                                      const char         *body);

G_END_DECLS
