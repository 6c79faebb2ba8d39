/* test-hostile.c: aftercare-server probed as an attacker or a careless client would.
 *
 * Each test starts the real server binary on 127.0.0.1 with a database of
 * its own, attacks it (over raw sockets where HTTP clients are too polite),
 * then checks that the server still answers GET /api/v1/health and that
 * nothing was applied. Every probe is bounded in count and time; timeouts
 * the server enforces are set short on its command line so the tests do
 * not wait for the defaults. Other source addresses of the loopback net
 * (127.0.0.2, 127.0.0.3, ...) stand for different clients. */
#define G_LOG_DOMAIN "test-hostile"
#define _GNU_SOURCE

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "care-test-db.h"

#define PASSWORD "correct horse battery"

typedef struct
{
  GSubprocess *proc;
  char        *dir;
  char        *db_path;
  char        *log_path; /* the server's stderr */
  char        *base_url;
  guint16      port;
} Server;

static const char  *server_path;
static SoupSession *session;

/* Helpers */

static char *
new_uuid (void)
{
  return g_uuid_string_random ();
}

static void
add_user (Server *server, const char *username, const char *role)
{
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, server_path, "--db", server->db_path, "useradd", username,
                           "--role", role, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, PASSWORD "\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (proc));
}

typedef struct
{
  rlim_t nofile; /* 0: inherit */
} ChildSetup;

static void
child_setup (gpointer user_data)
{
  ChildSetup *setup = user_data;

  prctl (PR_SET_PDEATHSIG, SIGTERM);
  if (setup->nofile > 0)
    {
      struct rlimit limit = { setup->nofile, setup->nofile };
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

static Server *
server_new (void)
{
  Server *server = g_new0 (Server, 1);

  server->dir = g_dir_make_tmp ("aftercare-hostile-XXXXXX", NULL);
  g_assert_nonnull (server->dir);
  server->db_path = test_db_new (server->dir, "server.db");
  server->log_path = g_build_filename (server->dir, "stderr.log", NULL);

  return server;
}

/* Starts the server with @extra_args after --db and --listen, a descriptor
 * limit of @nofile (0 to inherit) and @debug logging to its stderr file. */
static void
server_run (Server *server, const char *const *extra_args, rlim_t nofile, gboolean debug)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char  *line = NULL;
  static ChildSetup setup;

  setup.nofile = nofile;
  g_subprocess_launcher_set_child_setup (launcher, child_setup, &setup, NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, server->log_path);
  if (debug)
    g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);

  g_ptr_array_add (argv, (gpointer) server_path);
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, server->db_path);
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, "127.0.0.1:0");
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  server->proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->proc));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  server->base_url = g_strdup (line + strlen ("listening on "));
  server->port = (guint16) g_ascii_strtoull (strrchr (line, ':') + 1, NULL, 10);
}

static Server *
server_start (const char *const *extra_args)
{
  Server *server = server_new ();

  server_run (server, extra_args, 0, FALSE);
  return server;
}

/* Stops the server with SIGTERM: it must exit cleanly, with status 0 (a
 * server that crashed earlier shows as killed by a signal). */
static void
server_stop_keep_log (Server *server, char **out_log)
{
  g_autoptr (GError) error = NULL;

  g_subprocess_send_signal (server->proc, SIGTERM);
  g_subprocess_wait (server->proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (server->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (server->proc), ==, 0);

  g_object_unref (server->proc);
  if (out_log != NULL)
    g_assert_true (g_file_get_contents (server->log_path, out_log, NULL, NULL));
  test_remove_tree (server->dir);
  g_free (server->dir);
  g_free (server->db_path);
  g_free (server->log_path);
  g_free (server->base_url);
  g_free (server);
}

static void
server_stop (Server *server)
{
  server_stop_keep_log (server, NULL);
}

/* A blocking TCP connection to the server from @source (NULL: 127.0.0.1). */
static int
raw_connect (Server *server, const char *source)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (server->port) };
  int                fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  if (source != NULL)
    {
      struct sockaddr_in local = { .sin_family = AF_INET };

      inet_pton (AF_INET, source, &local.sin_addr);
      g_assert_cmpint (bind (fd, (struct sockaddr *) &local, sizeof local), ==, 0);
    }
  inet_pton (AF_INET, "127.0.0.1", &addr.sin_addr);

  /* A server that no longer accepts fills its backlog, and then a
   * connection would wait minutes: give up after 10 s instead. */
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    {
      struct pollfd pfd = { fd, POLLOUT, 0 };
      int           err = 0;
      socklen_t     len = sizeof err;

      g_assert_cmpint (errno, ==, EINPROGRESS);
      g_assert_cmpint (poll (&pfd, 1, 10000), ==, 1);
      g_assert_cmpint (getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &len), ==, 0);
      g_assert_cmpint (err, ==, 0);
    }
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);

  return fd;
}

/* Writes everything, or stops at the first error (the peer closed). */
static gboolean
raw_send (int fd, const void *data, gsize len)
{
  const char *p = data;

  while (len > 0)
    {
      gssize n = send (fd, p, len, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }

  return TRUE;
}

/* Reads until the peer closes or @timeout_ms pass without data; sets
 * @out_closed when the peer closed. */
static char *
raw_read (int fd, guint timeout_ms, gboolean *out_closed)
{
  GString *buf = g_string_new (NULL);
  gboolean closed = FALSE;

  for (;;)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      char          chunk[65536];
      gssize        n;

      if (poll (&pfd, 1, (int) timeout_ms) <= 0)
        break;
      n = recv (fd, chunk, sizeof chunk, 0);
      if (n <= 0)
        {
          closed = TRUE;
          break;
        }
      g_string_append_len (buf, chunk, n);
    }

  if (out_closed != NULL)
    *out_closed = closed;
  return g_string_free (buf, FALSE);
}

/* The status code of a raw HTTP response, 0 if there is none. */
static guint
raw_status (const char *response)
{
  if (!g_str_has_prefix (response, "HTTP/1.1 ") && !g_str_has_prefix (response, "HTTP/1.0 "))
    return 0;
  return (guint) g_ascii_strtoull (response + 9, NULL, 10);
}

/* The server still answers: a fresh connection gets 200 from health. */
static void
assert_healthy (Server *server)
{
  static const char request[] = "GET /api/v1/health HTTP/1.1\r\nHost: test\r\n"
                                "Connection: close\r\n\r\n";
  g_autofree char  *response = NULL;
  int               fd = raw_connect (server, NULL);

  g_assert_true (raw_send (fd, request, sizeof request - 1));
  response = raw_read (fd, 10000, NULL);
  close (fd);
  g_assert_cmpuint (raw_status (response), ==, 200);
  g_assert_nonnull (strstr (response, "\"status\":\"ok\""));
}

static gint64
db_count (Server *server, const char *sql)
{
  return test_db_query_int (server->db_path, sql);
}

