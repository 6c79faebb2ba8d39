/* test-server.c: integration tests of the real aftercare-server over HTTP.
 *
 * Each server is the built binary (its path in $AFTERCARE_SERVER) started on
 * 127.0.0.1 port 0 with a database in a temporary directory; the tests read
 * its "listening on" line and talk to it with a libsoup client, as the
 * desktop client does. Users are created through the useradd command. */
#define G_LOG_DOMAIN "test-server"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "care-test-db.h"

#define PASSWORD "correct horse battery"

typedef struct
{
  GSubprocess *proc;
  char        *db_path;
  char        *base_url;
} Server;

typedef struct
{
  char *agent;
  char *agent2;
  char *trainer;
  char *technician;
  char *admin;
} Tokens;

static char        *tmp_dir;
static const char  *server_path;
static SoupSession *session;
static Server      *shared;
static Tokens       tokens;

/* Helpers */

static char *
new_uuid (void)
{
  return g_uuid_string_random ();
}

/* Runs the server's command line; returns its exit status. */
static int
run_cli (const char *const *args, const char *input, char **out_stdout, char **out_stderr)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (gpointer) server_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input != NULL ? input : "", NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));

  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);

  return g_subprocess_get_exit_status (proc);
}

static void
add_user (const char *db_path, const char *username, const char *role)
{
  g_autofree char *input = g_strdup_printf ("%s\n", PASSWORD);
  g_autofree char *err = NULL;
  const char      *args[] = { "--db", db_path, "useradd", username, "--role", role, NULL };

  g_assert_cmpint (run_cli (args, input, NULL, &err), ==, 0);
}

/* A server must not outlive a test binary that crashed or was killed. */
static void
die_with_parent (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

static Server *
server_start_full (const char *db_path, const char *cert, const char *key)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  Server          *server = g_new0 (Server, 1);
  const char      *scheme = cert != NULL ? "https" : "http";
  g_autofree char *expected = g_strdup_printf ("listening on %s://127.0.0.1:", scheme);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->db_path = g_strdup (db_path);
  if (cert != NULL)
    server->proc =
        g_subprocess_launcher_spawn (launcher, &error, server_path, "--db", db_path, "--listen",
                                     "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key, NULL);
  else
    server->proc = g_subprocess_launcher_spawn (launcher, &error, server_path, "--db", db_path,
                                                "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->proc));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, expected));
  server->base_url = g_strdup (line + strlen ("listening on "));

  return server;
}

static Server *
server_start (const char *db_path)
{
  return server_start_full (db_path, NULL, NULL);
}

/* Stops a server with SIGTERM and checks that it exits cleanly. */
static void
server_stop (Server *server)
{
  g_autoptr (GError) error = NULL;

  g_subprocess_send_signal (server->proc, SIGTERM);
  g_subprocess_wait (server->proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (server->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (server->proc), ==, 0);

  g_object_unref (server->proc);
  g_free (server->db_path);
  g_free (server->base_url);
  g_free (server);
}

/* One HTTP request; returns the parsed JSON answer (every answer is JSON). */
static JsonNode *
request_full (Server     *server,
              const char *method,
              const char *path,
              const char *token,
              const char *body,
              gssize      body_len,
              gboolean    expect_continue,
              guint      *out_status,
              char      **out_retry_after)
{
  g_autofree char *url = g_strconcat (server->base_url, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GBytes) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *content_type;

  g_assert_nonnull (msg);
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

  if (expect_continue)
    soup_message_headers_set_expectations (soup_message_get_request_headers (msg),
                                           SOUP_EXPECTATION_CONTINUE);

  response = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);

  *out_status = soup_message_get_status (msg);
  if (out_retry_after != NULL)
    *out_retry_after = g_strdup (
        soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After"));

  content_type =
      soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  g_assert_cmpstr (content_type, ==, "application/json");

  json_parser_load_from_data (parser, g_bytes_get_data (response, NULL),
                              (gssize) g_bytes_get_size (response), &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

static JsonNode *
request (Server     *server,
         const char *method,
         const char *path,
         const char *token,
         const char *body,
         guint      *out_status)
{
  return request_full (server, method, path, token, body, -1, FALSE, out_status, NULL);
}

static const char *
error_code (JsonNode *node)
{
  return json_object_get_string_member (
      json_object_get_object_member (json_node_get_object (node), "error"), "code");
}

static char *
login (Server *server, const char *username, const char *password)
{
  g_autofree char *body =
      g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", username, password);
  g_autoptr (JsonNode) node = NULL;
  guint status;

  node = request (server, "POST", "/api/v1/session", NULL, body, &status);
  g_assert_cmpuint (status, ==, 200);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
}

/* Pushes a batch and returns the whole answer; checks the status. */
static JsonObject *
push (Server     *server,
      const char *token,
      const char *client_id,
      const char *mutations,
      guint       expected_status)
{
  g_autofree char *body =
      g_strdup_printf ("{\"client_id\": \"%s\", \"mutations\": [%s]}", client_id, mutations);
  g_autoptr (JsonNode) node = NULL;
  guint status;

  node = request (server, "POST", "/api/v1/sync/push", token, body, &status);
  g_assert_cmpuint (status, ==, expected_status);
  return json_object_ref (json_node_get_object (node));
}

static JsonObject *
result_at (JsonObject *response, guint index)
{
  return json_array_get_object_element (json_object_get_array_member (response, "results"), index);
}

static const char *
status_at (JsonObject *response, guint index)
{
  return json_object_get_string_member (result_at (response, index), "status");
}

/* Pushes one mutation and returns its result status (the result in @out_result). */
static char *
push1 (const char  *token,
       const char  *client_id,
       gint64       mutation_id,
       const char  *entity,
       const char  *id,
       const char  *op,
       gint64       base_rev,
       const char  *fields,
       JsonObject **out_result)
{
  g_autofree char *m = g_strdup_printf (
      "{\"mutation_id\": %" G_GINT64_FORMAT ", \"entity\": \"%s\", "
      "\"id\": \"%s\", \"op\": \"%s\", \"base_rev\": %" G_GINT64_FORMAT ", \"fields\": %s}",
      mutation_id, entity, id, op, base_rev, fields != NULL ? fields : "null");
  g_autoptr (JsonObject) response = push (shared, token, client_id, m, 200);
  char *status = g_strdup (status_at (response, 0));

  if (out_result != NULL)
    *out_result = json_object_ref (result_at (response, 0));
  return status;
}

/* Every change from the beginning, by id (the latest wins, and there must be one per id). */
static GHashTable *
pull_all (Server *server, const char *token, guint limit, guint *out_pages)
{
  GHashTable *by_id =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  g_autofree char *cursor = g_strdup ("");
  gboolean         has_more = TRUE;
  guint            pages = 0;

  while (has_more)
    {
      g_autofree char *path =
          g_strdup_printf ("/api/v1/sync/pull?cursor=%s&limit=%u", cursor, limit);
      g_autoptr (JsonNode) node = NULL;
      JsonObject *page;
      JsonArray  *changes;
      guint       status;

      node = request (server, "GET", path, token, NULL, &status);
      g_assert_cmpuint (status, ==, 200);
      page = json_node_get_object (node);
      changes = json_object_get_array_member (page, "changes");
      g_assert_cmpuint (json_array_get_length (changes), <=, limit);

      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          const char *id = json_object_get_string_member (change, "id");

          /* A record appears once, at its latest change. */
          g_assert_false (g_hash_table_contains (by_id, id));
          g_hash_table_insert (by_id, g_strdup (id), json_object_ref (change));
        }

      has_more = json_object_get_boolean_member (page, "has_more");
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (page, "next_cursor"));
      pages++;
    }

  if (out_pages != NULL)
    *out_pages = pages;
  return by_id;
}

static JsonObject *
pulled (GHashTable *changes, const char *id)
{
  JsonObject *change = g_hash_table_lookup (changes, id);

  g_assert_nonnull (change);
  return change;
}

static const char *
pulled_string (GHashTable *changes, const char *id, const char *field)
{
  JsonObject *change = pulled (changes, id);

  g_assert_false (json_object_get_boolean_member (change, "deleted"));
  return json_object_get_string_member (json_object_get_object_member (change, "fields"), field);
}

static char *
customer_fields (const char *name)
{
  return g_strdup_printf ("{\"kind\": \"person\", \"name\": \"%s\", \"email\": \"x@example.com\"}",
                          name);
}

/* Creates a customer through a fresh client and returns its id. */
static char *
create_customer (const char *token, const char *name)
{
  g_autofree char *client = new_uuid ();
  g_autofree char *fields = customer_fields (name);
  char            *id = new_uuid ();
  g_autofree char *status = push1 (token, client, 1, "customer", id, "create", 0, fields, NULL);

  g_assert_cmpstr (status, ==, "applied");
  return id;
}

/* Tests */

static void
test_health (void)
{
  g_autoptr (JsonNode) node = NULL;
  JsonObject *obj;
  guint       status;

  node = request (shared, "GET", "/api/v1/health", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  obj = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (obj, "database"), ==, "ok");
  g_assert_cmpint (json_object_get_int_member (obj, "protocol"), ==, 1);
}

/* Health until it answers @status (the server handles a signal on its
 * main loop, a moment after it is sent); fails after 30 s. */
static JsonNode *
health_until (Server *server, guint status)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      guint     got;
      JsonNode *node = request (server, "GET", "/api/v1/health", NULL, NULL, &got);

      if (got == status)
        return node;
      json_node_unref (node);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }
}

/* Draining (SIGUSR1, ended by SIGUSR2) makes health answer 503 while
 * other requests are still served; a database file that no longer
 * answers makes it 503 too; SIGTERM still exits 0. */
static void
test_health_drain_and_dead_database (void)
{
  g_autofree char *db_path = g_build_filename (tmp_dir, "health.db", NULL);
  g_autofree char *garbage = g_build_filename (tmp_dir, "health.garbage", NULL);
  g_autofree char *token = NULL;
  g_autoptr (JsonNode) node = NULL;
  JsonObject *obj;
  Server     *server;
  guint       status;

  add_user (db_path, "hana", "agent");
  server = server_start (db_path);
  token = login (server, "hana", PASSWORD);

  g_subprocess_send_signal (server->proc, SIGUSR1);
  node = health_until (server, 503);
  obj = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==, "draining");
  g_assert_cmpstr (json_object_get_string_member (obj, "database"), ==, "ok");
  g_clear_pointer (&node, json_node_unref);
  node = request (server, "GET", "/api/v1/sync/pull", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&node, json_node_unref);

  g_subprocess_send_signal (server->proc, SIGUSR2);
  node = health_until (server, 200);
  g_clear_pointer (&node, json_node_unref);

  g_assert_true (g_file_set_contents (garbage, "not a database", -1, NULL));
  g_assert_cmpint (g_rename (garbage, db_path), ==, 0);
  node = request (server, "GET", "/api/v1/health", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 503);
  obj = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==, "unavailable");
  g_assert_cmpstr (json_object_get_string_member (obj, "database"), ==, "unavailable");

  server_stop (server);
}

