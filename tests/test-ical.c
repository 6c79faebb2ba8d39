/* test-ical.c: iCalendar export, read back with libical. */
#define LIBICAL_GLIB_UNSTABLE_API 1

#include "config.h"

#include <glib/gstdio.h>
#include <libical-glib/libical-glib.h>
#include <string.h>

#include "care-ical.h"
#include "interop-fixture.h"

typedef struct
{
  char            *dir;
  CareStore       *store;
  InteropIds       ids;
  CareIcalResolver resolver;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("care-ical-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "store.db", NULL);
  f->store = care_store_new (path, &error);
  g_assert_no_error (error);
  interop_fill (f->store, &f->ids);
  care_ical_resolver_init_for_store (&f->resolver, f->store);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  g_assert_finalize_object (f->store);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  interop_clear (&f->ids);
}

static CareRecord *
load (Fixture *f, const char *entity, const char *id)
{
  g_autoptr (GError) error = NULL;
  CareRecord *r = care_store_load (f->store, care_schema_lookup (entity), id, &error);

  g_assert_no_error (error);
  return r;
}

/* Every physical line at most 75 octets, each a whole UTF-8 string, CRLF. */
static void
assert_folded (const char *text)
{
  g_auto (GStrv) lines = NULL;

  g_assert_true (g_str_has_suffix (text, "\r\n"));
  lines = g_strsplit (text, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_cmpuint (strlen (lines[i]), <=, 75);
      g_assert_true (g_utf8_validate (lines[i], -1, NULL));
      g_assert_null (strchr (lines[i], '\n'));
    }
}

static ICalComponent *
parse (const char *text)
{
  ICalComponent *cal = i_cal_component_new_from_string (text);

  g_assert_nonnull (cal);
  g_assert_cmpint (i_cal_component_isa (cal), ==, I_CAL_VCALENDAR_COMPONENT);
  g_assert_cmpint (i_cal_component_count_errors (cal), ==, 0);
  return cal;
}

static char *
prop_text (ICalComponent *comp, ICalPropertyKind kind)
{
  ICalProperty *p = i_cal_component_get_first_property (comp, kind);
  char         *value;

  if (p == NULL)
    return NULL;
  value = i_cal_property_get_value_as_string (p);
  g_object_unref (p);
  return value;
}

static char *
param_text (ICalProperty *prop, ICalParameterKind kind)
{
  ICalParameter *p = i_cal_property_get_first_parameter (prop, kind);
  char          *value;

  if (p == NULL)
    return NULL;
  value = i_cal_parameter_as_ical_string (p);
  g_object_unref (p);
  return value;
}

static char *
time_text (ICalComponent *comp, ICalPropertyKind kind)
{
  ICalProperty *p = i_cal_component_get_first_property (comp, kind);
  ICalTime     *t;
  char         *s;

  g_assert_nonnull (p);
  t = kind == I_CAL_DTEND_PROPERTY ? i_cal_property_get_dtend (p) : i_cal_property_get_dtstart (p);
  g_assert_true (i_cal_time_is_utc (t));
  s = i_cal_time_as_ical_string (t);
  g_object_unref (t);
  g_object_unref (p);
  return s;
}

static ICalComponent *
only_event (ICalComponent *cal)
{
  g_assert_cmpint (i_cal_component_count_components (cal, I_CAL_VEVENT_COMPONENT), ==, 1);
  return i_cal_component_get_first_component (cal, I_CAL_VEVENT_COMPONENT);
}

static void
test_appointment (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) repair = load (f, "appointment", f->ids.repair_id);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = care_ical_export_event (repair, &f->resolver, &error);
  g_autofree char *uid = g_strconcat (f->ids.repair_id, "@aftercare", NULL);
  ICalComponent   *cal, *event;
  ICalProperty    *prop;
  char            *s;

  g_assert_no_error (error);
  assert_folded (text);
  cal = parse (text);

  g_assert_cmpstr ((s = prop_text (cal, I_CAL_VERSION_PROPERTY)), ==, "2.0");
  g_free (s);
  g_assert_cmpstr ((s = prop_text (cal, I_CAL_METHOD_PROPERTY)), ==, "PUBLISH");
  g_free (s);
  g_assert_nonnull ((s = prop_text (cal, I_CAL_PRODID_PROPERTY)));
  g_free (s);

  event = only_event (cal);
  g_assert_cmpstr (i_cal_component_get_uid (event), ==, uid);
  g_assert_cmpstr ((s = time_text (event, I_CAL_DTSTART_PROPERTY)), ==, "20260302T083000Z");
  g_free (s);
  g_assert_cmpstr ((s = time_text (event, I_CAL_DTEND_PROPERTY)), ==, "20260302T100000Z");
  g_free (s);
  g_assert_nonnull ((prop = i_cal_component_get_first_property (event, I_CAL_DTSTAMP_PROPERTY)));
  g_object_unref (prop);
  g_assert_cmpstr (i_cal_component_get_summary (event), ==,
                   "Repair visit: Ёлки-Палки; Trading, Ltd.");
  /* No address on the visit: the customer's is where to go. */
  g_assert_cmpstr (i_cal_component_get_location (event), ==, "ул. Тверская, 7; кв. 5, Москва");
  g_assert_nonnull (strstr (i_cal_component_get_description (event), INTEROP_LONG_NOTE));
  g_assert_nonnull (strstr (i_cal_component_get_description (event), "Paper jam, again; urgent"));
  g_assert_nonnull (
      strstr (i_cal_component_get_description (event), "Лазерный принтер LX-200, serial SN-ÄÖ-42"));
  g_assert_cmpint (i_cal_component_get_status (event), ==, I_CAL_STATUS_CONFIRMED);
  g_assert_cmpstr ((s = prop_text (event, I_CAL_SEQUENCE_PROPERTY)), ==, "0");
  g_free (s);
  g_assert_nonnull (
      (prop = i_cal_component_get_first_property (event, I_CAL_LASTMODIFIED_PROPERTY)));
  g_object_unref (prop);

  prop = i_cal_component_get_first_property (event, I_CAL_ORGANIZER_PROPERTY);
  g_assert_cmpstr (i_cal_property_get_organizer (prop), ==, "mailto:joerg@example.com");
  g_assert_cmpstr ((s = param_text (prop, I_CAL_CN_PARAMETER)), ==, "CN=Jörg Müller-Lüdenscheidt");
  g_free (s);
  g_object_unref (prop);

  g_assert_cmpint (i_cal_component_count_properties (event, I_CAL_ATTENDEE_PROPERTY), ==, 1);
  prop = i_cal_component_get_first_property (event, I_CAL_ATTENDEE_PROPERTY);
  g_assert_cmpstr (i_cal_property_get_attendee (prop), ==, "mailto:info@elki.example");
  {
    ICalParameter *cn = i_cal_property_get_first_parameter (prop, I_CAL_CN_PARAMETER);
    ICalParameter *partstat = i_cal_property_get_first_parameter (prop, I_CAL_PARTSTAT_PARAMETER);

    g_assert_cmpstr (i_cal_parameter_get_cn (cn), ==, "Ёлки-Палки; Trading, Ltd.");
    g_assert_cmpint (i_cal_parameter_get_partstat (partstat), ==, I_CAL_PARTSTAT_ACCEPTED);
    g_object_unref (cn);
    g_object_unref (partstat);
  }
  g_object_unref (prop);
  g_object_unref (event);
  g_object_unref (cal);
}

