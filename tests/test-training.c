/* test-training.c: seats, the waitlist, promotions and double enrolments. */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "care-store-private.h"
#include "care-training.h"

typedef struct
{
  char      *dir;
  CareStore *store;
  char      *session;
  GPtrArray *contacts; /* char* ids */
} Fixture;

static char *
save (CareStore *store, CareRecord *r)
{
  g_autoptr (GError) error = NULL;

  care_store_save (store, r, &error);
  g_assert_no_error (error);
  return g_strdup (care_record_get_id (r));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (CareRecord) customer = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (CareRecord) course =
      care_record_new (care_schema_entity (CARE_ENTITY_TRAINING_COURSE));
  g_autoptr (CareRecord) session =
      care_record_new (care_schema_entity (CARE_ENTITY_TRAINING_SESSION));
  g_autofree char *customer_id = NULL;
  g_autofree char *course_id = NULL;

  f->dir = g_dir_make_tmp ("care-training-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "store.db", NULL);
  f->store = care_store_new (path, &error);
  g_assert_no_error (error);

  care_record_set_string (customer, "kind", "company");
  care_record_set_string (customer, "name", "Padaria Lda");
  customer_id = save (f->store, customer);

  care_record_set_string (course, "title", "Ledger basics");
  course_id = save (f->store, course);

  care_record_set_string (session, "course_id", course_id);
  care_record_set_string (session, "start_at", "2026-03-03T09:00:00Z");
  care_record_set_string (session, "end_at", "2026-03-03T12:00:00Z");
  care_record_set_int (session, "seats", 2);
  f->session = save (f->store, session);

  f->contacts = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr (CareRecord) contact = care_record_new (care_schema_entity (CARE_ENTITY_CONTACT));
      g_autofree char *name = g_strdup_printf ("Contact %u", i);

      care_record_set_string (contact, "customer_id", customer_id);
      care_record_set_string (contact, "name", name);
      g_ptr_array_add (f->contacts, save (f->store, contact));
    }
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "store.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_assert_finalize_object (f->store);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->session);
  g_ptr_array_unref (f->contacts);
}

static const char *
contact (Fixture *f, guint i)
{
  return g_ptr_array_index (f->contacts, i);
}

static CareRecord *
enrol (Fixture *f, guint i, const char *expected_status)
{
  g_autoptr (GError) error = NULL;
  CareRecord *r = care_training_enrol (f->store, f->session, contact (f, i), &error);

  g_assert_no_error (error);
  g_assert_nonnull (r);
  g_assert_cmpstr (care_record_get_string (r, "status"), ==, expected_status);
  return r;
}

static const char *
status_of (Fixture *f, CareRecord *enrolment)
{
  static char *status;
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) r = care_store_load (f->store, care_schema_entity (CARE_ENTITY_ENROLMENT),
                                              care_record_get_id (enrolment), &error);

  g_assert_no_error (error);
  g_free (status);
  status = g_strdup (care_record_get_string (r, "status"));
  return status;
}

static void
assert_seats (Fixture *f, guint seats, guint confirmed, guint waitlisted, guint free_seats)
{
  g_autoptr (GError) error = NULL;
  CareSeatCount count;

  g_assert_true (care_training_count_seats (f->store, f->session, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count.seats, ==, seats);
  g_assert_cmpuint (count.confirmed, ==, confirmed);
  g_assert_cmpuint (count.waitlisted, ==, waitlisted);
  g_assert_cmpuint (count.free, ==, free_seats);
}

static void
test_full_session_waitlists (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) a = NULL;
  g_autoptr (CareRecord) b = NULL;
  g_autoptr (CareRecord) c = NULL;

  assert_seats (f, 2, 0, 0, 2);
  a = enrol (f, 0, "confirmed");
  assert_seats (f, 2, 1, 0, 1);
  b = enrol (f, 1, "confirmed");
  assert_seats (f, 2, 2, 0, 0);
  c = enrol (f, 2, "waitlisted");
  assert_seats (f, 2, 2, 1, 0);
  g_assert_nonnull (care_record_get_string (c, "enrolled_at"));
  g_assert_false (care_record_get_bool (c, "attended"));
}

static void
test_cancel_promotes_oldest (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) a = enrol (f, 0, "confirmed");
  g_autoptr (CareRecord) b = enrol (f, 1, "confirmed");
  g_autoptr (CareRecord) c = enrol (f, 2, "waitlisted");
  g_autoptr (CareRecord) d = enrol (f, 3, "waitlisted");
  g_autoptr (CareRecord) promoted = NULL;
  g_autoptr (CareRecord) none = NULL;
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *stmt;
  guint         outbox_before = care_store_outbox_count (f->store);

  /* Make d the older of the two by its enrolment time, not its row order. */
  care_record_set_string (d, "enrolled_at", "2020-01-01T00:00:00Z");
  care_store_save (f->store, d, &error);
  g_assert_no_error (error);
  outbox_before = care_store_outbox_count (f->store);

  g_assert_true (care_training_cancel (f->store, care_record_get_id (a), &promoted, &error));
  g_assert_no_error (error);
  g_assert_nonnull (promoted);
  g_assert_cmpstr (care_record_get_id (promoted), ==, care_record_get_id (d));
  g_assert_cmpstr (status_of (f, a), ==, "cancelled");
  g_assert_cmpstr (status_of (f, d), ==, "confirmed");
  g_assert_cmpstr (status_of (f, c), ==, "waitlisted");
  assert_seats (f, 2, 2, 1, 0);

  /* Both changes travel to the server: the cancellation and the promotion. */
  stmt = care_store_prepare (
      f->store, "SELECT count(*) FROM outbox WHERE entity = 'enrolment' AND record_id IN (?, ?)",
      NULL);
  sqlite3_bind_text (stmt, 1, care_record_get_id (a), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, care_record_get_id (d), -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), >=, 2);
  sqlite3_reset (stmt);
  g_assert_cmpuint (care_store_outbox_count (f->store), >, outbox_before);

  /* Cancelling a waitlisted enrolment frees no seat and promotes nobody. */
  g_assert_true (care_training_cancel (f->store, care_record_get_id (c), &none, &error));
  g_assert_no_error (error);
  g_assert_null (none);
  assert_seats (f, 2, 2, 0, 0);

  /* A cancelled enrolment cannot be cancelled twice. */
  g_assert_false (care_training_cancel (f->store, care_record_get_id (a), NULL, &error));
  g_assert_error (error, CARE_TRAINING_ERROR, CARE_TRAINING_ERROR_NOT_ACTIVE);
  (void) b;
}

