/* care-server.c: the HTTP front of aftercare-server: routing, authentication, JSON errors.
 *
 * Everything runs on the main loop thread, which owns the storage connection
 * that writes, but for two kinds of work done in worker
 * threads while the message waits paused: the deliberately slow Argon2id
 * password check, so a login never stalls the pushes and pulls of everyone
 * else; and pulls, each worker with a connection of its own (see
 * handle_pull()). */
#define G_LOG_DOMAIN "care-server"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "care-clock.h"
#include "care-json-parse.h"
#include "care-server.h"
#include "care-server-blobs.h"
#include "care-server-calendar.h"
#include "care-server-log.h"
#include "care-server-login-queue.h"
#include "care-server-throttle.h"

/* The access log's domain, so it can be told from the other messages
 * (G_MESSAGES_DEBUG, journalctl GLIB_DOMAIN=care-server-access). */
#define ACCESS_LOG_DOMAIN "care-server-access"
#define QUARK_STARTED     "care-server-started"
#define QUARK_USER        "care-server-user"

/* Files are read and written under this prefix and their SHA-256. */
#define BLOBS_PREFIX "/api/v1/blobs/"

struct _CareServer
{
  GObject parent_instance;

  /* Owned references */
  SoupServer           *soup;
  CareServerStore      *store;
  CareServerAuth       *auth;
  CareServerSync       *sync;
  CareServerCalendar   *calendar;
  CareServerListener   *listener;
  CareServerThrottle   *throttle;
  CareServerLoginQueue *logins;
  CareServerBlobs      *blobs;       /* NULL: the server keeps no files */
  GCancellable         *cancellable; /* pending login checks and pushes */
  char                 *drain_file;  /* while it exists, health answers "draining" */
  GThreadPool          *pullers;     /* NULL: pulls run on the main thread */
  char                 *pull_db;     /* what the pullers open, as --db says it */
  GMainContext         *context;     /* where pulls are answered */
  gboolean              tls;
  gboolean              draining;
  gboolean              access_log;
};

G_DEFINE_FINAL_TYPE (CareServer, care_server, G_TYPE_OBJECT)

/* A sign-in whose password is being checked. */
typedef struct
{
  CareServer        *server; /* owned */
  SoupServerMessage *msg;    /* owned */
  char              *username;
  char              *address; /* the client's */
  CareServerUser    *user;    /* NULL when there is no such user */
} LoginData;

static void
login_data_free (LoginData *login)
{
  g_clear_object (&login->server);
  g_clear_object (&login->msg);
  g_free (login->username);
  g_free (login->address);
  care_server_user_free (login->user);
  g_free (login);
}

static void
respond_json (SoupServerMessage *msg, guint status, JsonNode *node)
{
  g_autofree char *body = json_to_string (node, FALSE);
  gsize            len = strlen (body);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control",
                                "no-store");
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&body), len);
}

static void
respond_object (SoupServerMessage *msg, guint status, JsonObject *obj)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), obj);

  respond_json (msg, status, node);
  json_object_unref (obj);
}

static void
respond_error (SoupServerMessage *msg, guint status, const char *code, const char *message)
{
  JsonObject *obj = json_object_new ();
  JsonObject *err = json_object_new ();

  json_object_set_string_member (err, "code", code);
  json_object_set_string_member (err, "message", message);
  json_object_set_object_member (obj, "error", err);

  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    {
      g_autofree char *path =
          care_server_log_path (g_uri_get_path (soup_server_message_get_uri (msg)));

      g_debug ("%s %s -> %u %s: %s", soup_server_message_get_method (msg), path, status, code,
               message);
    }
  respond_object (msg, status, obj);
}

static void
respond_internal_error (SoupServerMessage *msg, const GError *error)
{
  g_autofree char *path = care_server_log_path (g_uri_get_path (soup_server_message_get_uri (msg)));

  g_warning ("%s %s failed: %s", soup_server_message_get_method (msg), path, error->message);
  respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                 _ ("The server could not complete the request"));
}

static void
respond_retry_later (
    SoupServerMessage *msg, guint status, const char *code, guint seconds, const char *message)
{
  g_autofree char *text = g_strdup_printf ("%u", seconds);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                text);
  respond_error (msg, status, code, message);
}

static void
respond_sync_error (SoupServerMessage *msg, const GError *error)
{
  /* Writers that wait for each other can deadlock on PostgreSQL, which
   * then cancels one of them: nothing of it was kept, and sent again it
   * goes through. */
  if (g_error_matches (error, CARE_SERVER_STORE_ERROR, CARE_SERVER_STORE_ERROR_BUSY))
    {
      g_message ("%s %s: %s; answered 503 busy", soup_server_message_get_method (msg),
                 g_uri_get_path (soup_server_message_get_uri (msg)), error->message);
      respond_retry_later (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", 1,
                           _ ("The server is busy; try again in a second"));
      return;
    }

  if (error->domain != CARE_SERVER_SYNC_ERROR)
    {
      respond_internal_error (msg, error);
      return;
    }

  switch (error->code)
    {
    case CARE_SERVER_SYNC_ERROR_MALFORMED:
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed", error->message);
      break;
    case CARE_SERVER_SYNC_ERROR_INVALID:
      respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", error->message);
      break;
    case CARE_SERVER_SYNC_ERROR_CONFLICT:
      respond_error (msg, SOUP_STATUS_CONFLICT, "conflict", error->message);
      break;
    case CARE_SERVER_SYNC_ERROR_TOO_LARGE:
      respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", error->message);
      break;
    case CARE_SERVER_SYNC_ERROR_NOT_FOUND:
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", error->message);
      break;
    default:
      respond_internal_error (msg, error);
      break;
    }
}

static gboolean
require_method (SoupServerMessage *msg, const char *method)
{
  if (strcmp (soup_server_message_get_method (msg), method) == 0)
    return TRUE;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", method);
  respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                 _ ("This method is not allowed here"));
  return FALSE;
}

static void
message_gone_cb (SoupServerMessage *msg, gpointer user_data)
{
  g_object_set_data (G_OBJECT (msg), "care-server-gone", GINT_TO_POINTER (TRUE));
}

/* Pauses a message whose answer comes later, noting if its connection
 * goes away meanwhile (a time-out, a shutdown): libsoup refuses to
 * unpause such a message. */
static void
pause_message (SoupServerMessage *msg)
{
  g_signal_connect (msg, "disconnected", G_CALLBACK (message_gone_cb), NULL);
  soup_server_message_pause (msg);
}

static void
unpause_message (SoupServerMessage *msg)
{
  g_signal_handlers_disconnect_by_func (msg, message_gone_cb, NULL);
  if (g_object_get_data (G_OBJECT (msg), "care-server-gone") == NULL)
    soup_server_message_unpause (msg);
}

/* Parses the request body as JSON (care_json_parse_bounded: strict, nested
 * at most CARE_JSON_MAX_DEPTH deep); answers 400 itself on failure, or 422
 * for a string holding a NUL character, which the server could not store
 * as sent. */