/* The bytes the server's SQLite database takes. */
static const char *
database_size_sql (void)
{
  return "SELECT page_count * page_size FROM pragma_page_count (), pragma_page_size ()";
}

static gint64
count_records (Server *server)
{
  return db_count (server, "SELECT count(*) FROM record");
}

/* One request through libsoup; returns the JSON answer (or NULL if the
 * body is not JSON). */
static JsonNode *
request_full (Server      *server,
              SoupSession *with,
              const char  *method,
              const char  *path,
              const char  *token,
              const char  *body,
              gssize       body_len,
              guint       *out_status)
{
  g_autofree char *url = g_strconcat (server->base_url, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GBytes) response = NULL;
  g_autoptr (GError) error = NULL;

  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes =
          g_bytes_new (body, body_len < 0 ? strlen (body) : (gsize) body_len);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  response = soup_session_send_and_read (with != NULL ? with : session, msg, NULL, &error);
  g_assert_no_error (error);
  *out_status = soup_message_get_status (msg);

  return json_from_string (g_bytes_get_data (response, NULL), NULL);
}

static JsonNode *
request (Server     *server,
         const char *method,
         const char *path,
         const char *token,
         const char *body,
         guint      *out_status)
{
  return request_full (server, NULL, method, path, token, body, -1, out_status);
}

static const char *
error_code (JsonNode *node)
{
  g_assert_nonnull (node);
  return json_object_get_string_member (
      json_object_get_object_member (json_node_get_object (node), "error"), "code");
}

static char *
login (Server *server, const char *username)
{
  g_autofree char *body =
      g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", username, PASSWORD);
  g_autoptr (JsonNode) node = NULL;
  guint status;

  node = request (server, "POST", "/api/v1/session", NULL, body, &status);
  g_assert_cmpuint (status, ==, 200);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
}

/* "[" * n (or {"a": * n) then the closings: nesting that crashed json-glib. */
static char *
nested (guint n, const char *open, const char *close, const char *inner)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (s, open);
  g_string_append (s, inner);
  for (guint i = 0; i < n; i++)
    g_string_append (s, close);

  return g_string_free (s, FALSE);
}

/* Tests */

/* Item 1: one request used to crash the server before login. */
static void
test_json_deep (void)
{
  Server          *server = server_start (NULL);
  g_autofree char *token = NULL;
  g_autofree char *arrays = nested (100000, "[", "]", "1");
  g_autofree char *objects = nested (100000, "{\"a\":", "}", "1");
  g_autofree char *in_push = NULL;
  g_autofree char *deep_fields = nested (100000, "[", "]", "\"x\"");
  g_autofree char *client = new_uuid ();
  g_autofree char *id = new_uuid ();
  const char      *bodies[3];
  g_autoptr (JsonNode) node = NULL;
  guint status;

  add_user (server, "agent", "agent");
  token = login (server, "agent");
  in_push = g_strdup_printf ("{\"client_id\": \"%s\", \"mutations\": [{\"mutation_id\": 1, "
                             "\"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
                             "\"fields\": {\"kind\": \"person\", \"name\": \"Deep\"}}, "
                             "{\"mutation_id\": 2, \"entity\": \"customer\", \"id\": \"%s\", "
                             "\"op\": \"create\", \"fields\": {\"name\": %s}}]}",
                             client, id, id, deep_fields);
  bodies[0] = arrays;
  bodies[1] = objects;
  bodies[2] = in_push;

  /* Before login: refused as too deep, or as too large for a sign-in. */
  for (guint i = 0; i < 2; i++)
    {
      node = request (server, "POST", "/api/v1/session", NULL, bodies[i], &status);
      g_assert_true (status == 400 || status == 413);
      g_assert_cmpstr (error_code (node), ==, status == 400 ? "malformed" : "too_large");
      g_clear_pointer (&node, json_node_unref);
      assert_healthy (server);
    }

  /* Within the body limit of a push: refused as too deep. */
  for (guint i = 0; i < 3; i++)
    {
      node = request (server, "POST", "/api/v1/sync/push", token, bodies[i], &status);
      g_assert_cmpuint (status, ==, 400);
      g_assert_cmpstr (error_code (node), ==, "malformed");
      g_clear_pointer (&node, json_node_unref);
    }

  assert_healthy (server);
  g_assert_cmpint (count_records (server), ==, 0);
  server_stop (server);
}

/* Item 7: a string is stored as sent or refused, never cut at a NUL. */
static void
test_json_nul (void)
{
  Server          *server = server_start (NULL);
  g_autofree char *token = NULL;
  g_autofree char *client = new_uuid ();
  g_autofree char *id = new_uuid ();
  g_autofree char *body = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) login_node = NULL;
  guint status;

  add_user (server, "agent", "agent");
  token = login (server, "agent");
  body = g_strdup_printf ("{\"client_id\": \"%s\", \"mutations\": [{\"mutation_id\": 1, "
                          "\"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
                          "\"fields\": {\"kind\": \"person\", \"name\": \"Ada\\u0000Evil\"}}]}",
                          client, id);

  node = request (server, "POST", "/api/v1/sync/push", token, body, &status);
  g_assert_cmpuint (status, ==, 422);
  g_assert_cmpstr (error_code (node), ==, "invalid");

  /* json-glib alone would read this mutation id as 1 and apply it. */
  {
    g_autofree char *wrapped = g_strdup_printf (
        "{\"client_id\": \"%s\", \"mutations\": [{\"mutation_id\": -12345678901234567890123, "
        "\"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
        "\"fields\": {\"kind\": \"person\", \"name\": \"Wrapped\"}}]}",
        client, id);
    g_autoptr (JsonNode) refused = NULL;

    refused = request (server, "POST", "/api/v1/sync/push", token, wrapped, &status);
    g_assert_cmpuint (status, ==, 400);
    g_assert_cmpstr (error_code (refused), ==, "malformed");
  }

  login_node =
      request (server, "POST", "/api/v1/session", NULL,
               "{\"username\": \"agent\\u0000x\", \"password\": \"" PASSWORD "\"}", &status);
  g_assert_cmpuint (status, ==, 422);
  g_assert_cmpstr (error_code (login_node), ==, "invalid");

  assert_healthy (server);
  g_assert_cmpint (count_records (server), ==, 0);
  server_stop (server);
}

