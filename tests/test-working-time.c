/* test-working-time.c: working calendars and arithmetic in working seconds. */
#include "config.h"

#include "care-holidays.h"
#include "care-working-time.h"

#define HOUR 3600

/* An instant written with its offset, as seconds since the epoch. */
static gint64
at (const char *iso)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

static void
assert_instant (gint64 got, const char *expected)
{
  if (got != at (expected))
    {
      g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (got);
      g_autofree char *text = dt != NULL ? g_date_time_format_iso8601 (dt) : g_strdup ("?");

      g_error ("got %s, expected %s", text, expected);
    }
}

/* Monday to Friday, 09:00-12:30 and 13:30-18:00: eight hours a day. */
static CareWorkingCalendar *
office (const char *zone)
{
  g_autoptr (GError) error = NULL;
  CareWorkingCalendar *cal = care_working_calendar_new (zone, &error);

  g_assert_no_error (error);
  for (GDateWeekday d = G_DATE_MONDAY; d <= G_DATE_FRIDAY; d++)
    g_assert_true (care_working_calendar_set_hours (cal, d, "09:00-12:30, 13:30-18:00", NULL));
  return cal;
}

/* Every hour of every day: what elapses is what the zone's clocks do. */
static CareWorkingCalendar *
always (const char *zone)
{
  CareWorkingCalendar *cal = care_working_calendar_new (zone, NULL);

  for (GDateWeekday d = G_DATE_MONDAY; d <= G_DATE_SUNDAY; d++)
    g_assert_true (care_working_calendar_set_hours (cal, d, "00:00-24:00", NULL));
  return cal;
}

static void
test_hours_parse (void)
{
  guint16     spans[CARE_WORKING_HOURS_MAX_SPANS][2];
  guint       n = 99;
  const char *bad[] = {
    "9-17",
    "09:00",
    "09:00-",
    "25:00-26:00",
    "18:00-09:00",
    "09:00-09:00",
    "12:60-13:00",
    "24:00-24:00",
    "09:00-12:00,11:00-13:00",
    "09:00-12:00;13:00-14:00",
    "09:00-12:00,",
    "x",
    "09:00-24:01",
    "-09:00-10:00",
    "09:00-10:00 junk",
  };
  g_autofree char *norm = NULL;

  g_assert_true (care_working_hours_parse ("09:00-12:30, 13:30-18:00", spans, &n, NULL));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (spans[0][0], ==, 540);
  g_assert_cmpuint (spans[0][1], ==, 750);
  g_assert_cmpuint (spans[1][0], ==, 810);
  g_assert_cmpuint (spans[1][1], ==, 1080);
  g_assert_true (care_working_hours_parse ("00:00-24:00", spans, &n, NULL));
  g_assert_cmpuint (spans[0][1], ==, 1440);
  g_assert_true (care_working_hours_parse ("", spans, &n, NULL));
  g_assert_cmpuint (n, ==, 0);
  g_assert_true (care_working_hours_parse (NULL, spans, &n, NULL));
  g_assert_cmpuint (n, ==, 0);
  g_assert_true (care_working_hours_parse ("  ", spans, &n, NULL));
  g_assert_cmpuint (n, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (care_working_hours_parse (bad[i], spans, &n, &error));
      g_assert_error (error, CARE_WORKING_TIME_ERROR, CARE_WORKING_TIME_ERROR_HOURS);
      g_assert_nonnull (care_working_hours_check (bad[i]));
    }
  g_assert_false (care_working_hours_parse (
      "00:00-01:00,02:00-03:00,04:00-05:00,06:00-07:00,08:00-09:00,10:00-11:00,12:00-13:00,"
      "14:00-15:00,16:00-17:00",
      spans, &n, NULL));

  norm = care_working_hours_normalize ("09:00-12:30,13:30 - 18:00");
  g_assert_cmpstr (norm, ==, "09:00-12:30, 13:30-18:00");
  g_assert_null (care_working_hours_check (norm));
}

