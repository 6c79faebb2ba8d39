/* test-sla.c: service level timers: policies, pauses, first responses, hostile input. */
#include "config.h"

#include "care-case.h"
#include "care-clock.h"
#include "care-query.h"
#include "care-sla.h"

#define MINUTE 60
#define HOUR   3600

#define CUSTOMER   "00000000-0000-4000-8000-000000000001"
#define OTHER      "00000000-0000-4000-8000-000000000002"
#define CASE_ID    "00000000-0000-4000-8000-0000000000c1"
#define OTHER_CASE "00000000-0000-4000-8000-0000000000c2"

static gint64
at (const char *iso)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

static void
assert_instant (gint64 got, const char *expected)
{
  if (got != at (expected))
    {
      g_autoptr (GDateTime) dt =
          got == CARE_WORKING_TIME_NEVER ? NULL : g_date_time_new_from_unix_utc (got);
      g_autofree char *text = dt != NULL ? g_date_time_format_iso8601 (dt) : g_strdup ("never");

      g_error ("got %s, expected %s", text, expected);
    }
}

static char *
iso (const char *with_offset)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (at (with_offset));

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static CareRecord *
calendar_record (const char *zone, const char *country)
{
  CareRecord *c = care_record_new (care_schema_entity (CARE_ENTITY_WORKING_CALENDAR));
  const char *days[] = { "monday", "tuesday", "wednesday", "thursday", "friday" };

  care_record_set_string (c, "name", "Office");
  care_record_set_string (c, "time_zone", zone);
  care_record_set_string (c, "holidays", country);
  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    care_record_set_string (c, days[i], "09:00-12:30, 13:30-18:00");
  return c;
}

static CareWorkingCalendar *
office (const char *zone, const char *country)
{
  g_autoptr (CareRecord) record = calendar_record (zone, country);
  g_autoptr (GError) error = NULL;
  CareWorkingCalendar *cal = care_sla_calendar_new (record, NULL, &error);

  g_assert_no_error (error);
  return cal;
}

static CareRecord *
policy (gint64 first_response_minutes, gint64 resolution_minutes)
{
  CareRecord *p = care_record_new (care_schema_entity (CARE_ENTITY_SLA_POLICY));

  care_record_set_string (p, "name", "Policy");
  care_record_set_int (p, "first_response_minutes", first_response_minutes);
  care_record_set_int (p, "resolution_minutes", resolution_minutes);
  return p;
}

static CareRecord *
new_case (const char *opened_at, const char *status)
{
  CareRecord *c = care_record_new_with_id (care_schema_entity (CARE_ENTITY_SERVICE_CASE), CASE_ID);
  g_autofree char *opened = iso (opened_at);

  care_record_set_string (c, "customer_id", CUSTOMER);
  care_record_set_string (c, "kind", "repair");
  care_record_set_string (c, "subject", "Printer jams");
  care_record_set_string (c, "opened_at", opened);
  care_record_set_string (c, "priority", "normal");
  care_record_set_string (c, "channel", "phone");
  care_record_set_string (c, "status", status);
  return c;
}

static void
add_change (GPtrArray *changes, const char *case_id, const char *status, const char *when)
{
  CareRecord      *c = care_record_new (care_schema_entity (CARE_ENTITY_CASE_STATUS_CHANGE));
  g_autofree char *text = iso (when);

  care_record_set_string (c, "case_id", case_id);
  care_record_set_string (c, "status", status);
  care_record_set_string (c, "changed_at", text);
  g_ptr_array_add (changes, c);
}

static void
add_call (GPtrArray  *calls,
          const char *customer_id,
          const char *case_id,
          const char *outcome,
          const char *when)
{
  CareRecord      *c = care_record_new (care_schema_entity (CARE_ENTITY_CALL_LOG));
  g_autofree char *text = iso (when);

  care_record_set_string (c, "customer_id", customer_id);
  care_record_set_string (c, "case_id", case_id);
  care_record_set_string (c, "called_at", text);
  care_record_set_string (c, "direction", "outbound");
  care_record_set_string (c, "subject", "About the printer");
  care_record_set_string (c, "outcome", outcome);
  g_ptr_array_add (calls, c);
}

static GPtrArray *
records (void)
{
  return g_ptr_array_new_with_free_func (g_object_unref);
}

/* Opened on Monday 7 December 2026 at 10:00 in Lisbon (UTC in winter);
 * Tuesday 8 December is a holiday there. One hour to respond, eight to
 * resolve. */
static void
test_states (void)
{
  g_autoptr (CareWorkingCalendar) cal = office ("Europe/Lisbon", "PT");
  g_autoptr (CareRecord) p = policy (60, 480);
  g_autoptr (CareRecord) c = new_case ("2026-12-07T10:00:00Z", "open");
  g_autoptr (CareSla) s1 = NULL;
  g_autoptr (CareSla) s2 = NULL;
  g_autoptr (CareSla) s3 = NULL;
  g_autoptr (CareSla) s4 = NULL;

  s1 = care_sla_compute (c, p, cal, NULL, NULL, at ("2026-12-07T10:30:00Z"));
  g_assert_cmpint (s1->first_response.state, ==, CARE_SLA_STATE_ON_TRACK);
  g_assert_cmpint (s1->first_response.target, ==, HOUR);
  g_assert_cmpint (s1->first_response.used, ==, 30 * MINUTE);
  g_assert_cmpint (s1->first_response.left, ==, 30 * MINUTE);
  g_assert_cmpint (s1->first_response.done_at, ==, CARE_SLA_NOT_YET);
  assert_instant (s1->first_response.due, "2026-12-07T11:00:00Z");
  /* Seven hours on Monday, none on the holiday, one on Wednesday. */
  assert_instant (s1->resolution.due, "2026-12-09T10:00:00Z");
  g_assert_cmpint (s1->resolution.state, ==, CARE_SLA_STATE_ON_TRACK);
  g_assert_false (s1->paused);
  g_assert_cmpint (care_sla_get_state (s1), ==, CARE_SLA_STATE_ON_TRACK);
  assert_instant (care_sla_get_next_due (s1), "2026-12-07T11:00:00Z");

  /* Ten minutes left of sixty: less than 20%. Twelve left is exactly 20%. */
  s2 = care_sla_compute (c, p, cal, NULL, NULL, at ("2026-12-07T10:50:00Z"));
  g_assert_cmpint (s2->first_response.state, ==, CARE_SLA_STATE_AT_RISK);
  g_assert_cmpint (care_sla_get_state (s2), ==, CARE_SLA_STATE_AT_RISK);
  s3 = care_sla_compute (c, p, cal, NULL, NULL, at ("2026-12-07T10:48:00Z"));
  g_assert_cmpint (s3->first_response.state, ==, CARE_SLA_STATE_ON_TRACK);

  /* On Wednesday at noon: both late; the first response by seven hours
   * of working time, still due when it was. */
  s4 = care_sla_compute (c, p, cal, NULL, NULL, at ("2026-12-09T12:00:00Z"));
  g_assert_cmpint (s4->first_response.state, ==, CARE_SLA_STATE_BREACHED);
  g_assert_cmpint (s4->first_response.used, ==, 10 * HOUR);
  g_assert_cmpint (s4->first_response.left, ==, -9 * HOUR);
  assert_instant (s4->first_response.due, "2026-12-07T11:00:00Z");
  g_assert_cmpint (s4->resolution.state, ==, CARE_SLA_STATE_BREACHED);
  assert_instant (s4->resolution.due, "2026-12-09T10:00:00Z");
  g_assert_cmpint (care_sla_get_state (s4), ==, CARE_SLA_STATE_BREACHED);
  g_assert_cmpstr (care_sla_state_key (care_sla_get_state (s4)), ==, "breached");
  g_assert_nonnull (care_sla_state_label (CARE_SLA_STATE_AT_RISK));
}

