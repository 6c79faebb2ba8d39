/* care-test-harness.c: the real aftercare-server, a fault-injecting proxy and clients for sync tests.
 *
 * Everything here is real: the server binary runs as a child process on
 * 127.0.0.1 with a temporary database, and the clients are CareStores on
 * temporary files driven by CareSyncEngine over HTTP. The proxy sits in
 * between only where a test needs a fault the network would produce. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#include "care-clock.h"
#include "care-test-db.h"
#include "care-test-harness.h"

#define PASSWORD "integration-secret"

const char *
test_server_binary (void)
{
  return g_getenv ("AFTERCARE_SERVER");
}

gboolean
test_server_available (void)
{
  const char *binary = test_server_binary ();

  return binary != NULL && g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE);
}

TestServer *
test_server_new (void)
{
  TestServer *server = g_new0 (TestServer, 1);
  g_autoptr (GError) error = NULL;

  server->dir = g_dir_make_tmp ("care-sync-server-XXXXXX", &error);
  g_assert_no_error (error);
  server->db = test_db_new (server->dir, "server.db");

  return server;
}

/* A server outlives no test: it dies with the test process, even on abort. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn (GSubprocessFlags flags, GError **error, const char *first, ...) G_GNUC_NULL_TERMINATED;

static GSubprocess *
spawn (GSubprocessFlags flags, GError **error, const char *first, ...)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  va_list     ap;
  const char *arg;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  if (care_clock_is_pinned ())
    {
      g_autofree char *now = care_clock_now_iso ();

      g_subprocess_launcher_setenv (launcher, CARE_CLOCK_ENV, now, TRUE);
    }
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  return g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
}

/* Starts (or restarts, on the same database) the server; port 0 picks one. */
void
test_server_start (TestServer *server, guint port)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *line = NULL;
  const char      *url;

  g_assert_null (server->process);
  server->process = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, test_server_binary (), "--db",
                           server->db, "--listen", listen, NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);

  url = strstr (line, "http://");
  g_assert_nonnull (url);
  g_free (server->url);
  server->url = g_strdup (g_strstrip ((char *) url));
  server->port = (guint) g_ascii_strtoull (strrchr (server->url, ':') + 1, NULL, 10);
  g_assert_cmpuint (server->port, >, 0);
}

void
test_server_stop (TestServer *server)
{
  if (server->process == NULL)
    return;

  g_subprocess_send_signal (server->process, SIGKILL);
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_object (&server->process);
}

void
test_server_free (TestServer *server)
{
  test_server_stop (server);
  test_remove_tree (server->dir);
  g_free (server->dir);
  g_free (server->db);
  g_free (server->url);
  g_free (server);
}

void
test_server_add_user (TestServer *server, const char *name, const char *role)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) p = NULL;

  p = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
             test_server_binary (), "--db", server->db, "useradd", name, "--role", role, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, PASSWORD "\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (p));
}

/* A port nothing listens on (yet): bound, read, released. */
guint
test_free_port (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket =
      g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, TRUE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

void
test_wait_until (gboolean (*predicate) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!predicate (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      if (!predicate (data))
        g_usleep (1000);
    }
}

/* Proxy */

typedef struct
{
  TestProxy         *proxy;
  SoupServerMessage *msg;
  SoupMessage       *out;
  gboolean           drop;
} Forward;

static void
forward_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Forward *f = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body =
      soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  if (body == NULL || f->drop)
    {
      /* The answer is lost on the way back: the client sees the
       * connection close, whatever the server did. */
      g_autoptr (GIOStream) stream = soup_server_message_steal_connection (f->msg);
      g_io_stream_close (stream, NULL, NULL);
    }
  else
    {
      const char *type =
          soup_message_headers_get_content_type (soup_message_get_response_headers (f->out), NULL);
      const char *retry =
          soup_message_headers_get_one (soup_message_get_response_headers (f->out), "Retry-After");
      gsize         len;
      gconstpointer data = g_bytes_get_data (body, &len);

      soup_server_message_set_status (f->msg, soup_message_get_status (f->out), NULL);
      if (retry != NULL)
        soup_message_headers_replace (soup_server_message_get_response_headers (f->msg),
                                      "Retry-After", retry);
      soup_server_message_set_response (f->msg, type != NULL ? type : "application/json",
                                        SOUP_MEMORY_COPY, data, len);
      soup_server_message_unpause (f->msg);
    }

  g_object_unref (f->out);
  g_object_unref (f->msg);
  g_free (f);
}

