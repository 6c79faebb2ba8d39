/* care-dashboard-stats.c: what needs attention today, and the trends behind it.
 *
 * Every figure is one GROUP BY or COUNT over an index, relative to a "now"
 * fixed when the object is made, so one page of the dashboard agrees with
 * itself and tests can pin the date. Stored times are UTC; "today" for the
 * agenda is the local day of @now, turned back into a UTC range. Weeks
 * start on Monday. A case has no separate resolution time: its last change
 * while resolved or closed stands for it (resolving is the last thing that
 * happens to a case, short of closing it). */
#define G_LOG_DOMAIN "care-dashboard-stats"

#include "config.h"

#include "care-case.h"
#include "care-dashboard-stats.h"
#include "care-store-private.h"
#include "care-warranty.h"
#include "care-workflow.h"

struct _CareDashboardStats
{
  GObject parent_instance;

  /* Owned references */
  CareStore *store;
  GDateTime *now;
  GDate      today; /* the local day of now */
};

G_DEFINE_FINAL_TYPE (CareDashboardStats, care_dashboard_stats, G_TYPE_OBJECT)

/* A warranty whose cover lapses: no other warranty of the product carries on
 * from the next day (an extension), so there is a renewal to sell. ?1 and ?2
 * bound the end date. The same rule as the expiry reminders. */
#define LAPSING_WARRANTY                                                                           \
  CARE_SQL_LIVE_IN ("warranty")                                                                    \
  " AND warranty.end_date >= ?1 AND warranty.end_date %s ?2 "                                      \
  "AND " CARE_WARRANTY_LAPSES_SQL

/* Helpers */

static void
bind_texts (sqlite3_stmt *stmt, const char *const *params, guint n_params)
{
  for (guint i = 0; i < n_params; i++)
    if (params[i] != NULL)
      sqlite3_bind_text (stmt, (int) i + 1, params[i], -1, SQLITE_TRANSIENT);
}

/* Runs @sql, whose rows are (period index, count or value[, count]), and
 * adds each row whose index is in [0, @n) into @counts / @values. */
static gboolean
group_by_period (CareDashboardStats *self,
                 const char         *sql,
                 const char *const  *params,
                 guint               n_params,
                 guint               n,
                 guint              *counts,
                 double             *values,
                 GError            **error)
{
  sqlite3_stmt *stmt = care_store_prepare (self->store, sql, error);
  int           rc;

  if (stmt == NULL)
    return FALSE;
  bind_texts (stmt, params, n_params);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 index = sqlite3_column_int64 (stmt, 0);

      if (index < 0 || index >= n)
        continue;
      if (values != NULL)
        {
          values[index] = sqlite3_column_double (stmt, 1);
          if (counts != NULL)
            counts[index] += (guint) sqlite3_column_int64 (stmt, 2);
        }
      else
        counts[index] += (guint) sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE || care_store_set_error (self->store, rc, error);
}

static char *
iso_at (GDateTime *now, GTimeSpan back)
{
  g_autoptr (GDateTime) t = g_date_time_add (now, -back);
  return care_datetime_to_iso (t);
}

/* The first day of the month @months after today's. */
static void
month_start (CareDashboardStats *self, int months, GDate *out)
{
  *out = self->today;
  g_date_set_day (out, 1);
  if (months > 0)
    g_date_add_months (out, (guint) months);
  else if (months < 0)
    g_date_subtract_months (out, (guint) -months);
}

/* Overrides */

static void
care_dashboard_stats_dispose (GObject *object)
{
  CareDashboardStats *self = CARE_DASHBOARD_STATS (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->now, g_date_time_unref);

  G_OBJECT_CLASS (care_dashboard_stats_parent_class)->dispose (object);
}

static void
care_dashboard_stats_class_init (CareDashboardStatsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = care_dashboard_stats_dispose;
}

static void
care_dashboard_stats_init (CareDashboardStats *self)
{
}

/* Public API */