static JsonNode *
read_json_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GError) error = NULL;
  JsonNode *root;

  if (body->length == 0)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed", _ ("The request body is empty"));
      return NULL;
    }

  root = care_json_parse_bounded (body->data, (gsize) body->length, CARE_JSON_MAX_DEPTH, &error);
  if (root == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, CARE_JSON_PARSE_ERROR, CARE_JSON_PARSE_ERROR_NUL))
        {
          message =
              g_strdup_printf (_ ("The request body cannot be stored as sent: %s"), error->message);
          respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", message);
        }
      else
        {
          message = g_strdup_printf (_ ("The request body is not valid JSON: %s"), error->message);
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed", message);
        }
      return NULL;
    }

  return root;
}

/* The user behind the request's bearer token; answers 401 itself if none. */
static CareServerUser *
authenticate (CareServer *self, SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char         *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr (GError) error = NULL;
  CareServerUser *user;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                "Bearer realm=\"aftercare\"");

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    {
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthenticated",
                     _ ("Log in first: this needs an Authorization: Bearer token"));
      return NULL;
    }

  user = care_server_auth_lookup_token (self->auth, authorization + 7, &error);
  if (user == NULL)
    {
      if (g_error_matches (error, CARE_SERVER_AUTH_ERROR, CARE_SERVER_AUTH_ERROR_EXPIRED_TOKEN))
        respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "token_expired", error->message);
      else if (g_error_matches (error, CARE_SERVER_AUTH_ERROR, CARE_SERVER_AUTH_ERROR_BAD_TOKEN))
        respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthenticated", error->message);
      else
        respond_internal_error (msg, error);
      return NULL;
    }

  soup_message_headers_remove (soup_server_message_get_response_headers (msg), "WWW-Authenticate");
  g_object_set_data_full (G_OBJECT (msg), QUARK_USER, g_strdup (user->username), g_free);
  return user;
}

/* Whether health should say "draining": set by care_server_set_draining()
 * (SIGUSR1) or by the drain file's existence, checked on each probe so
 * that an operator or a deploy script needs no signal. */
static gboolean
is_draining (CareServer *self)
{
  return self->draining ||
         (self->drain_file != NULL && g_file_test (self->drain_file, G_FILE_TEST_EXISTS));
}

/* GET or HEAD /api/v1/health: 200 when this server takes requests and its
 * database answers; 503 when it is draining (requests are still served,
 * but a load balancer should send new ones elsewhere) or the database does
 * not answer. */
static void
handle_health (CareServer *self, SoupServerMessage *msg)
{
  const char *method = soup_server_message_get_method (msg);
  g_autoptr (GError) error = NULL;
  JsonObject *obj;
  gboolean    database, draining;

  if (strcmp (method, SOUP_METHOD_GET) != 0 && strcmp (method, SOUP_METHOD_HEAD) != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "GET, HEAD");
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                     _ ("This method is not allowed here"));
      return;
    }

  database = care_server_store_ping (self->store, &error);
  if (!database)
    g_message ("Health check: the database does not answer: %s", error->message);
  draining = is_draining (self);

  obj = json_object_new ();
  json_object_set_string_member (obj, "status",
                                 !database ? "unavailable" : (draining ? "draining" : "ok"));
  json_object_set_string_member (obj, "database", database ? "ok" : "unavailable");
  json_object_set_int_member (obj, "protocol", CARE_SERVER_PROTOCOL);
  respond_object (msg, database && !draining ? SOUP_STATUS_OK : SOUP_STATUS_SERVICE_UNAVAILABLE,
                  obj);
}

static void
login_done_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  LoginData         *login = user_data;
  CareServer        *self = login->server;
  SoupServerMessage *msg = login->msg;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) check_error = NULL;
  g_autofree char *token = NULL;
  gboolean         ok;

  ok = care_server_login_queue_check_finish (CARE_SERVER_LOGIN_QUEUE (source_object), result,
                                             &check_error) &&
       login->user != NULL;
  if (ok)
    {
      care_server_throttle_note_success (self->throttle, login->username, login->address);
      g_object_set_data_full (G_OBJECT (msg), QUARK_USER, g_strdup (login->username), g_free);
    }

  if (check_error != NULL)
    respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", _ ("The server is shutting down"));
  else if (!ok)
    respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_credentials",
                   _ ("Wrong username or password"));
  else if ((token = care_server_auth_issue_token (self->auth, login->user->id, &error)) == NULL)
    respond_internal_error (msg, error);
  else
    {
      JsonObject *obj = json_object_new ();
      JsonObject *user = json_object_new ();

      json_object_set_int_member (user, "id", login->user->id);
      json_object_set_string_member (user, "username", login->user->username);
      json_object_set_string_member (user, "role", care_server_role_to_string (login->user->role));
      if (login->user->staff_id != NULL)
        json_object_set_string_member (user, "staff_id", login->user->staff_id);
      else
        json_object_set_null_member (user, "staff_id");
      json_object_set_string_member (obj, "token", token);
      json_object_set_object_member (obj, "user", user);
      respond_object (msg, SOUP_STATUS_OK, obj);
    }

  unpause_message (msg);
  login_data_free (login);
}

static void
handle_logout (CareServer *self, SoupServerMessage *msg)
{
  const char *authorization;
  g_autoptr (CareServerUser) user = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *obj;

  if ((user = authenticate (self, msg)) == NULL)
    return;

  /* authenticate() checked the header has the Bearer form. */
  authorization =
      soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  if (!care_server_auth_revoke_token (self->auth, authorization + 7, &error))
    {
      respond_internal_error (msg, error);
      return;
    }

  obj = json_object_new ();
  json_object_set_string_member (obj, "status", "logged_out");
  respond_object (msg, SOUP_STATUS_OK, obj);
}

