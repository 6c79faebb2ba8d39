/* test-maintenance.c: plan dates without drift, idempotent generation, overdue visits. */
#include "config.h"

#include "care-maintenance.h"
#include "care-workflow.h"
#include "workflow-fixtures.h"

static void
assert_dates (const char *start, const char *unit, guint count, const char *const *expected)
{
  GDate s;

  fx_date (start, &s);
  for (guint i = 0; expected[i] != NULL; i++)
    {
      GDate            d;
      g_autofree char *iso = NULL;

      g_assert_true (care_maintenance_visit_date (&s, unit, count, i, &d));
      iso = care_date_to_iso (&d);
      if (g_strcmp0 (iso, expected[i]) != 0)
        g_error ("%s every %u %s, visit %u: %s, expected %s", start, count, unit, i, iso,
                 expected[i]);
    }
}

static void
test_dates (void)
{
  const char *monthly[] = { "2027-01-31", "2027-02-28", "2027-03-31",
                            "2027-04-30", "2027-05-31", NULL };
  const char *monthly_leap[] = { "2028-01-31", "2028-02-29", "2028-03-31", NULL };
  const char *quarterly[] = { "2026-11-30", "2027-02-28", "2027-05-30", "2027-08-30", NULL };
  const char *yearly[] = { "2024-02-29", "2025-02-28", "2026-02-28",
                           "2027-02-28", "2028-02-29", NULL };
  const char *fortnightly[] = { "2026-12-24", "2027-01-07", "2027-01-21", NULL };
  GDate       s, d;

  assert_dates ("2027-01-31", "month", 1, monthly);
  assert_dates ("2028-01-31", "month", 1, monthly_leap);
  assert_dates ("2026-11-30", "month", 3, quarterly);
  assert_dates ("2024-02-29", "year", 1, yearly);
  assert_dates ("2026-12-24", "week", 2, fortnightly);

  fx_date ("2026-01-01", &s);
  g_assert_false (care_maintenance_visit_date (&s, "fortnight", 1, 1, &d));
  g_assert_false (
      care_maintenance_visit_date (&s, "year", 120, 520, &d)); /* beyond any calendar we keep */
}

static CareRecord *
new_plan (CareRecord *product, const char *start, const char *unit, gint64 count, gint64 visits)
{
  CareRecord *plan = care_record_new (care_schema_entity (CARE_ENTITY_MAINTENANCE_PLAN));

  care_record_set_string (plan, "product_id", care_record_get_id (product));
  care_record_set_string (plan, "title", "Heat pump service");
  care_record_set_string (plan, "interval_unit", unit);
  care_record_set_int (plan, "interval_count", count);
  care_record_set_int (plan, "visits", visits);
  care_record_set_string (plan, "start_date", start);
  return plan;
}

static void
test_plan_dates_end (void)
{
  g_autoptr (CareRecord) customer = fx_customer (NULL, "Ana");
  g_autoptr (CareRecord) product = care_record_new (care_schema_entity (CARE_ENTITY_PRODUCT));
  g_autoptr (CareRecord) plan = new_plan (product, "2027-01-31", "month", 1, 12);
  g_autoptr (GPtrArray) dates = NULL;

  care_record_set_string (plan, "end_date", "2027-04-15");
  dates = care_maintenance_plan_dates (plan);
  g_assert_cmpuint (dates->len, ==, 3); /* 31 Jan, 28 Feb, 31 Mar; not 30 Apr */
}

