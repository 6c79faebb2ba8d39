/* test-workflow-sync.c: the workflow entities travel through a real
 * aftercare-server on 127.0.0.1 between an office and a field client,
 * signature and totals intact, and generation stays idempotent across them;
 * so does a field added later, the customer's tax number, which the server
 * checks as the clients do; and a case's service level timers come out the
 * same on both clients. */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "care-case.h"
#include "care-clock.h"
#include "care-follow-up.h"
#include "care-maintenance.h"
#include "care-outbox.h"
#include "care-signature.h"
#include "care-sla.h"
#include "care-store-private.h"
#include "care-survey.h"
#include "care-sync-engine.h"
#include "care-test-db.h"
#include "care-visit-report.h"
#include "workflow-fixtures.h"

static char *server_path;

typedef struct
{
  char           *dir;
  GSubprocess    *server;
  char           *url;
  CareStore      *office;
  CareStore      *field;
  CareSyncEngine *office_sync;
  CareSyncEngine *field_sync;
} Fixture;

static void
run_cli (const char *const *argv, const char *input)
{
  g_autoptr (GSubprocess) p = NULL;
  g_autoptr (GError) error = NULL;

  p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                         &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, input, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (p));
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static CareSyncEngine *
signed_in (Fixture *f, CareStore *store, const char *user)
{
  CareSyncEngine *engine = care_sync_engine_new (store);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  care_sync_engine_set_server_url (engine, f->url);
  care_sync_engine_sign_in_async (engine, user, "workflow-passphrase", NULL, done_cb, &result);
  if (!care_sync_engine_sign_in_finish (engine, wait (&result), &error))
    g_error ("sign-in failed: %s", error->message);
  return engine;
}

static void
sync_once (CareSyncEngine *engine)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  care_sync_engine_sync_async (engine, NULL, done_cb, &result);
  if (!care_sync_engine_sync_finish (engine, wait (&result), &error))
    g_error ("sync failed: %s", error->message);
  g_assert_cmpuint (care_store_outbox_count (care_sync_engine_get_store (engine)), ==, 0);
  g_assert_cmpuint (care_sync_engine_get_rejected_count (engine), ==, 0);
}

static void
set_up (Fixture *f, gconstpointer data)
{
  g_autofree char *server_db = NULL;
  g_autofree char *office_db = NULL;
  g_autofree char *field_db = NULL;
  g_autofree char *line = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("care-workflow-sync-XXXXXX", NULL);
  server_db = test_db_new (f->dir, "server.db");
  office_db = g_build_filename (f->dir, "office.db", NULL);
  field_db = g_build_filename (f->dir, "field.db", NULL);

  /* Administrators both: the role matrix decides which roles may write
   * which entities, and is tested with the server. */
  run_cli ((const char *[]){ server_path, "--db", server_db, "useradd", "office", "--role", "admin",
                             NULL },
           "workflow-passphrase\n");
  run_cli ((const char *[]){ server_path, "--db", server_db, "useradd", "field", "--role", "admin",
                             NULL },
           "workflow-passphrase\n");

  f->server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, server_path, "--db",
                                server_db, "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  f->url = g_strdup (line + strlen ("listening on "));

  f->office = care_store_new (office_db, &error);
  g_assert_no_error (error);
  f->field = care_store_new (field_db, &error);
  g_assert_no_error (error);
  f->office_sync = signed_in (f, f->office, "office");
  f->field_sync = signed_in (f, f->field, "field");
}

static void
tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  g_subprocess_send_signal (f->server, SIGTERM);
  g_subprocess_wait (f->server, NULL, NULL);
  g_clear_object (&f->server);
  g_clear_object (&f->office_sync);
  g_clear_object (&f->field_sync);
  g_clear_object (&f->office);
  g_clear_object (&f->field);

  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->url);
}

