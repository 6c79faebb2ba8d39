/* test-multi-server.c: several aftercare-server processes on one PostgreSQL database.
 *
 * Real processes, no mocks: two servers share one database of the cluster
 * run-with-postgres.sh started, and a client may reach either of them
 * request by request, as behind a load balancer. Pushes of one client sent
 * to both at once are applied once; a pull cursor handed out while a
 * transaction holds a sequence number never skips its change; tokens,
 * feed tokens and sign-in throttling hold whichever process answers; and
 * `migrate` moves an SQLite office up without clients pulling again. */
#define G_LOG_DOMAIN "test-multi-server"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>
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
  char        *base_url;
} Server;

static char        *tmp_dir;
static const char  *server_path;
static SoupSession *session;

/* Helpers */

static void
die_with_parent (gpointer data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGKILL);
#endif
}

static int
run_cli (const char *const *args, const char *input, char **out_stdout, char **out_stderr)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                 G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_ptr_array_add (argv, (gpointer) server_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input != NULL ? input : "", NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));

  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);
  else if (err != NULL && err[0] != '\0')
    g_test_message ("aftercare-server: %s", err);

  return g_subprocess_get_exit_status (proc);
}

static void
add_user (const char *db, const char *username, const char *role)
{
  const char *args[] = { "--db", db, "useradd", username, "--role", role, NULL };

  g_assert_cmpint (run_cli (args, PASSWORD "\n", NULL, NULL), ==, 0);
}

static Server *
server_start (const char *db)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  Server          *server = g_new0 (Server, 1);
  const char      *url;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->proc = g_subprocess_launcher_spawn (launcher, &error, server_path, "--db", db, "--listen",
                                              "127.0.0.1:0", NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->proc));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  url = strstr (line, "http://");
  g_assert_nonnull (url);
  server->base_url = g_strdup (g_strstrip ((char *) url));

  return server;
}

static void
server_stop (Server *server)
{
  g_subprocess_send_signal (server->proc, SIGTERM);
  g_assert_true (g_subprocess_wait (server->proc, NULL, NULL));
  g_object_unref (server->proc);
  g_free (server->base_url);
  g_free (server);
}

static SoupMessage *
new_message (
    Server *server, const char *method, const char *path, const char *token, const char *body)
{
  g_autofree char *url = g_strconcat (server->base_url, path, NULL);
  SoupMessage     *msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  return msg;
}

static JsonNode *
parse (GBytes *bytes)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                              (gssize) g_bytes_get_size (bytes), &error);
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
  g_autoptr (SoupMessage) msg = new_message (server, method, path, token, body);
  g_autoptr (GBytes) response = NULL;
  g_autoptr (GError) error = NULL;

  response = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  *out_status = soup_message_get_status (msg);
  if (g_bytes_get_size (response) == 0)
    return NULL;
  return parse (response);
}

static guint
sign_in (Server *server, const char *username, const char *password, char **out_token)
{
  g_autofree char *body =
      g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", username, password);
  g_autoptr (JsonNode) node = NULL;
  guint status;

  node = request (server, "POST", "/api/v1/session", NULL, body, &status);
  if (out_token != NULL)
    *out_token =
        status == 200
            ? g_strdup (json_object_get_string_member (json_node_get_object (node), "token"))
            : NULL;
  return status;
}

static char *
login (Server *server, const char *username)
{
  char *token = NULL;

  g_assert_cmpuint (sign_in (server, username, PASSWORD, &token), ==, 200);
  return token;
}

static char *
create_customer (const char *client, gint64 mutation_id, const char *id, const char *name)
{
  return g_strdup_printf (
      "{\"client_id\": \"%s\", \"mutations\": [{\"mutation_id\": %" G_GINT64_FORMAT
      ", \"entity\": \"customer\", \"id\": \"%s\", \"op\": \"create\", "
      "\"fields\": {\"kind\": \"company\", \"name\": \"%s\"}}]}",
      client, mutation_id, id, name);
}

