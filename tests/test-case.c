/* test-case.c: the service case workflow rule and warranty claims. */
#include "config.h"

#include "care-case.h"

static CareRecord *
new_case (const char *status)
{
  CareRecord *c = care_record_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));

  care_record_set_string (c, "status", status);
  return c;
}

static void
test_next_statuses (void)
{
  const char *const *next = care_case_next_statuses ("open");

  g_assert_cmpuint (g_strv_length ((GStrv) next), ==, 1);
  g_assert_cmpstr (next[0], ==, "in_progress");

  g_assert_true (care_case_can_transition ("in_progress", "waiting"));
  g_assert_true (care_case_can_transition ("in_progress", "resolved"));
  g_assert_true (care_case_can_transition ("waiting", "in_progress"));
  g_assert_true (care_case_can_transition ("waiting", "resolved"));
  g_assert_true (care_case_can_transition ("resolved", "closed"));
  g_assert_true (care_case_can_transition ("resolved", "in_progress"));

  /* No skipping the work, no leaving a closed case, no standing still. */
  g_assert_false (care_case_can_transition ("open", "resolved"));
  g_assert_false (care_case_can_transition ("open", "closed"));
  g_assert_false (care_case_can_transition ("in_progress", "closed"));
  g_assert_false (care_case_can_transition ("in_progress", "in_progress"));
  g_assert_false (care_case_can_transition ("closed", "open"));
  g_assert_false (care_case_can_transition ("closed", "in_progress"));
  g_assert_cmpuint (g_strv_length ((GStrv) care_case_next_statuses ("closed")), ==, 0);

  /* Unknown or missing statuses lead nowhere. */
  g_assert_false (care_case_can_transition ("bogus", "open"));
  g_assert_false (care_case_can_transition (NULL, "open"));
  g_assert_false (care_case_can_transition ("open", NULL));
  g_assert_false (care_case_can_transition ("open", "bogus"));
  g_assert_cmpuint (g_strv_length ((GStrv) care_case_next_statuses (NULL)), ==, 0);

  /* Every status a step leads to is one the schema knows. */
  {
    const CareField *f = care_schema_field (CARE_ENTITY_SERVICE_CASE, "status");
    for (guint i = 0; f->choices[i] != NULL; i++)
      {
        next = care_case_next_statuses (f->choices[i]);
        for (guint j = 0; next[j] != NULL; j++)
          g_assert_true (g_strv_contains (f->choices, next[j]));
      }
  }

  g_assert_true (care_case_is_open ("waiting"));
  g_assert_false (care_case_is_open ("resolved"));
  g_assert_false (care_case_is_open (NULL));
}

