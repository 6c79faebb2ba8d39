/* care-sla.c: service level timers of a case, the same on every client and the server.
 *
 * A policy promises a first response and a resolution within so many
 * working minutes of a working calendar (care-working-time.c). The figures
 * are a pure function of synced records and one instant, "now" from the
 * one clock (care-clock.c), so every client and the server compute the
 * same ones:
 *
 * - The policy is chosen when the case opens (care_sla_match_policy ())
 *   and kept in the case's sla_policy_id. Every criterion a policy sets
 *   (warranty kind, priority, channel) must equal the case's; an unset one
 *   matches any case. The policy that sets the most criteria wins; among
 *   as specific ones, the smaller resolution target (the stricter
 *   promise), then the smaller first-response target, then the smaller id,
 *   so that every device picks the same. Disabled policies are skipped.
 *
 * - The clocks run from opened_at while the case is open or in progress,
 *   stand still while it is waiting (on the customer), and stop when it is
 *   resolved or closed; a case reopened runs again. The statuses come from
 *   the case's status changes (case_status_change records). If the case's
 *   current status is not the last one recorded (it was moved by a client
 *   that predates the history), the move is taken to have happened at the
 *   case's updated_at.
 *
 * - The first response is the first status change after opening (to any
 *   status but "open"), or the
 *   first call logged at or after opened_at that was on the case (its
 *   case_id), or on none and with the same customer; a call nobody
 *   answered ("no_answer") is no response. The resolution is the last
 *   move to resolved (or closed) of a case that is resolved or closed now.
 *
 * - A timer is breached once its working time used reaches its target, at
 *   risk while less than 20% of it is left, and met when done in time.
 *   A policy whose targets are not positive, or whose calendar never
 *   works, gives no timer (CARE_SLA_STATE_NONE) rather than a wrong one. */
#define G_LOG_DOMAIN "care-sla"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "care-case.h"
#include "care-clock.h"
#include "care-holidays.h"
#include "care-query.h"
#include "care-sla.h"

/* The largest target honoured, in working seconds: the schema's ten
 * years of minutes. */
#define MAX_TARGET (G_GINT64_CONSTANT (5256000) * 60)
/* At most this many records of one kind are read for a case. */
#define MAX_ROWS 10000

static const char *const weekday_fields[] = { "monday", "tuesday",  "wednesday", "thursday",
                                              "friday", "saturday", "sunday" };

typedef struct
{
  gint64      at;
  const char *status;
  const char *id;
} Step;

void
care_sla_free (CareSla *sla)
{
  if (sla == NULL)
    return;
  g_free (sla->policy_id);
  g_clear_pointer (&sla->pauses, g_array_unref);
  g_free (sla);
}

/* The worse of the two timers' states: what a list shows and filters by. */
CareSlaState
care_sla_get_state (const CareSla *sla)
{
  g_return_val_if_fail (sla != NULL, CARE_SLA_STATE_NONE);
  return MAX (sla->first_response.state, sla->resolution.state);
}

/* The earliest due instant of a timer still under way or breached and
 * not done: what a list sorts by ("what is due first"); G_MAXINT64 when
 * nothing is due. */
gint64
care_sla_get_next_due (const CareSla *sla)
{
  const CareSlaTimer *timers[2];
  gint64              due = CARE_WORKING_TIME_NEVER;

  g_return_val_if_fail (sla != NULL, CARE_WORKING_TIME_NEVER);
  timers[0] = &sla->first_response;
  timers[1] = &sla->resolution;
  for (guint i = 0; i < 2; i++)
    if (timers[i]->state != CARE_SLA_STATE_NONE && timers[i]->done_at == CARE_SLA_NOT_YET)
      due = MIN (due, timers[i]->due);
  return due;
}

/* The state as the protocol writes it. */
const char *
care_sla_state_key (CareSlaState state)
{
  switch (state)
    {
    case CARE_SLA_STATE_MET:
      return "met";
    case CARE_SLA_STATE_ON_TRACK:
      return "on_track";
    case CARE_SLA_STATE_AT_RISK:
      return "at_risk";
    case CARE_SLA_STATE_BREACHED:
      return "breached";
    case CARE_SLA_STATE_NONE:
    default:
      return "none";
    }
}

/* The state as the user reads it. */
const char *
care_sla_state_label (CareSlaState state)
{
  switch (state)
    {
    case CARE_SLA_STATE_MET:
      return C_ ("service level", "Met");
    case CARE_SLA_STATE_ON_TRACK:
      return C_ ("service level", "On track");
    case CARE_SLA_STATE_AT_RISK:
      return C_ ("service level", "At risk");
    case CARE_SLA_STATE_BREACHED:
      return C_ ("service level", "Breached");
    case CARE_SLA_STATE_NONE:
    default:
      return C_ ("service level", "No service level");
    }
}

static gboolean
parse_instant (const char *iso, gint64 *out)
{
  g_autoptr (GTimeZone) utc = NULL;
  g_autoptr (GDateTime) dt = NULL;

  if (iso == NULL)
    return FALSE;
  utc = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (iso, utc);
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt);
  return *out >= CARE_WORKING_TIME_MIN && *out < CARE_WORKING_TIME_MAX;
}