static void
test_login_ok (void)
{
  g_autoptr (JsonNode) node = NULL;
  JsonObject *obj, *user;
  guint       status;

  node = request (shared, "POST", "/api/v1/session", NULL,
                  "{\"username\": \"trainer\", \"password\": \"" PASSWORD "\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  obj = json_node_get_object (node);
  g_assert_cmpuint (strlen (json_object_get_string_member (obj, "token")), ==, 64);
  user = json_object_get_object_member (obj, "user");
  g_assert_cmpstr (json_object_get_string_member (user, "username"), ==, "trainer");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "trainer");
  g_assert_cmpint (json_object_get_int_member (user, "id"), >, 0);
}

static void
test_login_bad (void)
{
  g_autoptr (JsonNode) wrong = NULL;
  g_autoptr (JsonNode) unknown = NULL;
  g_autoptr (JsonNode) missing = NULL;
  guint status;

  wrong = request (shared, "POST", "/api/v1/session", NULL,
                   "{\"username\": \"agent\", \"password\": \"not the password\"}", &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (error_code (wrong), ==, "invalid_credentials");

  unknown = request (shared, "POST", "/api/v1/session", NULL,
                     "{\"username\": \"nobody\", \"password\": \"" PASSWORD "\"}", &status);
  g_assert_cmpuint (status, ==, 401);
  /* The same answer: nothing tells which usernames exist. */
  g_assert_cmpstr (error_code (unknown), ==, "invalid_credentials");

  missing = request (shared, "POST", "/api/v1/session", NULL, "{\"username\": \"agent\"}", &status);
  g_assert_cmpuint (status, ==, 400);
}

static void
test_login_throttle (void)
{
  g_autofree char *retry_after = NULL;
  g_autoptr (JsonNode) node = NULL;
  guint status = 0, attempts = 0;

  /* Five failures are free; then each attempt waits 1, 2, 4... seconds after
   * the last failure. Guess until refused (on a slow machine a wait may
   * already be over by the next guess, hence the loop). */
  while (status != 429)
    {
      g_autoptr (JsonNode) attempt =
          request (shared, "POST", "/api/v1/session", NULL,
                   "{\"username\": \"locked\", \"password\": \"guess\"}", &status);
      g_assert_true (status == 401 || (status == 429 && attempts >= 5));
      g_assert_cmpuint (++attempts, <=, 12);
    }

  /* Now even the right password waits. */
  node = request_full (shared, "POST", "/api/v1/session", NULL,
                       "{\"username\": \"locked\", \"password\": \"" PASSWORD "\"}", -1, FALSE,
                       &status, &retry_after);
  g_assert_cmpuint (status, ==, 429);
  g_assert_cmpstr (error_code (node), ==, "too_many_requests");
  g_assert_nonnull (retry_after);
  g_assert_cmpint (g_ascii_strtoll (retry_after, NULL, 10), >=, 1);
}

static void
test_token_missing_and_bad (void)
{
  g_autoptr (JsonNode) none = NULL;
  g_autoptr (JsonNode) bad = NULL;
  g_autoptr (JsonNode) garbage = NULL;
  guint status;

  none = request (shared, "GET", "/api/v1/sync/pull", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (error_code (none), ==, "unauthenticated");

  bad = request (shared, "GET", "/api/v1/sync/pull",
                 "0000000000000000000000000000000000000000000000000000000000000000", NULL, &status);
  g_assert_cmpuint (status, ==, 401);

  garbage =
      request (shared, "POST", "/api/v1/sync/push", "x'; DROP TABLE users; --", "{}", &status);
  g_assert_cmpuint (status, ==, 401);
}

static void
test_token_expired (void)
{
  g_autofree char *token = login (shared, "agent", PASSWORD);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  g_autoptr (JsonNode) before = NULL;
  g_autoptr (JsonNode) after = NULL;
  g_autofree char *age = NULL;
  g_autofree char *count = NULL;
  guint            status;

  before = request (shared, "GET", "/api/v1/sync/pull?limit=1", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);

  /* Only the token's hash (hex digits) is stored; age it in the database. */
  age = g_strdup_printf ("UPDATE tokens SET expires_at = 1 WHERE hash = '%s'", hash);
  count =
      g_strdup_printf ("SELECT count(*) FROM tokens WHERE expires_at = 1 AND hash = '%s'", hash);
  test_db_exec (shared->db_path, age);
  g_assert_cmpint (test_db_query_int (shared->db_path, count), ==, 1);

  after = request (shared, "GET", "/api/v1/sync/pull?limit=1", token, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (error_code (after), ==, "token_expired");
}

static void
test_logout (void)
{
  g_autofree char *token = login (shared, "agent", PASSWORD);
  g_autoptr (JsonNode) before = NULL;
  g_autoptr (JsonNode) out = NULL;
  g_autoptr (JsonNode) after = NULL;
  guint status;

  before = request (shared, "GET", "/api/v1/sync/pull?limit=1", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);

  out = request (shared, "DELETE", "/api/v1/session", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (out), "status"), ==,
                   "logged_out");

  after = request (shared, "GET", "/api/v1/sync/pull?limit=1", token, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (error_code (after), ==, "unauthenticated");
}

static void
test_roles (void)
{
  g_autofree char *client = new_uuid ();
  g_autofree char *customer = create_customer (tokens.agent, "Role Test");
  g_autofree char *product = new_uuid ();
  g_autofree char *warranty = new_uuid ();
  g_autofree char *staff = new_uuid ();
  g_autofree char *course = new_uuid ();
  g_autofree char *fields = NULL;
  g_autofree char *status = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GHashTable) changes = NULL;

  /* The admin sets up a product, a warranty and a staff member. */
  fields = g_strdup_printf (
      "{\"customer_id\": \"%s\", \"serial\": \"SN-%s\", \"name\": \"Printer\"}", customer, product);
  status = push1 (tokens.admin, client, 1, "product", product, "create", 0, fields, NULL);
  g_assert_cmpstr (status, ==, "applied");
  g_clear_pointer (&fields, g_free);
  g_clear_pointer (&status, g_free);
  fields = g_strdup_printf ("{\"product_id\": \"%s\", \"kind\": \"standard\", "
                            "\"start_date\": \"2026-01-01\", \"end_date\": \"2028-01-01\"}",
                            product);
  status = push1 (tokens.admin, client, 2, "warranty", warranty, "create", 0, fields, NULL);
  g_assert_cmpstr (status, ==, "applied");
  g_clear_pointer (&status, g_free);
  status = push1 (tokens.admin, client, 3, "staff", staff, "create", 0,
                  "{\"name\": \"Sam\", \"role\": \"technician\"}", NULL);
  g_assert_cmpstr (status, ==, "applied");

  {
    /* A trainer may not delete a customer. */
    g_autofree char *trainer_client = new_uuid ();
    g_autofree char *s =
        push1 (tokens.trainer, trainer_client, 1, "customer", customer, "delete", 1, NULL, &result);
    g_assert_cmpstr (s, ==, "rejected");
    g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "forbidden");
    g_clear_pointer (&result, json_object_unref);

    /* ...but may create a training course. */
    g_free (s);
    s = push1 (tokens.trainer, trainer_client, 2, "training_course", course, "create", 0,
               "{\"title\": \"GNOME basics\"}", NULL);
    g_assert_cmpstr (s, ==, "applied");
  }

  {
    /* A technician may not edit a warranty. */
    g_autofree char *tech_client = new_uuid ();
    g_autofree char *s = push1 (tokens.technician, tech_client, 1, "warranty", warranty, "update",
                                1, "{\"covers_parts\": {\"from\": null, \"to\": true}}", &result);
    g_assert_cmpstr (s, ==, "rejected");
    g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "forbidden");
    g_clear_pointer (&result, json_object_unref);
  }

  {
    /* An agent may not edit staff. */
    g_autofree char *agent_client = new_uuid ();
    g_autofree char *s = push1 (tokens.agent, agent_client, 1, "staff", staff, "update", 1,
                                "{\"name\": {\"from\": \"Sam\", \"to\": \"Samuel\"}}", &result);
    g_assert_cmpstr (s, ==, "rejected");
    g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "forbidden");
  }

  changes = pull_all (shared, tokens.agent, 1000, NULL);
  g_assert_cmpint (json_object_get_int_member (pulled (changes, customer), "rev"), ==, 1);
  g_assert_false (json_object_get_boolean_member (pulled (changes, customer), "deleted"));
  g_assert_true (json_object_get_null_member (
      json_object_get_object_member (pulled (changes, warranty), "fields"), "covers_parts"));
  g_assert_cmpstr (pulled_string (changes, staff, "name"), ==, "Sam");
  g_assert_cmpstr (pulled_string (changes, course, "title"), ==, "GNOME basics");
}

