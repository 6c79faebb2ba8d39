/* care-reminder.c: reminders that fire once: expiring warranties, upcoming visits.
 *
 * What has fired is kept in the local "reminder" table (see migration 3 for
 * why it is not synced), keyed by the record and its due key. The due key
 * is what the reminder is about: a warranty's end date; an appointment's
 * start time and technician. So a reminder fires once, and fires again
 * when that changes: an appointment moved to another time, or handed to
 * another technician, is news the technician must hear about; a warranty
 * extended to a later end date expires again later. Other edits (notes,
 * address) do not fire it again. A warranty followed without a gap by
 * another of the same product (an extension) is no reminder: the product
 * stays covered. */
#define G_LOG_DOMAIN "care-reminder"

#include "config.h"

#include "care-reminder.h"
#include "care-store-private.h"
#include "care-warranty.h"
#include "care-workflow.h"

static const char *const kind_keys[] = { "warranty", "appointment" };

void
care_reminder_free (CareReminder *reminder)
{
  if (reminder == NULL)
    return;
  g_clear_object (&reminder->record);
  g_free (reminder->due);
  g_free (reminder);
}

typedef struct
{
  GDateTime  *now;
  guint       warranty_days;
  const char *technician_id;
  guint       appointment_hours;
  GPtrArray  *due; /* out */
} TakeData;

static char *
due_key (CareReminderKind kind, CareRecord *record)
{
  const char *technician;

  if (kind == CARE_REMINDER_WARRANTY_EXPIRING)
    return g_strdup (care_record_get_string (record, "end_date"));

  technician = care_record_get_string (record, "technician_id");
  return g_strdup_printf ("%s|%s", care_record_get_string (record, "start_at"),
                          technician != NULL ? technician : "");
}

/* Runs @sql (binding @a, @b and @c as text, NULL as null) and adds each
 * unfired row as a reminder of @kind. */
static gboolean
collect (CareStore       *store,
         CareReminderKind kind,
         CareEntityId     entity,
         const char      *where,
         const char      *order,
         const char      *a,
         const char      *b,
         const char      *c,
         GPtrArray       *out,
         GError         **error)
{
  const CareEntity *e = care_schema_entity (entity);
  g_autofree char  *sql = NULL;
  sqlite3_stmt     *stmt;
  int               rc;

  /* Parameters only; the columns and table come from the static schema. */
  sql = g_strdup_printf (
      "SELECT %s FROM %s WHERE %s." CARE_SQL_LIVE " AND %s "
      "AND NOT EXISTS (SELECT 1 FROM reminder r WHERE r.kind = ?4 AND r.record_id = %s.id "
      "AND r.due_key = %s) ORDER BY %s LIMIT %d",
      care_store_record_columns (e), e->name, e->name, where, e->name,
      kind == CARE_REMINDER_WARRANTY_EXPIRING
          ? "warranty.end_date"
          : "appointment.start_at || '|' || coalesce(appointment.technician_id, '')",
      order, CARE_REMINDER_MAX_BATCH);
  stmt = care_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, a, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, b, -1, SQLITE_TRANSIENT);
  if (c != NULL)
    sqlite3_bind_text (stmt, 3, c, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, kind_keys[kind], -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CareReminder *r = g_new0 (CareReminder, 1);

      r->kind = kind;
      r->record = care_store_row_to_record (e, stmt);
      r->due = g_strdup (care_record_get_string (
          r->record, kind == CARE_REMINDER_WARRANTY_EXPIRING ? "end_date" : "start_at"));
      g_ptr_array_add (out, r);
    }
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE || care_store_set_error (store, rc, error);
}