static void
test_uid_stable_sequence (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) repair = load (f, "appointment", f->ids.repair_id);
  g_autoptr (GError) error = NULL;
  g_autofree char *first = care_ical_export_event (repair, &f->resolver, &error);
  g_autofree char *second = NULL;
  ICalComponent   *cal1, *cal2, *e1, *e2;
  char            *s;

  g_assert_no_error (error);
  /* An edit synced as revision 7 is the same event, a later version. */
  care_record_set_string (repair, "notes", "Bring the spare fuser.");
  care_record_set_rev (repair, 7);
  second = care_ical_export_event (repair, &f->resolver, &error);
  g_assert_no_error (error);

  cal1 = parse (first);
  cal2 = parse (second);
  e1 = only_event (cal1);
  e2 = only_event (cal2);
  g_assert_cmpstr (i_cal_component_get_uid (e1), ==, i_cal_component_get_uid (e2));
  g_assert_cmpstr ((s = prop_text (e2, I_CAL_SEQUENCE_PROPERTY)), ==, "7");
  g_free (s);
  g_assert_nonnull (strstr (i_cal_component_get_description (e2), "Bring the spare fuser."));
  g_object_unref (e1);
  g_object_unref (e2);
  g_object_unref (cal1);
  g_object_unref (cal2);
}

static char *
x_status (ICalComponent *event)
{
  ICalProperty *p = i_cal_component_get_first_property (event, I_CAL_X_PROPERTY);
  char         *value = NULL;

  while (p != NULL)
    {
      if (g_strcmp0 (i_cal_property_get_x_name (p), "X-AFTERCARE-STATUS") == 0)
        value = i_cal_property_get_value_as_string (p);
      g_object_unref (p);
      p = value == NULL ? i_cal_component_get_next_property (event, I_CAL_X_PROPERTY) : NULL;
    }

  return value;
}

