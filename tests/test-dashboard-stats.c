/* test-dashboard-stats.c: the Today page's lists and trends over fixed data and a fixed "now". */
#include "config.h"

#include "care-dashboard-stats.h"
#include "workflow-fixtures.h"

/* A Wednesday: its week starts on Monday 2026-11-23. */
#define NOW "2026-11-25T09:00:00Z"

static CareDashboardStats *
stats_at (CareStore *store, const char *now_iso)
{
  g_autoptr (GDateTime) now = fx_time (now_iso);

  return care_dashboard_stats_new (store, now);
}

/* Inserts @record as it was last changed at @updated_at, which a save
 * would set to the real time. */
static CareRecord *
insert_at (CareStore *store, CareRecord *record, const char *updated_at)
{
  g_autoptr (GError) error = NULL;

  care_record_set_timestamps (record, updated_at, updated_at);
  care_store_bulk_begin (store, NULL, &error);
  g_assert_no_error (error);
  care_store_bulk_insert (store, record, &error);
  g_assert_no_error (error);
  care_store_bulk_end (store, TRUE, &error);
  g_assert_no_error (error);
  return record;
}

static CareRecord *
new_case (CareStore  *store,
          CareRecord *customer,
          const char *opened_at,
          const char *status,
          const char *updated_at)
{
  CareRecord *c = care_record_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));

  care_record_set_string (c, "customer_id", care_record_get_id (customer));
  care_record_set_string (c, "kind", "repair");
  care_record_set_string (c, "subject", "Paper jam");
  care_record_set_string (c, "opened_at", opened_at);
  care_record_set_string (c, "priority", "normal");
  care_record_set_string (c, "status", status);
  return insert_at (store, c, updated_at);
}

static void
survey (CareStore *store, CareRecord *c, const char *answered_at, gint64 score)
{
  g_autoptr (CareRecord) s = care_record_new (care_schema_entity (CARE_ENTITY_SURVEY));

  care_record_set_string (s, "customer_id", care_record_get_string (c, "customer_id"));
  care_record_set_string (s, "case_id", care_record_get_id (c));
  care_record_set_string (s, "answered_at", answered_at);
  care_record_set_int (s, "score", score);
  fx_save (store, s);
}

static void
assert_ids (GPtrArray *records, CareRecord *first, ...)
{
  va_list     args;
  CareRecord *expected = first;
  guint       i = 0;

  va_start (args, first);
  for (; expected != NULL; expected = va_arg (args, CareRecord *), i++)
    {
      g_assert_cmpuint (i, <, records->len);
      g_assert_cmpstr (care_record_get_id (g_ptr_array_index (records, i)), ==,
                       care_record_get_id (expected));
    }
  va_end (args);
  g_assert_cmpuint (records->len, ==, i);
}

