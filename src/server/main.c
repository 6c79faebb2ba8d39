/* main.c: the aftercare-server command line: serve, useradd, demo, migrate, gc-blobs. */
#define G_LOG_DOMAIN "aftercare-server"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "care-clock.h"
#include "care-server.h"
#include "care-server-checkpointer.h"
#include "care-server-store-sqlite.h"
#include "care-server-log.h"

#define EXIT_USAGE 2

static char    *opt_db;
static char    *opt_listen;
static char    *opt_tls_cert;
static char    *opt_tls_key;
static char    *opt_role;
static char    *opt_staff;
static int      opt_customers = 200;
static int      opt_max_connections = CARE_SERVER_DEFAULT_MAX_CONNECTIONS;
static int      opt_max_per_client = CARE_SERVER_DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
static int      opt_header_timeout = CARE_SERVER_DEFAULT_HEADER_TIMEOUT;
static int      opt_idle_timeout = CARE_SERVER_DEFAULT_IDLE_TIMEOUT;
static char   **opt_trusted_proxies;
static char    *opt_from;
static char    *opt_to;
static char    *opt_drain_file;
static int      opt_shutdown_timeout = 30;
static gboolean opt_no_access_log;
static int      opt_pull_threads = -1;
static char    *opt_blobs;

static const GOptionEntry entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db,
    N_ ("The server database: an SQLite file (created if missing) or a postgresql:// URI"),
    N_ ("FILE|URI") },
  { "from", 0, 0, G_OPTION_ARG_FILENAME, &opt_from, N_ ("migrate: the SQLite database to copy"),
    N_ ("FILE") },
  { "to", 0, 0, G_OPTION_ARG_STRING, &opt_to,
    N_ ("migrate: the empty PostgreSQL database to copy into"), N_ ("URI") },
  { "listen", 0, 0, G_OPTION_ARG_STRING, &opt_listen,
    N_ ("Serve on this address, e.g. 127.0.0.1:8080 (port 0 picks a free one)"),
    N_ ("ADDRESS:PORT") },
  { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_cert, N_ ("PEM certificate for HTTPS"),
    N_ ("FILE") },
  { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_key, N_ ("PEM private key for HTTPS"),
    N_ ("FILE") },
  { "role", 0, 0, G_OPTION_ARG_STRING, &opt_role,
    N_ ("useradd: agent, trainer, technician or admin"), N_ ("ROLE") },
  { "staff", 0, 0, G_OPTION_ARG_STRING, &opt_staff,
    N_ ("useradd: the id of the staff record this login stands for"), N_ ("STAFF_ID") },
  { "customers", 0, 0, G_OPTION_ARG_INT, &opt_customers,
    N_ ("demo: how many customers to generate (default 200)"), N_ ("N") },
  { "max-connections", 0, 0, G_OPTION_ARG_INT, &opt_max_connections,
    N_ ("Connections open at once (default 1024; at most half the descriptor limit)"), N_ ("N") },
  { "max-connections-per-client", 0, 0, G_OPTION_ARG_INT, &opt_max_per_client,
    N_ ("Connections open at once from one client address (default 128)"), N_ ("N") },
  { "header-timeout", 0, 0, G_OPTION_ARG_INT, &opt_header_timeout,
    N_ ("Seconds a client has to send a request's headers (default 10)"), N_ ("SECONDS") },
  { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &opt_idle_timeout,
    N_ ("Seconds a connection may sit idle or stall (default 60)"), N_ ("SECONDS") },
  { "trusted-proxy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_trusted_proxies,
    N_ ("A reverse proxy whose X-Forwarded-For names the client (repeatable)"), N_ ("ADDRESS") },
  { "drain-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_drain_file,
    N_ ("While this file exists, the health check answers 503 “draining”"), N_ ("FILE") },
  { "shutdown-timeout", 0, 0, G_OPTION_ARG_INT, &opt_shutdown_timeout,
    N_ ("Seconds requests under way may take to finish at SIGTERM (default 30)"), N_ ("SECONDS") },
  { "pull-threads", 0, 0, G_OPTION_ARG_INT, &opt_pull_threads,
    N_ ("Threads that answer pulls (default: one per processor, at most 4; 0: none)"), N_ ("N") },
  { "blobs", 0, 0, G_OPTION_ARG_FILENAME, &opt_blobs,
    N_ ("Keep attachments' files in this folder, which several servers may share (default with an "
        "SQLite database: FILE.blobs beside it)"),
    N_ ("DIR") },
  { "no-access-log", 0, 0, G_OPTION_ARG_NONE, &opt_no_access_log,
    N_ ("Do not log a line for each request"), NULL },
  { NULL },
};