/* Item 7: one UUID in two cases is one record, one client, one reference. */
static void
test_uuid_case (void)
{
  Server          *server = server_start (NULL);
  g_autofree char *token = NULL;
  g_autofree char *client = new_uuid ();
  g_autofree char *client_upper = g_ascii_strup (client, -1);
  g_autofree char *id = new_uuid ();
  g_autofree char *id_upper = g_ascii_strup (id, -1);
  g_autofree char *product = new_uuid ();
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autoptr (JsonNode) a = NULL;
  g_autoptr (JsonNode) b = NULL;
  g_autoptr (JsonNode) c = NULL;
  JsonObject *result;
  guint       status;

  add_user (server, "agent", "agent");
  token = login (server, "agent");

  first = g_strdup_printf ("{\"client_id\": \"%s\", \"mutations\": [{\"mutation_id\": 1, "
                           "\"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
                           "\"fields\": {\"kind\": \"person\", \"name\": \"Ada\"}}]}",
                           client_upper, id_upper);
  a = request (server, "POST", "/api/v1/sync/push", token, first, &status);
  g_assert_cmpuint (status, ==, 200);

  /* The same client in lower case: mutation 1 is a replay, not a new create. */
  second = g_strdup_printf ("{\"client_id\": \"%s\", \"mutations\": [{\"mutation_id\": 1, "
                            "\"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
                            "\"fields\": {\"kind\": \"person\", \"name\": \"Eve\"}}, "
                            "{\"mutation_id\": 2, \"entity\": \"customer\", \"id\": \"%s\", "
                            "\"op\": \"create\", \"fields\": {\"kind\": \"person\", "
                            "\"name\": \"Eve\"}}]}",
                            client, id, id);
  b = request (server, "POST", "/api/v1/sync/push", token, second, &status);
  g_assert_cmpuint (status, ==, 200);
  result = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (b), "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  /* Mutation 2 meets the record mutation 1 made, under the other spelling. */
  result = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (b), "results"), 1);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "conflict");
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "exists");

  /* A reference in upper case finds the record and is stored in lower case. */
  third = g_strdup_printf ("{\"client_id\": \"%s\", \"mutations\": [{\"mutation_id\": 3, "
                           "\"entity\": \"product\", \"id\": \"%s\", \"op\": \"create\", "
                           "\"fields\": {\"customer_id\": \"%s\", \"serial\": \"S-1\", "
                           "\"name\": \"Printer\"}}]}",
                           client, product, id_upper);
  c = request (server, "POST", "/api/v1/sync/push", token, third, &status);
  g_assert_cmpuint (status, ==, 200);
  result = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (c), "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");

  g_assert_cmpint (db_count (server, "SELECT count(*) FROM record WHERE entity = 'customer'"), ==,
                   1);
  g_assert_cmpint (db_count (server, "SELECT count(*) FROM record WHERE id <> lower (id)"), ==, 0);
  g_assert_cmpint (
      db_count (server, "SELECT count(*) FROM ref WHERE target_id <> lower (target_id)"), ==, 0);
  g_assert_cmpint (db_count (server, "SELECT count(*) FROM clients"), ==, 1);
  g_assert_cmpint (
      db_count (server,
                test_db_is_postgres ()
                    ? "SELECT count(*) FROM record WHERE (fields::jsonb) ->> 'name' = 'Eve'"
                    : "SELECT count(*) FROM record WHERE json_extract (fields, '$.name') = 'Eve'"),
      ==, 0);

  assert_healthy (server);
  server_stop (server);
}

/* Item 8: with debug logging on, no token reaches the log. */
static void
test_log_redaction (void)
{
  Server          *server = server_new ();
  g_autofree char *token = NULL;
  g_autofree char *client = new_uuid ();
  g_autofree char *staff = new_uuid ();
  g_autofree char *push_body = NULL;
  g_autofree char *feed_body = NULL;
  g_autofree char *feed_path = NULL;
  g_autofree char *guess_path = NULL;
  g_autofree char *feed_secret = NULL;
  g_autofree char *log = NULL;
  const char      *guess = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  const char      *feed_token;
  g_autoptr (JsonNode) pushed = NULL;
  g_autoptr (JsonNode) feed = NULL;
  g_autoptr (JsonNode) unknown = NULL;
  g_autoptr (JsonNode) short_guess = NULL;
  g_autoptr (JsonNode) bad_bearer = NULL;
  g_autoptr (JsonNode) bad_login = NULL;
  g_autoptr (GError) error = NULL;
  guint status;

  server_run (server, NULL, 0, TRUE);
  add_user (server, "admin", "admin");
  token = login (server, "admin");

  push_body = g_strdup_printf ("{\"client_id\": \"%s\", \"mutations\": [{\"mutation_id\": 1, "
                               "\"entity\": \"staff\", \"id\": \"%s\", \"op\": \"create\", "
                               "\"fields\": {\"name\": \"Tess\", \"role\": \"technician\"}}]}",
                               client, staff);
  pushed = request (server, "POST", "/api/v1/sync/push", token, push_body, &status);
  g_assert_cmpuint (status, ==, 200);

  feed_body = g_strdup_printf ("{\"staff_id\": \"%s\"}", staff);
  feed = request (server, "POST", "/api/v1/calendar/feeds", token, feed_body, &status);
  g_assert_cmpuint (status, ==, 201);
  feed_token = strstr (json_object_get_string_member (json_node_get_object (feed), "url"),
                       "/api/v1/calendar/feed/");
  feed_path = g_strdup (feed_token);
  feed_token += strlen ("/api/v1/calendar/feed/");
  feed_secret = g_strndup (feed_token, 64);

  {
    /* The feed itself is iCalendar, not JSON. */
    g_autofree char *url = g_strconcat (server->base_url, feed_path, NULL);
    g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr (GBytes) bytes = soup_session_send_and_read (session, msg, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  }

  guess_path = g_strdup_printf ("/api/v1/calendar/feed/%s.ics", guess);
  unknown = request (server, "GET", guess_path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 404);
  short_guess =
      request (server, "GET", "/api/v1/calendar/feed/my-short-guess.ics", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 404);
  bad_bearer = request (server, "GET", "/api/v1/sync/pull", guess, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  bad_login =
      request (server, "POST", "/api/v1/session", NULL,
               "{\"username\": \"admin\", \"password\": \"hunter2-never-logged\"}", &status);
  g_assert_cmpuint (status, ==, 401);

  server_stop_keep_log (server, &log);
  g_assert_nonnull (strstr (log, "/api/v1/calendar/feed/"));
  g_assert_null (strstr (log, token));
  g_assert_null (strstr (log, feed_secret));
  g_assert_null (strstr (log, guess));
  g_assert_null (strstr (log, "my-short-guess"));
  g_assert_null (strstr (log, "hunter2-never-logged"));
}

/* Pulls a page; returns it and its size in bytes. */
static JsonObject *
pull_page (Server *server, const char *token, const char *cursor, gsize *out_bytes)
{
  g_autofree char *url =
      g_strdup_printf ("%s/api/v1/sync/pull?limit=1000&cursor=%s", server->base_url, cursor);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  *out_bytes = g_bytes_get_size (bytes);
  node = json_from_string (g_bytes_get_data (bytes, NULL), &error);
  g_assert_no_error (error);

  return json_object_ref (json_node_get_object (node));
}

/* Item 9: a pull page is bounded by bytes as well as by count. */
static void
test_pull_page_bytes (void)
{
  Server          *server = server_start (NULL);
  g_autofree char *token = NULL;
  g_autofree char *client = new_uuid ();
  g_autofree char *customer = new_uuid ();
  g_autofree char *appointment = new_uuid ();
  g_autofree char *signature = g_strnfill (200000, 'S');
  g_autofree char *cursor = g_strdup ("");
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const guint n_reports = 30, per_push = 10;
  guint       mutation_id = 0, pages = 0;
  gboolean    has_more = TRUE;

  add_user (server, "agent", "agent");
  token = login (server, "agent");

  {
    g_autofree char *body = g_strdup_printf (
        "{\"client_id\": \"%s\", \"mutations\": [{\"mutation_id\": 1, \"entity\": \"customer\", "
        "\"id\": \"%s\", \"op\": \"create\", \"fields\": {\"kind\": \"person\", \"name\": "
        "\"Sig\"}}, "
        "{\"mutation_id\": 2, \"entity\": \"appointment\", \"id\": \"%s\", \"op\": \"create\", "
        "\"fields\": {\"kind\": \"repair\", \"customer_id\": \"%s\", \"start_at\": "
        "\"2026-03-02T09:00:00Z\", \"end_at\": \"2026-03-02T10:00:00Z\", \"status\": \"done\"}}]}",
        client, customer, appointment, customer);
    g_autoptr (JsonNode) node = NULL;
    guint status;

    node = request (server, "POST", "/api/v1/sync/push", token, body, &status);
    g_assert_cmpuint (status, ==, 200);
    mutation_id = 2;
  }

  for (guint start = 0; start < n_reports; start += per_push)
    {
      g_autoptr (GString) body = g_string_new (NULL);
      g_autoptr (JsonNode) node = NULL;
      guint status;

      g_string_append_printf (body, "{\"client_id\": \"%s\", \"mutations\": [", client);
      for (guint i = 0; i < per_push; i++)
        {
          g_autofree char *id = new_uuid ();

          g_string_append_printf (
              body,
              "%s{\"mutation_id\": %u, \"entity\": \"visit_report\", \"id\": \"%s\", "
              "\"op\": \"create\", \"fields\": {\"appointment_id\": \"%s\", \"visit_date\": "
              "\"2026-03-02\", \"work_done\": \"Report %u\", \"minutes\": 30, "
              "\"signature\": \"%s\"}}",
              i == 0 ? "" : ",", ++mutation_id, id, appointment, start + i, signature);
        }
      g_string_append (body, "]}");
      node = request (server, "POST", "/api/v1/sync/push", token, body->str, &status);
      g_assert_cmpuint (status, ==, 200);
    }

  while (has_more)
    {
      gsize bytes = 0;
      g_autoptr (JsonObject) page = pull_page (server, token, cursor, &bytes);
      JsonArray *changes = json_object_get_array_member (page, "changes");

      /* 4 MiB, plus the one change that may cross the line. */
      g_assert_cmpuint (bytes, <=, 4 * 1024 * 1024 + 250000);
      g_assert_cmpuint (json_array_get_length (changes), >, 0);
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          const char *id =
              json_object_get_string_member (json_array_get_object_element (changes, i), "id");

          g_assert_false (g_hash_table_contains (seen, id));
          g_hash_table_add (seen, g_strdup (id));
        }
      has_more = json_object_get_boolean_member (page, "has_more");
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (page, "next_cursor"));
      pages++;
    }

  g_assert_cmpuint (g_hash_table_size (seen), ==, n_reports + 2);
  g_assert_cmpuint (pages, >=, 2);

  assert_healthy (server);
  server_stop (server);
}