static void
test_empty (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareDashboardStats) stats = stats_at (store, NOW);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  guint  ages[CARE_CASE_AGE_N] = { 9, 9, 9, 9 };
  guint  opened[12], resolved[12], answers[12], expiring[12];
  double average[12];
  guint  total = 99;

  rows = care_dashboard_stats_appointments_today (stats, NULL, 10, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);
  g_assert_cmpuint (total, ==, 0);

  g_assert_true (care_dashboard_stats_case_ages (stats, ages, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < CARE_CASE_AGE_N; i++)
    g_assert_cmpuint (ages[i], ==, 0);

  g_assert_true (care_dashboard_stats_cases_per_week (stats, 12, opened, resolved, &error));
  g_assert_true (care_dashboard_stats_satisfaction_per_month (stats, 12, average, answers, &error));
  g_assert_true (care_dashboard_stats_expiring_per_month (stats, 12, expiring, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 12; i++)
    {
      g_assert_cmpuint (opened[i] + resolved[i] + answers[i] + expiring[i], ==, 0);
      g_assert_cmpfloat (average[i], ==, 0);
    }
}

static void
assign (CareStore *store, CareRecord *appointment, CareRecord *technician)
{
  care_record_set_string (appointment, "technician_id", care_record_get_id (technician));
  fx_save (store, appointment);
}

static void
test_appointments_today (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Ana Sousa");
  g_autoptr (CareRecord) eva = fx_staff (store, "Eva Kranjc", "technician");
  g_autoptr (CareRecord) rok = fx_staff (store, "Rok Zupan", "technician");
  g_autoptr (CareRecord) early = fx_appointment (
      store, customer, NULL, "repair", "2026-11-25T07:00:00Z", "2026-11-25T08:00:00Z", "done");
  g_autoptr (CareRecord) ten =
      fx_appointment (store, customer, NULL, "maintenance", "2026-11-25T10:00:00Z",
                      "2026-11-25T11:00:00Z", "planned");
  g_autoptr (CareRecord) other = fx_appointment (
      store, customer, NULL, "delivery", "2026-11-25T14:00:00Z", "2026-11-25T15:00:00Z", "planned");
  g_autoptr (CareRecord) cancelled = fx_appointment (
      store, customer, NULL, "repair", "2026-11-25T12:00:00Z", "2026-11-25T13:00:00Z", "cancelled");
  g_autoptr (CareRecord) yesterday = fx_appointment (
      store, customer, NULL, "repair", "2026-11-24T23:30:00Z", "2026-11-24T23:59:00Z", "planned");
  g_autoptr (CareRecord) tomorrow = fx_appointment (
      store, customer, NULL, "repair", "2026-11-26T00:00:00Z", "2026-11-26T01:00:00Z", "planned");
  g_autoptr (CareDashboardStats) stats = stats_at (store, NOW);
  g_autoptr (CareDashboardStats) lisbon_night = NULL;
  g_autoptr (GPtrArray) mine = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) first = NULL;
  g_autoptr (GPtrArray) nobody = NULL;
  g_autoptr (GPtrArray) east = NULL;
  g_autoptr (GError) error = NULL;
  guint total = 0;

  assign (store, early, eva);
  assign (store, ten, eva);
  assign (store, other, rok);
  assign (store, cancelled, eva);
  assign (store, yesterday, eva);
  assign (store, tomorrow, eva);

  mine =
      care_dashboard_stats_appointments_today (stats, care_record_get_id (eva), 10, &total, &error);
  g_assert_no_error (error);
  assert_ids (mine, early, ten, NULL);
  g_assert_cmpuint (total, ==, 2);

  /* Not signed in: everyone's. */
  all = care_dashboard_stats_appointments_today (stats, NULL, 10, &total, &error);
  g_assert_no_error (error);
  assert_ids (all, early, ten, other, NULL);
  g_assert_cmpuint (total, ==, 3);

  /* The list is bounded; the total is not. */
  first = care_dashboard_stats_appointments_today (stats, NULL, 1, &total, &error);
  g_assert_no_error (error);
  assert_ids (first, early, NULL);
  g_assert_cmpuint (total, ==, 3);

  /* A technician id that matches nobody, quotes and all, is bound, not spliced. */
  nobody = care_dashboard_stats_appointments_today (stats, "x' OR '1'='1", 10, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nobody->len, ==, 0);
  g_assert_cmpuint (total, ==, 0);

  /* "Today" is the local day: at 00:45 on the 25th two hours east of UTC,
   * 23:30 UTC on the 24th is today, and 22:00 UTC on the 25th is not. */
  {
    g_autoptr (GDateTime) now = fx_time ("2026-11-25T00:45:00+02:00");
    lisbon_night = care_dashboard_stats_new (store, now);
  }
  east = care_dashboard_stats_appointments_today (lisbon_night, care_record_get_id (eva), 10,
                                                  &total, &error);
  g_assert_no_error (error);
  assert_ids (east, yesterday, early, ten, NULL);
}

static void
test_overdue_follow_ups (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Camille Dubois");
  g_autoptr (CareRecord) last_week =
      fx_appointment (store, customer, NULL, "follow_up_call", "2026-11-18T10:00:00Z",
                      "2026-11-18T10:15:00Z", "planned");
  g_autoptr (CareRecord) this_morning =
      fx_appointment (store, customer, NULL, "follow_up_call", "2026-11-25T08:00:00Z",
                      "2026-11-25T08:15:00Z", "planned");
  g_autoptr (CareRecord) running =
      fx_appointment (store, customer, NULL, "follow_up_call", "2026-11-25T08:50:00Z",
                      "2026-11-25T09:05:00Z", "planned");
  g_autoptr (CareRecord) later =
      fx_appointment (store, customer, NULL, "follow_up_call", "2026-11-25T10:00:00Z",
                      "2026-11-25T10:15:00Z", "planned");
  g_autoptr (CareRecord) done =
      fx_appointment (store, customer, NULL, "follow_up_call", "2026-11-20T10:00:00Z",
                      "2026-11-20T10:15:00Z", "done");
  g_autoptr (CareRecord) repair = fx_appointment (
      store, customer, NULL, "repair", "2026-11-20T10:00:00Z", "2026-11-20T12:00:00Z", "planned");
  g_autoptr (CareRecord) deleted =
      fx_appointment (store, customer, NULL, "follow_up_call", "2026-11-19T10:00:00Z",
                      "2026-11-19T10:15:00Z", "planned");
  g_autoptr (CareDashboardStats) stats = stats_at (store, NOW);
  g_autoptr (GPtrArray) overdue = NULL;
  g_autoptr (GError) error = NULL;
  guint total = 0;

  care_store_delete (store, care_schema_entity (CARE_ENTITY_APPOINTMENT),
                     care_record_get_id (deleted), &error);
  g_assert_no_error (error);

  overdue = care_dashboard_stats_overdue_follow_ups (stats, 10, &total, &error);
  g_assert_no_error (error);
  assert_ids (overdue, last_week, this_morning, NULL);
  g_assert_cmpuint (total, ==, 2);
}