static void
proxy_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  TestProxy       *proxy = user_data;
  GUri            *uri = soup_server_message_get_uri (msg);
  g_autofree char *url = NULL;
  g_autoptr (GBytes) body = NULL;
  SoupMessageHeaders *in = soup_server_message_get_request_headers (msg);
  const char         *auth = soup_message_headers_get_one (in, "Authorization");
  gboolean            is_push = g_str_has_suffix (path, "/sync/push");
  gboolean            fault = FALSE;
  Forward            *f;

  url = g_strconcat (proxy->upstream->url, path, g_uri_get_query (uri) != NULL ? "?" : "",
                     g_uri_get_query (uri) != NULL ? g_uri_get_query (uri) : "", NULL);

  f = g_new0 (Forward, 1);
  f->proxy = proxy;
  f->msg = g_object_ref (msg);
  f->out = soup_message_new (soup_server_message_get_method (msg), url);
  if (auth != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (f->out), "Authorization", auth);

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  if (g_bytes_get_size (body) > 0)
    soup_message_set_request_body_from_bytes (f->out, "application/json", body);

  if (is_push)
    {
      proxy->n_pushes++;
      fault = proxy->fault != PROXY_PASS && proxy->n_faults == 0;
    }
  if (fault)
    proxy->n_faults++;
  f->drop = fault && proxy->fault == PROXY_DROP_PUSH_RESPONSE;

  if (fault && proxy->fault == PROXY_BUSY_ON_PUSH)
    {
      static const char busy[] =
          "{\"error\": {\"code\": \"too_many_requests\", \"message\": \"Slow down\"}}";

      soup_server_message_set_status (msg, 429, "Too Many Requests");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                    "1");
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, busy,
                                        strlen (busy));
      g_object_unref (f->out);
      g_object_unref (f->msg);
      g_free (f);
      return;
    }

  soup_server_message_pause (msg);
  soup_session_send_and_read_async (proxy->session, f->out, G_PRIORITY_DEFAULT, NULL, forward_cb,
                                    f);

  /* The server dies while the push is on its way or being applied: it
   * either committed the whole push or none of it. */
  if (fault && proxy->fault == PROXY_KILL_ON_PUSH)
    {
      g_usleep (20 * 1000);
      g_main_context_iteration (NULL, FALSE);
      test_server_stop (proxy->upstream);
    }
}

TestProxy *
test_proxy_new (TestServer *upstream)
{
  TestProxy *proxy = g_new0 (TestProxy, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSList) uris = NULL;
  g_autofree char *text = NULL;

  proxy->upstream = upstream;
  proxy->session = soup_session_new ();
  proxy->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (proxy->server, NULL, proxy_handler, proxy, NULL);
  g_assert_true (soup_server_listen_local (proxy->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);

  uris = soup_server_get_uris (proxy->server);
  text = g_uri_to_string (uris->data);
  proxy->url = g_strdup (text);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  return proxy;
}

void
test_proxy_free (TestProxy *proxy)
{
  soup_server_disconnect (proxy->server);
  g_clear_object (&proxy->server);
  g_clear_object (&proxy->session);
  g_free (proxy->url);
  g_free (proxy);
}

/* Clients */

static void
async_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_ready (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

TestClient *
test_client_new (TestServer *server, const char *url, const char *user)
{
  TestClient *client = g_new0 (TestClient, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *name = g_strdup_printf ("client-%s-XXXXXX.db", user);
  int              fd;

  fd = g_file_open_tmp (name, &client->path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  g_unlink (client->path);

  client->store = care_store_new (client->path, &error);
  g_assert_no_error (error);
  client->engine = care_sync_engine_new (client->store);
  care_sync_engine_set_server_url (client->engine, url != NULL ? url : server->url);

  care_sync_engine_sign_in_async (client->engine, user, PASSWORD, NULL, async_cb, &result);
  test_wait_until (result_ready, &result, 20000);
  care_sync_engine_sign_in_finish (client->engine, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (care_sync_engine_get_token (client->engine));

  return client;
}

void
test_client_free (TestClient *client)
{
  g_autofree char *wal = g_strconcat (client->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (client->path, "-shm", NULL);

  care_sync_engine_stop (client->engine);
  g_clear_object (&client->engine);
  g_clear_object (&client->store);
  g_unlink (client->path);
  g_unlink (wal);
  g_unlink (shm);
  g_free (client->path);
  g_free (client);
}

gboolean
test_client_sync (TestClient *client, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  care_sync_engine_sync_async (client->engine, NULL, async_cb, &result);
  test_wait_until (result_ready, &result, 60000);
  return care_sync_engine_sync_finish (client->engine, result, error);
}

void
test_client_sync_ok (TestClient *client)
{
  g_autoptr (GError) error = NULL;

  test_client_sync (client, &error);
  g_assert_no_error (error);
  g_assert_cmpint (care_sync_engine_get_status (client->engine), ==, CARE_SYNC_STATUS_IDLE);
}

CareRecord *
test_client_load (TestClient *client, const char *entity, const char *id)
{
  return care_store_load (client->store, care_schema_lookup (entity), id, NULL);
}

/* Whether the record is live in the client's store. */
gboolean
test_client_has (TestClient *client, const char *entity, const char *id)
{
  g_autoptr (CareRecord) r = test_client_load (client, entity, id);
  return r != NULL;
}

guint
test_client_count (TestClient *client, const char *entity)
{
  g_autoptr (CareQuery) query = care_query_new (care_schema_lookup (entity));
  g_autoptr (GError) error = NULL;
  guint n = care_store_count (client->store, query, NULL, &error);

  g_assert_no_error (error);
  return n;
}

CareRecord *
test_client_add_customer (TestClient *client, const char *name)
{
  g_autoptr (CareRecord) c = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (GError) error = NULL;

  care_record_set_string (c, "kind", "company");
  care_record_set_string (c, "name", name);
  g_assert_true (care_store_save (client->store, c, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&c);
}

/* An ordinary user edit of one text field. */
void
test_client_set (
    TestClient *client, const char *entity, const char *id, const char *field, const char *value)
{
  g_autoptr (CareRecord) r = test_client_load (client, entity, id);
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (r);
  care_record_set_string (r, field, value);
  g_assert_true (care_store_save (client->store, r, &error));
  g_assert_no_error (error);
}