static void
test_met (void)
{
  g_autoptr (CareWorkingCalendar) cal = office ("Europe/Lisbon", "PT");
  g_autoptr (CareRecord) p = policy (60, 480);
  g_autoptr (CareRecord) c = new_case ("2026-12-07T10:00:00Z", "resolved");
  g_autoptr (GPtrArray) changes = records ();
  g_autoptr (CareSla) sla = NULL;
  g_autoptr (CareSla) late = NULL;

  add_change (changes, CASE_ID, "resolved", "2026-12-07T16:00:00Z");
  add_change (changes, CASE_ID, "in_progress", "2026-12-07T10:20:00Z");
  sla = care_sla_compute (c, p, cal, changes, NULL, at ("2026-12-10T12:00:00Z"));
  g_assert_cmpint (sla->first_response.state, ==, CARE_SLA_STATE_MET);
  g_assert_cmpint (sla->first_response.used, ==, 20 * MINUTE);
  assert_instant (sla->first_response.done_at, "2026-12-07T10:20:00Z");
  g_assert_cmpint (sla->resolution.state, ==, CARE_SLA_STATE_MET);
  g_assert_cmpint (sla->resolution.used, ==, 5 * HOUR);
  assert_instant (sla->resolution.done_at, "2026-12-07T16:00:00Z");
  g_assert_cmpint (care_sla_get_state (sla), ==, CARE_SLA_STATE_MET);
  g_assert_cmpint (care_sla_get_next_due (sla), ==, CARE_WORKING_TIME_NEVER);

  /* Resolved on Wednesday at 11:00: nine hours, late. */
  care_record_set_string (c, "status", "closed");
  g_ptr_array_set_size (changes, 0);
  add_change (changes, CASE_ID, "in_progress", "2026-12-07T10:20:00Z");
  add_change (changes, CASE_ID, "resolved", "2026-12-09T11:00:00Z");
  add_change (changes, CASE_ID, "closed", "2026-12-09T12:00:00Z");
  late = care_sla_compute (c, p, cal, changes, NULL, at ("2026-12-10T12:00:00Z"));
  g_assert_cmpint (late->resolution.state, ==, CARE_SLA_STATE_BREACHED);
  g_assert_cmpint (late->resolution.used, ==, 9 * HOUR);
  assert_instant (late->resolution.done_at, "2026-12-09T11:00:00Z");
  g_assert_cmpint (late->first_response.state, ==, CARE_SLA_STATE_MET);
  g_assert_cmpint (care_sla_get_state (late), ==, CARE_SLA_STATE_BREACHED);
}

/* Waiting on the customer stops the clock; working again starts it. */
static void
test_pauses (void)
{
  g_autoptr (CareWorkingCalendar) cal = office ("Europe/Lisbon", "PT");
  g_autoptr (CareRecord) p = policy (60, 480);
  g_autoptr (CareRecord) c = new_case ("2026-12-07T10:00:00Z", "in_progress");
  g_autoptr (GPtrArray) changes = records ();
  g_autoptr (CareSla) after = NULL;
  g_autoptr (CareSla) during = NULL;
  g_autoptr (CareSla) reopened = NULL;
  const CareSlaPause *pause;

  add_change (changes, CASE_ID, "in_progress", "2026-12-07T10:20:00Z");
  add_change (changes, CASE_ID, "waiting", "2026-12-07T11:00:00Z");
  add_change (changes, CASE_ID, "in_progress", "2026-12-07T14:00:00Z");

  after = care_sla_compute (c, p, cal, changes, NULL, at ("2026-12-07T15:00:00Z"));
  g_assert_cmpint (after->resolution.used, ==, 2 * HOUR);
  g_assert_false (after->paused);
  g_assert_cmpuint (after->pauses->len, ==, 1);
  pause = &g_array_index (after->pauses, CareSlaPause, 0);
  assert_instant (pause->start, "2026-12-07T11:00:00Z");
  assert_instant (pause->end, "2026-12-07T14:00:00Z");
  /* Six hours left from 15:00: three on Monday, three on Wednesday. */
  assert_instant (after->resolution.due, "2026-12-09T12:00:00Z");

  /* At noon, while waiting: one hour used, the clock stands still, and
   * the due instant is where it would be if it ran on from now. */
  care_record_set_string (c, "status", "waiting");
  g_ptr_array_remove_index (changes, 2);
  during = care_sla_compute (c, p, cal, changes, NULL, at ("2026-12-07T12:00:00Z"));
  g_assert_true (during->paused);
  g_assert_cmpint (during->resolution.used, ==, HOUR);
  g_assert_cmpint (during->resolution.state, ==, CARE_SLA_STATE_ON_TRACK);
  g_assert_cmpuint (during->pauses->len, ==, 1);
  g_assert_cmpint (g_array_index (during->pauses, CareSlaPause, 0).end, ==, CARE_SLA_NOT_YET);
  assert_instant (during->resolution.due, "2026-12-09T11:00:00Z");
  /* Still waiting two days later: nothing more used. */
  g_clear_pointer (&during, care_sla_free);
  during = care_sla_compute (c, p, cal, changes, NULL, at ("2026-12-10T12:00:00Z"));
  g_assert_cmpint (during->resolution.used, ==, HOUR);

  /* Resolved at 16:00 after the pause, reopened on Wednesday at 10:00:
   * the clock runs again from there. */
  care_record_set_string (c, "status", "in_progress");
  add_change (changes, CASE_ID, "in_progress", "2026-12-07T14:00:00Z");
  add_change (changes, CASE_ID, "resolved", "2026-12-07T16:00:00Z");
  add_change (changes, CASE_ID, "in_progress", "2026-12-09T10:00:00Z");
  reopened = care_sla_compute (c, p, cal, changes, NULL, at ("2026-12-09T11:00:00Z"));
  g_assert_cmpint (reopened->resolution.used, ==, 4 * HOUR);
  g_assert_cmpint (reopened->resolution.done_at, ==, CARE_SLA_NOT_YET);
  g_assert_cmpint (reopened->resolution.state, ==, CARE_SLA_STATE_ON_TRACK);
}

