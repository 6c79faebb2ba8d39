/* care-follow-up.c: follow-up calls after a resolved case or a delivery.
 *
 * When a service case becomes resolved, or a delivery or installation
 * appointment becomes done, someone calls the customer a few days later to
 * ask whether all is well (and to take the satisfaction survey). This
 * schedules that call once per source: a case has at most one follow-up
 * call (an appointment of kind follow_up_call with its case_id), an
 * appointment at most one (with follow_up_of set to it). Calling it again,
 * on this device or after a sync brought the other device's call, creates
 * nothing. */
#define G_LOG_DOMAIN "care-follow-up"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "care-follow-up.h"
#include "care-workflow.h"

/* The call is booked at 10:00 UTC for a quarter of an hour. */
#define CALL_HOUR    10
#define CALL_MINUTES 15

static gboolean
is_entity (CareRecord *record, const char *name)
{
  return g_str_equal (care_record_get_entity (record)->name, name);
}

/* Whether @source is in the state that calls for a follow-up. */
gboolean
care_follow_up_applies (CareRecord *source)
{
  const char *status;
  const char *kind;

  g_return_val_if_fail (CARE_IS_RECORD (source), FALSE);

  status = care_record_get_string (source, "status");
  if (is_entity (source, "service_case"))
    return g_strcmp0 (status, "resolved") == 0;

  if (is_entity (source, "appointment"))
    {
      kind = care_record_get_string (source, "kind");
      return g_strcmp0 (status, "done") == 0 &&
             (g_strcmp0 (kind, "delivery") == 0 || g_strcmp0 (kind, "installation") == 0);
    }

  return FALSE;
}

/**
 * care_follow_up_fill_call:
 * @call: a new appointment
 * @source: the resolved service case or the done delivery/installation
 * @day: the day of the call
 *
 * Fills @call in as the planned follow-up call of @source on @day: its kind,
 * the ids it links, the slot of the day and the notes for the caller.
 */
void
care_follow_up_fill_call (CareRecord *call, CareRecord *source, const GDate *day)
{
  gboolean         from_case = is_entity (source, "service_case");
  g_autofree char *start = care_local_slot_to_iso (day, CALL_HOUR, 0);
  g_autofree char *end = care_local_slot_to_iso (day, CALL_HOUR, CALL_MINUTES);

  care_record_set_string (call, "kind", "follow_up_call");
  care_record_set_string (call, "customer_id", care_record_get_string (source, "customer_id"));
  care_record_set_string (call, "product_id", care_record_get_string (source, "product_id"));
  care_record_set_string (call, "case_id",
                          from_case ? care_record_get_id (source)
                                    : care_record_get_string (source, "case_id"));
  if (!from_case)
    care_record_set_string (call, "follow_up_of", care_record_get_id (source));
  care_record_set_string (call, "start_at", start);
  care_record_set_string (call, "end_at", end);
  care_record_set_string (call, "status", "planned");
  care_record_set_string (
      call, "notes",
      from_case
          ? _ ("Ask whether the problem stays solved, and take the satisfaction survey.")
          : _ ("Ask how the delivery or installation went, and take the satisfaction survey."));
}

typedef struct
{
  CareRecord *source;
  guint       days;
  GDateTime  *now;
  CareRecord *created; /* out */
} ScheduleData;

static gboolean
schedule_in_transaction (CareStore *store, gpointer user_data, GError **error)
{
  ScheduleData *data = user_data;
  CareRecord   *source = data->source;
  gboolean      from_case = is_entity (source, "service_case");
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));
  g_autoptr (CareRecord) call = care_record_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));
  g_autoptr (GError) local_error = NULL;
  GDate date, source_day;
  guint existing;

  /* Checked inside the write transaction, so two calls cannot both create. */
  if (from_case)
    {
      care_query_add_string (q, "case_id", CARE_QUERY_EQ, care_record_get_id (source));
      care_query_add_string (q, "kind", CARE_QUERY_EQ, "follow_up_call");
    }
  else
    care_query_add_string (q, "follow_up_of", CARE_QUERY_EQ, care_record_get_id (source));

  existing = care_store_count (store, q, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (existing > 0)
    return TRUE;

  /* From today, or from the visit when it is recorded as done ahead of time. */
  care_date_from_datetime (data->now, &date);
  if (!from_case &&
      care_date_from_instant (care_record_get_string (source, "end_at"), &source_day) &&
      g_date_compare (&source_day, &date) > 0)
    date = source_day;
  g_date_add_days (&date, data->days);

  care_follow_up_fill_call (call, source, &date);
  if (!care_store_save (store, call, error))
    return FALSE;

  data->created = g_steal_pointer (&call);
  return TRUE;
}

/**
 * care_follow_up_schedule:
 * @source: a saved service case or appointment
 * @days_later: how many days after today (or after the visit) to call
 * @now: the current time
 * @out_created: (out) (optional) (transfer full): the new follow-up call,
 *   or %NULL when none was needed or one already exists
 *
 * Call after saving a case or an appointment. It does nothing unless the
 * case is resolved or the delivery/installation is done, and it never
 * schedules a second call for one source.
 */
gboolean
care_follow_up_schedule (CareStore   *store,
                         CareRecord  *source,
                         guint        days_later,
                         GDateTime   *now,
                         CareRecord **out_created,
                         GError     **error)
{
  ScheduleData data = { source, MIN (days_later, 3650), now, NULL };

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (CARE_IS_RECORD (source), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  if (out_created != NULL)
    *out_created = NULL;

  if (!care_follow_up_applies (source))
    return TRUE;

  if (!care_store_write (store, schedule_in_transaction, &data, error))
    return FALSE;

  if (out_created != NULL)
    *out_created = g_steal_pointer (&data.created);
  g_clear_object (&data.created);
  return TRUE;
}