static void
handle_session (CareServer *self, SoupServerMessage *msg)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CareServerUser) user = NULL;
  g_autofree char *address = NULL;
  g_autofree char *password_hash = NULL;
  JsonObject      *obj;
  JsonNode        *username, *password;
  const char      *name, *secret;
  LoginData       *login;
  gboolean         valid;
  guint            retry_after = 0;

  if (strcmp (soup_server_message_get_method (msg), SOUP_METHOD_DELETE) == 0)
    {
      handle_logout (self, msg);
      return;
    }

  if (strcmp (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "POST, DELETE");
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                     _ ("This method is not allowed here"));
      return;
    }

  if ((root = read_json_body (msg)) == NULL)
    return;

  obj = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  username = obj != NULL ? json_object_get_member (obj, "username") : NULL;
  password = obj != NULL ? json_object_get_member (obj, "password") : NULL;
  if (username == NULL || password == NULL || !JSON_NODE_HOLDS_VALUE (username) ||
      !JSON_NODE_HOLDS_VALUE (password) || json_node_get_value_type (username) != G_TYPE_STRING ||
      json_node_get_value_type (password) != G_TYPE_STRING)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed",
                     _ ("A login needs a username and a password, both strings"));
      return;
    }

  address = care_server_listener_get_client_address (self->listener, msg);
  name = json_node_get_string (username);
  secret = json_node_get_string (password);
  /* Checked before anything is stored or hashed: no user can have a name
   * of another form (useradd refuses it), so this tells nothing. */
  valid = care_server_auth_username_is_valid (name) && secret[0] != '\0' &&
          strlen (secret) <= CARE_SERVER_AUTH_MAX_PASSWORD;

  if (!care_server_throttle_check (self->throttle, valid ? name : NULL, address, &retry_after))
    {
      g_autofree char *message = g_strdup_printf (ngettext ("Too many failed logins; try again in "
                                                            "%u second",
                                                            "Too many failed logins; try again in "
                                                            "%u seconds",
                                                            retry_after),
                                                  retry_after);

      respond_retry_later (msg, 429 /* Too Many Requests, not in libsoup 3.2 */,
                           "too_many_requests", retry_after, message);
      return;
    }

  if (!valid)
    {
      care_server_throttle_note_attempt (self->throttle, NULL, address);
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_credentials",
                     _ ("Wrong username or password"));
      return;
    }

  user = care_server_auth_find_user (self->auth, name, &password_hash, &error);
  if (user == NULL &&
      !g_error_matches (error, CARE_SERVER_AUTH_ERROR, CARE_SERVER_AUTH_ERROR_BAD_CREDENTIALS))
    {
      respond_internal_error (msg, error);
      return;
    }

  login = g_new0 (LoginData, 1);
  login->server = g_object_ref (self);
  login->msg = g_object_ref (msg);
  login->username = g_strdup (name);
  login->address = g_strdup (address);
  login->user = g_steal_pointer (&user);

  /* Checks wait their turn per client address; only this address's own
   * excess is turned away. */
  if (!care_server_login_queue_check_async (self->logins, address, password_hash, secret,
                                            self->cancellable, login_done_cb, login))
    {
      login_data_free (login);
      respond_retry_later (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", 1,
                           _ ("The server is checking other logins; try again in a second"));
      return;
    }

  /* Count the attempt as failed until the check succeeds: attempts sent in
   * parallel then cannot all slip past the throttle while they wait. */
  care_server_throttle_note_attempt (self->throttle, name, address);
  pause_message (msg);
}

static void
push_done_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (SoupServerMessage) msg = user_data;
  g_autoptr (JsonNode) response = NULL;
  g_autoptr (GError) error = NULL;

  response = care_server_sync_push_finish (CARE_SERVER_SYNC (source_object), result, &error);
  if (response != NULL)
    respond_json (msg, SOUP_STATUS_OK, response);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", _ ("The server is shutting down"));
  else
    respond_sync_error (msg, error);

  unpause_message (msg);
}

/* A push is applied from the main loop a chunk at a time while the message
 * waits (care_server_sync_push_async()): a push of thousands of mutations
 * no longer keeps every other request waiting. */
static void
handle_push (CareServer *self, SoupServerMessage *msg)
{
  g_autoptr (CareServerUser) user = NULL;
  g_autoptr (JsonNode) root = NULL;

  if (!require_method (msg, SOUP_METHOD_POST) || (user = authenticate (self, msg)) == NULL ||
      (root = read_json_body (msg)) == NULL)
    return;

  pause_message (msg);
  care_server_sync_push_async (self->sync, user, root, self->cancellable, push_done_cb,
                               g_object_ref (msg));
}

/* A pull handed to a worker thread. */
typedef struct
{
  CareServer        *server; /* owned */
  SoupServerMessage *msg;    /* owned; touched only on the main thread */
  char              *query;
  char              *body; /* the answer, or NULL with error set */
  GError            *error;
} PullJob;

/* Each pull worker's own connection: pulls only read, and SQLite in WAL
 * mode lets readers run beside the one writer, each seeing the commits
 * made before its read began, so a pull in a worker sees every push
 * answered before it came. */
static GPrivate puller_sync = G_PRIVATE_INIT (g_object_unref);

static void
pull_job_free (PullJob *job)
{
  g_clear_object (&job->server);
  g_clear_object (&job->msg);
  g_free (job->query);
  g_free (job->body);
  g_clear_error (&job->error);
  g_free (job);
}

static void
respond_pull (SoupServerMessage *msg, char *body, const GError *error)
{
  if (body == NULL)
    {
      respond_sync_error (msg, error);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control",
                                "no-store");
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE, body,
                                    strlen (body));
}

static gboolean
pull_done_cb (gpointer user_data)
{
  PullJob *job = user_data;

  respond_pull (job->msg, g_steal_pointer (&job->body), job->error);
  unpause_message (job->msg);
  pull_job_free (job);
  return G_SOURCE_REMOVE;
}

/* In a worker thread: the pull, read and written out as JSON text. */
static void
pull_worker (gpointer data, gpointer user_data)
{
  PullJob        *job = data;
  CareServer     *self = job->server;
  CareServerSync *sync = g_private_get (&puller_sync);

  if (sync == NULL)
    {
      g_autoptr (CareServerStore) store = care_server_store_open (self->pull_db, &job->error);

      if (store != NULL)
        {
          sync = care_server_sync_new (store);
          g_private_set (&puller_sync, sync);
        }
    }

  if (sync != NULL)
    job->body = care_server_sync_pull_query_text (sync, job->query, &job->error);

  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, pull_done_cb, job, NULL);
}

/* A pull reads one page of changes and writes it out as JSON, the most
 * work per request of any endpoint: with many clients, pulls on the
 * main thread kept pushes waiting for them. They run in worker threads
 * when there are any (care_server_set_pull_threads()). */
static void
handle_pull (CareServer *self, SoupServerMessage *msg)
{
  g_autoptr (CareServerUser) user = NULL;
  g_autoptr (GError) error = NULL;
  const char *query;
  char       *body;

  if (!require_method (msg, SOUP_METHOD_GET) || (user = authenticate (self, msg)) == NULL)
    return;

  query = g_uri_get_query (soup_server_message_get_uri (msg));
  if (self->pullers != NULL)
    {
      PullJob *job = g_new0 (PullJob, 1);

      job->server = g_object_ref (self);
      job->msg = g_object_ref (msg);
      job->query = g_strdup (query);
      pause_message (msg);
      g_thread_pool_push (self->pullers, job, NULL);
      return;
    }

  body = care_server_sync_pull_query_text (self->sync, query, &error);
  respond_pull (msg, body, error);
}

/* GET /api/v1/history/<entity>/<id>: a record's history, newest first.
 * Every role reads every record (as in a pull), so every role reads its
 * history; nothing writes it but a push. */
static void
handle_history (CareServer *self, SoupServerMessage *msg, const char *path)
{
  g_autoptr (CareServerUser) user = NULL;
  g_autoptr (JsonNode) response = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) parts = NULL;

  if (!require_method (msg, SOUP_METHOD_GET) || (user = authenticate (self, msg)) == NULL)
    return;

  parts = g_strsplit (path + strlen ("/api/v1/history/"), "/", -1);
  if (g_strv_length (parts) != 2)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed",
                     _ ("A history address is /api/v1/history/ENTITY/ID"));
      return;
    }

  response = care_server_sync_history (self->sync, parts[0], parts[1],
                                       g_uri_get_query (soup_server_message_get_uri (msg)), &error);
  if (response == NULL)
    respond_sync_error (msg, error);
  else
    respond_json (msg, SOUP_STATUS_OK, response);
}