/* A case moved by a client that kept no history: the move counts from
 * the case's last change. */
static void
test_missing_history (void)
{
  g_autoptr (CareWorkingCalendar) cal = office ("Europe/Lisbon", "PT");
  g_autoptr (CareRecord) p = policy (60, 480);
  g_autoptr (CareRecord) c = new_case ("2026-12-07T10:00:00Z", "waiting");
  g_autoptr (CareSla) sla = NULL;

  care_record_set_timestamps (c, "2026-12-07T10:00:00Z", "2026-12-07T11:00:00Z");
  sla = care_sla_compute (c, p, cal, NULL, NULL, at ("2026-12-07T15:00:00Z"));
  g_assert_true (sla->paused);
  g_assert_cmpint (sla->resolution.used, ==, HOUR);
  /* The move is a response too. */
  assert_instant (sla->first_response.done_at, "2026-12-07T11:00:00Z");
  g_assert_cmpint (sla->first_response.state, ==, CARE_SLA_STATE_MET);
}

static void
test_first_response_by_call (void)
{
  g_autoptr (CareWorkingCalendar) cal = office ("Europe/Lisbon", "PT");
  g_autoptr (CareRecord) p = policy (60, 480);
  g_autoptr (CareRecord) c = new_case ("2026-12-07T10:00:00Z", "open");
  g_autoptr (GPtrArray) calls = records ();
  g_autoptr (CareSla) none = NULL;
  g_autoptr (CareSla) linked = NULL;
  g_autoptr (CareSla) unlinked = NULL;

  /* None of these is a response: before opening, nobody answered,
   * another customer, another case. */
  add_call (calls, CUSTOMER, CASE_ID, "information_given", "2026-12-07T09:59:00Z");
  add_call (calls, CUSTOMER, CASE_ID, "no_answer", "2026-12-07T10:05:00Z");
  add_call (calls, OTHER, NULL, "information_given", "2026-12-07T10:06:00Z");
  add_call (calls, CUSTOMER, OTHER_CASE, "information_given", "2026-12-07T10:07:00Z");
  none = care_sla_compute (c, p, cal, NULL, calls, at ("2026-12-07T10:50:00Z"));
  g_assert_cmpint (none->first_response.done_at, ==, CARE_SLA_NOT_YET);
  g_assert_cmpint (none->first_response.state, ==, CARE_SLA_STATE_AT_RISK);

  add_call (calls, CUSTOMER, CASE_ID, "callback_needed", "2026-12-07T10:40:00Z");
  linked = care_sla_compute (c, p, cal, NULL, calls, at ("2026-12-07T12:00:00Z"));
  assert_instant (linked->first_response.done_at, "2026-12-07T10:40:00Z");
  g_assert_cmpint (linked->first_response.state, ==, CARE_SLA_STATE_MET);
  g_assert_cmpint (linked->resolution.done_at, ==, CARE_SLA_NOT_YET);

  /* A call on no case, with the customer, counts too. */
  add_call (calls, CUSTOMER, NULL, "information_given", "2026-12-07T10:30:00Z");
  unlinked = care_sla_compute (c, p, cal, NULL, calls, at ("2026-12-07T12:00:00Z"));
  assert_instant (unlinked->first_response.done_at, "2026-12-07T10:30:00Z");
}

/* Opened on a Saturday evening: the clock starts on Monday at 09:00. */
static void
test_opened_outside_hours (void)
{
  g_autoptr (CareWorkingCalendar) cal = office ("Europe/Lisbon", "PT");
  g_autoptr (CareRecord) p = policy (60, 480);
  g_autoptr (CareRecord) c = new_case ("2026-12-05T20:00:00Z", "open");
  g_autoptr (CareSla) sunday = NULL;
  g_autoptr (CareSla) monday = NULL;

  sunday = care_sla_compute (c, p, cal, NULL, NULL, at ("2026-12-06T23:00:00Z"));
  g_assert_cmpint (sunday->first_response.used, ==, 0);
  assert_instant (sunday->first_response.due, "2026-12-07T10:00:00Z");
  monday = care_sla_compute (c, p, cal, NULL, NULL, at ("2026-12-07T09:30:00Z"));
  g_assert_cmpint (monday->first_response.used, ==, 30 * MINUTE);
  assert_instant (monday->resolution.due, "2026-12-07T18:00:00Z");
}

/* Another policy for the case (or its targets edited): the same hours
 * used, new targets. */
static void
test_policy_change (void)
{
  g_autoptr (CareWorkingCalendar) cal = office ("Europe/Lisbon", "PT");
  g_autoptr (CareRecord) strict = policy (60, 480);
  g_autoptr (CareRecord) lenient = policy (240, 2400);
  g_autoptr (CareRecord) c = new_case ("2026-12-07T10:00:00Z", "open");
  gint64 now = at ("2026-12-07T11:30:00Z");
  g_autoptr (CareSla) a = care_sla_compute (c, strict, cal, NULL, NULL, now);
  g_autoptr (CareSla) b = care_sla_compute (c, lenient, cal, NULL, NULL, now);
  g_autoptr (CareSla) edited = NULL;

  g_assert_cmpint (a->first_response.state, ==, CARE_SLA_STATE_BREACHED);
  g_assert_cmpint (b->first_response.state, ==, CARE_SLA_STATE_ON_TRACK);
  g_assert_cmpint (a->first_response.used, ==, b->first_response.used);
  assert_instant (b->first_response.due, "2026-12-07T15:00:00Z");
  g_assert_cmpstr (b->policy_id, ==, care_record_get_id (lenient));

  care_record_set_int (strict, "first_response_minutes", 120);
  edited = care_sla_compute (c, strict, cal, NULL, NULL, now);
  g_assert_cmpint (edited->first_response.state, ==, CARE_SLA_STATE_ON_TRACK);
  assert_instant (edited->first_response.due, "2026-12-07T12:00:00Z");
}

