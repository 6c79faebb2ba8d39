/* care-dashboard-stats.h: what needs attention today, and the trends behind it. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

/* Open service cases by how long they have been open. */
typedef enum
{
  CARE_CASE_AGE_UNDER_DAY, /* opened less than a day ago */
  CARE_CASE_AGE_WEEK,      /* 1 to 7 days */
  CARE_CASE_AGE_MONTH,     /* 8 to 30 days */
  CARE_CASE_AGE_OLDER,     /* more than 30 days */
  CARE_CASE_AGE_N,
} CareCaseAge;

/* The most weeks or months one series covers. */
#define CARE_DASHBOARD_MAX_PERIODS 120

#define CARE_TYPE_DASHBOARD_STATS (care_dashboard_stats_get_type ())
G_DECLARE_FINAL_TYPE (CareDashboardStats, care_dashboard_stats, CARE, DASHBOARD_STATS, GObject)

CareDashboardStats *care_dashboard_stats_new (CareStore *store, GDateTime *now);
void                care_dashboard_stats_get_today (CareDashboardStats *self, GDate *today);
void                care_dashboard_stats_get_week_start (CareDashboardStats *self,
                                                         guint               index,
                                                         guint               n_weeks,
                                                         GDate              *start);

CareQuery *care_dashboard_stats_appointments_today_query (CareDashboardStats *self,
                                                          const char         *technician_id);
CareQuery *care_dashboard_stats_overdue_follow_ups_query (CareDashboardStats *self);
CareQuery *care_dashboard_stats_expiring_warranties_query (CareDashboardStats *self, guint days);
CareQuery *care_dashboard_stats_case_age_query (CareDashboardStats *self, CareCaseAge age);

GPtrArray *care_dashboard_stats_appointments_today (CareDashboardStats *self,
                                                    const char         *technician_id,
                                                    guint               limit,
                                                    guint              *out_total,
                                                    GError            **error);
GPtrArray *care_dashboard_stats_overdue_follow_ups (CareDashboardStats *self,
                                                    guint               limit,
                                                    guint              *out_total,
                                                    GError            **error);
GPtrArray *care_dashboard_stats_expiring_warranties (
    CareDashboardStats *self, guint days, guint limit, guint *out_total, GError **error);
gboolean care_dashboard_stats_case_ages (CareDashboardStats *self,
                                         guint               counts[CARE_CASE_AGE_N],
                                         GError            **error);
gboolean care_dashboard_stats_cases_per_week (
    CareDashboardStats *self, guint n_weeks, guint *opened, guint *resolved, GError **error);
gboolean care_dashboard_stats_satisfaction_per_month (
    CareDashboardStats *self, guint n_months, double *average, guint *n_answers, GError **error);
gboolean care_dashboard_stats_expiring_per_month (CareDashboardStats *self,
                                                  guint               n_months,
                                                  guint              *counts,
                                                  GError            **error);

G_END_DECLS
