/* test-json.c: the JSON codec client and server share: strict values,
 * records, mutation ops and members. */
#include "config.h"

#include "care-json.h"

static CareRecord *
customer (void)
{
  CareRecord *r = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));

  care_record_set_string (r, "kind", "person");
  care_record_set_string (r, "name", "Ана Иванова");
  care_record_set_string (r, "email", "ana@primer.bg");
  return r;
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
  g_autoptr (CareRecord) w = care_record_new (care_schema_entity (CARE_ENTITY_WARRANTY));
  g_autoptr (CareRecord) back =
      care_record_new_with_id (care_schema_entity (CARE_ENTITY_WARRANTY), care_record_get_id (w));
  g_autoptr (JsonObject) obj = NULL;
  g_autoptr (GPtrArray) diff = NULL;

  care_record_set_string (w, "product_id", "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10");
  care_record_set_string (w, "kind", "maintenance_contract");
  care_record_set_string (w, "start_date", "2026-01-10");
  care_record_set_string (w, "end_date", "2027-01-09");
  care_record_set_bool (w, "covers_onsite", TRUE);
  care_record_set_int (w, "discount_percent", 15);
  care_record_set_string (w, "terms", "\"Quotes\", 'apostrophes'; DROP TABLE warranty; --");

  obj = care_json_from_record (w);
  g_assert_true (json_object_has_member (obj, "covers_parts"));
  g_assert_true (json_node_is_null (json_object_get_member (obj, "covers_parts")));
  g_assert_cmpint (json_object_get_int_member (obj, "discount_percent"), ==, 15);

  g_assert_true (care_json_set_record (back, obj, NULL));
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
      g_autoptr (CareRecord) w = care_record_new (care_schema_entity (CARE_ENTITY_WARRANTY));
      g_autoptr (JsonObject) obj = parse_object (bad[i]);
      g_autoptr (GError) error = NULL;

      care_record_set_string (w, "kind", "standard");
      g_assert_false (care_json_set_record (w, obj, &error));
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

  g_assert_false (care_json_set_record (c, obj, NULL));
  g_assert_cmpstr (care_record_get_string (c, "name"), ==, "Ана Иванова");
}

static void
test_json_null_unsets (void)
{
  g_autoptr (CareRecord) c = customer ();
  g_autoptr (JsonObject) obj = parse_object ("{\"email\": null, \"phone\": \"\"}");

  care_record_set_string (c, "phone", "+359 888 123 456");
  g_assert_true (care_json_set_record (c, obj, NULL));
  /* null and "" both mean "not set"; fields not in the object stay. */
  g_assert_null (care_record_get_value (c, "email"));
  g_assert_null (care_record_get_value (c, "phone"));
  g_assert_cmpstr (care_record_get_string (c, "name"), ==, "Ана Иванова");
}

static void
test_value_round_trip (void)
{
  const CareEntity *w = care_schema_entity (CARE_ENTITY_WARRANTY);
  GVariant         *values[] = { g_variant_new_int64 (-42), g_variant_new_boolean (TRUE),
                                 g_variant_new_string ("2026-01-10"), NULL };
  const char *const fields[] = { "discount_percent", "covers_parts", "start_date", "terms" };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      const CareField *field = care_entity_lookup_field (w, fields[i]);
      g_autoptr (GVariant) in = values[i] != NULL ? g_variant_ref_sink (values[i]) : NULL;
      g_autoptr (JsonNode) node = care_json_from_value (in);
      g_autoptr (GVariant) out = NULL;

      g_assert_true (care_json_read_value (field, node, &out));
      g_assert_true (care_value_equal (in, out));
    }
}

/* care_json_read_value() checks the type only: a "from" value is compared
 * with what is stored, whatever the field's rules say now. */
static void
test_read_value_type_only (void)
{
  const CareField *percent = care_schema_field (CARE_ENTITY_WARRANTY, "discount_percent");
  g_autoptr (JsonNode) big = json_node_init_int (json_node_alloc (), 1000);
  g_autoptr (JsonNode) text = json_node_init_string (json_node_alloc (), "15");
  g_autoptr (JsonObject) object = json_object_new ();
  g_autoptr (JsonNode) nested = care_json_take_object (json_object_ref (object));
  g_autoptr (GVariant) value = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (care_json_read_value (percent, big, &value));
  g_assert_cmpint (g_variant_get_int64 (value), ==, 1000);
  g_clear_pointer (&value, g_variant_unref);

  g_assert_false (care_json_to_value (percent, big, &value, &error));
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_OUT_OF_RANGE);
  g_assert_null (value);
  g_clear_error (&error);

  g_assert_false (care_json_read_value (percent, text, &value));
  g_assert_false (care_json_read_value (percent, nested, &value));
  g_assert_false (care_json_to_value (percent, text, &value, &error));
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_WRONG_TYPE);
}