/* The same timers across a daylight saving change and in three zones. */
static void
test_zones (void)
{
  g_autoptr (CareWorkingCalendar) lisbon = office ("Europe/Lisbon", "PT");
  g_autoptr (CareWorkingCalendar) sofia = office ("Europe/Sofia", "BG");
  g_autoptr (CareWorkingCalendar) sao_paulo = office ("America/Sao_Paulo", "BR");
  g_autoptr (CareRecord) p = policy (120, 480);
  g_autoptr (CareRecord) spring = new_case ("2027-03-26T17:00:00Z", "open");
  g_autoptr (CareRecord) easter = new_case ("2027-04-30T10:00:00+03:00", "open");
  g_autoptr (CareRecord) brazil = new_case ("2026-11-19T17:00:00-03:00", "open");
  g_autoptr (CareSla) a =
      care_sla_compute (spring, p, lisbon, NULL, NULL, at ("2027-03-26T17:30:00Z"));
  g_autoptr (CareSla) b =
      care_sla_compute (easter, p, sofia, NULL, NULL, at ("2027-04-30T12:00:00Z"));
  g_autoptr (CareSla) c =
      care_sla_compute (brazil, p, sao_paulo, NULL, NULL, at ("2026-11-19T21:00:00Z"));

  /* Opened on Good Friday, 26 March 2027, before the clocks go forward on
   * Sunday: two hours from Monday 09:00 WEST. */
  assert_instant (a->first_response.due, "2027-03-29T11:00:00+01:00");
  g_assert_cmpint (a->first_response.used, ==, 0);
  /* Orthodox Good Friday, Holy Saturday with Labour Day, Easter, its
   * Monday, and the day off for Labour Day: Wednesday 5 May. */
  assert_instant (b->first_response.due, "2027-05-05T11:00:00+03:00");
  assert_instant (b->resolution.due, "2027-05-05T18:00:00+03:00");
  g_assert_cmpint (b->first_response.used, ==, 0);
  /* Black Consciousness Day on Friday 20 November 2026. */
  assert_instant (c->first_response.due, "2026-11-23T10:00:00-03:00");
}

static void
test_hostile (void)
{
  g_autoptr (CareWorkingCalendar) cal = office ("Europe/Lisbon", "PT");
  g_autoptr (CareWorkingCalendar) never = care_working_calendar_new ("Europe/Lisbon", NULL);
  g_autoptr (CareRecord) c = new_case ("2026-12-07T10:00:00Z", "open");
  g_autoptr (GPtrArray) changes = records ();
  gint64 now = at ("2026-12-07T10:30:00Z");
  gint64 bad_targets[][2] = { { 0, 480 }, { 60, 0 }, { -5, 480 }, { 60, -1 }, { G_MININT64, 1 } };

  for (guint i = 0; i < G_N_ELEMENTS (bad_targets); i++)
    {
      g_autoptr (CareRecord) p = policy (bad_targets[i][0], bad_targets[i][1]);
      g_autoptr (CareSla) sla = care_sla_compute (c, p, cal, NULL, NULL, now);

      g_assert_cmpint (care_sla_get_state (sla), ==, CARE_SLA_STATE_NONE);
      g_assert_cmpint (care_sla_get_next_due (sla), ==, CARE_WORKING_TIME_NEVER);
    }

  /* A huge target is capped at ten years of working minutes: on track. */
  {
    g_autoptr (CareRecord) p = policy (G_MAXINT64, G_MAXINT64);
    g_autoptr (CareSla) sla = care_sla_compute (c, p, cal, NULL, NULL, now);

    g_assert_cmpint (sla->resolution.state, ==, CARE_SLA_STATE_ON_TRACK);
    g_assert_cmpint (sla->resolution.target, ==, G_GINT64_CONSTANT (5256000) * 60);
    g_assert_cmpint (sla->resolution.due, >, at ("2060-01-01T00:00:00Z"));
  }

  /* No policy, no calendar, a calendar that never works, no opening. */
  {
    g_autoptr (CareRecord) p = policy (60, 480);
    g_autoptr (CareRecord) unopened = new_case ("2026-12-07T10:00:00Z", "open");
    g_autoptr (CareSla) s1 = care_sla_compute (c, NULL, cal, NULL, NULL, now);
    g_autoptr (CareSla) s2 = care_sla_compute (c, p, NULL, NULL, NULL, now);
    g_autoptr (CareSla) s3 = care_sla_compute (c, p, never, NULL, NULL, now);
    g_autoptr (CareSla) s4 = NULL;
    g_autoptr (JsonNode) json = NULL;

    care_record_set_string (unopened, "opened_at", NULL);
    s4 = care_sla_compute (unopened, p, cal, NULL, NULL, now);
    g_assert_cmpint (care_sla_get_state (s1), ==, CARE_SLA_STATE_NONE);
    g_assert_null (s1->policy_id);
    g_assert_cmpint (care_sla_get_state (s2), ==, CARE_SLA_STATE_NONE);
    g_assert_cmpint (care_sla_get_state (s3), ==, CARE_SLA_STATE_NONE);
    g_assert_cmpint (care_sla_get_state (s4), ==, CARE_SLA_STATE_NONE);
    json = care_sla_to_json (s3);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "state"), ==,
                     "none");
  }

  /* History that cannot be used is left out: another case's, a time that
   * cannot be read, a change in the future, one before the opening
   * (counted from the opening). */
  {
    g_autoptr (CareRecord) p = policy (60, 480);
    g_autoptr (CareSla) sla = NULL;
    CareRecord *junk;

    add_change (changes, OTHER_CASE, "waiting", "2026-12-07T10:05:00Z");
    add_change (changes, CASE_ID, "waiting", "2026-12-08T10:05:00Z");
    junk = care_record_new (care_schema_entity (CARE_ENTITY_CASE_STATUS_CHANGE));
    care_record_set_string (junk, "case_id", CASE_ID);
    care_record_set_string (junk, "status", "waiting");
    care_record_set_string (junk, "changed_at", "yesterday");
    g_ptr_array_add (changes, junk);
    add_change (changes, CASE_ID, "open", "2026-12-06T10:05:00Z");
    sla = care_sla_compute (c, p, cal, changes, NULL, now);
    g_assert_false (sla->paused);
    g_assert_cmpint (sla->resolution.used, ==, 30 * MINUTE);
    /* A change to "open" is no response. */
    g_assert_cmpint (sla->first_response.done_at, ==, CARE_SLA_NOT_YET);
  }

  /* The epoch is an instant like any other, not "not yet". */
  {
    g_autoptr (CareRecord) p = policy (60, 480);
    g_autoptr (CareRecord) epoch = new_case ("1970-01-01T00:00:00Z", "in_progress");
    g_autoptr (GPtrArray) moves = records ();
    g_autoptr (CareSla) sla = NULL;

    add_change (moves, CASE_ID, "in_progress", "1970-01-01T00:00:00Z");
    sla = care_sla_compute (epoch, p, cal, moves, NULL, at ("1970-01-02T00:00:00Z"));
    g_assert_cmpint (sla->first_response.done_at, ==, 0);
    g_assert_cmpint (sla->first_response.state, ==, CARE_SLA_STATE_MET);
  }

  /* A clock before the opening counts nothing. */
  {
    g_autoptr (CareRecord) p = policy (60, 480);
    g_autoptr (CareSla) sla = care_sla_compute (c, p, cal, NULL, NULL, at ("2020-01-01T00:00:00Z"));

    g_assert_cmpint (sla->first_response.used, ==, 0);
    g_assert_cmpint (sla->first_response.state, ==, CARE_SLA_STATE_ON_TRACK);
  }

  /* A calendar record that cannot be read. */
  {
    g_autoptr (CareRecord) bad = calendar_record ("Europe/Lisbon", "PT");
    g_autoptr (CareRecord) zone = calendar_record ("Mars/Olympus_Mons", NULL);
    g_autoptr (CareRecord) country = calendar_record ("Europe/Lisbon", "XX");
    g_autoptr (GError) error = NULL;

    care_record_set_string (bad, "monday", "9 to 5");
    g_assert_null (care_sla_calendar_new (bad, NULL, &error));
    g_assert_error (error, CARE_WORKING_TIME_ERROR, CARE_WORKING_TIME_ERROR_HOURS);
    g_clear_error (&error);
    g_assert_null (care_sla_calendar_new (zone, NULL, &error));
    g_assert_error (error, CARE_WORKING_TIME_ERROR, CARE_WORKING_TIME_ERROR_TIME_ZONE);
    g_clear_error (&error);
    g_assert_null (care_sla_calendar_new (country, NULL, &error));
    g_assert_error (error, CARE_WORKING_TIME_ERROR, CARE_WORKING_TIME_ERROR_HOLIDAYS);
  }
}

