/* test-signature.c: signatures survive storage; malformed or hostile path data is refused. */
#include "config.h"

#include "care-signature.h"
#include "care-workflow.h"

static void
test_round_trip (void)
{
  g_autoptr (CareSignature) s = care_signature_new ();
  g_autoptr (CareSignature) back = NULL;
  g_autofree char          *path = NULL;
  g_autofree char          *again = NULL;
  const CareSignaturePoint *p;
  double                    x0, y0, x1, y1;
  guint                     n;

  g_assert_true (care_signature_is_empty (s));
  g_assert_null (care_signature_to_path (s));

  g_assert_true (care_signature_begin_stroke (s, 10.04, 20));
  g_assert_true (care_signature_add_point (s, 30.25, 40.5));
  g_assert_true (care_signature_begin_stroke (s, 5, 5)); /* a dot */
  g_assert_false (care_signature_add_point (s, -1, 5));
  g_assert_false (care_signature_add_point (s, 1.0 / 0.0, 5));

  path = care_signature_to_path (s);
  g_assert_cmpstr (path, ==, "M10 20 L30.3 40.5 M5 5");

  back = care_signature_parse (path, NULL);
  g_assert_nonnull (back);
  g_assert_cmpuint (care_signature_get_n_strokes (back), ==, 2);
  p = care_signature_get_stroke (back, 0, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpfloat_with_epsilon (p[1].x, 30.3, 1e-9);
  g_assert_true (care_signature_get_bounds (back, &x0, &y0, &x1, &y1));
  g_assert_cmpfloat (x0, ==, 5);
  g_assert_cmpfloat (y1, ==, 40.5);

  again = care_signature_to_path (back);
  g_assert_cmpstr (again, ==, path);
}

/* As in SVG: pairs after a move continue the stroke; commas separate too. */
static void
test_implicit_lines (void)
{
  g_autoptr (CareSignature) s = care_signature_parse ("M0,0 10,10 20 0\nM 1 1", NULL);
  guint n;

  g_assert_nonnull (s);
  g_assert_cmpuint (care_signature_get_n_strokes (s), ==, 2);
  care_signature_get_stroke (s, 0, &n);
  g_assert_cmpuint (n, ==, 3);
}

static void
test_refused (void)
{
  const char *bad[] = {
    "L 1 2", /* no move first */
    "M 1",   /* a lone coordinate */
    "M 1 2 3",
    "M -1 2",     /* negative */
    "M 1e5 2",    /* exponent */
    "M 100001 2", /* outside the drawing area */
    "M 0x10 2",
    "M 1 2 C 3 4 5 6 7 8", /* curves are not part of the subset */
    "M 1 2 <script>alert(1)</script>",
    "M . 2",
    "M 1 2 z",
    "M 123456789012345678901234567890123 1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CareSignature) s = care_signature_parse (bad[i], &error);

      if (s != NULL)
        g_error ("“%s” was accepted", bad[i]);
      g_assert_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID);
    }
}

static void
test_point_limit (void)
{
  g_autoptr (GString) path = g_string_new ("M1 1");
  g_autoptr (GError) error = NULL;
  g_autoptr (CareSignature) ok = NULL;
  g_autoptr (CareSignature) too_many = NULL;

  for (guint i = 1; i < CARE_SIGNATURE_MAX_POINTS; i++)
    g_string_append (path, " L2 2");
  ok = care_signature_parse (path->str, &error);
  g_assert_no_error (error);
  g_assert_false (care_signature_add_point (ok, 3, 3));

  g_string_append (path, " L3 3");
  too_many = care_signature_parse (path->str, &error);
  g_assert_null (too_many);
  g_assert_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/signature/round-trip", test_round_trip);
  g_test_add_func ("/signature/implicit-lines", test_implicit_lines);
  g_test_add_func ("/signature/refused", test_refused);
  g_test_add_func ("/signature/point-limit", test_point_limit);

  return g_test_run ();
}
