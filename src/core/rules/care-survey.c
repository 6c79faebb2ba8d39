/* care-survey.c: satisfaction surveys and their averages.
 *
 * A survey is about exactly one thing: a service case, an appointment or a
 * training session (the schema's exactly_one rule, checked on every save
 * and by the server). It also names the customer, copied from its subject
 * when it is created, so the averages per customer are one indexed query
 * instead of three joins. */
#define G_LOG_DOMAIN "care-survey"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "care-clock.h"
#include "care-store-private.h"
#include "care-survey.h"
#include "care-workflow.h"

/**
 * care_survey_subject_field:
 * @subject: a record
 *
 * Returns: (nullable): the survey field that links a survey to @subject
 * ("case_id", "appointment_id" or "session_id"), or %NULL when surveys
 * are not about records like @subject.
 */
const char *
care_survey_subject_field (CareRecord *subject)
{
  const char *entity;

  g_return_val_if_fail (CARE_IS_RECORD (subject), NULL);

  entity = care_record_get_entity (subject)->name;
  if (g_str_equal (entity, "service_case"))
    return "case_id";
  if (g_str_equal (entity, "appointment"))
    return "appointment_id";
  if (g_str_equal (entity, "training_session"))
    return "session_id";
  return NULL;
}

/**
 * care_survey_new_for:
 * @subject: a service case, an appointment or a training session
 * @contact_id: (nullable): who answered; required for a training session,
 *   whose participant decides the customer
 *
 * Returns: (transfer full): a new, unsaved survey about @subject with its
 * customer filled in and answered now; the caller sets the score and comment.
 */
CareRecord *
care_survey_new_for (CareStore *store, CareRecord *subject, const char *contact_id, GError **error)
{
  const char *entity = care_record_get_entity (subject)->name;
  const char *field = care_survey_subject_field (subject);
  g_autoptr (CareRecord) survey = care_record_new (care_schema_entity (CARE_ENTITY_SURVEY));
  g_autofree char *now = care_clock_now_iso ();
  const char      *customer_id = NULL;
  g_autoptr (CareRecord) contact = NULL;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (CARE_IS_RECORD (subject), NULL);

  if (contact_id != NULL)
    {
      contact =
          care_store_load (store, care_schema_entity (CARE_ENTITY_CONTACT), contact_id, error);
      if (contact == NULL)
        return NULL;
    }

  if (field != NULL)
    care_record_set_string (survey, field, care_record_get_id (subject));
  else
    {
      g_set_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID,
                   _ ("A survey is about a service case, an appointment or a training session"));
      return NULL;
    }

  if (g_str_equal (entity, "training_session"))
    {
      if (contact == NULL)
        {
          g_set_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID,
                       _ ("Choose the participant who answered the survey"));
          return NULL;
        }
      customer_id = care_record_get_string (contact, "customer_id");
    }
  else
    customer_id = care_record_get_string (subject, "customer_id");

  if (contact != NULL &&
      g_strcmp0 (care_record_get_string (contact, "customer_id"), customer_id) != 0)
    {
      g_set_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID,
                   _ ("The contact does not belong to this customer"));
      return NULL;
    }

  care_record_set_string (survey, "customer_id", customer_id);
  care_record_set_string (survey, "contact_id", contact_id);
  care_record_set_string (survey, "answered_at", now);
  return g_steal_pointer (&survey);
}

/**
 * care_survey_stats:
 * @customer_id: (nullable): one customer, or %NULL for all surveys
 *
 * The number of surveys and their average score.
 */
gboolean
care_survey_stats (CareStore       *store,
                   const char      *customer_id,
                   CareSurveyStats *stats,
                   GError         **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);

  memset (stats, 0, sizeof *stats);
  stmt = care_store_prepare (store,
                             customer_id != NULL
                                 ? "SELECT count(*), total(score) FROM survey WHERE " CARE_SQL_LIVE
                                   " AND customer_id = ?"
                                 : "SELECT count(*), total(score) FROM survey WHERE " CARE_SQL_LIVE,
                             error);
  if (stmt == NULL)
    return FALSE;

  if (customer_id != NULL)
    sqlite3_bind_text (stmt, 1, customer_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      stats->count = (guint) sqlite3_column_int64 (stmt, 0);
      stats->average = stats->count > 0 ? sqlite3_column_double (stmt, 1) / stats->count : 0;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return care_store_set_error (store, rc, error);

  stats->customer_id = g_strdup (customer_id);
  return TRUE;
}

/**
 * care_survey_customer_averages:
 * @limit: the most customers to return
 *
 * Returns: (element-type CareSurveyStats) (transfer full): per customer
 * with surveys, the count and average, least satisfied first (who to call
 * back), then by most surveys.
 */
GPtrArray *
care_survey_customer_averages (CareStore *store, guint limit, GError **error)
{
  g_autoptr (GPtrArray) rows =
      g_ptr_array_new_with_free_func ((GDestroyNotify) care_survey_stats_free);
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);

  stmt = care_store_prepare (
      store,
      "SELECT customer_id, count(*) AS n, total(score) / count(*) AS average FROM survey "
      "WHERE " CARE_SQL_LIVE " GROUP BY customer_id ORDER BY average, n DESC, customer_id LIMIT ?",
      error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CareSurveyStats *s = g_new0 (CareSurveyStats, 1);

      s->customer_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      s->count = (guint) sqlite3_column_int64 (stmt, 1);
      s->average = sqlite3_column_double (stmt, 2);
      g_ptr_array_add (rows, s);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      care_store_set_error (store, rc, error);
      return NULL;
    }

  return g_steal_pointer (&rows);
}

void
care_survey_stats_clear (CareSurveyStats *stats)
{
  g_clear_pointer (&stats->customer_id, g_free);
  stats->count = 0;
  stats->average = 0;
}

void
care_survey_stats_free (CareSurveyStats *stats)
{
  if (stats == NULL)
    return;
  care_survey_stats_clear (stats);
  g_free (stats);
}
