/* care-training.c: who gets a seat in a training session.
 *
 * A contact enrols once per session: confirmed while a seat is free, else on
 * the waitlist, which is served in enrolment order. When a confirmed seat
 * frees up (a cancellation, more seats), the oldest waitlisted enrolment is
 * confirmed in the same transaction, so no two clients of this store can
 * hand out the same seat and the outbox carries both changes together.
 * Reducing the seats below the confirmed count confirms nobody new but
 * demotes nobody either: people already told they have a seat keep it. */
#define G_LOG_DOMAIN "care-training"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "care-clock.h"
#include "care-store-private.h"
#include "care-training.h"

G_DEFINE_QUARK (care_training_error_quark, care_training_error)

static gboolean
count_in_transaction (CareStore *store, const char *session_id, CareSeatCount *out, GError **error)
{
  g_autoptr (CareRecord) session =
      care_store_load (store, care_schema_entity (CARE_ENTITY_TRAINING_SESSION), session_id, error);
  sqlite3_stmt *stmt;
  int           rc;

  if (session == NULL)
    return FALSE;

  stmt = care_store_prepare (store,
                             "SELECT count(*) FILTER (WHERE status = 'confirmed'),"
                             " count(*) FILTER (WHERE status = 'waitlisted')"
                             " FROM enrolment WHERE session_id = ? AND " CARE_SQL_LIVE,
                             error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return care_store_set_error (store, rc, error);
    }

  out->seats = (guint) MAX (care_record_get_int (session, "seats", 0), 0);
  out->confirmed = (guint) sqlite3_column_int (stmt, 0);
  out->waitlisted = (guint) sqlite3_column_int (stmt, 1);
  out->free = out->seats > out->confirmed ? out->seats - out->confirmed : 0;
  sqlite3_reset (stmt);
  return TRUE;
}

/* The id of the first row a one-text-parameter query selects, or NULL. */
static char *
first_id (CareStore *store, const char *sql, const char *param1, const char *param2, GError **error)
{
  sqlite3_stmt *stmt = care_store_prepare (store, sql, error);
  char         *id = NULL;
  int           rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, param1, -1, SQLITE_TRANSIENT);
  if (param2 != NULL)
    sqlite3_bind_text (stmt, 2, param2, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    care_store_set_error (store, rc, error);
  sqlite3_reset (stmt);

  return id;
}

/**
 * care_training_count_seats:
 *
 * Counts the seats of a session: how many are taken, free and waited for.
 */
gboolean
care_training_count_seats (CareStore     *store,
                           const char    *session_id,
                           CareSeatCount *out_count,
                           GError       **error)
{
  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (session_id != NULL && out_count != NULL, FALSE);

  *out_count = (CareSeatCount){ 0 };
  return count_in_transaction (store, session_id, out_count, error);
}