static int
usage_error (GOptionContext *context, const char *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("aftercare-server: %s\n\n%s", message, help);
  return EXIT_USAGE;
}

/* What the signals ask of a running server. */
typedef struct
{
  CareServer *server;
  GMainLoop  *loop;
  gint64      deadline; /* monotonic µs: requests under way must be done by then */
  guint       wait_id;
} Serving;

static gboolean
wait_for_requests_cb (gpointer user_data)
{
  Serving *serving = user_data;
  guint    busy = care_server_get_n_busy (serving->server);

  if (busy > 0 && g_get_monotonic_time () < serving->deadline)
    return G_SOURCE_CONTINUE;

  if (busy > 0)
    g_message ("Shutting down with %u requests unfinished after %d s", busy, opt_shutdown_timeout);
  serving->wait_id = 0;
  g_main_loop_quit (serving->loop);
  return G_SOURCE_REMOVE;
}

/* SIGTERM or SIGINT: stop accepting, let the requests under way finish
 * (within --shutdown-timeout), then quit. A second signal quits at once. */
static gboolean
quit_cb (gpointer user_data)
{
  Serving *serving = user_data;

  if (serving->wait_id != 0)
    {
      g_message ("Shutting down now");
      g_clear_handle_id (&serving->wait_id, g_source_remove);
      g_main_loop_quit (serving->loop);
      return G_SOURCE_CONTINUE;
    }

  g_message ("Shutting down: no new connections; %u requests under way",
             care_server_get_n_busy (serving->server));
  care_server_stop_accepting (serving->server);
  serving->deadline = g_get_monotonic_time () + (gint64) opt_shutdown_timeout * G_USEC_PER_SEC;
  serving->wait_id = g_timeout_add (20, wait_for_requests_cb, serving);
  wait_for_requests_cb (serving);
  return G_SOURCE_CONTINUE;
}

/* SIGUSR1 starts draining, SIGUSR2 ends it. */
static gboolean
drain_cb (gpointer user_data)
{
  care_server_set_draining (((Serving *) user_data)->server, TRUE);
  return G_SOURCE_CONTINUE;
}

static gboolean
undrain_cb (gpointer user_data)
{
  care_server_set_draining (((Serving *) user_data)->server, FALSE);
  return G_SOURCE_CONTINUE;
}

/* Where attachments' files go: --blobs, else beside an SQLite file. A
 * PostgreSQL server without --blobs keeps none (its peers may run on other
 * machines, and only the operator knows the shared folder). */
static gboolean
set_blobs (CareServer *server, CareServerStore *db, GError **error)
{
  g_autofree char *dir = NULL;
  g_autoptr (CareServerBlobs) blobs = NULL;

  if (opt_blobs != NULL)
    dir = g_strdup (opt_blobs);
  else if (CARE_IS_SERVER_STORE_SQLITE (db))
    dir = g_strconcat (opt_db, ".blobs", NULL);
  else
    {
      g_message ("No --blobs folder: attachments' files are refused");
      return TRUE;
    }

  if ((blobs = care_server_blobs_new (dir, error)) == NULL)
    return FALSE;
  care_server_set_blobs (server, blobs);
  return TRUE;
}

/* The SHA-256 of every file a live attachment refers to, read from every
 * record's latest state. */
