/* care-maintenance.c: maintenance plans and the visits they schedule.
 *
 * Visit n of a plan falls n intervals after its first visit, each computed
 * from the first date (never from the previous visit) so short months do
 * not make the plan drift: monthly from 31 January gives 28 or 29 February,
 * then 31 March. GDate clamps to the end of a shorter month, and a yearly
 * plan from 29 February falls on 28 February in other years.
 *
 * Generating is idempotent: each generated appointment is linked to its
 * plan and visit number by a maintenance_visit record, and a visit that has
 * a link is never created again. To skip a visit, cancel its appointment:
 * deleting it also deletes its link, and the next run schedules it again.
 * Editing a plan's dates later does not move visits already generated:
 * dispatch may have moved them by hand, and that must not be undone. */
#define G_LOG_DOMAIN "care-maintenance"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "care-maintenance.h"
#include "care-workflow.h"

/* Generated visits start at 09:00 UTC and last an hour; dispatch moves them. */
#define VISIT_START_HOUR 9
#define VISIT_HOURS      1

/**
 * care_maintenance_visit_date:
 * @start: the first visit
 * @interval_unit: "week", "month" or "year"
 * @index: 0 for the first visit
 *
 * Returns: FALSE when the unit is unknown or the date leaves GDate's range.
 */
gboolean
care_maintenance_visit_date (
    const GDate *start, const char *interval_unit, guint interval_count, guint index, GDate *date)
{
  guint64 steps = (guint64) interval_count * index;

  g_return_val_if_fail (start != NULL && g_date_valid (start), FALSE);

  *date = *start;
  if (steps > 9999u * 12u)
    return FALSE;

  if (g_strcmp0 (interval_unit, "week") == 0)
    g_date_add_days (date, (guint) steps * 7);
  else if (g_strcmp0 (interval_unit, "month") == 0)
    g_date_add_months (date, (guint) steps);
  else if (g_strcmp0 (interval_unit, "year") == 0)
    g_date_add_years (date, (guint) steps);
  else
    return FALSE;

  return g_date_valid (date) && g_date_get_year (date) <= 2200;
}

/**
 * care_maintenance_plan_dates:
 *
 * Returns: (element-type GDate): the plan's visit days, in order: as many as
 * it has visits, none after its end date.
 */
GPtrArray *
care_maintenance_plan_dates (CareRecord *plan)
{
  GPtrArray  *dates = g_ptr_array_new_with_free_func (g_free);
  const char *unit = care_record_get_string (plan, "interval_unit");
  gint64      count = care_record_get_int (plan, "interval_count", 0);
  gint64      visits = care_record_get_int (plan, "visits", 0);
  GDate       start, end;
  gboolean    has_end = care_date_from_iso (care_record_get_string (plan, "end_date"), &end);

  if (!care_date_from_iso (care_record_get_string (plan, "start_date"), &start) || count < 1 ||
      visits < 1)
    return dates;

  for (gint64 i = 0; i < MIN (visits, 520); i++)
    {
      GDate d;

      if (!care_maintenance_visit_date (&start, unit, (guint) count, (guint) i, &d))
        break;
      if (has_end && g_date_compare (&d, &end) > 0)
        break;
      g_ptr_array_add (dates, g_memdup2 (&d, sizeof d));
    }

  return dates;
}

typedef struct
{
  CareRecord *plan;
  guint       n_created;
} GenerateData;

