/* test-survey.c: a survey is about exactly one thing; averages per customer and overall. */
#include "config.h"

#include "care-json.h"
#include "care-survey.h"
#include "care-workflow.h"
#include "workflow-fixtures.h"

typedef struct
{
  CareStore  *store;
  CareRecord *ana;
  CareRecord *ivan;
  CareRecord *visit;
  CareRecord *ivan_visit;
  CareRecord *session;
  CareRecord *ivan_contact;
} Fixture;

static void
set_up (Fixture *f, gconstpointer data)
{
  CareRecord *course = care_record_new (care_schema_entity (CARE_ENTITY_TRAINING_COURSE));

  f->store = fx_store ();
  f->ana = fx_customer (f->store, "Ana Silva");
  f->ivan = fx_customer (f->store, "Иван Иванов");
  f->visit = fx_appointment (f->store, f->ana, NULL, "repair", "2026-11-20T09:00:00Z",
                             "2026-11-20T10:00:00Z", "done");
  f->ivan_visit = fx_appointment (f->store, f->ivan, NULL, "repair", "2026-11-20T09:00:00Z",
                                  "2026-11-20T10:00:00Z", "done");

  care_record_set_string (course, "title", "LedgerOne basics");
  fx_save (f->store, course);
  f->session = care_record_new (care_schema_entity (CARE_ENTITY_TRAINING_SESSION));
  care_record_set_string (f->session, "course_id", care_record_get_id (course));
  care_record_set_string (f->session, "start_at", "2026-11-10T09:00:00Z");
  care_record_set_string (f->session, "end_at", "2026-11-10T12:00:00Z");
  care_record_set_int (f->session, "seats", 10);
  fx_save (f->store, f->session);
  g_object_unref (course);

  f->ivan_contact = care_record_new (care_schema_entity (CARE_ENTITY_CONTACT));
  care_record_set_string (f->ivan_contact, "customer_id", care_record_get_id (f->ivan));
  care_record_set_string (f->ivan_contact, "name", "Иван Иванов");
  fx_save (f->store, f->ivan_contact);
}

static void
tear_down (Fixture *f, gconstpointer data)
{
  g_object_unref (f->ivan_contact);
  g_object_unref (f->session);
  g_object_unref (f->ivan_visit);
  g_object_unref (f->visit);
  g_object_unref (f->ivan);
  g_object_unref (f->ana);
  g_object_unref (f->store);
}

static CareRecord *
answer (Fixture *f, CareRecord *subject, const char *contact_id, gint64 score)
{
  g_autoptr (GError) error = NULL;
  CareRecord *s = care_survey_new_for (f->store, subject, contact_id, &error);

  g_assert_no_error (error);
  care_record_set_int (s, "score", score);
  return fx_save (f->store, s);
}

static void
test_exactly_one_subject (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) s = care_record_new (care_schema_entity (CARE_ENTITY_SURVEY));
  g_autoptr (GError) error = NULL;
  const char *bad = NULL;

  care_record_set_string (s, "customer_id", care_record_get_id (f->ana));
  care_record_set_int (s, "score", 4);
  care_record_set_string (s, "answered_at", "2026-11-23T10:00:00Z");

  g_assert_false (care_record_validate (s, &bad, &error));
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_REQUIRED);
  g_assert_cmpstr (bad, ==, "case_id");
  g_clear_error (&error);

  care_record_set_string (s, "appointment_id", care_record_get_id (f->visit));
  care_record_set_string (s, "session_id", care_record_get_id (f->session));
  g_assert_false (care_store_save (f->store, s, &error));
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "exactly one"));
  g_clear_error (&error);

  care_record_set_string (s, "session_id", NULL);
  g_assert_true (care_store_save (f->store, s, &error));
  g_assert_no_error (error);

  /* The score is 1 to 5. */
  care_record_set_int (s, "score", 6);
  g_assert_false (care_store_save (f->store, s, &error));
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  care_record_set_int (s, "score", 0);
  g_assert_false (care_store_save (f->store, s, NULL));
}

/* JSON from a peer gets the same rule: the server validates the same way. */
static void
test_exactly_one_from_json (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) s = care_record_new (care_schema_entity (CARE_ENTITY_SURVEY));
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *json = g_strdup_printf ("{\"customer_id\":\"%s\",\"case_id\":null,\"score\":3,"
                                           "\"answered_at\":\"2026-11-23T10:00:00Z\"}",
                                           care_record_get_id (f->ana));

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  care_json_set_record (s, json_node_get_object (json_parser_get_root (parser)), NULL);
  g_assert_false (care_record_validate (s, NULL, NULL));
}

