/* test-schema.c: field validation and parsing of typed text. */
#include "config.h"

#include "care-schema.h"

static const CareField *
field (const char *entity, const char *name)
{
  const CareField *f = care_entity_lookup_field (care_schema_lookup (entity), name);
  g_assert_nonnull (f);
  return f;
}

static gboolean
parse_ok (const CareField *f, const char *text, GVariant **out)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = care_field_parse (f, text, out, &error);

  g_assert_true (ok == (error == NULL));
  return ok;
}

static void
test_entities (void)
{
  guint                    n;
  const CareEntity *const *all = care_schema_entities (&n);
  const char              *names[] = { "customer",
                                       "contact",
                                       "product",
                                       "warranty",
                                       "service_case",
                                       "appointment",
                                       "staff",
                                       "training_course",
                                       "training_session",
                                       "enrolment",
                                       "call_log",
                                       "visit_report",
                                       "part_usage",
                                       "maintenance_plan",
                                       "maintenance_visit",
                                       "rma",
                                       "survey",
                                       "working_calendar",
                                       "calendar_closure",
                                       "sla_policy",
                                       "case_status_change",
                                       "attachment" };

  g_assert_cmpuint (n, ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_nonnull (care_schema_lookup (names[i]));
  g_assert_null (care_schema_lookup ("customers"));
  g_assert_null (care_schema_lookup (NULL));

  /* Every reference names a known entity defined before it: parents first. */
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < all[i]->n_fields; j++)
      if (all[i]->fields[j].type == CARE_FIELD_REF)
        {
          const CareEntity *target = care_schema_lookup (all[i]->fields[j].ref_entity);
          gboolean          before = FALSE;
          g_assert_nonnull (target);
          for (guint k = 0; k <= i; k++)
            before |= all[k] == target;
          g_assert_true (before);
        }
}

/* A handle names the entity at its place in the schema's order. */
static void
test_handles (void)
{
  guint                    n;
  const CareEntity *const *all = care_schema_entities (&n);

  g_assert_cmpuint (n, ==, CARE_N_ENTITIES);
  for (guint i = 0; i < n; i++)
    g_assert_true (care_schema_entity ((CareEntityId) i) == all[i]);
  g_assert_cmpstr (care_schema_entity (CARE_ENTITY_SERVICE_CASE)->name, ==, "service_case");
  g_assert_cmpstr (care_schema_entity (CARE_ENTITY_SURVEY)->name, ==, "survey");

  g_assert_true (care_schema_field (CARE_ENTITY_SERVICE_CASE, "priority") ==
                 care_entity_lookup_field (care_schema_lookup ("service_case"), "priority"));
  if (g_test_subprocess ())
    {
      care_schema_field (CARE_ENTITY_CUSTOMER, "priority");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*Entity customer has no field priority*");
}

static void
test_searchable (void)
{
  g_assert_true (care_schema_field (CARE_ENTITY_PRODUCT, "serial")->searchable);
  g_assert_false (care_schema_field (CARE_ENTITY_PRODUCT, "name")->searchable);
  g_assert_true (care_entity_is_searchable (care_schema_entity (CARE_ENTITY_CONTACT)));
  g_assert_false (care_entity_is_searchable (care_schema_entity (CARE_ENTITY_WARRANTY)));
}

static void
test_required (void)
{
  g_autoptr (GError) error = NULL;
  GVariant *v = NULL;

  g_assert_false (care_field_parse (field ("customer", "name"), "   ", &v, &error));
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_REQUIRED);
  g_assert_true (g_str_has_prefix (error->message, "Name:"));
  g_assert_null (v);

  /* Optional fields accept blank as "not set". */
  g_assert_true (parse_ok (field ("customer", "email"), "", &v));
  g_assert_null (v);
}

static void
test_text_limits (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) long_name = g_string_new (NULL);
  GVariant *v = NULL;

  for (int i = 0; i < 201; i++)
    g_string_append (long_name, "й"); /* 201 characters, 402 bytes */

  g_assert_false (care_field_parse (field ("customer", "name"), long_name->str, &v, &error));
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_TOO_LONG);
  g_clear_error (&error);

  g_string_truncate (long_name, 400); /* 200 characters */
  g_assert_true (parse_ok (field ("customer", "name"), long_name->str, &v));
  g_assert_cmpstr (g_variant_get_string (v, NULL), ==, long_name->str);
  g_variant_unref (v);

  /* Control characters never enter a one-line field; notes keep newlines. */
  g_assert_false (care_field_parse (field ("customer", "name"), "Ana\x01", &v, &error));
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (parse_ok (field ("customer", "notes"), "line one\nline two\t", &v));
  g_assert_cmpstr (g_variant_get_string (v, NULL), ==, "line one\nline two\t");
  g_variant_unref (v);
}