/**
 * care_sla_calendar_new:
 * @calendar: a working_calendar record
 * @closures: (nullable) (element-type CareRecord): its calendar_closure
 *   records
 *
 * The working calendar @calendar describes: its hours, its country's
 * public holidays and its closures. Fails on a time zone or hours it
 * cannot read; a closure it cannot read is left out.
 */
CareWorkingCalendar *
care_sla_calendar_new (CareRecord *calendar, GPtrArray *closures, GError **error)
{
  g_autoptr (CareWorkingCalendar) cal = NULL;
  const char *country;

  g_return_val_if_fail (CARE_IS_RECORD (calendar), NULL);
  g_return_val_if_fail (
      care_record_get_entity (calendar) == care_schema_entity (CARE_ENTITY_WORKING_CALENDAR), NULL);

  cal = care_working_calendar_new (care_record_get_string (calendar, "time_zone"), error);
  if (cal == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (weekday_fields); i++)
    if (!care_working_calendar_set_hours (cal, (GDateWeekday) (G_DATE_MONDAY + i),
                                          care_record_get_string (calendar, weekday_fields[i]),
                                          error))
      return NULL;

  country = care_record_get_string (calendar, "holidays");
  if (country != NULL &&
      !care_working_calendar_add_holidays (
          cal, country, care_record_get_bool (calendar, "optional_holidays"), error))
    return NULL;

  for (guint i = 0; closures != NULL && i < closures->len; i++)
    {
      CareRecord *closure = g_ptr_array_index (closures, i);
      g_autoptr (GError) local_error = NULL;

      if (g_strcmp0 (care_record_get_string (closure, "calendar_id"),
                     care_record_get_id (calendar)) != 0)
        continue;
      if (!care_working_calendar_close_days (cal, care_record_get_string (closure, "start_date"),
                                             care_record_get_string (closure, "end_date"),
                                             &local_error))
        g_debug ("Closure %s left out: %s", care_record_get_id (closure), local_error->message);
    }
  return g_steal_pointer (&cal);
}

static int
kind_rank (const char *kind)
{
  if (g_strcmp0 (kind, "maintenance_contract") == 0)
    return 3;
  if (g_strcmp0 (kind, "extended") == 0)
    return 2;
  if (g_strcmp0 (kind, "standard") == 0)
    return 1;
  return 0;
}

/**
 * care_sla_warranty_kind:
 * @warranties: (element-type CareRecord): the warranties of the case's product
 * @opened_at: when the case opened, UTC "YYYY-MM-DDTHH:MM:SSZ"
 *
 * The kind of warranty a case is under, as policies match it: of the
 * warranties in force on the day it opened (in UTC, so that every device
 * agrees), the one that covers most (a maintenance contract, then an
 * extended warranty, then the standard one); "none" if none is.
 */
const char *
care_sla_warranty_kind (GPtrArray *warranties, const char *opened_at)
{
  const char *best = "none";
  char        day[11];

  if (opened_at == NULL || strlen (opened_at) < 10)
    return best;
  memcpy (day, opened_at, 10);
  day[10] = '\0';

  for (guint i = 0; warranties != NULL && i < warranties->len; i++)
    {
      CareRecord *w = g_ptr_array_index (warranties, i);
      const char *start = care_record_get_string (w, "start_date");
      const char *end = care_record_get_string (w, "end_date");
      const char *kind = care_record_get_string (w, "kind");

      /* Dates as stored, YYYY-MM-DD, compare as text. */
      if (start == NULL || end == NULL || strcmp (start, day) > 0 || strcmp (end, day) < 0)
        continue;
      if (kind_rank (kind) > kind_rank (best))
        best = kind;
    }
  return best;
}

static guint
policy_specificity (CareRecord *policy)
{
  return (care_record_get_string (policy, "warranty_kind") != NULL) +
         (care_record_get_string (policy, "priority") != NULL) +
         (care_record_get_string (policy, "channel") != NULL);
}

static gboolean
criterion_matches (CareRecord *policy, const char *field, const char *value)
{
  const char *wanted = care_record_get_string (policy, field);

  return wanted == NULL || g_strcmp0 (wanted, value) == 0;
}

/* Whether @a is a better choice than @b among policies that match. */
static gboolean
policy_better (CareRecord *a, CareRecord *b)
{
  guint  sa = policy_specificity (a), sb = policy_specificity (b);
  gint64 ra = care_record_get_int (a, "resolution_minutes", G_MAXINT64);
  gint64 rb = care_record_get_int (b, "resolution_minutes", G_MAXINT64);
  gint64 fa = care_record_get_int (a, "first_response_minutes", G_MAXINT64);
  gint64 fb = care_record_get_int (b, "first_response_minutes", G_MAXINT64);

  if (sa != sb)
    return sa > sb;
  if (ra != rb)
    return ra < rb;
  if (fa != fb)
    return fa < fb;
  return g_strcmp0 (care_record_get_id (a), care_record_get_id (b)) < 0;
}

/**
 * care_sla_match_policy:
 * @policies: (element-type CareRecord): sla_policy records
 * @warranty_kind: (nullable): the case's, from care_sla_warranty_kind ()
 *
 * The policy for @service_case: the most specific that matches, see the
 * top of this file. Returns: (transfer none) (nullable): it, or %NULL
 */
