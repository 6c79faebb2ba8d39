/* care-tax-number.c: tax numbers with their country code first, checked
 * where the country's number has a checksum.
 *
 * A customer's tax number is stored as its ISO 3166 country code and the
 * number, with nothing between: PT501964843. That is how EU VAT numbers
 * are written anyway (VIES), it tells a Portuguese NIF from a Brazilian
 * CPF without a second field, and a country and a number that travel as
 * one value can never be merged from two edits into a pair that does not
 * belong together. What a user types is first brought to that form:
 * spaces, dots, dashes and slashes go, letters become capitals
 * ("pt 501 964 843", "BR 390.533.447-05").
 *
 * Checked, with the checksum each country publishes:
 *   PT  NIF: 9 digits, weights 9..2, mod 11
 *   FR  numéro de TVA: 2-digit key + SIREN; the SIREN passes Luhn and the
 *       key is (12 + 3 × (SIREN mod 97)) mod 97
 *   BG  ЕИК/BULSTAT: 9 digits (weights 1..8, then 3..10, mod 11) or 13
 *       (the first 9 so, then weights 2 7 3 5, then 4 9 5 7); or an ЕГН,
 *       10 digits (weights 2 4 8 5 10 9 7 3 6, mod 11), for a person
 *   SI  davčna številka: 8 digits, the first not 0, weights 8..2, mod 11
 *   BR  CPF, 11 digits, or CNPJ, 14 digits, each with two check digits
 * Any other country: letters and digits only, 2 to 16 of them, as no
 * checksum of its is known here. */
#define G_LOG_DOMAIN "care-tax-number"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "care-tax-number.h"

#define MIN_NUMBER 2
#define MAX_NUMBER 16

const CareFieldRule care_tax_number_rule = {
  .normalize = care_tax_number_normalize,
  .check = care_tax_number_check,
  .description = "the ISO 3166 country code, then the number, with nothing between "
                 "(`PT501964843`); the clients remove spaces, dots, dashes and slashes and "
                 "write letters as capitals. Checked for PT (NIF), FR (numéro de TVA), "
                 "BG (ЕИК/BULSTAT, or ЕГН), SI (davčna številka) and BR (CPF or CNPJ); "
                 "other countries: 2 to 16 letters or digits",
};

/* What a user typed, in the stored form: "pt 501.964-843" is "PT501964843". */
char *
care_tax_number_normalize (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    if (strchr (" \t.-/", *p) == NULL)
      g_string_append_c (out, g_ascii_toupper (*p));

  return g_string_free (out, FALSE);
}