static void
test_reducing_seats (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) a = enrol (f, 0, "confirmed");
  g_autoptr (CareRecord) b = enrol (f, 1, "confirmed");
  g_autoptr (CareRecord) c = NULL;
  g_autoptr (CareRecord) d = NULL;
  g_autoptr (CareRecord) session = NULL;
  g_autoptr (CareRecord) promoted = NULL;
  g_autoptr (GPtrArray) filled = NULL;
  g_autoptr (GError) error = NULL;

  session = care_store_load (f->store, care_schema_entity (CARE_ENTITY_TRAINING_SESSION),
                             f->session, &error);
  g_assert_no_error (error);
  care_record_set_int (session, "seats", 1);
  care_store_save (f->store, session, &error);
  g_assert_no_error (error);

  /* Nobody already confirmed loses a seat, and no seat is free. */
  assert_seats (f, 1, 2, 0, 0);
  g_assert_cmpstr (status_of (f, a), ==, "confirmed");
  g_assert_cmpstr (status_of (f, b), ==, "confirmed");
  c = enrol (f, 2, "waitlisted");

  /* One cancellation brings the session back to its seats: still no room. */
  g_assert_true (care_training_cancel (f->store, care_record_get_id (a), &promoted, &error));
  g_assert_no_error (error);
  g_assert_null (promoted);
  assert_seats (f, 1, 1, 1, 0);

  /* More seats: the waitlist gets them first, then newcomers. */
  care_record_set_int (session, "seats", 3);
  care_store_save (f->store, session, &error);
  g_assert_no_error (error);
  assert_seats (f, 3, 1, 1, 2);
  g_assert_true (care_training_fill_seats (f->store, f->session, &filled, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (filled->len, ==, 1);
  g_assert_cmpstr (status_of (f, c), ==, "confirmed");
  d = enrol (f, 3, "confirmed");
  assert_seats (f, 3, 3, 0, 0);
}

static void
test_double_enrolment (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) a = enrol (f, 0, "confirmed");
  g_autoptr (CareRecord) again = NULL;
  g_autoptr (CareRecord) w = NULL;
  g_autoptr (CareRecord) back = NULL;
  g_autoptr (GError) error = NULL;
  guint outbox = care_store_outbox_count (f->store);

  again = care_training_enrol (f->store, f->session, contact (f, 0), &error);
  g_assert_error (error, CARE_TRAINING_ERROR, CARE_TRAINING_ERROR_ALREADY_ENROLLED);
  g_assert_null (again);
  g_clear_error (&error);
  g_assert_cmpuint (care_store_outbox_count (f->store), ==, outbox);
  assert_seats (f, 2, 1, 0, 1);

  /* A waitlisted contact is enrolled too. */
  enrol (f, 1, "confirmed");
  w = enrol (f, 2, "waitlisted");
  again = care_training_enrol (f->store, f->session, contact (f, 2), &error);
  g_assert_error (error, CARE_TRAINING_ERROR, CARE_TRAINING_ERROR_ALREADY_ENROLLED);
  g_clear_error (&error);

  /* After cancelling, the contact may enrol again (at the back of the queue). */
  g_assert_true (care_training_cancel (f->store, care_record_get_id (a), NULL, &error));
  g_assert_no_error (error);
  back = enrol (f, 0, "waitlisted");
  g_assert_cmpstr (status_of (f, w), ==, "confirmed");
}

static void
test_unknown_session (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) r =
      care_training_enrol (f->store, "no-such-session", contact (f, 0), &error);
  CareSeatCount count;

  g_assert_null (r);
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (care_training_count_seats (f->store, "no-such-session", &count, &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/training/full-session-waitlists", Fixture, NULL, fixture_setup,
              test_full_session_waitlists, fixture_teardown);
  g_test_add ("/training/cancel-promotes-oldest", Fixture, NULL, fixture_setup,
              test_cancel_promotes_oldest, fixture_teardown);
  g_test_add ("/training/reducing-seats", Fixture, NULL, fixture_setup, test_reducing_seats,
              fixture_teardown);
  g_test_add ("/training/double-enrolment", Fixture, NULL, fixture_setup, test_double_enrolment,
              fixture_teardown);
  g_test_add ("/training/unknown-session", Fixture, NULL, fixture_setup, test_unknown_session,
              fixture_teardown);

  return g_test_run ();
}
