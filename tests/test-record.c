/* test-record.c: records, their validation and diff. */
#include "config.h"

#include "care-record.h"

static CareRecord *
customer (void)
{
  CareRecord *r = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));

  care_record_set_string (r, "kind", "person");
  care_record_set_string (r, "name", "Ана Иванова");
  care_record_set_string (r, "email", "ana@primer.bg");
  return r;
}

static void
test_new (void)
{
  g_autoptr (CareRecord) a = customer ();
  g_autoptr (CareRecord) b = customer ();

  g_assert_true (g_uuid_string_is_valid (care_record_get_id (a)));
  g_assert_cmpstr (care_record_get_id (a), !=, care_record_get_id (b));
  g_assert_cmpint (care_record_get_sync_state (a), ==, CARE_SYNC_STATE_CREATED);
  g_assert_cmpstr (care_record_get_title (a), ==, "Ана Иванова");

  /* "" unsets a field, so empty and missing are one state. */
  care_record_set_string (a, "email", "");
  g_assert_null (care_record_get_value (a, "email"));
}

static void
test_validate (void)
{
  g_autoptr (CareRecord) r = customer ();
  g_autoptr (CareRecord) w = care_record_new (care_schema_entity (CARE_ENTITY_WARRANTY));
  g_autoptr (GError) error = NULL;
  const char *bad = NULL;

  g_assert_true (care_record_validate (r, &bad, NULL));
  g_assert_null (bad);

  care_record_set_string (r, "email", "not an email");
  g_assert_false (care_record_validate (r, &bad, &error));
  g_assert_cmpstr (bad, ==, "email");
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_INVALID);
  g_clear_error (&error);

  care_record_set_string (w, "product_id", "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10");
  care_record_set_string (w, "kind", "standard");
  care_record_set_string (w, "start_date", "2026-01-10");
  care_record_set_string (w, "end_date", "2025-01-10");
  g_assert_false (care_record_validate (w, &bad, &error));
  g_assert_cmpstr (bad, ==, "end_date");
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_OUT_OF_RANGE);
  g_assert_cmpstr (error->message, ==, "End: must not be before Start");
}

static void
test_diff_copy (void)
{
  g_autoptr (CareRecord) a = customer ();
  g_autoptr (CareRecord) b = care_record_copy (a);
  g_autoptr (GPtrArray) none = care_record_diff (a, b);
  g_autoptr (GPtrArray) two = NULL;

  g_assert_cmpuint (none->len, ==, 0);
  care_record_set_string (b, "phone", "+359 888 123 456");
  care_record_set_string (b, "name", "Ана Петрова");
  two = care_record_diff (a, b);
  g_assert_cmpuint (two->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (two, 0), ==, "name");
  g_assert_cmpstr (g_ptr_array_index (two, 1), ==, "phone");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/record/new", test_new);
  g_test_add_func ("/record/validate", test_validate);
  g_test_add_func ("/record/diff-copy", test_diff_copy);

  return g_test_run ();
}
