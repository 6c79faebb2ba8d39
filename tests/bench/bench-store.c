/* bench-store.c: the local store at scale: bulk import, search-as-you-type,
 * paging through the customers list, opening a big store, memory.
 *
 * Prints one table. Not part of the timed test suite (machines are noisy);
 * a smoke run at a small size is, to keep it working. */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "care-demo.h"
#include "care-record-list.h"

static int      n_customers = 100000;
static char    *db_path;
static gboolean keep;
static gboolean json;
static gboolean verbose;
static gboolean reuse;

static const GOptionEntry entries[] = {
  { "customers", 'n', 0, G_OPTION_ARG_INT, &n_customers, "Number of demo customers", "N" },
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "Database file (default: a temporary one)",
    "FILE" },
  { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the database file", NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Also print the figures as one JSON line", NULL },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Print the time of each search", NULL },
  { "reuse", 0, 0, G_OPTION_ARG_NONE, &reuse, "Measure an existing --db, without the import",
    NULL },
  { NULL }
};

static gboolean
discard_sink (CareRecord *record, gpointer user_data, GError **error)
{
  (*(guint64 *) user_data)++;
  return TRUE;
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
percentile (GArray *samples, double p)
{
  guint idx;

  g_array_sort (samples, cmp_double);
  idx = (guint) (p * (samples->len - 1) + 0.5);
  return g_array_index (samples, double, idx);
}

static long
peak_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char      *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmHWM:");
  return line != NULL ? strtol (line + 6, NULL, 10) : -1;
}