static void
test_time_zone (void)
{
  const char *bad[] = { "Nowhere/City", "", "../../etc/passwd", "/etc/localtime", ":UTC" };
  g_autoptr (CareWorkingCalendar) cal = care_working_calendar_new ("America/Sao_Paulo", NULL);

  g_assert_nonnull (cal);
  g_assert_cmpstr (care_working_calendar_get_time_zone (cal), ==, "America/Sao_Paulo");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_null (care_working_calendar_new (bad[i], &error));
      g_assert_error (error, CARE_WORKING_TIME_ERROR, CARE_WORKING_TIME_ERROR_TIME_ZONE);
    }
  g_assert_null (care_working_calendar_new (NULL, NULL));
}

static void
test_weekend (void)
{
  g_autoptr (CareWorkingCalendar) cal = office ("Europe/Lisbon");

  /* Friday 17:00 plus two hours: one on Friday, one on Monday. */
  assert_instant (care_working_calendar_add (cal, at ("2026-12-04T17:00:00Z"), 2 * HOUR),
                  "2026-12-07T10:00:00Z");
  g_assert_cmpint (
      care_working_calendar_between (cal, at ("2026-12-04T17:00:00Z"), at ("2026-12-07T10:00:00Z")),
      ==, 2 * HOUR);
  /* The lunch break does not count. */
  assert_instant (care_working_calendar_add (cal, at ("2026-12-07T12:00:00Z"), HOUR),
                  "2026-12-07T14:00:00Z");
  /* A whole week is forty hours. */
  g_assert_cmpint (
      care_working_calendar_between (cal, at ("2026-12-07T00:00:00Z"), at ("2026-12-14T00:00:00Z")),
      ==, 40 * HOUR);
  /* Exactly the end of a day's work: the end of the span, not the next day. */
  assert_instant (care_working_calendar_add (cal, at ("2026-12-07T09:00:00Z"), 8 * HOUR),
                  "2026-12-07T18:00:00Z");
  g_assert_true (care_working_calendar_is_working (cal, at ("2026-12-07T09:00:00Z")));
  g_assert_false (care_working_calendar_is_working (cal, at ("2026-12-07T18:00:00Z")));
  g_assert_false (care_working_calendar_is_working (cal, at ("2026-12-07T12:45:00Z")));
  g_assert_false (care_working_calendar_is_working (cal, at ("2026-12-05T10:00:00Z")));
  /* Backwards and empty intervals hold no working time. */
  g_assert_cmpint (
      care_working_calendar_between (cal, at ("2026-12-07T18:00:00Z"), at ("2026-12-07T09:00:00Z")),
      ==, 0);
}

static void
test_outside_hours (void)
{
  g_autoptr (CareWorkingCalendar) cal = office ("Europe/Lisbon");

  /* Opened on a Saturday morning: the clock starts on Monday at 09:00. */
  assert_instant (care_working_calendar_add (cal, at ("2026-12-05T10:00:00Z"), HOUR),
                  "2026-12-07T10:00:00Z");
  /* Opened at night: the same. */
  assert_instant (care_working_calendar_add (cal, at ("2026-12-07T23:59:59Z"), 1),
                  "2026-12-08T09:00:01Z");
  /* Zero seconds after is the instant itself, in working time or not. */
  assert_instant (care_working_calendar_add (cal, at ("2026-12-05T10:00:00Z"), 0),
                  "2026-12-05T10:00:00Z");
}

static void
test_holidays (void)
{
  g_autoptr (CareWorkingCalendar) pt = office ("Europe/Lisbon");
  g_autoptr (CareWorkingCalendar) br = office ("America/Sao_Paulo");
  g_autoptr (GError) error = NULL;
  GDate day;

  g_assert_true (care_working_calendar_add_holidays (pt, "PT", FALSE, &error));
  g_assert_no_error (error);
  /* Wednesday 3 June 2026 at 17:00, plus two hours: Thursday is Corpus
   * Christi, so the second hour is on Friday. */
  assert_instant (care_working_calendar_add (pt, at ("2026-06-03T17:00:00+01:00"), 2 * HOUR),
                  "2026-06-05T10:00:00+01:00");
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 4, G_DATE_JUNE, 2026);
  g_assert_true (care_working_calendar_is_closed (pt, &day));
  g_assert_false (care_working_calendar_is_working_day (pt, &day));
  /* Carnival is optional: not closed unless asked for. */
  g_date_set_dmy (&day, 9, G_DATE_FEBRUARY, 2027);
  g_assert_false (care_working_calendar_is_closed (pt, &day));
  g_assert_true (care_working_calendar_add_holidays (pt, "PT", TRUE, NULL));
  g_assert_true (care_working_calendar_is_closed (pt, &day));

  /* Black Consciousness Day, Friday 20 November 2026, in São Paulo. */
  g_assert_true (care_working_calendar_add_holidays (br, "BR", FALSE, NULL));
  assert_instant (care_working_calendar_add (br, at ("2026-11-19T17:00:00-03:00"), 2 * HOUR),
                  "2026-11-23T10:00:00-03:00");

  g_assert_false (care_working_calendar_add_holidays (pt, "XX", FALSE, &error));
  g_assert_error (error, CARE_WORKING_TIME_ERROR, CARE_WORKING_TIME_ERROR_HOLIDAYS);
  g_clear_error (&error);
  g_assert_false (care_working_calendar_add_holidays (pt, NULL, FALSE, NULL));
}