/* The rows of the role matrix for the after-sales workflows. */
static void
test_roles_workflows (void)
{
  g_autofree char *admin_client = new_uuid ();
  g_autofree char *agent_client = new_uuid ();
  g_autofree char *tech_client = new_uuid ();
  g_autofree char *trainer_client = new_uuid ();
  g_autofree char *customer = create_customer (tokens.agent, "Workflow Roles");
  g_autofree char *product = new_uuid ();
  g_autofree char *appointment = new_uuid ();
  g_autofree char *report = new_uuid ();
  g_autofree char *other_report = new_uuid ();
  g_autofree char *part = new_uuid ();
  g_autofree char *plan = new_uuid ();
  g_autofree char *survey = new_uuid ();
  g_autofree char *fields = NULL;
  g_autofree char *status = NULL;
  g_autoptr (JsonObject) result = NULL;

  fields = g_strdup_printf (
      "{\"customer_id\": \"%s\", \"serial\": \"SN-%s\", \"name\": \"Printer\"}", customer, product);
  status = push1 (tokens.admin, admin_client, 1, "product", product, "create", 0, fields, NULL);
  g_assert_cmpstr (status, ==, "applied");
  g_clear_pointer (&fields, g_free);
  g_clear_pointer (&status, g_free);
  fields = g_strdup_printf ("{\"kind\": \"repair\", \"customer_id\": \"%s\", "
                            "\"start_at\": \"2026-03-02T09:00:00Z\", "
                            "\"end_at\": \"2026-03-02T10:00:00Z\", \"status\": \"done\"}",
                            customer);
  status =
      push1 (tokens.admin, admin_client, 2, "appointment", appointment, "create", 0, fields, NULL);
  g_assert_cmpstr (status, ==, "applied");
  g_clear_pointer (&fields, g_free);
  g_clear_pointer (&status, g_free);

  /* A technician writes the visit report and the parts used... */
  fields = g_strdup_printf ("{\"appointment_id\": \"%s\", \"visit_date\": \"2026-03-02\", "
                            "\"work_done\": \"Replaced the fuser\", \"minutes\": 45}",
                            appointment);
  status =
      push1 (tokens.technician, tech_client, 1, "visit_report", report, "create", 0, fields, NULL);
  g_assert_cmpstr (status, ==, "applied");
  g_clear_pointer (&status, g_free);
  /* ...which a trainer may not. */
  status = push1 (tokens.trainer, trainer_client, 1, "visit_report", other_report, "create", 0,
                  fields, &result);
  g_assert_cmpstr (status, ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "forbidden");
  g_clear_pointer (&result, json_object_unref);
  g_clear_pointer (&fields, g_free);
  g_clear_pointer (&status, g_free);

  fields = g_strdup_printf ("{\"visit_report_id\": \"%s\", \"name\": \"Fuser\", "
                            "\"quantity\": 1, \"unit_price_cents\": 4900}",
                            report);
  status = push1 (tokens.technician, tech_client, 2, "part_usage", part, "create", 0, fields, NULL);
  g_assert_cmpstr (status, ==, "applied");
  g_clear_pointer (&status, g_free);
  status = push1 (tokens.technician, tech_client, 3, "part_usage", part, "delete", 1, NULL, NULL);
  g_assert_cmpstr (status, ==, "applied");
  g_clear_pointer (&fields, g_free);
  g_clear_pointer (&status, g_free);

  /* Maintenance plans are the office's. */
  fields = g_strdup_printf ("{\"product_id\": \"%s\", \"title\": \"Yearly service\", "
                            "\"interval_unit\": \"year\", \"interval_count\": 1, \"visits\": 3, "
                            "\"start_date\": \"2026-04-01\"}",
                            product);
  status = push1 (tokens.technician, tech_client, 4, "maintenance_plan", plan, "create", 0, fields,
                  &result);
  g_assert_cmpstr (status, ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "forbidden");
  g_clear_pointer (&result, json_object_unref);
  g_clear_pointer (&status, g_free);
  status =
      push1 (tokens.agent, agent_client, 1, "maintenance_plan", plan, "create", 0, fields, NULL);
  g_assert_cmpstr (status, ==, "applied");
  g_clear_pointer (&fields, g_free);
  g_clear_pointer (&status, g_free);

  /* Whoever hears a survey's answer records it. */
  fields = g_strdup_printf ("{\"customer_id\": \"%s\", \"appointment_id\": \"%s\", "
                            "\"score\": 5, \"answered_at\": \"2026-03-03T12:00:00Z\"}",
                            customer, appointment);
  status = push1 (tokens.trainer, trainer_client, 2, "survey", survey, "create", 0, fields, NULL);
  g_assert_cmpstr (status, ==, "applied");
  g_clear_pointer (&status, g_free);
  status = push1 (tokens.trainer, trainer_client, 3, "survey", survey, "delete", 1, NULL, &result);
  g_assert_cmpstr (status, ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "forbidden");
}

static void
test_create_update_delete (void)
{
  g_autofree char *client = new_uuid ();
  g_autofree char *keep = new_uuid ();
  g_autofree char *gone = new_uuid ();
  g_autofree char *contact = new_uuid ();
  g_autofree char *mutations = NULL;
  g_autoptr (JsonObject) response = NULL;
  g_autoptr (GHashTable) changes = NULL;
  JsonObject *fields;

  mutations = g_strdup_printf (
      "{\"mutation_id\": 1, \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
      " \"fields\": {\"kind\": \"company\", \"name\": \"Keep Ltd\", \"phone\": \"+1 555 0100\"}},"
      "{\"mutation_id\": 2, \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
      " \"fields\": {\"kind\": \"person\", \"name\": \"Gone Soon\"}},"
      "{\"mutation_id\": 3, \"entity\": \"contact\", \"id\": \"%s\", \"op\": \"create\", "
      " \"fields\": {\"customer_id\": \"%s\", \"name\": \"Owned Contact\"}},"
      "{\"mutation_id\": 4, \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"update\", "
      "\"base_rev\": 1,"
      " \"fields\": {\"name\": {\"from\": \"Keep Ltd\", \"to\": \"Keep Limited\"},"
      "              \"notes\": {\"from\": null, \"to\": \"line one\\nline two\"}}},"
      "{\"mutation_id\": 5, \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"delete\", "
      "\"base_rev\": 1}",
      keep, gone, contact, gone, keep, gone);
  response = push (shared, tokens.agent, client, mutations, 200);

  g_assert_cmpint (json_object_get_int_member (response, "last_mutation_id"), ==, 5);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (response, "results")), ==,
                    5);
  for (guint i = 0; i < 5; i++)
    {
      g_assert_cmpstr (status_at (response, i), ==, "applied");
      g_assert_cmpint (json_object_get_int_member (result_at (response, i), "mutation_id"), ==,
                       i + 1);
    }
  g_assert_cmpint (json_object_get_int_member (result_at (response, 3), "rev"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (result_at (response, 4), "rev"), ==, 2);

  changes = pull_all (shared, tokens.technician, 1000, NULL);
  fields = json_object_get_object_member (pulled (changes, keep), "fields");
  g_assert_cmpstr (json_object_get_string_member (fields, "name"), ==, "Keep Limited");
  g_assert_cmpstr (json_object_get_string_member (fields, "notes"), ==, "line one\nline two");
  g_assert_cmpstr (json_object_get_string_member (fields, "phone"), ==, "+1 555 0100");
  g_assert_cmpint (json_object_get_int_member (pulled (changes, keep), "rev"), ==, 2);

  /* The delete travels as a tombstone, and takes the contact it owns along. */
  g_assert_true (json_object_get_boolean_member (pulled (changes, gone), "deleted"));
  g_assert_true (json_object_get_null_member (pulled (changes, gone), "fields"));
  g_assert_true (json_object_get_boolean_member (pulled (changes, contact), "deleted"));
  g_assert_cmpstr (json_object_get_string_member (pulled (changes, contact), "entity"), ==,
                   "contact");
}

static void
test_replay (void)
{
  g_autofree char *client = new_uuid ();
  g_autofree char *id = new_uuid ();
  g_autofree char *mutations = NULL;
  g_autofree char *first_json = NULL;
  g_autofree char *again_json = NULL;
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) again = NULL;
  g_autoptr (JsonObject) later = NULL;
  g_autoptr (GHashTable) changes = NULL;
  g_autofree char *next = NULL;

  mutations = g_strdup_printf (
      "{\"mutation_id\": 7, \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
      " \"fields\": {\"kind\": \"person\", \"name\": \"Once\"}},"
      "{\"mutation_id\": 8, \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"update\", "
      "\"base_rev\": 1,"
      " \"fields\": {\"name\": {\"from\": \"Once\", \"to\": \"Twice?\"}}},"
      "{\"mutation_id\": 9, \"entity\": \"nonsense\", \"id\": \"%s\", \"op\": \"create\", "
      "\"fields\": {}}",
      id, id, id);

  /* The response got lost; the client sends the same batch again. */
  first = push (shared, tokens.agent, client, mutations, 200);
  again = push (shared, tokens.agent, client, mutations, 200);

  {
    g_autoptr (JsonNode) a = json_node_init_object (json_node_alloc (), first);
    g_autoptr (JsonNode) b = json_node_init_object (json_node_alloc (), again);
    first_json = json_to_string (a, FALSE);
    again_json = json_to_string (b, FALSE);
  }
  g_assert_cmpstr (first_json, ==, again_json);
  g_assert_cmpstr (status_at (first, 2), ==, "rejected");

  /* No duplicate effect: still rev 2, and the next mutation builds on it. */
  changes = pull_all (shared, tokens.agent, 1000, NULL);
  g_assert_cmpint (json_object_get_int_member (pulled (changes, id), "rev"), ==, 2);
  g_assert_cmpstr (pulled_string (changes, id, "name"), ==, "Twice?");

  next = g_strdup_printf ("{\"mutation_id\": 10, \"entity\": \"customer\", \"id\": \"%s\", "
                          "\"op\": \"update\", \"base_rev\": 2, "
                          "\"fields\": {\"name\": {\"from\": \"Twice?\", \"to\": \"Twice\"}}}",
                          id);
  later = push (shared, tokens.agent, client, next, 200);
  g_assert_cmpstr (status_at (later, 0), ==, "applied");
  g_assert_cmpint (json_object_get_int_member (result_at (later, 0), "rev"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (later, "last_mutation_id"), ==, 10);

  {
    /* An id below the mark that was never pushed cannot be applied any more. */
    g_autofree char *old = g_strdup_printf ("{\"mutation_id\": 3, \"entity\": \"customer\", "
                                            "\"id\": \"%s\", \"op\": \"delete\", \"base_rev\": 3}",
                                            id);
    g_autoptr (JsonObject) stale = push (shared, tokens.agent, client, old, 200);
    g_autoptr (GHashTable) after = NULL;

    g_assert_cmpstr (status_at (stale, 0), ==, "rejected");
    g_assert_cmpstr (json_object_get_string_member (result_at (stale, 0), "code"), ==, "stale");
    after = pull_all (shared, tokens.agent, 1000, NULL);
    g_assert_false (json_object_get_boolean_member (pulled (after, id), "deleted"));
  }
}