static void
push_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GBytes **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

/* Item 6: a push of thousands of mutations is applied a chunk at a time;
 * other requests are answered meanwhile, and nothing is applied twice. */
static void
test_push_does_not_block (void)
{
  Server          *server = server_start (NULL);
  g_autofree char *token = NULL;
  g_autofree char *client = new_uuid ();
  g_autofree char *customer = new_uuid ();
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;
  g_autoptr (GString) body = g_string_new (NULL);
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) response = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *watch = NULL;
  const guint      total = 10000;
  gint64           last = 0;
  gint64           deadline;

  add_user (server, "agent", "agent");
  token = login (server, "agent");

  g_string_append_printf (body,
                          "{\"client_id\": \"%s\", \"mutations\": [{\"mutation_id\": 1, "
                          "\"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
                          "\"fields\": {\"kind\": \"company\", \"name\": \"Fleet\"}}",
                          client, customer);
  for (guint i = 2; i <= total; i++)
    {
      g_autofree char *id = new_uuid ();

      g_string_append_printf (body,
                              ",{\"mutation_id\": %u, \"entity\": \"product\", \"id\": \"%s\", "
                              "\"op\": \"create\", \"fields\": {\"customer_id\": \"%s\", "
                              "\"serial\": \"SN-%05u\", \"name\": \"Printer\"}}",
                              i, id, customer, i);
    }
  g_string_append (body, "]}");

  url = g_strconcat (server->base_url, "/api/v1/sync/push", NULL);
  auth = g_strdup_printf ("Bearer %s", token);
  msg = soup_message_new ("POST", url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  bytes = g_bytes_new (body->str, body->len);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, push_done_cb,
                                    &response);

  /* Watch the client's acknowledged mutations as another reader would. */
  watch = g_strdup_printf ("SELECT coalesce ((SELECT last_mutation_id FROM clients "
                           "WHERE client_id = '%s'), 0)",
                           client);

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (last == 0 && response == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      last = db_count (server, watch);
      g_usleep (1000);
    }

  /* Part of the push is committed and the rest is not: the server is in
   * the middle of it, and still answers. */
  g_assert_cmpint (last, >, 0);
  g_assert_cmpint (last, <, total);
  assert_healthy (server);
  last = db_count (server, watch);
  g_test_message ("health answered with %" G_GINT64_FORMAT " of %u mutations applied", last, total);
  g_assert_cmpint (last, <, total);

  while (response == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  node = json_from_string (g_bytes_get_data (response, NULL), NULL);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "last_mutation_id"), ==,
                   total);
  /* Every mutation applied, once. */
  g_assert_cmpuint (
      json_array_get_length (json_object_get_array_member (json_node_get_object (node), "results")),
      ==, total);
  g_assert_cmpint (db_count (server, "SELECT count(*) FROM client_mutations"), ==, total);
  g_assert_cmpint (db_count (server, "SELECT count(*) FROM record"), ==, total);

  server_stop (server);
}

/* A push sent twice at once (a retry while the first is still applied)
 * waits for the first: the second gets the same results, replayed. */
