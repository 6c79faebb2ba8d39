/* care-schedule.c: who is already booked at a time: a technician's
 * overlapping appointments, a trainer's overlapping sessions.
 *
 * A clash is a warning, not an error: two short calls can share an hour and
 * the planner knows best, so this module only finds them. Each lookup is one
 * bounded query on an index: (technician_id, start_at) for appointments,
 * (start_at) for sessions, which are few per day. */
#define G_LOG_DOMAIN "care-schedule"

#include "config.h"

#include "care-schedule.h"
#include "care-store-private.h"

/* At most this many clashes are reported: the first ones say enough. */
#define MAX_CLASHES 20

typedef struct
{
  const char *entity;
  const char *person_field;
  const char *extra_condition; /* static SQL, no user input */
} ClashRule;

static const ClashRule rules[] = {
  { "appointment", "technician_id", "AND status != 'cancelled'" },
  { "training_session", "trainer_id", "" },
};

static const ClashRule *
rule_for (const char *entity_name)
{
  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    if (g_strcmp0 (rules[i].entity, entity_name) == 0)
      return &rules[i];
  return NULL;
}

/**
 * care_schedule_find_clashes:
 * @entity_name: "appointment" (by technician) or "training_session" (by trainer)
 * @person_id: the technician or trainer
 * @start_at: (nullable): the start of the range, UTC ISO 8601
 * @end_at: (nullable): the end of the range
 * @exclude_id: (nullable): the record being edited, which never clashes with itself
 *
 * Finds the live records of @person_id whose time overlaps [@start_at,
 * @end_at): ranges that only touch (one ends when the next starts) do not
 * overlap. Cancelled appointments never clash.
 *
 * Returns: (transfer full): the clashing records, earliest first; empty when
 *   a bound is missing
 */
GPtrArray *
care_schedule_find_clashes (CareStore  *store,
                            const char *entity_name,
                            const char *person_id,
                            const char *start_at,
                            const char *end_at,
                            const char *exclude_id,
                            GError    **error)
{
  const ClashRule  *rule = rule_for (entity_name);
  const CareEntity *entity = care_schema_lookup (entity_name);
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *sql = NULL;
  sqlite3_stmt    *stmt;
  int              rc;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (rule != NULL && entity != NULL, NULL);

  if (person_id == NULL || start_at == NULL || end_at == NULL || g_strcmp0 (start_at, end_at) >= 0)
    return g_steal_pointer (&found);

  /* The timestamps are fixed-width UTC text, so text order is time order. */
  sql = g_strdup_printf ("SELECT %s FROM %s WHERE %s = ?1 AND start_at < ?3 AND end_at > ?2"
                         " AND id != ?4 AND " CARE_SQL_LIVE " %s ORDER BY start_at LIMIT %d",
                         care_store_record_columns (entity), entity->name, rule->person_field,
                         rule->extra_condition, MAX_CLASHES);
  stmt = care_store_prepare (store, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, person_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, start_at, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, end_at, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, exclude_id != NULL ? exclude_id : "", -1, SQLITE_TRANSIENT);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (found, care_store_row_to_record (entity, stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      care_store_set_error (store, rc, error);
      return NULL;
    }

  return g_steal_pointer (&found);
}

/**
 * care_schedule_find_record_clashes:
 * @record: an appointment or training session, saved or not
 *
 * The clashes of @record with the other bookings of its technician or
 * trainer. A cancelled appointment clashes with nothing.
 *
 * Returns: (transfer full): see care_schedule_find_clashes()
 */
GPtrArray *
care_schedule_find_record_clashes (CareStore *store, CareRecord *record, GError **error)
{
  const CareEntity *entity;
  const ClashRule  *rule;

  g_return_val_if_fail (CARE_IS_RECORD (record), NULL);

  entity = care_record_get_entity (record);
  rule = rule_for (entity->name);
  g_return_val_if_fail (rule != NULL, NULL);

  if (entity == care_schema_entity (CARE_ENTITY_APPOINTMENT) &&
      g_strcmp0 (care_record_get_string (record, "status"), "cancelled") == 0)
    return g_ptr_array_new_with_free_func (g_object_unref);

  return care_schedule_find_clashes (
      store, entity->name, care_record_get_string (record, rule->person_field),
      care_record_get_string (record, "start_at"), care_record_get_string (record, "end_at"),
      care_record_get_id (record), error);
}

/**
 * care_schedule_usual_minutes:
 * @kind: (nullable): an appointment's kind ("delivery", "repair"…)
 *
 * How long a visit or call of @kind usually takes: what a new booking's
 * end is set to after its start. A call is short; an installation or a
 * repair takes a morning's good part.
 */
int
care_schedule_usual_minutes (const char *kind)
{
  static const struct
  {
    const char *kind;
    int         minutes;
  } usual[] = {
    { "delivery", 60 }, { "installation", 120 },  { "maintenance", 90 },
    { "repair", 120 },  { "follow_up_call", 15 },
  };

  for (guint i = 0; kind != NULL && i < G_N_ELEMENTS (usual); i++)
    if (g_str_equal (kind, usual[i].kind))
      return usual[i].minutes;
  return 60;
}
