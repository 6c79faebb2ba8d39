/* test-timeline.c: a customer's interactions merged from four tables. */
#include "config.h"

#include "care-clock.h"
#include "care-timeline.h"

static CareRecord *
record (const char *entity)
{
  return care_record_new (care_schema_lookup (entity));
}

static void
save (CareStore *store, CareRecord *r)
{
  g_autoptr (GError) error = NULL;

  care_store_save (store, r, &error);
  g_assert_no_error (error);
}

static CareRecord *
customer (CareStore *store, const char *name)
{
  CareRecord *c = record ("customer");

  care_record_set_string (c, "kind", "company");
  care_record_set_string (c, "name", name);
  save (store, c);
  return c;
}

static void
add_call (CareStore *store, CareRecord *c, const char *at, const char *subject)
{
  g_autoptr (CareRecord) call = record ("call_log");

  care_record_set_string (call, "customer_id", care_record_get_id (c));
  care_record_set_string (call, "called_at", at);
  care_record_set_string (call, "direction", "inbound");
  care_record_set_string (call, "subject", subject);
  care_record_set_string (call, "outcome", "resolved");
  save (store, call);
}

static void
test_merge_order (void)
{
  g_autoptr (CareStore) store = care_store_new (":memory:", NULL);
  g_autoptr (CareRecord) c = customer (store, "Müller GmbH");
  g_autoptr (CareRecord) other = customer (store, "Other");
  g_autoptr (CareRecord) k = record ("contact");
  g_autoptr (CareRecord) sc = record ("service_case");
  g_autoptr (CareRecord) visit = record ("appointment");
  g_autoptr (CareRecord) planned = record ("appointment");
  g_autoptr (CareRecord) course = record ("training_course");
  g_autoptr (CareRecord) session = record ("training_session");
  g_autoptr (CareRecord) enrolment = record ("enrolment");
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  CareTimelineEntry *e;

  care_record_set_string (k, "customer_id", care_record_get_id (c));
  care_record_set_string (k, "name", "Anna Weber");
  save (store, k);

  add_call (store, c, "2026-03-01T09:00:00Z", "Printer jams");
  add_call (store, other, "2026-03-05T09:00:00Z", "Not this customer");

  care_record_set_string (sc, "customer_id", care_record_get_id (c));
  care_record_set_string (sc, "kind", "repair");
  care_record_set_string (sc, "subject", "Paper feed broken");
  care_record_set_string (sc, "opened_at", "2026-03-02T10:00:00Z");
  care_record_set_string (sc, "priority", "normal");
  care_record_set_string (sc, "status", "open");
  save (store, sc);

  care_record_set_string (visit, "customer_id", care_record_get_id (c));
  care_record_set_string (visit, "kind", "repair");
  care_record_set_string (visit, "start_at", "2026-03-04T08:00:00Z");
  care_record_set_string (visit, "end_at", "2026-03-04T09:00:00Z");
  care_record_set_string (visit, "status", "done");
  save (store, visit);

  /* Planned after "until": not yet part of the history. */
  care_record_set_string (planned, "customer_id", care_record_get_id (c));
  care_record_set_string (planned, "kind", "maintenance");
  care_record_set_string (planned, "start_at", "2026-06-01T08:00:00Z");
  care_record_set_string (planned, "end_at", "2026-06-01T09:00:00Z");
  care_record_set_string (planned, "status", "planned");
  save (store, planned);

  care_record_set_string (course, "title", "Spreadsheets for beginners");
  save (store, course);
  care_record_set_string (session, "course_id", care_record_get_id (course));
  care_record_set_string (session, "start_at", "2026-04-01T08:00:00Z");
  care_record_set_string (session, "end_at", "2026-04-01T16:00:00Z");
  care_record_set_int (session, "seats", 10);
  save (store, session);
  care_record_set_string (enrolment, "session_id", care_record_get_id (session));
  care_record_set_string (enrolment, "contact_id", care_record_get_id (k));
  care_record_set_string (enrolment, "status", "confirmed");
  care_record_set_string (enrolment, "enrolled_at", "2026-03-03T12:00:00Z");
  save (store, enrolment);

  entries = care_timeline_load (store, care_record_get_id (c), "2026-05-01T00:00:00Z", 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 4);

  e = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (e->entity->name, ==, "appointment");
  g_assert_cmpstr (e->kind, ==, "repair");
  g_assert_cmpstr (e->status, ==, "done");
  e = g_ptr_array_index (entries, 1);
  g_assert_cmpstr (e->entity->name, ==, "enrolment");
  g_assert_cmpstr (e->title, ==, "Spreadsheets for beginners");
  g_assert_cmpstr (e->person, ==, "Anna Weber");
  e = g_ptr_array_index (entries, 2);
  g_assert_cmpstr (e->entity->name, ==, "service_case");
  g_assert_cmpstr (e->title, ==, "Paper feed broken");
  e = g_ptr_array_index (entries, 3);
  g_assert_cmpstr (e->entity->name, ==, "call_log");
  g_assert_cmpstr (e->title, ==, "Printer jams");
  g_assert_cmpstr (e->at, ==, "2026-03-01T09:00:00Z");

  /* The limit bounds the merged list, newest kept. */
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = care_timeline_load (store, care_record_get_id (c), "2026-05-01T00:00:00Z", 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (((CareTimelineEntry *) g_ptr_array_index (entries, 1))->entity->name, ==,
                   "enrolment");

  /* Deleted records leave the history. */
  care_store_delete (store, care_schema_entity (CARE_ENTITY_SERVICE_CASE), care_record_get_id (sc),
                     &error);
  g_assert_no_error (error);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = care_timeline_load (store, care_record_get_id (c), "2026-05-01T00:00:00Z", 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);
}

static void
test_now_and_empty (void)
{
  g_autoptr (CareStore) store = care_store_new (":memory:", NULL);
  g_autoptr (CareRecord) c = customer (store, "Quiet Ltd");
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;

  entries = care_timeline_load (store, care_record_get_id (c), NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);

  /* A call logged a moment ago is in the history up to "now". */
  {
    g_autofree char *now = care_clock_now_iso ();
    add_call (store, c, now, "Just now");
  }
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = care_timeline_load (store, care_record_get_id (c), NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);

  /* An unknown customer has no history; a hostile id is only a value. */
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = care_timeline_load (store, "x' OR 1=1 --", NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/timeline/merge-order", test_merge_order);
  g_test_add_func ("/timeline/now-and-empty", test_now_and_empty);
  return g_test_run ();
}