static void
test_closures (void)
{
  g_autoptr (CareWorkingCalendar) cal = office ("Europe/Lisbon");
  g_autoptr (GError) error = NULL;

  /* Closed for two weeks in August. */
  g_assert_true (care_working_calendar_close_days (cal, "2026-08-03", "2026-08-14", &error));
  g_assert_no_error (error);
  assert_instant (care_working_calendar_add (cal, at ("2026-07-31T17:00:00+01:00"), 2 * HOUR),
                  "2026-08-17T10:00:00+01:00");
  g_assert_cmpint (care_working_calendar_between (cal, at ("2026-07-31T00:00:00+01:00"),
                                                  at ("2026-08-18T00:00:00+01:00")),
                   ==, 16 * HOUR);
  /* One day. */
  g_assert_true (care_working_calendar_close_days (cal, "2026-08-17", NULL, NULL));
  assert_instant (care_working_calendar_add (cal, at ("2026-07-31T17:00:00+01:00"), 2 * HOUR),
                  "2026-08-18T10:00:00+01:00");

  /* Refused: backwards, too long, malformed. */
  g_assert_false (care_working_calendar_close_days (cal, "2026-08-14", "2026-08-03", &error));
  g_assert_error (error, CARE_WORKING_TIME_ERROR, CARE_WORKING_TIME_ERROR_HOLIDAYS);
  g_clear_error (&error);
  g_assert_false (care_working_calendar_close_days (cal, "1900-01-01", "2200-12-31", NULL));
  g_assert_false (care_working_calendar_close_days (cal, "2026-02-30", NULL, NULL));
  g_assert_false (care_working_calendar_close_days (cal, "2026-8-3", NULL, NULL));
  g_assert_false (care_working_calendar_close_days (cal, NULL, NULL, NULL));
  g_assert_false (care_working_calendar_close_days (cal, "2026-08-03T00", NULL, NULL));
}

static void
test_dst_lisbon (void)
{
  g_autoptr (CareWorkingCalendar) cal = office ("Europe/Lisbon");
  g_autoptr (CareWorkingCalendar) sunday = care_working_calendar_new ("Europe/Lisbon", NULL);

  /* Sunday 28 March 2027: 01:00 WET becomes 02:00 WEST. Friday 17:00 WET
   * plus two hours is Monday 10:00 WEST, 09:00 UTC. */
  assert_instant (care_working_calendar_add (cal, at ("2027-03-26T17:00:00Z"), 2 * HOUR),
                  "2027-03-29T09:00:00Z");
  /* The day itself has 23 hours, its autumn twin 25: a calendar that works
   * all Sunday long counts them from Saturday noon to Monday noon. */
  g_assert_true (care_working_calendar_set_hours (sunday, G_DATE_SUNDAY, "00:00-24:00", NULL));
  g_assert_cmpint (care_working_calendar_between (sunday, at ("2027-03-27T12:00:00Z"),
                                                  at ("2027-03-29T12:00:00Z")),
                   ==, 23 * HOUR);
  g_assert_cmpint (care_working_calendar_between (sunday, at ("2027-10-30T12:00:00Z"),
                                                  at ("2027-11-01T12:00:00Z")),
                   ==, 25 * HOUR);
  assert_instant (care_working_calendar_add (sunday, at ("2027-03-27T12:00:00Z"), 2 * HOUR),
                  "2027-03-28T03:00:00+01:00");
  /* The office's days stay eight hours long on either side. */
  g_assert_cmpint (
      care_working_calendar_between (cal, at ("2027-03-22T00:00:00Z"), at ("2027-04-03T00:00:00Z")),
      ==, 80 * HOUR);
  g_assert_cmpint (
      care_working_calendar_between (cal, at ("2027-10-25T00:00:00Z"), at ("2027-11-06T00:00:00Z")),
      ==, 80 * HOUR);
  /* Friday 29 October 17:00 WEST (16:00 UTC) plus two hours: Monday 10:00
   * WET, 10:00 UTC. */
  assert_instant (care_working_calendar_add (cal, at ("2027-10-29T16:00:00Z"), 2 * HOUR),
                  "2027-11-01T10:00:00Z");
}

