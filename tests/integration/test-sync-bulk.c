/* test-sync-bulk.c: 10,000 records pushed in batches and pulled in pages, none missing, none twice. */
#include "config.h"

#include "care-test-harness.h"

#define N_RECORDS 10000

static gboolean
add_many (CareStore *store, gpointer user_data, GError **error)
{
  const CareEntity *customer = care_schema_entity (CARE_ENTITY_CUSTOMER);

  for (guint i = 0; i < N_RECORDS; i++)
    {
      g_autoptr (CareRecord) c = care_record_new (customer);
      g_autofree char *name = g_strdup_printf ("Bulk customer %05u", i);

      care_record_set_string (c, "kind", i % 3 == 0 ? "person" : "company");
      care_record_set_string (c, "name", name);
      if (!care_store_save (store, c, error))
        return FALSE;
    }

  return TRUE;
}

static void
test_bulk (void)
{
  g_autoptr (GError) error = NULL;
  TestServer *server;
  TestClient *a;
  TestClient *b;
  gint64      start;
  guint       n_notify = 0;

  if (!test_server_available ())
    {
      g_test_skip ("aftercare-server is not built");
      return;
    }

  server = test_server_new ();
  test_server_add_user (server, "ana", "admin");
  test_server_add_user (server, "ben", "admin");
  test_server_start (server, 0);
  a = test_client_new (server, NULL, "ana");
  b = test_client_new (server, NULL, "ben");

  g_assert_true (care_store_write (a->store, add_many, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (care_sync_engine_get_pending_count (a->engine), ==, N_RECORDS);

  start = g_get_monotonic_time ();
  g_object_set (a->engine, "batch-size", 500, NULL);
  test_client_sync_ok (a);
  g_test_message ("pushed %u records in %.1f s", N_RECORDS,
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (care_sync_engine_get_pending_count (a->engine), ==, 0);

  start = g_get_monotonic_time ();
  g_object_set (b->engine, "page-size", 1000, NULL);
  g_signal_connect_swapped (b->engine, "notify::progress-applied", G_CALLBACK (g_atomic_int_inc),
                            &n_notify);
  test_client_sync_ok (b);
  g_test_message ("pulled %u records in %.1f s", N_RECORDS,
                  (g_get_monotonic_time () - start) / 1e6);

  /* Every record arrived exactly once: the feed delivered N changes, and
   * there are N distinct rows. */
  g_assert_cmpuint (care_sync_engine_get_progress_applied (b->engine), ==, N_RECORDS);
  g_assert_cmpuint (test_client_count (b, "customer"), ==, N_RECORDS);
  /* Progress was reported page by page. */
  g_assert_cmpuint (n_notify, >=, N_RECORDS / 1000);

  /* A second sync brings nothing new. */
  test_client_sync_ok (b);
  g_assert_cmpuint (care_sync_engine_get_progress_applied (b->engine), ==, 0);

  test_client_free (a);
  test_client_free (b);
  test_server_free (server);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync/bulk-10000", test_bulk);
  return g_test_run ();
}