CareRecord *
care_sla_match_policy (GPtrArray *policies, CareRecord *service_case, const char *warranty_kind)
{
  CareRecord *best = NULL;

  g_return_val_if_fail (CARE_IS_RECORD (service_case), NULL);

  for (guint i = 0; policies != NULL && i < policies->len; i++)
    {
      CareRecord *p = g_ptr_array_index (policies, i);

      if (care_record_get_bool (p, "disabled") ||
          !criterion_matches (p, "warranty_kind", warranty_kind != NULL ? warranty_kind : "none") ||
          !criterion_matches (p, "priority", care_record_get_string (service_case, "priority")) ||
          !criterion_matches (p, "channel", care_record_get_string (service_case, "channel")))
        continue;
      if (best == NULL || policy_better (p, best))
        best = p;
    }
  return best;
}

static int
compare_steps (gconstpointer a, gconstpointer b)
{
  const Step *x = a, *y = b;

  if (x->at != y->at)
    return x->at < y->at ? -1 : 1;
  return g_strcmp0 (x->id, y->id);
}

static gboolean
is_running (const char *status)
{
  return g_strcmp0 (status, "open") == 0 || g_strcmp0 (status, "in_progress") == 0;
}

static gboolean
is_done (const char *status)
{
  return g_strcmp0 (status, "resolved") == 0 || g_strcmp0 (status, "closed") == 0;
}

/* The case's statuses from opening to @now, in order: the first is "open"
 * at @opened. */
static GArray *
build_steps (CareRecord *service_case, GPtrArray *changes, gint64 opened, gint64 now)
{
  GArray     *steps = g_array_new (FALSE, FALSE, sizeof (Step));
  Step        first = { opened, "open", "" };
  const char *current = care_record_get_string (service_case, "status");
  const char *case_id = care_record_get_id (service_case);
  gint64      updated;

  for (guint i = 0; changes != NULL && i < changes->len; i++)
    {
      CareRecord *c = g_ptr_array_index (changes, i);
      Step        step;

      if (g_strcmp0 (care_record_get_string (c, "case_id"), case_id) != 0 ||
          care_record_get_string (c, "status") == NULL ||
          !parse_instant (care_record_get_string (c, "changed_at"), &step.at) || step.at > now)
        continue;
      step.at = MAX (step.at, opened);
      step.status = care_record_get_string (c, "status");
      step.id = care_record_get_id (c);
      g_array_append_val (steps, step);
    }
  g_array_sort (steps, compare_steps);
  g_array_prepend_val (steps, first);

  /* Moved without a record of it: at the case's last change. */
  if (current != NULL &&
      g_strcmp0 (g_array_index (steps, Step, steps->len - 1).status, current) != 0)
    {
      Step last = { 0, current, "" };

      if (!parse_instant (care_record_get_updated_at (service_case), &updated))
        updated = now;
      last.at = CLAMP (updated, g_array_index (steps, Step, steps->len - 1).at, now);
      g_array_append_val (steps, last);
    }
  return steps;
}

/* Working seconds the clock ran from the first step to @until. */
static gint64
running_time (CareWorkingCalendar *cal, GArray *steps, gint64 until)
{
  gint64 total = 0;

  for (guint i = 0; i < steps->len; i++)
    {
      const Step *s = &g_array_index (steps, Step, i);
      gint64      end = i + 1 < steps->len ? g_array_index (steps, Step, i + 1).at : until;

      if (s->at >= until)
        break;
      if (is_running (s->status))
        total += care_working_calendar_between (cal, s->at, MIN (end, until));
    }
  return total;
}

/* The instant the clock reached @target working seconds, walking the
 * running spans up to @until and then as if it ran on from there. */
static gint64
due_instant (CareWorkingCalendar *cal, GArray *steps, gint64 target, gint64 until)
{
  gint64 remaining = target;

  for (guint i = 0; i < steps->len; i++)
    {
      const Step *s = &g_array_index (steps, Step, i);
      gint64      end = i + 1 < steps->len ? g_array_index (steps, Step, i + 1).at : until;
      gint64      here;

      if (s->at >= until)
        break;
      end = MIN (end, until);
      if (!is_running (s->status))
        continue;
      here = care_working_calendar_between (cal, s->at, end);
      if (here >= remaining)
        return care_working_calendar_add (cal, s->at, remaining);
      remaining -= here;
    }
  return care_working_calendar_add (cal, until, remaining);
}

static void
fill_timer (CareSlaTimer        *timer,
            CareWorkingCalendar *cal,
            GArray              *steps,
            gint64               target,
            gint64               done_at,
            gint64               now)
{
  gboolean done = done_at != CARE_SLA_NOT_YET;
  gint64   until = done ? done_at : now;

  timer->target = target;
  timer->done_at = done_at;
  timer->used = running_time (cal, steps, until);
  timer->left = target - timer->used;
  timer->due = due_instant (cal, steps, target, until);

  if (done)
    timer->state = timer->used <= target ? CARE_SLA_STATE_MET : CARE_SLA_STATE_BREACHED;
  else if (timer->used >= target)
    timer->state = CARE_SLA_STATE_BREACHED;
  else if (timer->left * 100 < target * CARE_SLA_AT_RISK_PERCENT)
    timer->state = CARE_SLA_STATE_AT_RISK;
  else
    timer->state = CARE_SLA_STATE_ON_TRACK;
}

