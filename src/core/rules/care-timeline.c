/* care-timeline.c: a customer's interactions from several tables, newest first.
 *
 * Calls, opened cases, visits and training enrolments live in four tables.
 * Each branch of the UNION takes only its newest @limit rows through its
 * customer index before the merge, so the cost stays bounded however long
 * a customer's history is. */
#define G_LOG_DOMAIN "care-timeline"

#include "config.h"

#include "care-clock.h"
#include "care-store-private.h"
#include "care-timeline.h"

/* ?1 the customer, ?2 the limit, ?3 the moment after which nothing has
 * happened yet (visits are planned ahead; the timeline is the past). The
 * SQL keeps its own layout. */
/* clang-format off */
static const char timeline_sql[] =
    "SELECT entity, id, at, title, kind, status, person FROM ("
    " SELECT * FROM (SELECT 'call_log' AS entity, l.id AS id, l.called_at AS at, l.subject AS title,"
    "   l.direction AS kind, l.outcome AS status, k.name AS person"
    "   FROM call_log l LEFT JOIN contact k ON k.id = l.contact_id AND " CARE_SQL_LIVE_IN ("k")
    "   WHERE l.customer_id = ?1 AND " CARE_SQL_LIVE_IN ("l") " AND l.called_at <= ?3"
    "   ORDER BY l.called_at DESC LIMIT ?2)"
    " UNION ALL"
    " SELECT * FROM (SELECT 'service_case', c.id, c.opened_at, c.subject, c.kind, c.status, NULL"
    "   FROM service_case c WHERE c.customer_id = ?1 AND " CARE_SQL_LIVE_IN ("c") " AND c.opened_at <= ?3"
    "   ORDER BY c.opened_at DESC LIMIT ?2)"
    " UNION ALL"
    " SELECT * FROM (SELECT 'appointment', a.id, a.start_at, NULL, a.kind, a.status, NULL"
    "   FROM appointment a WHERE a.customer_id = ?1 AND " CARE_SQL_LIVE_IN ("a") " AND a.start_at <= ?3"
    "   ORDER BY a.start_at DESC LIMIT ?2)"
    " UNION ALL"
    " SELECT * FROM (SELECT 'enrolment', e.id, e.enrolled_at, t.title, NULL, e.status, k.name"
    "   FROM contact k JOIN enrolment e ON e.contact_id = k.id AND " CARE_SQL_LIVE_IN ("e")
    "   LEFT JOIN training_session s ON s.id = e.session_id"
    "   LEFT JOIN training_course t ON t.id = s.course_id"
    "   WHERE k.customer_id = ?1 AND " CARE_SQL_LIVE_IN ("k") " AND e.enrolled_at <= ?3"
    "   ORDER BY e.enrolled_at DESC LIMIT ?2)"
    ") ORDER BY at DESC, entity, id LIMIT ?2";
/* clang-format on */

void
care_timeline_entry_free (CareTimelineEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->id);
  g_free (entry->at);
  g_free (entry->title);
  g_free (entry->kind);
  g_free (entry->status);
  g_free (entry->person);
  g_free (entry);
}

static char *
column_text (sqlite3_stmt *stmt, int column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/**
 * care_timeline_load:
 * @customer_id: the customer
 * @until: (nullable): the latest moment to include (UTC); %NULL is now
 * @limit: the most entries to return
 *
 * Returns: (transfer full) (element-type CareTimelineEntry): the customer's
 *   calls, cases, past visits and enrolments, newest first, or %NULL on error.
 */
GPtrArray *
care_timeline_load (
    CareStore *store, const char *customer_id, const char *until, guint limit, GError **error)
{
  g_autoptr (GPtrArray) entries =
      g_ptr_array_new_with_free_func ((GDestroyNotify) care_timeline_entry_free);
  g_autofree char *now = NULL;
  sqlite3_stmt    *stmt;
  int              rc;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (customer_id != NULL, NULL);

  if (until == NULL)
    until = now = care_clock_now_iso ();

  stmt = care_store_prepare (store, timeline_sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, customer_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, limit);
  sqlite3_bind_text (stmt, 3, until, -1, SQLITE_TRANSIENT);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CareTimelineEntry *entry = g_new0 (CareTimelineEntry, 1);

      entry->entity = care_schema_lookup ((const char *) sqlite3_column_text (stmt, 0));
      entry->id = column_text (stmt, 1);
      entry->at = column_text (stmt, 2);
      entry->title = column_text (stmt, 3);
      entry->kind = column_text (stmt, 4);
      entry->status = column_text (stmt, 5);
      entry->person = column_text (stmt, 6);
      g_ptr_array_add (entries, entry);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      care_store_set_error (store, rc, error);
      return NULL;
    }

  return g_steal_pointer (&entries);
}
