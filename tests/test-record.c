/* test-record.c: records, their validation, diff and strict JSON codec. */
#include "config.h"

#include "care-record.h"

static CareRecord *
customer (void)
{
  CareRecord *r = care_record_new (care_schema_lookup ("customer"));

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
  g_autoptr (CareRecord) w = care_record_new (care_schema_lookup ("warranty"));
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

static JsonObject *
parse_object (const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_json_round_trip (void)
{
  g_autoptr (CareRecord) w = care_record_new (care_schema_lookup ("warranty"));
  g_autoptr (CareRecord) back = care_record_new_with_id (care_schema_lookup ("warranty"), care_record_get_id (w));
  g_autoptr (JsonObject) obj = NULL;
  g_autoptr (GPtrArray) diff = NULL;

  care_record_set_string (w, "product_id", "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10");
  care_record_set_string (w, "kind", "maintenance_contract");
  care_record_set_string (w, "start_date", "2026-01-10");
  care_record_set_string (w, "end_date", "2027-01-09");
  care_record_set_bool (w, "covers_onsite", TRUE);
  care_record_set_int (w, "discount_percent", 15);
  care_record_set_string (w, "terms", "\"Quotes\", 'apostrophes'; DROP TABLE warranty; --");

  obj = care_record_to_json (w);
  g_assert_true (json_object_has_member (obj, "covers_parts"));
  g_assert_true (json_node_is_null (json_object_get_member (obj, "covers_parts")));
  g_assert_cmpint (json_object_get_int_member (obj, "discount_percent"), ==, 15);

  g_assert_true (care_record_set_from_json (back, obj, NULL));
  diff = care_record_diff (w, back);
  g_assert_cmpuint (diff->len, ==, 0);
}

static void
test_json_strict (void)
{
  const char *bad[] = {
    "{\"discount_percent\": \"15\"}",     /* string for an integer */
    "{\"covers_parts\": 1}",              /* integer for a boolean */
    "{\"kind\": [\"standard\"]}",         /* array for a string */
    "{\"kind\": {\"to\": \"standard\"}}", /* object for a string */
    "{\"kind\": \"forever\"}",            /* not a choice */
    "{\"end_date\": \"2026-02-30\"}",     /* not a date */
    "{\"no_such_field\": 1}",             /* unknown field */
    "{\"discount_percent\": 1.5}",        /* not an integer */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (CareRecord) w = care_record_new (care_schema_lookup ("warranty"));
      g_autoptr (JsonObject) obj = parse_object (bad[i]);
      g_autoptr (GError) error = NULL;

      care_record_set_string (w, "kind", "standard");
      g_assert_false (care_record_set_from_json (w, obj, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == CARE_VALIDATION_ERROR);
      /* Nothing half-applied. */
      g_assert_cmpstr (care_record_get_string (w, "kind"), ==, "standard");
      g_assert_null (care_record_get_value (w, "discount_percent"));
    }
}

static void
test_json_partial_failure_keeps_record (void)
{
  g_autoptr (CareRecord) c = customer ();
  g_autoptr (JsonObject) obj = parse_object ("{\"name\": \"New name\", \"email\": \"broken\"}");

  g_assert_false (care_record_set_from_json (c, obj, NULL));
  g_assert_cmpstr (care_record_get_string (c, "name"), ==, "Ана Иванова");
}

/* SQLite compares ids byte by byte: a reference is kept in lower case, so
 * one record is never known under two spellings. */
static void
test_id_case (void)
{
  g_autoptr (CareRecord) p = care_record_new (care_schema_lookup ("product"));
  g_autoptr (JsonObject) obj =
      parse_object ("{\"customer_id\": \"6F1C1C1E-8A8E-4B8E-9C1D-3C1E2A9B7D10\"}");
  g_autofree char *lower = care_id_normalize ("6F1C1C1E-8A8E-4B8E-9C1D-3C1E2A9B7D10");

  g_assert_cmpstr (lower, ==, "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10");
  g_assert_null (care_id_normalize ("not-a-uuid"));
  g_assert_null (care_id_normalize (NULL));

  g_assert_true (care_record_set_from_json (p, obj, NULL));
  g_assert_cmpstr (care_record_get_string (p, "customer_id"), ==,
                   "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/record/new", test_new);
  g_test_add_func ("/record/validate", test_validate);
  g_test_add_func ("/record/diff-copy", test_diff_copy);
  g_test_add_func ("/record/json-round-trip", test_json_round_trip);
  g_test_add_func ("/record/json-strict", test_json_strict);
  g_test_add_func ("/record/json-partial-failure", test_json_partial_failure_keeps_record);
  g_test_add_func ("/record/id-case", test_id_case);

  return g_test_run ();
}
