/* care-working-time.c: working calendars and arithmetic in working seconds.
 *
 * A working calendar says when a company works: for each weekday the spans
 * of local wall-clock time ("09:00-12:30, 13:30-18:00"), in one named time
 * zone, and the days it is closed (public holidays, company closures). The
 * arithmetic answers two questions service levels need: which instant is N
 * working seconds after another, and how many working seconds lie between
 * two instants. Both are pure functions of the calendar and their
 * arguments, so every client and the server get the same figures.
 *
 * Instants are seconds since the Unix epoch. Each day's spans are turned
 * into instants through the calendar's GTimeZone, so a span counts the
 * seconds that really elapse in it: 09:00-18:00 is nine hours on every day,
 * and a span across a daylight saving change (00:00-24:00) is 23 or 25
 * hours long. A wall-clock time that does not exist (in the hour skipped in
 * spring) means the first instant after the gap; one that exists twice (in
 * the hour repeated in autumn) means its standard-time occurrence. Both
 * keep the spans in order and apart.
 *
 * Every loop walks days and stops at a horizon, so a calendar without
 * working hours, or closed on every day it works, gives "never"
 * (CARE_WORKING_TIME_NEVER), never an endless loop. */
#define G_LOG_DOMAIN "care-working-time"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "care-working-time.h"

G_DEFINE_QUARK (care_working_time_error_quark, care_working_time_error)

#define SECONDS_PER_DAY 86400
/* GDate's Julian day of 1970-01-01. Julian day 1 (0001-01-01) is a Monday. */
#define EPOCH_JULIAN 719163
/* The longest search, in days: beyond it the time never elapses. */
#define HORIZON_DAYS (366 * 100)
/* The longest closure one call may add, in days. */
#define MAX_CLOSURE_DAYS (366 * 10)

struct _CareWorkingCalendar
{
  GTimeZone  *tz;
  char       *tz_name;
  guint16     spans[7][CARE_WORKING_HOURS_MAX_SPANS][2]; /* minutes of the day, Monday first */
  guint       n_spans[7];
  GHashTable *closed; /* Julian days */
};

static gint64
floor_div (gint64 a, gint64 b)
{
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

static gint64
clamp_instant (gint64 t)
{
  return CLAMP (t, CARE_WORKING_TIME_MIN, CARE_WORKING_TIME_MAX);
}

/* The Julian day of @instant's date in the calendar's zone. */
static gint64
local_julian (CareWorkingCalendar *self, gint64 instant)
{
  int    interval = g_time_zone_find_interval (self->tz, G_TIME_TYPE_UNIVERSAL, instant);
  gint64 local = instant + (interval >= 0 ? g_time_zone_get_offset (self->tz, interval) : 0);

  return floor_div (local, SECONDS_PER_DAY) + EPOCH_JULIAN;
}

/* The instant of @minute (0 to 1440) on the day @julian, local wall-clock
 * time in the calendar's zone; see the top of the file for the hour that
 * is skipped or repeated. */
static gint64
local_instant (CareWorkingCalendar *self, gint64 julian, guint minute)
{
  gint64 local = (julian - EPOCH_JULIAN) * SECONDS_PER_DAY + (gint64) minute * 60;
  int    interval = g_time_zone_adjust_time (self->tz, G_TIME_TYPE_STANDARD, &local);

  return local - (interval >= 0 ? g_time_zone_get_offset (self->tz, interval) : 0);
}

static guint
weekday_index (gint64 julian)
{
  return (guint) ((julian - 1) % 7); /* 0 is Monday */
}

static gboolean
works_on (CareWorkingCalendar *self, gint64 julian)
{
  return self->n_spans[weekday_index (julian)] > 0 &&
         !g_hash_table_contains (self->closed, GINT_TO_POINTER ((int) julian));
}

static gint64
date_julian (const GDate *day)
{
  return g_date_valid (day) ? (gint64) g_date_get_julian (day) : 0;
}

/* Hours: "HH:MM-HH:MM" spans separated by commas, in order and apart;
 * 24:00 ends a day. */

static gboolean
parse_clock (const char **p, guint *minute)
{
  const char *s = *p;
  guint       h, m;

  while (*s == ' ')
    s++;
  if (!g_ascii_isdigit (s[0]) || !g_ascii_isdigit (s[1]) || s[2] != ':' ||
      !g_ascii_isdigit (s[3]) || !g_ascii_isdigit (s[4]))
    return FALSE;
  h = (guint) (s[0] - '0') * 10 + (guint) (s[1] - '0');
  m = (guint) (s[3] - '0') * 10 + (guint) (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0))
    return FALSE;
  *minute = h * 60 + m;
  s += 5;
  while (*s == ' ')
    s++;
  *p = s;
  return TRUE;
}

