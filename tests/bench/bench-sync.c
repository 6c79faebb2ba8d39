/* bench-sync.c: initial and incremental sync between a real aftercare-server
 * on 127.0.0.1 and a fresh client store. Prints one table. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "care-sync-engine.h"

static int      n_customers = 10000;
static char    *server_path;
static gboolean json;

static const GOptionEntry entries[] = {
  { "customers", 'n', 0, G_OPTION_ARG_INT, &n_customers, "Demo customers on the server", "N" },
  { "server", 0, 0, G_OPTION_ARG_FILENAME, &server_path, "The aftercare-server binary", "PATH" },
  { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Also print the figures as one JSON line", NULL },
  { NULL }
};

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static void
run_cli (const char *const *argv, const char *input)
{
  g_autoptr (GSubprocess) p = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *output = NULL;

  p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                         &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, input, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (p));
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
sync_once (CareSyncEngine *engine)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  care_sync_engine_sync_async (engine, NULL, done_cb, &result);
  if (!care_sync_engine_sync_finish (engine, wait (&result), &error))
    g_error ("sync failed: %s", error->message);
}

static guint
count (CareStore *store, const char *entity)
{
  g_autoptr (CareQuery) q = care_query_new (care_schema_lookup (entity));
  return care_store_count (store, q, NULL, NULL);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) ctx = g_option_context_new ("— benchmark sync with a local server");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("aftercare-bench-sync-XXXXXX", NULL);
  g_autofree char *server_db = g_build_filename (dir, "server.db", NULL);
  g_autofree char *client_db = g_build_filename (dir, "client.db", NULL);
  g_autofree char *customers = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  g_autoptr (GSubprocess) server = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (CareStore) store = NULL;
  g_autoptr (CareSyncEngine) engine = NULL;
  g_autoptr (GAsyncResult) signed_in = NULL;
  g_autoptr (CareQuery) q = NULL;
  g_autoptr (GPtrArray) some = NULL;
  guint                    n_records = 0;
  guint                    n_entities;
  const CareEntity *const *all = care_schema_entities (&n_entities);
  double                   t0, initial_s, incremental_s;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || server_path == NULL)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--server is required");
      return 2;
    }

  customers = g_strdup_printf ("%d", n_customers);
  run_cli (
      (const char *[]){ server_path, "--db", server_db, "demo", "--customers", customers, NULL },
      NULL);
  run_cli ((const char *[]){ server_path, "--db", server_db, "useradd", "bench", "--role", "admin",
                             NULL },
           "bench-passphrase\n");

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, server_path, "--db", server_db,
                             "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  url = g_strdup (line + strlen ("listening on "));

  store = care_store_new (client_db, &error);
  g_assert_no_error (error);
  engine = care_sync_engine_new (store);
  care_sync_engine_set_server_url (engine, url);
  care_sync_engine_sign_in_async (engine, "bench", "bench-passphrase", NULL, done_cb, &signed_in);
  if (!care_sync_engine_sign_in_finish (engine, wait (&signed_in), &error))
    g_error ("sign-in failed: %s", error->message);

  /* Initial sync: everything the server has, page after page. */
  t0 = now_s ();
  sync_once (engine);
  initial_s = now_s () - t0;
  for (guint i = 0; i < n_entities; i++)
    n_records += count (store, all[i]->name);

  /* Incremental: 100 customers edited here, pushed, and the pull after it. */
  q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  some = care_store_find (store, q, 0, 100, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < some->len; i++)
    {
      CareRecord      *r = g_ptr_array_index (some, i);
      g_autofree char *notes = g_strdup_printf ("Called back on %u", i);
      care_record_set_string (r, "notes", notes);
      g_assert_true (care_store_save (store, r, NULL));
    }
  t0 = now_s ();
  sync_once (engine);
  incremental_s = now_s () - t0;
  g_assert_cmpuint (care_store_outbox_count (store), ==, 0);

  g_print ("\nSync with aftercare-server on 127.0.0.1, %'d demo customers\n\n", n_customers);
  g_print ("| %-58s | %14s | %-14s |\n", "figure", "measured", "goal");
  g_print ("|------------------------------------------------------------|----------------|--------"
           "--------|\n");
  {
    g_autofree char *a = g_strdup_printf ("%.0f rec/s", n_records / initial_s);
    g_autofree char *b = g_strdup_printf ("%.2f s", incremental_s);
    g_autofree char *c = g_strdup_printf ("%u in %.1f s", n_records, initial_s);
    g_print ("| %-58s | %14s | %-14s |\n", "initial sync from a local aftercare-server", a,
             ">= 5,000/s");
    g_print ("| %-58s | %14s | %-14s |\n", "  (records pulled, time)", c, "");
    g_print ("| %-58s | %14s | %-14s |\n", "incremental sync of 100 changed records, push + pull",
             b, "<= 1 s");
  }
  g_print ("\n");

  /* For tests/bench/aftercare-bench.py, which prints one table of all figures. */
  if (json)
    {
      char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];

      g_print ("{\"bench-sync\": {\"customers\": %d, \"records\": %u, \"initial_s\": %s, "
               "\"incremental_s\": %s}}\n",
               n_customers, n_records, g_ascii_formatd (a, sizeof a, "%.3f", initial_s),
               g_ascii_formatd (b, sizeof b, "%.3f", incremental_s));
    }

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&engine);
  g_clear_object (&store);
  {
    const char *names[] = { "server.db", "server.db-wal", "server.db-shm",
                            "client.db", "client.db-wal", "client.db-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *p = g_build_filename (dir, names[i], NULL);
        g_unlink (p);
      }
    g_rmdir (dir);
  }
  return 0;
}
