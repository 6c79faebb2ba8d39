/* care-sync-http.c: the sync engine's HTTP exchanges with aftercare-server.
 *
 * One request, one JSON answer or one CARE_SYNC_ERROR the engine's
 * scheduler can branch on: the network is away, the server is busy or
 * failing (with how long it asked to wait), the token was refused, or the
 * request itself was. The engine decides what to do about each; this file
 * only speaks HTTP and JSON. */
#define G_LOG_DOMAIN "care-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "care-clock.h"
#include "care-json-parse.h"
#include "care-json.h"
#include "care-sync-http.h"

#define REQUEST_TIMEOUT_S     60
#define IDLE_TIMEOUT_S        60
#define MAX_RESPONSE_BYTES    (64 * 1024 * 1024)
#define MAX_RETRY_AFTER_MS    (60 * 60 * 1000)
#define EXPECT_CONTINUE_BYTES (64 * 1024)

struct _CareSyncHttp
{
  GObject parent_instance;

  SoupSession *session; /* owned */
};

G_DEFINE_FINAL_TYPE (CareSyncHttp, care_sync_http, G_TYPE_OBJECT)
G_DEFINE_QUARK (care_sync_error_quark, care_sync_error)

typedef struct
{
  SoupMessage      *msg;
  CareSyncHttpReply reply;
} Request;

/* Why the server cannot be reached, in words a user can act on: the
 * resolver's and the socket's own messages name no server and say nothing
 * to do. */
static char *
network_error_text (const GError *error, SoupMessage *msg)
{
  GUri       *uri = soup_message_get_uri (msg);
  const char *host = uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : "";

  if (error->domain == G_RESOLVER_ERROR)
    /* TRANSLATORS: %s is the host name of the server, e.g. "sync.example.com" */
    return g_strdup_printf (_ ("The server “%s” could not be found. Check the server address and "
                               "your network connection."),
                            host);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
    /* TRANSLATORS: %s is the host name of the server, e.g. "sync.example.com" */
    return g_strdup_printf (_ ("The server “%s” does not answer. Check the server address, or try "
                               "again later."),
                            host);
  if (error->domain == G_TLS_ERROR)
    /* TRANSLATORS: %s is the host name of the server, e.g. "sync.example.com" */
    return g_strdup_printf (
        _ ("No secure connection could be made to “%s”: its certificate is not trusted."), host);
  return g_strdup_printf (_ ("The server cannot be reached: %s"), error->message);
}

static void
request_free (gpointer data)
{
  Request *request = data;

  g_clear_object (&request->msg);
  g_free (request);
}

static SoupMessage *
new_message (
    const char *server_url, const char *token, const char *method, const char *path, JsonNode *body)
{
  g_autofree char    *url = g_strconcat (server_url, path, NULL);
  SoupMessage        *msg = soup_message_new (method, url);
  SoupMessageHeaders *headers;

  if (msg == NULL)
    return NULL;

  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (headers, "Authorization", auth);
    }

  if (body != NULL)
    {
      char *json = json_to_string (body, FALSE);
      gsize len = strlen (json);
      g_autoptr (GBytes) bytes = g_bytes_new_take (json, len);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      /* The server refuses a body above its limit as soon as it has the
       * headers, and closes the connection: waiting for its go-ahead makes
       * that a clear 413 (and the batch is split) rather than a broken
       * pipe halfway through the upload. */
      if (len > EXPECT_CONTINUE_BYTES)
        soup_message_headers_set_expectations (headers, SOUP_EXPECTATION_CONTINUE);
    }

  return msg;
}

/* Seconds from a Retry-After header (delta or HTTP date), or -1. */
static gint64
parse_retry_after (SoupMessage *msg)
{
  const char *value =
      soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After");
  guint64 seconds;

  if (value == NULL)
    return -1;

  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT32, &seconds, NULL))
    return (gint64) seconds;

  {
    g_autoptr (GDateTime) when = soup_date_time_new_from_http_string (value);
    g_autoptr (GDateTime) now = care_clock_now_utc ();

    if (when != NULL)
      return MAX (0, g_date_time_difference (when, now) / G_TIME_SPAN_SECOND);
  }

  return -1;
}

/* The server's own words from {"error": {"code", "message"}}, if any. */
static char *
server_message (JsonNode *node)
{
  JsonObject *error = NULL;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    error = care_json_get_object (json_node_get_object (node), "error");
  return g_strdup (care_json_get_string (error, "message"));
}

/* A server (or whatever answers in its place) is not trusted to send JSON
 * json-glib can parse safely: bounded depth, no NUL in strings. */
static JsonNode *
parse_body (GBytes *bytes)
{
  if (g_bytes_get_size (bytes) == 0 || g_bytes_get_size (bytes) > MAX_RESPONSE_BYTES)
    return NULL;

  return care_json_parse_bounded (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                  CARE_JSON_MAX_DEPTH, NULL);
}