static gint64
target_seconds (CareRecord *policy, const char *field)
{
  gint64 minutes = care_record_get_int (policy, field, 0);

  if (minutes <= 0)
    return 0;
  return MIN (minutes, MAX_TARGET / 60) * 60;
}

/* The first response: the first status change after opening, or the first
 * answered call on the case (or on none, for the same customer). */
static gint64
first_response_at (
    CareRecord *service_case, GArray *steps, GPtrArray *calls, gint64 opened, gint64 now)
{
  gint64 first = CARE_SLA_NOT_YET;

  /* Steps after the first; a change to "open" (the opening recorded) is
   * no response. */
  for (guint i = 1; i < steps->len && first == CARE_SLA_NOT_YET; i++)
    if (g_strcmp0 (g_array_index (steps, Step, i).status, "open") != 0)
      first = g_array_index (steps, Step, i).at;

  for (guint i = 0; calls != NULL && i < calls->len; i++)
    {
      CareRecord *call = g_ptr_array_index (calls, i);
      const char *case_id = care_record_get_string (call, "case_id");
      gint64      at;

      if (case_id != NULL ? g_strcmp0 (case_id, care_record_get_id (service_case)) != 0
                          : g_strcmp0 (care_record_get_string (call, "customer_id"),
                                       care_record_get_string (service_case, "customer_id")) != 0)
        continue;
      if (g_strcmp0 (care_record_get_string (call, "outcome"), "no_answer") == 0 ||
          !parse_instant (care_record_get_string (call, "called_at"), &at) || at < opened ||
          at > now)
        continue;
      first = MIN (first, at);
    }
  return first;
}

/**
 * care_sla_compute:
 * @service_case: the case
 * @policy: (nullable): its sla_policy record
 * @calendar: (nullable): the policy's calendar, from care_sla_calendar_new ()
 * @status_changes: (nullable) (element-type CareRecord): the case's
 *   case_status_change records, in any order
 * @calls: (nullable) (element-type CareRecord): call_log records of the
 *   case or of its customer
 * @now: the instant to compute for, seconds since the epoch; from
 *   care_clock_now_unix () but for a test
 *
 * The case's timers at @now; see the top of this file for the rules.
 * Without a policy or a usable calendar both timers are
 * %CARE_SLA_STATE_NONE. Returns: (transfer full): the timers
 */
CareSla *
care_sla_compute (CareRecord          *service_case,
                  CareRecord          *policy,
                  CareWorkingCalendar *calendar,
                  GPtrArray           *status_changes,
                  GPtrArray           *calls,
                  gint64               now)
{
  g_autoptr (CareSla) sla = g_new0 (CareSla, 1);
  g_autoptr (GArray) steps = NULL;
  gint64      opened, fr_target, res_target, responded, resolved = CARE_SLA_NOT_YET;
  const Step *last;

  g_return_val_if_fail (CARE_IS_RECORD (service_case), NULL);

  sla->now = now;
  sla->first_response.done_at = sla->resolution.done_at = CARE_SLA_NOT_YET;
  sla->first_response.due = sla->resolution.due = CARE_WORKING_TIME_NEVER;
  sla->pauses = g_array_new (FALSE, FALSE, sizeof (CareSlaPause));
  if (policy != NULL)
    sla->policy_id = g_strdup (care_record_get_id (policy));
  if (policy == NULL || calendar == NULL || !care_working_calendar_has_hours (calendar) ||
      !parse_instant (care_record_get_string (service_case, "opened_at"), &opened))
    return g_steal_pointer (&sla);
  fr_target = target_seconds (policy, "first_response_minutes");
  res_target = target_seconds (policy, "resolution_minutes");
  if (fr_target == 0 || res_target == 0)
    return g_steal_pointer (&sla);

  now = MAX (now, opened);
  steps = build_steps (service_case, status_changes, opened, now);
  last = &g_array_index (steps, Step, steps->len - 1);

  for (guint i = 0; i < steps->len; i++)
    {
      const Step  *s = &g_array_index (steps, Step, i);
      CareSlaPause pause = { s->at, CARE_SLA_NOT_YET };

      if (g_strcmp0 (s->status, "waiting") != 0)
        continue;
      /* Consecutive waiting steps are one pause. */
      if (i > 0 && g_strcmp0 (g_array_index (steps, Step, i - 1).status, "waiting") == 0)
        continue;
      for (guint j = i + 1; j < steps->len && pause.end == CARE_SLA_NOT_YET; j++)
        if (g_strcmp0 (g_array_index (steps, Step, j).status, "waiting") != 0)
          pause.end = g_array_index (steps, Step, j).at;
      g_array_append_val (sla->pauses, pause);
    }
  sla->paused = g_strcmp0 (last->status, "waiting") == 0;

  /* Resolved now: when it last became so. */
  if (is_done (last->status))
    {
      guint i = steps->len - 1;

      while (i > 0 && is_done (g_array_index (steps, Step, i - 1).status))
        i--;
      resolved = g_array_index (steps, Step, i).at;
    }

  responded = first_response_at (service_case, steps, calls, opened, now);
  fill_timer (&sla->first_response, calendar, steps, fr_target, responded, now);
  fill_timer (&sla->resolution, calendar, steps, res_target, resolved, now);
  return g_steal_pointer (&sla);
}