static void
test_status_mapping (Fixture *f, gconstpointer data)
{
  struct
  {
    const char           *status;
    ICalPropertyStatus    expected;
    ICalParameterPartstat partstat;
  } cases[] = {
    { "planned", I_CAL_STATUS_CONFIRMED, I_CAL_PARTSTAT_ACCEPTED },
    { "done", I_CAL_STATUS_CONFIRMED, I_CAL_PARTSTAT_ACCEPTED },
    { "not_done", I_CAL_STATUS_CANCELLED, I_CAL_PARTSTAT_ACCEPTED },
    { "cancelled", I_CAL_STATUS_CANCELLED, I_CAL_PARTSTAT_DECLINED },
  };
  g_autoptr (CareRecord) call = load (f, "appointment", f->ids.call_id);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;
      g_autofree char *x = NULL;
      ICalComponent   *cal, *event;
      ICalProperty    *att;
      ICalParameter   *ps;

      care_record_set_string (call, "status", cases[i].status);
      text = care_ical_export_event (call, &f->resolver, &error);
      g_assert_no_error (error);
      cal = parse (text);
      event = only_event (cal);
      g_assert_cmpint (i_cal_component_get_status (event), ==, cases[i].expected);
      g_assert_cmpstr ((x = x_status (event)), ==, cases[i].status);
      g_assert_cmpstr (i_cal_component_get_summary (event), ==, "Follow-up call: Zoë Ångström");
      /* A call has no place to go to. */
      g_assert_null (i_cal_component_get_location (event));
      att = i_cal_component_get_first_property (event, I_CAL_ATTENDEE_PROPERTY);
      ps = i_cal_property_get_first_parameter (att, I_CAL_PARTSTAT_PARAMETER);
      g_assert_cmpint (i_cal_parameter_get_partstat (ps), ==, cases[i].partstat);
      g_object_unref (ps);
      g_object_unref (att);
      g_object_unref (event);
      g_object_unref (cal);
    }
}

static void
test_session (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) session = load (f, "training_session", f->ids.session_id);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = care_ical_export_event (session, &f->resolver, &error);
  g_autofree char *urn = g_strconcat ("urn:uuid:", f->ids.trainer_id, NULL);
  const struct
  {
    const char           *cn;
    ICalParameterPartstat partstat;
  } expected[] = {
    { "Дмитрий Шостакович", I_CAL_PARTSTAT_ACCEPTED },
    { "O'Brien, \"Paddy\"", I_CAL_PARTSTAT_TENTATIVE },
    { "Ægir Þórsson", I_CAL_PARTSTAT_DECLINED },
  };
  ICalComponent *cal, *event;
  ICalProperty  *prop;
  ICalParameter *cn;
  guint          i = 0;

  g_assert_no_error (error);
  assert_folded (text);
  cal = parse (text);
  event = only_event (cal);

  g_assert_cmpstr (i_cal_component_get_summary (event), ==,
                   "GIMP für Fortgeschrittene: Ebenen, Masken; Filter");
  g_assert_cmpstr (i_cal_component_get_location (event), ==, "Schulungsraum 3, Berlin");
  g_assert_nonnull (strstr (i_cal_component_get_description (event), "1 of 10 seats taken"));

  /* No email: the trainer's URN, and a name with quotes, commas and semicolons. */
  prop = i_cal_component_get_first_property (event, I_CAL_ORGANIZER_PROPERTY);
  g_assert_cmpstr (i_cal_property_get_organizer (prop), ==, urn);
  cn = i_cal_property_get_first_parameter (prop, I_CAL_CN_PARAMETER);
  g_assert_cmpstr (i_cal_parameter_get_cn (cn), ==, "Анна Петрова, Ph.D.; \"Trainer\"");
  g_object_unref (cn);
  g_object_unref (prop);

  g_assert_cmpint (i_cal_component_count_properties (event, I_CAL_ATTENDEE_PROPERTY), ==, 3);
  for (prop = i_cal_component_get_first_property (event, I_CAL_ATTENDEE_PROPERTY); prop != NULL;
       prop = i_cal_component_get_next_property (event, I_CAL_ATTENDEE_PROPERTY), i++)
    {
      ICalParameter *ps = i_cal_property_get_first_parameter (prop, I_CAL_PARTSTAT_PARAMETER);

      cn = i_cal_property_get_first_parameter (prop, I_CAL_CN_PARAMETER);
      g_assert_cmpstr (i_cal_parameter_get_cn (cn), ==, expected[i].cn);
      g_assert_cmpint (i_cal_parameter_get_partstat (ps), ==, expected[i].partstat);
      g_object_unref (cn);
      g_object_unref (ps);
      g_object_unref (prop);
    }
  g_assert_cmpuint (i, ==, 3);

  g_object_unref (event);
  g_object_unref (cal);
}

