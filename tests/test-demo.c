/* test-demo.c: the demo dataset is deterministic, valid and varied. */
#include "config.h"

#include <glib/gstdio.h>

#include "care-demo.h"
#include "care-warranty.h"

typedef struct
{
  GChecksum  *ids;
  GHashTable *counts;   /* entity -> count */
  GHashTable *statuses; /* warranty status -> count */
  GHashTable *languages;
  GHashTable *serials;
  GDate       today;
  guint       waitlisted;
} Summary;

static gboolean
summarize (CareRecord *record, gpointer user_data, GError **error)
{
  Summary    *s = user_data;
  const char *entity = care_record_get_entity (record)->name;

  g_checksum_update (s->ids, (const guchar *) care_record_get_id (record), -1);
  g_hash_table_insert (
      s->counts, (gpointer) entity,
      GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (s->counts, entity)) + 1));

  if (g_str_equal (entity, "warranty"))
    g_hash_table_add (s->statuses, (gpointer) care_warranty_status_key (
                                       care_warranty_status (record, &s->today, 30)));
  else if (g_str_equal (entity, "customer"))
    g_hash_table_add (s->languages, g_strdup (care_record_get_string (record, "language")));
  else if (g_str_equal (entity, "product"))
    g_assert_true (
        g_hash_table_add (s->serials, g_strdup (care_record_get_string (record, "serial"))));
  else if (g_str_equal (entity, "enrolment") &&
           g_str_equal (care_record_get_string (record, "status"), "waitlisted"))
    s->waitlisted++;

  return TRUE;
}

static char *
run (guint n, Summary *s)
{
  CareDemoOptions options;

  care_demo_options_init (&options, n);
  g_date_set_dmy (&options.today, 23, 11, 2026);
  s->today = options.today;
  s->ids = g_checksum_new (G_CHECKSUM_SHA256);
  s->counts = g_hash_table_new (g_str_hash, g_str_equal);
  s->statuses = g_hash_table_new (g_str_hash, g_str_equal);
  s->languages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  s->serials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_assert_true (care_demo_generate (&options, summarize, s, NULL));

  return g_strdup (g_checksum_get_string (s->ids));
}

static void
summary_clear (Summary *s)
{
  g_checksum_free (s->ids);
  g_hash_table_unref (s->counts);
  g_hash_table_unref (s->statuses);
  g_hash_table_unref (s->languages);
  g_hash_table_unref (s->serials);
}

static void
test_deterministic_and_varied (void)
{
  Summary                  a = { 0 }, b = { 0 };
  g_autofree char         *first = run (200, &a);
  g_autofree char         *second = run (200, &b);
  const char              *statuses[] = { "active", "expiring", "expired", "not_started" };
  const char              *languages[] = { "pt", "fr", "bg", "sl", "en" };
  guint                    n_entities;
  const CareEntity *const *all = care_schema_entities (&n_entities);

  g_assert_cmpstr (first, ==, second);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (a.counts, "customer")), ==, 200);

  /* Every entity but attachments: an attachment names a file, and the
   * demo has no files to give. */
  for (guint i = 0; i < n_entities; i++)
    if (g_hash_table_lookup (a.counts, all[i]->name) == NULL &&
        all[i] != care_schema_entity (CARE_ENTITY_ATTACHMENT))
      g_error ("The demo has no %s", all[i]->name);
  g_assert_null (g_hash_table_lookup (a.counts, "attachment"));
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    if (!g_hash_table_contains (a.statuses, statuses[i]))
      g_error ("No demo warranty is %s", statuses[i]);
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    g_assert_true (g_hash_table_contains (a.languages, languages[i]));
  g_assert_cmpuint (a.waitlisted, >, 0);

  summary_clear (&a);
  summary_clear (&b);
}

static void
test_fill_store (void)
{
  g_autoptr (CareStore) store = care_store_new (":memory:", NULL);
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (GError) error = NULL;
  CareDemoOptions options;
  guint64         n = 0;

  care_demo_options_init (&options, 500);
  g_assert_true (care_demo_fill_store (store, &options, NULL, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, >, 2000);
  g_assert_cmpuint (care_store_count (store, q, NULL, NULL), ==, 500);
  care_query_set_search (q, "ivanov");
  g_assert_cmpuint (care_store_count (store, q, NULL, NULL), ==,
                    0); /* Cyrillic names are not transliterated */
  care_query_set_search (q, "иванов");
  g_assert_cmpuint (care_store_count (store, q, NULL, NULL), >, 0);
}

static void
filled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError **error = user_data;

  g_assert_false (care_demo_fill_finish (CARE_STORE (source), result, NULL, error));
}

/* Cancelled, a fill in the worker thread stops and leaves the store empty. */
static void
test_fill_cancelled (void)
{
  g_autofree char *dir = g_dir_make_tmp ("care-demo-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "demo.db", NULL);
  g_autoptr (CareStore) store = care_store_new (path, NULL);
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  CareDemoOptions options;

  care_demo_options_init (&options, 50);
  g_cancellable_cancel (cancellable);
  g_assert_false (care_demo_fill_store (store, &options, cancellable, NULL, &error));
  g_assert_true (care_store_error_is_cancelled (error));
  g_clear_error (&error);
  g_assert_cmpuint (care_store_count (store, q, NULL, NULL), ==, 0);

  care_demo_fill_async (store, 50, cancellable, filled_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (care_store_error_is_cancelled (error));
  g_assert_cmpuint (care_store_count (store, q, NULL, NULL), ==, 0);

  g_clear_object (&store);
  g_remove (path);
  g_remove (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo/deterministic-and-varied", test_deterministic_and_varied);
  g_test_add_func ("/demo/fill-store", test_fill_store);
  g_test_add_func ("/demo/fill-cancelled", test_fill_cancelled);

  return g_test_run ();
}