static CareRecord *
criteria (const char *id, const char *kind, const char *priority, const char *channel, gint64 res)
{
  CareRecord *p = care_record_new_with_id (care_schema_entity (CARE_ENTITY_SLA_POLICY), id);

  care_record_set_string (p, "name", id);
  care_record_set_string (p, "warranty_kind", kind);
  care_record_set_string (p, "priority", priority);
  care_record_set_string (p, "channel", channel);
  care_record_set_int (p, "first_response_minutes", 60);
  care_record_set_int (p, "resolution_minutes", res);
  return p;
}

static void
test_match (void)
{
  g_autoptr (GPtrArray) policies = records ();
  g_autoptr (CareRecord) c = new_case ("2026-12-07T10:00:00Z", "open");
  CareRecord *disabled;

#define ANY     "00000000-0000-4000-8000-0000000000a1"
#define URGENT  "00000000-0000-4000-8000-0000000000a2"
#define URGENT2 "00000000-0000-4000-8000-0000000000a3"
#define CONTR   "00000000-0000-4000-8000-0000000000a4"
#define PHONE   "00000000-0000-4000-8000-0000000000a5"
#define NOWARR  "00000000-0000-4000-8000-0000000000a6"
#define OFF     "00000000-0000-4000-8000-0000000000a7"
  g_ptr_array_add (policies, criteria (ANY, NULL, NULL, NULL, 2400));
  g_ptr_array_add (policies, criteria (URGENT2, NULL, "urgent", NULL, 480));
  g_ptr_array_add (policies, criteria (URGENT, NULL, "urgent", NULL, 480));
  g_ptr_array_add (policies, criteria (CONTR, "maintenance_contract", "urgent", NULL, 240));
  g_ptr_array_add (policies, criteria (PHONE, NULL, NULL, "email", 960));
  g_ptr_array_add (policies, criteria (NOWARR, "none", NULL, NULL, 4800));
  disabled = criteria (OFF, "maintenance_contract", "urgent", "phone", 60);
  care_record_set_bool (disabled, "disabled", TRUE);
  g_ptr_array_add (policies, disabled);

  /* Normal priority on the phone with a standard warranty: only the
   * catch-all matches. */
  g_assert_cmpstr (care_record_get_id (care_sla_match_policy (policies, c, "standard")), ==, ANY);
  /* Without a warranty: the policy for cases without one. NULL is none. */
  g_assert_cmpstr (care_record_get_id (care_sla_match_policy (policies, c, "none")), ==, NOWARR);
  g_assert_cmpstr (care_record_get_id (care_sla_match_policy (policies, c, NULL)), ==, NOWARR);
  /* Urgent: two as specific and as strict; the smaller id, on every device. */
  care_record_set_string (c, "priority", "urgent");
  g_assert_cmpstr (care_record_get_id (care_sla_match_policy (policies, c, "standard")), ==,
                   URGENT);
  /* Urgent under a maintenance contract: the most specific, and the
   * disabled one, more specific still, is skipped. */
  g_assert_cmpstr (care_record_get_id (care_sla_match_policy (policies, c, "maintenance_contract")),
                   ==, CONTR);
  /* By email: as specific as "urgent"; the stricter resolution wins. */
  care_record_set_string (c, "priority", "high");
  care_record_set_string (c, "channel", "email");
  g_assert_cmpstr (care_record_get_id (care_sla_match_policy (policies, c, "extended")), ==, PHONE);
  /* Nothing matches: none. */
  g_ptr_array_remove_index (policies, 0);
  care_record_set_string (c, "channel", "web");
  g_assert_null (care_sla_match_policy (policies, c, "extended"));
  g_assert_null (care_sla_match_policy (NULL, c, "extended"));
}