static void
test_client_of_other_user (void)
{
  g_autofree char *client = new_uuid ();
  g_autofree char *id = create_customer (tokens.agent, "Bound");
  g_autofree char *status = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *body = NULL;
  guint            http_status;

  status = push1 (tokens.agent, client, 1, "customer", id, "update", 1,
                  "{\"language\": {\"from\": null, \"to\": \"fr\"}}", NULL);
  g_assert_cmpstr (status, ==, "applied");

  body = g_strdup_printf ("{\"client_id\": \"%s\", \"mutations\": []}", client);
  node = request (shared, "POST", "/api/v1/sync/push", tokens.trainer, body, &http_status);
  g_assert_cmpuint (http_status, ==, 409);
  g_assert_cmpstr (error_code (node), ==, "conflict");
}

static void
test_merge_different_fields (void)
{
  g_autofree char *id = create_customer (tokens.agent, "Merge Me");
  g_autofree char *client_a = new_uuid ();
  g_autofree char *client_b = new_uuid ();
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GHashTable) changes = NULL;

  a = push1 (tokens.agent, client_a, 1, "customer", id, "update", 1,
             "{\"phone\": {\"from\": null, \"to\": \"+44 20 7946 0000\"}}", NULL);
  g_assert_cmpstr (a, ==, "applied");

  /* B edited rev 1 too, another field: it lands beside A's edit. */
  b = push1 (tokens.agent2, client_b, 1, "customer", id, "update", 1,
             "{\"address\": {\"from\": null, \"to\": \"1 High Street\"}}", &result);
  g_assert_cmpstr (b, ==, "merged");
  g_assert_cmpint (json_object_get_int_member (result, "rev"), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "conflicts")), ==,
                    0);

  changes = pull_all (shared, tokens.agent, 1000, NULL);
  g_assert_cmpstr (pulled_string (changes, id, "phone"), ==, "+44 20 7946 0000");
  g_assert_cmpstr (pulled_string (changes, id, "address"), ==, "1 High Street");
  g_assert_cmpstr (pulled_string (changes, id, "name"), ==, "Merge Me");
}

static void
test_merge_same_field (void)
{
  g_autofree char *id = create_customer (tokens.agent, "Original");
  g_autofree char *client_a = new_uuid ();
  g_autofree char *client_b = new_uuid ();
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) same = NULL;
  g_autoptr (GHashTable) changes = NULL;
  JsonArray  *conflicts;
  JsonObject *conflict;

  a = push1 (tokens.agent, client_a, 1, "customer", id, "update", 1,
             "{\"name\": {\"from\": \"Original\", \"to\": \"From A\"}}", NULL);
  g_assert_cmpstr (a, ==, "applied");

  /* B changes the same field to another value, and another field besides. */
  b = push1 (tokens.agent2, client_b, 1, "customer", id, "update", 1,
             "{\"name\": {\"from\": \"Original\", \"to\": \"From B\"},"
             " \"language\": {\"from\": null, \"to\": \"de\"}}",
             &result);
  g_assert_cmpstr (b, ==, "conflict");
  conflicts = json_object_get_array_member (result, "conflicts");
  g_assert_cmpuint (json_array_get_length (conflicts), ==, 1);
  conflict = json_array_get_object_element (conflicts, 0);
  g_assert_cmpstr (json_object_get_string_member (conflict, "field"), ==, "name");
  g_assert_cmpstr (json_object_get_string_member (conflict, "server"), ==, "From A");
  g_assert_cmpstr (json_object_get_string_member (conflict, "client"), ==, "From B");

  changes = pull_all (shared, tokens.agent, 1000, NULL);
  g_assert_cmpstr (pulled_string (changes, id, "name"), ==, "From A");
  /* The field that did not conflict still landed. */
  g_assert_cmpstr (pulled_string (changes, id, "language"), ==, "de");

  /* Changing a field to the value it already has is no conflict. */
  c = push1 (tokens.agent2, client_b, 2, "customer", id, "update", 1,
             "{\"name\": {\"from\": \"Original\", \"to\": \"From A\"}}", &same);
  g_assert_cmpstr (c, ==, "merged");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (same, "conflicts")), ==,
                    0);
}

static void
test_delete_then_edit (void)
{
  g_autofree char *id = create_customer (tokens.agent, "Delete First");
  g_autofree char *client_a = new_uuid ();
  g_autofree char *client_b = new_uuid ();
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GHashTable) changes = NULL;

  a = push1 (tokens.agent, client_a, 1, "customer", id, "delete", 1, NULL, NULL);
  g_assert_cmpstr (a, ==, "applied");

  b = push1 (tokens.agent2, client_b, 1, "customer", id, "update", 1,
             "{\"name\": {\"from\": \"Delete First\", \"to\": \"Edited\"}}", &result);
  g_assert_cmpstr (b, ==, "conflict");
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "deleted");

  changes = pull_all (shared, tokens.agent, 1000, NULL);
  g_assert_true (json_object_get_boolean_member (pulled (changes, id), "deleted"));
  g_assert_cmpint (json_object_get_int_member (pulled (changes, id), "rev"), ==, 2);
}

static void
test_edit_then_delete (void)
{
  g_autofree char *id = create_customer (tokens.agent, "Edit First");
  g_autofree char *client_a = new_uuid ();
  g_autofree char *client_b = new_uuid ();
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GHashTable) changes = NULL;

  a = push1 (tokens.agent, client_a, 1, "customer", id, "update", 1,
             "{\"notes\": {\"from\": null, \"to\": \"Important\"}}", NULL);
  g_assert_cmpstr (a, ==, "applied");

  /* B deletes what it saw at rev 1: that would drop A's edit unseen. */
  b = push1 (tokens.agent2, client_b, 1, "customer", id, "delete", 1, NULL, &result);
  g_assert_cmpstr (b, ==, "conflict");
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "changed");
  g_assert_cmpint (json_object_get_int_member (result, "rev"), ==, 2);

  changes = pull_all (shared, tokens.agent, 1000, NULL);
  g_assert_cmpstr (pulled_string (changes, id, "notes"), ==, "Important");

  /* Having seen rev 2, B may delete. */
  c = push1 (tokens.agent2, client_b, 2, "customer", id, "delete", 2, NULL, NULL);
  g_assert_cmpstr (c, ==, "applied");
}

static void
test_create_delete_recreate (void)
{
  g_autofree char *client = new_uuid ();
  g_autofree char *id = new_uuid ();
  g_autofree char *again_id = new_uuid ();
  g_autofree char *fields = customer_fields ("Phoenix");
  g_autofree char *other = customer_fields ("Someone Else");
  g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL, *s5 = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GHashTable) changes = NULL;

  s1 = push1 (tokens.agent, client, 1, "customer", id, "create", 0, fields, NULL);
  g_assert_cmpstr (s1, ==, "applied");

  /* A create of an existing id with the same content is idempotent... */
  s2 = push1 (tokens.agent, client, 2, "customer", id, "create", 0, fields, NULL);
  g_assert_cmpstr (s2, ==, "applied");
  /* ...with other content it is a conflict. */
  s3 = push1 (tokens.agent, client, 3, "customer", id, "create", 0, other, &result);
  g_assert_cmpstr (s3, ==, "conflict");
  g_assert_cmpstr (
      json_object_get_string_member (
          json_array_get_object_element (json_object_get_array_member (result, "conflicts"), 0),
          "field"),
      ==, "name");

  g_free (push1 (tokens.agent, client, 4, "customer", id, "delete", 1, NULL, NULL));

  /* The deleted id is not brought back by a create... */
  s4 = push1 (tokens.agent, client, 5, "customer", id, "create", 0, fields, NULL);
  g_assert_cmpstr (s4, ==, "conflict");
  /* ...the same customer comes back as a new record. */
  s5 = push1 (tokens.agent, client, 6, "customer", again_id, "create", 0, fields, NULL);
  g_assert_cmpstr (s5, ==, "applied");

  changes = pull_all (shared, tokens.agent, 1000, NULL);
  g_assert_true (json_object_get_boolean_member (pulled (changes, id), "deleted"));
  g_assert_cmpstr (pulled_string (changes, again_id, "name"), ==, "Phoenix");
}

static void
test_references (void)
{
  g_autofree char *client = new_uuid ();
  g_autofree char *missing = new_uuid ();
  g_autofree char *contact = new_uuid ();
  g_autofree char *customer = create_customer (tokens.agent, "Parent");
  g_autofree char *call = new_uuid ();
  g_autofree char *tech_client = new_uuid ();
  g_autofree char *fields = NULL;
  g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GHashTable) changes = NULL;

  fields = g_strdup_printf ("{\"customer_id\": \"%s\", \"name\": \"Orphan\"}", missing);
  s1 = push1 (tokens.agent, client, 1, "contact", contact, "create", 0, fields, &result);
  g_assert_cmpstr (s1, ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "missing_reference");

  g_free (fields);
  fields = g_strdup_printf ("{\"customer_id\": \"%s\", \"name\": \"Child\"}", customer);
  s2 = push1 (tokens.agent, client, 2, "contact", contact, "create", 0, fields, NULL);
  g_assert_cmpstr (s2, ==, "applied");

  /* A call refers to the contact without owning it. */
  g_free (fields);
  fields = g_strdup_printf ("{\"customer_id\": \"%s\", \"contact_id\": \"%s\", "
                            "\"called_at\": \"2026-11-20T10:00:00Z\", \"direction\": \"inbound\", "
                            "\"subject\": \"Toner\", \"outcome\": \"resolved\"}",
                            customer, contact);
  s3 = push1 (tokens.technician, tech_client, 1, "call_log", call, "create", 0, fields, NULL);
  g_assert_cmpstr (s3, ==, "applied");

  s4 = push1 (tokens.agent, client, 3, "contact", contact, "delete", 1, NULL, NULL);
  g_assert_cmpstr (s4, ==, "applied");

  changes = pull_all (shared, tokens.agent, 1000, NULL);
  g_assert_true (json_object_get_boolean_member (pulled (changes, contact), "deleted"));
  /* The optional reference to the deleted contact was cleared, not left dangling. */
  g_assert_cmpint (json_object_get_int_member (pulled (changes, call), "rev"), ==, 2);
  g_assert_null (pulled_string (changes, call, "contact_id"));
  g_assert_cmpstr (pulled_string (changes, call, "subject"), ==, "Toner");
}

