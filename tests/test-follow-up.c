/* test-follow-up.c: one follow-up call per resolved case or finished delivery. */
#include "config.h"

#include "care-follow-up.h"
#include "workflow-fixtures.h"

static CareRecord *
new_case (CareStore *store, CareRecord *customer, const char *status)
{
  CareRecord *c = care_record_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));

  care_record_set_string (c, "customer_id", care_record_get_id (customer));
  care_record_set_string (c, "kind", "repair");
  care_record_set_string (c, "subject", "Door seal leaking");
  care_record_set_string (c, "opened_at", "2026-11-01T09:00:00Z");
  care_record_set_string (c, "priority", "normal");
  care_record_set_string (c, "status", status);
  return fx_save (store, c);
}

static guint
calls (CareStore *store)
{
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));

  care_query_add_string (q, "kind", CARE_QUERY_EQ, "follow_up_call");
  return care_store_count (store, q, NULL, NULL);
}

static void
test_case_resolved (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Ana Silva");
  g_autoptr (CareRecord) service_case = new_case (store, customer, "in_progress");
  g_autoptr (GDateTime) now = fx_time ("2026-11-23T15:00:00Z");
  g_autoptr (CareRecord) call = NULL;
  g_autoptr (CareRecord) again = NULL;
  g_autoptr (GError) error = NULL;

  /* Not resolved yet: nothing. */
  g_assert_true (care_follow_up_schedule (store, service_case, 7, now, &call, &error));
  g_assert_null (call);
  g_assert_cmpuint (calls (store), ==, 0);

  care_record_set_string (service_case, "status", "resolved");
  fx_save (store, service_case);
  g_assert_true (care_follow_up_schedule (store, service_case, 7, now, &call, &error));
  g_assert_no_error (error);
  g_assert_nonnull (call);
  g_assert_cmpstr (care_record_get_string (call, "kind"), ==, "follow_up_call");
  g_assert_cmpstr (care_record_get_string (call, "case_id"), ==, care_record_get_id (service_case));
  g_assert_cmpstr (care_record_get_string (call, "customer_id"), ==, care_record_get_id (customer));
  fx_assert_local_slot (call, "start_at", "2026-11-30", 10);
  g_assert_cmpstr (care_record_get_string (call, "status"), ==, "planned");

  /* Saved again, resolved again, days changed: still the one call. */
  g_assert_true (care_follow_up_schedule (store, service_case, 3, now, &again, &error));
  g_assert_null (again);
  g_assert_cmpuint (calls (store), ==, 1);
}

static void
test_delivery_done (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Luka Novak");
  g_autoptr (CareRecord) product = fx_product (store, customer, "APL-9");
  g_autoptr (CareRecord) delivery = fx_appointment (
      store, customer, product, "delivery", "2026-11-20T09:00:00Z", "2026-11-20T10:00:00Z", "done");
  g_autoptr (CareRecord) repair = fx_appointment (
      store, customer, product, "repair", "2026-11-20T09:00:00Z", "2026-11-20T10:00:00Z", "done");
  g_autoptr (CareRecord) install =
      fx_appointment (store, customer, product, "installation", "2026-11-27T09:00:00Z",
                      "2026-11-27T12:00:00Z", "planned");
  g_autoptr (GDateTime) now = fx_time ("2026-11-23T15:00:00Z");
  g_autoptr (CareRecord) call = NULL;
  g_autoptr (CareRecord) none = NULL;
  g_autoptr (CareRecord) early = NULL;

  g_assert_true (care_follow_up_schedule (store, delivery, 2, now, &call, NULL));
  g_assert_nonnull (call);
  g_assert_cmpstr (care_record_get_string (call, "follow_up_of"), ==,
                   care_record_get_id (delivery));
  g_assert_cmpstr (care_record_get_string (call, "product_id"), ==, care_record_get_id (product));
  fx_assert_local_slot (call, "start_at", "2026-11-25", 10);

  g_assert_true (care_follow_up_schedule (store, delivery, 2, now, &none, NULL));
  g_assert_null (none);
  g_assert_true (care_follow_up_schedule (store, repair, 2, now, &none, NULL));
  g_assert_null (none);
  g_assert_true (care_follow_up_schedule (store, install, 2, now, &none, NULL));
  g_assert_null (none);
  g_assert_cmpuint (calls (store), ==, 1);

  /* Recorded done ahead of its day: the call counts from the visit. */
  care_record_set_string (install, "status", "done");
  fx_save (store, install);
  g_assert_true (care_follow_up_schedule (store, install, 2, now, &early, NULL));
  fx_assert_local_slot (early, "start_at", "2026-11-29", 10);
  g_assert_cmpuint (calls (store), ==, 2);
}

/* A delivery that belongs to a case: its call is the case's call too. */
static void
test_one_call_per_case (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Jérôme Girard");
  g_autoptr (CareRecord) service_case = new_case (store, customer, "in_progress");
  g_autoptr (CareRecord) delivery = fx_appointment (
      store, customer, NULL, "delivery", "2026-11-20T09:00:00Z", "2026-11-20T10:00:00Z", "planned");
  g_autoptr (GDateTime) now = fx_time ("2026-11-23T15:00:00Z");
  g_autoptr (CareRecord) call = NULL;
  g_autoptr (CareRecord) none = NULL;

  care_record_set_string (delivery, "case_id", care_record_get_id (service_case));
  care_record_set_string (delivery, "status", "done");
  fx_save (store, delivery);
  g_assert_true (care_follow_up_schedule (store, delivery, 7, now, &call, NULL));
  g_assert_cmpstr (care_record_get_string (call, "case_id"), ==, care_record_get_id (service_case));

  care_record_set_string (service_case, "status", "resolved");
  fx_save (store, service_case);
  g_assert_true (care_follow_up_schedule (store, service_case, 7, now, &none, NULL));
  g_assert_null (none);
  g_assert_cmpuint (calls (store), ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/follow-up/case-resolved", test_case_resolved);
  g_test_add_func ("/follow-up/delivery-done", test_delivery_done);
  g_test_add_func ("/follow-up/one-call-per-case", test_one_call_per_case);

  return g_test_run ();
}
