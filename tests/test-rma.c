/* test-rma.c: a replacement inherits what remained of the warranty, never more. */
#include "config.h"

#include "care-rma.h"
#include "care-workflow.h"
#include "workflow-fixtures.h"

static void
test_remaining (void)
{
  g_autoptr (GPtrArray) originals = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) copies = NULL;
  CareRecord *c;
  GDate       day;

  g_ptr_array_add (originals,
                   fx_warranty (NULL, NULL, "standard", "2024-06-01", "2026-12-31", TRUE, TRUE, 0));
  g_ptr_array_add (
      originals, fx_warranty (NULL, NULL, "extended", "2027-01-01", "2028-12-31", TRUE, FALSE, 0));
  g_ptr_array_add (originals, fx_warranty (NULL, NULL, "maintenance_contract", "2020-01-01",
                                           "2026-06-14", FALSE, FALSE, 10));
  g_ptr_array_add (originals,
                   fx_warranty (NULL, NULL, "standard", "2024-06-01", "2026-06-15", TRUE, TRUE, 0));
  fx_date ("2026-06-15", &day);

  copies = care_rma_remaining_warranties (originals, &day, "0b1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10");
  g_assert_cmpuint (copies->len, ==, 3);

  c = g_ptr_array_index (copies, 0);
  g_assert_cmpstr (care_record_get_string (c, "product_id"), ==,
                   "0b1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10");
  g_assert_cmpstr (care_record_get_string (c, "start_date"), ==, "2026-06-15");
  g_assert_cmpstr (care_record_get_string (c, "end_date"), ==, "2026-12-31");
  g_assert_true (care_record_get_bool (c, "covers_parts"));
  g_assert_true (care_record_validate (c, NULL, NULL));

  /* An extension not begun keeps its own start. */
  c = g_ptr_array_index (copies, 1);
  g_assert_cmpstr (care_record_get_string (c, "kind"), ==, "extended");
  g_assert_cmpstr (care_record_get_string (c, "start_date"), ==, "2027-01-01");
  g_assert_false (care_record_get_bool (c, "covers_labour"));

  /* Ending on the replacement day: that one day remains. The contract that
   * ended the day before is gone. */
  c = g_ptr_array_index (copies, 2);
  g_assert_cmpstr (care_record_get_string (c, "start_date"), ==, "2026-06-15");
  g_assert_cmpstr (care_record_get_string (c, "end_date"), ==, "2026-06-15");
}

typedef struct
{
  CareStore  *store;
  CareRecord *customer;
  CareRecord *product;
  CareRecord *service_case;
  CareRecord *rma;
  GDate       day;
} Fixture;

static void
set_up (Fixture *f, gconstpointer data)
{
  f->store = fx_store ();
  f->customer = fx_customer (f->store, "Zoé Lefèvre");
  f->product = fx_product (f->store, f->customer, "APL-OLD");
  f->service_case = care_record_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));
  care_record_set_string (f->service_case, "customer_id", care_record_get_id (f->customer));
  care_record_set_string (f->service_case, "product_id", care_record_get_id (f->product));
  care_record_set_string (f->service_case, "kind", "warranty_claim");
  care_record_set_string (f->service_case, "subject", "Compressor noise");
  care_record_set_string (f->service_case, "opened_at", "2026-06-01T09:00:00Z");
  care_record_set_string (f->service_case, "priority", "normal");
  care_record_set_string (f->service_case, "status", "in_progress");
  fx_save (f->store, f->service_case);

  f->rma = care_record_new (care_schema_entity (CARE_ENTITY_RMA));
  care_record_set_string (f->rma, "case_id", care_record_get_id (f->service_case));
  care_record_set_string (f->rma, "product_id", care_record_get_id (f->product));
  care_record_set_string (f->rma, "reason", "Compressor fails under load");
  care_record_set_string (f->rma, "status", "received");
  care_record_set_bool (f->rma, "received", TRUE);
  care_record_set_string (f->rma, "received_date", "2026-06-10");
  fx_save (f->store, f->rma);
  fx_date ("2026-06-15", &f->day);
}

static void
tear_down (Fixture *f, gconstpointer data)
{
  g_object_unref (f->rma);
  g_object_unref (f->service_case);
  g_object_unref (f->product);
  g_object_unref (f->customer);
  g_object_unref (f->store);
}

