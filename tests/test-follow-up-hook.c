/* test-follow-up-hook.c: the UI books a follow-up call on a change of status only. */
#include "config.h"

#include "care-clock.h"
#include "care-follow-up-hook.h"

typedef struct
{
  CareStore   *store;
  GSettings   *settings;
  CareContext *context;
  CareRecord  *customer;
} Fixture;

static CareRecord *
save (Fixture *fx, CareRecord *record)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (care_store_save (fx->store, record, &error));
  g_assert_no_error (error);
  return record;
}

static void
setup (Fixture *fx, gconstpointer data)
{
  fx->store = care_store_new (":memory:", NULL);
  fx->settings = g_settings_new ("io.github.aftercare.Aftercare");
  fx->context = care_context_new (fx->store, fx->settings);
  fx->customer = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  care_record_set_string (fx->customer, "kind", "person");
  care_record_set_string (fx->customer, "name", "Ana Silva");
  save (fx, fx->customer);
}

static void
teardown (Fixture *fx, gconstpointer data)
{
  g_settings_reset (fx->settings, "follow-up-days");
  g_clear_object (&fx->customer);
  g_clear_object (&fx->context);
  g_clear_object (&fx->settings);
  g_clear_object (&fx->store);
}

static CareRecord *
new_case (Fixture *fx, const char *status)
{
  CareRecord *c = care_record_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));

  care_record_set_string (c, "customer_id", care_record_get_id (fx->customer));
  care_record_set_string (c, "kind", "repair");
  care_record_set_string (c, "subject", "Door seal leaking");
  care_record_set_string (c, "opened_at", "2026-11-01T09:00:00Z");
  care_record_set_string (c, "priority", "normal");
  care_record_set_string (c, "status", status);
  return save (fx, c);
}

static char *
days_from_today (int days)
{
  g_autoptr (GDateTime) now = care_clock_now_local ();
  g_autoptr (GDateTime) then = g_date_time_add_days (now, days);

  return g_date_time_format (then, "%Y-%m-%d");
}

/* The local day of a stored instant, as the agenda shows it. */
static char *
local_day_of (const char *iso)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);
  g_autoptr (GDateTime) local = g_date_time_to_local (dt);

  return g_date_time_format (local, "%Y-%m-%d");
}

static void
test_resolving_books_with_the_setting (Fixture *fx, gconstpointer data)
{
  g_autoptr (CareRecord) c = new_case (fx, "in_progress");
  g_autoptr (CareRecord) call = NULL;
  g_autoptr (CareRecord) again = NULL;
  g_autofree char *expected = days_from_today (3);
  g_autofree char *text = NULL;
  g_autofree char *day = NULL;

  g_settings_set_int (fx->settings, "follow-up-days", 3);
  care_record_set_string (c, "status", "resolved");
  care_record_set_string (c, "resolution", "Replaced the seal");
  save (fx, c);

  call = care_follow_up_after_change (fx->context, "in_progress", c);
  g_assert_nonnull (call);
  g_assert_cmpstr (care_record_get_string (call, "kind"), ==, "follow_up_call");
  g_assert_cmpstr (care_record_get_string (call, "case_id"), ==, care_record_get_id (c));
  day = local_day_of (care_record_get_string (call, "start_at"));
  g_assert_cmpstr (day, ==, expected);
  text = care_follow_up_describe (call);
  g_assert_true (g_str_has_prefix (text, "Follow-up call booked for "));

  /* The same change reported twice books one call. */
  again = care_follow_up_after_change (fx->context, "waiting", c);
  g_assert_null (again);
}

static void
test_no_change_books_nothing (Fixture *fx, gconstpointer data)
{
  g_autoptr (CareRecord) c = new_case (fx, "resolved");
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));

  /* Editing an old resolved case (its status unchanged) must not book a call. */
  g_assert_null (care_follow_up_after_change (fx->context, "resolved", c));
  /* Nor does a step that is not resolving. */
  care_record_set_string (c, "status", "in_progress");
  save (fx, c);
  g_assert_null (care_follow_up_after_change (fx->context, "open", c));
  g_assert_cmpuint (care_store_count (fx->store, q, NULL, NULL), ==, 0);
}

static void
test_delivery_done (Fixture *fx, gconstpointer data)
{
  g_autoptr (CareRecord) visit = care_record_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));
  g_autoptr (CareRecord) repair = care_record_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));
  g_autoptr (CareRecord) call = NULL;

  care_record_set_string (visit, "kind", "delivery");
  care_record_set_string (visit, "customer_id", care_record_get_id (fx->customer));
  care_record_set_string (visit, "start_at", "2026-01-05T09:00:00Z");
  care_record_set_string (visit, "end_at", "2026-01-05T10:00:00Z");
  care_record_set_string (visit, "status", "done");
  save (fx, visit);

  call = care_follow_up_after_change (fx->context, "planned", visit);
  g_assert_nonnull (call);
  g_assert_cmpstr (care_record_get_string (call, "follow_up_of"), ==, care_record_get_id (visit));

  /* A repair visit done calls for no follow-up. */
  care_record_set_string (repair, "kind", "repair");
  care_record_set_string (repair, "customer_id", care_record_get_id (fx->customer));
  care_record_set_string (repair, "start_at", "2026-01-06T09:00:00Z");
  care_record_set_string (repair, "end_at", "2026-01-06T10:00:00Z");
  care_record_set_string (repair, "status", "done");
  save (fx, repair);
  g_assert_null (care_follow_up_after_change (fx->context, "planned", repair));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/follow-up-hook/resolving", Fixture, NULL, setup,
              test_resolving_books_with_the_setting, teardown);
  g_test_add ("/follow-up-hook/no-change", Fixture, NULL, setup, test_no_change_books_nothing,
              teardown);
  g_test_add ("/follow-up-hook/delivery", Fixture, NULL, setup, test_delivery_done, teardown);

  return g_test_run ();
}