static void
test_push_same_client_twice (void)
{
  Server          *server = server_start (NULL);
  g_autofree char *token = NULL;
  g_autofree char *client = new_uuid ();
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;
  g_autoptr (GString) body = g_string_new (NULL);
  g_autoptr (GBytes) bytes = NULL;
  SoupMessage *msgs[2];
  GBytes      *responses[2] = { NULL, NULL };
  const guint  total = 2000;

  add_user (server, "agent", "agent");
  token = login (server, "agent");

  g_string_append_printf (body, "{\"client_id\": \"%s\", \"mutations\": [", client);
  for (guint i = 1; i <= total; i++)
    {
      g_autofree char *id = new_uuid ();

      g_string_append_printf (body,
                              "%s{\"mutation_id\": %u, \"entity\": \"customer\", \"id\": \"%s\", "
                              "\"op\": \"create\", \"fields\": {\"kind\": \"company\", "
                              "\"name\": \"C%u\"}}",
                              i == 1 ? "" : ",", i, id, i);
    }
  g_string_append (body, "]}");
  bytes = g_bytes_new (body->str, body->len);
  url = g_strconcat (server->base_url, "/api/v1/sync/push", NULL);
  auth = g_strdup_printf ("Bearer %s", token);

  for (guint i = 0; i < 2; i++)
    {
      msgs[i] = soup_message_new ("POST", url);
      soup_message_headers_replace (soup_message_get_request_headers (msgs[i]), "Authorization",
                                    auth);
      soup_message_set_request_body_from_bytes (msgs[i], "application/json", bytes);
      soup_session_send_and_read_async (session, msgs[i], G_PRIORITY_DEFAULT, NULL, push_done_cb,
                                        &responses[i]);
    }

  while (responses[0] == NULL || responses[1] == NULL)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (JsonNode) node = json_from_string (g_bytes_get_data (responses[i], NULL), NULL);
      JsonArray *results = json_object_get_array_member (json_node_get_object (node), "results");

      g_assert_cmpuint (soup_message_get_status (msgs[i]), ==, 200);
      g_assert_cmpuint (json_array_get_length (results), ==, total);
      for (guint j = 0; j < total; j++)
        g_assert_cmpstr (
            json_object_get_string_member (json_array_get_object_element (results, j), "status"),
            ==, "applied");
      g_object_unref (msgs[i]);
      g_bytes_unref (responses[i]);
    }

  g_assert_cmpint (db_count (server, "SELECT count(*) FROM record"), ==, total);
  g_assert_cmpint (db_count (server, "SELECT count(*) FROM client_mutations"), ==, total);
  assert_healthy (server);
  server_stop (server);
}

/* Connections, time-outs and bodies (items 2 to 4) */

static Server *
server_start_limited (rlim_t nofile)
{
  const char *args[] = { "--header-timeout", "1", "--idle-timeout", "2", NULL };
  Server     *server = server_new ();

  server_run (server, args, nofile, FALSE);
  return server;
}

static void
close_all (GArray *fds)
{
  for (guint i = 0; i < fds->len; i++)
    close (g_array_index (fds, int, i));
  g_array_set_size (fds, 0);
}

/* Item 2: connections beyond the descriptor limit, all left idle then
 * closed, leave the server answering. */
static void
test_descriptors (void)
{
  const rlim_t limits[] = { 256, 1024 };

  for (guint l = 0; l < G_N_ELEMENTS (limits); l++)
    {
      Server *server = server_start_limited (limits[l]);
      g_autoptr (GArray) fds = g_array_new (FALSE, FALSE, sizeof (int));
      guint n = (guint) limits[l] + 50;

      g_test_message ("descriptor limit %u, %u idle connections", (guint) limits[l], n);
      /* From several addresses, so the per-client cap is not all that holds. */
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *source = g_strdup_printf ("127.0.0.%u", 10 + i % 8);
          int              fd = raw_connect (server, source);

          g_array_append_val (fds, fd);
        }

      /* While they are open: a new client waits at most until the idle
       * ones run out of time, and is then served. */
      assert_healthy (server);

      close_all (fds);
      assert_healthy (server);
      assert_healthy (server);
      server_stop (server);
    }
}

/* Item 2: accept() failing for lack of descriptors no longer stops the
 * server from accepting for good. The limit is lowered under the running
 * server, below what it planned for. */
static void
test_accept_emfile (void)
{
  Server *server = server_start (NULL);
  g_autoptr (GArray) fds = g_array_new (FALSE, FALSE, sizeof (int));
  struct rlimit low = { 48, 0 };
  struct rlimit saved;
  pid_t pid = (pid_t) g_ascii_strtoll (g_subprocess_get_identifier (server->proc), NULL, 10);
  g_autofree char *log = NULL;

  assert_healthy (server);
  g_assert_cmpint (prlimit (pid, RLIMIT_NOFILE, NULL, &saved), ==, 0);
  low.rlim_max = saved.rlim_max;
  g_assert_cmpint (prlimit (pid, RLIMIT_NOFILE, &low, NULL), ==, 0);

  for (guint i = 0; i < 100; i++)
    {
      int fd = raw_connect (server, "127.0.0.2");

      g_array_append_val (fds, fd);
    }
  /* Let the server meet the limit. */
  g_usleep (300 * 1000);
  close_all (fds);

  assert_healthy (server);
  g_assert_cmpint (prlimit (pid, RLIMIT_NOFILE, &saved, NULL), ==, 0);
  assert_healthy (server);

  server_stop_keep_log (server, &log);
  g_assert_nonnull (strstr (log, "Cannot accept a connection"));
}

/* Item 2: a burst of clients waits in the backlog instead of being reset.
 * The server is stopped while they connect, so the kernel alone completes
 * their handshakes, up to the backlog. */
static void
test_backlog (void)
{
  Server            *server = server_start (NULL);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (server->port) };
  static const char  request[] = "GET /api/v1/health HTTP/1.1\r\nHost: test\r\n"
                                 "Connection: close\r\n\r\n";
  const guint        n = 50;
  int                fds[50];
  gint64             deadline;
  guint              connected = 0;

  inet_pton (AF_INET, "127.0.0.1", &addr.sin_addr);
  g_subprocess_send_signal (server->proc, SIGSTOP);

  for (guint i = 0; i < n; i++)
    {
      fds[i] = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      g_assert_cmpint (fds[i], >=, 0);
      g_assert_true (connect (fds[i], (struct sockaddr *) &addr, sizeof addr) == 0 ||
                     errno == EINPROGRESS);
    }

  deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (connected < n && g_get_monotonic_time () < deadline)
    {
      connected = 0;
      for (guint i = 0; i < n; i++)
        {
          struct pollfd pfd = { fds[i], POLLOUT, 0 };
          int           err = 0;
          socklen_t     len = sizeof err;

          if (poll (&pfd, 1, 0) == 1 &&
              getsockopt (fds[i], SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
            connected++;
        }
      g_usleep (20 * 1000);
    }

  g_subprocess_send_signal (server->proc, SIGCONT);
  g_assert_cmpuint (connected, ==, n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *response = NULL;
      int              flags = fcntl (fds[i], F_GETFL);

      fcntl (fds[i], F_SETFL, flags & ~O_NONBLOCK);
      g_assert_true (raw_send (fds[i], request, sizeof request - 1));
      response = raw_read (fds[i], 10000, NULL);
      g_assert_cmpuint (raw_status (response), ==, 200);
      close (fds[i]);
    }

  server_stop (server);
}

/* Waits until the server closes @fd, sending a byte of @trickle every
 * @interval_ms meanwhile (none if NULL); returns how long it took, or -1
 * if it was still open after @limit_ms. */
static gint64
wait_closed (int fd, const char *trickle, guint interval_ms, guint limit_ms)
{
  gint64 start = g_get_monotonic_time ();
  gsize  pos = 0;

  while (g_get_monotonic_time () - start < (gint64) limit_ms * 1000)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      char          buf[4096];

      if (poll (&pfd, 1, (int) interval_ms) == 1)
        {
          gssize n = recv (fd, buf, sizeof buf, 0);

          if (n <= 0)
            return (g_get_monotonic_time () - start) / 1000;
          continue;
        }

      if (trickle != NULL && trickle[pos] != '\0' &&
          send (fd, trickle + pos++, 1, MSG_NOSIGNAL) < 0)
        return (g_get_monotonic_time () - start) / 1000;
    }

  return -1;
}