static gboolean
generate_in_transaction (CareStore *store, gpointer user_data, GError **error)
{
  GenerateData *data = user_data;
  CareRecord   *plan = data->plan;
  g_autoptr (CareRecord) product = NULL;
  g_autoptr (CareRecord) customer = NULL;
  g_autoptr (GPtrArray) dates = care_maintenance_plan_dates (plan);
  g_autoptr (GPtrArray) links = NULL;
  g_autoptr (GHashTable) done = g_hash_table_new (NULL, NULL);
  g_autoptr (CareQuery) q = care_maintenance_plan_visits_query (care_record_get_id (plan));
  const char *address;

  product = care_store_load (store, care_schema_entity (CARE_ENTITY_PRODUCT),
                             care_record_get_string (plan, "product_id"), error);
  if (product == NULL)
    return FALSE;
  customer = care_store_load (store, care_schema_entity (CARE_ENTITY_CUSTOMER),
                              care_record_get_string (product, "customer_id"), error);
  if (customer == NULL)
    return FALSE;
  address = care_record_get_string (product, "location");
  if (address == NULL)
    address = care_record_get_string (customer, "address");

  links = care_store_find_all (store, q, error);
  if (links == NULL)
    return FALSE;
  for (guint i = 0; i < links->len; i++)
    g_hash_table_add (done, GINT_TO_POINTER (care_record_get_int (g_ptr_array_index (links, i),
                                                                  "visit_number", 0)));

  for (guint i = 0; i < dates->len; i++)
    {
      g_autoptr (CareRecord) appointment =
          care_record_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));
      g_autoptr (CareRecord) link =
          care_record_new (care_schema_entity (CARE_ENTITY_MAINTENANCE_VISIT));
      const GDate     *date = g_ptr_array_index (dates, i);
      g_autofree char *day = care_date_to_iso (date);
      g_autofree char *start = care_local_slot_to_iso (date, VISIT_START_HOUR, 0);
      g_autofree char *end = care_local_slot_to_iso (date, VISIT_START_HOUR + VISIT_HOURS, 0);
      guint            number = i + 1;

      if (g_hash_table_contains (done, GUINT_TO_POINTER (number)))
        continue;

      care_record_set_string (appointment, "kind", "maintenance");
      care_record_set_string (appointment, "customer_id", care_record_get_id (customer));
      care_record_set_string (appointment, "product_id", care_record_get_id (product));
      care_record_set_string (appointment, "technician_id",
                              care_record_get_string (plan, "technician_id"));
      care_record_set_string (appointment, "address", address);
      care_record_set_string (appointment, "start_at", start);
      care_record_set_string (appointment, "end_at", end);
      care_record_set_string (appointment, "status", "planned");
      care_record_set_string (appointment, "notes", care_record_get_string (plan, "title"));
      if (!care_store_save (store, appointment, error))
        return FALSE;

      care_record_set_string (link, "plan_id", care_record_get_id (plan));
      care_record_set_string (link, "appointment_id", care_record_get_id (appointment));
      care_record_set_int (link, "visit_number", number);
      care_record_set_string (link, "planned_date", day);
      if (!care_store_save (store, link, error))
        return FALSE;

      data->n_created++;
    }

  return TRUE;
}

/**
 * care_maintenance_plan_generate:
 * @plan: a saved maintenance plan
 * @n_created: (out) (optional): how many appointments were created
 *
 * Creates the planned maintenance appointments of @plan that do not exist
 * yet, each linked to the plan, in one transaction. Running it again
 * creates nothing; after the plan gains visits it creates the new ones.
 */
gboolean
care_maintenance_plan_generate (CareStore  *store,
                                CareRecord *plan,
                                guint      *n_created,
                                GError    **error)
{
  GenerateData data = { plan, 0 };

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (CARE_IS_RECORD (plan), FALSE);

  if (n_created != NULL)
    *n_created = 0;

  if (care_record_get_entity (plan) != care_schema_entity (CARE_ENTITY_MAINTENANCE_PLAN))
    {
      g_set_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID,
                   _ ("Not a maintenance plan"));
      return FALSE;
    }
  if (!care_record_validate (plan, NULL, error))
    return FALSE;

  if (!care_store_write (store, generate_in_transaction, &data, error))
    return FALSE;

  if (n_created != NULL)
    *n_created = data.n_created;
  return TRUE;
}

/* The statuses of a maintenance visit that was missed while it has them. */
static const char *const overdue_statuses[] = { "planned", "not_done", NULL };

/**
 * care_maintenance_overdue_query:
 * @now: the current time
 *
 * The maintenance appointments that should have happened: their start is
 * before @now and they are still planned or were not done. Oldest first.
 * Use it with care_store_find() or a CareRecordList.
 */
CareQuery *
care_maintenance_overdue_query (GDateTime *now)
{
  CareQuery       *q = care_query_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));
  g_autofree char *at = care_datetime_to_iso (now);

  care_query_add_string (q, "kind", CARE_QUERY_EQ, "maintenance");
  care_query_add_in (q, "status", overdue_statuses);
  care_query_add_string (q, "start_at", CARE_QUERY_LT, at);
  care_query_set_order (q, "start_at", FALSE);
  return q;
}

/**
 * care_maintenance_is_overdue:
 * @appointment: an appointment already loaded
 * @now: the current time
 *
 * Returns: whether @appointment is one care_maintenance_overdue_query()
 * would find.
 */
gboolean
care_maintenance_is_overdue (CareRecord *appointment, GDateTime *now)
{
  const char      *start_at;
  const char      *status;
  g_autofree char *at = NULL;

  g_return_val_if_fail (CARE_IS_RECORD (appointment), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  start_at = care_record_get_string (appointment, "start_at");
  status = care_record_get_string (appointment, "status");
  if (g_strcmp0 (care_record_get_string (appointment, "kind"), "maintenance") != 0 ||
      start_at == NULL || status == NULL || !g_strv_contains (overdue_statuses, status))
    return FALSE;

  at = care_datetime_to_iso (now);
  return g_strcmp0 (start_at, at) < 0;
}

/* The links of a plan to its appointments, by visit number. */
CareQuery *
care_maintenance_plan_visits_query (const char *plan_id)
{
  CareQuery *q = care_query_new (care_schema_entity (CARE_ENTITY_MAINTENANCE_VISIT));

  care_query_add_string (q, "plan_id", CARE_QUERY_EQ, plan_id);
  care_query_set_order (q, "visit_number", FALSE);
  return q;
}