static void
test_visit_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) customer = fx_customer (f->office, "Жана Петрова");
  g_autoptr (CareRecord) product = fx_product (f->office, customer, "APL-SYNC-1");
  g_autoptr (CareRecord) contract = fx_warranty (f->office, product, "maintenance_contract",
                                                 "2026-01-01", "2027-12-31", TRUE, FALSE, 15);
  g_autoptr (CareRecord) plan = care_record_new (care_schema_entity (CARE_ENTITY_MAINTENANCE_PLAN));
  g_autoptr (CareQuery) visits = NULL;
  g_autoptr (GPtrArray) links = NULL;
  g_autoptr (CareRecord) appointment = NULL;
  g_autoptr (CareRecord) report = NULL;
  g_autoptr (CareRecord) part = NULL;
  g_autoptr (CareRecord) survey = NULL;
  g_autoptr (CareRecord) back = NULL;
  g_autoptr (CareRecord) appointment_back = NULL;
  g_autoptr (CareSignature) signature = care_signature_new ();
  g_autofree char *path = NULL;
  g_auto (CareSurveyStats) stats = { 0 };
  g_autoptr (GError) error = NULL;
  guint n = 99;

  care_record_set_string (plan, "product_id", care_record_get_id (product));
  care_record_set_string (plan, "title", "Quarterly service");
  care_record_set_string (plan, "interval_unit", "month");
  care_record_set_int (plan, "interval_count", 3);
  care_record_set_int (plan, "visits", 4);
  care_record_set_string (plan, "start_date", "2026-01-31");
  fx_save (f->office, plan);
  g_assert_true (care_maintenance_plan_generate (f->office, plan, &n, &error));
  g_assert_cmpuint (n, ==, 4);
  sync_once (f->office_sync);

  /* The technician's device pulls the plan and its visits. */
  sync_once (f->field_sync);
  g_assert_cmpuint (fx_count (f->field, "maintenance_visit"), ==, 4);
  visits = care_maintenance_plan_visits_query (care_record_get_id (plan));
  links = care_store_find (f->field, visits, 0, 10, NULL, &error);
  g_assert_no_error (error);
  appointment = care_store_load (
      f->field, care_schema_entity (CARE_ENTITY_APPOINTMENT),
      care_record_get_string (g_ptr_array_index (links, 1), "appointment_id"), &error);
  fx_assert_local_slot (appointment, "start_at", "2026-04-30", 9);

  /* Offline on site: the report, a part, a long signature, the survey. */
  report = care_visit_report_new_for_appointment (appointment);
  care_record_set_string (report, "work_done", "Serviced the compressor; «очистени филтри».");
  care_record_set_int (report, "hourly_rate_cents", 7000);
  care_record_set_bool (report, "authorised_location", TRUE);
  fx_save (f->field, report);
  part = fx_part (f->field, report, "Filter set", 2, 1999);
  care_signature_begin_stroke (signature, 0, 0);
  for (guint i = 1; i < 4000; i++)
    care_signature_add_point (signature, (i * 7) % 997 + 0.5, (i * 13) % 311);
  care_visit_report_set_signature (report, signature, "Жана Петрова", NULL);
  path = care_signature_to_path (signature);
  g_assert_cmpuint (strlen (path), >, 30000);
  g_assert_true (care_visit_report_complete (f->field, report, &error));
  g_assert_no_error (error);
  survey = care_survey_new_for (f->field, appointment, NULL, &error);
  care_record_set_int (survey, "score", 4);
  fx_save (f->field, survey);
  sync_once (f->field_sync);

  /* Back at the office: everything arrived as it was saved. */
  sync_once (f->office_sync);
  back = care_store_load (f->office, care_schema_entity (CARE_ENTITY_VISIT_REPORT),
                          care_record_get_id (report), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (care_record_get_string (back, "signature"), ==, path);
  g_assert_cmpstr (care_record_get_string (back, "work_done"), ==,
                   "Serviced the compressor; «очистени филтри».");
  /* Parts covered (39.98); 60 minutes of labour at 70.00, less 15 %. */
  g_assert_cmpint (care_record_get_int (back, "covered_cents", -1), ==, 3998);
  g_assert_cmpint (care_record_get_int (back, "total_cents", -1), ==, 5950);
  g_assert_cmpstr (care_record_get_string (back, "warranty_id"), ==, care_record_get_id (contract));
  g_assert_cmpuint (fx_count (f->office, "part_usage"), ==, 1);
  appointment_back = care_store_load (f->office, care_schema_entity (CARE_ENTITY_APPOINTMENT),
                                      care_record_get_id (appointment), &error);
  g_assert_cmpstr (care_record_get_string (appointment_back, "status"), ==, "done");
  g_assert_true (care_survey_stats (f->office, care_record_get_id (customer), &stats, &error));
  g_assert_cmpuint (stats.count, ==, 1);

  /* Generating on the other device finds the synced links: nothing new. */
  g_assert_true (care_maintenance_plan_generate (f->field, plan, &n, &error));
  g_assert_cmpuint (n, ==, 0);
}