static CareRecord *
warranty (const char *kind, const char *start, const char *end)
{
  CareRecord *w = care_record_new (care_schema_entity (CARE_ENTITY_WARRANTY));

  care_record_set_string (w, "kind", kind);
  care_record_set_string (w, "start_date", start);
  care_record_set_string (w, "end_date", end);
  return w;
}

static void
test_warranty_kind (void)
{
  g_autoptr (GPtrArray) warranties = records ();

  g_ptr_array_add (warranties, warranty ("standard", "2025-01-01", "2027-01-01"));
  g_ptr_array_add (warranties, warranty ("maintenance_contract", "2026-06-01", "2026-12-31"));
  g_ptr_array_add (warranties, warranty ("extended", "2027-01-02", "2029-01-01"));
  g_ptr_array_add (warranties, warranty ("extended", NULL, NULL));

  g_assert_cmpstr (care_sla_warranty_kind (warranties, "2026-12-07T10:00:00Z"), ==,
                   "maintenance_contract");
  g_assert_cmpstr (care_sla_warranty_kind (warranties, "2027-01-01T23:59:59Z"), ==, "standard");
  g_assert_cmpstr (care_sla_warranty_kind (warranties, "2027-01-02T00:00:00Z"), ==, "extended");
  g_assert_cmpstr (care_sla_warranty_kind (warranties, "2024-12-31T10:00:00Z"), ==, "none");
  g_assert_cmpstr (care_sla_warranty_kind (NULL, "2026-12-07T10:00:00Z"), ==, "none");
  g_assert_cmpstr (care_sla_warranty_kind (warranties, NULL), ==, "none");
  g_assert_cmpstr (care_sla_warranty_kind (warranties, "2026"), ==, "none");
}

static void
save (CareStore *store, CareRecord *record)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (care_store_save (store, record, &error));
  g_assert_no_error (error);
}

/* Through the store, as the views call it, with the clock frozen. */
static void
test_store (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CareStore) store = care_store_new (":memory:", &error);
  g_autoptr (CareRecord) customer =
      care_record_new_with_id (care_schema_entity (CARE_ENTITY_CUSTOMER), CUSTOMER);
  g_autoptr (CareRecord) cal = calendar_record ("Europe/Lisbon", "PT");
  g_autoptr (CareRecord) closure =
      care_record_new (care_schema_entity (CARE_ENTITY_CALENDAR_CLOSURE));
  g_autoptr (CareRecord) general = policy (60, 480);
  g_autoptr (CareRecord) urgent = policy (30, 240);
  g_autoptr (CareRecord) c = new_case ("2026-12-07T10:00:00Z", "open");
  g_autoptr (CareRecord) change = NULL;
  g_autoptr (CareSla) sla = NULL;
  g_autoptr (CareSla) later = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autoptr (GDateTime) frozen = g_date_time_new_from_unix_utc (at ("2026-12-07T10:10:00Z"));
  g_autoptr (GDateTime) later_now = g_date_time_new_from_unix_utc (at ("2026-12-10T10:00:00Z"));
  g_autoptr (GDateTime) end_now = g_date_time_new_from_unix_utc (at ("2026-12-10T11:00:00Z"));
  JsonObject *obj, *fr;

  g_assert_no_error (error);
  care_clock_freeze (frozen);

  care_record_set_string (customer, "kind", "company");
  care_record_set_string (customer, "name", "Gráfica Lda");
  save (store, customer);
  save (store, cal);
  /* Closed on Wednesday 9 December too. */
  care_record_set_string (closure, "calendar_id", care_record_get_id (cal));
  care_record_set_string (closure, "name", "Inventory");
  care_record_set_string (closure, "start_date", "2026-12-09");
  care_record_set_string (closure, "end_date", "2026-12-09");
  save (store, closure);
  care_record_set_string (general, "calendar_id", care_record_get_id (cal));
  care_record_set_string (urgent, "calendar_id", care_record_get_id (cal));
  care_record_set_string (urgent, "priority", "urgent");
  save (store, general);
  save (store, urgent);

  g_assert_true (care_sla_choose_policy (store, c, &error));
  g_assert_cmpstr (care_record_get_string (c, "sla_policy_id"), ==, care_record_get_id (general));
  care_record_set_string (c, "priority", "urgent");
  g_assert_true (care_sla_choose_policy (store, c, &error));
  g_assert_cmpstr (care_record_get_string (c, "sla_policy_id"), ==, care_record_get_id (urgent));
  save (store, c);

  sla = care_sla_load (store, c, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sla->now, ==, at ("2026-12-07T10:10:00Z"));
  g_assert_cmpint (sla->first_response.used, ==, 10 * MINUTE);
  /* Four hours from 10:00: 12:30 and 15:00, on Monday. */
  assert_instant (sla->resolution.due, "2026-12-07T15:00:00Z");

  /* Moved to waiting at 10:10 and still waiting on Thursday: a response,
   * and ten minutes used. */
  care_record_set_string (c, "status", "in_progress");
  g_assert_true (care_case_transition (c, "waiting", NULL, &error));
  change = care_sla_new_status_change (c, NULL);
  g_assert_cmpstr (care_record_get_string (change, "changed_at"), ==, "2026-12-07T10:10:00Z");
  g_assert_cmpstr (care_record_get_string (change, "status"), ==, "waiting");
  save (store, c);
  save (store, change);
  care_clock_freeze (later_now);
  later = care_sla_load (store, c, &error);
  g_assert_no_error (error);
  g_assert_true (later->paused);
  g_assert_cmpint (later->first_response.state, ==, CARE_SLA_STATE_MET);
  g_assert_cmpint (later->resolution.used, ==, 10 * MINUTE);
  /* From Thursday 10:00, 3h50 left: Thursday 13:50 (the 8th a holiday,
   * the 9th closed do not matter any more). */
  assert_instant (later->resolution.due, "2026-12-10T14:50:00Z");

  json = care_sla_to_json (later);
  obj = json_node_get_object (json);
  g_assert_cmpstr (json_object_get_string_member (obj, "policy_id"), ==,
                   care_record_get_id (urgent));
  g_assert_true (json_object_get_boolean_member (obj, "paused"));
  fr = json_object_get_object_member (obj, "first_response");
  g_assert_cmpstr (json_object_get_string_member (fr, "state"), ==, "met");
  g_assert_cmpstr (json_object_get_string_member (fr, "done_at"), ==, "2026-12-07T10:10:00Z");
  g_assert_cmpint (json_object_get_int_member (fr, "target_seconds"), ==, 30 * MINUTE);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj, "pauses")), ==, 1);

  /* Back to work on Thursday at 10:00, saved as a view saves a case: the
   * move is recorded with it; saving again without a move records none. */
  g_assert_true (care_case_transition (c, "in_progress", NULL, &error));
  g_assert_true (care_sla_save_case (store, c, "waiting", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (care_sla_save_case (store, c, "in_progress", NULL, &error));
  {
    g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CASE_STATUS_CHANGE));

    g_assert_cmpint (care_store_count (store, q, NULL, &error), ==, 2);
  }
  care_clock_freeze (end_now);
  g_clear_pointer (&later, care_sla_free);
  later = care_sla_load (store, c, &error);
  g_assert_false (later->paused);
  g_assert_cmpint (later->resolution.used, ==, 70 * MINUTE);
  g_assert_cmpuint (later->pauses->len, ==, 1);

  /* A policy that is gone: no timers, no error. */
  care_record_set_string (c, "sla_policy_id", OTHER_CASE);
  g_clear_pointer (&later, care_sla_free);
  later = care_sla_load (store, c, &error);
  g_assert_no_error (error);
  g_assert_cmpint (care_sla_get_state (later), ==, CARE_SLA_STATE_NONE);
}