/* Pulls every page from @cursor; returns the changes' ids in order and
 * the last cursor. */
static GPtrArray *
pull_all (Server *server, const char *token, const char *cursor, char **out_cursor)
{
  GPtrArray       *ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *next = g_strdup (cursor != NULL ? cursor : "");
  gboolean         more = TRUE;

  while (more)
    {
      g_autofree char *escaped = g_uri_escape_string (next, NULL, TRUE);
      g_autofree char *path = g_strdup_printf ("/api/v1/sync/pull?limit=1000&cursor=%s", escaped);
      g_autoptr (JsonNode) node = NULL;
      JsonObject *page;
      JsonArray  *changes;
      guint       status;

      node = request (server, "GET", path, token, NULL, &status);
      g_assert_cmpuint (status, ==, 200);
      page = json_node_get_object (node);
      changes = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        g_ptr_array_add (ids, g_strdup (json_object_get_string_member (
                                  json_array_get_object_element (changes, i), "id")));
      g_free (next);
      next = g_strdup (json_object_get_string_member (page, "next_cursor"));
      more = json_object_get_boolean_member (page, "has_more");
    }

  if (out_cursor != NULL)
    *out_cursor = g_steal_pointer (&next);
  return ids;
}

static gboolean
contains (GPtrArray *ids, const char *id)
{
  return g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL);
}

static guint
index_of (GPtrArray *ids, const char *id)
{
  guint i = 0;

  g_assert_true (g_ptr_array_find_with_equal_func (ids, id, g_str_equal, &i));
  return i;
}

typedef struct
{
  GBytes  *body;
  guint    status;
  gboolean done;
} Pending;

static void
sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Pending *pending = user_data;
  g_autoptr (GError) error = NULL;

  pending->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  pending->status = soup_message_get_status (
      soup_session_get_async_result_message (SOUP_SESSION (source), result));
  pending->done = TRUE;
}

/* Tests */

static gboolean
skip_without_postgres (void)
{
  if (test_db_is_postgres ())
    return FALSE;
  g_test_skip ("needs PostgreSQL: run under run-with-postgres.sh (the postgres suite)");
  return TRUE;
}

/* The same client pushes the same mutations to two servers at once, as a
 * client does that retries through another server after a lost answer:
 * each mutation is applied once, and both answers agree. */
static void
test_at_most_once (void)
{
  g_autofree char *db = NULL;
  g_autofree char *client = g_uuid_string_random ();
  g_autofree char *count = NULL;
  Server          *a, *b;
  g_autofree char *token = NULL;

  if (skip_without_postgres ())
    return;

  db = test_db_new (tmp_dir, "once.db");
  add_user (db, "agent", "agent");
  a = server_start (db);
  b = server_start (db);
  token = login (a, "agent");

  for (gint64 round = 1; round <= 20; round++)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *body = create_customer (client, round, id, "Twice");
      g_autoptr (SoupMessage) to_a = new_message (a, "POST", "/api/v1/sync/push", token, body);
      g_autoptr (SoupMessage) to_b = new_message (b, "POST", "/api/v1/sync/push", token, body);
      g_autoptr (JsonNode) answer_a = NULL;
      g_autoptr (JsonNode) answer_b = NULL;
      Pending pa = { 0 }, pb = { 0 };

      soup_session_send_and_read_async (session, to_a, G_PRIORITY_DEFAULT, NULL, sent_cb, &pa);
      soup_session_send_and_read_async (session, to_b, G_PRIORITY_DEFAULT, NULL, sent_cb, &pb);
      while (!pa.done || !pb.done)
        g_main_context_iteration (NULL, TRUE);

      g_assert_cmpuint (pa.status, ==, 200);
      g_assert_cmpuint (pb.status, ==, 200);
      answer_a = parse (pa.body);
      answer_b = parse (pb.body);
      g_assert_true (json_node_equal (answer_a, answer_b));
      g_bytes_unref (pa.body);
      g_bytes_unref (pb.body);
    }

  count = g_strdup_printf ("SELECT count(*) FROM client_mutations WHERE client_id = '%s'", client);
  g_assert_cmpint (test_db_query_int (db, count), ==, 20);
  g_assert_cmpint (test_db_query_int (db, "SELECT count(*) FROM record"), ==, 20);
  g_assert_cmpint (test_db_query_int (db, "SELECT max (rev) FROM record"), ==, 1);

  server_stop (a);
  server_stop (b);
}