/* Item 3: slow and idle connections are closed on time (1 s for headers and
 * 2 s idle here); a kept-alive connection still serves several requests. */
static void
test_timeouts (void)
{
  Server           *server = server_start_limited (0);
  static const char request[] = "GET /api/v1/health HTTP/1.1\r\nHost: test\r\n\r\n";
  static const char trickle[] =
      "GET /api/v1/health HTTP/1.1\r\nHost: test\r\nX-Slow: "
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  g_autoptr (GArray) fds = g_array_new (FALSE, FALSE, sizeof (int));
  gint64 start = g_get_monotonic_time ();
  guint  open_after = 0;
  int    fd;

  /* 450 connections sending a header byte every 250 ms: all are closed
   * within the header time-out (or at once, past the per-client cap). */
  for (guint i = 0; i < 450; i++)
    {
      g_autofree char *source = g_strdup_printf ("127.0.0.%u", 20 + i % 4);

      fd = raw_connect (server, source);
      g_array_append_val (fds, fd);
    }
  while (g_get_monotonic_time () - start < 6 * G_USEC_PER_SEC)
    {
      open_after = 0;
      for (guint i = 0; i < fds->len; i++)
        {
          int           slow = g_array_index (fds, int, i);
          struct pollfd pfd = { slow, POLLIN, 0 };
          char          buf[256];

          if (slow < 0)
            continue;
          if ((poll (&pfd, 1, 0) == 1 && recv (slow, buf, sizeof buf, 0) <= 0) ||
              send (slow, "a", 1, MSG_NOSIGNAL) < 0)
            {
              close (slow);
              g_array_index (fds, int, i) = -1;
              continue;
            }
          open_after++;
        }
      if (open_after == 0)
        break;
      g_usleep (250 * 1000);
    }
  g_test_message ("slow connections closed after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (open_after, ==, 0);

  /* A connection that sends nothing, and one that trickles its headers. */
  fd = raw_connect (server, NULL);
  g_assert_cmpint (wait_closed (fd, NULL, 100, 5000), >=, 0);
  close (fd);
  fd = raw_connect (server, NULL);
  g_assert_cmpint (wait_closed (fd, trickle, 100, 5000), >=, 0);
  close (fd);

  /* A body that stops coming. */
  fd = raw_connect (server, NULL);
  {
    static const char head[] =
        "POST /api/v1/session HTTP/1.1\r\nHost: test\r\n"
        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user";

    g_assert_true (raw_send (fd, head, sizeof head - 1));
    g_assert_cmpint (wait_closed (fd, NULL, 100, 5000), >=, 0);
  }
  close (fd);

  /* Kept alive: two requests on one connection, then closed when idle. */
  fd = raw_connect (server, NULL);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *response = NULL;

      g_assert_true (raw_send (fd, request, sizeof request - 1));
      response = raw_read (fd, 500, NULL);
      g_assert_cmpuint (raw_status (response), ==, 200);
    }
  g_assert_cmpint (wait_closed (fd, NULL, 100, 5000), >=, 1000);
  close (fd);

  assert_healthy (server);
  server_stop (server);
}

/* Sends @head, then @chunk again and again (at most @max_bytes in all)
 * while reading what the server answers, until the server has answered
 * and closed, or stopped reading. Returns the answer. */
static char *
flood (
    int fd, const char *head, const char *chunk, gsize chunk_len, gsize max_bytes, gsize *out_sent)
{
  GString *answer = g_string_new (NULL);
  gsize    sent = 0, offset = 0;
  gint64   deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  g_assert_true (raw_send (fd, head, strlen (head)));
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);

  while (g_get_monotonic_time () < deadline)
    {
      struct pollfd pfd = { fd, POLLIN | (sent < max_bytes ? POLLOUT : 0), 0 };

      if (poll (&pfd, 1, 1000) <= 0)
        break;

      if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
        {
          char   buf[65536];
          gssize n = recv (fd, buf, sizeof buf, 0);

          if (n > 0)
            g_string_append_len (answer, buf, n);
          else if (n == 0 || errno != EAGAIN)
            break;
        }

      if ((pfd.revents & POLLOUT) && sent < max_bytes)
        {
          gssize n = send (fd, chunk + offset, chunk_len - offset, MSG_NOSIGNAL);

          if (n < 0 && errno != EAGAIN)
            {
              /* Reset: whatever answer arrived is in the socket still. */
              char   buf[65536];
              gssize m;

              while ((m = recv (fd, buf, sizeof buf, 0)) > 0)
                g_string_append_len (answer, buf, m);
              break;
            }
          if (n > 0)
            {
              sent += (gsize) n;
              offset = (offset + (gsize) n) % chunk_len;
            }
        }
    }

  *out_sent = sent;
  return g_string_free (answer, FALSE);
}

/* Item 4: an oversized Content-Length is answered 413 right after the
 * headers, with Connection: close, and the body is not read. */