/* Moves saved within one second keep their order: each is stamped a
 * second after the last (the ids, random, would otherwise decide). */
static void
test_moves_in_one_second (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CareStore) store = care_store_new (":memory:", &error);
  g_autoptr (CareRecord) cal = calendar_record ("Europe/Sofia", "BG");
  g_autoptr (CareRecord) standard = policy (240, 2400);
  g_autoptr (CareRecord) customer =
      care_record_new_with_id (care_schema_entity (CARE_ENTITY_CUSTOMER), CUSTOMER);
  g_autoptr (GDateTime) frozen = g_date_time_new_from_unix_utc (at ("2026-12-07T10:00:00Z"));
  g_autoptr (GDateTime) later = g_date_time_new_from_unix_utc (at ("2026-12-07T11:00:00Z"));

  g_assert_no_error (error);
  care_record_set_string (customer, "kind", "company");
  care_record_set_string (customer, "name", "Печатница ООД");
  save (store, customer);
  save (store, cal);
  care_record_set_string (standard, "calendar_id", care_record_get_id (cal));
  save (store, standard);

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr (CareRecord) c = care_record_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));
      g_autoptr (CareSla) sla = NULL;
      g_autoptr (CareQuery) q =
          care_query_new (care_schema_entity (CARE_ENTITY_CASE_STATUS_CHANGE));
      g_autoptr (GPtrArray) moves = NULL;

      care_record_set_string (c, "customer_id", CUSTOMER);
      care_record_set_string (c, "kind", "repair");
      care_record_set_string (c, "subject", "Printer jams");
      care_record_set_string (c, "opened_at", "2026-12-07T09:00:00Z");
      care_record_set_string (c, "priority", "normal");
      care_record_set_string (c, "status", "open");
      care_record_set_string (c, "sla_policy_id", care_record_get_id (standard));
      care_clock_freeze (frozen);
      care_sla_save_case (store, c, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (care_case_transition (c, "in_progress", NULL, &error));
      g_assert_true (care_sla_save_case (store, c, "open", NULL, &error));
      g_assert_true (care_case_transition (c, "waiting", NULL, &error));
      g_assert_true (care_sla_save_case (store, c, "in_progress", NULL, &error));
      g_assert_no_error (error);

      care_query_add_string (q, "case_id", CARE_QUERY_EQ, care_record_get_id (c));
      care_query_set_order (q, "changed_at", FALSE);
      moves = care_store_find (store, q, 0, 10, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (moves->len, ==, 3);
      g_assert_cmpstr (care_record_get_string (g_ptr_array_index (moves, 0), "changed_at"), ==,
                       "2026-12-07T10:00:00Z");
      g_assert_cmpstr (care_record_get_string (g_ptr_array_index (moves, 2), "status"), ==,
                       "waiting");
      g_assert_cmpstr (care_record_get_string (g_ptr_array_index (moves, 2), "changed_at"), ==,
                       "2026-12-07T10:00:02Z");

      care_clock_freeze (later);
      sla = care_sla_load (store, c, &error);
      g_assert_no_error (error);
      g_assert_true (sla->paused);
      g_assert_cmpuint (sla->pauses->len, ==, 1);
    }
}

static CareRecord *
saved_case (CareStore *store, const char *opened_at, const char *status, CareRecord *policy)
{
  CareRecord      *c = care_record_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));
  g_autofree char *opened = iso (opened_at);

  care_record_set_string (c, "customer_id", CUSTOMER);
  care_record_set_string (c, "kind", "question");
  care_record_set_string (c, "subject", opened_at);
  care_record_set_string (c, "opened_at", opened);
  care_record_set_string (c, "priority", "normal");
  care_record_set_string (c, "status", status);
  if (policy != NULL)
    care_record_set_string (c, "sla_policy_id", care_record_get_id (policy));
  save (store, c);
  return c;
}