/* Whether @s is @n ASCII digits and nothing else. */
static gboolean
digits (const char *s, gsize n)
{
  if (strlen (s) != n)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* The weighted sum of the first @n digits of @s. */
static guint
weighted (const char *s, const guint *weights, gsize n)
{
  guint sum = 0;

  for (gsize i = 0; i < n; i++)
    sum += (guint) (s[i] - '0') * weights[i];
  return sum;
}

static gboolean
all_same (const char *s)
{
  for (const char *p = s; *p != '\0'; p++)
    if (*p != s[0])
      return FALSE;
  return TRUE;
}

static gboolean
valid_pt (const char *n)
{
  static const guint w[] = { 9, 8, 7, 6, 5, 4, 3, 2 };

  return digits (n, 9) && n[0] != '0' &&
         (guint) (n[8] - '0') == (11 - weighted (n, w, 8) % 11) % 11 % 10;
}

static gboolean
luhn (const char *n, gsize len)
{
  guint sum = 0;

  for (gsize i = 0; i < len; i++)
    {
      guint d = (guint) (n[len - 1 - i] - '0');

      if (i % 2 == 1)
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
  return sum % 10 == 0;
}

static gboolean
valid_fr (const char *n)
{
  const char *siren = n + 2;
  guint64     value;
  guint       key;

  if (!digits (n, 11) || !luhn (siren, 9))
    return FALSE;
  value = g_ascii_strtoull (siren, NULL, 10);
  key = (guint) ((n[0] - '0') * 10 + (n[1] - '0'));
  return key == (12 + 3 * (value % 97)) % 97;
}

/* A mod 11 check digit with a second set of weights when the first gives 10. */
static guint
mod11_twice (const char *s, const guint *first, const guint *second, gsize n)
{
  guint check = weighted (s, first, n) % 11;

  if (check == 10)
    check = weighted (s, second, n) % 11;
  return check == 10 ? 0 : check;
}

static gboolean
valid_bg (const char *n)
{
  static const guint w9[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  static const guint w9b[] = { 3, 4, 5, 6, 7, 8, 9, 10 };
  static const guint w13[] = { 2, 7, 3, 5 };
  static const guint w13b[] = { 4, 9, 5, 7 };
  static const guint egn[] = { 2, 4, 8, 5, 10, 9, 7, 3, 6 };

  if (digits (n, 10))
    return (guint) (n[9] - '0') == weighted (n, egn, 9) % 11 % 10;
  if (!digits (n, 9) && !digits (n, 13))
    return FALSE;
  if ((guint) (n[8] - '0') != mod11_twice (n, w9, w9b, 8))
    return FALSE;
  return strlen (n) == 9 || (guint) (n[12] - '0') == mod11_twice (n + 8, w13, w13b, 4);
}

static gboolean
valid_si (const char *n)
{
  static const guint w[] = { 8, 7, 6, 5, 4, 3, 2 };
  guint              check;

  if (!digits (n, 8) || n[0] == '0')
    return FALSE;
  check = 11 - weighted (n, w, 7) % 11;
  return check != 11 && (guint) (n[7] - '0') == (check == 10 ? 0 : check);
}

/* The two check digits of a CPF (@n = 9) or CNPJ (@n = 12) body. */
static gboolean
valid_br_digits (const char *s, const guint *w1, const guint *w2, gsize n)
{
  guint r1 = weighted (s, w1, n) % 11;
  guint r2 = weighted (s, w2, n + 1) % 11;

  return (guint) (s[n] - '0') == (r1 < 2 ? 0 : 11 - r1) &&
         (guint) (s[n + 1] - '0') == (r2 < 2 ? 0 : 11 - r2);
}

static gboolean
valid_br (const char *n)
{
  static const guint cpf1[] = { 10, 9, 8, 7, 6, 5, 4, 3, 2 };
  static const guint cpf2[] = { 11, 10, 9, 8, 7, 6, 5, 4, 3, 2 };
  static const guint cnpj1[] = { 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2 };
  static const guint cnpj2[] = { 6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2 };

  if (all_same (n))
    return FALSE;
  if (digits (n, 11))
    return valid_br_digits (n, cpf1, cpf2, 9);
  if (digits (n, 14))
    return valid_br_digits (n, cnpj1, cnpj2, 12);
  return FALSE;
}

static const struct
{
  const char *country;
  gboolean (*valid) (const char *number);
  const char *why; /* N_() */
} countries[] = {
  /* TRANSLATORS: after "Tax number: "; NIF is Portugal's tax number */
  { "PT", valid_pt, N_ ("not a valid Portuguese NIF (9 digits, the last one a check digit)") },
  /* TRANSLATORS: after "Tax number: "; SIREN is the French company number */
  { "FR", valid_fr,
    N_ ("not a valid French VAT number (FR, a 2-digit key and the 9-digit SIREN)") },
  /* TRANSLATORS: after "Tax number: "; UIC (ЕИК) and personal number (ЕГН) are Bulgaria's */
  { "BG", valid_bg,
    N_ ("not a valid Bulgarian UIC (9 or 13 digits) or personal number (10 digits)") },
  /* TRANSLATORS: after "Tax number: "; davčna številka, Slovenia's tax number */
  { "SI", valid_si,
    N_ ("not a valid Slovenian tax number (8 digits, the last one a check digit)") },
  /* TRANSLATORS: after "Tax number: "; CPF (persons) and CNPJ (companies) are Brazil's */
  { "BR", valid_br, N_ ("not a valid Brazilian CPF (11 digits) or CNPJ (14 digits)") },
};

/**
 * care_tax_number_check:
 * @value: a tax number in the stored form
 *
 * Returns: (nullable): %NULL when @value is a valid tax number, else why
 *   it is not, translated, to follow "Tax number: "
 */
const char *
care_tax_number_check (const char *value)
{
  gsize length = strlen (value);

  if (length < 2 + MIN_NUMBER || length > 2 + MAX_NUMBER || !g_ascii_isupper (value[0]) ||
      !g_ascii_isupper (value[1]))
    goto format;
  for (const char *p = value + 2; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !g_ascii_isupper (*p))
      goto format;

  for (guint i = 0; i < G_N_ELEMENTS (countries); i++)
    if (strncmp (value, countries[i].country, 2) == 0)
      return countries[i].valid (value + 2) ? NULL : g_dgettext (GETTEXT_PACKAGE, countries[i].why);

  return NULL;

format:
  /* TRANSLATORS: after "Tax number: " */
  return _ ("begin with the two-letter country code, then 2 to 16 letters or digits, as in "
            "PT 501964843");
}