static void
test_expiring_warranties (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Rok Zupan");
  g_autoptr (CareRecord) p1 = fx_product (store, customer, "PRN-1");
  g_autoptr (CareRecord) p2 = fx_product (store, customer, "PRN-2");
  g_autoptr (CareRecord) p3 = fx_product (store, customer, "PRN-3");
  g_autoptr (CareRecord) p4 = fx_product (store, customer, "PRN-4");
  g_autoptr (CareRecord) p5 = fx_product (store, customer, "PRN-5");
  g_autoptr (CareRecord) p6 = fx_product (store, customer, "PRN-6");
  g_autoptr (CareRecord) today =
      fx_warranty (store, p1, "standard", "2024-11-25", "2026-11-25", TRUE, TRUE, 0);
  g_autoptr (CareRecord) day30 =
      fx_warranty (store, p2, "standard", "2024-12-25", "2026-12-25", TRUE, TRUE, 0);
  g_autoptr (CareRecord) day31 =
      fx_warranty (store, p3, "standard", "2024-12-26", "2026-12-26", TRUE, TRUE, 0);
  g_autoptr (CareRecord) expired =
      fx_warranty (store, p4, "standard", "2024-11-24", "2026-11-24", TRUE, TRUE, 0);
  g_autoptr (CareRecord) extended =
      fx_warranty (store, p5, "standard", "2024-12-01", "2026-12-01", TRUE, TRUE, 0);
  g_autoptr (CareRecord) extension =
      fx_warranty (store, p5, "extended", "2026-12-02", "2027-12-01", TRUE, TRUE, 0);
  g_autoptr (CareRecord) gone =
      fx_warranty (store, p6, "standard", "2024-12-01", "2026-12-01", TRUE, TRUE, 0);
  g_autoptr (CareRecord) next_year =
      fx_warranty (store, p4, "extended", "2026-11-01", "2027-10-31", TRUE, TRUE, 0);
  g_autoptr (CareRecord) too_far =
      fx_warranty (store, p3, "extended", "2027-11-01", "2027-11-01", TRUE, TRUE, 0);
  g_autoptr (CareDashboardStats) stats = stats_at (store, NOW);
  g_autoptr (GPtrArray) soon = NULL;
  g_autoptr (GError) error = NULL;
  guint total = 0;
  guint per_month[12];

  care_store_delete (store, care_schema_entity (CARE_ENTITY_WARRANTY), care_record_get_id (gone),
                     &error);
  g_assert_no_error (error);

  /* From today to 30 days on, both included; an extended one is no renewal. */
  soon = care_dashboard_stats_expiring_warranties (stats, 30, 10, &total, &error);
  g_assert_no_error (error);
  assert_ids (soon, today, day30, NULL);
  g_assert_cmpuint (total, ==, 2);

  /* November (from today) to October next year. */
  g_assert_true (care_dashboard_stats_expiring_per_month (stats, 12, per_month, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (per_month[0], ==, 1);  /* today */
  g_assert_cmpuint (per_month[1], ==, 2);  /* the 25th and the 26th of December */
  g_assert_cmpuint (per_month[11], ==, 1); /* 2027-10-31; the extension lapses in December 2027 */
  for (guint i = 2; i < 11; i++)
    g_assert_cmpuint (per_month[i], ==, 0);
  g_assert_nonnull (expired);
  g_assert_nonnull (extended);
  g_assert_nonnull (extension);
  g_assert_nonnull (next_year);
  g_assert_nonnull (too_far);
}

static void
test_case_ages (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Ana Sousa");
  const char *at = "2026-11-25T09:00:00Z";
  struct
  {
    const char *opened_at;
    const char *status;
  } cases[] = {
    { "2026-11-25T07:00:00Z", "open" },        /* 2 hours: under a day */
    { "2026-11-24T09:30:00Z", "waiting" },     /* 23.5 hours: under a day */
    { "2026-11-24T08:00:00Z", "in_progress" }, /* 1 day */
    { "2026-11-18T10:00:00Z", "open" },        /* 6.96 days */
    { "2026-11-17T08:00:00Z", "open" },        /* 8 days */
    { "2026-10-26T10:00:00Z", "waiting" },     /* 29.96 days */
    { "2026-10-25T08:00:00Z", "open" },        /* 31 days */
    { "2025-01-01T08:00:00Z", "open" },        /* long ago */
    { "2026-11-25T07:00:00Z", "resolved" },    /* not open */
    { "2026-10-01T07:00:00Z", "closed" },      /* not open */
  };
  g_autoptr (CareDashboardStats) stats = stats_at (store, NOW);
  g_autoptr (GError) error = NULL;
  guint ages[CARE_CASE_AGE_N];

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_object_unref (new_case (store, customer, cases[i].opened_at, cases[i].status, at));

  g_assert_true (care_dashboard_stats_case_ages (stats, ages, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ages[CARE_CASE_AGE_UNDER_DAY], ==, 2);
  g_assert_cmpuint (ages[CARE_CASE_AGE_WEEK], ==, 2);
  g_assert_cmpuint (ages[CARE_CASE_AGE_MONTH], ==, 2);
  g_assert_cmpuint (ages[CARE_CASE_AGE_OLDER], ==, 2);
}

static void
test_cases_per_week (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Ana Sousa");
  g_autoptr (CareDashboardStats) stats = stats_at (store, NOW);
  g_autoptr (GError) error = NULL;
  guint opened[12], resolved[12];
  GDate start;

  care_dashboard_stats_get_week_start (stats, 11, 12, &start);
  g_assert_cmpint (g_date_get_day (&start), ==, 23);
  care_dashboard_stats_get_week_start (stats, 0, 12, &start);
  g_assert_cmpint (g_date_get_month (&start), ==, G_DATE_SEPTEMBER);
  g_assert_cmpint (g_date_get_day (&start), ==, 7);

  g_object_unref (new_case (store, customer, "2026-11-23T00:00:00Z", "open",
                            "2026-11-23T00:00:00Z")); /* week 11 */
  g_object_unref (new_case (store, customer, "2026-11-22T23:59:00Z", "open",
                            "2026-11-24T10:00:00Z")); /* week 10 */
  g_object_unref (new_case (store, customer, "2026-09-07T00:00:00Z", "resolved",
                            "2026-11-24T10:00:00Z")); /* 0; 11 */
  g_object_unref (new_case (store, customer, "2026-09-06T23:59:00Z", "closed",
                            "2026-10-01T12:00:00Z")); /* -; 3 */
  g_object_unref (new_case (store, customer, "2026-11-30T09:00:00Z", "open",
                            "2026-11-30T09:00:00Z")); /* ahead */
  g_object_unref (new_case (store, customer, "2026-08-01T09:00:00Z", "closed",
                            "2026-08-02T09:00:00Z")); /* before */

  g_assert_true (care_dashboard_stats_cases_per_week (stats, 12, opened, resolved, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 12; i++)
    {
      g_assert_cmpuint (opened[i], ==, (i == 0 || i == 10 || i == 11) ? 1 : 0);
      g_assert_cmpuint (resolved[i], ==, i == 11 ? 1 : i == 3 ? 1 : 0);
    }
}

static void
test_satisfaction (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Ana Sousa");
  g_autoptr (CareRecord) c =
      new_case (store, customer, "2025-06-01T09:00:00Z", "closed", "2025-06-02T09:00:00Z");
  g_autoptr (CareDashboardStats) stats = stats_at (store, NOW);
  g_autoptr (GError) error = NULL;
  double average[12];
  guint  answers[12];

  survey (store, c, "2026-11-02T10:00:00Z", 5);
  survey (store, c, "2026-11-20T10:00:00Z", 3);
  survey (store, c, "2026-11-20T11:00:00Z", 4);
  survey (store, c, "2025-12-01T00:00:00Z", 2); /* the first month */
  survey (store, c, "2025-11-30T23:59:00Z", 1); /* before it */
  survey (store, c, "2026-06-15T12:00:00Z", 1);

  g_assert_true (care_dashboard_stats_satisfaction_per_month (stats, 12, average, answers, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (answers[11], ==, 3);
  g_assert_cmpfloat_with_epsilon (average[11], 4.0, 1e-9);
  g_assert_cmpuint (answers[0], ==, 1);
  g_assert_cmpfloat_with_epsilon (average[0], 2.0, 1e-9);
  g_assert_cmpuint (answers[6], ==, 1); /* June */
  g_assert_cmpfloat_with_epsilon (average[6], 1.0, 1e-9);
  for (guint i = 1; i < 11; i++)
    if (i != 6)
      {
        g_assert_cmpuint (answers[i], ==, 0);
        g_assert_cmpfloat (average[i], ==, 0);
      }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dashboard-stats/empty", test_empty);
  g_test_add_func ("/dashboard-stats/appointments-today", test_appointments_today);
  g_test_add_func ("/dashboard-stats/overdue-follow-ups", test_overdue_follow_ups);
  g_test_add_func ("/dashboard-stats/expiring-warranties", test_expiring_warranties);
  g_test_add_func ("/dashboard-stats/case-ages", test_case_ages);
  g_test_add_func ("/dashboard-stats/cases-per-week", test_cases_per_week);
  g_test_add_func ("/dashboard-stats/satisfaction", test_satisfaction);

  return g_test_run ();
}