/* Two valid edits whose merge breaks a rule across fields: the second is refused. */
static void
test_merge_invalid (void)
{
  g_autofree char *customer = create_customer (tokens.agent, "Visit Me");
  g_autofree char *visit = new_uuid ();
  g_autofree char *client_a = new_uuid ();
  g_autofree char *client_b = new_uuid ();
  g_autofree char *fields = NULL;
  g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (GHashTable) changes = NULL;

  fields = g_strdup_printf ("{\"kind\": \"repair\", \"customer_id\": \"%s\", "
                            "\"start_at\": \"2026-12-01T09:00:00Z\", "
                            "\"end_at\": \"2026-12-01T11:00:00Z\", \"status\": \"planned\"}",
                            customer);
  s1 = push1 (tokens.technician, client_a, 1, "appointment", visit, "create", 0, fields, NULL);
  g_assert_cmpstr (s1, ==, "applied");

  s2 = push1 (
      tokens.technician, client_a, 2, "appointment", visit, "update", 1,
      "{\"end_at\": {\"from\": \"2026-12-01T11:00:00Z\", \"to\": \"2026-12-01T10:00:00Z\"}}", NULL);
  g_assert_cmpstr (s2, ==, "applied");

  s3 = push1 (
      tokens.agent, client_b, 1, "appointment", visit, "update", 1,
      "{\"start_at\": {\"from\": \"2026-12-01T09:00:00Z\", \"to\": \"2026-12-01T10:30:00Z\"}}",
      &result);
  g_assert_cmpstr (s3, ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "invalid");

  changes = pull_all (shared, tokens.agent, 1000, NULL);
  g_assert_cmpstr (pulled_string (changes, visit, "start_at"), ==, "2026-12-01T09:00:00Z");
  g_assert_cmpstr (pulled_string (changes, visit, "end_at"), ==, "2026-12-01T10:00:00Z");
}

static void
test_unique_serial (void)
{
  g_autofree char *customer = create_customer (tokens.agent, "Two Printers");
  g_autofree char *client = new_uuid ();
  g_autofree char *first = new_uuid ();
  g_autofree char *second = new_uuid ();
  g_autofree char *serial = new_uuid ();
  g_autofree char *fields = NULL;
  g_autofree char *s1 = NULL, *s2 = NULL;
  g_autoptr (JsonObject) result = NULL;

  fields = g_strdup_printf (
      "{\"customer_id\": \"%s\", \"serial\": \"%.20s\", \"name\": \"Printer\"}", customer, serial);
  s1 = push1 (tokens.agent, client, 1, "product", first, "create", 0, fields, NULL);
  g_assert_cmpstr (s1, ==, "applied");
  s2 = push1 (tokens.agent, client, 2, "product", second, "create", 0, fields, &result);
  g_assert_cmpstr (s2, ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "duplicate");
}

/* A batch with bad mutations: each is rejected alone, the good ones land. */
static void
test_bad_mutations (void)
{
  g_autofree char *client = new_uuid ();
  g_autofree char *good = new_uuid ();
  char            *ids[7];
  g_autofree char *mutations = NULL;
  g_autoptr (JsonObject) response = NULL;
  g_autoptr (GHashTable) changes = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = new_uuid ();

  mutations = g_strdup_printf (
      /* wrong JSON type */
      "{\"mutation_id\": 1, \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
      " \"fields\": {\"kind\": \"person\", \"name\": 42}},"
      /* unknown field */
      "{\"mutation_id\": 2, \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
      " \"fields\": {\"kind\": \"person\", \"name\": \"X\", \"shoe_size\": \"44\"}},"
      /* unknown entity */
      "{\"mutation_id\": 3, \"entity\": \"spaceship\", \"id\": \"%s\", \"op\": \"create\", "
      " \"fields\": {\"name\": \"X\"}},"
      /* schema validation: not an email, and a missing required field */
      "{\"mutation_id\": 4, \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
      " \"fields\": {\"kind\": \"person\", \"name\": \"X\", \"email\": \"not-an-email\"}},"
      "{\"mutation_id\": 5, \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
      " \"fields\": {\"kind\": \"person\"}},"
      /* bad UUID, bad op */
      "{\"mutation_id\": 6, \"entity\": \"customer\", \"id\": \"not-a-uuid\", \"op\": \"create\", "
      " \"fields\": {\"kind\": \"person\", \"name\": \"X\"}},"
      "{\"mutation_id\": 7, \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"upsert\", "
      " \"fields\": {\"kind\": \"person\", \"name\": \"X\"}},"
      /* and one good one after them all */
      "{\"mutation_id\": 8, \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
      " \"fields\": {\"kind\": \"person\", \"name\": \"Good\"}}",
      ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], good);
  response = push (shared, tokens.agent, client, mutations, 200);

  for (guint i = 0; i < 7; i++)
    {
      JsonObject *result = result_at (response, i);
      g_assert_cmpstr (status_at (response, i), ==, "rejected");
      g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "invalid");
      g_assert_cmpuint (strlen (json_object_get_string_member (result, "error")), >, 0);
    }
  g_assert_cmpstr (status_at (response, 7), ==, "applied");
  g_assert_cmpint (json_object_get_int_member (response, "last_mutation_id"), ==, 8);

  changes = pull_all (shared, tokens.agent, 1000, NULL);
  for (guint i = 0; i < 6; i++)
    g_assert_false (g_hash_table_contains (changes, ids[i]));
  g_assert_cmpstr (pulled_string (changes, good, "name"), ==, "Good");

  /* g_autofree on an array frees its first element only. */
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_free (ids[i]);
}

typedef struct
{
  const char *body;
  gssize      len;
  guint       status;
  const char *code;
} BadCase;

/* Broken requests: refused as a whole, nothing applied. */
static void
test_bad_requests (void)
{
  g_autofree char *client = new_uuid ();
  g_autofree char *id = new_uuid ();
  g_autofree char *valid = NULL;
  g_autofree char *truncated = NULL;
  g_autofree char *invalid_utf8 = NULL;
  g_autofree char *huge = NULL;
  g_autoptr (GHashTable) changes = NULL;
  const gsize huge_len = 9 * 1024 * 1024;
  BadCase     cases[8];
  guint       n = 0;

  valid = g_strdup_printf ("{\"client_id\": \"%s\", \"mutations\": [{\"mutation_id\": 1, "
                           "\"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
                           "\"fields\": {\"kind\": \"person\", \"name\": \"Never \\u00e9\"}}]}",
                           client, id);
  truncated = g_strndup (valid, strlen (valid) - 7);
  invalid_utf8 = g_strdup (valid);
  /* Replace "é" escape's neighbourhood with a lone continuation byte. */
  invalid_utf8[strstr (invalid_utf8, "Never") - invalid_utf8] = (char) 0xC3;
  invalid_utf8[strstr (invalid_utf8, "ever") - invalid_utf8] = (char) 0x28;
  huge = g_malloc (huge_len);
  memset (huge, ' ', huge_len);
  memcpy (huge, valid, strlen (valid));

  cases[n++] = (BadCase){ "{\"client_id\": ", -1, 400, "malformed" };
  cases[n++] = (BadCase){ truncated, -1, 400, "malformed" };
  cases[n++] = (BadCase){ invalid_utf8, -1, 400, "malformed" };
  cases[n++] = (BadCase){ "[1, 2, 3]", -1, 400, "malformed" };
  cases[n++] = (BadCase){ "{\"client_id\": 5, \"mutations\": []}", -1, 400, "malformed" };
  cases[n++] =
      (BadCase){ "{\"client_id\": \"not-a-uuid\", \"mutations\": []}", -1, 422, "invalid" };
  cases[n++] = (BadCase){ huge, (gssize) huge_len, 413, "too_large" };

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (JsonNode) node = NULL;
      guint status;

      node = request_full (shared, "POST", "/api/v1/sync/push", tokens.agent, cases[i].body,
                           cases[i].len, cases[i].len > 1024, &status, NULL);
      g_test_message ("case %u: %u", i, status);
      g_assert_cmpuint (status, ==, cases[i].status);
      g_assert_cmpstr (error_code (node), ==, cases[i].code);
    }

  {
    /* A chunked body has no Content-Length to refuse early: it is counted
     * as it comes and refused once past the limit (the server then reads
     * on for a moment, enough for this client to finish and read the
     * answer; test-hostile sends bodies that never end). */
    g_autofree char *url = g_strconcat (shared->base_url, "/api/v1/sync/push", NULL);
    g_autofree char *auth = g_strdup_printf ("Bearer %s", tokens.agent);
    g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
    g_autoptr (GInputStream) stream =
        g_memory_input_stream_new_from_data (huge, 8 * 1024 * 1024 + 65536, NULL);
    g_autoptr (GBytes) response = NULL;
    g_autoptr (GError) error = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    soup_message_set_request_body (msg, "application/json", stream, -1);
    response = soup_session_send_and_read (session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 413);
  }

  {
    /* A mutation id that is not an integer breaks the batch shape: 400, and
     * the valid mutation before it is not applied either. */
    g_autofree char *body = g_strdup_printf (
        "{\"client_id\": \"%s\", \"mutations\": [{\"mutation_id\": 1, \"entity\": \"customer\", "
        "\"id\": \"%s\", \"op\": \"create\", \"fields\": {\"kind\": \"person\", \"name\": \"N\"}}, "
        "{\"mutation_id\": \"2\", \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"delete\"}]}",
        client, id, id);
    g_autoptr (JsonNode) node = NULL;
    guint status;

    node = request (shared, "POST", "/api/v1/sync/push", tokens.agent, body, &status);
    g_assert_cmpuint (status, ==, 400);
  }

  changes = pull_all (shared, tokens.agent, 1000, NULL);
  g_assert_false (g_hash_table_contains (changes, id));
}

