/* test-reminder.c: each reminder fires once; a moved or reassigned visit fires again. */
#include "config.h"

#include "care-reminder.h"
#include "workflow-fixtures.h"

#define NOW "2026-11-23T08:00:00Z"

static GPtrArray *
take (CareStore *store, guint days, const char *technician_id, guint hours)
{
  g_autoptr (GDateTime) now = fx_time (NOW);
  g_autoptr (GError) error = NULL;
  GPtrArray *due = care_reminders_take_due (store, now, days, technician_id, hours, &error);

  g_assert_no_error (error);
  g_assert_nonnull (due);
  return due;
}

static void
test_warranties (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Camille Dubois");
  /* One product each: none carries another's cover on. */
  g_autoptr (CareRecord) p1 = fx_product (store, customer, "PRN-1");
  g_autoptr (CareRecord) p2 = fx_product (store, customer, "PRN-2");
  g_autoptr (CareRecord) p3 = fx_product (store, customer, "PRN-3");
  g_autoptr (CareRecord) p4 = fx_product (store, customer, "PRN-4");
  g_autoptr (CareRecord) soon =
      fx_warranty (store, p1, "standard", "2024-12-03", "2026-12-03", TRUE, TRUE, 0);
  g_autoptr (CareRecord) today =
      fx_warranty (store, p2, "extended", "2025-11-23", "2026-11-23", TRUE, TRUE, 0);
  g_autoptr (CareRecord) later =
      fx_warranty (store, p3, "extended", "2025-01-01", "2027-01-10", TRUE, TRUE, 0);
  g_autoptr (CareRecord) expired =
      fx_warranty (store, p4, "standard", "2024-01-01", "2026-11-22", TRUE, TRUE, 0);
  g_autoptr (GPtrArray) first = take (store, 30, NULL, 0);
  g_autoptr (GPtrArray) second = NULL;
  g_autoptr (GPtrArray) third = NULL;
  g_autoptr (GPtrArray) fourth = NULL;
  CareReminder *r;

  g_assert_cmpuint (first->len, ==, 2);
  r = g_ptr_array_index (first, 0);
  g_assert_cmpint (r->kind, ==, CARE_REMINDER_WARRANTY_EXPIRING);
  g_assert_cmpstr (care_record_get_id (r->record), ==, care_record_get_id (today));
  g_assert_cmpstr (r->due, ==, "2026-11-23");
  r = g_ptr_array_index (first, 1);
  g_assert_cmpstr (care_record_get_id (r->record), ==, care_record_get_id (soon));

  /* Fired once. */
  second = take (store, 30, NULL, 0);
  g_assert_cmpuint (second->len, ==, 0);

  /* Extended: a new end date fires again when it comes near. */
  care_record_set_string (soon, "end_date", "2026-12-13");
  fx_save (store, soon);
  third = take (store, 30, NULL, 0);
  g_assert_cmpuint (third->len, ==, 1);
  g_assert_cmpstr (((CareReminder *) g_ptr_array_index (third, 0))->due, ==, "2026-12-13");

  /* A wider window brings the later one, once. */
  fourth = take (store, 60, NULL, 0);
  g_assert_cmpuint (fourth->len, ==, 1);
  g_assert_cmpstr (care_record_get_id (((CareReminder *) g_ptr_array_index (fourth, 0))->record),
                   ==, care_record_get_id (later));
}

