/* test-format-phone.c: a phone number as shown does not break across lines. */
#include "config.h"

#include "care-format.h"

static void
test_spaces_and_hyphens_hold (void)
{
  g_autofree char *fr = care_format_phone ("+33 1 42 68 53 00");
  g_autofree char *us = care_format_phone ("+1 212-555-0142");

  /* No-break spaces and non-breaking hyphens: Pango breaks at neither. */
  g_assert_cmpstr (fr, ==, "+33\u00a01\u00a042\u00a068\u00a053\u00a000");
  g_assert_cmpstr (us, ==, "+1\u00a0212\u2011555\u20110142");
  g_assert_null (strchr (fr, ' '));
  g_assert_true (g_utf8_validate (us, -1, NULL));
}

static void
test_nothing_and_empty (void)
{
  g_autofree char *empty = care_format_phone ("");

  g_assert_null (care_format_phone (NULL));
  g_assert_cmpstr (empty, ==, "");
}

static void
test_hostile (void)
{
  /* Long and odd input comes back whole, spaces swapped, nothing lost. */
  g_autoptr (GString) in = g_string_new (NULL);
  g_autofree char *out = NULL;

  for (int i = 0; i < 10000; i++)
    g_string_append (in, "1 -\t");
  out = care_format_phone (in->str);
  g_assert_cmpuint (g_utf8_strlen (out, -1), ==, in->len);
  g_assert_null (strchr (out, ' '));
  g_assert_null (strchr (out, '-'));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/format/phone/holds", test_spaces_and_hyphens_hold);
  g_test_add_func ("/format/phone/empty", test_nothing_and_empty);
  g_test_add_func ("/format/phone/hostile", test_hostile);
  return g_test_run ();
}