static guint
count_events (const char *text)
{
  ICalComponent *cal = parse (text);
  guint          n = (guint) i_cal_component_count_components (cal, I_CAL_VEVENT_COMPONENT);

  g_object_unref (cal);
  return n;
}

static void
test_feed (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tech =
      care_ical_export_staff_feed (f->store, f->ids.technician_id, NULL, &error);
  g_autofree char *recent = NULL;
  g_autofree char *trainer = NULL;
  g_autofree char *nobody = NULL;
  ICalComponent   *cal;
  char            *s;

  g_assert_no_error (error);
  assert_folded (tech);
  g_assert_cmpuint (count_events (tech), ==, 3);
  g_assert_nonnull (strstr (tech, "\r\nX-WR-CALNAME:Aftercare: Jörg Müller-Lüdenscheidt\r\n"));
  g_assert_nonnull (strstr (tech, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"));
  g_assert_nonnull (strstr (tech, "\r\nX-PUBLISHED-TTL:PT1H\r\n"));
  cal = parse (tech);
  g_assert_cmpstr ((s = prop_text (cal, I_CAL_METHOD_PROPERTY)), ==, "PUBLISH");
  g_free (s);
  g_object_unref (cal);

  /* The cancelled January visit ended before "since". */
  recent =
      care_ical_export_staff_feed (f->store, f->ids.technician_id, "2026-02-01T00:00:00Z", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_events (recent), ==, 2);

  trainer = care_ical_export_staff_feed (f->store, f->ids.trainer_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_events (trainer), ==, 1);

  nobody = care_ical_export_staff_feed (f->store, f->ids.company_id, NULL, &error);
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND);
  g_assert_null (nobody);
}

/* The feed takes records and a resolver, not a store: what the server uses. */
static CareRecord *
table_lookup (const CareEntity *entity, const char *id, gpointer user_data)
{
  CareRecord *r = g_hash_table_lookup (user_data, id);

  return r != NULL ? g_object_ref (r) : NULL;
}

static void
test_feed_without_store (Fixture *f, gconstpointer data)
{
  g_autoptr (GHashTable) table =
      g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  CareIcalResolver resolver = { table_lookup, NULL, table };
  CareRecord      *customer = load (f, "customer", f->ids.person_id);
  CareRecord      *staff = load (f, "staff", f->ids.technician_id);

  g_hash_table_insert (table, (gpointer) care_record_get_id (customer), customer);
  g_hash_table_insert (table, (gpointer) care_record_get_id (staff), staff);
  g_ptr_array_add (events, load (f, "appointment", f->ids.call_id));
  g_ptr_array_add (events, load (f, "appointment", f->ids.cancelled_id));
  /* Not an event: left out of a feed. */
  g_ptr_array_add (events, g_object_ref (customer));

  text = care_ical_export_feed ("Visits", events, &resolver, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_events (text), ==, 2);
  g_assert_nonnull (strstr (text, "LOCATION:Sveavägen 44\\, Stockholm"));
}

static void
test_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) customer = load (f, "customer", f->ids.person_id);
  g_autoptr (CareRecord) broken = care_record_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));
  g_autoptr (GError) error = NULL;
  g_autofree char *text = care_ical_export_event (customer, &f->resolver, &error);
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = g_build_filename (f->dir, "visit.ics", NULL);
  g_autoptr (CareRecord) repair = load (f, "appointment", f->ids.repair_id);
  g_autofree char *contents = NULL;

  g_assert_error (error, CARE_ICAL_ERROR, CARE_ICAL_ERROR_UNSUPPORTED);
  g_assert_null (text);
  g_clear_error (&error);

  care_record_set_string (broken, "start_at", "yesterday");
  text = care_ical_export_event (broken, &f->resolver, &error);
  g_assert_error (error, CARE_ICAL_ERROR, CARE_ICAL_ERROR_INVALID);
  g_assert_null (text);
  g_clear_error (&error);

  file = g_file_new_for_path (path);
  g_assert_true (care_ical_export_event_to_file (repair, &f->resolver, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpuint (count_events (contents), ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/ical/appointment", test_appointment);
  ADD ("/ical/uid-stable-sequence", test_uid_stable_sequence);
  ADD ("/ical/status-mapping", test_status_mapping);
  ADD ("/ical/session", test_session);
  ADD ("/ical/feed", test_feed);
  ADD ("/ical/feed-without-store", test_feed_without_store);
  ADD ("/ical/errors", test_errors);
#undef ADD

  return g_test_run ();
}
