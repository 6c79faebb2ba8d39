/* care-test-harness.h: the real aftercare-server, a fault-injecting proxy and clients for sync tests. */
#pragma once

#include <libsoup/soup.h>

#include "care-sync-engine.h"

G_BEGIN_DECLS

typedef struct
{
  char        *dir;
  char        *db;
  char        *url;
  guint        port;
  GSubprocess *process;
} TestServer;

typedef enum
{
  PROXY_PASS,
  PROXY_DROP_PUSH_RESPONSE, /* forward the first push, then drop the connection */
  PROXY_KILL_ON_PUSH,       /* forward the first push and kill the server at once */
  PROXY_BUSY_ON_PUSH,       /* answer the first push 429 with Retry-After: 1 */
} ProxyFault;

typedef struct
{
  SoupServer  *server;
  SoupSession *session;
  TestServer  *upstream;
  char        *url;
  ProxyFault   fault;
  guint        n_pushes;
  guint        n_faults;
} TestProxy;

typedef struct
{
  char           *path;
  CareStore      *store;
  CareSyncEngine *engine;
} TestClient;

const char *test_server_binary (void);
gboolean    test_server_available (void);
TestServer *test_server_new (void);
void        test_server_start (TestServer *server, guint port);
void        test_server_stop (TestServer *server);
void        test_server_free (TestServer *server);
void        test_server_add_user (TestServer *server, const char *name, const char *role);
guint       test_free_port (void);

TestProxy *test_proxy_new (TestServer *upstream);
void       test_proxy_free (TestProxy *proxy);

TestClient *test_client_new (TestServer *server, const char *url, const char *user);
void        test_client_free (TestClient *client);
gboolean    test_client_sync (TestClient *client, GError **error);
void        test_client_sync_ok (TestClient *client);
CareRecord *test_client_load (TestClient *client, const char *entity, const char *id);
gboolean    test_client_has (TestClient *client, const char *entity, const char *id);
guint       test_client_count (TestClient *client, const char *entity);
CareRecord *test_client_add_customer (TestClient *client, const char *name);
void        test_client_set (
           TestClient *client, const char *entity, const char *id, const char *field, const char *value);

void test_wait_until (gboolean (*predicate) (gpointer), gpointer data, guint timeout_ms);

G_END_DECLS