/* Reads one day's hours; returns NULL, or why not as an untranslated
 * message. */
static const char *
parse_spans (const char *text, guint16 spans[][2], guint *n_spans)
{
  const char *p = text;
  guint       n = 0;
  guint       last_end = 0;

  *n_spans = 0;
  if (p == NULL)
    return NULL;
  while (*p == ' ')
    p++;
  if (*p == '\0')
    return NULL;

  for (;;)
    {
      guint start, end;

      if (!parse_clock (&p, &start) || *p != '-')
        return N_ ("write hours as 09:00-12:30, 13:30-18:00");
      p++;
      if (!parse_clock (&p, &end))
        return N_ ("write hours as 09:00-12:30, 13:30-18:00");
      if (start >= end)
        return N_ ("each span must end after it starts");
      if (n > 0 && start < last_end)
        return N_ ("spans must be in order and must not overlap");
      if (n == CARE_WORKING_HOURS_MAX_SPANS)
        return N_ ("too many spans in one day");
      spans[n][0] = (guint16) start;
      spans[n][1] = (guint16) end;
      last_end = end;
      n++;
      if (*p == '\0')
        break;
      if (*p != ',')
        return N_ ("write hours as 09:00-12:30, 13:30-18:00");
      p++;
    }

  *n_spans = n;
  return NULL;
}

/**
 * care_working_hours_parse:
 * @text: (nullable): the spans of one day, as "09:00-12:30, 13:30-18:00";
 *   %NULL or blank for a day off
 * @spans: (out): at least %CARE_WORKING_HOURS_MAX_SPANS pairs of minutes
 *   of the day, start and end
 *
 * Reads the working hours of one day. Spans must be in order, apart, and
 * each start before its end; "24:00" ends the day.
 */
gboolean
care_working_hours_parse (const char *text, guint16 spans[][2], guint *n_spans, GError **error)
{
  const char *why;

  g_return_val_if_fail (n_spans != NULL, FALSE);

  why = parse_spans (text, spans, n_spans);
  if (why != NULL)
    {
      g_set_error_literal (error, CARE_WORKING_TIME_ERROR, CARE_WORKING_TIME_ERROR_HOURS, _ (why));
      return FALSE;
    }
  return TRUE;
}

/* The stored form of a day's hours, "09:00-12:30, 13:30-18:00"; the text
 * itself when it cannot be read, so the check names the fault. */
char *
care_working_hours_normalize (const char *text)
{
  guint16  spans[CARE_WORKING_HOURS_MAX_SPANS][2];
  guint    n;
  GString *out;

  if (!care_working_hours_parse (text, spans, &n, NULL))
    return g_strdup (text);

  out = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "%s%02u:%02u-%02u:%02u", i > 0 ? ", " : "", spans[i][0] / 60u,
                            spans[i][0] % 60u, spans[i][1] / 60u, spans[i][1] % 60u);
  return g_string_free (out, FALSE);
}

/* NULL for hours care_working_hours_parse () reads, else why not. */
const char *
care_working_hours_check (const char *text)
{
  guint16     spans[CARE_WORKING_HOURS_MAX_SPANS][2];
  guint       n;
  const char *why = parse_spans (text, spans, &n);

  return why != NULL ? _ (why) : NULL;
}

/* NULL for an IANA time zone name this system knows ("Europe/Lisbon"),
 * else why not. */
const char *
care_time_zone_check (const char *text)
{
  g_autoptr (GTimeZone) tz = NULL;

  if (text == NULL || text[0] == '\0' || text[0] == ':' || text[0] == '/' ||
      strstr (text, "..") != NULL)
    return _ ("not a known time zone, such as Europe/Lisbon");
  tz = g_time_zone_new_identifier (text);
  if (tz == NULL)
    return _ ("not a known time zone, such as Europe/Lisbon");
  return NULL;
}

const CareFieldRule care_working_hours_rule = {
  .normalize = care_working_hours_normalize,
  .check = care_working_hours_check,
  .description = "the working spans of one day in local wall-clock time, "
                 "`HH:MM-HH:MM` separated by commas (`09:00-12:30, 13:30-18:00`), in "
                 "order and apart, at most 8; `24:00` ends the day; empty for a day off",
};