/* One follow-up call, whichever device asks after a sync. */
static void
test_follow_up_once_across_devices (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) customer = fx_customer (f->office, "Zoé Lefèvre");
  g_autoptr (CareRecord) delivery =
      fx_appointment (f->office, customer, NULL, "delivery", "2026-11-20T09:00:00Z",
                      "2026-11-20T10:00:00Z", "done");
  g_autoptr (GDateTime) now = fx_time ("2026-11-23T12:00:00Z");
  g_autoptr (CareRecord) call = NULL;
  g_autoptr (CareRecord) again = NULL;
  g_autoptr (CareRecord) field_copy = NULL;

  g_assert_true (care_follow_up_schedule (f->office, delivery, 5, now, &call, NULL));
  g_assert_nonnull (call);
  sync_once (f->office_sync);
  sync_once (f->field_sync);

  field_copy = care_store_load (f->field, care_schema_entity (CARE_ENTITY_APPOINTMENT),
                                care_record_get_id (delivery), NULL);
  g_assert_true (care_follow_up_schedule (f->field, field_copy, 5, now, &again, NULL));
  g_assert_null (again);
  g_assert_cmpuint (fx_count (f->field, "appointment"), ==, 2);
}

static void
test_tax_number (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) customer = fx_customer (f->office, "Padaria Central, Lda");
  g_autoptr (CareRecord) pulled = NULL;
  g_autoptr (GPtrArray) rejected = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  const char   *forged = "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d11";
  CareMutation *m;

  care_record_set_string (customer, "tax_number", "PT501964843");
  g_assert_true (care_store_save (f->office, customer, &error));
  g_assert_no_error (error);
  sync_once (f->office_sync);
  sync_once (f->field_sync);

  pulled = care_store_load (f->field, care_schema_entity (CARE_ENTITY_CUSTOMER),
                            care_record_get_id (customer), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (care_record_get_string (pulled, "tax_number"), ==, "PT501964843");

  /* A client that does not check (an old or a hostile one) pushes a wrong
   * check digit: the server refuses that mutation, with the reason. */
  g_assert_true (care_store_exec (f->office,
                                  "INSERT INTO customer (id, created_at, updated_at, kind, name, "
                                  "tax_number) VALUES ('6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d11', "
                                  "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'company', "
                                  "'Forged', 'PT501964842'); "
                                  "INSERT INTO outbox (entity, record_id, op, base_rev, fields, "
                                  "created_at) VALUES ('customer', "
                                  "'6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d11', 'create', 0, "
                                  "'{\"kind\": \"company\", \"name\": \"Forged\", "
                                  "\"tax_number\": \"PT501964842\"}', '2026-01-01T00:00:00Z')",
                                  &error));
  g_assert_no_error (error);
  care_sync_engine_sync_async (f->office_sync, NULL, done_cb, &result);
  g_assert_true (care_sync_engine_sync_finish (f->office_sync, wait (&result), &error));
  g_assert_no_error (error);

  rejected = care_outbox_list_rejected (f->office, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rejected->len, ==, 1);
  m = g_ptr_array_index (rejected, 0);
  g_assert_cmpstr (m->record_id, ==, forged);
  g_assert_nonnull (strstr (m->error, "Tax number"));
}

