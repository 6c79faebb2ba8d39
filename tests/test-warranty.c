/* test-warranty.c: warranty status from dates and the coverage lookup. */
#include "config.h"

#include "care-warranty.h"

static CareRecord *
warranty (const char *start, const char *end)
{
  CareRecord *w = care_record_new (care_schema_entity (CARE_ENTITY_WARRANTY));

  care_record_set_string (w, "kind", "standard");
  care_record_set_string (w, "start_date", start);
  care_record_set_string (w, "end_date", end);
  return w;
}

static void
test_status (void)
{
  g_autoptr (CareRecord) w = warranty ("2025-01-01", "2026-12-22");
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 31, 12, 2024);
  g_assert_cmpint (care_warranty_status (w, &today, 30), ==, CARE_WARRANTY_STATUS_NOT_STARTED);
  g_date_set_dmy (&today, 1, 1, 2025);
  g_assert_cmpint (care_warranty_status (w, &today, 30), ==, CARE_WARRANTY_STATUS_ACTIVE);
  g_date_set_dmy (&today, 22, 11, 2026); /* end is 30 days away: not yet expiring */
  g_assert_cmpint (care_warranty_status (w, &today, 30), ==, CARE_WARRANTY_STATUS_ACTIVE);
  g_date_set_dmy (&today, 23, 11, 2026); /* 29 days left */
  g_assert_cmpint (care_warranty_status (w, &today, 30), ==, CARE_WARRANTY_STATUS_EXPIRING);
  g_date_set_dmy (&today, 22, 12, 2026); /* the last covered day */
  g_assert_cmpint (care_warranty_status (w, &today, 30), ==, CARE_WARRANTY_STATUS_EXPIRING);
  g_date_set_dmy (&today, 23, 12, 2026);
  g_assert_cmpint (care_warranty_status (w, &today, 30), ==, CARE_WARRANTY_STATUS_EXPIRED);
  g_assert_cmpint (care_warranty_status (NULL, &today, 30), ==, CARE_WARRANTY_STATUS_NONE);
  g_assert_cmpstr (care_warranty_status_key (CARE_WARRANTY_STATUS_EXPIRING), ==, "expiring");
}

static void
save (CareStore *store, CareRecord *r)
{
  g_autoptr (GError) error = NULL;

  care_store_save (store, r, &error);
  g_assert_no_error (error);
}

static void
test_coverage (void)
{
  g_autoptr (CareStore) store = care_store_new (":memory:", NULL);
  g_autoptr (CareRecord) c = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (CareRecord) p = care_record_new (care_schema_entity (CARE_ENTITY_PRODUCT));
  g_autoptr (CareRecord) old = warranty ("2022-01-01", "2023-12-31");
  g_autoptr (CareRecord) ext = warranty ("2024-01-01", "2027-12-31");
  CareCoverage coverage;
  GDate        today;

  care_record_set_string (c, "kind", "company");
  care_record_set_string (c, "name", "Garage Lefèvre");
  save (store, c);
  care_record_set_string (p, "customer_id", care_record_get_id (c));
  care_record_set_string (p, "serial", "VIN-ABC123");
  care_record_set_string (p, "name", "Clio");
  save (store, p);

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 23, 11, 2026);

  /* Unknown serial: no product, no warranty, no error. */
  g_assert_true (care_coverage_lookup (store, "VIN-NOPE", &today, &coverage, NULL));
  g_assert_null (coverage.product);
  g_assert_cmpint (coverage.status, ==, CARE_WARRANTY_STATUS_NONE);

  /* Known, no warranty. */
  g_assert_true (care_coverage_lookup (store, "  VIN-ABC123 ", &today, &coverage, NULL));
  g_assert_nonnull (coverage.product);
  g_assert_null (coverage.warranty);
  care_coverage_clear (&coverage);

  care_record_set_string (old, "product_id", care_record_get_id (p));
  save (store, old);
  g_assert_true (care_coverage_lookup (store, "VIN-ABC123", &today, &coverage, NULL));
  g_assert_cmpint (coverage.status, ==, CARE_WARRANTY_STATUS_EXPIRED);
  care_coverage_clear (&coverage);

  /* The covering warranty decides over the expired one. */
  care_record_set_string (ext, "product_id", care_record_get_id (p));
  care_record_set_string (ext, "kind", "extended");
  care_record_set_bool (ext, "covers_parts", TRUE);
  save (store, ext);
  g_assert_true (care_coverage_lookup (store, "VIN-ABC123", &today, &coverage, NULL));
  g_assert_cmpint (coverage.status, ==, CARE_WARRANTY_STATUS_ACTIVE);
  g_assert_cmpstr (care_record_get_id (coverage.warranty), ==, care_record_get_id (ext));
  care_coverage_clear (&coverage);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/warranty/status", test_status);
  g_test_add_func ("/warranty/coverage", test_coverage);

  return g_test_run ();
}