static void
test_dst_sofia (void)
{
  g_autoptr (CareWorkingCalendar) cal = care_working_calendar_new ("Europe/Sofia", NULL);

  /* A night shift across the change: 03:00 EET becomes 04:00 EEST on 28
   * March 2027, and 04:00 EEST goes back to 03:00 EET on 31 October. */
  g_assert_true (care_working_calendar_set_hours (cal, G_DATE_SUNDAY, "02:00-06:00", NULL));
  g_assert_cmpint (
      care_working_calendar_between (cal, at ("2027-03-27T12:00:00Z"), at ("2027-03-28T12:00:00Z")),
      ==, 3 * HOUR);
  g_assert_cmpint (
      care_working_calendar_between (cal, at ("2027-10-30T12:00:00Z"), at ("2027-10-31T12:00:00Z")),
      ==, 5 * HOUR);
  /* In the skipped hour: 03:30 does not exist, the span goes on from 04:00. */
  g_assert_true (care_working_calendar_set_hours (cal, G_DATE_SUNDAY, "03:30-05:00", NULL));
  g_assert_cmpint (
      care_working_calendar_between (cal, at ("2027-03-27T12:00:00Z"), at ("2027-03-28T12:00:00Z")),
      ==, HOUR);
  /* From 02:00 EET, thirty minutes of the span end at 04:30 EEST. */
  assert_instant (care_working_calendar_add (cal, at ("2027-03-28T00:00:00Z"), 30 * 60),
                  "2027-03-28T04:30:00+03:00");
}

static void
test_sao_paulo (void)
{
  g_autoptr (CareWorkingCalendar) cal = office ("America/Sao_Paulo");
  g_autoptr (CareWorkingCalendar) all = always ("America/Sao_Paulo");

  /* No daylight saving time since 2019: the first Sunday of November,
   * when it used to start, has 24 hours. */
  g_assert_cmpint (
      care_working_calendar_between (all, at ("2027-11-07T03:00:00Z"), at ("2027-11-08T03:00:00Z")),
      ==, 24 * HOUR);
  assert_instant (care_working_calendar_add (cal, at ("2027-11-05T17:00:00-03:00"), 2 * HOUR),
                  "2027-11-08T13:00:00Z");
  /* Before 2019 it did, from 4 November 2018: Monday 10:00 was at -02:00. */
  assert_instant (care_working_calendar_add (cal, at ("2018-11-02T17:00:00-03:00"), 2 * HOUR),
                  "2018-11-05T12:00:00Z");
}