/* A calendar, a policy and a case with its moves, made at the office,
 * give the field client the very same timers; the server refuses working
 * hours it cannot read, as the clients do. */
static void
test_service_levels (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) customer = fx_customer (f->office, "Стефан Димитров");
  g_autoptr (CareRecord) calendar =
      care_record_new (care_schema_entity (CARE_ENTITY_WORKING_CALENDAR));
  g_autoptr (CareRecord) closure =
      care_record_new (care_schema_entity (CARE_ENTITY_CALENDAR_CLOSURE));
  g_autoptr (CareRecord) policy = care_record_new (care_schema_entity (CARE_ENTITY_SLA_POLICY));
  g_autoptr (CareRecord) service_case =
      care_record_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));
  g_autoptr (CareRecord) pulled = NULL;
  g_autoptr (CareSla) at_office = NULL;
  g_autoptr (CareSla) in_field = NULL;
  g_autoptr (JsonNode) office_json = NULL;
  g_autoptr (JsonNode) field_json = NULL;
  g_autoptr (GDateTime) now = care_clock_now_utc ();
  g_autoptr (GDateTime) opened = g_date_time_add_days (now, -3);
  g_autofree char *opened_at = g_date_time_format (opened, "%Y-%m-%dT%H:%M:%SZ");
  g_autoptr (GPtrArray) rejected = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  const char *days[] = { "monday", "tuesday", "wednesday", "thursday", "friday" };

  care_record_set_string (calendar, "name", "София");
  care_record_set_string (calendar, "time_zone", "Europe/Sofia");
  care_record_set_string (calendar, "holidays", "BG");
  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    care_record_set_string (calendar, days[i], "09:00-12:30, 13:30-18:00");
  fx_save (f->office, calendar);
  care_record_set_string (closure, "calendar_id", care_record_get_id (calendar));
  care_record_set_string (closure, "name", "Inventory");
  care_record_set_string (closure, "start_date", "2027-08-02");
  care_record_set_string (closure, "end_date", "2027-08-06");
  fx_save (f->office, closure);
  care_record_set_string (policy, "name", "Standard");
  care_record_set_string (policy, "calendar_id", care_record_get_id (calendar));
  care_record_set_int (policy, "first_response_minutes", 240);
  care_record_set_int (policy, "resolution_minutes", 2400);
  fx_save (f->office, policy);

  care_record_set_string (service_case, "customer_id", care_record_get_id (customer));
  care_record_set_string (service_case, "kind", "complaint");
  care_record_set_string (service_case, "subject", "Шум при работа");
  care_record_set_string (service_case, "opened_at", opened_at);
  care_record_set_string (service_case, "priority", "normal");
  care_record_set_string (service_case, "status", "open");
  g_assert_true (care_sla_choose_policy (f->office, service_case, &error));
  g_assert_cmpstr (care_record_get_string (service_case, "sla_policy_id"), ==,
                   care_record_get_id (policy));
  g_assert_true (care_sla_save_case (f->office, service_case, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (care_case_transition (service_case, "in_progress", NULL, &error));
  g_assert_true (care_sla_save_case (f->office, service_case, "open", NULL, &error));
  g_assert_true (care_case_transition (service_case, "waiting", NULL, &error));
  g_assert_true (care_sla_save_case (f->office, service_case, "in_progress", NULL, &error));
  g_assert_no_error (error);

  sync_once (f->office_sync);
  sync_once (f->field_sync);
  g_assert_cmpuint (fx_count (f->field, "case_status_change"), ==, 3);

  pulled = care_store_load (f->field, care_schema_entity (CARE_ENTITY_SERVICE_CASE),
                            care_record_get_id (service_case), &error);
  g_assert_no_error (error);
  /* One instant for both, as the server would compute at: after the
   * moves, which the clock stamped. */
  g_clear_pointer (&now, g_date_time_unref);
  now = care_clock_now_utc ();
  care_clock_freeze (now);
  at_office = care_sla_load (f->office, service_case, &error);
  g_assert_no_error (error);
  in_field = care_sla_load (f->field, pulled, &error);
  g_assert_no_error (error);
  care_clock_pin (g_getenv (CARE_CLOCK_ENV), NULL);

  g_assert_true (at_office->paused);
  g_assert_cmpuint (at_office->pauses->len, ==, 1);
  g_assert_cmpint (g_array_index (at_office->pauses, CareSlaPause, 0).end, ==, CARE_SLA_NOT_YET);
  g_assert_cmpint (at_office->first_response.done_at, !=, CARE_SLA_NOT_YET);
  g_assert_cmpint (care_sla_get_state (at_office), !=, CARE_SLA_STATE_NONE);
  office_json = care_sla_to_json (at_office);
  field_json = care_sla_to_json (in_field);
  g_assert_true (json_node_equal (office_json, field_json));

  /* A client that does not check pushes hours nobody can read. */
  g_assert_true (care_store_exec (f->office,
                                  "INSERT INTO working_calendar (id, created_at, updated_at, name, "
                                  "time_zone, monday) VALUES "
                                  "('6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d12', "
                                  "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'Forged', "
                                  "'Europe/Sofia', '9 to 5'); "
                                  "INSERT INTO outbox (entity, record_id, op, base_rev, fields, "
                                  "created_at) VALUES ('working_calendar', "
                                  "'6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d12', 'create', 0, "
                                  "'{\"name\": \"Forged\", \"time_zone\": \"Europe/Sofia\", "
                                  "\"monday\": \"9 to 5\"}', '2026-01-01T00:00:00Z')",
                                  &error));
  g_assert_no_error (error);
  care_sync_engine_sync_async (f->office_sync, NULL, done_cb, &result);
  g_assert_true (care_sync_engine_sync_finish (f->office_sync, wait (&result), &error));
  g_assert_no_error (error);
  rejected = care_outbox_list_rejected (f->office, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rejected->len, ==, 1);
  g_assert_nonnull (strstr (((CareMutation *) g_ptr_array_index (rejected, 0))->error, "Monday"));
}

/* A Saturday night in Sofia: no working time passes between the moment
 * the server computes a case's timers and the moment the client does, so
 * the two must be equal to the second although both clocks run on. */
#define WEEKEND_NOW "2026-12-05T01:00:00Z"

static char *saved_now;

static void
set_up_weekend (Fixture *f, gconstpointer data)
{
  saved_now = g_strdup (g_getenv (CARE_CLOCK_ENV));
  g_setenv (CARE_CLOCK_ENV, WEEKEND_NOW, TRUE); /* the server's clock, which it inherits */
  care_clock_pin (WEEKEND_NOW, NULL);
  set_up (f, data);
}

static void
tear_down_weekend (Fixture *f, gconstpointer data)
{
  tear_down (f, data);
  if (saved_now != NULL)
    g_setenv (CARE_CLOCK_ENV, saved_now, TRUE);
  else
    g_unsetenv (CARE_CLOCK_ENV);
  care_clock_pin (saved_now, NULL);
  g_clear_pointer (&saved_now, g_free);
}

/* Every change the server has, as a pull returns them: the raw answer,
 * with the members the sync engine reads and drops. */
static JsonArray *
pull_all (Fixture *f, CareSyncEngine *engine)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (f->url, "/api/v1/sync/pull?limit=500", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);
  g_autofree char *auth = g_strconcat ("Bearer ", care_sync_engine_get_token (engine), NULL);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *root;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             (gssize) g_bytes_get_size (body), &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_false (json_object_get_boolean_member (root, "has_more"));
  return json_array_ref (json_object_get_array_member (root, "changes"));
}