static void
test_transition (void)
{
  g_autoptr (CareRecord) c = new_case ("open");
  g_autoptr (GError) error = NULL;

  g_assert_false (care_case_transition (c, "closed", NULL, &error));
  g_assert_error (error, CARE_CASE_ERROR, CARE_CASE_ERROR_INVALID_TRANSITION);
  g_assert_cmpstr (care_record_get_string (c, "status"), ==, "open");
  g_clear_error (&error);

  g_assert_true (care_case_transition (c, "in_progress", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (care_case_transition (c, "waiting", NULL, &error));
  g_assert_no_error (error);

  /* Resolving asks for what was done; blanks do not count. */
  g_assert_false (care_case_transition (c, "resolved", NULL, &error));
  g_assert_error (error, CARE_CASE_ERROR, CARE_CASE_ERROR_RESOLUTION_REQUIRED);
  g_clear_error (&error);
  g_assert_false (care_case_transition (c, "resolved", "  \n\t ", &error));
  g_assert_error (error, CARE_CASE_ERROR, CARE_CASE_ERROR_RESOLUTION_REQUIRED);
  g_clear_error (&error);
  g_assert_cmpstr (care_record_get_string (c, "status"), ==, "waiting");
  g_assert_null (care_record_get_string (c, "resolution"));

  g_assert_true (care_case_transition (c, "resolved", "  Replaced the pump.\n", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (care_record_get_string (c, "status"), ==, "resolved");
  g_assert_cmpstr (care_record_get_string (c, "resolution"), ==, "Replaced the pump.");

  /* Reopened and resolved again: the recorded resolution is enough. */
  g_assert_true (care_case_transition (c, "in_progress", NULL, &error));
  g_assert_true (care_case_transition (c, "resolved", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (care_case_transition (c, "closed", NULL, &error));
  g_assert_false (care_case_transition (c, "open", NULL, &error));
  g_assert_error (error, CARE_CASE_ERROR, CARE_CASE_ERROR_INVALID_TRANSITION);
  g_assert_cmpstr (care_record_get_string (c, "status"), ==, "closed");
}

static void
save (CareStore *store, CareRecord *r)
{
  g_autoptr (GError) error = NULL;

  care_store_save (store, r, &error);
  g_assert_no_error (error);
}

static void
test_warranty_claim (void)
{
  g_autoptr (CareStore) store = care_store_new (":memory:", NULL);
  g_autoptr (CareRecord) customer = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (CareRecord) product = care_record_new (care_schema_entity (CARE_ENTITY_PRODUCT));
  g_autoptr (CareRecord) w = care_record_new (care_schema_entity (CARE_ENTITY_WARRANTY));
  g_autoptr (CareRecord) claim = NULL;
  g_autoptr (CareRecord) orphan = NULL;
  g_autoptr (GError) error = NULL;
  GDate today;

  care_record_set_string (customer, "kind", "person");
  care_record_set_string (customer, "name", "Ada Example");
  save (store, customer);
  care_record_set_string (product, "customer_id", care_record_get_id (customer));
  care_record_set_string (product, "serial", "WM-1234");
  care_record_set_string (product, "name", "Washing machine");
  save (store, product);
  care_record_set_string (w, "product_id", care_record_get_id (product));
  care_record_set_string (w, "kind", "standard");
  care_record_set_string (w, "start_date", "2025-01-01");
  care_record_set_string (w, "end_date", "2026-12-31");
  save (store, w);

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 15, 12, 2026);
  claim = care_case_new_warranty_claim (store, w, &today, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (care_record_get_string (claim, "customer_id"), ==,
                   care_record_get_id (customer));
  g_assert_cmpstr (care_record_get_string (claim, "product_id"), ==, care_record_get_id (product));
  g_assert_cmpstr (care_record_get_string (claim, "kind"), ==, "warranty_claim");
  g_assert_cmpstr (care_record_get_string (claim, "status"), ==, "open");
  g_assert_cmpstr (care_record_get_string (claim, "warranty_status"), ==, "expiring");
  g_assert_nonnull (care_record_get_string (claim, "opened_at"));

  /* Only the subject is left to the user. */
  g_assert_false (care_record_validate (claim, NULL, NULL));
  care_record_set_string (claim, "subject", "Does not drain");
  save (store, claim);
  g_clear_object (&claim);

  g_date_set_dmy (&today, 1, 1, 2027);
  claim = care_case_new_warranty_claim (store, w, &today, &error);
  g_assert_cmpstr (care_record_get_string (claim, "warranty_status"), ==, "expired");

  /* A warranty whose product is gone cannot be claimed on. */
  care_record_set_string (w, "product_id", "00000000-0000-4000-8000-000000000000");
  orphan = care_case_new_warranty_claim (store, w, &today, &error);
  g_assert_null (orphan);
  g_assert_error (error, CARE_CASE_ERROR, CARE_CASE_ERROR_NO_PRODUCT);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/case/next-statuses", test_next_statuses);
  g_test_add_func ("/case/transition", test_transition);
  g_test_add_func ("/case/warranty-claim", test_warranty_claim);

  return g_test_run ();
}