static void
respond_calendar_error (SoupServerMessage *msg, const GError *error)
{
  if (g_error_matches (error, CARE_SERVER_CALENDAR_ERROR, CARE_SERVER_CALENDAR_ERROR_NOT_FOUND))
    respond_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", error->message);
  else if (g_error_matches (error, CARE_SERVER_CALENDAR_ERROR,
                            CARE_SERVER_CALENDAR_ERROR_FORBIDDEN))
    respond_error (msg, SOUP_STATUS_FORBIDDEN, "forbidden", error->message);
  else if (g_error_matches (error, CARE_SERVER_CALENDAR_ERROR, CARE_SERVER_CALENDAR_ERROR_INVALID))
    respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", error->message);
  else
    respond_internal_error (msg, error);
}

static void
respond_not_found (SoupServerMessage *msg)
{
  respond_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", _ ("There is nothing at this address"));
}

/* Whether the method is GET or HEAD; answers 405 itself otherwise. */
static gboolean
require_get (SoupServerMessage *msg)
{
  const char *method = soup_server_message_get_method (msg);

  if (strcmp (method, SOUP_METHOD_GET) == 0 || strcmp (method, SOUP_METHOD_HEAD) == 0)
    return TRUE;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                "GET, HEAD");
  respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                 _ ("This method is not allowed here"));
  return FALSE;
}

/* Whether an If-None-Match header lists @etag (weak comparison, RFC 9110
 * 13.1.2: the W/ prefixes do not count). */
static gboolean
etag_matches (const char *if_none_match, const char *etag)
{
  g_auto (GStrv) tags = NULL;
  const char *opaque = g_str_has_prefix (etag, "W/") ? etag + 2 : etag;

  if (if_none_match == NULL)
    return FALSE;

  tags = g_strsplit (if_none_match, ",", -1);
  for (guint i = 0; tags[i] != NULL; i++)
    {
      const char *tag = g_strstrip (tags[i]);

      if (strcmp (tag, "*") == 0)
        return TRUE;
      if (g_str_has_prefix (tag, "W/"))
        tag += 2;
      if (strcmp (tag, opaque) == 0)
        return TRUE;
    }

  return FALSE;
}

/* Answers with the feed of @staff_id: 200 with the calendar, or 304 when
 * the client's If-None-Match already names this version. */
static void
respond_feed (CareServer *self, SoupServerMessage *msg, const char *staff_id)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr (CareServerCalendarFeed) feed = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;

  feed = care_server_calendar_render (self->calendar, staff_id, care_clock_now_unix (), &error);
  if (feed == NULL)
    {
      respond_calendar_error (msg, error);
      return;
    }

  soup_message_headers_replace (headers, "ETag", feed->etag);
  if (feed->last_modified != NULL)
    {
      g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (feed->last_modified, utc);
      g_autofree char *http_date =
          dt != NULL ? soup_date_time_to_string (dt, SOUP_DATE_HTTP) : NULL;

      if (http_date != NULL)
        soup_message_headers_replace (headers, "Last-Modified", http_date);
    }
  /* Cacheable by the subscriber only, and revalidated on every refresh; the
   * URL of a feed token is a secret, so no shared cache keeps it. */
  soup_message_headers_replace (headers, "Cache-Control", "private, no-cache");

  /* Only If-None-Match decides a 304. If-Modified-Since is not evaluated:
   * an event leaving the feed (deleted, reassigned) advances no date of the
   * records still in it, so a date could not tell the change. */
  if (etag_matches (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                  "If-None-Match"),
                    feed->etag))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }

  len = strlen (feed->body);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/calendar; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&feed->body), len);
}

/* The id in "<prefix><id>.ics", or NULL. */
static char *
ics_name (const char *path, const char *prefix)
{
  const char *name = path + strlen (prefix);

  if (!g_str_has_suffix (name, ".ics") || strlen (name) <= 4 || strchr (name, '/') != NULL)
    return NULL;

  return g_strndup (name, strlen (name) - 4);
}

/* GET /api/v1/calendar/feed/<token>.ics: no Authorization; the token is the key. */
static void
handle_calendar_feed (CareServer *self, SoupServerMessage *msg, const char *path)
{
  g_autofree char *token = NULL;
  g_autofree char *staff_id = NULL;
  g_autoptr (GError) error = NULL;

  if (!require_get (msg))
    return;

  token = ics_name (path, "/api/v1/calendar/feed/");
  if (token == NULL)
    {
      respond_not_found (msg);
      return;
    }

  staff_id = care_server_calendar_lookup_feed (self->calendar, token, &error);
  if (staff_id == NULL)
    {
      /* Unknown, revoked or malformed: one answer, no hint which. */
      if (g_error_matches (error, CARE_SERVER_CALENDAR_ERROR, CARE_SERVER_CALENDAR_ERROR_NOT_FOUND))
        respond_not_found (msg);
      else
        respond_internal_error (msg, error);
      return;
    }

  respond_feed (self, msg, staff_id);
}

/* GET /api/v1/calendar/staff/<staff_id>.ics with a bearer token, for
 * programs that can send one. Every role reads every record (as in a pull),
 * so every role may read every staff member's calendar. */
static void
handle_calendar_staff (CareServer *self, SoupServerMessage *msg, const char *path)
{
  g_autoptr (CareServerUser) user = NULL;
  g_autofree char *staff_id = NULL;
  g_autofree char *normalized = NULL;

  if (!require_get (msg) || (user = authenticate (self, msg)) == NULL)
    return;

  staff_id = ics_name (path, "/api/v1/calendar/staff/");
  if (staff_id == NULL)
    {
      respond_not_found (msg);
      return;
    }

  /* Ids are stored in lower case; anything else is not found below. */
  normalized = care_id_normalize (staff_id);
  respond_feed (self, msg, normalized != NULL ? normalized : staff_id);
}

/* The last element of a comma-separated header, trimmed: the one the
 * nearest proxy added (earlier ones are whatever the client sent). */
static char *
last_element (const char *value)
{
  const char *comma;

  if (value == NULL)
    return NULL;
  comma = strrchr (value, ',');
  return g_strstrip (g_strdup (comma != NULL ? comma + 1 : value));
}

/* The value of @key in one element of a Forwarded header (RFC 7239),
 * e.g. proto from "for=192.0.2.1;proto=https;host=care.example.com". */
static char *
forwarded_param (const char *element, const char *key)
{
  g_auto (GStrv) pairs = g_strsplit (element, ";", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      char *pair = g_strstrip (pairs[i]);
      char *eq = strchr (pair, '=');
      char *value;
      gsize len;

      if (eq == NULL || (gsize) (eq - pair) != strlen (key) ||
          g_ascii_strncasecmp (pair, key, strlen (key)) != 0)
        continue;
      value = eq + 1;
      len = strlen (value);
      if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
        return g_strndup (value + 1, len - 2);
      return g_strdup (value);
    }

  return NULL;
}

/* Whether @host is a host name or address with an optional port and
 * nothing else, fit to put in a URL. */
