/* care-date-format.c: dates and times as a person reads them, in their locale.
 *
 * Storage keeps ISO 8601 in UTC; every date a user reads, on screen or on
 * paper, goes through here, so there is one style per kind of place:
 * - lists and fields: the locale's short date ("%x": 03/12/2026, 03.12.2026);
 * - headings: weekday, day, month and year in words;
 * - printed documents: day, month and year in words.
 * Days are never padded (no "%e", whose padding is a visible figure space),
 * the order and words come from the translation and the locale, and times
 * are 24-hour unless the locale writes a 12-hour clock. */
#define G_LOG_DOMAIN "care-date-format"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>

#include "care-date-format.h"

static GDateTime *
parse_local (const char *iso_utc)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) dt = iso_utc != NULL ? g_date_time_new_from_iso8601 (iso_utc, utc) : NULL;

  return dt != NULL ? g_date_time_to_local (dt) : NULL;
}

/* A date-only value (YYYY-MM-DD) or the local day of an instant. */
static GDateTime *
parse_day (const char *iso)
{
  g_autoptr (GTimeZone) local = NULL;
  guint y, m, d;

  if (iso == NULL)
    return NULL;
  if (strlen (iso) > 10)
    return parse_local (iso);
  if (sscanf (iso, "%4u-%2u-%2u", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return NULL;
  local = g_time_zone_new_local ();
  return g_date_time_new (local, (gint) y, (gint) m, (gint) d, 12, 0, 0);
}

static gboolean
locale_uses_12_hours (void)
{
  const char *t_fmt = nl_langinfo (T_FMT);

  return t_fmt != NULL && (strstr (t_fmt, "%I") != NULL || strstr (t_fmt, "%r") != NULL ||
                           strstr (t_fmt, "%p") != NULL || strstr (t_fmt, "%l") != NULL);
}

static char *
format_or (GDateTime *dt, const char *format, const char *fallback)
{
  char *text = dt != NULL ? g_date_time_format (dt, format) : NULL;

  return text != NULL ? text : g_strdup (fallback != NULL ? fallback : "");
}

char *
care_format_date (const char *iso_date)
{
  g_autoptr (GDateTime) day = parse_day (iso_date);

  /* TRANSLATORS: a short date in lists and fields, as g_date_time_format()
   * writes it; "%x" is the locale's own form. Never pad the day with "%e". */
  /* xgettext:no-c-format (a g_date_time_format() format, not a printf() one) */
  return format_or (day, C_ ("date format", "%x"), iso_date);
}

char *
care_format_time_of (GDateTime *dt)
{
  if (locale_uses_12_hours ())
    /* TRANSLATORS: a time of day on a 12-hour clock, as g_date_time_format() writes it */
    return format_or (dt, C_ ("time format 12h", "%-I:%M %p"), NULL);
  /* TRANSLATORS: a time of day, as g_date_time_format() writes it */
  return format_or (dt, C_ ("time format", "%H:%M"), NULL);
}

char *
care_format_time (const char *iso_utc)
{
  g_autoptr (GDateTime) local = parse_local (iso_utc);

  return care_format_time_of (local);
}

char *
care_format_datetime (const char *iso_utc)
{
  g_autoptr (GDateTime) local = parse_local (iso_utc);
  g_autofree char *day = NULL;
  g_autofree char *time = NULL;

  if (local == NULL)
    return g_strdup (iso_utc != NULL ? iso_utc : "");
  /* xgettext:no-c-format */
  day = format_or (local, C_ ("date format", "%x"), iso_utc);
  time = care_format_time_of (local);
  /* TRANSLATORS: a short date, then a time: "03/12/2026 09:30" */
  return g_strdup_printf (C_ ("date and time", "%s %s"), day, time);
}

/* The heading of a day: "Thursday 3 December 2026". */
char *
care_format_day_heading (GDateTime *dt)
{
  /* TRANSLATORS: a day as a heading, as g_date_time_format() writes it;
   * "%-d" is the day without padding */
  return format_or (dt, C_ ("agenda day", "%A %-d %B %Y"), NULL);
}

/* A day in a list of rows: "Thu 3 Dec". */
char *
care_format_day_short (GDateTime *dt)
{
  /* TRANSLATORS: a day in a list, as g_date_time_format() writes it */
  return format_or (dt, C_ ("agenda row day", "%a %-d %b"), NULL);
}

/* A date on a printed document: "3 December 2026". */
char *
care_format_document_date (const char *iso)
{
  g_autoptr (GDateTime) day = parse_day (iso);

  /* TRANSLATORS: a date on a printed document, as g_date_time_format() writes it */
  return format_or (day, C_ ("document date", "%-d %B %Y"), iso);
}

/* A date and local time on a printed document: "3 December 2026, 09:30". */
char *
care_format_document_datetime (const char *iso_utc)
{
  g_autoptr (GDateTime) local = parse_local (iso_utc);
  g_autofree char *day = NULL;
  g_autofree char *time = NULL;

  if (local == NULL)
    return g_strdup (iso_utc != NULL ? iso_utc : "");
  day = format_or (local, C_ ("document date", "%-d %B %Y"), iso_utc);
  time = care_format_time_of (local);
  /* TRANSLATORS: a date then a time on a printed document: "3 December 2026, 09:30" */
  return g_strdup_printf (_ ("%s, %s"), day, time);
}