/**
 * care_dashboard_stats_new:
 * @now: the moment the figures are relative to; its time zone decides
 *   which day is today
 */
CareDashboardStats *
care_dashboard_stats_new (CareStore *store, GDateTime *now)
{
  CareDashboardStats *self;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  self = g_object_new (CARE_TYPE_DASHBOARD_STATS, NULL);
  self->store = g_object_ref (store);
  self->now = g_date_time_ref (now);
  g_date_clear (&self->today, 1);
  g_date_set_dmy (&self->today, (GDateDay) g_date_time_get_day_of_month (now),
                  (GDateMonth) g_date_time_get_month (now), (GDateYear) g_date_time_get_year (now));
  return self;
}

void
care_dashboard_stats_get_today (CareDashboardStats *self, GDate *today)
{
  g_return_if_fail (CARE_IS_DASHBOARD_STATS (self));
  *today = self->today;
}

/**
 * care_dashboard_stats_get_week_start:
 * @index: 0 for the oldest of @n_weeks weeks, @n_weeks - 1 for this week
 *
 * The Monday that starts week @index of care_dashboard_stats_cases_per_week().
 */
void
care_dashboard_stats_get_week_start (CareDashboardStats *self,
                                     guint               index,
                                     guint               n_weeks,
                                     GDate              *start)
{
  g_return_if_fail (CARE_IS_DASHBOARD_STATS (self));
  g_return_if_fail (index < n_weeks);

  *start = self->today;
  g_date_subtract_days (start, g_date_get_weekday (start) - G_DATE_MONDAY);
  g_date_subtract_days (start, 7 * (n_weeks - 1 - index));
}

/* The rows of @query, at most @limit of them, and in @out_total how many
 * match: the list a summary links to reads the same query. */
static GPtrArray *
find_query (
    CareDashboardStats *self, CareQuery *query, guint limit, guint *out_total, GError **error)
{
  if (out_total != NULL)
    {
      g_autoptr (GError) local_error = NULL;
      guint n = care_store_count (self->store, query, NULL, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      *out_total = n;
    }

  return care_store_find (self->store, query, 0, limit, NULL, error);
}

/**
 * care_dashboard_stats_appointments_today_query:
 * @technician_id: (nullable): only this technician's, or everyone's
 *
 * Returns: (transfer full): today's appointments that are not cancelled,
 * in the order of the day.
 */
CareQuery *
care_dashboard_stats_appointments_today_query (CareDashboardStats *self, const char *technician_id)
{
  CareQuery *q = care_query_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));
  g_autoptr (GDateTime) midnight = NULL;
  g_autoptr (GDateTime) next = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  g_return_val_if_fail (CARE_IS_DASHBOARD_STATS (self), q);

  midnight = g_date_time_new (g_date_time_get_timezone (self->now),
                              g_date_time_get_year (self->now), g_date_time_get_month (self->now),
                              g_date_time_get_day_of_month (self->now), 0, 0, 0);
  next = g_date_time_add_days (midnight, 1);
  from = care_datetime_to_iso (midnight);
  to = care_datetime_to_iso (next);
  care_query_add_string (q, "status", CARE_QUERY_NE, "cancelled");
  care_query_add_string (q, "start_at", CARE_QUERY_GE, from);
  care_query_add_string (q, "start_at", CARE_QUERY_LT, to);
  if (technician_id != NULL)
    care_query_add_string (q, "technician_id", CARE_QUERY_EQ, technician_id);
  care_query_set_order (q, "start_at", FALSE);
  return q;
}

/**
 * care_dashboard_stats_appointments_today:
 * @technician_id: (nullable): only this technician's, or everyone's
 *
 * Returns: (element-type CareRecord) (transfer full): the first @limit rows
 * of care_dashboard_stats_appointments_today_query().
 */