static void
test_members_strict (void)
{
  g_autoptr (JsonObject) obj =
      parse_object ("{\"s\": \"text\", \"i\": 7, \"b\": true, \"o\": {}, \"a\": [], \"n\": null}");
  gint64   i = -1;
  gboolean b = FALSE;

  g_assert_cmpstr (care_json_get_string (obj, "s"), ==, "text");
  g_assert_null (care_json_get_string (obj, "i"));
  g_assert_null (care_json_get_string (obj, "n"));
  g_assert_null (care_json_get_string (obj, "missing"));
  g_assert_null (care_json_get_string (NULL, "s"));

  g_assert_true (care_json_get_int (obj, "i", &i));
  g_assert_cmpint (i, ==, 7);
  g_assert_false (care_json_get_int (obj, "s", &i));
  g_assert_false (care_json_get_int (obj, "b", &i));
  g_assert_cmpint (i, ==, 7);

  g_assert_true (care_json_get_bool (obj, "b", &b));
  g_assert_true (b);
  g_assert_false (care_json_get_bool (obj, "i", &b));

  g_assert_nonnull (care_json_get_object (obj, "o"));
  g_assert_null (care_json_get_object (obj, "a"));
  g_assert_nonnull (care_json_get_array (obj, "a"));
  g_assert_null (care_json_get_array (obj, "o"));
}

static void
test_mutation_ops (void)
{
  const CareMutationOp ops[] = { CARE_MUTATION_CREATE, CARE_MUTATION_UPDATE, CARE_MUTATION_DELETE };
  CareMutationOp       op;

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      g_assert_true (care_mutation_op_from_string (care_mutation_op_to_string (ops[i]), &op));
      g_assert_cmpint (op, ==, ops[i]);
    }
  g_assert_cmpstr (care_mutation_op_to_string (CARE_MUTATION_UPDATE), ==, "update");
  g_assert_false (care_mutation_op_from_string ("Update", &op));
  g_assert_false (care_mutation_op_from_string ("", &op));
  g_assert_false (care_mutation_op_from_string (NULL, &op));
}

static void
test_object_to_string (void)
{
  g_autoptr (JsonObject) obj = json_object_new ();
  g_autofree char *text = NULL;

  json_object_set_string_member (obj, "op", "delete");
  text = care_json_object_to_string (obj);
  g_assert_cmpstr (text, ==, "{\"op\":\"delete\"}");
  /* Not consumed. */
  g_assert_true (json_object_has_member (obj, "op"));
}

/* SQLite compares ids byte by byte: a reference is kept in lower case, so
 * one record is never known under two spellings. */
static void
test_id_case (void)
{
  g_autoptr (CareRecord) p = care_record_new (care_schema_entity (CARE_ENTITY_PRODUCT));
  g_autoptr (JsonObject) obj =
      parse_object ("{\"customer_id\": \"6F1C1C1E-8A8E-4B8E-9C1D-3C1E2A9B7D10\"}");
  g_autofree char *lower = care_id_normalize ("6F1C1C1E-8A8E-4B8E-9C1D-3C1E2A9B7D10");
  const CareField *customer_id = care_schema_field (CARE_ENTITY_PRODUCT, "customer_id");
  g_autoptr (JsonNode) upper =
      json_node_init_string (json_node_alloc (), "6F1C1C1E-8A8E-4B8E-9C1D-3C1E2A9B7D10");
  g_autoptr (GVariant) from = NULL;

  g_assert_cmpstr (lower, ==, "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10");
  g_assert_null (care_id_normalize ("not-a-uuid"));
  g_assert_null (care_id_normalize (NULL));

  g_assert_true (care_json_set_record (p, obj, NULL));
  g_assert_cmpstr (care_record_get_string (p, "customer_id"), ==,
                   "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10");

  /* An update's "from", read for its type only, is normalised too: it is
   * compared with a stored reference. */
  g_assert_true (care_json_read_value (customer_id, upper, &from));
  g_assert_cmpstr (g_variant_get_string (from, NULL), ==, "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/record-round-trip", test_json_round_trip);
  g_test_add_func ("/json/record-strict", test_json_strict);
  g_test_add_func ("/json/record-partial-failure", test_json_partial_failure_keeps_record);
  g_test_add_func ("/json/null-unsets", test_json_null_unsets);
  g_test_add_func ("/json/value-round-trip", test_value_round_trip);
  g_test_add_func ("/json/read-value-type-only", test_read_value_type_only);
  g_test_add_func ("/json/members-strict", test_members_strict);
  g_test_add_func ("/json/mutation-ops", test_mutation_ops);
  g_test_add_func ("/json/object-to-string", test_object_to_string);
  g_test_add_func ("/json/id-case", test_id_case);

  return g_test_run ();
}