static void
test_http_errors (void)
{
  g_autoptr (JsonNode) not_found = NULL;
  g_autoptr (JsonNode) method = NULL;
  g_autoptr (JsonNode) cursor = NULL;
  g_autoptr (JsonNode) foreign = NULL;
  g_autoptr (JsonNode) limit = NULL;
  guint status;

  not_found = request (shared, "GET", "/api/v1/nothing", tokens.agent, NULL, &status);
  g_assert_cmpuint (status, ==, 404);
  g_assert_cmpstr (error_code (not_found), ==, "not_found");

  method = request (shared, "DELETE", "/api/v1/sync/pull", tokens.agent, NULL, &status);
  g_assert_cmpuint (status, ==, 405);
  g_assert_cmpstr (error_code (method), ==, "method_not_allowed");

  cursor =
      request (shared, "GET", "/api/v1/sync/pull?cursor=yesterday", tokens.agent, NULL, &status);
  g_assert_cmpuint (status, ==, 400);

  foreign =
      request (shared, "GET", "/api/v1/sync/pull?cursor=00000000.5", tokens.agent, NULL, &status);
  g_assert_cmpuint (status, ==, 409);

  limit = request (shared, "GET", "/api/v1/sync/pull?limit=lots", tokens.agent, NULL, &status);
  g_assert_cmpuint (status, ==, 400);
}

/* 10,000 records pushed, then pulled in pages of 500: none missing, none twice. */
static void
test_pull_10000 (void)
{
  g_autofree char *db_path = test_db_new (tmp_dir, "bulk.db");
  g_autofree char *client = new_uuid ();
  g_autofree char *token = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) changes = NULL;
  Server     *server;
  guint       pages = 0;
  const guint total = 10000, batch = 1000;

  add_user (db_path, "bulk", "agent");
  server = server_start (db_path);
  token = login (server, "bulk", PASSWORD);

  for (guint start = 0; start < total; start += batch)
    {
      g_autoptr (GString) body = g_string_new (NULL);
      g_autoptr (JsonNode) node = NULL;
      JsonArray *results;
      guint      status;

      g_string_append_printf (body, "{\"client_id\": \"%s\", \"mutations\": [", client);
      for (guint i = start; i < start + batch; i++)
        {
          char *id = new_uuid ();

          g_ptr_array_add (ids, id);
          g_string_append_printf (
              body,
              "%s{\"mutation_id\": %u, \"entity\": \"customer\", \"id\": \"%s\", "
              "\"op\": \"create\", \"fields\": {\"kind\": \"company\", "
              "\"name\": \"Customer %05u\"}}",
              i == start ? "" : ",", i + 1, id, i);
        }
      g_string_append (body, "]}");

      node = request (server, "POST", "/api/v1/sync/push", token, body->str, &status);
      g_assert_cmpuint (status, ==, 200);
      results = json_object_get_array_member (json_node_get_object (node), "results");
      g_assert_cmpuint (json_array_get_length (results), ==, batch);
      for (guint i = 0; i < batch; i++)
        g_assert_cmpstr (
            json_object_get_string_member (json_array_get_object_element (results, i), "status"),
            ==, "applied");
    }

  changes = pull_all (server, token, 500, &pages);
  g_assert_cmpuint (g_hash_table_size (changes), ==, total);
  g_assert_cmpuint (pages, ==, total / 500);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *name = g_strdup_printf ("Customer %05u", i);
      g_assert_cmpstr (pulled_string (changes, g_ptr_array_index (ids, i), "name"), ==, name);
    }

  {
    /* A limit above the maximum is clamped. */
    g_autoptr (JsonNode) node = NULL;
    guint status;

    node = request (server, "GET", "/api/v1/sync/pull?limit=5000", token, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpuint (json_array_get_length (
                          json_object_get_array_member (json_node_get_object (node), "changes")),
                      ==, 1000);
  }

  server_stop (server);
}

static void
test_cli_useradd (void)
{
  g_autofree char *db_path = test_db_new (tmp_dir, "users.db");
  g_autofree char *err = NULL;
  const char      *again[] = { "--db", db_path, "useradd", "pat", "--role", "technician", NULL };
  const char      *short_pw[] = { "--db", db_path, "useradd", "kim", "--role", "agent", NULL };
  const char      *no_staff[] = { "--db",    db_path,
                                  "useradd", "lee",
                                  "--role",  "technician",
                                  "--staff", "8d2f3c1e-0000-4000-8000-000000000000",
                                  NULL };
  const char      *bad_staff[] = { "--db",       db_path,   "useradd", "lee", "--role",
                                   "technician", "--staff", "nope",    NULL };
  g_autofree char *token = NULL;
  Server          *server;

  add_user (db_path, "pat", "technician");
  g_assert_cmpint (run_cli (again, PASSWORD "\n", NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "already exists"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (short_pw, "short\n", NULL, &err), ==, 1);
  g_clear_pointer (&err, g_free);

  /* A login may only stand for a staff record that exists. */
  g_assert_cmpint (run_cli (no_staff, PASSWORD "\n", NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "no staff record"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (bad_staff, PASSWORD "\n", NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "not a staff record id"));

  server = server_start (db_path);
  token = login (server, "pat", PASSWORD);
  g_assert_cmpuint (strlen (token), ==, 64);
  server_stop (server);
}

static void
test_cli_demo (void)
{
  g_autofree char *db_path = test_db_new (tmp_dir, "demo.db");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GHashTable) changes = NULL;
  g_autofree char *token = NULL;
  const char      *args[] = { "--db", db_path, "demo", "--customers", "5", NULL };
  const char      *technician_password = NULL;
  Server          *server;
  guint            n_users = 0;
  guint            status;

  g_assert_cmpint (run_cli (args, NULL, &out, &err), ==, 0);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) cols = g_strsplit (lines[i], "\t", -1);

      g_assert_cmpuint (g_strv_length (cols), ==, 3);
      if (g_strcmp0 (cols[1], "technician") == 0)
        {
          g_assert_cmpstr (cols[0], ==, "demo-technician");
          technician_password = strrchr (lines[i], '\t') + 1;
        }
      n_users++;
    }
  g_assert_cmpuint (n_users, ==, 4);
  g_assert_nonnull (technician_password);

  /* A second run refuses instead of duplicating users. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (args, NULL, NULL, &err), ==, 1);

  server = server_start (db_path);
  token = login (server, "demo-technician", technician_password);
  changes = pull_all (server, token, 1000, NULL);
  g_assert_cmpuint (g_hash_table_size (changes), >, 5 * 3);

  {
    /* demo-technician stands for a technician of the demo staff, so it
     * may subscribe to its own calendar. */
    g_autofree char *body = g_strdup_printf (
        "{\"username\": \"demo-technician\", \"password\": \"%s\"}", technician_password);
    g_autoptr (JsonNode) node = request (server, "POST", "/api/v1/session", NULL, body, &status);
    JsonObject      *user = json_object_get_object_member (json_node_get_object (node), "user");
    const char      *staff_id = json_object_get_string_member (user, "staff_id");
    g_autofree char *feed_body = NULL;
    g_autoptr (JsonNode) feed = NULL;

    g_assert_cmpuint (status, ==, 200);
    g_assert_nonnull (staff_id);
    g_assert_cmpstr (pulled_string (changes, staff_id, "role"), ==, "technician");
    feed_body = g_strdup_printf ("{\"staff_id\": \"%s\"}", staff_id);
    feed = request (server, "POST", "/api/v1/calendar/feeds", token, feed_body, &status);
    g_assert_cmpuint (status, ==, 201);
  }
  server_stop (server);
}

static void
test_cli_bad_command_line (void)
{
  g_autofree char *db_path = test_db_new (tmp_dir, "cli.db");
  const char      *no_db[] = { "--listen", "127.0.0.1:0", NULL };
  const char      *nothing[] = { "--db", db_path, NULL };
  const char      *unknown_option[] = { "--db", db_path, "--frobnicate", NULL };
  const char      *unknown_command[] = { "--db", db_path, "explode", NULL };
  const char      *no_role[] = { "--db", db_path, "useradd", "x", NULL };
  const char      *bad_role[] = { "--db", db_path, "useradd", "x", "--role", "king", NULL };
  const char      *two_names[] = { "--db", db_path, "useradd", "x", "y", "--role", "agent", NULL };
  const char      *bad_size[] = { "--db", db_path, "demo", "--customers", "0", NULL };
  const char      *half_tls[] = {
         "--db", db_path, "--listen", "127.0.0.1:0", "--tls-cert", "c.pem", NULL
  };
  const char *const *cases[] = { no_db,    nothing,   unknown_option, unknown_command, no_role,
                                 bad_role, two_names, bad_size,       half_tls };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;

      g_assert_cmpint (run_cli (cases[i], NULL, NULL, &err), ==, 2);
      g_assert_nonnull (strstr (err, "Usage:"));
    }

  /* None of them created the database. */
  g_assert_false (g_file_test (db_path, G_FILE_TEST_EXISTS));
}

static void
test_cli_newer_database (void)
{
  g_autofree char *db_path = test_db_new (tmp_dir, "future.db");
  g_autofree char *err = NULL;
  const char      *args[] = { "--db", db_path, "--listen", "127.0.0.1:0", NULL };

  add_user (db_path, "someone", "agent");
  test_db_exec (db_path, test_db_is_postgres () ? "UPDATE schema_version SET version = 99"
                                                : "PRAGMA user_version = 99");

  /* A database written by a newer server is refused, not damaged. */
  g_assert_cmpint (run_cli (args, NULL, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "newer version"));
}

/* A version 1 database (before calendar feeds) is migrated in place and
 * keeps its users. It is made by taking migrations 2 and later back out of
 * a new one (test-server-db migrates from every version). */