GPtrArray *
care_dashboard_stats_appointments_today (CareDashboardStats *self,
                                         const char         *technician_id,
                                         guint               limit,
                                         guint              *out_total,
                                         GError            **error)
{
  g_autoptr (CareQuery) q = NULL;

  g_return_val_if_fail (CARE_IS_DASHBOARD_STATS (self), NULL);

  q = care_dashboard_stats_appointments_today_query (self, technician_id);
  return find_query (self, q, limit, out_total, error);
}

/**
 * care_dashboard_stats_overdue_follow_ups_query:
 *
 * Returns: (transfer full): follow-up calls still planned whose time slot
 * is over, the longest overdue first.
 */
CareQuery *
care_dashboard_stats_overdue_follow_ups_query (CareDashboardStats *self)
{
  CareQuery       *q = care_query_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));
  g_autofree char *now = NULL;

  g_return_val_if_fail (CARE_IS_DASHBOARD_STATS (self), q);

  now = care_datetime_to_iso (self->now);
  care_query_add_string (q, "kind", CARE_QUERY_EQ, "follow_up_call");
  care_query_add_string (q, "status", CARE_QUERY_EQ, "planned");
  care_query_add_string (q, "start_at", CARE_QUERY_LT, now);
  care_query_add_string (q, "end_at", CARE_QUERY_LE, now);
  care_query_set_order (q, "start_at", FALSE);
  return q;
}

/**
 * care_dashboard_stats_overdue_follow_ups:
 *
 * Returns: (element-type CareRecord) (transfer full): the first @limit rows
 * of care_dashboard_stats_overdue_follow_ups_query().
 */
GPtrArray *
care_dashboard_stats_overdue_follow_ups (CareDashboardStats *self,
                                         guint               limit,
                                         guint              *out_total,
                                         GError            **error)
{
  g_autoptr (CareQuery) q = NULL;

  g_return_val_if_fail (CARE_IS_DASHBOARD_STATS (self), NULL);

  q = care_dashboard_stats_overdue_follow_ups_query (self);
  return find_query (self, q, limit, out_total, error);
}

/**
 * care_dashboard_stats_expiring_warranties_query:
 * @days: how far ahead: warranties ending from today to today + @days
 *
 * Returns: (transfer full): warranties whose cover lapses in that time (an
 * extension that carries on is not a lapse), the soonest first.
 */
CareQuery *
care_dashboard_stats_expiring_warranties_query (CareDashboardStats *self, guint days)
{
  CareQuery       *q = care_query_new (care_schema_entity (CARE_ENTITY_WARRANTY));
  GDate            until;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  g_return_val_if_fail (CARE_IS_DASHBOARD_STATS (self), q);

  until = self->today;
  g_date_add_days (&until, MIN (days, 3660));
  from = care_date_to_iso (&self->today);
  to = care_date_to_iso (&until);
  care_query_add_string (q, "end_date", CARE_QUERY_GE, from);
  care_query_add_string (q, "end_date", CARE_QUERY_LE, to);
  care_query_add_sql (q, CARE_WARRANTY_LAPSES_SQL);
  care_query_set_order (q, "end_date", FALSE);
  return q;
}

/**
 * care_dashboard_stats_expiring_warranties:
 * @days: how far ahead: warranties ending from today to today + @days
 *
 * Returns: (element-type CareRecord) (transfer full): the first @limit rows
 * of care_dashboard_stats_expiring_warranties_query().
 */
GPtrArray *
care_dashboard_stats_expiring_warranties (
    CareDashboardStats *self, guint days, guint limit, guint *out_total, GError **error)
{
  g_autoptr (CareQuery) q = NULL;

  g_return_val_if_fail (CARE_IS_DASHBOARD_STATS (self), NULL);

  q = care_dashboard_stats_expiring_warranties_query (self, days);
  return find_query (self, q, limit, out_total, error);
}

/**
 * care_dashboard_stats_case_age_query:
 * @age: which age
 *
 * Returns: (transfer full): open cases (open, in progress or waiting) of
 * that age in whole days (under 1, 1–7, 8–30, 31 and more), the newest
 * first.
 */