/* The open cases at risk or breached, the worst first, as a list filters. */
static void
test_list_open (void)
{
  g_autoptr (CareStore) store = care_store_new (":memory:", NULL);
  g_autoptr (CareRecord) customer =
      care_record_new_with_id (care_schema_entity (CARE_ENTITY_CUSTOMER), CUSTOMER);
  g_autoptr (CareRecord) cal = calendar_record ("Europe/Lisbon", "PT");
  g_autoptr (CareRecord) p = policy (60, 480);
  g_autoptr (GDateTime) now = g_date_time_new_from_unix_utc (at ("2026-12-07T12:00:00Z"));
  g_autoptr (CareRecord) late = NULL;
  g_autoptr (CareRecord) later = NULL;
  g_autoptr (CareRecord) risky = NULL;
  g_autoptr (CareRecord) fine = NULL;
  g_autoptr (CareRecord) done = NULL;
  g_autoptr (CareRecord) none = NULL;
  g_autoptr (GPtrArray) bad = NULL;
  g_autoptr (GPtrArray) breached = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GError) error = NULL;

  care_clock_freeze (now);
  care_record_set_string (customer, "kind", "person");
  care_record_set_string (customer, "name", "Ana Sousa");
  save (store, customer);
  save (store, cal);
  care_record_set_string (p, "calendar_id", care_record_get_id (cal));
  save (store, p);
  /* Opened at 10:10 and 10:00: both late for a first response at noon,
   * the one due at 11:00 first. At 11:10: ten minutes left. At 11:50:
   * fifty. Resolved, and without a policy: not listed. */
  later = saved_case (store, "2026-12-07T10:10:00Z", "open", p);
  late = saved_case (store, "2026-12-07T10:00:00Z", "open", p);
  risky = saved_case (store, "2026-12-07T11:10:00Z", "open", p);
  fine = saved_case (store, "2026-12-07T11:50:00Z", "open", p);
  done = saved_case (store, "2026-12-07T09:00:00Z", "closed", p);
  none = saved_case (store, "2026-12-07T08:00:00Z", "open", NULL);

  bad = care_sla_list_open (store, CARE_SLA_STATE_AT_RISK, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bad->len, ==, 3);
  g_assert_cmpstr (((CareSlaEntry *) g_ptr_array_index (bad, 0))->case_id, ==,
                   care_record_get_id (late));
  g_assert_cmpstr (((CareSlaEntry *) g_ptr_array_index (bad, 1))->case_id, ==,
                   care_record_get_id (later));
  g_assert_cmpstr (((CareSlaEntry *) g_ptr_array_index (bad, 2))->case_id, ==,
                   care_record_get_id (risky));
  breached = care_sla_list_open (store, CARE_SLA_STATE_BREACHED, 100, &error);
  g_assert_cmpuint (breached->len, ==, 2);
  all = care_sla_list_open (store, CARE_SLA_STATE_NONE, 100, &error);
  g_assert_cmpuint (all->len, ==, 4);
  g_assert_cmpstr (((CareSlaEntry *) g_ptr_array_index (all, 3))->case_id, ==,
                   care_record_get_id (fine));
}

/* The dashboard's share of targets met per month the cases were opened:
 * decided timers only (met, or breached), none from before the window. */
static void
test_met_per_month (void)
{
  g_autoptr (CareStore) store = care_store_new (":memory:", NULL);
  g_autoptr (CareRecord) customer =
      care_record_new_with_id (care_schema_entity (CARE_ENTITY_CUSTOMER), CUSTOMER);
  g_autoptr (CareRecord) cal = calendar_record ("Europe/Lisbon", "PT");
  g_autoptr (CareRecord) p = policy (60, 480);
  g_autoptr (GDateTime) now = g_date_time_new_from_unix_utc (at ("2026-12-07T12:00:00Z"));
  g_autoptr (CareRecord) late = NULL;
  g_autoptr (CareRecord) later = NULL;
  g_autoptr (CareRecord) risky = NULL;
  g_autoptr (CareRecord) answered = NULL;
  g_autoptr (CareRecord) old = NULL;
  g_autoptr (CareRecord) change = NULL;
  g_autoptr (GError) error = NULL;
  guint first_met[12], first_n[12], res_met[12], res_n[12];
  GDate today;

  care_clock_freeze (now);
  g_date_set_dmy (&today, 7, G_DATE_DECEMBER, 2026);
  care_record_set_string (customer, "kind", "person");
  care_record_set_string (customer, "name", "Ana Sousa");
  save (store, customer);
  save (store, cal);
  care_record_set_string (p, "calendar_id", care_record_get_id (cal));
  save (store, p);
  /* December: two first responses breached, one at risk (not decided). */
  late = saved_case (store, "2026-12-07T10:00:00Z", "open", p);
  later = saved_case (store, "2026-12-07T10:10:00Z", "open", p);
  risky = saved_case (store, "2026-12-07T11:10:00Z", "open", p);
  /* November: answered within the hour, never resolved. */
  answered = saved_case (store, "2026-11-30T10:00:00Z", "in_progress", p);
  change = care_record_new (care_schema_entity (CARE_ENTITY_CASE_STATUS_CHANGE));
  care_record_set_string (change, "case_id", care_record_get_id (answered));
  care_record_set_string (change, "status", "in_progress");
  care_record_set_string (change, "changed_at", "2026-11-30T10:30:00Z");
  save (store, change);
  /* Thirteen months ago: outside the window. */
  old = saved_case (store, "2025-11-03T10:00:00Z", "open", p);

  g_assert_true (
      care_sla_met_per_month (store, &today, 12, 1000, first_met, first_n, res_met, res_n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (first_n[11], ==, 2);
  g_assert_cmpuint (first_met[11], ==, 0);
  g_assert_cmpuint (first_n[10], ==, 1);
  g_assert_cmpuint (first_met[10], ==, 1);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (first_n[i] + res_n[i], ==, 0);
  /* A week later its eight working hours to resolve are long gone. */
  g_assert_cmpuint (res_n[10], ==, 1);
  g_assert_cmpuint (res_met[10], ==, 0);
  /* In December none of the resolutions is decided yet. */
  g_assert_cmpuint (res_n[11], ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sla/states", test_states);
  g_test_add_func ("/sla/met", test_met);
  g_test_add_func ("/sla/pauses", test_pauses);
  g_test_add_func ("/sla/moves-in-one-second", test_moves_in_one_second);
  g_test_add_func ("/sla/missing-history", test_missing_history);
  g_test_add_func ("/sla/first-response-by-call", test_first_response_by_call);
  g_test_add_func ("/sla/opened-outside-hours", test_opened_outside_hours);
  g_test_add_func ("/sla/policy-change", test_policy_change);
  g_test_add_func ("/sla/zones", test_zones);
  g_test_add_func ("/sla/hostile", test_hostile);
  g_test_add_func ("/sla/match", test_match);
  g_test_add_func ("/sla/warranty-kind", test_warranty_kind);
  g_test_add_func ("/sla/store", test_store);
  g_test_add_func ("/sla/list-open", test_list_open);
  g_test_add_func ("/sla/met-per-month", test_met_per_month);

  return g_test_run ();
}
