/* test-clock.c: the one clock (pinned, frozen, today in a time zone) and
 * dates as a person reads them. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "care-clock.h"
#include "care-date-format.h"

static GDateTime *
utc (const char *iso)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_utc ();

  return g_date_time_new_from_iso8601 (iso, tz);
}

/* Runs @check with TZ set to @zone, then puts the suite's zone back. */
static void
in_zone (const char *zone, void (*check) (void))
{
  g_autofree char *saved = g_strdup (g_getenv ("TZ"));

  g_setenv ("TZ", zone, TRUE);
  check ();
  if (saved != NULL)
    g_setenv ("TZ", saved, TRUE);
  else
    g_unsetenv ("TZ");
}

static void
test_pin_runs_on (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *now = NULL;
  gint64           then;

  g_assert_true (care_clock_pin ("2028-02-29T23:59:58Z", &error));
  g_assert_no_error (error);
  g_assert_true (care_clock_is_pinned ());
  now = care_clock_now_iso ();
  g_assert_true (g_str_has_prefix (now, "2028-02-29T23:59:5"));
  then = care_clock_now_unix ();
  g_usleep (G_USEC_PER_SEC / 20);
  g_assert_cmpint (care_clock_now_unix (), >=, then);
}

static void
test_pin_refuses_junk (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) instant = utc ("2027-01-03T10:00:00Z");
  g_autofree char *now = NULL;

  care_clock_freeze (instant);
  g_assert_false (care_clock_pin ("yesterday", &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_assert_false (care_clock_pin ("2027-02-30T10:00:00Z", NULL));
  g_assert_false (care_clock_pin ("", NULL));
  /* A refused instant leaves the clock where it was. */
  now = care_clock_now_iso ();
  g_assert_cmpstr (now, ==, "2027-01-03T10:00:00Z");
}

static void
today_is_new_year (void)
{
  g_autofree char *today = care_clock_today ();
  GDate            date;

  g_assert_cmpstr (today, ==, "2028-01-01");
  care_clock_today_date (&date);
  g_assert_cmpuint (g_date_get_year (&date), ==, 2028);
  g_assert_cmpuint (g_date_get_month (&date), ==, G_DATE_JANUARY);
  g_assert_cmpuint (g_date_get_day (&date), ==, 1);
}

static void
today_is_new_years_eve (void)
{
  g_autofree char *today = care_clock_today ();

  g_assert_cmpstr (today, ==, "2027-12-31");
}

/* Today is the local day: 22:30 UTC on 31 December is 1 January in Sofia. */
static void
test_today_is_local (void)
{
  g_autoptr (GDateTime) instant = utc ("2027-12-31T22:30:00Z");
  g_autofree char *now = NULL;

  care_clock_freeze (instant);
  now = care_clock_now_iso ();
  g_assert_cmpstr (now, ==, "2027-12-31T22:30:00Z");
  in_zone ("Europe/Sofia", today_is_new_year);
  in_zone ("UTC", today_is_new_years_eve);
  in_zone ("Europe/Lisbon", today_is_new_years_eve);
}

static void
headings_have_no_padding (void)
{
  g_autoptr (GDateTime) day = utc ("2026-12-03T10:00:00Z");
  g_autoptr (GDateTime) local = g_date_time_to_local (day);
  g_autofree char *heading = care_format_day_heading (local);
  g_autofree char *row = care_format_day_short (local);

  g_assert_cmpstr (heading, ==, "Thursday 3 December 2026");
  g_assert_cmpstr (row, ==, "Thu 3 Dec");
  g_assert_null (strstr (heading, "\u2007"));
  g_assert_null (strstr (heading, "  "));
}

static void
test_formats (void)
{
  g_autofree char *leap = care_format_document_date ("2028-02-29");
  g_autofree char *first = care_format_document_date ("2027-03-01");
  g_autofree char *junk = care_format_document_date ("2027-02-30");
  g_autofree char *time = NULL;
  g_autofree char *empty = care_format_time (NULL);

  in_zone ("UTC", headings_have_no_padding);
  g_assert_cmpstr (leap, ==, "29 February 2028");
  g_assert_cmpstr (first, ==, "1 March 2027");
  /* What is not a date is shown as it is, never as another date. */
  g_assert_cmpstr (junk, ==, "2027-02-30");
  g_assert_cmpstr (empty, ==, "");
  /* The C locale's clock has 24 hours. */
  g_setenv ("TZ", "UTC", TRUE);
  time = care_format_time ("2027-06-01T17:05:00Z");
  g_assert_cmpstr (time, ==, "17:05");
}

static void
times_in_lisbon (void)
{
  /* 01:30 UTC on the spring change is 02:30 summer time; the hour before
   * the change is still winter time. */
  g_autofree char *after = care_format_time ("2027-03-28T01:30:00Z");
  g_autofree char *before = care_format_time ("2027-03-28T00:30:00Z");
  g_autofree char *autumn = care_format_document_datetime ("2027-10-31T01:30:00Z");

  g_assert_cmpstr (after, ==, "02:30");
  g_assert_cmpstr (before, ==, "00:30");
  g_assert_cmpstr (autumn, ==, "31 October 2027, 01:30");
}

static void
times_in_sofia (void)
{
  g_autofree char *after = care_format_time ("2027-03-28T01:30:00Z");
  g_autofree char *autumn = care_format_time ("2027-10-31T00:30:00Z");
  g_autofree char *late = care_format_date ("2027-12-31T22:30:00Z");

  g_assert_cmpstr (after, ==, "04:30");
  g_assert_cmpstr (autumn, ==, "03:30");
  /* An instant's date is its local day. */
  g_assert_cmpstr (late, ==, "01/01/28");
}

static void
test_times_across_dst (void)
{
  in_zone ("Europe/Lisbon", times_in_lisbon);
  in_zone ("Europe/Sofia", times_in_sofia);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/clock/pin-runs-on", test_pin_runs_on);
  g_test_add_func ("/clock/pin-refuses-junk", test_pin_refuses_junk);
  g_test_add_func ("/clock/today-is-local", test_today_is_local);
  g_test_add_func ("/date-format/formats", test_formats);
  g_test_add_func ("/date-format/times-across-dst", test_times_across_dst);
  return g_test_run ();
}