static void
add_instant (JsonBuilder *builder, const char *name, gint64 instant)
{
  json_builder_set_member_name (builder, name);
  if (instant == CARE_SLA_NOT_YET || instant == CARE_WORKING_TIME_NEVER)
    json_builder_add_null_value (builder);
  else
    {
      g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (instant);
      g_autofree char *text = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");

      json_builder_add_string_value (builder, text);
    }
}

static void
add_timer (JsonBuilder *builder, const char *name, const CareSlaTimer *timer)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, care_sla_state_key (timer->state));
  if (timer->state != CARE_SLA_STATE_NONE)
    {
      json_builder_set_member_name (builder, "target_seconds");
      json_builder_add_int_value (builder, timer->target);
      json_builder_set_member_name (builder, "used_seconds");
      json_builder_add_int_value (builder, timer->used);
      json_builder_set_member_name (builder, "left_seconds");
      json_builder_add_int_value (builder, timer->left);
      add_instant (builder, "due_at", timer->due);
      add_instant (builder, "done_at", timer->done_at);
    }
  json_builder_end_object (builder);
}

/**
 * care_sla_to_json:
 *
 * The timers as the server writes them in a case's `sla` member:
 * `{"policy_id", "state", "paused", "first_response": {"state",
 * "target_seconds", "used_seconds", "left_seconds", "due_at", "done_at"},
 * "resolution": {…}, "pauses": [{"start", "end"}]}`, instants in UTC
 * ISO 8601 and null when there is none. Returns: (transfer full): the node
 */
JsonNode *
care_sla_to_json (const CareSla *sla)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (sla != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "policy_id");
  if (sla->policy_id != NULL)
    json_builder_add_string_value (builder, sla->policy_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, care_sla_state_key (care_sla_get_state (sla)));
  json_builder_set_member_name (builder, "paused");
  json_builder_add_boolean_value (builder, sla->paused);
  add_timer (builder, "first_response", &sla->first_response);
  add_timer (builder, "resolution", &sla->resolution);
  json_builder_set_member_name (builder, "pauses");
  json_builder_begin_array (builder);
  for (guint i = 0; i < sla->pauses->len; i++)
    {
      const CareSlaPause *p = &g_array_index (sla->pauses, CareSlaPause, i);

      json_builder_begin_object (builder);
      add_instant (builder, "start", p->start);
      add_instant (builder, "end", p->end);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* Store helpers: what the views call. */

static GPtrArray *
find_by (
    CareStore *store, CareEntityId entity, const char *field, const char *value, GError **error)
{
  g_autoptr (CareQuery) query = care_query_new (care_schema_entity (entity));

  care_query_add_string (query, field, CARE_QUERY_EQ, value);
  return care_store_find (store, query, 0, MAX_ROWS, NULL, error);
}

static GPtrArray *
find_all (CareStore *store, CareEntityId entity, GError **error)
{
  g_autoptr (CareQuery) query = care_query_new (care_schema_entity (entity));

  return care_store_find (store, query, 0, MAX_ROWS, NULL, error);
}

/**
 * care_sla_choose_policy:
 *
 * Sets the sla_policy_id of a case being opened to the policy that
 * matches it (care_sla_match_policy ()), or unsets it when none does:
 * call it before the case is first saved, after its priority, channel
 * and product are set. The caller saves the case.
 */
gboolean
care_sla_choose_policy (CareStore *store, CareRecord *service_case, GError **error)
{
  g_autoptr (GPtrArray) policies = NULL;
  g_autoptr (GPtrArray) warranties = NULL;
  const char *product_id;
  CareRecord *policy;

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (CARE_IS_RECORD (service_case), FALSE);

  policies = find_all (store, CARE_ENTITY_SLA_POLICY, error);
  if (policies == NULL)
    return FALSE;
  product_id = care_record_get_string (service_case, "product_id");
  if (product_id != NULL)
    {
      warranties = find_by (store, CARE_ENTITY_WARRANTY, "product_id", product_id, error);
      if (warranties == NULL)
        return FALSE;
    }
  policy = care_sla_match_policy (
      policies, service_case,
      care_sla_warranty_kind (warranties, care_record_get_string (service_case, "opened_at")));
  care_record_set_string (service_case, "sla_policy_id",
                          policy != NULL ? care_record_get_id (policy) : NULL);
  return TRUE;
}

/**
 * care_sla_new_status_change:
 * @service_case: a case whose status has just been set (care_case_transition ())
 * @staff_id: (nullable): who moved it
 *
 * A new, unsaved record of the case's move to its current status, now by
 * the one clock. Save it with the case, in the same transaction, so that
 * every device and the server see when the case waited.
 * Returns: (transfer full): the record
 */
CareRecord *
care_sla_new_status_change (CareRecord *service_case, const char *staff_id)
{
  CareRecord      *change;
  g_autofree char *now = NULL;

  g_return_val_if_fail (CARE_IS_RECORD (service_case), NULL);

  now = care_clock_now_iso ();
  change = care_record_new (care_schema_entity (CARE_ENTITY_CASE_STATUS_CHANGE));
  care_record_set_string (change, "case_id", care_record_get_id (service_case));
  care_record_set_string (change, "status", care_record_get_string (service_case, "status"));
  care_record_set_string (change, "changed_at", now);
  care_record_set_string (change, "staff_id", staff_id);
  return change;
}

typedef struct
{
  CareRecord *service_case;
  CareRecord *change;
} SaveMove;

/* Two moves within one second would share their instant, and the timers
 * could not tell their order: a move is stamped at least a second after
 * the case's last one. Inside the write transaction, so that two saves
 * cannot both read the same last move. */
static gboolean
stamp_after_last_move (CareStore *store, CareRecord *change, GError **error)
{
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CASE_STATUS_CHANGE));
  g_autoptr (GPtrArray) last = NULL;
  gint64 last_at, at;

  care_query_add_string (q, "case_id", CARE_QUERY_EQ, care_record_get_string (change, "case_id"));
  care_query_set_order (q, "changed_at", TRUE);
  last = care_store_find (store, q, 0, 1, NULL, error);
  if (last == NULL)
    return FALSE;
  if (last->len == 0 ||
      !parse_instant (care_record_get_string (g_ptr_array_index (last, 0), "changed_at"),
                      &last_at) ||
      !parse_instant (care_record_get_string (change, "changed_at"), &at) || at > last_at)
    return TRUE;

  {
    g_autoptr (GDateTime) later = g_date_time_new_from_unix_utc (last_at + 1);
    g_autofree char *iso = g_date_time_format (later, "%Y-%m-%dT%H:%M:%SZ");

    care_record_set_string (change, "changed_at", iso);
  }
  return TRUE;
}