static void
test_new_for (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) by_visit = answer (f, f->visit, NULL, 5);
  g_autoptr (CareRecord) by_session =
      answer (f, f->session, care_record_get_id (f->ivan_contact), 3);
  g_autoptr (CareRecord) wrong = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (care_record_get_string (by_visit, "customer_id"), ==,
                   care_record_get_id (f->ana));
  g_assert_cmpstr (care_record_get_string (by_visit, "appointment_id"), ==,
                   care_record_get_id (f->visit));
  g_assert_cmpstr (care_record_get_string (by_session, "customer_id"), ==,
                   care_record_get_id (f->ivan));
  g_assert_cmpstr (care_record_get_string (by_session, "session_id"), ==,
                   care_record_get_id (f->session));
  g_assert_cmpstr (care_survey_subject_field (f->visit), ==, "appointment_id");
  g_assert_cmpstr (care_survey_subject_field (f->session), ==, "session_id");
  /* Surveys are not about customers or about other surveys. */
  g_assert_null (care_survey_subject_field (f->ana));
  g_assert_null (care_survey_subject_field (by_visit));

  /* A class survey needs its participant; a visit's survey must come from its customer. */
  wrong = care_survey_new_for (f->store, f->session, NULL, &error);
  g_assert_null (wrong);
  g_assert_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID);
  g_clear_error (&error);
  wrong = care_survey_new_for (f->store, f->visit, care_record_get_id (f->ivan_contact), &error);
  g_assert_null (wrong);
  g_assert_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID);
  g_clear_error (&error);
  wrong = care_survey_new_for (f->store, f->ana, NULL, &error);
  g_assert_null (wrong);
  g_assert_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID);
}

static void
test_stats (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) a1 = answer (f, f->visit, NULL, 5);
  g_autoptr (CareRecord) a2 = answer (f, f->visit, NULL, 4);
  g_autoptr (CareRecord) i1 = answer (f, f->ivan_visit, NULL, 1);
  g_autoptr (CareRecord) gone = answer (f, f->ivan_visit, NULL, 5);
  g_auto (CareSurveyStats) all = { 0 };
  g_auto (CareSurveyStats) ana = { 0 };
  g_auto (CareSurveyStats) nobody = { 0 };
  g_autoptr (GPtrArray) per_customer = NULL;
  CareSurveyStats *worst;

  /* A deleted survey no longer counts. */
  g_assert_true (care_store_delete (f->store, care_schema_entity (CARE_ENTITY_SURVEY),
                                    care_record_get_id (gone), NULL));

  g_assert_true (care_survey_stats (f->store, NULL, &all, NULL));
  g_assert_cmpuint (all.count, ==, 3);
  g_assert_cmpfloat_with_epsilon (all.average, 10.0 / 3.0, 1e-9);

  g_assert_true (care_survey_stats (f->store, care_record_get_id (f->ana), &ana, NULL));
  g_assert_cmpuint (ana.count, ==, 2);
  g_assert_cmpfloat_with_epsilon (ana.average, 4.5, 1e-9);

  g_assert_true (
      care_survey_stats (f->store, "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10", &nobody, NULL));
  g_assert_cmpuint (nobody.count, ==, 0);
  g_assert_cmpfloat (nobody.average, ==, 0);

  per_customer = care_survey_customer_averages (f->store, 10, NULL);
  g_assert_cmpuint (per_customer->len, ==, 2);
  worst = g_ptr_array_index (per_customer, 0);
  g_assert_cmpstr (worst->customer_id, ==, care_record_get_id (f->ivan));
  g_assert_cmpuint (worst->count, ==, 1);
  g_assert_cmpfloat (worst->average, ==, 1.0);

  /* Deleting a customer deletes their surveys. */
  g_assert_true (care_store_delete (f->store, care_schema_entity (CARE_ENTITY_CUSTOMER),
                                    care_record_get_id (f->ana), NULL));
  g_assert_cmpuint (fx_count (f->store, "survey"), ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/survey/" path, Fixture, NULL, set_up, func, tear_down)
  ADD ("exactly-one-subject", test_exactly_one_subject);
  ADD ("exactly-one-from-json", test_exactly_one_from_json);
  ADD ("new-for", test_new_for);
  ADD ("stats", test_stats);
#undef ADD

  return g_test_run ();
}
