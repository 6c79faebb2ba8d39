/* care-server-sla.c: a case's service level timers as the server returns them.
 *
 * The server computes the very figures the clients do: the same
 * care_sla_compute () of care-core over the same synced records (the
 * case, its policy, the policy's calendar and closures, the case's status
 * changes and the calls of its customer) at the one clock's instant, so a
 * report read from the server agrees with every client's screen. */
#define G_LOG_DOMAIN "care-server-sla"

#include "config.h"

#include "care-json.h"
#include "care-server-sla.h"
#include "care-sla.h"

/* At most this many records of one kind are read for a case: the same
 * bound as the client's (care-sla.c). */
#define MAX_ROWS 10000

static CareRecord *
record_from_json (const CareEntity *entity, const char *id, const char *fields)
{
  g_autoptr (CareRecord) record = care_record_new_with_id (entity, id);
  g_autoptr (JsonNode) node = fields != NULL ? json_from_string (fields, NULL) : NULL;
  g_autoptr (GError) error = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      !care_json_set_record (record, json_node_get_object (node), &error))
    {
      g_debug ("Stored %s %s does not match the schema: %s", entity->name, id,
               error != NULL ? error->message : "not a JSON object");
      return NULL;
    }
  return g_steal_pointer (&record);
}

/* A live record by id, or NULL when it is gone; errors are the store's. */
static CareRecord *
load (CareServerStore *store, CareEntityId entity, const char *id, GError **error)
{
  const CareEntity *e = care_schema_entity (entity);
  g_autoptr (CareServerStoreRecord) row = NULL;

  if (id == NULL)
    return NULL;
  row = care_server_store_load_record (store, e->name, id, NULL, error);
  if (row == NULL || row->deleted)
    return NULL;
  return record_from_json (e, id, row->fields);
}

/* The live records of @entity whose reference @field is @target_id. */
static GPtrArray *
find (CareServerStore *store,
      CareEntityId     entity,
      const char      *field,
      const char      *target_id,
      const char      *order_field,
      GError         **error)
{
  const CareEntity *e = care_schema_entity (entity);
  const CareField  *ref = care_entity_lookup_field (e, field);
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) rows = NULL;

  g_return_val_if_fail (ref != NULL && ref->type == CARE_FIELD_REF, NULL);

  rows = care_server_store_find_referring (store, e->name, field, ref->ref_entity, target_id, NULL,
                                           order_field, MAX_ROWS, error);
  if (rows == NULL)
    return NULL;
  for (guint i = 0; i < rows->len; i++)
    {
      CareServerStoreRecord *row = g_ptr_array_index (rows, i);
      CareRecord            *record = record_from_json (e, row->id, row->fields);

      if (record != NULL)
        g_ptr_array_add (found, record);
    }
  return g_steal_pointer (&found);
}

/**
 * care_server_sla_for_case:
 * @row: the stored case
 * @now: the instant the figures are for, from the one clock
 *
 * The `sla` member of a service case (care_sla_to_json ()); a case without
 * a policy, or whose policy or calendar is gone, gets timers in the state
 * "none", as on the clients. Returns: (transfer full): the member, or
 * %NULL on a database error
 */
JsonNode *
care_server_sla_for_case (CareServerStore       *store,
                          CareServerStoreRecord *row,
                          gint64                 now,
                          GError               **error)
{
  const char *case_id;
  g_autoptr (CareRecord) service_case = NULL;
  g_autoptr (CareRecord) policy = NULL;
  g_autoptr (CareRecord) calendar_record = NULL;
  g_autoptr (CareWorkingCalendar) calendar = NULL;
  g_autoptr (GPtrArray) closures = NULL;
  g_autoptr (GPtrArray) changes = NULL;
  g_autoptr (GPtrArray) calls = NULL;
  g_autoptr (CareSla) sla = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *customer_id;

  g_return_val_if_fail (CARE_IS_SERVER_STORE (store), NULL);
  g_return_val_if_fail (row != NULL && row->id != NULL, NULL);

  case_id = row->id;
  service_case =
      record_from_json (care_schema_entity (CARE_ENTITY_SERVICE_CASE), case_id, row->fields);
  if (service_case == NULL)
    return json_node_init_null (json_node_alloc ());
  /* A move by a client that predates the status history is dated by the
   * case's updated_at (care-sla.c). */
  care_record_set_timestamps (service_case, row->created_at, row->updated_at);

  policy = load (store, CARE_ENTITY_SLA_POLICY,
                 care_record_get_string (service_case, "sla_policy_id"), &local_error);
  if (local_error != NULL)
    goto failed;
  if (policy != NULL)
    {
      calendar_record = load (store, CARE_ENTITY_WORKING_CALENDAR,
                              care_record_get_string (policy, "calendar_id"), &local_error);
      if (local_error != NULL)
        goto failed;
    }
  if (calendar_record != NULL)
    {
      closures = find (store, CARE_ENTITY_CALENDAR_CLOSURE, "calendar_id",
                       care_record_get_id (calendar_record), "start_date", &local_error);
      if (closures == NULL)
        goto failed;
      calendar = care_sla_calendar_new (calendar_record, closures, NULL);
    }

  changes =
      find (store, CARE_ENTITY_CASE_STATUS_CHANGE, "case_id", case_id, "changed_at", &local_error);
  if (changes == NULL)
    goto failed;
  customer_id = care_record_get_string (service_case, "customer_id");
  if (customer_id != NULL)
    {
      calls =
          find (store, CARE_ENTITY_CALL_LOG, "customer_id", customer_id, "called_at", &local_error);
      if (calls == NULL)
        goto failed;
    }

  sla = care_sla_compute (service_case, policy, calendar, changes, calls, now);
  return care_sla_to_json (sla);

failed:
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}