static gboolean
save_move (CareStore *store, gpointer user_data, GError **error)
{
  SaveMove *move = user_data;

  return care_store_save (store, move->service_case, error) &&
         (move->change == NULL || (stamp_after_last_move (store, move->change, error) &&
                                   care_store_save (store, move->change, error)));
}

/**
 * care_sla_save_case:
 * @service_case: the case to save, perhaps moved to another status
 * @old_status: (nullable): its status as it was loaded, %NULL for a new case
 * @staff_id: (nullable): who is saving it
 *
 * Saves @service_case and, when its status is not @old_status, the record
 * of the move (care_sla_new_status_change ()), in one transaction: the
 * way a view saves a case, so that the timers know when it waited.
 */
gboolean
care_sla_save_case (CareStore  *store,
                    CareRecord *service_case,
                    const char *old_status,
                    const char *staff_id,
                    GError    **error)
{
  g_autoptr (CareRecord) change = NULL;
  SaveMove move = { service_case, NULL };

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (CARE_IS_RECORD (service_case), FALSE);

  if (g_strcmp0 (old_status, care_record_get_string (service_case, "status")) != 0)
    change = care_sla_new_status_change (service_case, staff_id);
  move.change = change;
  return care_store_write (store, save_move, &move, error);
}

/**
 * care_sla_load:
 *
 * The timers of @service_case now, by the one clock, from the local
 * store: its policy, the policy's calendar and closures, the case's
 * status changes and the calls on it or its customer. A policy or a
 * calendar that is gone, or a calendar that cannot be read, gives
 * %CARE_SLA_STATE_NONE timers, not an error; errors are the store's.
 * Returns: (transfer full): the timers, or %NULL on error
 */
CareSla *
care_sla_load (CareStore *store, CareRecord *service_case, GError **error)
{
  g_autoptr (CareRecord) policy = NULL;
  g_autoptr (CareRecord) calendar_record = NULL;
  g_autoptr (CareWorkingCalendar) calendar = NULL;
  g_autoptr (GPtrArray) closures = NULL;
  g_autoptr (GPtrArray) changes = NULL;
  g_autoptr (GPtrArray) calls = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *policy_id;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (CARE_IS_RECORD (service_case), NULL);

  policy_id = care_record_get_string (service_case, "sla_policy_id");
  if (policy_id != NULL)
    policy = care_store_load (store, care_schema_entity (CARE_ENTITY_SLA_POLICY), policy_id,
                              &local_error);
  if (policy != NULL && care_record_get_string (policy, "calendar_id") != NULL)
    calendar_record = care_store_load (store, care_schema_entity (CARE_ENTITY_WORKING_CALENDAR),
                                       care_record_get_string (policy, "calendar_id"), NULL);
  g_clear_error (&local_error);
  if (calendar_record != NULL)
    {
      closures = find_by (store, CARE_ENTITY_CALENDAR_CLOSURE, "calendar_id",
                          care_record_get_id (calendar_record), error);
      if (closures == NULL)
        return NULL;
      calendar = care_sla_calendar_new (calendar_record, closures, &local_error);
      if (calendar == NULL)
        g_debug ("Calendar %s unusable: %s", care_record_get_id (calendar_record),
                 local_error->message);
    }

  changes = find_by (store, CARE_ENTITY_CASE_STATUS_CHANGE, "case_id",
                     care_record_get_id (service_case), error);
  if (changes == NULL)
    return NULL;
  if (care_record_get_string (service_case, "customer_id") != NULL)
    {
      calls = find_by (store, CARE_ENTITY_CALL_LOG, "customer_id",
                       care_record_get_string (service_case, "customer_id"), error);
      if (calls == NULL)
        return NULL;
    }

  return care_sla_compute (service_case, policy, calendar, changes, calls, care_clock_now_unix ());
}

