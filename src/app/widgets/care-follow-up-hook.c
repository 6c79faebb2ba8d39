/* care-follow-up-hook.c: books the follow-up call after the UI changes a status.
 *
 * Every place where a user resolves a case or completes a delivery or an
 * installation (the workflow buttons, the Mark Done dialog, the editor)
 * calls this after saving. Only a change of status books a call: editing an
 * old resolved case must not book one it never had. How many days later
 * comes from the "follow-up-days" setting. */
#define G_LOG_DOMAIN "care-follow-up-hook"

#include "config.h"

#include <glib/gi18n.h>

#include "care-clock.h"
#include "care-follow-up-hook.h"
#include "care-follow-up.h"
#include "care-format.h"

/**
 * care_follow_up_after_change:
 * @old_status: (nullable): the status before the save, %NULL for a new record
 * @saved: the record as stored
 *
 * Returns: (transfer full) (nullable): the follow-up call booked, or %NULL
 * when none was needed, one already exists, or booking failed (logged: the
 * change itself is saved and the agent can still book a call by hand).
 */
CareRecord *
care_follow_up_after_change (CareContext *context, const char *old_status, CareRecord *saved)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = care_clock_now_utc ();
  CareRecord *call = NULL;
  guint       days;

  g_return_val_if_fail (CARE_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (CARE_IS_RECORD (saved), NULL);

  if (g_strcmp0 (old_status, care_record_get_string (saved, "status")) == 0 ||
      !care_follow_up_applies (saved))
    return NULL;

  days =
      (guint) MAX (g_settings_get_int (care_context_get_settings (context), "follow-up-days"), 1);
  if (!care_follow_up_schedule (care_context_get_store (context), saved, days, now, &call, &error))
    {
      g_warning ("Could not book the follow-up call: %s", error->message);
      return NULL;
    }

  return call;
}

/* "Follow-up call booked for 3/12/26": what a toast says about @call. */
char *
care_follow_up_describe (CareRecord *call)
{
  g_autofree char *day = care_format_date (care_record_get_string (call, "start_at"));

  /* TRANSLATORS: a toast after resolving a case or finishing a delivery; %s is a date */
  return g_strdup_printf (_ ("Follow-up call booked for %s"), day);
}