static void
test_cli_upgrade_from_1 (void)
{
  g_autofree char *db_path = test_db_new (tmp_dir, "version1.db");
  Server          *server;
  g_autofree char *token = NULL;

  if (test_db_is_postgres ())
    {
      g_test_skip ("SQLite's migrations; PostgreSQL starts at the current schema");
      return;
    }

  add_user (db_path, "veteran", "technician");
  test_db_exec (db_path, "DROP TABLE history; "
                         "DROP TABLE login_recent; "
                         "DROP TABLE login_known; "
                         "DROP TABLE login_throttle; "
                         "CREATE TABLE login_failures (username TEXT PRIMARY KEY, "
                         "failures INTEGER NOT NULL, last_failure_at INTEGER NOT NULL); "
                         "DROP INDEX record_unique_serial; "
                         "DROP TABLE calendar_feeds; "
                         "ALTER TABLE users DROP COLUMN staff_id; "
                         "PRAGMA user_version = 1");

  server = server_start (db_path);
  token = login (server, "veteran", PASSWORD);
  g_assert_cmpuint (strlen (token), ==, 64);
  server_stop (server);

  g_assert_cmpint (test_db_query_int (db_path, "PRAGMA user_version"), >=, 3);
  test_db_exec (db_path, "SELECT staff_id FROM users; SELECT id FROM calendar_feeds; "
                         "SELECT id, record_id, how FROM history");
}

static void
test_sigterm (void)
{
  g_autofree char *db_path = test_db_new (tmp_dir, "sigterm.db");
  g_autoptr (JsonNode) node = NULL;
  Server *server;
  guint   status;

  server = server_start (db_path);
  node = request (server, "GET", "/api/v1/health", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  server_stop (server); /* asserts exit status 0 */

  /* Ctrl+C in a terminal is as clean. */
  server = server_start (db_path);
  g_subprocess_send_signal (server->proc, SIGINT);
  g_assert_true (g_subprocess_wait (server->proc, NULL, NULL));
  g_assert_true (g_subprocess_get_if_exited (server->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (server->proc), ==, 0);
  g_object_unref (server->proc);
  g_free (server->db_path);
  g_free (server->base_url);
  g_free (server);
}

static void
test_tls (void)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *db_path = test_db_new (tmp_dir, "tls.db");
  g_autofree char *cert = g_build_filename (tmp_dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (tmp_dir, "key.pem", NULL);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GTlsDatabase) trust = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  SoupSession *saved = session;
  Server      *server;
  guint        status;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is needed to make a test certificate");
      return;
    }

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                           "-addext", "subjectAltName=IP:127.0.0.1", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (proc, NULL, &error));
  g_assert_no_error (error);

  server = server_start_full (db_path, cert, key);

  /* The client trusts exactly this certificate, as a deployment would pin its CA. */
  trust = g_tls_file_database_new (cert, &error);
  g_assert_no_error (error);
  session = soup_session_new_with_options ("timeout", 60, "tls-database", trust, NULL);
  node = request (server, "GET", "/api/v1/health", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_object_unref (session);
  session = saved;

  server_stop (server);
}

/* One page of a record's history; checks the status. */
static JsonNode *
history_page (
    const char *token, const char *entity, const char *id, const char *query, guint expected_status)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/history/%s/%s%s%s", entity, id,
                                           query != NULL ? "?" : "", query != NULL ? query : "");
  JsonNode        *node;
  guint            status;

  node = request (shared, "GET", path, token, NULL, &status);
  g_assert_cmpuint (status, ==, expected_status);
  return node;
}

/* Every entry of a record's history, newest first, read @limit at a time. */
static GPtrArray *
history_all (const char *token, const char *entity, const char *id, guint limit)
{
  GPtrArray       *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autofree char *cursor = g_strdup ("");
  gboolean         has_more = TRUE;

  while (has_more)
    {
      g_autofree char *query = g_strdup_printf ("limit=%u&cursor=%s", limit, cursor);
      g_autoptr (JsonNode) node = history_page (token, entity, id, query, 200);
      JsonObject *page = json_node_get_object (node);
      JsonArray  *list = json_object_get_array_member (page, "entries");

      g_autoptr (GHashTable) changes = g_hash_table_new (g_str_hash, g_str_equal);

      g_assert_cmpstr (json_object_get_string_member (page, "id"), ==, id);
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *entry = json_array_get_object_element (list, i);

          g_hash_table_add (changes, (gpointer) json_object_get_string_member (entry, "cursor"));
          g_ptr_array_add (entries, json_object_ref (entry));
        }
      /* The limit counts changes; an update of several fields is one. */
      g_assert_cmpuint (g_hash_table_size (changes), <=, limit);

      has_more = json_object_get_boolean_member (page, "has_more");
      g_free (cursor);
      cursor = g_strdup (has_more ? json_object_get_string_member (page, "next_cursor") : "");
      g_assert_true (!has_more || cursor[0] != '\0');
    }

  return entries;
}

static void
assert_entry (JsonObject *entry,
              const char *op,
              const char *field,
              const char *how,
              const char *username,
              const char *role)
{
  JsonObject *user = json_object_get_object_member (entry, "user");

  g_assert_cmpstr (json_object_get_string_member (entry, "op"), ==, op);
  if (field != NULL)
    g_assert_cmpstr (json_object_get_string_member (entry, "field"), ==, field);
  else
    g_assert_true (json_object_get_null_member (entry, "field"));
  g_assert_cmpstr (json_object_get_string_member (entry, "how"), ==, how);
  g_assert_cmpstr (json_object_get_string_member (user, "username"), ==, username);
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, role);
  g_assert_cmpstr (json_object_get_string_member (entry, "at"), !=, "");
}

/* Every applied change is in the record's history: who, from which client,
 * old and new value, and whether it merged; a rejected mutation and a
 * conflicting field leave none; a cascade is told as such. */
static void
test_history_record (void)
{
  g_autofree char *client = new_uuid ();
  g_autofree char *client2 = new_uuid ();
  g_autofree char *admin_client = new_uuid ();
  g_autofree char *id = new_uuid ();
  g_autofree char *contact = new_uuid ();
  g_autofree char *missing = new_uuid ();
  g_autofree char *m = NULL;
  g_autoptr (JsonObject) response = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) paged = NULL;
  g_autoptr (GPtrArray) contact_entries = NULL;
  JsonObject *entry;

  m = g_strdup_printf (
      "{\"mutation_id\": 1, \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
      " \"fields\": {\"kind\": \"company\", \"name\": \"History Ltd\"}},"
      "{\"mutation_id\": 2, \"entity\": \"contact\", \"id\": \"%s\", \"op\": \"create\", "
      " \"fields\": {\"customer_id\": \"%s\", \"name\": \"Owned Contact\"}},"
      "{\"mutation_id\": 3, \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"update\", "
      " \"base_rev\": 1, \"fields\": {\"name\": {\"from\": \"History Ltd\", \"to\": "
      "\"History Limited\"}, \"notes\": {\"from\": null, \"to\": \"first \\\"note\\\"\\n\\ttab\\\\ "
      "\u00e9\"}}},"
      /* Rejected as a whole: nothing of it may reach the history. */
      "{\"mutation_id\": 4, \"entity\": \"contact\", \"id\": \"%s\", \"op\": \"update\", "
      " \"base_rev\": 1, \"fields\": {\"customer_id\": {\"from\": \"%s\", \"to\": \"%s\"}}}",
      id, contact, id, id, contact, id, missing);
  response = push (shared, tokens.agent, client, m, 200);
  g_assert_cmpstr (status_at (response, 2), ==, "applied");
  g_assert_cmpstr (status_at (response, 3), ==, "rejected");
  g_clear_pointer (&response, json_object_unref);
  g_clear_pointer (&m, g_free);

  /* Another agent's stale edit: phone merges, name conflicts (server keeps its value). */
  m = g_strdup_printf (
      "{\"mutation_id\": 1, \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"update\", "
      " \"base_rev\": 1, \"fields\": {\"phone\": {\"from\": null, \"to\": \"+1 555 0199\"}, "
      " \"name\": {\"from\": \"History Ltd\", \"to\": \"Other Name\"}}},"
      /* The user then settles the conflict with their own name. */
      "{\"mutation_id\": 2, \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"update\", "
      " \"base_rev\": 3, \"conflict_choice\": true, \"fields\": {\"name\": {\"from\": "
      "\"History Limited\", \"to\": \"Other Name\"}}}",
      id, id);
  response = push (shared, tokens.agent2, client2, m, 200);
  g_assert_cmpstr (status_at (response, 0), ==, "conflict");
  g_assert_cmpstr (status_at (response, 1), ==, "applied");
  g_clear_pointer (&response, json_object_unref);
  g_clear_pointer (&m, g_free);

  m = g_strdup_printf ("{\"mutation_id\": 1, \"entity\": \"customer\", \"id\": \"%s\", "
                       "\"op\": \"delete\", \"base_rev\": 4}",
                       id);
  response = push (shared, tokens.admin, admin_client, m, 200);
  g_assert_cmpstr (status_at (response, 0), ==, "applied");

  /* Every role reads every record's history; a deleted record keeps it. */
  entries = history_all (tokens.technician, "customer", id, 50);
  g_assert_cmpuint (entries->len, ==, 6);

  entry = g_ptr_array_index (entries, 0);
  assert_entry (entry, "delete", NULL, "applied", "admin", "admin");
  g_assert_cmpstr (json_object_get_string_member (entry, "client_id"), ==, admin_client);
  g_assert_true (json_object_get_null_member (entry, "new"));
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (entry, "old"), "name"), ==,
      "Other Name");

  entry = g_ptr_array_index (entries, 1);
  assert_entry (entry, "update", "name", "conflict_choice", "agent2", "agent");
  g_assert_cmpstr (json_object_get_string_member (entry, "old"), ==, "History Limited");
  g_assert_cmpstr (json_object_get_string_member (entry, "new"), ==, "Other Name");

  /* The conflicting name of the merged push is not there: only its phone. */
  entry = g_ptr_array_index (entries, 2);
  assert_entry (entry, "update", "phone", "merged", "agent2", "agent");
  g_assert_cmpstr (json_object_get_string_member (entry, "client_id"), ==, client2);
  g_assert_true (json_object_get_null_member (entry, "old"));
  g_assert_cmpstr (json_object_get_string_member (entry, "new"), ==, "+1 555 0199");

  /* One mutation of two fields: an entry for each, as one change. */
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (entries, 3), "cursor"), ==,
                   json_object_get_string_member (g_ptr_array_index (entries, 4), "cursor"));
  for (guint i = 3; i <= 4; i++)
    {
      entry = g_ptr_array_index (entries, i);
      if (g_strcmp0 (json_object_get_string_member (entry, "field"), "name") == 0)
        {
          assert_entry (entry, "update", "name", "applied", "agent", "agent");
          g_assert_cmpstr (json_object_get_string_member (entry, "old"), ==, "History Ltd");
          g_assert_cmpstr (json_object_get_string_member (entry, "new"), ==, "History Limited");
        }
      else
        {
          assert_entry (entry, "update", "notes", "applied", "agent", "agent");
          g_assert_true (json_object_get_null_member (entry, "old"));
          /* Quotes, control characters and non-ASCII come back as sent. */
          g_assert_cmpstr (json_object_get_string_member (entry, "new"), ==,
                           "first \"note\"\n\ttab\\ \u00e9");
        }
    }

  entry = g_ptr_array_index (entries, 5);
  assert_entry (entry, "create", NULL, "applied", "agent", "agent");
  g_assert_cmpstr (json_object_get_string_member (entry, "client_id"), ==, client);
  g_assert_true (json_object_get_null_member (entry, "old"));
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (entry, "new"), "name"), ==,
      "History Ltd");

  /* Pages of two hold the same entries in the same order, each once. */
  paged = history_all (tokens.trainer, "customer", id, 2);
  g_assert_cmpuint (paged->len, ==, entries->len);
  for (guint i = 0; i < paged->len; i++)
    g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (paged, i), "cursor"), ==,
                     json_object_get_string_member (g_ptr_array_index (entries, i), "cursor"));

  /* The contact: created, never changed by the rejected mutation, and
   * deleted along with its customer. */
  contact_entries = history_all (tokens.agent, "contact", contact, 50);
  g_assert_cmpuint (contact_entries->len, ==, 2);
  assert_entry (g_ptr_array_index (contact_entries, 0), "delete", NULL, "cascade", "admin",
                "admin");
  assert_entry (g_ptr_array_index (contact_entries, 1), "create", NULL, "applied", "agent",
                "agent");
}