static gboolean
host_is_valid (const char *host, char **out_host, int *out_port)
{
  g_autofree char *url = NULL;
  g_autoptr (GUri) uri = NULL;

  if (host == NULL || host[0] == '\0' || strlen (host) > 255 || strpbrk (host, "/?#@\\ \t") != NULL)
    return FALSE;

  url = g_strconcat ("http://", host, "/", NULL);
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    return FALSE;

  *out_host = g_strdup (g_uri_get_host (uri));
  *out_port = g_uri_get_port (uri);
  return TRUE;
}

/* The scheme, host and port the client reached the server on. Behind a
 * trusted proxy these are what it forwards (Forwarded, else
 * X-Forwarded-Proto and X-Forwarded-Host); from anyone else such headers
 * are ignored, so a stranger cannot make the server hand out feed URLs
 * pointing at a host of theirs. */
static void
request_origin (
    CareServer *self, SoupServerMessage *msg, char **out_scheme, char **out_host, int *out_port)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GUri               *uri = soup_server_message_get_uri (msg);
  g_autofree char    *proto = NULL;
  g_autofree char    *host = NULL;

  *out_scheme = g_strdup (self->tls ? "https" : "http");
  *out_host = g_strdup (g_uri_get_host (uri));
  *out_port = g_uri_get_port (uri);

  if (!care_server_listener_is_from_trusted_proxy (self->listener, msg))
    return;

  if (soup_message_headers_get_list (headers, "Forwarded") != NULL)
    {
      g_autofree char *element =
          last_element (soup_message_headers_get_list (headers, "Forwarded"));

      proto = forwarded_param (element, "proto");
      host = forwarded_param (element, "host");
    }
  else
    {
      proto = last_element (soup_message_headers_get_list (headers, "X-Forwarded-Proto"));
      host = last_element (soup_message_headers_get_list (headers, "X-Forwarded-Host"));
    }

  if (proto != NULL &&
      (g_ascii_strcasecmp (proto, "https") == 0 || g_ascii_strcasecmp (proto, "http") == 0))
    {
      g_free (*out_scheme);
      *out_scheme = g_ascii_strdown (proto, -1);
      /* The port came with the other scheme; a forwarded host brings its own. */
      if (host == NULL)
        *out_port = -1;
    }
  if (host != NULL)
    {
      char *parsed = NULL;
      int   port = -1;

      if (host_is_valid (host, &parsed, &port))
        {
          g_free (*out_host);
          *out_host = parsed;
          *out_port = port;
        }
    }
}

/* The address of a feed token as the client reached this server, with
 * @scheme (NULL for the request's own, or webcal). Behind a trusted proxy
 * this is the scheme and host the proxy forwards. */
static char *
feed_url (CareServer *self, SoupServerMessage *msg, const char *scheme, const char *token)
{
  g_autofree char *path = g_strconcat ("/api/v1/calendar/feed/", token, ".ics", NULL);
  g_autofree char *origin_scheme = NULL;
  g_autofree char *host = NULL;
  int              port;

  request_origin (self, msg, &origin_scheme, &host, &port);
  /* The default port of the scheme is left out of the URL. */
  if ((port == 80 && strcmp (origin_scheme, "http") == 0) ||
      (port == 443 && strcmp (origin_scheme, "https") == 0))
    port = -1;

  return g_uri_join (G_URI_FLAGS_NONE, scheme != NULL ? scheme : origin_scheme, NULL, host, port,
                     path, NULL, NULL);
}

/* POST /api/v1/calendar/feeds {"staff_id"}; GET lists the feeds one may revoke. */
static void
handle_calendar_feeds (CareServer *self, SoupServerMessage *msg)
{
  const char *method = soup_server_message_get_method (msg);
  g_autoptr (CareServerUser) user = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  g_autofree char *webcal_url = NULL;
  g_autofree char *normalized = NULL;
  JsonObject      *obj, *feed;
  JsonNode        *staff_id;

  if (strcmp (method, SOUP_METHOD_GET) != 0 && strcmp (method, SOUP_METHOD_POST) != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "GET, POST");
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                     _ ("This method is not allowed here"));
      return;
    }

  if ((user = authenticate (self, msg)) == NULL)
    return;

  if (strcmp (method, SOUP_METHOD_GET) == 0)
    {
      JsonArray *feeds = care_server_calendar_list_feeds (self->calendar, user, &error);

      if (feeds == NULL)
        {
          respond_calendar_error (msg, error);
          return;
        }
      obj = json_object_new ();
      json_object_set_array_member (obj, "feeds", feeds);
      respond_object (msg, SOUP_STATUS_OK, obj);
      return;
    }

  if ((root = read_json_body (msg)) == NULL)
    return;

  obj = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  staff_id = obj != NULL ? json_object_get_member (obj, "staff_id") : NULL;
  if (staff_id == NULL || !JSON_NODE_HOLDS_VALUE (staff_id) ||
      json_node_get_value_type (staff_id) != G_TYPE_STRING)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed",
                     _ ("A calendar feed needs a staff_id, a string"));
      return;
    }

  normalized = care_id_normalize (json_node_get_string (staff_id));
  feed = care_server_calendar_create_feed (
      self->calendar, user, normalized != NULL ? normalized : json_node_get_string (staff_id),
      &token, &error);
  if (feed == NULL)
    {
      respond_calendar_error (msg, error);
      return;
    }

  url = feed_url (self, msg, NULL, token);
  webcal_url = feed_url (self, msg, "webcal", token);
  json_object_set_string_member (feed, "url", url);
  json_object_set_string_member (feed, "webcal_url", webcal_url);
  respond_object (msg, SOUP_STATUS_CREATED, feed);
}

/* DELETE /api/v1/calendar/feeds/<id>: revokes a feed token. */
static void
handle_calendar_feed_revoke (CareServer *self, SoupServerMessage *msg, const char *path)
{
  const char *id_text = path + strlen ("/api/v1/calendar/feeds/");
  g_autoptr (CareServerUser) user = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *obj;
  guint64     id;

  if (!require_method (msg, SOUP_METHOD_DELETE) || (user = authenticate (self, msg)) == NULL)
    return;

  if (!g_ascii_string_to_unsigned (id_text, 10, 1, G_MAXINT64, &id, NULL))
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "not_found",
                     _ ("There is no calendar feed with this id"));
      return;
    }

  if (!care_server_calendar_revoke_feed (self->calendar, user, (gint64) id, &error))
    {
      respond_calendar_error (msg, error);
      return;
    }

  obj = json_object_new ();
  json_object_set_string_member (obj, "status", "revoked");
  respond_object (msg, SOUP_STATUS_OK, obj);
}

/* What a request may send: 8 MiB for a push or a file's chunk with a valid token, 64 KiB
 * for anything else, so that a stranger cannot make the server hold 8 MiB
 * for each connection before anyone is authenticated. */