void
care_sla_entry_free (CareSlaEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->case_id);
  care_sla_free (entry->sla);
  g_free (entry);
}

static int
compare_entries (gconstpointer a, gconstpointer b)
{
  const CareSlaEntry *x = *(CareSlaEntry *const *) a;
  const CareSlaEntry *y = *(CareSlaEntry *const *) b;
  CareSlaState        sx = care_sla_get_state (x->sla), sy = care_sla_get_state (y->sla);
  gint64              dx = care_sla_get_next_due (x->sla), dy = care_sla_get_next_due (y->sla);

  if (sx != sy)
    return sx > sy ? -1 : 1;
  if (dx != dy)
    return dx < dy ? -1 : 1;
  return g_strcmp0 (x->case_id, y->case_id);
}

/* The policies and working calendars of the store, read once for many
 * cases: the lists, the Today page and the dashboard look at hundreds. */
typedef struct
{
  GPtrArray  *policies;
  GHashTable *policies_by_id; /* id -> borrowed CareRecord of policies */
  GHashTable *calendars;      /* id -> CareWorkingCalendar */
} SlaContext;

static void
sla_context_clear (SlaContext *ctx)
{
  g_clear_pointer (&ctx->policies_by_id, g_hash_table_unref);
  g_clear_pointer (&ctx->calendars, g_hash_table_unref);
  g_clear_pointer (&ctx->policies, g_ptr_array_unref);
}

static gboolean
sla_context_init (SlaContext *ctx, CareStore *store, GError **error)
{
  g_autoptr (GPtrArray) calendar_records = NULL;
  g_autoptr (GPtrArray) closures = NULL;

  ctx->policies_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  ctx->calendars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) care_working_calendar_free);
  ctx->policies = find_all (store, CARE_ENTITY_SLA_POLICY, error);
  if (ctx->policies == NULL)
    return FALSE;
  calendar_records = find_all (store, CARE_ENTITY_WORKING_CALENDAR, error);
  if (calendar_records == NULL)
    return FALSE;
  closures = find_all (store, CARE_ENTITY_CALENDAR_CLOSURE, error);
  if (closures == NULL)
    return FALSE;
  for (guint i = 0; i < ctx->policies->len; i++)
    g_hash_table_insert (ctx->policies_by_id,
                         (gpointer) care_record_get_id (g_ptr_array_index (ctx->policies, i)),
                         g_ptr_array_index (ctx->policies, i));
  for (guint i = 0; i < calendar_records->len; i++)
    {
      CareRecord          *record = g_ptr_array_index (calendar_records, i);
      CareWorkingCalendar *cal = care_sla_calendar_new (record, closures, NULL);

      if (cal != NULL)
        g_hash_table_insert (ctx->calendars, g_strdup (care_record_get_id (record)), cal);
    }
  return TRUE;
}

/* The timers of @c at @now; %NULL with no error when it has no usable
 * policy or calendar. */
static CareSla *
sla_context_compute (SlaContext *ctx, CareStore *store, CareRecord *c, gint64 now, GError **error)
{
  CareRecord *policy =
      g_hash_table_lookup (ctx->policies_by_id, care_record_get_string (c, "sla_policy_id"));
  CareWorkingCalendar *cal =
      policy != NULL && care_record_get_string (policy, "calendar_id") != NULL
          ? g_hash_table_lookup (ctx->calendars, care_record_get_string (policy, "calendar_id"))
          : NULL;
  g_autoptr (GPtrArray) changes = NULL;
  g_autoptr (GPtrArray) calls = NULL;

  if (cal == NULL)
    return NULL;
  changes =
      find_by (store, CARE_ENTITY_CASE_STATUS_CHANGE, "case_id", care_record_get_id (c), error);
  if (changes == NULL)
    return NULL;
  if (care_record_get_string (c, "customer_id") != NULL)
    {
      calls = find_by (store, CARE_ENTITY_CALL_LOG, "customer_id",
                       care_record_get_string (c, "customer_id"), error);
      if (calls == NULL)
        return NULL;
    }
  return care_sla_compute (c, policy, cal, changes, calls, now);
}

/**
 * care_sla_list_open:
 * @min_state: the least state to list: %CARE_SLA_STATE_AT_RISK for "at
 *   risk or breached", %CARE_SLA_STATE_BREACHED for "breached"
 * @limit: at most this many open cases are looked at, the oldest first
 *
 * The timers of the open cases with a policy (open, in progress or
 * waiting) that are at least @min_state now, by the one clock: the worst
 * first, then the one due first. For the Today page and a list's "at
 * risk" and "breached" filters. Working time cannot be computed in SQL,
 * so this reads each case's history: run it from a worker thread on a
 * large store. Returns: (transfer full) (element-type CareSlaEntry): the
 * entries, or %NULL on error
 */