static GHashTable *
referenced_blobs (CareServerStore *db, GError **error)
{
  g_autoptr (GHashTable) referenced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 seq = 0;

  for (;;)
    {
      g_autoptr (GPtrArray) page = care_server_store_changes_since (db, seq, 1000, error);

      if (page == NULL)
        return NULL;
      if (page->len == 0)
        break;
      for (guint i = 0; i < page->len; i++)
        {
          CareServerStoreRecord *r = g_ptr_array_index (page, i);
          g_autoptr (JsonNode) fields = NULL;
          JsonObject *obj;

          seq = MAX (seq, r->seq);
          if (r->deleted || r->fields == NULL || strcmp (r->entity, "attachment") != 0 ||
              (fields = json_from_string (r->fields, NULL)) == NULL ||
              !JSON_NODE_HOLDS_OBJECT (fields))
            continue;
          obj = json_node_get_object (fields);
          if (json_object_has_member (obj, "sha256") &&
              care_sha256_is_valid (json_object_get_string_member (obj, "sha256")))
            g_hash_table_add (referenced, g_strdup (json_object_get_string_member (obj, "sha256")));
        }
    }
  return g_steal_pointer (&referenced);
}

/* gc-blobs: removes the files no attachment refers to any more. */
static int
gc_blobs (CareServerStore *db)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) referenced = NULL;
  g_autoptr (CareServerBlobs) blobs = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *size = NULL;
  guint            removed;
  guint64          bytes;

  if (opt_blobs != NULL)
    dir = g_strdup (opt_blobs);
  else if (CARE_IS_SERVER_STORE_SQLITE (db))
    dir = g_strconcat (opt_db, ".blobs", NULL);
  else
    {
      g_printerr (_ ("aftercare-server: gc-blobs needs --blobs DIR with PostgreSQL\n"));
      return EXIT_USAGE;
    }

  if ((blobs = care_server_blobs_new (dir, &error)) == NULL ||
      (referenced = referenced_blobs (db, &error)) == NULL ||
      !care_server_blobs_collect (blobs, referenced, care_clock_now_unix (), &removed, &bytes,
                                  &error))
    {
      g_printerr ("aftercare-server: %s\n", error->message);
      return EXIT_FAILURE;
    }

  size = g_format_size (bytes);
  /* TRANSLATORS: %u is how many files, %s their size, e.g. "12 MB" */
  g_print (ngettext ("Removed %u file (%s) no attachment refers to\n",
                     "Removed %u files (%s) no attachment refers to\n", removed),
           removed, size);
  return EXIT_SUCCESS;
}