static gsize
body_limit (CareServer        *self,
            SoupServerMessage *msg,
            const char        *path,
            gboolean          *out_unauthenticated)
{
  const char *authorization;
  g_autoptr (CareServerUser) user = NULL;

  *out_unauthenticated = FALSE;
  if (!(g_strcmp0 (path, "/api/v1/sync/push") == 0 &&
        strcmp (soup_server_message_get_method (msg), SOUP_METHOD_POST) == 0) &&
      !(g_str_has_prefix (path, BLOBS_PREFIX) &&
        strcmp (soup_server_message_get_method (msg), SOUP_METHOD_PUT) == 0))
    return CARE_SERVER_MAX_SMALL_BODY;

  authorization =
      soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  if (authorization != NULL && g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0)
    user = care_server_auth_lookup_token (self->auth, authorization + 7, NULL);
  if (user != NULL)
    return CARE_SERVER_MAX_BODY;

  *out_unauthenticated = TRUE;
  return CARE_SERVER_MAX_SMALL_BODY;
}

/* Answers at once and closes the connection without reading the body. */
static void
refuse (
    CareServer *self, SoupServerMessage *msg, guint status, const char *code, const char *message)
{
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *body = NULL;
  JsonObject      *obj = json_object_new ();
  JsonObject      *err = json_object_new ();

  json_object_set_string_member (err, "code", code);
  json_object_set_string_member (err, "message", message);
  json_object_set_object_member (obj, "error", err);
  node = json_node_init_object (json_node_alloc (), obj);
  json_object_unref (obj);
  body = json_to_string (node, FALSE);

  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    {
      g_autofree char *path =
          care_server_log_path (g_uri_get_path (soup_server_message_get_uri (msg)));

      g_debug ("%s %s -> %u %s: %s (refused before the body)", soup_server_message_get_method (msg),
               path, status, code, message);
    }

  if (!care_server_listener_refuse (self->listener, msg, status, "application/json; charset=utf-8",
                                    body))
    {
      /* Not a connection of the listener's: libsoup answers, after
       * reading the body. */
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                    "close");
      respond_error (msg, status, code, message);
    }
}

static void
refuse_too_large (CareServer *self, SoupServerMessage *msg, gsize limit)
{
  g_autofree char *size = g_format_size_full (limit, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *message = g_strdup_printf (_ ("The request body is larger than %s"), size);

  refuse (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", message);
}

/* A chunked body has no length up front: it is counted as it comes. */
static void
body_chunk_cb (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  CareServer *self = user_data;
  gsize       limit = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), "care-body-limit"));

  if ((gsize) soup_server_message_get_request_body (msg)->length <= limit)
    return;

  g_signal_handlers_disconnect_by_func (msg, body_chunk_cb, self);
  refuse_too_large (self, msg, limit);
}

/* Runs once the headers are in, before the body is read: a body announced
 * as too large is refused without reading it, and any other is cut off as
 * soon as it passes its limit. */
static void
early_handler_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  CareServer         *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  gboolean            unauthenticated;
  gsize               limit = body_limit (self, msg, path, &unauthenticated);

  switch (soup_message_headers_get_encoding (headers))
    {
    case SOUP_ENCODING_CONTENT_LENGTH:
      if (soup_message_headers_get_content_length (headers) <= (goffset) limit)
        break;
      if (unauthenticated)
        refuse (self, msg, SOUP_STATUS_UNAUTHORIZED, "unauthenticated",
                _ ("Log in first: this needs an Authorization: Bearer token"));
      else
        refuse_too_large (self, msg, limit);
      break;
    case SOUP_ENCODING_CHUNKED:
    case SOUP_ENCODING_EOF:
      g_object_set_data (G_OBJECT (msg), "care-body-limit", GSIZE_TO_POINTER (limit));
      g_signal_connect_object (msg, "got-chunk", G_CALLBACK (body_chunk_cb), self, 0);
      break;
    case SOUP_ENCODING_UNRECOGNIZED:
    case SOUP_ENCODING_NONE:
    case SOUP_ENCODING_BYTERANGES:
    default:
      break;
    }
}

/* Files (attachments' bytes), by SHA-256 */

static void
respond_blob_state (SoupServerMessage *msg, guint status, goffset offset, gboolean complete)
{
  JsonObject *obj = json_object_new ();

  json_object_set_int_member (obj, "offset", offset);
  json_object_set_boolean_member (obj, "complete", complete);
  respond_object (msg, status, obj);
}

/* "bytes START-END/TOTAL" (a chunk) or "bytes * /TOTAL" without the space
 * (where does the upload stand?); END is inclusive, as in HTTP ranges. */
static gboolean
parse_content_range (const char *text, goffset *out_start, goffset *out_end, goffset *out_total)
{
  gint64 start = -1, end = -1, total = -1;
  char  *rest;

  if (text == NULL || !g_str_has_prefix (text, "bytes "))
    return FALSE;
  text += strlen ("bytes ");
  if (*text == '*')
    text++;
  else
    {
      if (!g_ascii_isdigit (*text))
        return FALSE;
      start = g_ascii_strtoll (text, &rest, 10);
      if (*rest != '-' || !g_ascii_isdigit (rest[1]))
        return FALSE;
      end = g_ascii_strtoll (rest + 1, &rest, 10);
      text = rest;
      if (end < start)
        return FALSE;
    }
  if (*text != '/' || !g_ascii_isdigit (text[1]))
    return FALSE;
  total = g_ascii_strtoll (text + 1, &rest, 10);
  if (*rest != '\0' || total <= 0 || (end >= 0 && end >= total))
    return FALSE;

  *out_start = start;
  *out_end = end;
  *out_total = total;
  return TRUE;
}

static void
respond_blob_error (SoupServerMessage *msg, const GError *error, goffset offset)
{
  if (error->domain != CARE_SERVER_BLOB_ERROR)
    {
      respond_internal_error (msg, error);
      return;
    }

  switch (error->code)
    {
    case CARE_SERVER_BLOB_ERROR_NOT_FOUND:
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", error->message);
      break;
    case CARE_SERVER_BLOB_ERROR_OFFSET:
      {
        JsonObject *obj = json_object_new ();
        JsonObject *err = json_object_new ();

        json_object_set_string_member (err, "code", "offset_mismatch");
        json_object_set_string_member (err, "message", error->message);
        json_object_set_object_member (obj, "error", err);
        json_object_set_int_member (obj, "offset", offset);
        respond_object (msg, SOUP_STATUS_CONFLICT, obj);
      }
      break;
    case CARE_SERVER_BLOB_ERROR_HASH_MISMATCH:
      respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "hash_mismatch", error->message);
      break;
    case CARE_SERVER_BLOB_ERROR_TOO_LARGE:
      respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", error->message);
      break;
    case CARE_SERVER_BLOB_ERROR_SIZE:
    default:
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed", error->message);
      break;
    }
}

static void
handle_blob_get (CareServer *self, SoupServerMessage *msg, const char *sha256)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *etag = NULL;

  if ((bytes = care_server_blobs_read (self->blobs, sha256, &error)) == NULL)
    {
      respond_blob_error (msg, error, 0);
      return;
    }

  /* A file never changes under its name. */
  etag = g_strdup_printf ("\"%s\"", sha256);
  soup_message_headers_replace (headers, "ETag", etag);
  soup_message_headers_replace (headers, "Cache-Control", "private, max-age=31536000, immutable");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_COPY, NULL, 0);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

