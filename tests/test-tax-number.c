/* test-tax-number.c: tax numbers with their country code, checked where
 * the country has a checksum; the customer field that holds them. */
#include "config.h"

#include "care-record.h"
#include "care-tax-number.h"

static void
test_valid (void)
{
  /* Published examples and numbers checked with independent code. */
  const char *const valid[] = {
    "PT501964843",                               /* NIF */
    "FR40303265045",                             /* numéro de TVA */
    "BG175074752",   "BG1750747520004",          /* ЕИК, 9 and 13 digits */
    "BG7523169263",                              /* ЕГН */
    "SI50223054",                                /* davčna številka */
    "BR39053344705", "BR16727230000197",         /* CPF, CNPJ */
    "DE136695976",   "GB980780684",      "ES12", /* no checksum known here */
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    if (care_tax_number_check (valid[i]) != NULL)
      g_error ("%s: %s", valid[i], care_tax_number_check (valid[i]));
}

static void
test_wrong_check_digit (void)
{
  const char *const wrong[] = {
    "PT501964842",   "PT001964843",      /* check digit; NIFs do not start with 0 */
    "FR41303265045", "FR40303265046",    /* key; SIREN fails Luhn */
    "BG175074751",   "BG1750747520005",  /* ЕИК 9 and 13 */
    "BG7523169264",  "BG17507475",       /* ЕГН; no such length */
    "SI50223055",    "SI05022305",       /* check digit; first digit 0 */
    "BR39053344706", "BR16727230000198", /* CPF, CNPJ */
    "BR11111111111", "BR123",            /* all alike; no such length */
    "PT50196484X",
  };

  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    if (care_tax_number_check (wrong[i]) == NULL)
      g_error ("%s passed", wrong[i]);
}

static void
test_format (void)
{
  const char *const bad[] = {
    "501964843",   "P501964843",           "PT5",          "PT",      "",
    "pt501964843", "PT501964843000000000", "PT 501964843", "ÉS12345", "PT50196-843"
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_nonnull (care_tax_number_check (bad[i]));
}

static void
test_normalize (void)
{
  const char *const cases[][2] = {
    { "pt 501 964 843", "PT501964843" },
    { "BR 390.533.447-05", "BR39053344705" },
    { "BR16.727.230/0001-97", "BR16727230000197" },
    { "\tSI 5022 3054", "SI50223054" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *compact = care_tax_number_normalize (cases[i][0]);
      g_assert_cmpstr (compact, ==, cases[i][1]);
    }
}

/* The customer field: what a user types is stored compact, a wrong number
 * is refused with the field's name, and no number is fine. */
static void
test_customer_field (void)
{
  const CareField *field = care_schema_field (CARE_ENTITY_CUSTOMER, "tax_number");
  g_autoptr (GVariant) value = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (field->searchable);
  g_assert_true (care_field_parse (field, " fr 40 303 265 045 ", &value, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "FR40303265045");
  g_clear_pointer (&value, g_variant_unref);

  g_assert_false (care_field_parse (field, "PT 501 964 842", &value, &error));
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "Tax number: "));
  g_assert_null (value);
  g_clear_error (&error);

  /* What comes from JSON or the store is checked, not rewritten. */
  value = g_variant_ref_sink (g_variant_new_string ("pt501964843"));
  g_assert_false (care_field_validate (field, value, &error));
  g_clear_error (&error);

  g_assert_true (care_field_parse (field, "  ", &value, &error));
  g_assert_null (value);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tax-number/valid", test_valid);
  g_test_add_func ("/tax-number/wrong-check-digit", test_wrong_check_digit);
  g_test_add_func ("/tax-number/format", test_format);
  g_test_add_func ("/tax-number/normalize", test_normalize);
  g_test_add_func ("/tax-number/customer-field", test_customer_field);

  return g_test_run ();
}