static void
freeze_at (const char *iso)
{
  g_autoptr (GDateTime) at = fx_time (iso);

  care_clock_freeze (at);
}

static CareRecord *
sla_case (Fixture *f, CareRecord *customer, const char *subject, const char *opened_at)
{
  g_autoptr (CareRecord) c = care_record_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));
  g_autoptr (GError) error = NULL;

  care_record_set_string (c, "customer_id", care_record_get_id (customer));
  care_record_set_string (c, "kind", "complaint");
  care_record_set_string (c, "subject", subject);
  care_record_set_string (c, "opened_at", opened_at);
  care_record_set_string (c, "priority", "normal");
  care_record_set_string (c, "status", "open");
  g_assert_true (care_sla_choose_policy (f->office, c, &error));
  g_assert_true (care_sla_save_case (f->office, c, NULL, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&c);
}

/* The server's `sla` member of each case equals what the clients compute
 * from the same records: breached, waiting (paused) and answered by a
 * call, and none for a case without a policy. */
static void
test_service_levels_server (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) customer = fx_customer (f->office, "Мария Петрова");
  g_autoptr (CareRecord) calendar =
      care_record_new (care_schema_entity (CARE_ENTITY_WORKING_CALENDAR));
  g_autoptr (CareRecord) policy = care_record_new (care_schema_entity (CARE_ENTITY_SLA_POLICY));
  g_autoptr (CareRecord) call = care_record_new (care_schema_entity (CARE_ENTITY_CALL_LOG));
  g_autoptr (CareRecord) late = NULL;
  g_autoptr (CareRecord) waiting = NULL;
  g_autoptr (CareRecord) called = NULL;
  g_autoptr (CareRecord) unpromised = NULL;
  g_autoptr (JsonArray) changes = NULL;
  g_autoptr (GError) error = NULL;
  const char *days[] = { "monday", "tuesday", "wednesday", "thursday", "friday" };
  guint       n_cases = 0, n_states[CARE_SLA_STATE_BREACHED + 1] = { 0 };

  care_record_set_string (calendar, "name", "Пловдив");
  care_record_set_string (calendar, "time_zone", "Europe/Sofia");
  care_record_set_string (calendar, "holidays", "BG");
  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    care_record_set_string (calendar, days[i], "09:00-18:00");
  fx_save (f->office, calendar);
  care_record_set_string (policy, "name", "Normal");
  care_record_set_string (policy, "calendar_id", care_record_get_id (calendar));
  care_record_set_string (policy, "priority", "normal");
  care_record_set_int (policy, "first_response_minutes", 120);
  care_record_set_int (policy, "resolution_minutes", 1200);
  fx_save (f->office, policy);

  /* The moves are stamped by the clock: each at its own instant of
   * Friday, before the night both clocks run on in. */
  freeze_at ("2026-12-04T13:00:00Z");
  /* Friday 15:00 in Sofia, answered at 16:00, waiting on the customer since 16:30. */
  waiting = sla_case (f, customer, "Чака части", "2026-12-04T13:00:00Z");
  freeze_at ("2026-12-04T14:00:00Z");
  g_assert_true (care_case_transition (waiting, "in_progress", NULL, &error));
  g_assert_true (care_sla_save_case (f->office, waiting, "open", NULL, &error));
  freeze_at ("2026-12-04T14:30:00Z");
  g_assert_true (care_case_transition (waiting, "waiting", NULL, &error));
  g_assert_true (care_sla_save_case (f->office, waiting, "in_progress", NULL, &error));
  g_assert_no_error (error);
  freeze_at ("2026-12-04T18:30:00Z");
  /* Thursday 10:00, never answered: breached. */
  late = sla_case (f, customer, "Не се включва", "2026-12-03T08:00:00Z");
  /* Friday 17:00, answered by a call on the case at 17:30. */
  called = sla_case (f, customer, "Тече вода", "2026-12-04T15:00:00Z");
  care_record_set_string (call, "customer_id", care_record_get_id (customer));
  care_record_set_string (call, "case_id", care_record_get_id (called));
  care_record_set_string (call, "called_at", "2026-12-04T15:30:00Z");
  care_record_set_string (call, "direction", "outbound");
  care_record_set_string (call, "subject", "Обратно обаждане");
  care_record_set_string (call, "outcome", "information_given");
  fx_save (f->office, call);
  /* High priority: no policy matches. */
  unpromised = care_record_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));
  care_record_set_string (unpromised, "customer_id", care_record_get_id (customer));
  care_record_set_string (unpromised, "kind", "question");
  care_record_set_string (unpromised, "subject", "Въпрос");
  care_record_set_string (unpromised, "opened_at", "2026-12-04T09:00:00Z");
  care_record_set_string (unpromised, "priority", "high");
  care_record_set_string (unpromised, "status", "open");
  g_assert_true (care_sla_choose_policy (f->office, unpromised, &error));
  g_assert_null (care_record_get_string (unpromised, "sla_policy_id"));
  g_assert_true (care_sla_save_case (f->office, unpromised, NULL, NULL, &error));
  g_assert_no_error (error);
  care_clock_pin (WEEKEND_NOW, NULL);

  sync_once (f->office_sync);
  sync_once (f->field_sync);

  changes = pull_all (f, f->field_sync);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      const char *id = json_object_get_string_member (change, "id");
      g_autoptr (CareRecord) here = NULL;
      g_autoptr (CareSla) sla = NULL;
      g_autoptr (JsonNode) expected = NULL;
      g_autofree char *server_text = NULL;
      g_autofree char *client_text = NULL;

      if (!g_str_equal (json_object_get_string_member (change, "entity"), "service_case"))
        {
          g_assert_false (json_object_has_member (change, "sla"));
          continue;
        }
      g_assert_true (json_object_has_member (change, "sla"));
      here = care_store_load (f->field, care_schema_entity (CARE_ENTITY_SERVICE_CASE), id, &error);
      g_assert_no_error (error);
      sla = care_sla_load (f->field, here, &error);
      g_assert_no_error (error);
      expected = care_sla_to_json (sla);
      server_text = json_to_string (json_object_get_member (change, "sla"), TRUE);
      client_text = json_to_string (expected, TRUE);
      g_assert_cmpstr (server_text, ==, client_text);
      n_states[care_sla_get_state (sla)]++;
      n_cases++;
    }

  g_assert_cmpuint (n_cases, ==, 4);
  g_assert_cmpuint (n_states[CARE_SLA_STATE_NONE], ==, 1);
  g_assert_cmpuint (n_states[CARE_SLA_STATE_BREACHED], >=, 1);
  {
    g_autoptr (CareSla) w = care_sla_load (f->field, waiting, &error);

    g_assert_no_error (error);
    g_assert_true (w->paused);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  server_path = g_strdup (g_getenv ("AFTERCARE_SERVER"));
  if (server_path == NULL)
    {
      g_printerr ("AFTERCARE_SERVER must name the aftercare-server binary\n");
      return 1;
    }

  g_test_add ("/workflow-sync/visit-round-trip", Fixture, NULL, set_up, test_visit_round_trip,
              tear_down);
  g_test_add ("/workflow-sync/follow-up-once-across-devices", Fixture, NULL, set_up,
              test_follow_up_once_across_devices, tear_down);
  g_test_add ("/workflow-sync/tax-number", Fixture, NULL, set_up, test_tax_number, tear_down);
  g_test_add ("/workflow-sync/service-levels", Fixture, NULL, set_up, test_service_levels,
              tear_down);
  g_test_add ("/workflow-sync/service-levels-server", Fixture, NULL, set_up_weekend,
              test_service_levels_server, tear_down_weekend);

  return g_test_run ();
}