/* A transaction takes a sequence number and stays open, as a slow server
 * would; meanwhile another server's push commits a change with a higher
 * number, and a third's pull comes. Writers do not wait for each other,
 * so the push is answered; the pull hands out nothing at or past the
 * number still in flight, not even the push's committed change; and the
 * cursor that pull gave still finds the late change once it commits,
 * before the push's. */
static void
test_late_commit (void)
{
  g_autofree char *db = NULL;
  g_autofree char *late_id = g_uuid_string_random ();
  g_autofree char *pushed_id = g_uuid_string_random ();
  g_autofree char *client = g_uuid_string_random ();
  g_autofree char *insert = NULL;
  g_autofree char *body = NULL;
  g_autofree char *cursor0 = NULL;
  g_autofree char *cursor1 = NULL;
  g_autofree char *token = NULL;
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) during = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GPtrArray) again = NULL;
  g_autoptr (SoupMessage) push = NULL;
  Pending   pending = { 0 };
  Server   *writer, *reader;
  PGconn   *held;
  PGresult *res;

  if (skip_without_postgres ())
    return;

  db = test_db_new (tmp_dir, "late.db");
  add_user (db, "agent", "agent");
  writer = server_start (db);
  reader = server_start (db);
  token = login (reader, "agent");
  before = pull_all (reader, token, NULL, &cursor0);
  g_assert_cmpuint (before->len, ==, 0);

  /* The held transaction does what a server's write does: the mark of
   * where its numbers start, the next sequence number, the record at that
   * number. */
  held = PQconnectdb (db);
  g_assert_cmpint (PQstatus (held), ==, CONNECTION_OK);
  insert = g_strdup_printf (
      "BEGIN; SELECT pg_advisory_xact_lock_shared "
      "(CASE WHEN is_called THEN last_value + 1 ELSE last_value END) FROM record_seq_counter; "
      "WITH s AS (SELECT nextval ('record_seq_counter') AS seq) "
      "INSERT INTO record (entity, id, rev, deleted, fields, seq, created_at, updated_at) "
      "SELECT 'customer', '%s', 1, 0, '{\"kind\":\"company\",\"name\":\"Late\"}', seq, "
      "'2027-01-15T12:00:00Z', '2027-01-15T12:00:00Z' FROM s",
      late_id);
  res = PQexec (held, insert);
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_COMMAND_OK);
  PQclear (res);

  /* Another server's push comes and commits, with a higher number. */
  body = create_customer (client, 1, pushed_id, "Pushed");
  push = new_message (writer, "POST", "/api/v1/sync/push", token, body);
  soup_session_send_and_read_async (session, push, G_PRIORITY_DEFAULT, NULL, sent_cb, &pending);
  while (!pending.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (pending.status, ==, 200);
  g_bytes_unref (pending.body);
  g_assert_cmpint (test_db_query_int (db, "SELECT count(*) FROM record"), ==, 1);

  /* A pull now sees neither, and its cursor stays before both. */
  during = pull_all (reader, token, cursor0, &cursor1);
  g_assert_cmpuint (during->len, ==, 0);

  res = PQexec (held, "COMMIT");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_COMMAND_OK);
  PQclear (res);
  PQfinish (held);

  /* The cursor handed out while the late change was in flight finds it,
   * before the push that committed after it. */
  after = pull_all (reader, token, cursor1, NULL);
  g_assert_cmpuint (after->len, ==, 2);
  g_assert_cmpuint (index_of (after, late_id), <, index_of (after, pushed_id));
  again = pull_all (writer, token, cursor0, NULL);
  g_assert_cmpuint (again->len, ==, 2);

  server_stop (writer);
  server_stop (reader);
}