/* Confirms waitlisted enrolments, oldest first, while seats are free. */
static gboolean
promote_waitlisted (CareStore *store, const char *session_id, GPtrArray *promoted, GError **error)
{
  const CareEntity *enrolment = care_schema_entity (CARE_ENTITY_ENROLMENT);
  CareSeatCount     count;

  for (;;)
    {
      g_autoptr (GError) local_error = NULL;
      g_autofree char *next = NULL;
      g_autoptr (CareRecord) record = NULL;

      if (!count_in_transaction (store, session_id, &count, error))
        return FALSE;
      if (count.free == 0 || count.waitlisted == 0)
        return TRUE;

      next = first_id (store,
                       "SELECT id FROM enrolment WHERE session_id = ? AND status = 'waitlisted'"
                       " AND " CARE_SQL_LIVE " ORDER BY enrolled_at, seq LIMIT 1",
                       session_id, NULL, &local_error);
      if (next == NULL)
        {
          if (local_error == NULL)
            return TRUE;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      record = care_store_load (store, enrolment, next, error);
      if (record == NULL)
        return FALSE;
      care_record_set_string (record, "status", "confirmed");
      if (!care_store_save (store, record, error))
        return FALSE;
      if (promoted != NULL)
        g_ptr_array_add (promoted, g_steal_pointer (&record));
    }
}

typedef struct
{
  const char *session_id;
  const char *contact_id;
  CareRecord *result;
} EnrolData;

static gboolean
enrol_in_transaction (CareStore *store, gpointer user_data, GError **error)
{
  EnrolData *data = user_data;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *existing = NULL;
  g_autofree char *now = NULL;
  g_autoptr (CareRecord) record = NULL;
  CareSeatCount count;

  existing = first_id (store,
                       "SELECT id FROM enrolment WHERE session_id = ? AND contact_id = ?"
                       " AND status IN ('confirmed', 'waitlisted') AND " CARE_SQL_LIVE " LIMIT 1",
                       data->session_id, data->contact_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (existing != NULL)
    {
      g_set_error_literal (error, CARE_TRAINING_ERROR, CARE_TRAINING_ERROR_ALREADY_ENROLLED,
                           _ ("This participant is already enrolled in the session"));
      return FALSE;
    }

  /* Nobody jumps the queue: seats freed without a promotion (more seats
   * from a sync, say) go to the waitlist before this newcomer. */
  if (!promote_waitlisted (store, data->session_id, NULL, error) ||
      !count_in_transaction (store, data->session_id, &count, error))
    return FALSE;

  now = care_clock_now_iso ();
  record = care_record_new (care_schema_entity (CARE_ENTITY_ENROLMENT));
  care_record_set_string (record, "session_id", data->session_id);
  care_record_set_string (record, "contact_id", data->contact_id);
  care_record_set_string (record, "status", count.free > 0 ? "confirmed" : "waitlisted");
  care_record_set_bool (record, "attended", FALSE);
  care_record_set_string (record, "enrolled_at", now);
  if (!care_store_save (store, record, error))
    return FALSE;

  data->result = g_steal_pointer (&record);
  return TRUE;
}

/**
 * care_training_enrol:
 *
 * Enrols @contact_id into @session_id: confirmed when a seat is free and
 * nobody waits for one, waitlisted otherwise. A contact with an active
 * (confirmed or waitlisted) enrolment in the session is refused with
 * %CARE_TRAINING_ERROR_ALREADY_ENROLLED.
 *
 * Returns: (transfer full): the stored enrolment
 */
CareRecord *
care_training_enrol (CareStore  *store,
                     const char *session_id,
                     const char *contact_id,
                     GError    **error)
{
  EnrolData data = { session_id, contact_id, NULL };

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (session_id != NULL && contact_id != NULL, NULL);

  if (!care_store_write (store, enrol_in_transaction, &data, error))
    {
      g_clear_object (&data.result);
      return NULL;
    }
  return data.result;
}

typedef struct
{
  const char *enrolment_id;
  CareRecord *promoted;
} CancelData;

static gboolean
cancel_in_transaction (CareStore *store, gpointer user_data, GError **error)
{
  CancelData *data = user_data;
  g_autoptr (CareRecord) record = care_store_load (
      store, care_schema_entity (CARE_ENTITY_ENROLMENT), data->enrolment_id, error);
  g_autoptr (GPtrArray) promoted = g_ptr_array_new_with_free_func (g_object_unref);
  const char *status;

  if (record == NULL)
    return FALSE;

  status = care_record_get_string (record, "status");
  if (g_strcmp0 (status, "confirmed") != 0 && g_strcmp0 (status, "waitlisted") != 0)
    {
      g_set_error_literal (error, CARE_TRAINING_ERROR, CARE_TRAINING_ERROR_NOT_ACTIVE,
                           _ ("This enrolment is already cancelled"));
      return FALSE;
    }

  care_record_set_string (record, "status", "cancelled");
  if (!care_store_save (store, record, error))
    return FALSE;

  if (!promote_waitlisted (store, care_record_get_string (record, "session_id"), promoted, error))
    return FALSE;

  if (promoted->len > 0)
    data->promoted = g_object_ref (g_ptr_array_index (promoted, 0));
  return TRUE;
}

/**
 * care_training_cancel:
 * @out_promoted: (out) (optional) (nullable): the waitlisted enrolment that
 *   got the freed seat, or %NULL when nobody did
 *
 * Cancels an active enrolment. When it held a seat, the oldest waitlisted
 * enrolment of the session is confirmed in the same transaction.
 */
gboolean
care_training_cancel (CareStore   *store,
                      const char  *enrolment_id,
                      CareRecord **out_promoted,
                      GError     **error)
{
  CancelData data = { enrolment_id, NULL };

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (enrolment_id != NULL, FALSE);

  if (out_promoted != NULL)
    *out_promoted = NULL;

  if (!care_store_write (store, cancel_in_transaction, &data, error))
    {
      g_clear_object (&data.promoted);
      return FALSE;
    }

  if (out_promoted != NULL)
    *out_promoted = data.promoted;
  else
    g_clear_object (&data.promoted);
  return TRUE;
}

typedef struct
{
  const char *session_id;
  GPtrArray  *promoted;
} FillData;

static gboolean
fill_in_transaction (CareStore *store, gpointer user_data, GError **error)
{
  FillData *data = user_data;

  return promote_waitlisted (store, data->session_id, data->promoted, error);
}

/**
 * care_training_fill_seats:
 * @out_promoted: (out) (optional) (transfer full): the enrolments confirmed
 *
 * Gives the free seats of a session to its waitlist, oldest first: call it
 * after a session got more seats.
 */
gboolean
care_training_fill_seats (CareStore  *store,
                          const char *session_id,
                          GPtrArray **out_promoted,
                          GError    **error)
{
  g_autoptr (GPtrArray) promoted = g_ptr_array_new_with_free_func (g_object_unref);
  FillData data = { session_id, promoted };

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (session_id != NULL, FALSE);

  if (!care_store_write (store, fill_in_transaction, &data, error))
    return FALSE;

  if (out_promoted != NULL)
    *out_promoted = g_steal_pointer (&promoted);
  return TRUE;
}