/* Bad addresses and parameters answer 400 with a JSON error; a record the
 * server never had 404; the history cannot be written over HTTP. */
static void
test_history_bad_requests (void)
{
  g_autofree char *id = create_customer (tokens.agent, "History Input");
  g_autofree char *unknown = new_uuid ();
  g_autofree char *path = g_strdup_printf ("/api/v1/history/customer/%s", id);
  g_autofree char *long_entity = g_strnfill (5000, 'e');
  const char      *bad_queries[] = { "limit=0",
                                     "limit=201",
                                     "limit=abc",
                                     "limit=-1",
                                     "limit=1e3",
                                     "cursor=abc",
                                     "cursor=-5",
                                     "cursor=0",
                                     "cursor=99999999999999999999999",
                                     "limit=%2500",
                                     "limit=5&cursor=%ff%fe" };
  const char      *methods[] = { "POST", "PUT", "DELETE", "PATCH" };
  struct
  {
    const char *path;
    guint       status;
    const char *code;
  } bad_paths[] = {
    { "/api/v1/history/", 400, "malformed" },
    { "/api/v1/history/customer", 400, "malformed" },
    { "/api/v1/history/customer/", 400, "malformed" },
    { "/api/v1/history/customer/not-a-uuid", 400, "malformed" },
    { "/api/v1/history/nosuchthing/00000000-0000-4000-8000-000000000000", 400, "malformed" },
    { "/api/v1/history/customer/00000000-0000-4000-8000-000000000000/extra", 400, "malformed" },
  };
  guint status;

  for (guint i = 0; i < G_N_ELEMENTS (bad_queries); i++)
    {
      g_autoptr (JsonNode) node = history_page (tokens.agent, "customer", id, bad_queries[i], 400);
      g_test_message ("query %s", bad_queries[i]);
      g_assert_cmpstr (error_code (node), ==, "malformed");
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_paths); i++)
    {
      g_autoptr (JsonNode) node =
          request (shared, "GET", bad_paths[i].path, tokens.agent, NULL, &status);
      g_test_message ("path %s", bad_paths[i].path);
      g_assert_cmpuint (status, ==, bad_paths[i].status);
      g_assert_cmpstr (error_code (node), ==, bad_paths[i].code);
    }

  {
    g_autofree char *huge = g_strdup_printf ("/api/v1/history/%s/%s", long_entity, id);
    g_autoptr (JsonNode) node = request (shared, "GET", huge, tokens.agent, NULL, &status);
    g_assert_cmpuint (status, ==, 400);
  }

  {
    g_autoptr (JsonNode) node = history_page (tokens.agent, "customer", unknown, NULL, 404);
    g_assert_cmpstr (error_code (node), ==, "not_found");
  }

  {
    g_autoptr (JsonNode) node = request (shared, "GET", path, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 401);
  }
  {
    g_autoptr (JsonNode) node = request (shared, "GET", path, "not-a-token", NULL, &status);
    g_assert_cmpuint (status, ==, 401);
  }

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr (JsonNode) node = request (shared, methods[i], path, tokens.admin, "{}", &status);
      g_assert_cmpuint (status, ==, 405);
      g_assert_cmpstr (error_code (node), ==, "method_not_allowed");
    }

  /* Upper-case ids are the same record; the one entry is still there. */
  {
    g_autofree char *upper = g_ascii_strup (id, -1);
    g_autoptr (JsonNode) node = history_page (tokens.agent, "customer", upper, NULL, 200);
    JsonArray *list = json_object_get_array_member (json_node_get_object (node), "entries");

    g_assert_cmpuint (json_array_get_length (list), ==, 1);
    g_assert_false (json_object_get_boolean_member (json_node_get_object (node), "has_more"));
    g_assert_true (json_object_get_null_member (json_node_get_object (node), "next_cursor"));
  }

  /* conflict_choice must be a boolean. */
  {
    g_autofree char *client = new_uuid ();
    g_autofree char *status_text =
        push1 (tokens.agent, client, 1, "customer", id, "update", 1,
               "{\"notes\": {\"from\": null, \"to\": \"x\"}}, \"conflict_choice\": \"yes\"", NULL);
    g_assert_cmpstr (status_text, ==, "rejected");
  }
}

int
main (int argc, char *argv[])
{
  g_autofree char *db_path = NULL;
  int              ret;

  g_test_init (&argc, &argv, NULL);

  server_path = g_getenv ("AFTERCARE_SERVER");
  if (server_path == NULL)
    {
      g_printerr ("Set AFTERCARE_SERVER to the aftercare-server binary\n");
      return 1;
    }

  tmp_dir = g_dir_make_tmp ("aftercare-server-test-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  session = soup_session_new_with_options ("timeout", 60, NULL);

  db_path = test_db_new (tmp_dir, "shared.db");
  add_user (db_path, "agent", "agent");
  add_user (db_path, "agent2", "agent");
  add_user (db_path, "trainer", "trainer");
  add_user (db_path, "technician", "technician");
  add_user (db_path, "admin", "admin");
  add_user (db_path, "locked", "agent");
  shared = server_start (db_path);
  tokens.agent = login (shared, "agent", PASSWORD);
  tokens.agent2 = login (shared, "agent2", PASSWORD);
  tokens.trainer = login (shared, "trainer", PASSWORD);
  tokens.technician = login (shared, "technician", PASSWORD);
  tokens.admin = login (shared, "admin", PASSWORD);

  g_test_add_func ("/server/health", test_health);
  g_test_add_func ("/server/health-drain-and-dead-database", test_health_drain_and_dead_database);
  g_test_add_func ("/server/login/ok", test_login_ok);
  g_test_add_func ("/server/login/bad", test_login_bad);
  g_test_add_func ("/server/login/throttle", test_login_throttle);
  g_test_add_func ("/server/token/missing-and-bad", test_token_missing_and_bad);
  g_test_add_func ("/server/token/expired", test_token_expired);
  g_test_add_func ("/server/token/logout", test_logout);
  g_test_add_func ("/server/roles", test_roles);
  g_test_add_func ("/server/roles/workflows", test_roles_workflows);
  g_test_add_func ("/server/push/create-update-delete", test_create_update_delete);
  g_test_add_func ("/server/push/replay", test_replay);
  g_test_add_func ("/server/push/client-of-other-user", test_client_of_other_user);
  g_test_add_func ("/server/push/references", test_references);
  g_test_add_func ("/server/push/create-delete-recreate", test_create_delete_recreate);
  g_test_add_func ("/server/merge/different-fields", test_merge_different_fields);
  g_test_add_func ("/server/merge/same-field", test_merge_same_field);
  g_test_add_func ("/server/merge/delete-then-edit", test_delete_then_edit);
  g_test_add_func ("/server/merge/edit-then-delete", test_edit_then_delete);
  g_test_add_func ("/server/merge/invalid-merge", test_merge_invalid);
  g_test_add_func ("/server/push/unique", test_unique_serial);
  g_test_add_func ("/server/input/bad-mutations", test_bad_mutations);
  g_test_add_func ("/server/input/bad-requests", test_bad_requests);
  g_test_add_func ("/server/http/errors", test_http_errors);
  g_test_add_func ("/server/pull/10000", test_pull_10000);
  g_test_add_func ("/server/history/record", test_history_record);
  g_test_add_func ("/server/history/bad-requests", test_history_bad_requests);
  g_test_add_func ("/server/cli/useradd", test_cli_useradd);
  g_test_add_func ("/server/cli/demo", test_cli_demo);
  g_test_add_func ("/server/cli/bad-command-line", test_cli_bad_command_line);
  g_test_add_func ("/server/cli/sigterm", test_sigterm);
  g_test_add_func ("/server/cli/newer-database", test_cli_newer_database);
  g_test_add_func ("/server/cli/upgrade-from-1", test_cli_upgrade_from_1);
  g_test_add_func ("/server/cli/tls", test_tls);

  ret = g_test_run ();

  server_stop (shared);
  g_free (tokens.agent);
  g_free (tokens.agent2);
  g_free (tokens.trainer);
  g_free (tokens.technician);
  g_free (tokens.admin);
  g_object_unref (session);
  test_remove_tree (tmp_dir);
  g_free (tmp_dir);

  return ret;
}