static void
row (const char *figure, const char *value, const char *goal)
{
  g_print ("| %-58s | %14s | %-14s |\n", figure, value, goal);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) ctx = g_option_context_new ("— benchmark the local store");
  g_autoptr (GError) error = NULL;
  g_autoptr (CareStore) store = NULL;
  g_autoptr (GArray) search_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) page_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *dir = NULL;
  g_autofree char *buf = NULL;
  CareDemoOptions  options;
  guint64          n_records = 0;
  double           t0, import_s, generate_s, open_ms;
  guint64          n_generated = 0;
  /* What an agent types: prefixes of names, emails, phones and serials. */
  const char *typed[] = { "m",     "ma",   "mar",  "mari",   "maria", "p",      "pe",    "pet",
                          "petr",  "петр", "иван", "ž",      "ži",    "žig",    "co",    "con",
                          "conc",  "9",    "91",   "912",    "PRN",   "PRN-",   "APL-2", "sil",
                          "silva", "lef",  "lefè", "garage", "novak", "smith j" };

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (n_customers < 1)
    {
      g_printerr ("--customers must be at least 1\n");
      return 2;
    }

  if (db_path == NULL)
    {
      dir = g_dir_make_tmp ("aftercare-bench-XXXXXX", &error);
      g_assert_no_error (error);
      db_path = g_build_filename (dir, "bench.db", NULL);
    }

  import_s = generate_s = 0;
  if (!reuse || !g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      /* The generator alone, to tell its cost from the store's. */
      care_demo_options_init (&options, (guint) n_customers);
      t0 = now_ms ();
      care_demo_generate (&options, discard_sink, &n_generated, NULL);
      generate_s = (now_ms () - t0) / 1000.0;

      /* Bulk import: generate and insert, one transaction. */
      store = care_store_new (db_path, &error);
      g_assert_no_error (error);
      t0 = now_ms ();
      if (!care_demo_fill_store (store, &options, NULL, &n_records, &error))
        g_error ("import failed: %s", error->message);
      import_s = (now_ms () - t0) / 1000.0;
      g_clear_object (&store);
    }

  /* Open the big store and read the first screen of the list, as a start does. */
  t0 = now_ms ();
  store = care_store_new (db_path, &error);
  g_assert_no_error (error);
  {
    g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
    g_autoptr (CareRecordList) list = care_record_list_new (store, q);
    g_autoptr (CareRecord) first = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_assert_nonnull (first);
  }
  open_ms = now_ms () - t0;

  /* Search as you type, as the customers view does it: a new query for the
   * list model (which ranks a bounded set of matches, care-search.c), then
   * the first screen (50 rows) from it. */
  {
    g_autoptr (CareQuery) all = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
    g_autoptr (CareRecordList) list = care_record_list_new (store, all);

    for (int round = 0; round < 3; round++)
      for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
        {
          g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
          guint  n;
          double t, ms;

          care_query_set_search (q, typed[i]);
          t = now_ms ();
          care_record_list_set_query (list, q);
          n = MIN (50u, g_list_model_get_n_items (G_LIST_MODEL (list)));
          for (guint j = 0; j < n; j++)
            g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), j));
          ms = now_ms () - t;
          if (round > 0) /* the first round warms the page cache */
            g_array_append_val (search_ms, ms);
          if (verbose && round == 2)
            g_print ("  search %-10s %7.1f ms, %u%s rows\n", typed[i], ms,
                     g_list_model_get_n_items (G_LIST_MODEL (list)),
                     care_record_list_is_complete (list) ? "" : "+");
        }
  }

  /* Scrolling: the list model serves 10,000 consecutive rows. */
  {
    g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
    g_autoptr (CareRecordList) list = care_record_list_new (store, q);
    guint n = MIN (10000u, g_list_model_get_n_items (G_LIST_MODEL (list)));

    for (guint i = 0; i < n; i += 40) /* a screen of 40 rows per frame */
      {
        double t = now_ms (), ms;
        for (guint j = i; j < MIN (n, i + 40); j++)
          g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), j));
        ms = now_ms () - t;
        g_array_append_val (page_ms, ms);
      }
  }

  g_print ("\nLocal store, %'d customers (%'" G_GUINT64_FORMAT " records), %s\n\n", n_customers,
           n_records, db_path);
  g_print ("| %-58s | %14s | %-14s |\n", "figure", "measured", "goal");
  g_print ("|%s|%s|%s|\n", "------------------------------------------------------------",
           "----------------", "----------------");
  buf =
      n_records > 0 ? g_strdup_printf ("%.0f rows/s", n_records / import_s) : g_strdup ("not run");
  row ("demo data: generate + insert, one transaction", buf, "");
  g_free (buf);
  buf = n_records > 0
            ? g_strdup_printf ("%.0f rows/s", n_records / MAX (0.001, import_s - generate_s))
            : g_strdup ("not run");
  row ("bulk import into the local store (insert only)", buf, ">= 100,000/s");
  g_free (buf);
  buf = g_strdup_printf ("%.1f ms", open_ms);
  row ("open the store and read the first list page", buf, "part of 1.0 s");
  g_free (buf);
  buf = g_strdup_printf ("%.1f ms", percentile (search_ms, 0.50));
  row ("search-as-you-type, to 50 rows in the list model, p50", buf, "");
  g_free (buf);
  buf = g_strdup_printf ("%.1f ms", percentile (search_ms, 0.95));
  row ("search-as-you-type, to 50 rows in the list model, p95", buf,
       n_customers >= 1000000 ? "<= 100 ms" : "<= 50 ms");
  g_free (buf);
  buf = g_strdup_printf ("%.2f ms", percentile (page_ms, 0.99));
  row ("list model: 40 rows per frame through 10,000 rows, p99", buf, "<= 16.7 ms");
  g_free (buf);
  buf = g_strdup_printf ("%.0f MB", peak_rss_kb () / 1024.0);
  row ("peak resident memory of this process", buf, "<= 300 MB");
  g_print ("\n");

  /* For tests/bench/aftercare-bench.py, which prints one table of all figures. */
  if (json)
    {
      char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE],
          d[G_ASCII_DTOSTR_BUF_SIZE], e[G_ASCII_DTOSTR_BUF_SIZE], f[G_ASCII_DTOSTR_BUF_SIZE],
          g[G_ASCII_DTOSTR_BUF_SIZE];

      g_print ("{\"bench-store\": {\"customers\": %d, \"records\": %" G_GUINT64_FORMAT
               ", \"generate_s\": %s, \"import_s\": %s, \"open_ms\": %s, \"search_p50_ms\": %s, "
               "\"search_p95_ms\": %s, \"model_page_p99_ms\": %s, \"model_page_max_ms\": %s, "
               "\"vmhwm_kb\": %ld}}\n",
               n_customers, n_records, g_ascii_formatd (a, sizeof a, "%.3f", generate_s),
               g_ascii_formatd (b, sizeof b, "%.3f", import_s),
               g_ascii_formatd (c, sizeof c, "%.2f", open_ms),
               g_ascii_formatd (d, sizeof d, "%.2f", percentile (search_ms, 0.50)),
               g_ascii_formatd (e, sizeof e, "%.2f", percentile (search_ms, 0.95)),
               g_ascii_formatd (f, sizeof f, "%.3f", percentile (page_ms, 0.99)),
               g_ascii_formatd (g, sizeof g, "%.3f", percentile (page_ms, 1.0)), peak_rss_kb ());
    }

  if (!keep)
    {
      g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
      g_clear_object (&store);
      g_unlink (db_path);
      g_unlink (wal);
      g_unlink (shm);
      if (dir != NULL)
        g_rmdir (dir);
    }

  return 0;
}