static void
test_formats (void)
{
  struct
  {
    const char *entity, *field, *text;
    gboolean    ok;
  } cases[] = {
    { "customer", "email", "ana.silva@exemplo.pt", TRUE },
    { "customer", "email", "ana silva@exemplo.pt", FALSE },
    { "customer", "email", "ana@", FALSE },
    { "customer", "email", "@exemplo.pt", FALSE },
    { "customer", "email", "a@b@c.pt", FALSE },
    { "customer", "phone", "+351 912 345 678", TRUE },
    { "customer", "phone", "(01) 23-45", TRUE },
    { "customer", "phone", "call me", FALSE },
    { "customer", "phone", "12", FALSE },
    { "customer", "kind", "person", TRUE },
    { "customer", "kind", "robot", FALSE },
    { "customer", "kind", "person' OR 1=1 --", FALSE },
    { "product", "purchase_date", "2024-02-29", TRUE },
    { "product", "purchase_date", "2023-02-29", FALSE },
    { "product", "purchase_date", "2024-13-01", FALSE },
    { "product", "purchase_date", "24-1-1", FALSE },
    { "appointment", "start_at", "2026-11-23T09:30:00Z", TRUE },
    { "appointment", "start_at", "2026-11-23T10:30:00+01:00", TRUE }, /* normalised to UTC */
    { "appointment", "start_at", "tomorrow", FALSE },
    { "warranty", "discount_percent", "15", TRUE },
    { "warranty", "discount_percent", "101", FALSE },
    { "warranty", "discount_percent", "-1", FALSE },
    { "warranty", "discount_percent", "1.5", FALSE },
    { "warranty", "discount_percent", "99999999999999999999999", FALSE },
    { "training_session", "url", "https://meet.example/abc", TRUE },
    { "training_session", "url", "javascript:alert(1)", FALSE },
    { "contact", "customer_id", "not-a-uuid", FALSE },
    { "contact", "customer_id", "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) v = NULL;
      gboolean ok =
          care_field_parse (field (cases[i].entity, cases[i].field), cases[i].text, &v, &error);

      if (ok != cases[i].ok)
        g_error ("%s.%s = “%s”: expected %s", cases[i].entity, cases[i].field, cases[i].text,
                 cases[i].ok ? "valid" : "invalid");
      g_assert_true (ok ? error == NULL && v != NULL : error != NULL && v == NULL);
    }
}

static void
test_datetime_normalized (void)
{
  g_autoptr (GVariant) v = NULL;

  g_assert_true (parse_ok (field ("appointment", "start_at"), "2026-11-23T10:30:00+01:00", &v));
  g_assert_cmpstr (g_variant_get_string (v, NULL), ==, "2026-11-23T09:30:00Z");
}

static void
test_wrong_type (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) v = g_variant_ref_sink (g_variant_new_int64 (3));

  g_assert_false (care_field_validate (field ("customer", "name"), v, &error));
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_WRONG_TYPE);
}

static void
test_invalid_utf8 (void)
{
  g_autoptr (GError) error = NULL;
  /* A GVariant string must be valid UTF-8, so check through the validator
   * with text built by hand. */
  const char bad[] = { 'A', (char) 0xC3, (char) 0x28, 0 };

  g_assert_false (g_utf8_validate (bad, -1, NULL));
  GVariant *v = NULL;

  g_assert_false (care_field_parse (field ("customer", "name"), bad, &v, &error));
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_INVALID);
  g_assert_null (v);
}

static void
test_choice_labels (void)
{
  const CareField *f = field ("service_case", "status");

  g_assert_cmpstr (care_field_choice_label (f, "in_progress"), ==, "In progress");
  g_assert_cmpstr (care_field_choice_label (field ("customer", "kind"), "company"), ==, "Company");
  g_assert_cmpstr (care_field_choice_label (f, "unknown"), ==, "unknown");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/schema/entities", test_entities);
  g_test_add_func ("/schema/handles", test_handles);
  g_test_add_func ("/schema/searchable", test_searchable);
  g_test_add_func ("/schema/required", test_required);
  g_test_add_func ("/schema/text-limits", test_text_limits);
  g_test_add_func ("/schema/formats", test_formats);
  g_test_add_func ("/schema/datetime-normalized", test_datetime_normalized);
  g_test_add_func ("/schema/wrong-type", test_wrong_type);
  g_test_add_func ("/schema/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/schema/choice-labels", test_choice_labels);

  return g_test_run ();
}