static void
test_appointments (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Rok Zupan");
  g_autoptr (CareRecord) tech = fx_staff (store, "Eva Kranjc", "technician");
  g_autoptr (CareRecord) other = fx_staff (store, "Daniel Hughes", "technician");
  g_autoptr (CareRecord) a1 = fx_appointment (
      store, customer, NULL, "repair", "2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z", "planned");
  g_autoptr (CareRecord) far = fx_appointment (
      store, customer, NULL, "repair", "2026-11-24T14:00:00Z", "2026-11-24T15:00:00Z", "planned");
  g_autoptr (CareRecord) cancelled = fx_appointment (
      store, customer, NULL, "repair", "2026-11-23T09:00:00Z", "2026-11-23T10:00:00Z", "cancelled");
  g_autoptr (CareRecord) past = fx_appointment (
      store, customer, NULL, "repair", "2026-11-23T07:00:00Z", "2026-11-23T08:00:00Z", "planned");
  g_autoptr (CareRecord) theirs = fx_appointment (
      store, customer, NULL, "repair", "2026-11-23T11:00:00Z", "2026-11-23T12:00:00Z", "planned");
  g_autoptr (GPtrArray) first = NULL;
  g_autoptr (GPtrArray) second = NULL;
  g_autoptr (GPtrArray) unchanged = NULL;
  g_autoptr (GPtrArray) moved = NULL;
  g_autoptr (GPtrArray) for_other = NULL;
  g_autoptr (GPtrArray) nobody = NULL;
  CareRecord *mine[] = { a1, far, cancelled, past };

  for (guint i = 0; i < G_N_ELEMENTS (mine); i++)
    {
      care_record_set_string (mine[i], "technician_id", care_record_get_id (tech));
      fx_save (store, mine[i]);
    }
  care_record_set_string (theirs, "technician_id", care_record_get_id (other));
  fx_save (store, theirs);

  /* The next 24 hours, this technician, planned, not yet begun. */
  first = take (store, 0, care_record_get_id (tech), 24);
  g_assert_cmpuint (first->len, ==, 1);
  g_assert_cmpint (((CareReminder *) g_ptr_array_index (first, 0))->kind, ==,
                   CARE_REMINDER_APPOINTMENT);
  g_assert_cmpstr (care_record_get_id (((CareReminder *) g_ptr_array_index (first, 0))->record), ==,
                   care_record_get_id (a1));
  second = take (store, 0, care_record_get_id (tech), 24);
  g_assert_cmpuint (second->len, ==, 0);

  /* New notes are no reason to remind again. */
  care_record_set_string (a1, "notes", "Bring the long ladder.");
  fx_save (store, a1);
  unchanged = take (store, 0, care_record_get_id (tech), 24);
  g_assert_cmpuint (unchanged->len, ==, 0);

  /* Moved: the new time is news. */
  care_record_set_string (a1, "start_at", "2026-11-23T13:00:00Z");
  care_record_set_string (a1, "end_at", "2026-11-23T14:00:00Z");
  fx_save (store, a1);
  moved = take (store, 0, care_record_get_id (tech), 24);
  g_assert_cmpuint (moved->len, ==, 1);
  g_assert_cmpstr (((CareReminder *) g_ptr_array_index (moved, 0))->due, ==,
                   "2026-11-23T13:00:00Z");

  /* Handed to a colleague: they hear about it (with their own visit). */
  care_record_set_string (a1, "technician_id", care_record_get_id (other));
  fx_save (store, a1);
  for_other = take (store, 0, care_record_get_id (other), 24);
  g_assert_cmpuint (for_other->len, ==, 2);

  nobody = take (store, 0, NULL, 24);
  g_assert_cmpuint (nobody->len, ==, 0);
}

/* An extension that starts the day after keeps the product covered: no
 * reminder for the warranty it follows, one for the extension's own end. */
static void
test_continued_cover (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Oliver Evans");
  g_autoptr (CareRecord) product = fx_product (store, customer, "PRN-3");
  g_autoptr (CareRecord) other = fx_product (store, customer, "PRN-4");
  g_autoptr (CareRecord) standard =
      fx_warranty (store, product, "standard", "2024-12-01", "2026-12-01", TRUE, TRUE, 0);
  g_autoptr (CareRecord) extension =
      fx_warranty (store, product, "extended", "2026-12-02", "2026-12-20", TRUE, TRUE, 0);
  g_autoptr (CareRecord) lapsing =
      fx_warranty (store, other, "standard", "2024-12-01", "2026-12-01", TRUE, TRUE, 0);
  g_autoptr (CareRecord) gap =
      fx_warranty (store, other, "extended", "2026-12-05", "2028-12-01", TRUE, TRUE, 0);
  g_autoptr (GPtrArray) due = take (store, 30, NULL, 0);

  g_assert_cmpuint (due->len, ==, 2);
  g_assert_cmpstr (care_record_get_id (((CareReminder *) g_ptr_array_index (due, 0))->record), ==,
                   care_record_get_id (lapsing));
  g_assert_cmpstr (care_record_get_id (((CareReminder *) g_ptr_array_index (due, 1))->record), ==,
                   care_record_get_id (extension));
}

/* Fired reminders are this device's business: nothing goes to the outbox. */
static void
test_local_only (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Grace Walker");
  g_autoptr (CareRecord) product = fx_product (store, customer, "PRN-2");
  g_autoptr (CareRecord) w =
      fx_warranty (store, product, "standard", "2024-12-03", "2026-12-03", TRUE, TRUE, 0);
  guint outbox = care_store_outbox_count (store);
  g_autoptr (GPtrArray) due = take (store, 30, NULL, 0);

  g_assert_cmpuint (due->len, ==, 1);
  g_assert_cmpuint (care_store_outbox_count (store), ==, outbox);
}

/* A reminder computed elsewhere (a case at risk) fires once per key. */
static void
test_take_once (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (GDateTime) now = fx_time ("2026-12-03T10:00:00Z");
  g_autoptr (GError) error = NULL;
  gboolean first = FALSE;

  g_assert_true (care_reminder_take_once (store, "sla", "case-1", "at_risk", now, &first, &error));
  g_assert_no_error (error);
  g_assert_true (first);
  g_assert_true (care_reminder_take_once (store, "sla", "case-1", "at_risk", now, &first, &error));
  g_assert_false (first);
  /* Another case, or the same one about something else, is news. */
  g_assert_true (care_reminder_take_once (store, "sla", "case-2", "at_risk", now, &first, &error));
  g_assert_true (first);
  g_assert_true (care_reminder_take_once (store, "sla", "case-1", "other", now, &first, &error));
  g_assert_true (first);
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reminder/warranties", test_warranties);
  g_test_add_func ("/reminder/appointments", test_appointments);
  g_test_add_func ("/reminder/continued-cover", test_continued_cover);
  g_test_add_func ("/reminder/local-only", test_local_only);
  g_test_add_func ("/reminder/take-once", test_take_once);

  return g_test_run ();
}