CareQuery *
care_dashboard_stats_case_age_query (CareDashboardStats *self, CareCaseAge age)
{
  /* The age's bounds, in days back from now: opened after the first (none
   * for -1), at or before the second (none for -1). */
  static const int bounds[CARE_CASE_AGE_N][2] = {
    [CARE_CASE_AGE_UNDER_DAY] = { 1, -1 },
    [CARE_CASE_AGE_WEEK] = { 8, 1 },
    [CARE_CASE_AGE_MONTH] = { 31, 8 },
    [CARE_CASE_AGE_OLDER] = { -1, 31 },
  };
  CareQuery *q = care_query_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));

  g_return_val_if_fail (CARE_IS_DASHBOARD_STATS (self), q);
  g_return_val_if_fail (age < CARE_CASE_AGE_N, q);

  care_query_add_in (q, "status", care_case_open_statuses ());
  if (bounds[age][0] >= 0)
    {
      g_autofree char *after = iso_at (self->now, bounds[age][0] * G_TIME_SPAN_DAY);
      care_query_add_string (q, "opened_at", CARE_QUERY_GT, after);
    }
  if (bounds[age][1] >= 0)
    {
      g_autofree char *until = iso_at (self->now, bounds[age][1] * G_TIME_SPAN_DAY);
      care_query_add_string (q, "opened_at", CARE_QUERY_LE, until);
    }
  care_query_set_order (q, "opened_at", TRUE);
  return q;
}

/**
 * care_dashboard_stats_case_ages:
 * @counts: (out caller-allocates): open cases by #CareCaseAge
 *
 * How many rows each care_dashboard_stats_case_age_query() has.
 */