static void
test_body_content_length (void)
{
  Server          *server = server_start (NULL);
  g_autofree char *token = NULL;
  g_autofree char *chunk = g_strnfill (65536, ' ');
  struct
  {
    const char *path;
    gboolean    auth;
    gboolean    expect;
    guint       status;
  } cases[] = {
    { "/api/v1/sync/push", TRUE, FALSE, 413 },      { "/api/v1/sync/push", TRUE, TRUE, 413 },
    { "/api/v1/sync/push", FALSE, FALSE, 401 },     { "/api/v1/session", FALSE, FALSE, 413 },
    { "/api/v1/calendar/feeds", TRUE, FALSE, 413 },
  };

  add_user (server, "agent", "agent");
  token = login (server, "agent");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *head = g_strdup_printf (
          "POST %s HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
          "Content-Length: 1073741824\r\n%s%s%s%s\r\n",
          cases[i].path, cases[i].auth ? "Authorization: Bearer " : "", cases[i].auth ? token : "",
          cases[i].auth ? "\r\n" : "", cases[i].expect ? "Expect: 100-continue\r\n" : "");
      g_autofree char *answer = NULL;
      int              fd = raw_connect (server, NULL);
      gsize            sent = 0;

      answer = flood (fd, head, chunk, 65536, 64 * 1024 * 1024, &sent);
      close (fd);
      g_test_message ("%s: %u after %" G_GSIZE_FORMAT " bytes of body", cases[i].path,
                      raw_status (answer), sent);
      g_assert_cmpuint (raw_status (answer), ==, cases[i].status);
      g_assert_nonnull (strstr (answer, "Connection: close"));
      /* The server stopped reading long before 64 MiB. */
      g_assert_cmpuint (sent, <, 32 * 1024 * 1024);
    }

  assert_healthy (server);
  g_assert_cmpint (count_records (server), ==, 0);
  server_stop (server);
}

/* Item 4: a chunked body is counted as it arrives and cut at the limit:
 * 64 KiB before authentication, 8 MiB for a push. */
static void
test_body_chunked (void)
{
  Server          *server = server_start (NULL);
  g_autofree char *token = NULL;
  g_autofree char *chunk = NULL;
  g_autofree char *data = g_strnfill (16384, '[');
  const char      *paths[] = { "/api/v1/session", "/api/v1/sync/push" };

  add_user (server, "agent", "agent");
  token = login (server, "agent");
  chunk = g_strdup_printf ("4000\r\n%s\r\n", data);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *head =
          g_strdup_printf ("POST %s HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                           "Transfer-Encoding: chunked\r\nAuthorization: Bearer %s\r\n\r\n",
                           paths[i], token);
      g_autofree char *answer = NULL;
      int              fd = raw_connect (server, NULL);
      gsize            sent = 0;

      /* A body that never ends (here: 64 MiB at most). */
      answer = flood (fd, head, chunk, strlen (chunk), 64 * 1024 * 1024, &sent);
      close (fd);
      g_test_message ("%s: %u after %" G_GSIZE_FORMAT " bytes", paths[i], raw_status (answer),
                      sent);
      g_assert_cmpuint (raw_status (answer), ==, 413);
      g_assert_nonnull (strstr (answer, "\"too_large\""));
      g_assert_cmpuint (sent, <, (i == 0 ? 8 : 24) * 1024 * 1024);
    }

  assert_healthy (server);
  g_assert_cmpint (count_records (server), ==, 0);
  server_stop (server);
}

/* Sign-ins (item 5). Other loopback addresses stand for other clients. */

static SoupSession *
session_from (const char *source)
{
  g_autoptr (GInetAddress) inet = g_inet_address_new_from_string (source);
  g_autoptr (GSocketAddress) local = g_inet_socket_address_new (inet, 0);

  return soup_session_new_with_options ("local-address", local, "timeout", 60, "max-conns-per-host",
                                        16, "max-conns", 64, NULL);
}

static guint
sign_in (Server *server, SoupSession *from, const char *username, const char *password)
{
  g_autofree char *body =
      g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", username, password);
  g_autoptr (JsonNode) node = NULL;
  guint status;

  node = request_full (server, from, "POST", "/api/v1/session", NULL, body, -1, &status);
  return status;
}

/* One guess at each of 100 names from one address: throttled after 20. */
static void
test_login_spray (void)
{
  Server *server = server_start (NULL);
  g_autoptr (SoupSession) sprayer = session_from ("127.0.0.2");
  g_autoptr (SoupSession) other = session_from ("127.0.0.3");
  guint n_401 = 0, n_429 = 0;

  add_user (server, "agent", "agent");
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *name = g_strdup_printf ("user%03u", i);
      guint            status = sign_in (server, sprayer, name, "Summer2026!");

      g_assert_true (status == 401 || status == 429);
      if (status == 401)
        n_401++;
      else
        n_429++;
    }

  g_test_message ("%u refused, %u throttled", n_401, n_429);
  /* 20 free, and perhaps one more per second of delay that passed. */
  g_assert_cmpuint (n_401, >=, 20);
  g_assert_cmpuint (n_401, <=, 23);
  /* Another client is not affected, and nothing about the names was kept. */
  g_assert_cmpuint (sign_in (server, other, "agent", PASSWORD), ==, 200);
  g_assert_cmpint (db_count (server, "SELECT count(*) FROM login_throttle WHERE username <> '' "
                                     "AND address = ''"),
                   <=, 23);

  assert_healthy (server);
  server_stop (server);
}

/* A stranger guessing a user's password cannot lock the user out. */
static void
test_login_no_lockout (void)
{
  Server *server = server_start (NULL);
  g_autoptr (SoupSession) stranger = session_from ("127.0.0.2");
  g_autoptr (SoupSession) desk = session_from ("127.0.0.3");
  g_autoptr (SoupSession) laptop = session_from ("127.0.0.4");
  guint status = 0, attempts = 0;

  add_user (server, "victim", "agent");
  g_assert_cmpuint (sign_in (server, desk, "victim", PASSWORD), ==, 200);

  while (status != 429)
    {
      status = sign_in (server, stranger, "victim", "guess");
      g_assert_true (status == 401 || status == 429);
      g_assert_cmpuint (++attempts, <=, 12);
    }
  /* The stranger waits, even with the right password... */
  g_assert_cmpuint (sign_in (server, stranger, "victim", PASSWORD), ==, 429);
  /* ...the user does not, at their desk or on a client that never failed. */
  g_assert_cmpuint (sign_in (server, desk, "victim", PASSWORD), ==, 200);
  g_assert_cmpuint (sign_in (server, laptop, "victim", PASSWORD), ==, 200);

  assert_healthy (server);
  server_stop (server);
}

typedef struct
{
  guint n_done;
  guint statuses[600];
} Flood;

static void
flood_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  Flood       *flood_state = user_data;
  g_autoptr (GBytes) bytes =
      soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  guint status = soup_message_get_status (msg);

  g_assert_cmpuint (status, <, G_N_ELEMENTS (flood_state->statuses));
  flood_state->statuses[status]++;
  flood_state->n_done++;
  g_object_unref (msg);
}

/* Eight clients flooding sign-ins no longer make every real sign-in busy:
 * the password checks are shared out between client addresses. */