static gboolean
waits_for_record_lock (const char *db)
{
  return test_db_query_int (db, "SELECT count(*) FROM pg_stat_activity "
                                "WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' "
                                "AND datname = current_database ()") > 0;
}

static char *
rename_customer (
    const char *client, gint64 mutation_id, const char *id, const char *from, const char *to)
{
  return g_strdup_printf ("{\"mutation_id\": %" G_GINT64_FORMAT ", \"entity\": \"customer\", "
                          "\"id\": \"%s\", \"op\": \"update\", \"base_rev\": 1, "
                          "\"fields\": {\"name\": {\"from\": \"%s\", \"to\": \"%s\"}}}",
                          mutation_id, id, from, to);
}

/* Writers hold each record they read until they commit, so two that take
 * two records in opposite orders deadlock. PostgreSQL cancels one; when it
 * is a push, the push answers 503 busy with Retry-After, keeps nothing,
 * and goes through when sent again. The other side here is a connection
 * of the test that takes the server's record locks by hand, with a long
 * deadlock_timeout, so that the server's side is the one cancelled. */
static void
test_deadlock_busy (void)
{
  g_autofree char *db = NULL;
  g_autofree char *token = NULL;
  g_autofree char *client = g_uuid_string_random ();
  g_autofree char *a = g_uuid_string_random ();
  g_autofree char *b = g_uuid_string_random ();
  g_autofree char *create_a = NULL;
  g_autofree char *create_b = NULL;
  g_autofree char *rename_b = NULL;
  g_autofree char *rename_a = NULL;
  g_autofree char *body = NULL;
  g_autofree char *lock_a = NULL;
  g_autofree char *lock_b = NULL;
  g_autofree char *count = NULL;
  g_autoptr (SoupMessage) push = NULL;
  g_autoptr (JsonNode) node = NULL;
  Pending   pending = { 0 };
  Server   *server;
  PGconn   *held;
  PGresult *res;
  guint     status;

  if (skip_without_postgres ())
    return;

  db = test_db_new (tmp_dir, "deadlock.db");
  add_user (db, "agent", "agent");
  server = server_start (db);
  token = login (server, "agent");

  create_a = create_customer (client, 1, a, "A");
  node = request (server, "POST", "/api/v1/sync/push", token, create_a, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&node, json_node_unref);
  create_b = create_customer (client, 2, b, "B");
  node = request (server, "POST", "/api/v1/sync/push", token, create_b, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&node, json_node_unref);

  held = PQconnectdb (db);
  g_assert_cmpint (PQstatus (held), ==, CONNECTION_OK);
  lock_a = g_strdup_printf ("SET deadlock_timeout = '60s'; BEGIN; "
                            "SELECT pg_advisory_xact_lock (1128353861, hashtext ('customer/%s'))",
                            a);
  res = PQexec (held, lock_a);
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  PQclear (res);

  /* The push takes B, then waits for A. */
  rename_b = rename_customer (client, 3, b, "B", "B2");
  rename_a = rename_customer (client, 4, a, "A", "A2");
  body = g_strdup_printf ("{\"client_id\": \"%s\", \"mutations\": [%s, %s]}", client, rename_b,
                          rename_a);
  push = new_message (server, "POST", "/api/v1/sync/push", token, body);
  soup_session_send_and_read_async (session, push, G_PRIORITY_DEFAULT, NULL, sent_cb, &pending);
  while (!waits_for_record_lock (db))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }

  /* The test's side now asks for B: a deadlock, which the server's side
   * finds after its deadlock_timeout. */
  lock_b =
      g_strdup_printf ("SELECT pg_advisory_xact_lock (1128353861, hashtext ('customer/%s'))", b);
  g_assert_true (PQsendQuery (held, lock_b));
  while (!pending.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (pending.status, ==, 503);
  g_assert_nonnull (
      soup_message_headers_get_one (soup_message_get_response_headers (push), "Retry-After"));
  g_clear_pointer (&node, json_node_unref);
  node = parse (pending.body);
  g_assert_cmpstr (
      json_object_get_string_member (
          json_object_get_object_member (json_node_get_object (node), "error"), "code"),
      ==, "busy");
  g_bytes_unref (pending.body);

  while ((res = PQgetResult (held)) != NULL)
    {
      g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
      PQclear (res);
    }
  res = PQexec (held, "ROLLBACK");
  PQclear (res);
  PQfinish (held);

  /* Nothing of it was kept; sent again, it goes through. */
  count = g_strdup_printf ("SELECT count(*) FROM client_mutations WHERE client_id = '%s'", client);
  g_assert_cmpint (test_db_query_int (db, count), ==, 2);
  g_assert_cmpint (test_db_query_int (db, "SELECT max (rev) FROM record"), ==, 1);
  g_clear_pointer (&node, json_node_unref);
  node = request (server, "POST", "/api/v1/sync/push", token, body, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (test_db_query_int (db, count), ==, 4);
  g_assert_cmpint (test_db_query_int (db, "SELECT count(*) FROM record WHERE rev = 2"), ==, 2);

  server_stop (server);
}

/* A token signed in on one server works on the other, and signing out on
 * either ends it on both; feed tokens too; failed sign-ins count together. */
static void
test_shared_sessions (void)
{
  g_autofree char *db = NULL;
  g_autofree char *token = NULL;
  g_autofree char *staff = g_uuid_string_random ();
  g_autofree char *client = g_uuid_string_random ();
  g_autofree char *body = NULL;
  g_autofree char *feed_path = NULL;
  g_autofree char *revoke_path = NULL;
  g_autoptr (JsonNode) node = NULL;
  Server *servers[2];
  guint   status, attempt, first_refused = 0;

  if (skip_without_postgres ())
    return;

  db = test_db_new (tmp_dir, "sessions.db");
  add_user (db, "admin", "admin");
  add_user (db, "ana", "agent");
  servers[0] = server_start (db);
  servers[1] = server_start (db);

  token = login (servers[0], "admin");
  g_clear_pointer (&node, json_node_unref);
  node = request (servers[1], "GET", "/api/v1/sync/pull", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);

  /* A calendar feed made on one server opens on the other, until revoked there. */
  body = g_strdup_printf (
      "{\"client_id\": \"%s\", \"mutations\": [{\"mutation_id\": 1, \"entity\": \"staff\", "
      "\"id\": \"%s\", \"op\": \"create\", \"fields\": {\"name\": \"Jo\", \"role\": "
      "\"technician\"}}]}",
      client, staff);
  g_clear_pointer (&node, json_node_unref);
  node = request (servers[0], "POST", "/api/v1/sync/push", token, body, &status);
  g_assert_cmpuint (status, ==, 200);
  g_free (body);
  body = g_strdup_printf ("{\"staff_id\": \"%s\"}", staff);
  g_clear_pointer (&node, json_node_unref);
  node = request (servers[0], "POST", "/api/v1/calendar/feeds", token, body, &status);
  g_assert_cmpuint (status, ==, 201);
  feed_path = g_strdup (
      strstr (json_object_get_string_member (json_node_get_object (node), "url"), "/api/v1/"));
  revoke_path = g_strdup_printf ("/api/v1/calendar/feeds/%" G_GINT64_FORMAT,
                                 json_object_get_int_member (json_node_get_object (node), "id"));
  {
    g_autoptr (SoupMessage) msg = new_message (servers[1], "GET", feed_path, NULL, NULL);
    g_autoptr (GBytes) ics = soup_session_send_and_read (session, msg, NULL, NULL);

    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  }
  g_clear_pointer (&node, json_node_unref);
  node = request (servers[1], "DELETE", revoke_path, token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  {
    g_autoptr (SoupMessage) msg = new_message (servers[0], "GET", feed_path, NULL, NULL);
    g_autoptr (GBytes) ics = soup_session_send_and_read (session, msg, NULL, NULL);

    g_assert_cmpuint (soup_message_get_status (msg), ==, 404);
  }

  /* Signed out through one server, the token is gone on the other. */
  g_clear_pointer (&node, json_node_unref);
  node = request (servers[1], "DELETE", "/api/v1/session", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&node, json_node_unref);
  node = request (servers[0], "GET", "/api/v1/sync/pull", token, NULL, &status);
  g_assert_cmpuint (status, ==, 401);

  /* Wrong passwords for one name from one address, alternately through
   * either server: five are free in all, not five per server, so the
   * sixth or one soon after is refused (each further one waits twice as
   * long after the last failure: 1, 2, 4… seconds). Counted per server,
   * no refusal could come before the eleventh. */
  for (attempt = 1; attempt <= 10 && first_refused == 0; attempt++)
    {
      status = sign_in (servers[attempt % 2], "ana", "wrong password", NULL);
      if (status == 429)
        first_refused = attempt;
      else
        g_assert_cmpuint (status, ==, 401);
    }
  g_test_message ("first refusal at attempt %u", first_refused);
  g_assert_cmpuint (first_refused, >=, 6);
  g_assert_cmpuint (first_refused, <=, 10);
  g_assert_cmpint (test_db_query_int (db, "SELECT failures FROM login_throttle "
                                          "WHERE username = 'ana' AND address = '127.0.0.1'"),
                   ==, first_refused - 1);

  server_stop (servers[0]);
  server_stop (servers[1]);
}

/* An SQLite office moves up: every table is copied and checked, clients
 * go on from their cursors and their mutations' results, a second copy
 * into the same database is refused. */
static void
test_migrate (void)
{
  g_autofree char *sqlite_db = g_build_filename (tmp_dir, "office.db", NULL);
  g_autofree char *pg_db = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *token = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *client = g_uuid_string_random ();
  g_autofree char *first_id = g_uuid_string_random ();
  g_autofree char *later_id = g_uuid_string_random ();
  g_autofree char *first_push = NULL;
  g_autofree char *later_push = NULL;
  g_autoptr (JsonNode) before = NULL;
  g_autoptr (JsonNode) replayed = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) rest = NULL;
  g_auto (GStrv) lines = NULL;
  const char *demo[] = { "--db", sqlite_db, "demo", "--customers", "20", NULL };
  const char *tables[] = { "users",          "record",         "ref",
                           "tokens",         "clients",        "client_mutations",
                           "calendar_feeds", "login_throttle", "login_known",
                           "login_recent",   "history" };
  Server     *office, *moved;
  guint       status;

  if (skip_without_postgres ())
    return;

  pg_db = test_db_new (tmp_dir, "moved.db");
  g_assert_cmpint (run_cli (demo, NULL, NULL, NULL), ==, 0);
  add_user (sqlite_db, "field", "agent");

  /* A client syncs with the office as it is. */
  office = server_start (sqlite_db);
  token = login (office, "field");
  g_assert_cmpuint (sign_in (office, "field", "not the password", NULL), ==, 401);
  first_push = create_customer (client, 1, first_id, "Before the move");
  before = request (office, "POST", "/api/v1/sync/push", token, first_push, &status);
  g_assert_cmpuint (status, ==, 200);
  all = pull_all (office, token, NULL, &cursor);
  g_assert_cmpuint (all->len, >, 100);
  g_assert_true (contains (all, first_id));
  server_stop (office);

  {
    const char *args[] = { "migrate", "--from", sqlite_db, "--to", pg_db, NULL };

    g_assert_cmpint (run_cli (args, NULL, &out, &err), ==, 0);
  }
  g_test_message ("%s", out);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 13); /* twelve tables and the last newline */

  /* Every table has as many rows on both sides. */
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i]);

      g_assert_cmpint (test_db_query_int (sqlite_db, sql), ==, test_db_query_int (pg_db, sql));
    }
  g_assert_cmpint (test_db_query_int (pg_db, "SELECT count(*) FROM login_throttle"), >, 0);
  g_assert_cmpint (test_db_query_int (pg_db, "SELECT count(*) FROM login_recent"), >, 0);
  g_assert_cmpint (test_db_query_int (pg_db, "SELECT count(*) FROM history"), >, 0);

  /* A second copy would mix two offices: refused, and nothing changes. */
  {
    const char      *args[] = { "migrate", "--from", sqlite_db, "--to", pg_db, NULL };
    g_autofree char *again_err = NULL;
    gint64           records = test_db_query_int (pg_db, "SELECT count(*) FROM record");

    g_assert_cmpint (run_cli (args, NULL, NULL, &again_err), ==, 1);
    g_assert_nonnull (strstr (again_err, "not empty"));
    g_assert_cmpint (test_db_query_int (pg_db, "SELECT count(*) FROM record"), ==, records);
  }

  /* The same client on the moved office: its token still works, its
   * cursor is current, its mutation is replayed, not applied again. */
  moved = server_start (pg_db);
  rest = pull_all (moved, token, cursor, NULL);
  g_assert_cmpuint (rest->len, ==, 0);
  replayed = request (moved, "POST", "/api/v1/sync/push", token, first_push, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_node_equal (before, replayed));

  later_push = create_customer (client, 2, later_id, "After the move");
  node = request (moved, "POST", "/api/v1/sync/push", token, later_push, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&rest, g_ptr_array_unref);
  rest = pull_all (moved, token, cursor, NULL);
  g_assert_cmpuint (rest->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (rest, 0), ==, later_id);

  /* New users and feeds get ids of their own. */
  add_user (pg_db, "newcomer", "agent");
  g_assert_cmpint (test_db_query_int (pg_db, "SELECT count(DISTINCT id) FROM users"), ==,
                   test_db_query_int (pg_db, "SELECT count(*) FROM users"));

  server_stop (moved);
}

