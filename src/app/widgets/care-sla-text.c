/* care-sla-text.c: a case's service level timers as the user reads them.
 *
 * The case detail, the cases list and the Today page say the same thing
 * the same way: how much working time is left and when it is due, or how
 * late the case is. */
#define G_LOG_DOMAIN "care-sla-text"

#include "config.h"

#include <glib/gi18n.h>

#include "care-format.h"
#include "care-sla-text.h"

/**
 * care_sla_text_duration:
 * @seconds: working seconds, not negative
 *
 * "2 h 5 min", "45 min": working time is counted in hours, never in days,
 * since a working day is not 24 hours. Returns: (transfer full): the text
 */
char *
care_sla_text_duration (gint64 seconds)
{
  gint64 minutes = MAX (seconds, 0) / 60;
  int    h = (int) MIN (minutes / 60, G_MAXINT);
  int    m = (int) (minutes % 60);

  if (h > 0 && m > 0)
    /* TRANSLATORS: working time, hours and minutes: "2 h 5 min" */
    return g_strdup_printf (_ ("%d h %d min"), h, m);
  if (h > 0)
    /* TRANSLATORS: working time in whole hours: "3 h" */
    return g_strdup_printf (_ ("%d h"), h);
  /* TRANSLATORS: working time in minutes: "45 min" */
  return g_strdup_printf (_ ("%d min"), m);
}

static char *
instant_text (gint64 instant)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (instant);
  g_autofree char *iso = dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;

  return iso != NULL ? care_format_datetime (iso) : g_strdup ("");
}

/**
 * care_sla_text_timer:
 *
 * One timer in a sentence: "3 h 20 min left · due 4 Dec 2026, 14:00",
 * "2 h late", "Met in 1 h 10 min", "Met 30 min late".
 * Returns: (transfer full): the text
 */
char *
care_sla_text_timer (const CareSlaTimer *timer)
{
  g_autofree char *used = NULL;
  g_autofree char *left = NULL;

  g_return_val_if_fail (timer != NULL, NULL);

  if (timer->state == CARE_SLA_STATE_NONE)
    return g_strdup (_ ("No target"));

  used = care_sla_text_duration (timer->used);
  left = care_sla_text_duration (timer->left < 0 ? -timer->left : timer->left);
  if (timer->done_at != CARE_SLA_NOT_YET)
    {
      if (timer->left < 0)
        /* TRANSLATORS: a target met after it was due: "Met 30 min late" */
        return g_strdup_printf (_ ("Met %s late"), left);
      /* TRANSLATORS: a target met in time, with the working time it took: "Met in 1 h 10 min" */
      return g_strdup_printf (_ ("Met in %s"), used);
    }
  if (timer->left <= 0)
    /* TRANSLATORS: how late a case is, in working time: "2 h 5 min late" */
    return g_strdup_printf (_ ("%s late"), left);
  if (timer->due == CARE_WORKING_TIME_NEVER)
    /* TRANSLATORS: working time left on a timer: "3 h 20 min left" */
    return g_strdup_printf (_ ("%s left"), left);
  {
    g_autofree char *due = instant_text (timer->due);

    /* TRANSLATORS: working time left and when it runs out: "3 h 20 min left · due 4 Dec 2026, 14:00" */
    return g_strdup_printf (_ ("%s left · due %s"), left, due);
  }
}

/* The timer a case is judged by: the worse of the two, and of two as bad
 * the one still running. */
static const CareSlaTimer *
worse_timer (const CareSla *sla)
{
  const CareSlaTimer *a = &sla->first_response, *b = &sla->resolution;

  if (a->state != b->state)
    return a->state > b->state ? a : b;
  return a->done_at == CARE_SLA_NOT_YET ? a : b;
}

/**
 * care_sla_text_short:
 *
 * The state and its worse timer in a few words, for a list row: "At risk ·
 * 20 min left", "Breached · 2 h late". Returns: (transfer full): the text
 */
char *
care_sla_text_short (const CareSla *sla)
{
  const CareSlaTimer *t;
  g_autofree char    *amount = NULL;
  const char         *state;

  g_return_val_if_fail (sla != NULL, NULL);

  t = worse_timer (sla);
  state = care_sla_state_label (care_sla_get_state (sla));
  if (t->state == CARE_SLA_STATE_NONE || t->state == CARE_SLA_STATE_MET)
    return g_strdup (state);
  amount = care_sla_text_duration (t->left < 0 ? -t->left : t->left);
  if (t->left <= 0)
    /* TRANSLATORS: a case's service level in a list: "Breached · 2 h late" */
    return g_strdup_printf (_ ("%s · %s late"), state, amount);
  /* TRANSLATORS: a case's service level in a list: "At risk · 20 min left" */
  return g_strdup_printf (_ ("%s · %s left"), state, amount);
}

/* The style class of a state's badge. */
const char *
care_sla_text_css (CareSlaState state)
{
  switch (state)
    {
    case CARE_SLA_STATE_MET:
      return "success";
    case CARE_SLA_STATE_ON_TRACK:
      return "accent";
    case CARE_SLA_STATE_AT_RISK:
      return "warning";
    case CARE_SLA_STATE_BREACHED:
      return "error";
    case CARE_SLA_STATE_NONE:
    default:
      return "dim-label";
    }
}