/* Turns a finished exchange into a JSON body or a CARE_SYNC_ERROR. */
static JsonNode *
read_response (Request *request, GBytes *bytes, GError **error)
{
  SoupMessage *msg = request->msg;
  guint        status = soup_message_get_status (msg);
  g_autoptr (JsonNode) node = parse_body (bytes);
  g_autofree char *message = NULL;

  request->reply.status = status;
  if (status >= 200 && status < 300)
    {
      if (node == NULL)
        g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PROTOCOL,
                     _ ("The server sent an answer that is not JSON"));
      return g_steal_pointer (&node);
    }

  message = server_message (node);
  if (message == NULL)
    message = g_strdup_printf (_ ("HTTP status %u %s"), status, soup_status_get_phrase (status));

  if (status == SOUP_STATUS_UNAUTHORIZED)
    g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED, _ ("Sign in again: %s"),
                 message);
  else if (status == SOUP_STATUS_FORBIDDEN)
    g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_FORBIDDEN, _ ("Not allowed: %s"), message);
  else if (status == 429 || status >= 500)
    {
      gint64 after = parse_retry_after (msg);

      if (after >= 0)
        request->reply.retry_after_ms = MIN (after * 1000, MAX_RETRY_AFTER_MS);
      g_set_error (error, CARE_SYNC_ERROR,
                   status == 429 ? CARE_SYNC_ERROR_BUSY : CARE_SYNC_ERROR_SERVER,
                   _ ("The server is busy or failing, trying again later: %s"), message);
    }
  else
    g_set_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_REFUSED,
                 _ ("The server refused the request: %s"), message);

  g_debug ("%s %s: %u", soup_message_get_method (msg), g_uri_get_path (soup_message_get_uri (msg)),
           status);
  return NULL;
}

static void
sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  JsonNode *node;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        {
          g_autofree char *text = network_error_text (error, request->msg);

          g_task_return_new_error (task, CARE_SYNC_ERROR, CARE_SYNC_ERROR_NETWORK, "%s", text);
        }
      return;
    }

  node = read_response (request, bytes, &error);
  if (node == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void
care_sync_http_dispose (GObject *object)
{
  CareSyncHttp *self = CARE_SYNC_HTTP (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (care_sync_http_parent_class)->dispose (object);
}

static void
care_sync_http_class_init (CareSyncHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = care_sync_http_dispose;
}

static void
care_sync_http_init (CareSyncHttp *self)
{
  self->session =
      soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_S, "idle-timeout", IDLE_TIMEOUT_S,
                                     "user-agent", PACKAGE_NAME "/" PACKAGE_VERSION, NULL);
}

CareSyncHttp *
care_sync_http_new (void)
{
  return g_object_new (CARE_TYPE_SYNC_HTTP, NULL);
}

/**
 * care_sync_http_request_async:
 * @server_url: the server's address, e.g. "https://care.example.com:8443"
 * @token: (nullable): the bearer token, or %NULL to send none
 * @path: the request's path and query, e.g. "/api/v1/sync/push"
 * @body: (nullable): a JSON body to send
 *
 * Sends one request; care_sync_http_request_finish() gives its JSON answer.
 */
void
care_sync_http_request_async (CareSyncHttp       *self,
                              const char         *server_url,
                              const char         *token,
                              const char         *method,
                              const char         *path,
                              JsonNode           *body,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  Request *request;

  g_return_if_fail (CARE_IS_SYNC_HTTP (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, care_sync_http_request_async);

  request = g_new0 (Request, 1);
  g_task_set_task_data (task, request, request_free);
  request->msg = server_url != NULL ? new_message (server_url, token, method, path, body) : NULL;
  if (request->msg == NULL)
    {
      g_task_return_new_error (task, CARE_SYNC_ERROR, CARE_SYNC_ERROR_NOT_CONFIGURED,
                               _ ("The server address is not valid"));
      return;
    }

  soup_session_send_and_read_async (self->session, request->msg, G_PRIORITY_DEFAULT, cancellable,
                                    sent_cb, g_steal_pointer (&task));
}

/**
 * care_sync_http_request_finish:
 * @reply: (out) (optional): the status and the wait the server asked for,
 *   also when the request failed
 *
 * Returns: (transfer full): the answer's JSON, or %NULL with @error set
 */
JsonNode *
care_sync_http_request_finish (CareSyncHttp      *self,
                               GAsyncResult      *result,
                               CareSyncHttpReply *reply,
                               GError           **error)
{
  Request *request;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  request = g_task_get_task_data (G_TASK (result));
  if (reply != NULL)
    *reply = request->reply;
  return g_task_propagate_pointer (G_TASK (result), error);
}