static void
handle_blob_put (CareServer *self, SoupServerMessage *msg, const char *sha256)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody    *body = soup_server_message_get_request_body (msg);
  const char         *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr (GBytes) chunk = NULL;
  g_autoptr (GError) error = NULL;
  goffset  start, end, total, offset = 0;
  gboolean complete = FALSE, was_stored;

  if (!parse_content_range (soup_message_headers_get_one (headers, "Content-Range"), &start, &end,
                            &total))
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed",
                     _ ("An upload needs a Content-Range: bytes FIRST-LAST/SIZE header, or "
                        "bytes */SIZE to ask how much the server holds"));
      return;
    }

  if (start < 0)
    {
      offset = care_server_blobs_received (self->blobs, sha256, total);
      respond_blob_state (msg, SOUP_STATUS_OK, offset, offset == total);
      return;
    }

  if (!care_attachment_type_is_allowed (content_type))
    {
      g_autofree char *message =
          g_strdup_printf (_ ("Files of type “%s” cannot be attached"),
                           content_type != NULL ? content_type : _ ("unknown"));

      respond_error (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported_type", message);
      return;
    }

  if (body->length != end - start + 1)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed",
                     _ ("The body's length is not the one its Content-Range says"));
      return;
    }

  was_stored = care_server_blobs_received (self->blobs, sha256, total) == total;
  chunk = soup_message_body_flatten (body);
  if (!care_server_blobs_write (self->blobs, sha256, start, total, chunk, &offset, &complete,
                                &error))
    {
      respond_blob_error (msg, error, offset);
      return;
    }
  respond_blob_state (msg, complete && !was_stored ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, offset,
                      complete);
}

static void
handle_blob (CareServer *self, SoupServerMessage *msg, const char *sha256)
{
  const char *method = soup_server_message_get_method (msg);
  g_autoptr (CareServerUser) user = NULL;

  if (strcmp (method, SOUP_METHOD_GET) != 0 && strcmp (method, SOUP_METHOD_HEAD) != 0 &&
      strcmp (method, SOUP_METHOD_PUT) != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "GET, HEAD, PUT");
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                     _ ("This method is not allowed here"));
      return;
    }

  if ((user = authenticate (self, msg)) == NULL)
    return;

  if (!care_sha256_is_valid (sha256))
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed",
                     _ ("A file is named by its SHA-256 in lowercase hexadecimal"));
      return;
    }
  if (self->blobs == NULL)
    {
      respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "unavailable",
                     _ ("This server keeps no files: it was started without --blobs"));
      return;
    }

  if (strcmp (method, SOUP_METHOD_PUT) == 0)
    handle_blob_put (self, msg, sha256);
  else
    handle_blob_get (self, msg, sha256);
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  CareServer      *self = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    {
      g_autofree char *logged = care_server_log_path (path);

      g_debug ("%s %s", soup_server_message_get_method (msg), logged);
    }

  /* A chunked body has no length up front; check it now that it is here. */
  if (body->length > CARE_SERVER_MAX_BODY)
    {
      respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large",
                     _ ("The request body is larger than 8 MiB"));
      return;
    }

  if (g_strcmp0 (path, "/api/v1/health") == 0)
    handle_health (self, msg);
  else if (g_strcmp0 (path, "/api/v1/session") == 0)
    handle_session (self, msg);
  else if (g_strcmp0 (path, "/api/v1/sync/push") == 0)
    handle_push (self, msg);
  else if (g_strcmp0 (path, "/api/v1/sync/pull") == 0)
    handle_pull (self, msg);
  else if (g_str_has_prefix (path, "/api/v1/history/"))
    handle_history (self, msg, path);
  else if (g_str_has_prefix (path, "/api/v1/calendar/feed/"))
    handle_calendar_feed (self, msg, path);
  else if (g_str_has_prefix (path, "/api/v1/calendar/staff/"))
    handle_calendar_staff (self, msg, path);
  else if (g_strcmp0 (path, "/api/v1/calendar/feeds") == 0)
    handle_calendar_feeds (self, msg);
  else if (g_str_has_prefix (path, "/api/v1/calendar/feeds/"))
    handle_calendar_feed_revoke (self, msg, path);
  else if (g_str_has_prefix (path, BLOBS_PREFIX))
    handle_blob (self, msg, path + strlen (BLOBS_PREFIX));
  else
    respond_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", _ ("There is nothing at this address"));
}

/* The access log: one line per request */

static void
request_started_cb (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  gint64 *started = g_new (gint64, 1);

  *started = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (msg), QUARK_STARTED, started, g_free);
}

/* One line per request, as key=value pairs (logfmt): the method, the path
 * without its query and with any feed token blanked (care_server_log_path()),
 * the status (0 when the client went away before an answer), the time from
 * the first byte of the request to the last of the answer, the user (once
 * authenticated) and the client address. Under systemd the same values are
 * journal fields (METHOD, PATH, STATUS, DURATION_MS, USER, CLIENT). */
static void
log_request (CareServer *self, SoupServerMessage *msg, gboolean aborted)
{
  const char      *method = soup_server_message_get_method (msg);
  GUri            *uri = soup_server_message_get_uri (msg);
  const gint64    *started = g_object_get_data (G_OBJECT (msg), QUARK_STARTED);
  const char      *user = g_object_get_data (G_OBJECT (msg), QUARK_USER);
  g_autofree char *path = NULL;
  g_autofree char *client = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *status = NULL;
  g_autofree char *message = NULL;
  char             buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!self->access_log || method == NULL || uri == NULL)
    return;

  path = care_server_log_path (g_uri_get_path (uri));
  client = care_server_listener_get_client_address (self->listener, msg);
  duration = g_strdup (g_ascii_formatd (
      buf, sizeof buf, "%.1f",
      started != NULL ? (double) (g_get_monotonic_time () - *started) / 1000.0 : 0.0));
  status = g_strdup_printf ("%u", aborted ? 0 : soup_server_message_get_status (msg));
  message = g_strdup_printf ("method=%s path=%s status=%s duration_ms=%s user=%s client=%s", method,
                             path, status, duration, user != NULL ? user : "-", client);

  g_log_structured (ACCESS_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "METHOD", method, "PATH", path,
                    "STATUS", status, "DURATION_MS", duration, "USER", user != NULL ? user : "",
                    "CLIENT", client, "MESSAGE", "%s", message);
}

static void
request_finished_cb (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  log_request (user_data, msg, FALSE);
}

static void
request_aborted_cb (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  log_request (user_data, msg, TRUE);
}

static void
care_server_dispose (GObject *object)
{
  CareServer *self = CARE_SERVER (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->pullers != NULL)
    g_thread_pool_free (g_steal_pointer (&self->pullers), FALSE, TRUE);
  if (self->listener != NULL)
    care_server_listener_close (self->listener);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);

  g_clear_object (&self->listener);
  g_clear_object (&self->logins);
  g_clear_object (&self->throttle);
  g_clear_object (&self->soup);
  g_clear_object (&self->calendar);
  g_clear_object (&self->blobs);
  g_clear_object (&self->sync);
  g_clear_object (&self->auth);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->drain_file, g_free);
  g_clear_pointer (&self->pull_db, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (care_server_parent_class)->dispose (object);
}

