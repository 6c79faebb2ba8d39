/* test-ics-export.c: the file name offered when saving an event as .ics. */
#include "config.h"

#include "care-ics-export.h"

static CareRecord *
appointment (const char *start_at)
{
  CareRecord *r = care_record_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));

  if (start_at != NULL)
    care_record_set_string (r, "start_at", start_at);
  return r;
}

static void
test_title_and_day (void)
{
  g_autoptr (CareRecord) r = appointment ("2026-12-02T11:30:00Z");
  g_autofree char *name = care_ics_export_file_name (r, "Delivery for Luís Martins");

  /* The tests run in UTC: the local day is the UTC day. */
  g_assert_cmpstr (name, ==, "Delivery for Luís Martins 2026-12-02.ics");
}

static void
test_hostile_title (void)
{
  g_autoptr (CareRecord) r = appointment ("2026-12-02T11:30:00Z");
  g_autofree char *slashes = care_ics_export_file_name (r, "../../etc/passwd");
  g_autofree char *control = care_ics_export_file_name (r, "A\tB\nC:D*E?\"F\"<G>|H\\I");
  g_autofree char *dots = care_ics_export_file_name (r, "  ...hidden  ");
  g_autofree char *lookalike = care_ics_export_file_name (r, "Ž/į");

  g_assert_null (strchr (slashes, '/'));
  g_assert_cmpstr (slashes, ==, "-..-etc-passwd 2026-12-02.ics");
  g_assert_cmpstr (control, ==, "A-B-C-D-E--F--G--H-I 2026-12-02.ics");
  g_assert_cmpstr (dots, ==, "hidden 2026-12-02.ics");
  /* Non-ASCII characters whose low byte is '/' (U+012F) stay themselves. */
  g_assert_cmpstr (lookalike, ==, "Ž-į 2026-12-02.ics");
}

static void
test_missing_parts (void)
{
  g_autoptr (CareRecord) no_date = appointment (NULL);
  g_autoptr (CareRecord) bad_date = appointment ("tomorrow");
  g_autoptr (CareRecord) dated = appointment ("2026-12-02T23:30:00Z");
  g_autofree char *a = care_ics_export_file_name (no_date, "Visit");
  g_autofree char *b = care_ics_export_file_name (bad_date, NULL);
  g_autofree char *c = NULL;
  g_autofree char *c_sofia = NULL;
  g_autofree char *zone = g_strdup (g_getenv ("TZ"));
  g_autofree char *d = care_ics_export_file_name (no_date, "///");

  g_assert_cmpstr (a, ==, "Visit.ics");
  g_assert_cmpstr (b, ==, "Event.ics");
  /* The file is named by the local day of the event: 23:30 UTC is the
   * next day in Sofia. */
  g_setenv ("TZ", "UTC", TRUE);
  c = care_ics_export_file_name (dated, "");
  g_setenv ("TZ", "Europe/Sofia", TRUE);
  c_sofia = care_ics_export_file_name (dated, "");
  if (zone != NULL)
    g_setenv ("TZ", zone, TRUE);
  else
    g_unsetenv ("TZ");
  g_assert_cmpstr (c, ==, "2026-12-02.ics");
  g_assert_cmpstr (c_sofia, ==, "2026-12-03.ics");
  g_assert_cmpstr (d, ==, "---.ics");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ics-export/title-and-day", test_title_and_day);
  g_test_add_func ("/ics-export/hostile-title", test_hostile_title);
  g_test_add_func ("/ics-export/missing-parts", test_missing_parts);

  return g_test_run ();
}