static void
test_no_hours (void)
{
  g_autoptr (CareWorkingCalendar) cal = care_working_calendar_new ("Europe/Lisbon", NULL);
  g_autoptr (CareWorkingCalendar) monday = care_working_calendar_new ("Europe/Lisbon", NULL);
  gint64 start = at ("2026-12-04T10:00:00Z");

  /* Never works: never due, and nothing elapses. */
  g_assert_false (care_working_calendar_has_hours (cal));
  g_assert_cmpint (care_working_calendar_add (cal, start, 1), ==, CARE_WORKING_TIME_NEVER);
  g_assert_cmpint (care_working_calendar_between (cal, start, start + 365 * 86400), ==, 0);

  /* Works one hour on Mondays, closed for ten years: found after them. */
  g_assert_true (care_working_calendar_set_hours (monday, G_DATE_MONDAY, "09:00-10:00", NULL));
  g_assert_true (care_working_calendar_close_days (monday, "2026-12-01", "2036-11-27", NULL));
  g_assert_cmpint (care_working_calendar_add (monday, start, 1), >, at ("2036-11-27T00:00:00Z"));
  /* A target beyond a hundred years or the year 2200 is never reached. */
  g_assert_cmpint (care_working_calendar_add (monday, start, G_MAXINT64), ==,
                   CARE_WORKING_TIME_NEVER);
  g_assert_cmpint (care_working_calendar_add (monday, start, 200 * 52 * HOUR), ==,
                   CARE_WORKING_TIME_NEVER);
  /* Negative time is no time; instants out of range are clamped. */
  g_assert_cmpint (care_working_calendar_add (monday, start, -HOUR), ==, start);
  g_assert_cmpint (care_working_calendar_add (monday, G_MININT64, 1), ==, CARE_WORKING_TIME_NEVER);
  g_assert_cmpint (care_working_calendar_add (monday, G_MAXINT64 - 1, 1), ==,
                   CARE_WORKING_TIME_NEVER);
  g_assert_cmpint (care_working_calendar_between (monday, G_MININT64, G_MININT64 + 10), ==, 0);
  g_assert_cmpint (care_working_calendar_between (monday, G_MAXINT64 - 10, G_MAXINT64), ==, 0);
  g_assert_false (care_working_calendar_is_working (monday, G_MAXINT64));
  /* A bad day's hours leave the day as it was. */
  g_assert_false (care_working_calendar_set_hours (monday, G_DATE_MONDAY, "10:00-09:00", NULL));
  g_assert_true (care_working_calendar_has_hours (monday));
}

/* Whatever the start and the amount, counting back what was added gives
 * the amount: add and between agree, across weekends, holidays and both
 * daylight saving changes of three zones. */
static void
test_round_trip (void)
{
  const char *zones[] = { "Europe/Lisbon", "Europe/Sofia", "America/Sao_Paulo", "UTC" };
  const char *countries[] = { "PT", "BG", "BR", "FR" };
  gint64      first = at ("2026-01-01T00:00:00Z");

  for (guint z = 0; z < G_N_ELEMENTS (zones); z++)
    {
      g_autoptr (CareWorkingCalendar) cal = office (zones[z]);
      g_autoptr (CareWorkingCalendar) all = always (zones[z]);
      guint32 seed = 1234 + z;

      g_assert_true (care_working_calendar_add_holidays (cal, countries[z], FALSE, NULL));
      g_assert_true (care_working_calendar_set_hours (cal, G_DATE_SATURDAY, "01:30-03:30", NULL));
      for (guint i = 0; i < 400; i++)
        {
          gint64 start, amount, end;

          seed = seed * 1103515245u + 12345u;
          start = first + (gint64) (seed % (3u * 366u * 86400u));
          seed = seed * 1103515245u + 12345u;
          amount = (gint64) (seed % (200u * HOUR));

          end = care_working_calendar_add (cal, start, amount);
          g_assert_cmpint (end, !=, CARE_WORKING_TIME_NEVER);
          g_assert_cmpint (end, >=, start);
          g_assert_cmpint (care_working_calendar_between (cal, start, end), ==, amount);
          end = care_working_calendar_add (all, start, amount);
          g_assert_cmpint (end, ==, start + amount);
        }
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/working-time/hours", test_hours_parse);
  g_test_add_func ("/working-time/time-zone", test_time_zone);
  g_test_add_func ("/working-time/weekend", test_weekend);
  g_test_add_func ("/working-time/outside-hours", test_outside_hours);
  g_test_add_func ("/working-time/holidays", test_holidays);
  g_test_add_func ("/working-time/closures", test_closures);
  g_test_add_func ("/working-time/dst-lisbon", test_dst_lisbon);
  g_test_add_func ("/working-time/dst-sofia", test_dst_sofia);
  g_test_add_func ("/working-time/sao-paulo", test_sao_paulo);
  g_test_add_func ("/working-time/no-hours", test_no_hours);
  g_test_add_func ("/working-time/round-trip", test_round_trip);

  return g_test_run ();
}