static void
care_server_class_init (CareServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = care_server_dispose;
}

static void
care_server_init (CareServer *self)
{
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
  self->access_log = TRUE;
}

CareServer *
care_server_new (CareServerStore *store, GTlsCertificate *certificate, GError **error)
{
  g_autoptr (CareServer) self = g_object_new (CARE_TYPE_SERVER, NULL);

  g_return_val_if_fail (CARE_IS_SERVER_STORE (store), NULL);

  self->store = g_object_ref (store);
  self->auth = care_server_auth_new (store);
  self->sync = care_server_sync_new (store);
  self->calendar = care_server_calendar_new (store);
  self->throttle = care_server_throttle_new (store);
  self->logins = care_server_login_queue_new ();
  self->soup = soup_server_new ("server-header", "aftercare-server/" PACKAGE_VERSION " ", NULL);

  /* The listener accepts the connections (and does the TLS handshake),
   * within limits and time-outs libsoup's own listener lacks. */
  self->listener = care_server_listener_new (self->soup, certificate);
  self->tls = certificate != NULL;

  g_signal_connect_object (self->soup, "request-started", G_CALLBACK (request_started_cb), self, 0);
  g_signal_connect_object (self->soup, "request-finished", G_CALLBACK (request_finished_cb), self,
                           0);
  g_signal_connect_object (self->soup, "request-aborted", G_CALLBACK (request_aborted_cb), self, 0);
  soup_server_add_early_handler (self->soup, NULL, early_handler_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, handler_cb, self, NULL);

  return g_steal_pointer (&self);
}

gboolean
care_server_is_tls (CareServer *self)
{
  g_return_val_if_fail (CARE_IS_SERVER (self), FALSE);
  return self->tls;
}

/* Listens on "HOST:PORT" (an IP address; "[::1]:PORT" for IPv6). Port 0
 * picks a free port, returned in @out_port. */
gboolean
care_server_listen (CareServer *self, const char *address, guint16 *out_port, GError **error)
{
  g_autoptr (GInetAddress) inet = NULL;
  g_autoptr (GSocketAddress) sockaddr = NULL;
  g_autofree char *host = NULL;
  const char      *colon;
  guint64          port;

  g_return_val_if_fail (CARE_IS_SERVER (self), FALSE);

  colon = address != NULL ? strrchr (address, ':') : NULL;
  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("“%s” is not of the form ADDRESS:PORT"), address != NULL ? address : "");
      return FALSE;
    }

  host = g_strndup (address, (gsize) (colon - address));
  if (host[0] == '[' && g_str_has_suffix (host, "]"))
    {
      char *inner = g_strndup (host + 1, strlen (host) - 2);
      g_free (host);
      host = inner;
    }

  inet = g_inet_address_new_from_string (host);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _ ("“%s” is not an IP address"),
                   host);
      return FALSE;
    }

  sockaddr = g_inet_socket_address_new (inet, (guint16) port);
  return care_server_listener_listen (self->listener, sockaddr, out_port, error);
}

/* Limits on connections and time-outs; call before care_server_listen(). */
void
care_server_set_limits (CareServer *self, const CareServerLimits *limits)
{
  g_return_if_fail (CARE_IS_SERVER (self));
  care_server_listener_set_limits (self->listener, limits);
}

/* The reverse proxies the server runs behind (see care_server_listener_set_trusted_proxies()). */
void
care_server_set_trusted_proxies (CareServer *self, const char *const *addresses)
{
  g_return_if_fail (CARE_IS_SERVER (self));
  care_server_listener_set_trusted_proxies (self->listener, addresses);
}

/* Stops listening and closes client connections; pending logins are dropped. */
void
care_server_shutdown (CareServer *self)
{
  g_return_if_fail (CARE_IS_SERVER (self));

  g_cancellable_cancel (self->cancellable);
  /* Pulls under way finish; their answers go to closed connections. */
  if (self->pullers != NULL)
    g_thread_pool_free (g_steal_pointer (&self->pullers), FALSE, TRUE);
  care_server_listener_close (self->listener);
  soup_server_disconnect (self->soup);
}

/* Draining: health answers 503 "draining" while requests, new ones
 * included, are still served, so a load balancer moves traffic away
 * before the server is stopped. */
void
care_server_set_draining (CareServer *self, gboolean draining)
{
  g_return_if_fail (CARE_IS_SERVER (self));

  if (self->draining != draining)
    g_message (draining ? "Draining: health answers 503 until told otherwise"
                        : "No longer draining");
  self->draining = draining;
}

gboolean
care_server_get_draining (CareServer *self)
{
  g_return_val_if_fail (CARE_IS_SERVER (self), FALSE);
  return is_draining (self);
}

/* While a file exists at @path, the server is draining; NULL for none. */
void
care_server_set_drain_file (CareServer *self, const char *path)
{
  g_return_if_fail (CARE_IS_SERVER (self));

  g_free (self->drain_file);
  self->drain_file = g_strdup (path);
}

/* Whether each request is logged (on by default). */
void
care_server_set_access_log (CareServer *self, gboolean enabled)
{
  g_return_if_fail (CARE_IS_SERVER (self));
  self->access_log = enabled;
}

/* The first step of a graceful shutdown (see
 * care_server_listener_stop_accepting()): no new connections; requests
 * under way, logins and pushes included, go on to their answer. Then wait
 * for care_server_get_n_busy() to reach 0, or for a bound, and call
 * care_server_shutdown(). */
void
care_server_stop_accepting (CareServer *self)
{
  g_return_if_fail (CARE_IS_SERVER (self));

  self->draining = TRUE;
  care_server_listener_stop_accepting (self->listener);
}

/* Requests being read, handled or answered. */
guint
care_server_get_n_busy (CareServer *self)
{
  g_return_val_if_fail (CARE_IS_SERVER (self), 0);
  return care_server_listener_get_n_busy (self->listener);
}

/**
 * care_server_set_pull_threads:
 * @db: the database, as care_server_store_open() takes it
 * @n_threads: worker threads for pulls, each with a database connection
 *   of its own; 0 runs pulls on the main thread
 *
 * Call before serving.
 */
gboolean
care_server_set_pull_threads (CareServer *self, const char *db, guint n_threads, GError **error)
{
  g_return_val_if_fail (CARE_IS_SERVER (self), FALSE);
  g_return_val_if_fail (self->pullers == NULL, FALSE);

  if (n_threads == 0)
    return TRUE;

  g_return_val_if_fail (db != NULL, FALSE);
  self->pull_db = g_strdup (db);

  self->pullers = g_thread_pool_new (pull_worker, NULL, (int) n_threads, TRUE, error);
  return self->pullers != NULL;
}

/**
 * care_server_set_blobs:
 * @blobs: (nullable): where attachments' files are kept; %NULL refuses
 *   every file request with 503
 */
void
care_server_set_blobs (CareServer *self, CareServerBlobs *blobs)
{
  g_return_if_fail (CARE_IS_SERVER (self));

  g_set_object (&self->blobs, blobs);
}