/* A --db that names no database, one that does not answer, a migration
 * from a file that is not there: a clear message, status 1, nothing made. */
static void
test_bad_databases (void)
{
  const struct
  {
    const char *db;
    const char *message;
  } cases[] = {
    { "postgresql://[::1/aftercare", "not a valid postgresql:// URI" },
    { "postgresql://nobody@127.0.0.1:1/aftercare?connect_timeout=5", "Cannot connect" },
    { "mysql://localhost/aftercare", "neither a file nor" },
  };
  g_autofree char *missing = g_build_filename (tmp_dir, "missing.db", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char      *args[] = { "--db", cases[i].db, "--listen", "127.0.0.1:0", NULL };
      g_autofree char *err = NULL;

      g_assert_cmpint (run_cli (args, NULL, NULL, &err), ==, 1);
      g_test_message ("%s: %s", cases[i].db, err);
      g_assert_nonnull (strstr (err, cases[i].message));
    }

  {
    const char *args[] = { "migrate", "--from", missing, "--to", "postgresql:///nowhere", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (args, NULL, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "no database file"));
    g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  }

  {
    const char      *args[] = { "migrate", "--from", missing, "--to", missing, NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (args, NULL, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "postgresql://"));
  }
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  server_path = g_getenv ("AFTERCARE_SERVER");
  g_assert_nonnull (server_path);
  tmp_dir = g_dir_make_tmp ("aftercare-multi-XXXXXX", &error);
  g_assert_no_error (error);
  session = soup_session_new_with_options ("timeout", 120, NULL);

  g_test_add_func ("/multi/push/at-most-once", test_at_most_once);
  g_test_add_func ("/multi/pull/late-commit", test_late_commit);
  g_test_add_func ("/multi/push/deadlock-busy", test_deadlock_busy);
  g_test_add_func ("/multi/sessions", test_shared_sessions);
  g_test_add_func ("/multi/migrate", test_migrate);
  g_test_add_func ("/multi/bad-databases", test_bad_databases);

  status = g_test_run ();

  g_object_unref (session);
  test_remove_tree (tmp_dir);
  return status;
}