GPtrArray *
care_sla_list_open (CareStore *store, CareSlaState min_state, guint limit, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) care_sla_entry_free);
  g_autoptr (GPtrArray) cases = NULL;
  g_autoptr (CareQuery) query = care_query_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));
  gint64     now = care_clock_now_unix ();
  SlaContext ctx = { 0 };

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);

  if (!sla_context_init (&ctx, store, error))
    {
      sla_context_clear (&ctx);
      return NULL;
    }

  care_query_add_in (query, "status", care_case_open_statuses ());
  care_query_add (query, "sla_policy_id", CARE_QUERY_NOT_NULL, NULL);
  care_query_set_order (query, "opened_at", FALSE);
  cases = care_store_find (store, query, 0, limit, NULL, error);

  for (guint i = 0; cases != NULL && i < cases->len; i++)
    {
      CareRecord *c = g_ptr_array_index (cases, i);
      g_autoptr (GError) local_error = NULL;
      g_autoptr (CareSla) sla = sla_context_compute (&ctx, store, c, now, &local_error);
      CareSlaEntry *entry;

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          sla_context_clear (&ctx);
          return NULL;
        }
      if (sla == NULL || care_sla_get_state (sla) < min_state)
        continue;
      entry = g_new0 (CareSlaEntry, 1);
      entry->case_id = g_strdup (care_record_get_id (c));
      entry->sla = g_steal_pointer (&sla);
      g_ptr_array_add (out, entry);
    }
  sla_context_clear (&ctx);
  if (cases == NULL)
    return NULL;

  g_ptr_array_sort (out, compare_entries);
  return g_steal_pointer (&out);
}

/* A timer that is decided: met, or breached (late or still not done). */
static void
count_timer (const CareSlaTimer *t, guint *met, guint *counted)
{
  if (t->state == CARE_SLA_STATE_MET)
    {
      (*met)++;
      (*counted)++;
    }
  else if (t->state == CARE_SLA_STATE_BREACHED)
    (*counted)++;
}

/**
 * care_sla_met_per_month:
 * @today: the current day; the last month counted is its month
 * @n_months: how many months, the oldest first in the arrays
 * @first_met: (array): per month, the first responses met in time
 * @first_counted: (array): per month, the first responses decided (met or breached)
 * @resolution_met: (array): the same for the resolutions
 * @resolution_counted: (array):
 *
 * How many of the cases opened each month (in UTC) met their targets, by
 * the one clock: for the dashboard's share of cases meeting each target.
 * A timer still running in time is not counted yet. At most @limit cases
 * are read, the newest first.
 */
gboolean
care_sla_met_per_month (CareStore   *store,
                        const GDate *today,
                        guint        n_months,
                        guint        limit,
                        guint       *first_met,
                        guint       *first_counted,
                        guint       *resolution_met,
                        guint       *resolution_counted,
                        GError     **error)
{
  g_autoptr (CareQuery) query = care_query_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));
  g_autoptr (GPtrArray) cases = NULL;
  g_autofree char *since = NULL;
  gint64           now = care_clock_now_unix ();
  SlaContext       ctx = { 0 };
  GDate            first;
  gboolean         ok = TRUE;

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (today != NULL && g_date_valid (today) && n_months > 0, FALSE);

  memset (first_met, 0, n_months * sizeof (guint));
  memset (first_counted, 0, n_months * sizeof (guint));
  memset (resolution_met, 0, n_months * sizeof (guint));
  memset (resolution_counted, 0, n_months * sizeof (guint));

  first = *today;
  g_date_set_day (&first, 1);
  g_date_subtract_months (&first, n_months - 1);
  since = g_strdup_printf ("%04d-%02d-01T00:00:00Z", g_date_get_year (&first),
                           g_date_get_month (&first));

  if (!sla_context_init (&ctx, store, error))
    {
      sla_context_clear (&ctx);
      return FALSE;
    }
  care_query_add (query, "sla_policy_id", CARE_QUERY_NOT_NULL, NULL);
  care_query_add_string (query, "opened_at", CARE_QUERY_GE, since);
  care_query_set_order (query, "opened_at", TRUE);
  cases = care_store_find (store, query, 0, limit, NULL, error);
  ok = cases != NULL;

  for (guint i = 0; ok && i < cases->len; i++)
    {
      CareRecord *c = g_ptr_array_index (cases, i);
      const char *opened = care_record_get_string (c, "opened_at");
      g_autoptr (GError) local_error = NULL;
      g_autoptr (CareSla) sla = NULL;
      g_autoptr (GDateTime) opened_dt = NULL;
      gint64 at, index;

      if (!parse_instant (opened, &at))
        continue;
      opened_dt = g_date_time_new_from_unix_utc (at);
      index = (gint64) (g_date_time_get_year (opened_dt) - g_date_get_year (&first)) * 12 +
              (g_date_time_get_month (opened_dt) - (int) g_date_get_month (&first));
      if (index < 0 || index >= n_months)
        continue;
      sla = sla_context_compute (&ctx, store, c, now, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          ok = FALSE;
          break;
        }
      if (sla == NULL)
        continue;
      count_timer (&sla->first_response, &first_met[index], &first_counted[index]);
      count_timer (&sla->resolution, &resolution_met[index], &resolution_counted[index]);
    }
  sla_context_clear (&ctx);
  return ok;
}
