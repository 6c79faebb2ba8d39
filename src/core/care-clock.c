/* care-clock.c: the one source of "now" and "today" for client and server.
 *
 * Every rule that depends on the date (warranty status, overdue visits, the
 * agenda's day, token expiry, demo data) asks this clock, so a test can pin
 * it and no assertion depends on the day the suite runs. With AFTERCARE_NOW
 * set, the clock starts at that instant when the process first asks and runs
 * on in real time from there (time-outs and back-offs still elapse); a unit
 * test may instead freeze it at one instant. */
#define G_LOG_DOMAIN "care-clock"

#include "config.h"

#include "care-clock.h"

/* Guarded by clock_lock: the server reads the clock from worker threads. */
static GMutex   clock_lock;
static gboolean clock_ready;
static gboolean clock_pinned;
static gboolean clock_frozen;
static gint64   pin_usec;      /* the pinned instant, µs since the epoch */
static gint64   pin_monotonic; /* g_get_monotonic_time () when pinned */

static gboolean
parse_instant (const char *iso, gint64 *usec)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) dt = NULL;

  if (iso == NULL)
    return FALSE;
  dt = g_date_time_new_from_iso8601 (iso, utc);
  if (dt == NULL)
    return FALSE;
  *usec = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
  return TRUE;
}

/* Called with clock_lock held. */
static void
ensure_ready (void)
{
  const char *env;
  gint64      usec;

  if (clock_ready)
    return;
  clock_ready = TRUE;
  env = g_getenv (CARE_CLOCK_ENV);
  if (env == NULL || env[0] == '\0')
    return;
  if (!parse_instant (env, &usec))
    {
      g_warning ("%s=%s is not an ISO 8601 instant; using the real clock", CARE_CLOCK_ENV, env);
      return;
    }
  clock_pinned = TRUE;
  pin_usec = usec;
  pin_monotonic = g_get_monotonic_time ();
}

static gint64
now_usec (void)
{
  gint64 usec;

  g_mutex_lock (&clock_lock);
  ensure_ready ();
  if (!clock_pinned)
    usec = g_get_real_time ();
  else if (clock_frozen)
    usec = pin_usec;
  else
    usec = pin_usec + (g_get_monotonic_time () - pin_monotonic);
  g_mutex_unlock (&clock_lock);
  return usec;
}

GDateTime *
care_clock_now_utc (void)
{
  gint64 usec = now_usec ();
  g_autoptr (GDateTime) secs = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return g_date_time_add (secs, usec % G_USEC_PER_SEC);
}

GDateTime *
care_clock_now_local (void)
{
  g_autoptr (GDateTime) utc = care_clock_now_utc ();

  return g_date_time_to_local (utc);
}

gint64
care_clock_now_unix (void)
{
  return now_usec () / G_USEC_PER_SEC;
}

/* The instant as the store and the protocol write it. */
char *
care_clock_now_iso (void)
{
  g_autoptr (GDateTime) now = care_clock_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

/* Today's date in the local time zone, as YYYY-MM-DD. */
char *
care_clock_today (void)
{
  g_autoptr (GDateTime) now = care_clock_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

void
care_clock_today_date (GDate *date)
{
  g_autoptr (GDateTime) now = care_clock_now_local ();

  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) g_date_time_get_day_of_month (now),
                  (GDateMonth) g_date_time_get_month (now), (GDateYear) g_date_time_get_year (now));
}

/* Whether the clock is pinned: a process that starts another one passes
 * its own now on (CARE_CLOCK_ENV), so both clocks agree. */
gboolean
care_clock_is_pinned (void)
{
  gboolean pinned;

  g_mutex_lock (&clock_lock);
  ensure_ready ();
  pinned = clock_pinned;
  g_mutex_unlock (&clock_lock);
  return pinned;
}

/* Pins the clock at ISO from now on, running; NULL goes back to the real
 * clock. For a command line option or a test. */
gboolean
care_clock_pin (const char *iso, GError **error)
{
  gint64 usec = 0;

  if (iso != NULL && !parse_instant (iso, &usec))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "“%s” is not an ISO 8601 instant", iso);
      return FALSE;
    }
  g_mutex_lock (&clock_lock);
  clock_ready = TRUE;
  clock_pinned = iso != NULL;
  clock_frozen = FALSE;
  pin_usec = usec;
  pin_monotonic = g_get_monotonic_time ();
  g_mutex_unlock (&clock_lock);
  return TRUE;
}

/* Stops the clock at INSTANT, for unit tests that compare exact values. */
void
care_clock_freeze (GDateTime *instant)
{
  g_return_if_fail (instant != NULL);

  g_mutex_lock (&clock_lock);
  clock_ready = TRUE;
  clock_pinned = TRUE;
  clock_frozen = TRUE;
  pin_usec = g_date_time_to_unix (instant) * G_USEC_PER_SEC + g_date_time_get_microsecond (instant);
  g_mutex_unlock (&clock_lock);
}