static gboolean
take_in_transaction (CareStore *store, gpointer user_data, GError **error)
{
  TakeData        *data = user_data;
  g_autofree char *now_iso = care_datetime_to_iso (data->now);
  sqlite3_stmt    *stmt;

  if (data->warranty_days > 0)
    {
      GDate            today, until;
      g_autofree char *from = NULL;
      g_autofree char *to = NULL;

      care_date_from_datetime (data->now, &today);
      until = today;
      g_date_add_days (&until, data->warranty_days);
      from = care_date_to_iso (&today);
      to = care_date_to_iso (&until);
      if (!collect (store, CARE_REMINDER_WARRANTY_EXPIRING, CARE_ENTITY_WARRANTY,
                    "warranty.end_date >= ?1 AND warranty.end_date <= ?2 "
                    /* Only when the cover lapses: not when another warranty
                     * of the product carries on from the next day. */
                    "AND " CARE_WARRANTY_LAPSES_SQL,
                    "warranty.end_date", from, to, NULL, data->due, error))
        return FALSE;
    }

  if (data->technician_id != NULL && data->appointment_hours > 0)
    {
      g_autoptr (GDateTime) until =
          g_date_time_add_hours (data->now, (gint) MIN (data->appointment_hours, 24 * 366));
      g_autofree char *to = care_datetime_to_iso (until);

      if (!collect (store, CARE_REMINDER_APPOINTMENT, CARE_ENTITY_APPOINTMENT,
                    "appointment.technician_id = ?3 AND appointment.status = 'planned' "
                    "AND appointment.start_at >= ?1 AND appointment.start_at <= ?2",
                    "appointment.start_at", now_iso, to, data->technician_id, data->due, error))
        return FALSE;
    }

  stmt = care_store_prepare (
      store,
      "INSERT OR REPLACE INTO reminder (kind, record_id, due_key, fired_at) VALUES (?, ?, ?, ?)",
      error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < data->due->len; i++)
    {
      CareReminder    *r = g_ptr_array_index (data->due, i);
      g_autofree char *key = due_key (r->kind, r->record);

      sqlite3_bind_text (stmt, 1, kind_keys[r->kind], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, care_record_get_id (r->record), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, key, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, now_iso, -1, SQLITE_TRANSIENT);
      if (!care_store_step_done (store, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * care_reminders_take_due:
 * @now: the current time
 * @warranty_days: remind of warranties ending within this many days
 *   (today included); 0 for none
 * @technician_id: (nullable): remind of this technician's planned
 *   appointments; %NULL for none
 * @appointment_hours: starting within this many hours from @now
 *
 * Returns: (element-type CareReminder) (transfer full): the reminders due
 * that have not fired yet on this device, warranties first. They are
 * marked fired in the same transaction, so each is returned once.
 */
GPtrArray *
care_reminders_take_due (CareStore  *store,
                         GDateTime  *now,
                         guint       warranty_days,
                         const char *technician_id,
                         guint       appointment_hours,
                         GError    **error)
{
  g_autoptr (GPtrArray) due = g_ptr_array_new_with_free_func ((GDestroyNotify) care_reminder_free);
  TakeData data = { now, MIN (warranty_days, 3660), technician_id, appointment_hours, due };

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  if (!care_store_write (store, take_in_transaction, &data, error))
    return NULL;

  return g_steal_pointer (&due);
}

typedef struct
{
  const char *kind;
  const char *record_id;
  const char *due_key;
  const char *now;
  gboolean   *first;
} OnceData;

static gboolean
take_once_in_transaction (CareStore *store, gpointer user_data, GError **error)
{
  OnceData     *data = user_data;
  sqlite3_stmt *stmt;
  int           rc;

  stmt = care_store_prepare (
      store, "SELECT 1 FROM reminder WHERE kind = ? AND record_id = ? AND due_key = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, data->kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, data->record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, data->due_key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *data->first = FALSE;
      sqlite3_reset (stmt);
      return TRUE;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return care_store_set_error (store, rc, error);

  stmt = care_store_prepare (
      store,
      "INSERT OR REPLACE INTO reminder (kind, record_id, due_key, fired_at) VALUES (?, ?, ?, ?)",
      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, data->kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, data->record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, data->due_key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, data->now, -1, SQLITE_TRANSIENT);
  if (!care_store_step_done (store, stmt, error))
    return FALSE;
  *data->first = TRUE;
  return TRUE;
}

/**
 * care_reminder_take_once:
 * @kind: what the reminder is about, e.g. "sla" for a case at risk
 * @due_key: what makes it news again when it changes
 * @first: (out): whether this is the first time on this device
 *
 * Marks a reminder computed elsewhere (a case's service level timers
 * cannot be selected in SQL) as fired, in the same table and with the
 * same rule as the others: each fires once on this device.
 */
gboolean
care_reminder_take_once (CareStore  *store,
                         const char *kind,
                         const char *record_id,
                         const char *due_key,
                         GDateTime  *now,
                         gboolean   *first,
                         GError    **error)
{
  g_autofree char *now_iso = NULL;
  OnceData         data = { kind, record_id, due_key, NULL, first };

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (kind != NULL && record_id != NULL && due_key != NULL, FALSE);
  g_return_val_if_fail (first != NULL, FALSE);

  now_iso = care_datetime_to_iso (now);
  data.now = now_iso;
  *first = FALSE;
  return care_store_write (store, take_once_in_transaction, &data, error);
}