static void
test_login_flood (void)
{
  Server *server = server_start (NULL);
  g_autoptr (GPtrArray) attackers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (SoupSession) real = session_from ("127.0.0.3");
  g_autofree char *url = NULL;
  Flood            flood_state = { 0 };
  const guint      per_attacker = 8;
  guint            n_sent = 0;

  add_user (server, "agent", "agent");
  url = g_strconcat (server->base_url, "/api/v1/session", NULL);

  for (guint a = 0; a < 8; a++)
    {
      g_autofree char *source = g_strdup_printf ("127.0.0.%u", 10 + a);
      SoupSession     *attacker = session_from (source);

      g_ptr_array_add (attackers, attacker);
      for (guint i = 0; i < per_attacker; i++)
        {
          g_autofree char *body = g_strdup_printf (
              "{\"username\": \"junk%u-%u\", \"password\": \"not the password\"}", a, i);
          g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&body), strlen (body));
          SoupMessage *msg = soup_message_new ("POST", url);

          soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
          soup_session_send_and_read_async (attacker, msg, G_PRIORITY_DEFAULT, NULL, flood_done_cb,
                                            &flood_state);
          n_sent++;
        }
    }

  /* Let the flood reach the server and fill every password check. */
  for (gint64 until = g_get_monotonic_time () + 200 * 1000; g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, FALSE);

  g_assert_cmpuint (sign_in (server, real, "agent", PASSWORD), ==, 200);

  while (flood_state.n_done < n_sent)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("flood: %u refused, %u busy, %u throttled", flood_state.statuses[401],
                  flood_state.statuses[503], flood_state.statuses[429]);
  g_assert_cmpuint (flood_state.statuses[401] + flood_state.statuses[503] +
                        flood_state.statuses[429],
                    ==, n_sent);

  assert_healthy (server);
  server_stop (server);
}

/* User names are validated before anything is stored, and old failure
 * records are pruned. */
static void
test_login_names_not_stored (void)
{
  Server          *server = server_start (NULL);
  g_autofree char *long_name = g_strnfill (60000, 'x');
  g_autofree char *huge_name = g_strnfill (1024 * 1024, 'x');
  gint64           size_before, size_after;

  add_user (server, "agent", "agent");
  size_before = test_db_is_postgres () ? 0 : db_count (server, database_size_sql ());

  test_db_exec (server->db_path, "INSERT INTO login_throttle VALUES ('old', '192.0.2.1', 3, 1), "
                                 "('', '192.0.2.1', 3, 1), ('old', '', 3, 1); "
                                 "INSERT INTO login_known VALUES ('old', '192.0.2.1', 1);");

  for (guint i = 0; i < 20; i++)
    {
      guint status = sign_in (server, NULL, i % 2 ? long_name : "bad name!", "whatever");

      g_assert_true (status == 401 || status == 429);
    }
  {
    g_autofree char *body =
        g_strdup_printf ("{\"username\": \"%s\", \"password\": \"x\"}", huge_name);
    g_autoptr (JsonNode) node = NULL;
    guint status;

    node = request (server, "POST", "/api/v1/session", NULL, body, &status);
    g_assert_cmpuint (status, ==, 413);
  }

  g_assert_cmpint (db_count (server, "SELECT count(*) FROM login_throttle WHERE username <> ''"),
                   ==, 0);
  g_assert_cmpint (db_count (server, "SELECT count(*) FROM login_throttle WHERE "
                                     "last_failure_at < 1000"),
                   ==, 0);
  g_assert_cmpint (db_count (server, "SELECT count(*) FROM login_known"), ==, 0);
  /* Nothing else grew with the names either. PostgreSQL allocates each
   * table and index 8 KiB pages at a time (and compresses a long run of
   * one letter to almost nothing), so there the rows above tell it. */
  if (!test_db_is_postgres ())
    {
      size_after = db_count (server, database_size_sql ());
      g_assert_cmpint (size_after - size_before, <, 64 * 1024);
    }

  assert_healthy (server);
  server_stop (server);
}

/* Behind a trusted proxy the client is the proxy's X-Forwarded-For;
 * anyone else's X-Forwarded-For is ignored. */
static void
test_login_trusted_proxy (void)
{
  const char       *args[] = { "--trusted-proxy", "127.0.0.1", NULL };
  Server           *server = server_new ();
  static const char body[] = "{\"username\": \"nobody\", \"password\": \"guess\"}";
  const char       *sources[] = { "127.0.0.1", "127.0.0.2" };

  server_run (server, args, 0, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_autofree char *head = g_strdup_printf (
          "POST /api/v1/session HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
          "Content-Type: application/json\r\nX-Forwarded-For: 203.0.113.66, 198.51.100.%u\r\n"
          "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n%s",
          i, strlen (body), body);
      g_autofree char *response = NULL;
      int              fd = raw_connect (server, sources[i]);

      g_assert_true (raw_send (fd, head, strlen (head)));
      response = raw_read (fd, 10000, NULL);
      close (fd);
      g_assert_cmpuint (raw_status (response), ==, 401);
    }

  g_assert_cmpint (db_count (server, "SELECT count(*) FROM login_throttle WHERE "
                                     "address = '198.51.100.0'"),
                   ==, 2);
  g_assert_cmpint (db_count (server, "SELECT count(*) FROM login_throttle WHERE "
                                     "address = '127.0.0.2'"),
                   ==, 2);
  g_assert_cmpint (db_count (server, "SELECT count(*) FROM login_throttle WHERE "
                                     "address IN ('203.0.113.66', '198.51.100.1', '127.0.0.1')"),
                   ==, 0);
  assert_healthy (server);
  server_stop (server);
}

int
main (int argc, char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server_path = g_getenv ("AFTERCARE_SERVER");
  if (server_path == NULL)
    {
      g_printerr ("Set AFTERCARE_SERVER to the aftercare-server binary\n");
      return 1;
    }
  session = soup_session_new_with_options ("timeout", 60, NULL);

  g_test_add_func ("/hostile/json/deep", test_json_deep);
  g_test_add_func ("/hostile/json/nul", test_json_nul);
  g_test_add_func ("/hostile/data/uuid-case", test_uuid_case);
  g_test_add_func ("/hostile/log/redaction", test_log_redaction);
  g_test_add_func ("/hostile/pull/page-bytes", test_pull_page_bytes);
  g_test_add_func ("/hostile/push/does-not-block", test_push_does_not_block);
  g_test_add_func ("/hostile/push/same-client-twice", test_push_same_client_twice);
  g_test_add_func ("/hostile/connections/descriptors", test_descriptors);
  g_test_add_func ("/hostile/connections/accept-emfile", test_accept_emfile);
  g_test_add_func ("/hostile/connections/backlog", test_backlog);
  g_test_add_func ("/hostile/connections/timeouts", test_timeouts);
  g_test_add_func ("/hostile/body/content-length", test_body_content_length);
  g_test_add_func ("/hostile/body/chunked", test_body_chunked);
  g_test_add_func ("/hostile/login/spray", test_login_spray);
  g_test_add_func ("/hostile/login/no-lockout", test_login_no_lockout);
  g_test_add_func ("/hostile/login/flood", test_login_flood);
  g_test_add_func ("/hostile/login/names-not-stored", test_login_names_not_stored);
  g_test_add_func ("/hostile/login/trusted-proxy", test_login_trusted_proxy);

  ret = g_test_run ();

  g_object_unref (session);
  return ret;
}