static int
serve (CareServerStore *db)
{
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (CareServer) server = NULL;
  g_autoptr (CareServerCheckpointer) checkpointer = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *host = NULL;
  CareServerLimits limits;
  Serving          serving = { 0 };
  guint16          port = 0;
  guint            signal_ids[4];

  if (opt_tls_cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (opt_tls_cert, opt_tls_key, &error);
      if (certificate == NULL)
        {
          g_printerr (_ ("aftercare-server: cannot load the TLS certificate: %s\n"),
                      error->message);
          return EXIT_FAILURE;
        }
    }

  care_server_limits_init (&limits);
  limits.max_connections = (guint) opt_max_connections;
  limits.max_connections_per_client = (guint) opt_max_per_client;
  limits.header_timeout = (guint) opt_header_timeout;
  limits.idle_timeout = (guint) opt_idle_timeout;

  server = care_server_new (db, certificate, &error);
  if (server != NULL)
    {
      care_server_set_limits (server, &limits);
      care_server_set_trusted_proxies (server, (const char *const *) opt_trusted_proxies);
      care_server_set_drain_file (server, opt_drain_file);
      care_server_set_access_log (server, !opt_no_access_log);
      if (opt_pull_threads < 0)
        opt_pull_threads = (int) MIN (g_get_num_processors (), 4);
      if (!care_server_set_pull_threads (server, opt_db, (guint) opt_pull_threads, &error) ||
          !set_blobs (server, db, &error))
        g_clear_object (&server);
    }
  if (server == NULL || !care_server_listen (server, opt_listen, &port, &error))
    {
      g_printerr (_ ("aftercare-server: cannot listen on %s: %s\n"), opt_listen, error->message);
      return EXIT_FAILURE;
    }

  /* SQLite checkpoints off the main thread; without, the main connection
   * does them itself, as SQLite does by default. */
  if (CARE_IS_SERVER_STORE_SQLITE (db))
    checkpointer = care_server_checkpointer_start (
        care_server_store_sqlite_get_db (CARE_SERVER_STORE_SQLITE (db)), &error);
  if (CARE_IS_SERVER_STORE_SQLITE (db) && checkpointer == NULL)
    {
      g_message ("Checkpointing on the main thread: %s", error->message);
      g_clear_error (&error);
    }

  /* Catch the signals before announcing the port: whoever reads the line
   * may send SIGTERM right away. */
  loop = g_main_loop_new (NULL, FALSE);
  serving.server = server;
  serving.loop = loop;
  signal_ids[0] = g_unix_signal_add (SIGTERM, quit_cb, &serving);
  signal_ids[1] = g_unix_signal_add (SIGINT, quit_cb, &serving);
  signal_ids[2] = g_unix_signal_add (SIGUSR1, drain_cb, &serving);
  signal_ids[3] = g_unix_signal_add (SIGUSR2, undrain_cb, &serving);

  host = g_strndup (opt_listen, (gsize) (strrchr (opt_listen, ':') - opt_listen));
  /* Tests and scripts read this line to learn the port: flush it now. */
  g_print ("listening on %s://%s:%u\n", certificate != NULL ? "https" : "http", host, port);
  fflush (stdout);
  g_main_loop_run (loop);

  for (guint i = 0; i < G_N_ELEMENTS (signal_ids); i++)
    g_source_remove (signal_ids[i]);
  g_clear_handle_id (&serving.wait_id, g_source_remove);
  care_server_shutdown (server);
  /* Let the closed connections finish tearing down before exiting. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_pointer (&checkpointer, care_server_checkpointer_stop);
  g_debug ("Shut down cleanly");

  return EXIT_SUCCESS;
}

static char *
read_password (GError **error)
{
  char  buf[1100];
  gsize len;

  if (fgets (buf, sizeof buf, stdin) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _ ("No password on standard input"));
      return NULL;
    }

  len = strlen (buf);
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
    buf[--len] = '\0';

  if (len >= 1025)
    {
      memset (buf, 0, sizeof buf);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _ ("The password is longer than 1024 bytes"));
      return NULL;
    }

  {
    char *password = g_strdup (buf);
    memset (buf, 0, sizeof buf);
    return password;
  }
}

static int
useradd (CareServerStore *db, const char *username, CareServerRole role, const char *staff_id)
{
  g_autoptr (CareServerAuth) auth = care_server_auth_new (db);
  g_autoptr (GError) error = NULL;
  char    *password = read_password (&error);
  gboolean ok;

  if (password == NULL)
    {
      g_printerr ("aftercare-server: %s\n", error->message);
      return EXIT_FAILURE;
    }

  ok = care_server_auth_add_user (auth, username, role, staff_id, password, &error);
  memset (password, 0, strlen (password));
  g_free (password);

  if (!ok)
    {
      g_printerr ("aftercare-server: %s\n", error->message);
      return EXIT_FAILURE;
    }

  g_printerr (_ ("Added user %s (%s)\n"), username, care_server_role_to_string (role));
  return EXIT_SUCCESS;
}

/* The first demo staff record of @role, so demo-technician and
 * demo-trainer can subscribe to a calendar of their own. */
static char *
demo_staff_id (CareServerStore *db, CareServerRole role)
{
  return care_server_store_first_live_with (db, "staff", "role", care_server_role_to_string (role),
                                            NULL);
}

/* The database as it may be shown: a URI without its password. */
static char *
shown_db (const char *db)
{
  g_autoptr (GUri) uri = NULL;

  if (!care_server_store_is_uri (db))
    return g_strdup (db);

  uri = g_uri_parse (db, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL)
    return g_strdup ("PostgreSQL");
  return g_uri_to_string_partial (uri, G_URI_HIDE_PASSWORD | G_URI_HIDE_QUERY);
}

static int
demo (CareServerStore *db)
{
  g_autoptr (CareServerAuth) auth = care_server_auth_new (db);
  g_autoptr (CareServerSync) sync = care_server_sync_new (db);
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  guint64 n_records = 0;

  /* Check first, so a second run fails before touching anything. */
  for (guint r = 0; r < CARE_SERVER_N_ROLES; r++)
    {
      g_autofree char *username = g_strdup_printf ("demo-%s", care_server_role_to_string (r));
      g_autoptr (CareServerUser) user = care_server_auth_find_user (auth, username, NULL, NULL);

      if (user != NULL)
        {
          g_autofree char *shown = shown_db (opt_db);

          g_printerr (_ ("aftercare-server: the demo users already exist in %s\n"), shown);
          return EXIT_FAILURE;
        }
    }

  if (!care_server_sync_fill_demo (sync, (guint) opt_customers, &n_records, &error))
    {
      g_printerr (_ ("aftercare-server: cannot create the demo data: %s\n"), error->message);
      return EXIT_FAILURE;
    }

  for (guint r = 0; r < CARE_SERVER_N_ROLES; r++)
    {
      g_autofree char *username = g_strdup_printf ("demo-%s", care_server_role_to_string (r));
      g_autofree char *password = care_server_auth_random_password ();
      g_autofree char *staff_id = demo_staff_id (db, r);

      if (!care_server_auth_add_user (auth, username, r, staff_id, password, &error))
        {
          g_printerr ("aftercare-server: %s\n", error->message);
          return EXIT_FAILURE;
        }
      g_string_append_printf (out, "%s\t%s\t%s\n", username, care_server_role_to_string (r),
                              password);
    }

  g_printerr (_ ("Created %" PRIu64 " records for %d customers and these users "
                 "(username, role, password):\n"),
              n_records, opt_customers);
  fputs (out->str, stdout);
  fflush (stdout);

  return EXIT_SUCCESS;
}

/* Copies an SQLite server database into an empty PostgreSQL one. */
static int
migrate (void)
{
  g_autoptr (CareServerStore) from = NULL;
  g_autoptr (CareServerStore) to = NULL;
  g_autoptr (GString) report = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *shown = shown_db (opt_to);

  if (!g_file_test (opt_from, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr (_ ("aftercare-server: there is no database file “%s”\n"), opt_from);
      return EXIT_FAILURE;
    }

  from = care_server_store_open (opt_from, &error);
  if (from != NULL)
    to = care_server_store_open (opt_to, &error);
  if (from == NULL || to == NULL)
    {
      g_printerr ("aftercare-server: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (!care_server_store_copy (from, to, report, &error))
    {
      g_printerr (_ ("aftercare-server: cannot migrate to %s: %s\n"), shown, error->message);
      return EXIT_FAILURE;
    }

  g_printerr (_ ("Copied %s to %s and checked every table (table, rows, SHA-256):\n"), opt_from,
              shown);
  fputs (report->str, stdout);
  fflush (stdout);
  return EXIT_SUCCESS;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (CareServerStore) db = NULL;
  g_autoptr (GError) error = NULL;
  const char    *command;
  CareServerRole role = CARE_SERVER_ROLE_AGENT;

  /* Before anything logs: no token may reach the log. */
  care_server_log_install ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (
      _ ("[useradd USERNAME --role ROLE [--staff STAFF_ID] | demo [--customers N] | migrate]"));
  g_option_context_set_summary (context,
                                _ ("The Aftercare central server.\n\n"
                                   "  aftercare-server --db FILE --listen 127.0.0.1:PORT\n"
                                   "  aftercare-server --db FILE useradd USERNAME --role ROLE"
                                   " [--staff STAFF_ID]   (password on stdin)\n"
                                   "  aftercare-server --db FILE demo [--customers N]\n"
                                   "  aftercare-server --db FILE gc-blobs [--blobs DIR]\n"
                                   "  aftercare-server migrate --from FILE --to URI\n\n"
                                   "FILE is an SQLite database; a postgresql:// URI names a "
                                   "PostgreSQL one instead."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_help_enabled (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);

  command = argc > 1 ? argv[1] : NULL;

  if (g_strcmp0 (command, "migrate") == 0)
    {
      if (argc != 2)
        return usage_error (context, _ ("migrate takes no arguments besides --from and --to"));
      if (opt_from == NULL || opt_to == NULL)
        return usage_error (context, _ ("migrate needs --from FILE and --to URI"));
      if (care_server_store_is_uri (opt_from))
        return usage_error (context, _ ("--from is an SQLite database file"));
      if (!care_server_store_is_uri (opt_to))
        return usage_error (context, _ ("--to is a postgresql:// URI"));
      if (opt_db != NULL || opt_listen != NULL || opt_role != NULL || opt_staff != NULL)
        return usage_error (context, _ ("migrate takes only --from and --to"));
      return migrate ();
    }

  if (opt_from != NULL || opt_to != NULL)
    return usage_error (context, _ ("--from and --to belong to migrate"));

  if (opt_db == NULL)
    return usage_error (context, _ ("--db FILE or --db postgresql://… is required"));

  if (command == NULL)
    {
      if (opt_listen == NULL)
        return usage_error (context, _ ("Say --listen ADDRESS:PORT to serve, or give a command"));
      if ((opt_tls_cert == NULL) != (opt_tls_key == NULL))
        return usage_error (context, _ ("--tls-cert and --tls-key go together"));
      if (opt_role != NULL || opt_staff != NULL)
        return usage_error (context, _ ("--role and --staff belong to useradd"));
      if (opt_max_connections < 1 || opt_max_per_client < 1 || opt_header_timeout < 1 ||
          opt_idle_timeout < 1 || opt_shutdown_timeout < 0 || opt_pull_threads > 64)
        return usage_error (context, _ ("Connection limits and time-outs are 1 or more"));
      for (guint i = 0; opt_trusted_proxies != NULL && opt_trusted_proxies[i] != NULL; i++)
        {
          g_autoptr (GInetAddress) proxy = g_inet_address_new_from_string (opt_trusted_proxies[i]);

          if (proxy == NULL)
            return usage_error (context, _ ("--trusted-proxy takes an IP address"));
          /* The form care_server_listener_get_client_address() compares. */
          g_free (opt_trusted_proxies[i]);
          opt_trusted_proxies[i] = g_inet_address_to_string (proxy);
        }
    }
  else if (strcmp (command, "useradd") == 0)
    {
      if (argc != 3)
        return usage_error (context, _ ("useradd takes exactly one USERNAME"));
      if (opt_role == NULL)
        return usage_error (context, _ ("useradd needs --role"));
      if (!care_server_role_from_string (opt_role, &role))
        return usage_error (context, _ ("--role is one of agent, trainer, technician, admin"));
      if (opt_listen != NULL || opt_tls_cert != NULL || opt_tls_key != NULL)
        return usage_error (context, _ ("useradd does not serve: drop --listen and --tls-*"));
    }
  else if (strcmp (command, "demo") == 0)
    {
      if (argc != 2)
        return usage_error (context, _ ("demo takes no arguments besides --customers"));
      if (opt_customers < 1 || opt_customers > 1000000)
        return usage_error (context, _ ("--customers is between 1 and 1000000"));
      if (opt_listen != NULL || opt_role != NULL || opt_staff != NULL || opt_tls_cert != NULL ||
          opt_tls_key != NULL)
        return usage_error (context, _ ("demo takes only --db and --customers"));
    }
  else if (strcmp (command, "gc-blobs") == 0)
    {
      if (argc != 2)
        return usage_error (context, _ ("gc-blobs takes no arguments besides --blobs"));
      if (opt_listen != NULL || opt_role != NULL || opt_staff != NULL)
        return usage_error (context, _ ("gc-blobs takes only --db and --blobs"));
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_ ("Unknown command “%s”"), command);
      return usage_error (context, message);
    }

  db = care_server_store_open (opt_db, &error);
  if (db == NULL)
    {
      g_printerr ("aftercare-server: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (command == NULL)
    return serve (db);
  if (strcmp (command, "useradd") == 0)
    return useradd (db, argv[2], role, opt_staff);
  if (strcmp (command, "gc-blobs") == 0)
    return gc_blobs (db);
  return demo (db);
}