const CareFieldRule care_time_zone_rule = {
  .normalize = NULL,
  .check = care_time_zone_check,
  .description = "an IANA time zone name (`Europe/Lisbon`, `America/Sao_Paulo`)",
};

/**
 * care_working_calendar_new:
 * @time_zone: an IANA time zone name, such as "Europe/Sofia"
 *
 * A calendar in @time_zone that works at no time until hours are set.
 */
CareWorkingCalendar *
care_working_calendar_new (const char *time_zone, GError **error)
{
  CareWorkingCalendar *self;
  const char          *why = care_time_zone_check (time_zone);

  if (why != NULL)
    {
      g_set_error (error, CARE_WORKING_TIME_ERROR, CARE_WORKING_TIME_ERROR_TIME_ZONE,
                   /* TRANSLATORS: the time zone name, then why it is refused */
                   _ ("“%s”: %s"), time_zone != NULL ? time_zone : "", why);
      return NULL;
    }

  self = g_new0 (CareWorkingCalendar, 1);
  self->tz = g_time_zone_new_identifier (time_zone);
  self->tz_name = g_strdup (time_zone);
  self->closed = g_hash_table_new (NULL, NULL);
  return self;
}

void
care_working_calendar_free (CareWorkingCalendar *self)
{
  if (self == NULL)
    return;
  g_time_zone_unref (self->tz);
  g_free (self->tz_name);
  g_hash_table_unref (self->closed);
  g_free (self);
}

const char *
care_working_calendar_get_time_zone (CareWorkingCalendar *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->tz_name;
}

/* Sets the hours of @weekday; see care_working_hours_parse (). The day
 * keeps its hours on error. */
gboolean
care_working_calendar_set_hours (CareWorkingCalendar *self,
                                 GDateWeekday         weekday,
                                 const char          *hours,
                                 GError             **error)
{
  guint16 spans[CARE_WORKING_HOURS_MAX_SPANS][2];
  guint   n;
  guint   day;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (weekday >= G_DATE_MONDAY && weekday <= G_DATE_SUNDAY, FALSE);

  if (!care_working_hours_parse (hours, spans, &n, error))
    return FALSE;
  day = (guint) weekday - 1;
  memcpy (self->spans[day], spans, sizeof spans);
  self->n_spans[day] = n;
  return TRUE;
}

/* Whether the calendar works at some time in an ordinary week. */
gboolean
care_working_calendar_has_hours (CareWorkingCalendar *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < 7; i++)
    if (self->n_spans[i] > 0)
      return TRUE;
  return FALSE;
}

/* Closes the calendar on @day, a public holiday or a company closure. */
void
care_working_calendar_close_day (CareWorkingCalendar *self, const GDate *day)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (day != NULL && g_date_valid (day));

  g_hash_table_add (self->closed, GINT_TO_POINTER ((int) g_date_get_julian (day)));
}

static gboolean
parse_date (const char *text, GDate *date)
{
  guint y, m, d;

  g_date_clear (date, 1);
  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  y = (guint) g_ascii_strtoull (text, NULL, 10);
  m = (guint) g_ascii_strtoull (text + 5, NULL, 10);
  d = (guint) g_ascii_strtoull (text + 8, NULL, 10);
  if (y < 1900 || y > 2200 || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;
  g_date_set_dmy (date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return TRUE;
}

/**
 * care_working_calendar_close_days:
 * @first: the first closed day, "YYYY-MM-DD"
 * @last: (nullable): the last closed day, or %NULL for @first alone
 *
 * Closes the calendar from @first to @last, both included: a company
 * closure. Refuses dates it cannot read, a range that ends before it
 * starts, and one longer than ten years.
 */
gboolean
care_working_calendar_close_days (CareWorkingCalendar *self,
                                  const char          *first,
                                  const char          *last,
                                  GError             **error)
{
  GDate   a, b;
  guint32 ja, jb;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!parse_date (first, &a) || !parse_date (last != NULL ? last : first, &b))
    {
      g_set_error_literal (error, CARE_WORKING_TIME_ERROR, CARE_WORKING_TIME_ERROR_HOLIDAYS,
                           _ ("A closure needs dates of the form YYYY-MM-DD"));
      return FALSE;
    }
  ja = g_date_get_julian (&a);
  jb = g_date_get_julian (&b);
  if (jb < ja || jb - ja >= MAX_CLOSURE_DAYS)
    {
      g_set_error_literal (error, CARE_WORKING_TIME_ERROR, CARE_WORKING_TIME_ERROR_HOLIDAYS,
                           _ ("A closure must end after it starts and last ten years at most"));
      return FALSE;
    }
  for (guint32 j = ja; j <= jb; j++)
    g_hash_table_add (self->closed, GINT_TO_POINTER ((int) j));
  return TRUE;
}

gboolean
care_working_calendar_is_closed (CareWorkingCalendar *self, const GDate *day)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (day != NULL, FALSE);

  return g_hash_table_contains (self->closed, GINT_TO_POINTER ((int) date_julian (day)));
}