static GPtrArray *
warranties_of (Fixture *f, CareRecord *product)
{
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_WARRANTY));

  care_query_add_string (q, "product_id", CARE_QUERY_EQ, care_record_get_id (product));
  return care_store_find (f->store, q, 0, 10, NULL, NULL);
}

static void
test_replace (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) w =
      fx_warranty (f->store, f->product, "standard", "2024-06-01", "2026-12-31", TRUE, TRUE, 0);
  g_autoptr (CareRecord) replacement = NULL;
  g_autoptr (CareRecord) saved = NULL;
  g_autoptr (GPtrArray) copies = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (care_rma_replace (f->store, f->rma, "  APL-NEW  ", &f->day, &replacement, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (care_record_get_string (replacement, "serial"), ==, "APL-NEW");
  g_assert_cmpstr (care_record_get_string (replacement, "customer_id"), ==,
                   care_record_get_id (f->customer));
  g_assert_cmpstr (care_record_get_string (replacement, "model"), ==, "Aquarea 9kW");
  g_assert_cmpstr (care_record_get_string (replacement, "installed_date"), ==, "2026-06-15");

  copies = warranties_of (f, replacement);
  g_assert_cmpuint (copies->len, ==, 1);
  g_assert_cmpstr (care_record_get_string (g_ptr_array_index (copies, 0), "start_date"), ==,
                   "2026-06-15");
  g_assert_cmpstr (care_record_get_string (g_ptr_array_index (copies, 0), "end_date"), ==,
                   "2026-12-31");

  saved = care_store_load (f->store, care_schema_entity (CARE_ENTITY_RMA),
                           care_record_get_id (f->rma), NULL);
  g_assert_cmpstr (care_record_get_string (saved, "outcome"), ==, "replace");
  g_assert_cmpstr (care_record_get_string (saved, "status"), ==, "completed");
  g_assert_cmpstr (care_record_get_string (saved, "replacement_serial"), ==, "APL-NEW");
  g_assert_cmpstr (care_record_get_string (saved, "replacement_product_id"), ==,
                   care_record_get_id (replacement));
  g_assert_cmpstr (care_record_get_string (saved, "replaced_date"), ==, "2026-06-15");

  /* Once only. */
  g_assert_false (care_rma_replace (f->store, f->rma, "APL-NEWER", &f->day, NULL, &error));
  g_assert_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_ALREADY_DONE);
  g_assert_cmpuint (fx_count (f->store, "product"), ==, 2);
}

static void
test_replace_expired (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) w =
      fx_warranty (f->store, f->product, "standard", "2024-06-01", "2026-06-14", TRUE, TRUE, 0);
  g_autoptr (CareRecord) replacement = NULL;
  g_autoptr (GPtrArray) copies = NULL;

  g_assert_true (care_rma_replace (f->store, f->rma, "APL-NEW", &f->day, &replacement, NULL));
  copies = warranties_of (f, replacement);
  g_assert_cmpuint (copies->len, ==, 0);
}

/* A taken serial or another outcome is refused; nothing is written and
 * the caller's record is unchanged. */
static void
test_replace_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) other = fx_product (f->store, f->customer, "APL-TAKEN");
  g_autoptr (GError) error = NULL;
  guint outbox = care_store_outbox_count (f->store);

  g_assert_false (care_rma_replace (f->store, f->rma, "APL-TAKEN", &f->day, NULL, &error));
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (care_record_get_string (f->rma, "outcome"));
  g_assert_cmpstr (care_record_get_string (f->rma, "status"), ==, "received");
  g_assert_cmpuint (fx_count (f->store, "product"), ==, 2);
  g_assert_cmpuint (care_store_outbox_count (f->store), ==, outbox);

  g_assert_false (care_rma_replace (f->store, f->rma, "   ", &f->day, NULL, &error));
  g_assert_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID);
  g_clear_error (&error);

  care_record_set_string (f->rma, "outcome", "refund");
  fx_save (f->store, f->rma);
  g_assert_false (care_rma_replace (f->store, f->rma, "APL-NEW", &f->day, NULL, &error));
  g_assert_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_NOT_APPLICABLE);
  g_assert_cmpuint (fx_count (f->store, "product"), ==, 2);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rma/remaining", test_remaining);
  g_test_add ("/rma/replace", Fixture, NULL, set_up, test_replace, tear_down);
  g_test_add ("/rma/replace-expired", Fixture, NULL, set_up, test_replace_expired, tear_down);
  g_test_add ("/rma/replace-refused", Fixture, NULL, set_up, test_replace_refused, tear_down);

  return g_test_run ();
}
