/* care-attendance.c: whether a participant attended a whole course.
 *
 * A contact completed a course when they were confirmed in at least one of
 * its sessions and attended every session they were confirmed in. Waitlisted
 * and cancelled enrolments do not count either way; a session still to
 * come that they are confirmed in keeps the course incomplete until they
 * attend it. */
#define G_LOG_DOMAIN "care-attendance"

#include "config.h"

#include <string.h>

#include "care-attendance.h"
#include "care-store-private.h"

gboolean
care_attendance_check (CareStore      *store,
                       const char     *contact_id,
                       const char     *course_id,
                       CareAttendance *attendance,
                       GError        **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (contact_id != NULL && course_id != NULL, FALSE);

  memset (attendance, 0, sizeof *attendance);
  stmt = care_store_prepare (
      store,
      "SELECT s.start_at, s.end_at, coalesce(max(e.attended), 0) FROM enrolment e "
      "JOIN training_session s ON s.id = e.session_id "
      "WHERE e.contact_id = ? AND s.course_id = ? AND e.status = 'confirmed' "
      "AND " CARE_SQL_LIVE_IN ("e") " AND " CARE_SQL_LIVE_IN (
          "s") " "
               "GROUP BY s.id ORDER BY s.start_at",
      error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, contact_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, course_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *start = (const char *) sqlite3_column_text (stmt, 0);
      const char *end = (const char *) sqlite3_column_text (stmt, 1);
      gboolean    attended = sqlite3_column_int (stmt, 2) != 0;

      attendance->n_sessions++;
      if (attendance->first_start == NULL)
        attendance->first_start = g_strdup (start);
      g_free (attendance->last_end);
      attendance->last_end = g_strdup (end);

      if (attended)
        {
          g_autoptr (GDateTime) s =
              start != NULL ? g_date_time_new_from_iso8601 (start, NULL) : NULL;
          g_autoptr (GDateTime) e = end != NULL ? g_date_time_new_from_iso8601 (end, NULL) : NULL;

          attendance->n_attended++;
          if (s != NULL && e != NULL)
            attendance->minutes += MAX (0, g_date_time_difference (e, s) / G_TIME_SPAN_MINUTE);
        }
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      care_attendance_clear (attendance);
      return care_store_set_error (store, rc, error);
    }

  return TRUE;
}

gboolean
care_attendance_completed (const CareAttendance *attendance)
{
  return attendance->n_sessions > 0 && attendance->n_attended == attendance->n_sessions;
}

void
care_attendance_clear (CareAttendance *attendance)
{
  g_clear_pointer (&attendance->first_start, g_free);
  g_clear_pointer (&attendance->last_end, g_free);
  attendance->n_sessions = 0;
  attendance->n_attended = 0;
  attendance->minutes = 0;
}
