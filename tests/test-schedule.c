/* test-schedule.c: clashes of a technician's appointments and a trainer's sessions. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sqlite3.h>

#include "care-schedule.h"
#include "care-store-private.h"

typedef struct
{
  char      *dir;
  CareStore *store;
  char      *tech;
  char      *other_tech;
  char      *trainer;
  char      *customer;
  char      *course;
} Fixture;

static char *
save_new (CareStore *store, const char *entity, ...)
{
  g_autoptr (CareRecord) r = care_record_new (care_schema_lookup (entity));
  g_autoptr (GError) error = NULL;
  const CareEntity *e = care_schema_lookup (entity);
  const char       *field;
  va_list           args;

  va_start (args, entity);
  while ((field = va_arg (args, const char *)) != NULL)
    {
      const char *text = va_arg (args, const char *);
      g_autoptr (GVariant) value = NULL;

      g_assert_true (care_field_parse (care_entity_lookup_field (e, field), text, &value, &error));
      g_assert_no_error (error);
      care_record_set_value (r, field, value);
    }
  va_end (args);

  care_store_save (store, r, &error);
  g_assert_no_error (error);
  return g_strdup (care_record_get_id (r));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("care-schedule-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "store.db", NULL);
  f->store = care_store_new (path, &error);
  g_assert_no_error (error);

  f->tech = save_new (f->store, "staff", "name", "Ana Tech", "role", "technician", NULL);
  f->other_tech = save_new (f->store, "staff", "name", "Rui Tech", "role", "technician", NULL);
  f->trainer = save_new (f->store, "staff", "name", "Teresa Trainer", "role", "trainer", NULL);
  f->customer = save_new (f->store, "customer", "kind", "company", "name", "Padaria Lda", NULL);
  f->course = save_new (f->store, "training_course", "title", "Ledger basics", NULL);
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
  g_free (f->tech);
  g_free (f->other_tech);
  g_free (f->trainer);
  g_free (f->customer);
  g_free (f->course);
}

static char *
book (Fixture *f, const char *tech, const char *start, const char *end, const char *status)
{
  return save_new (f->store, "appointment", "kind", "repair", "customer_id", f->customer,
                   "technician_id", tech, "start_at", start, "end_at", end, "status", status, NULL);
}

static guint
n_clashes (Fixture    *f,
           const char *entity,
           const char *person,
           const char *start,
           const char *end,
           const char *exclude)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found =
      care_schedule_find_clashes (f->store, entity, person, start, end, exclude, &error);

  g_assert_no_error (error);
  g_assert_nonnull (found);
  return found != NULL ? found->len : G_MAXUINT;
}

static void
test_overlap_rules (Fixture *f, gconstpointer data)
{
  g_autofree char *morning =
      book (f, f->tech, "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z", "planned");
  g_autofree char *noon =
      book (f, f->tech, "2026-03-02T12:00:00Z", "2026-03-02T13:00:00Z", "cancelled");
  g_autofree char *other =
      book (f, f->other_tech, "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z", "planned");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found = NULL;

  /* Overlapping at either end or inside. */
  g_assert_cmpuint (
      n_clashes (f, "appointment", f->tech, "2026-03-02T09:30:00Z", "2026-03-02T11:00:00Z", NULL),
      ==, 1);
  g_assert_cmpuint (
      n_clashes (f, "appointment", f->tech, "2026-03-02T08:00:00Z", "2026-03-02T09:01:00Z", NULL),
      ==, 1);
  g_assert_cmpuint (
      n_clashes (f, "appointment", f->tech, "2026-03-02T09:15:00Z", "2026-03-02T09:45:00Z", NULL),
      ==, 1);
  g_assert_cmpuint (
      n_clashes (f, "appointment", f->tech, "2026-03-02T08:00:00Z", "2026-03-02T18:00:00Z", NULL),
      ==, 1);
  /* Touching is not overlapping. */
  g_assert_cmpuint (
      n_clashes (f, "appointment", f->tech, "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z", NULL),
      ==, 0);
  g_assert_cmpuint (
      n_clashes (f, "appointment", f->tech, "2026-03-02T08:00:00Z", "2026-03-02T09:00:00Z", NULL),
      ==, 0);
  /* Cancelled ones are free time; the record never clashes with itself. */
  g_assert_cmpuint (
      n_clashes (f, "appointment", f->tech, "2026-03-02T12:30:00Z", "2026-03-02T12:45:00Z", NULL),
      ==, 0);
  g_assert_cmpuint (n_clashes (f, "appointment", f->tech, "2026-03-02T09:00:00Z",
                               "2026-03-02T10:00:00Z", morning),
                    ==, 0);
  /* Another technician's day is not this one's. */
  g_assert_cmpuint (n_clashes (f, "appointment", f->other_tech, "2026-03-02T09:30:00Z",
                               "2026-03-02T09:40:00Z", NULL),
                    ==, 1);
  /* Missing or reversed bounds find nothing rather than everything. */
  g_assert_cmpuint (n_clashes (f, "appointment", f->tech, NULL, "2026-03-02T10:00:00Z", NULL), ==,
                    0);
  g_assert_cmpuint (
      n_clashes (f, "appointment", f->tech, "2026-03-02T11:00:00Z", "2026-03-02T08:00:00Z", NULL),
      ==, 0);

  found = care_schedule_find_clashes (f->store, "appointment", f->tech, "2026-03-02T09:30:00Z",
                                      "2026-03-02T09:40:00Z", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (care_record_get_id (g_ptr_array_index (found, 0)), ==, morning);

  /* A deleted appointment frees the time. */
  care_store_delete (f->store, care_schema_entity (CARE_ENTITY_APPOINTMENT), morning, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (
      n_clashes (f, "appointment", f->tech, "2026-03-02T09:30:00Z", "2026-03-02T11:00:00Z", NULL),
      ==, 0);
  (void) noon;
  (void) other;
}

static void
test_record_clashes (Fixture *f, gconstpointer data)
{
  g_autofree char *booked =
      book (f, f->tech, "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z", "planned");
  g_autoptr (CareRecord) draft = care_record_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GPtrArray) none = NULL;

  care_record_set_string (draft, "technician_id", f->tech);
  care_record_set_string (draft, "start_at", "2026-03-02T09:30:00Z");
  care_record_set_string (draft, "end_at", "2026-03-02T10:30:00Z");
  care_record_set_string (draft, "status", "planned");
  found = care_schedule_find_record_clashes (f->store, draft, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (care_record_get_id (g_ptr_array_index (found, 0)), ==, booked);

  /* A draft without a technician clashes with nobody. */
  care_record_set_string (draft, "technician_id", NULL);
  none = care_schedule_find_record_clashes (f->store, draft, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_trainer_clashes (Fixture *f, gconstpointer data)
{
  g_autofree char *session = save_new (f->store, "training_session", "course_id", f->course,
                                       "trainer_id", f->trainer, "start_at", "2026-03-03T09:00:00Z",
                                       "end_at", "2026-03-03T12:00:00Z", "seats", "8", NULL);

  g_assert_cmpuint (n_clashes (f, "training_session", f->trainer, "2026-03-03T11:00:00Z",
                               "2026-03-03T14:00:00Z", NULL),
                    ==, 1);
  g_assert_cmpuint (n_clashes (f, "training_session", f->trainer, "2026-03-03T12:00:00Z",
                               "2026-03-03T14:00:00Z", NULL),
                    ==, 0);
  g_assert_cmpuint (n_clashes (f, "training_session", f->trainer, "2026-03-03T09:00:00Z",
                               "2026-03-03T12:00:00Z", session),
                    ==, 0);
  g_assert_cmpuint (n_clashes (f, "training_session", f->tech, "2026-03-03T11:00:00Z",
                               "2026-03-03T14:00:00Z", NULL),
                    ==, 0);
}

/* The lookup must stay an index search however many appointments there are. */
static void
test_uses_index (Fixture *f, gconstpointer data)
{
  sqlite3_stmt *stmt =
      care_store_prepare (f->store,
                          "EXPLAIN QUERY PLAN SELECT id FROM appointment WHERE technician_id = ?1"
                          " AND start_at < ?3 AND end_at > ?2 AND id != ?4 AND sync_state != 3"
                          " AND status != 'cancelled' ORDER BY start_at LIMIT 20",
                          NULL);
  GString *plan = g_string_new (NULL);

  g_assert_nonnull (stmt);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
  sqlite3_reset (stmt);

  g_test_message ("plan: %s", plan->str);
  g_assert_nonnull (strstr (plan->str, "appointment_technician"));
  g_assert_null (strstr (plan->str, "SCAN appointment"));
  g_string_free (plan, TRUE);
}

/* A new booking's end is set from its kind: a call is short, a repair long. */
static void
test_usual_minutes (void)
{
  g_assert_cmpint (care_schedule_usual_minutes ("follow_up_call"), <,
                   care_schedule_usual_minutes ("delivery"));
  g_assert_cmpint (care_schedule_usual_minutes ("repair"), >,
                   care_schedule_usual_minutes ("delivery"));
  g_assert_cmpint (care_schedule_usual_minutes (NULL), ==, 60);
  g_assert_cmpint (care_schedule_usual_minutes ("unknown"), ==, 60);
  /* Every kind has its own entry. */
  for (const char *const *k = care_schema_field (CARE_ENTITY_APPOINTMENT, "kind")->choices;
       *k != NULL; k++)
    g_assert_cmpint (care_schedule_usual_minutes (*k), >=, 15);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/schedule/overlap-rules", Fixture, NULL, fixture_setup, test_overlap_rules,
              fixture_teardown);
  g_test_add ("/schedule/record-clashes", Fixture, NULL, fixture_setup, test_record_clashes,
              fixture_teardown);
  g_test_add ("/schedule/trainer-clashes", Fixture, NULL, fixture_setup, test_trainer_clashes,
              fixture_teardown);
  g_test_add ("/schedule/uses-index", Fixture, NULL, fixture_setup, test_uses_index,
              fixture_teardown);

  g_test_add_func ("/schedule/usual-minutes", test_usual_minutes);

  return g_test_run ();
}