gboolean
care_dashboard_stats_case_ages (CareDashboardStats *self,
                                guint               counts[CARE_CASE_AGE_N],
                                GError            **error)
{
  g_return_val_if_fail (CARE_IS_DASHBOARD_STATS (self), FALSE);

  for (guint i = 0; i < CARE_CASE_AGE_N; i++)
    counts[i] = 0;

  for (guint i = 0; i < CARE_CASE_AGE_N; i++)
    {
      g_autoptr (CareQuery) q = care_dashboard_stats_case_age_query (self, i);
      g_autoptr (GError) local_error = NULL;

      counts[i] = care_store_count (self->store, q, NULL, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * care_dashboard_stats_cases_per_week:
 * @n_weeks: how many weeks, this one the last
 * @opened: (out caller-allocates) (array length=n_weeks): cases opened each week
 * @resolved: (out caller-allocates) (array length=n_weeks): cases resolved
 *   (or closed) each week
 */
gboolean
care_dashboard_stats_cases_per_week (
    CareDashboardStats *self, guint n_weeks, guint *opened, guint *resolved, GError **error)
{
  GDate            first, end;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  const char      *params[2];

  g_return_val_if_fail (CARE_IS_DASHBOARD_STATS (self), FALSE);
  g_return_val_if_fail (n_weeks > 0 && n_weeks <= CARE_DASHBOARD_MAX_PERIODS, FALSE);

  memset (opened, 0, n_weeks * sizeof *opened);
  memset (resolved, 0, n_weeks * sizeof *resolved);

  care_dashboard_stats_get_week_start (self, 0, n_weeks, &first);
  care_dashboard_stats_get_week_start (self, n_weeks - 1, n_weeks, &end);
  g_date_add_days (&end, 7);
  from = care_date_to_iso (&first);
  to = care_date_to_iso (&end);
  params[0] = from;
  params[1] = to;

  return group_by_period (self,
                          "SELECT CAST(julianday(substr(opened_at, 1, 10)) - julianday(?1) AS "
                          "INTEGER) / 7 AS week, "
                          "count(*) FROM service_case WHERE " CARE_SQL_LIVE
                          " AND opened_at >= ?1 AND opened_at < ?2 "
                          "GROUP BY week",
                          params, 2, n_weeks, opened, NULL, error) &&
         group_by_period (self,
                          "SELECT CAST(julianday(substr(updated_at, 1, 10)) - julianday(?1) AS "
                          "INTEGER) / 7 AS week, "
                          "count(*) FROM service_case WHERE " CARE_SQL_LIVE
                          " AND status IN ('resolved', 'closed') "
                          "AND updated_at >= ?1 AND updated_at < ?2 GROUP BY week",
                          params, 2, n_weeks, resolved, NULL, error);
}

/**
 * care_dashboard_stats_satisfaction_per_month:
 * @n_months: how many months, this one the last
 * @average: (out caller-allocates) (array length=n_months): the average
 *   survey score (1 to 5) of each month, 0 for a month without answers
 * @n_answers: (out caller-allocates) (array length=n_months): how many
 *   surveys were answered each month
 */
gboolean
care_dashboard_stats_satisfaction_per_month (
    CareDashboardStats *self, guint n_months, double *average, guint *n_answers, GError **error)
{
  GDate            first, end;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *base = NULL;
  const char      *params[3];

  g_return_val_if_fail (CARE_IS_DASHBOARD_STATS (self), FALSE);
  g_return_val_if_fail (n_months > 0 && n_months <= CARE_DASHBOARD_MAX_PERIODS, FALSE);

  for (guint i = 0; i < n_months; i++)
    {
      average[i] = 0;
      n_answers[i] = 0;
    }

  month_start (self, -(int) (n_months - 1), &first);
  month_start (self, 1, &end);
  from = care_date_to_iso (&first);
  to = care_date_to_iso (&end);
  base = g_strdup_printf ("%d", g_date_get_year (&first) * 12 + g_date_get_month (&first) - 1);
  params[0] = from;
  params[1] = to;
  params[2] = base;

  return group_by_period (self,
                          "SELECT CAST(substr(answered_at, 1, 4) AS INTEGER) * 12 + "
                          "CAST(substr(answered_at, 6, 2) AS INTEGER) "
                          "- 1 - CAST(?3 AS INTEGER) AS month, avg(score), count(*) FROM survey "
                          "WHERE " CARE_SQL_LIVE
                          " AND answered_at >= ?1 AND answered_at < ?2 GROUP BY month",
                          params, 3, n_months, n_answers, average, error);
}

/**
 * care_dashboard_stats_expiring_per_month:
 * @n_months: how many months, this one (from today) the first
 * @counts: (out caller-allocates) (array length=n_months): warranties whose
 *   cover lapses each month
 */
gboolean
care_dashboard_stats_expiring_per_month (CareDashboardStats *self,
                                         guint               n_months,
                                         guint              *counts,
                                         GError            **error)
{
  GDate            first, end;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *base = NULL;
  g_autofree char *sql = NULL;
  const char      *params[3];

  g_return_val_if_fail (CARE_IS_DASHBOARD_STATS (self), FALSE);
  g_return_val_if_fail (n_months > 0 && n_months <= CARE_DASHBOARD_MAX_PERIODS, FALSE);

  memset (counts, 0, n_months * sizeof *counts);

  month_start (self, 0, &first);
  month_start (self, (int) n_months, &end);
  from = care_date_to_iso (&self->today);
  to = care_date_to_iso (&end);
  base = g_strdup_printf ("%d", g_date_get_year (&first) * 12 + g_date_get_month (&first) - 1);
  params[0] = from;
  params[1] = to;
  params[2] = base;

  sql = g_strdup_printf (
      "SELECT CAST(substr(end_date, 1, 4) AS INTEGER) * 12 "
      "+ CAST(substr(end_date, 6, 2) AS INTEGER) - 1 - CAST(?3 AS INTEGER) AS month, "
      "count(*) FROM warranty WHERE " LAPSING_WARRANTY " GROUP BY month",
      "<");
  return group_by_period (self, sql, params, 3, n_months, counts, NULL, error);
}
