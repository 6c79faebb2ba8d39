/* care-workflow.c: what the after-sales workflow modules share: their error
 * domain and date helpers. */
#define G_LOG_DOMAIN "care-workflow"

#include "config.h"

#include "care-warranty.h"
#include "care-workflow.h"

G_DEFINE_QUARK (care_workflow_error_quark, care_workflow_error)

/* The most records a workflow reads for one decision: a product's
 * warranties, a report's parts. Far above real use, low enough that a
 * hostile sync cannot make one call load a table. */
#define FIND_ALL_LIMIT 10000

/* Parses "YYYY-MM-DD"; FALSE (and a cleared @date) when it is not one. */
gboolean
care_date_from_iso (const char *iso, GDate *date)
{
  care_date_parse (iso, date);
  return g_date_valid (date);
}

char *
care_date_to_iso (const GDate *date)
{
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

/* The local calendar day of @datetime: the day a person here calls it,
 * which is not the UTC day for hours around midnight. */
void
care_date_from_datetime (GDateTime *datetime, GDate *date)
{
  g_autoptr (GDateTime) local = g_date_time_to_local (datetime);

  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) g_date_time_get_day_of_month (local),
                  (GDateMonth) g_date_time_get_month (local),
                  (GDateYear) g_date_time_get_year (local));
}

/* The local day of a stored instant ("YYYY-MM-DDTHH:MM:SSZ"); FALSE (and a
 * cleared @date) when it is not one. */
gboolean
care_date_from_instant (const char *iso_utc, GDate *date)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) dt = iso_utc != NULL ? g_date_time_new_from_iso8601 (iso_utc, utc) : NULL;

  g_date_clear (date, 1);
  if (dt == NULL)
    return FALSE;
  care_date_from_datetime (dt, date);
  return TRUE;
}

/* The stored instant of @hour:@minute local time on @day: a slot booked
 * "at 10:00" is at 10:00 where the agent is, in summer and in winter. */
char *
care_local_slot_to_iso (const GDate *day, int hour, int minute)
{
  g_autoptr (GTimeZone) local = g_time_zone_new_local ();
  g_autoptr (GDateTime) dt = NULL;

  g_return_val_if_fail (day != NULL && g_date_valid (day), NULL);

  dt = g_date_time_new (local, g_date_get_year (day), g_date_get_month (day), g_date_get_day (day),
                        hour, minute, 0);
  return dt != NULL ? care_datetime_to_iso (dt) : NULL;
}

/* The stored form of a time: "YYYY-MM-DDTHH:MM:SSZ". */
char *
care_datetime_to_iso (GDateTime *datetime)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (datetime);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* Every record of @query, up to a bound that real data never reaches. */
GPtrArray *
care_store_find_all (CareStore *store, CareQuery *query, GError **error)
{
  return care_store_find (store, query, 0, FIND_ALL_LIMIT, NULL, error);
}

/* Makes @self hold what @source holds: values, revision, state, times.
 * Workflows that edit a caller's record inside a transaction put it back
 * this way when the transaction rolls back. */
void
care_record_assign (CareRecord *self, CareRecord *source)
{
  const CareEntity *e = care_record_get_entity (self);

  g_return_if_fail (care_record_get_entity (source) == e);

  for (guint i = 0; i < e->n_fields; i++)
    care_record_set_value_at (self, i, care_record_get_value_at (source, i));
  care_record_set_rev (self, care_record_get_rev (source));
  care_record_set_sync_state (self, care_record_get_sync_state (source));
  care_record_set_timestamps (self, care_record_get_created_at (source),
                              care_record_get_updated_at (source));
}
