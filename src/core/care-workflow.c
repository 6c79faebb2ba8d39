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
care_date_from_iso (const char *iso,
                    GDate      *date)
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

/* The UTC calendar day of @datetime: stored times are UTC. */
void
care_date_from_datetime (GDateTime *datetime,
                         GDate     *date)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (datetime);

  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) g_date_time_get_day_of_month (utc), (GDateMonth) g_date_time_get_month (utc),
                  (GDateYear) g_date_time_get_year (utc));
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
care_store_find_all (CareStore *store,
                     CareQuery *query,
                     GError   **error)
{
  return care_store_find (store, query, 0, FIND_ALL_LIMIT, NULL, error);
}

/* Makes @self hold what @source holds: values, revision, state, times.
 * Workflows that edit a caller's record inside a transaction put it back
 * this way when the transaction rolls back. */
void
care_record_assign (CareRecord *self,
                    CareRecord *source)
{
  const CareEntity *e = care_record_get_entity (self);

  g_return_if_fail (care_record_get_entity (source) == e);

  for (guint i = 0; i < e->n_fields; i++)
    care_record_set_value_at (self, i, care_record_get_value_at (source, i));
  care_record_set_rev (self, care_record_get_rev (source));
  care_record_set_sync_state (self, care_record_get_sync_state (source));
  care_record_set_timestamps (self, care_record_get_created_at (source), care_record_get_updated_at (source));
}