/* Whether the calendar works at some time on @day: a weekday with hours
 * that is not closed. */
gboolean
care_working_calendar_is_working_day (CareWorkingCalendar *self, const GDate *day)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (day != NULL && g_date_valid (day), FALSE);

  return works_on (self, date_julian (day));
}

/* Whether @instant falls in a working span. */
gboolean
care_working_calendar_is_working (CareWorkingCalendar *self, gint64 instant)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (instant < CARE_WORKING_TIME_MIN || instant >= CARE_WORKING_TIME_MAX)
    return FALSE;
  return care_working_calendar_between (self, instant, instant + 1) == 1;
}

/**
 * care_working_calendar_add:
 * @start: an instant, seconds since the Unix epoch
 * @seconds: working seconds
 *
 * The instant at which @seconds of working time have elapsed after
 * @start. Time outside working spans does not count, so from a Friday
 * evening the clock starts on Monday morning. @seconds of zero or less
 * gives @start itself. A calendar that never works, or a target beyond a
 * hundred years or beyond 2200, gives %CARE_WORKING_TIME_NEVER.
 */
gint64
care_working_calendar_add (CareWorkingCalendar *self, gint64 start, gint64 seconds)
{
  gint64 remaining = seconds;
  gint64 julian;

  g_return_val_if_fail (self != NULL, CARE_WORKING_TIME_NEVER);

  if (seconds <= 0)
    return start;
  if (!care_working_calendar_has_hours (self) || start < CARE_WORKING_TIME_MIN ||
      start >= CARE_WORKING_TIME_MAX)
    return CARE_WORKING_TIME_NEVER;

  /* From the day before: a span of the previous local day may still run
   * at @start only if the zone's offsets are odd, but it costs one day. */
  julian = local_julian (self, start) - 1;
  for (guint days = 0; days < HORIZON_DAYS; days++, julian++)
    {
      guint w = weekday_index (julian);

      if (!works_on (self, julian))
        continue;
      for (guint i = 0; i < self->n_spans[w]; i++)
        {
          gint64 s = local_instant (self, julian, self->spans[w][i][0]);
          gint64 e = local_instant (self, julian, self->spans[w][i][1]);

          if (s >= CARE_WORKING_TIME_MAX)
            return CARE_WORKING_TIME_NEVER;
          if (e <= start)
            continue;
          s = MAX (s, start);
          if (e - s >= remaining)
            return s + remaining;
          remaining -= e - s;
        }
    }
  return CARE_WORKING_TIME_NEVER;
}

/**
 * care_working_calendar_between:
 *
 * The working seconds from @from to @to: zero when @to is not after
 * @from. Instants before 1900 or after 2200 count as those bounds.
 */
gint64
care_working_calendar_between (CareWorkingCalendar *self, gint64 from, gint64 to)
{
  gint64 total = 0;
  gint64 first, last;

  g_return_val_if_fail (self != NULL, 0);

  from = clamp_instant (from);
  to = clamp_instant (to);
  if (to <= from)
    return 0;

  first = local_julian (self, from) - 1;
  last = local_julian (self, to) + 1;
  for (gint64 julian = first; julian <= last; julian++)
    {
      guint w = weekday_index (julian);

      if (!works_on (self, julian))
        continue;
      for (guint i = 0; i < self->n_spans[w]; i++)
        {
          gint64 s = MAX (local_instant (self, julian, self->spans[w][i][0]), from);
          gint64 e = MIN (local_instant (self, julian, self->spans[w][i][1]), to);

          if (e > s)
            total += e - s;
        }
    }
  return total;
}