static void
test_generate_idempotent (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Luka Novak");
  g_autoptr (CareRecord) product = fx_product (store, customer, "APL-1");
  g_autoptr (CareRecord) technician = fx_staff (store, "Rok Zupan", "technician");
  g_autoptr (CareRecord) plan = new_plan (product, "2027-01-31", "month", 1, 4);
  g_autoptr (CareQuery) q = NULL;
  g_autoptr (GPtrArray) links = NULL;
  g_autoptr (CareRecord) first = NULL;
  g_autoptr (GError) error = NULL;
  guint n = 99;

  care_record_set_string (plan, "technician_id", care_record_get_id (technician));
  fx_save (store, plan);

  g_assert_true (care_maintenance_plan_generate (store, plan, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (fx_count (store, "appointment"), ==, 4);
  g_assert_cmpuint (fx_count (store, "maintenance_visit"), ==, 4);

  q = care_maintenance_plan_visits_query (care_record_get_id (plan));
  links = care_store_find (store, q, 0, 10, NULL, NULL);
  g_assert_cmpstr (care_record_get_string (g_ptr_array_index (links, 1), "planned_date"), ==,
                   "2027-02-28");
  first = care_store_load (store, care_schema_entity (CARE_ENTITY_APPOINTMENT),
                           care_record_get_string (g_ptr_array_index (links, 0), "appointment_id"),
                           NULL);
  g_assert_cmpstr (care_record_get_string (first, "kind"), ==, "maintenance");
  g_assert_cmpstr (care_record_get_string (first, "status"), ==, "planned");
  fx_assert_local_slot (first, "start_at", "2027-01-31", 9);
  g_assert_cmpstr (care_record_get_string (first, "technician_id"), ==,
                   care_record_get_id (technician));
  g_assert_cmpstr (care_record_get_string (first, "customer_id"), ==,
                   care_record_get_id (customer));
  g_assert_cmpstr (care_record_get_string (first, "address"), ==, "Rua Augusta 1, Lisboa");

  /* Again: nothing new. */
  g_assert_true (care_maintenance_plan_generate (store, plan, &n, &error));
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpuint (fx_count (store, "appointment"), ==, 4);

  /* A cancelled visit stays cancelled; more visits add only the new ones. */
  care_record_set_string (first, "status", "cancelled");
  fx_save (store, first);
  care_record_set_int (plan, "visits", 6);
  fx_save (store, plan);
  g_assert_true (care_maintenance_plan_generate (store, plan, &n, &error));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (fx_count (store, "appointment"), ==, 6);

  /* A deleted visit takes its link along and is scheduled again. */
  g_assert_true (care_store_delete (store, care_schema_entity (CARE_ENTITY_APPOINTMENT),
                                    care_record_get_id (first), &error));
  g_assert_cmpuint (fx_count (store, "maintenance_visit"), ==, 5);
  g_assert_true (care_maintenance_plan_generate (store, plan, &n, &error));
  g_assert_cmpuint (n, ==, 1);

  /* Deleting the product deletes the plan, its links and nothing else. */
  g_assert_true (care_store_delete (store, care_schema_entity (CARE_ENTITY_PRODUCT),
                                    care_record_get_id (product), &error));
  g_assert_cmpuint (fx_count (store, "maintenance_plan"), ==, 0);
  g_assert_cmpuint (fx_count (store, "maintenance_visit"), ==, 0);
}

static void
test_generate_refuses_invalid (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Luka Novak");
  g_autoptr (CareRecord) product = fx_product (store, customer, "APL-1");
  g_autoptr (CareRecord) plan = new_plan (product, "2027-01-31", "month", 1, 4);
  g_autoptr (GError) error = NULL;

  care_record_set_string (plan, "end_date", "2026-01-01");
  g_assert_false (care_maintenance_plan_generate (store, plan, NULL, &error));
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_OUT_OF_RANGE);
  g_assert_cmpuint (fx_count (store, "appointment"), ==, 0);
}

static void
test_overdue (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Nina Horvat");
  g_autoptr (CareRecord) product = fx_product (store, customer, "APL-2");
  g_autoptr (CareRecord) plan = fx_save (store, new_plan (product, "2026-01-31", "month", 1, 4));
  g_autoptr (CareRecord) repair =
      fx_appointment (store, customer, product, "repair", "2026-01-05T09:00:00Z",
                      "2026-01-05T10:00:00Z", "planned");
  g_autoptr (GDateTime) now = fx_time ("2026-03-15T12:00:00Z");
  g_autoptr (CareQuery) q = care_maintenance_overdue_query (now);
  g_autoptr (GPtrArray) overdue = NULL;
  g_autoptr (GPtrArray) after = NULL;
  CareRecord *feb;

  g_assert_true (care_maintenance_plan_generate (store, plan, NULL, NULL));

  /* 31 Jan and 28 Feb are past; 31 Mar is not; the repair is not maintenance. */
  overdue = care_store_find (store, q, 0, 10, NULL, NULL);
  g_assert_cmpuint (overdue->len, ==, 2);
  fx_assert_local_slot (g_ptr_array_index (overdue, 0), "start_at", "2026-01-31", 9);

  feb = g_ptr_array_index (overdue, 1);
  care_record_set_string (feb, "status", "done");
  fx_save (store, feb);
  after = care_store_find (store, q, 0, 10, NULL, NULL);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpuint (care_store_count (store, q, NULL, NULL), ==, 1);

  /* The check on one loaded appointment follows the query's rule. */
  {
    g_autoptr (CareQuery) all_q = care_query_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));
    g_autoptr (GPtrArray) all = care_store_find_all (store, all_q, NULL);
    guint n_overdue = 0;

    g_assert_cmpuint (all->len, ==, 5);
    for (guint i = 0; i < all->len; i++)
      {
        CareRecord *a = g_ptr_array_index (all, i);
        gboolean    expected = g_strcmp0 (care_record_get_id (a),
                                          care_record_get_id (g_ptr_array_index (after, 0))) == 0;

        g_assert_cmpint (care_maintenance_is_overdue (a, now), ==, expected);
        n_overdue += expected;
      }
    g_assert_cmpuint (n_overdue, ==, 1);
    g_assert_false (care_maintenance_is_overdue (repair, now));
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/maintenance/dates", test_dates);
  g_test_add_func ("/maintenance/plan-dates-end", test_plan_dates_end);
  g_test_add_func ("/maintenance/generate-idempotent", test_generate_idempotent);
  g_test_add_func ("/maintenance/generate-refuses-invalid", test_generate_refuses_invalid);
  g_test_add_func ("/maintenance/overdue", test_overdue);

  return g_test_run ();
}
