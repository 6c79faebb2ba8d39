/* test-calendar.c: integration tests of the calendar feeds of the real aftercare-server.
 *
 * The built server (its path in $AFTERCARE_SERVER) runs on 127.0.0.1 port 0
 * with a database in a temporary directory. An admin pushes staff,
 * customers, appointments and training sessions; the technician and
 * trainer logins are then linked to their staff records with useradd
 * --staff. Feeds are fetched as a calendar program does, with no
 * Authorization header, and read back twice: with libical here and with
 * python3-icalendar (check-calendar-feed.py, its path in $CHECK_FEED). */
#define G_LOG_DOMAIN              "test-calendar"
#define LIBICAL_GLIB_UNSTABLE_API 1

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libical-glib/libical-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "care-clock.h"
#include "care-test-db.h"

/* libical-glib 3.0 declares no cleanup functions. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ICalComponent, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ICalProperty, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ICalParameter, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ICalTime, g_object_unref)

#define PASSWORD "correct horse battery"
#define DAY      (24 * 60 * 60)

typedef struct
{
  GSubprocess *proc;
  char        *base_url;
} Server;

/* What the shared data set holds, by id. */
typedef struct
{
  char *tech1, *tech2, *trainer; /* staff */
  char *customer1, *customer2;
  char *appt_future, *appt_recent, *appt_old, *appt_other;
  char *course, *session, *contact1, *contact2;
  char *appt_future_start, *appt_future_end, *appt_recent_start, *appt_recent_end;
  char *session_start, *session_end;
} Data;

static char        *tmp_dir;
static char        *db_path;
static const char  *server_path;
static const char  *check_feed;
static SoupSession *session;
static Server      *server;
static Data         data;
static gint64       mutation_id;
static char        *client_id;
static char        *admin, *agent, *technician, *trainer, *technician2;

/* Helpers */

static void
die_with_parent (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

static void
add_user (const char *username, const char *role, const char *staff_id)
{
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *input = g_strdup_printf ("%s\n", PASSWORD);

  if (staff_id != NULL)
    proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                             &error, server_path, "--db", db_path, "useradd", username, "--role",
                             role, "--staff", staff_id, NULL);
  else
    proc =
        g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                          server_path, "--db", db_path, "useradd", username, "--role", role, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (proc));
}

static Server *
server_start (void)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  Server          *s = g_new0 (Server, 1);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  if (care_clock_is_pinned ())
    {
      g_autofree char *now = care_clock_now_iso ();

      g_subprocess_launcher_setenv (launcher, CARE_CLOCK_ENV, now, TRUE);
    }
  s->proc = g_subprocess_launcher_spawn (launcher, &error, server_path, "--db", db_path, "--listen",
                                         "127.0.0.1:0", NULL);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (s->proc));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  s->base_url = g_strdup (line + strlen ("listening on "));

  return s;
}

static void
server_stop (Server *s)
{
  g_autoptr (GError) error = NULL;

  g_subprocess_send_signal (s->proc, SIGTERM);
  g_subprocess_wait (s->proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (s->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (s->proc), ==, 0);

  g_object_unref (s->proc);
  g_free (s->base_url);
  g_free (s);
}

/* One HTTP request to a full URL; returns the body, the status and the message. */
static GBytes *
fetch (const char   *url,
       const char   *method,
       const char   *token,
       const char   *if_none_match,
       const char   *body,
       SoupMessage **out_msg)
{
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GError) error = NULL;
  GBytes *response;

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (if_none_match != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-None-Match",
                                  if_none_match);
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  response = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  *out_msg = g_steal_pointer (&msg);
  return response;
}

/* A JSON request to a path of the server; checks the status. */
static JsonNode *
request (const char *method,
         const char *path,
         const char *token,
         const char *body,
         guint       expected_status)
{
  g_autofree char *url = g_strconcat (server->base_url, path, NULL);
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) response = fetch (url, method, token, NULL, body, &msg);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (soup_message_get_status (msg), ==, expected_status);
  g_assert_cmpstr (
      soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL), ==,
      "application/json");
  json_parser_load_from_data (parser, g_bytes_get_data (response, NULL),
                              (gssize) g_bytes_get_size (response), &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static const char *
error_code (JsonNode *node)
{
  return json_object_get_string_member (
      json_object_get_object_member (json_node_get_object (node), "error"), "code");
}

static char *
login (const char *username)
{
  g_autofree char *body =
      g_strdup_printf ("{\"username\": \"%s\", \"password\": \"" PASSWORD "\"}", username);
  g_autoptr (JsonNode) node = request ("POST", "/api/v1/session", NULL, body, 200);

  return g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
}

/* Pushes one mutation as the admin and checks it was applied. */
static void
push (const char *entity, const char *id, const char *op, gint64 base_rev, const char *fields)
{
  g_autofree char *body = g_strdup_printf (
      "{\"client_id\": \"%s\", \"mutations\": [{\"mutation_id\": %" G_GINT64_FORMAT
      ", \"entity\": \"%s\", \"id\": \"%s\", \"op\": \"%s\", \"base_rev\": %" G_GINT64_FORMAT
      ", \"fields\": %s}]}",
      client_id, ++mutation_id, entity, id, op, base_rev, fields != NULL ? fields : "null");
  g_autoptr (JsonNode) node = request ("POST", "/api/v1/sync/push", admin, body, 200);
  JsonObject *result = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (node), "results"), 0);

  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
}

static char *
create (const char *entity, const char *fields)
{
  char *id = g_uuid_string_random ();

  push (entity, id, "create", 0, fields);
  return id;
}

static char *
utc_in (gint64 seconds)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (care_clock_now_unix () + seconds);

  return g_date_time_format (dt, "%Y-%m-%dT%H:00:00Z");
}

static char *
appointment (const char *technician_id, const char *customer_id, const char *start, const char *end)
{
  g_autofree char *fields =
      g_strdup_printf ("{\"kind\": \"repair\", \"customer_id\": \"%s\", \"technician_id\": \"%s\", "
                       "\"start_at\": \"%s\", \"end_at\": \"%s\", \"status\": \"planned\"}",
                       customer_id, technician_id, start, end);

  return create ("appointment", fields);
}

static void
fill_data (void)
{
  g_autofree char *old_start = utc_in (-101 * DAY);
  g_autofree char *old_end = utc_in (-100 * DAY);
  g_autofree char *other_start = utc_in (2 * DAY);
  g_autofree char *other_end = utc_in (2 * DAY + 3600);
  g_autofree char *fields = NULL;

  data.tech1 = create ("staff", "{\"name\": \"Jörg Technik\", \"role\": \"technician\", "
                                "\"email\": \"joerg@example.com\"}");
  data.tech2 = create ("staff", "{\"name\": \"Other Technician\", \"role\": \"technician\"}");
  data.trainer = create ("staff", "{\"name\": \"Tina Trainer\", \"role\": \"trainer\", "
                                  "\"email\": \"tina@example.com\"}");
  data.customer1 = create ("customer", "{\"kind\": \"person\", \"name\": \"Ada Lovelace\", "
                                       "\"email\": \"ada@example.com\", "
                                       "\"address\": \"12 Analytical Road\"}");
  /* No email: the attendee is the customer's urn:uuid. */
  data.customer2 = create ("customer", "{\"kind\": \"company\", \"name\": \"Ёлки; Trading\"}");

  data.appt_future_start = utc_in (DAY);
  data.appt_future_end = utc_in (DAY + 7200);
  data.appt_recent_start = utc_in (-10 * DAY);
  data.appt_recent_end = utc_in (-10 * DAY + 3600);
  data.appt_future =
      appointment (data.tech1, data.customer1, data.appt_future_start, data.appt_future_end);
  data.appt_recent =
      appointment (data.tech1, data.customer2, data.appt_recent_start, data.appt_recent_end);
  /* Ended 100 days ago: outside the 90-day window. */
  data.appt_old = appointment (data.tech1, data.customer1, old_start, old_end);
  /* Another technician's. */
  data.appt_other = appointment (data.tech2, data.customer1, other_start, other_end);

  data.course = create ("training_course", "{\"title\": \"Printer basics\"}");
  data.session_start = utc_in (3 * DAY);
  data.session_end = utc_in (3 * DAY + 4 * 3600);
  fields = g_strdup_printf ("{\"course_id\": \"%s\", \"trainer_id\": \"%s\", \"start_at\": \"%s\", "
                            "\"end_at\": \"%s\", \"seats\": 10, \"location\": \"Room 1\"}",
                            data.course, data.trainer, data.session_start, data.session_end);
  data.session = create ("training_session", fields);
  g_free (fields);
  fields = g_strdup_printf ("{\"customer_id\": \"%s\", \"name\": \"Ada Pupil\", "
                            "\"email\": \"pupil@example.com\"}",
                            data.customer1);
  data.contact1 = create ("contact", fields);
  g_free (fields);
  fields = g_strdup_printf ("{\"customer_id\": \"%s\", \"name\": \"Bob Waiting\", "
                            "\"email\": \"bob@example.com\"}",
                            data.customer1);
  data.contact2 = create ("contact", fields);
  g_free (fields);
  fields = g_strdup_printf ("{\"session_id\": \"%s\", \"contact_id\": \"%s\", \"status\": "
                            "\"confirmed\", \"enrolled_at\": \"2026-01-05T10:00:00Z\"}",
                            data.session, data.contact1);
  g_free (create ("enrolment", fields));
  g_free (fields);
  fields = g_strdup_printf ("{\"session_id\": \"%s\", \"contact_id\": \"%s\", \"status\": "
                            "\"waitlisted\", \"enrolled_at\": \"2026-01-06T10:00:00Z\"}",
                            data.session, data.contact2);
  g_free (create ("enrolment", fields));
}

/* Creates a feed for @staff_id as @token; returns the answer's object. */
static JsonObject *
create_feed (const char *token, const char *staff_id, guint expected_status)
{
  g_autofree char *body = g_strdup_printf ("{\"staff_id\": \"%s\"}", staff_id);
  g_autoptr (JsonNode) node =
      request ("POST", "/api/v1/calendar/feeds", token, body, expected_status);

  return json_object_ref (json_node_get_object (node));
}

/* GETs a feed URL as a calendar program does: no Authorization header. */
static char *
get_feed (const char *url,
          const char *token,
          const char *if_none_match,
          guint       expected_status,
          char      **out_etag)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = fetch (url, "GET", token, if_none_match, NULL, &msg);
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  g_autoptr (GHashTable) params = NULL;

  g_assert_cmpuint (soup_message_get_status (msg), ==, expected_status);
  if (out_etag != NULL)
    *out_etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
  if (expected_status != 200)
    {
      if (expected_status == 304)
        g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
      return NULL;
    }

  g_assert_cmpstr (soup_message_headers_get_content_type (headers, &params), ==, "text/calendar");
  g_assert_cmpstr (g_hash_table_lookup (params, "charset"), ==, "utf-8");
  g_assert_nonnull (soup_message_headers_get_one (headers, "ETag"));
  g_assert_nonnull (soup_message_headers_get_one (headers, "Last-Modified"));
  g_assert_true (
      g_utf8_validate (g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), NULL));
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The UIDs of a calendar's events, sorted and joined by spaces. */
static char *
event_uids (ICalComponent *cal)
{
  g_autoptr (GPtrArray) uids = g_ptr_array_new_with_free_func (g_free);

  for (ICalComponent *e = i_cal_component_get_first_component (cal, I_CAL_VEVENT_COMPONENT);
       e != NULL; e = i_cal_component_get_next_component (cal, I_CAL_VEVENT_COMPONENT))
    {
      g_ptr_array_add (uids, g_strdup (i_cal_component_get_uid (e)));
      g_object_unref (e);
    }
  g_ptr_array_sort (uids, compare_strings);
  g_ptr_array_add (uids, NULL);
  return g_strjoinv (" ", (char **) uids->pdata);
}

static char *
uids_of (const char *a, const char *b)
{
  g_autofree char *ua = g_strconcat (a, "@aftercare", NULL);
  g_autofree char *ub = b != NULL ? g_strconcat (b, "@aftercare", NULL) : NULL;

  if (ub == NULL)
    return g_strdup (ua);
  return strcmp (ua, ub) < 0 ? g_strconcat (ua, " ", ub, NULL) : g_strconcat (ub, " ", ua, NULL);
}

static ICalComponent *
find_event (ICalComponent *cal, const char *record_id)
{
  g_autofree char *uid = g_strconcat (record_id, "@aftercare", NULL);

  for (ICalComponent *e = i_cal_component_get_first_component (cal, I_CAL_VEVENT_COMPONENT);
       e != NULL; e = i_cal_component_get_next_component (cal, I_CAL_VEVENT_COMPONENT))
    {
      if (g_strcmp0 (i_cal_component_get_uid (e), uid) == 0)
        return e;
      g_object_unref (e);
    }

  g_assert_not_reached ();
}

/* "YYYY-MM-DDTHH:MM:SSZ" as iCalendar's "YYYYMMDDTHHMMSSZ". */
static char *
ical_utc (const char *iso)
{
  g_autoptr (GString) s = g_string_new (iso);

  g_string_replace (s, "-", "", 0);
  g_string_replace (s, ":", "", 0);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
assert_time (ICalComponent *event, ICalPropertyKind kind, const char *iso)
{
  g_autoptr (ICalProperty) prop = i_cal_component_get_first_property (event, kind);
  g_autoptr (ICalTime) t = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = ical_utc (iso);

  g_assert_nonnull (prop);
  t = kind == I_CAL_DTSTART_PROPERTY ? i_cal_property_get_dtstart (prop)
                                     : i_cal_property_get_dtend (prop);
  g_assert_true (i_cal_time_is_utc (t));
  text = i_cal_time_as_ical_string (t);
  g_assert_cmpstr (text, ==, expected);
}

static void
assert_organizer (ICalComponent *event, const char *address)
{
  g_autoptr (ICalProperty) prop =
      i_cal_component_get_first_property (event, I_CAL_ORGANIZER_PROPERTY);

  g_assert_nonnull (prop);
  g_assert_cmpstr (i_cal_property_get_organizer (prop), ==, address);
}

/* The attendees as "ADDRESS=PARTSTAT" joined by spaces, in feed order. */
static char *
attendees (ICalComponent *event)
{
  g_autoptr (GString) s = g_string_new (NULL);

  for (ICalProperty *p = i_cal_component_get_first_property (event, I_CAL_ATTENDEE_PROPERTY);
       p != NULL; p = i_cal_component_get_next_property (event, I_CAL_ATTENDEE_PROPERTY))
    {
      g_autoptr (ICalParameter) partstat =
          i_cal_property_get_first_parameter (p, I_CAL_PARTSTAT_PARAMETER);
      g_autofree char *text = partstat != NULL ? i_cal_parameter_as_ical_string (partstat) : NULL;

      /* "PARTSTAT=ACCEPTED" */
      g_string_append_printf (s, "%s%s=%s", s->len > 0 ? " " : "", i_cal_property_get_attendee (p),
                              text != NULL ? strchr (text, '=') + 1 : "");
      g_object_unref (p);
    }

  return g_string_free (g_steal_pointer (&s), FALSE);
}

static ICalComponent *
parse_calendar (const char *text, const char *calname)
{
  ICalComponent   *cal = i_cal_component_new_from_string (text);
  g_autofree char *x_calname = NULL;

  g_assert_nonnull (cal);
  g_assert_cmpint (i_cal_component_isa (cal), ==, I_CAL_VCALENDAR_COMPONENT);
  g_assert_cmpint (i_cal_component_count_errors (cal), ==, 0);

  for (ICalProperty *p = i_cal_component_get_first_property (cal, I_CAL_X_PROPERTY); p != NULL;
       p = i_cal_component_get_next_property (cal, I_CAL_X_PROPERTY))
    {
      if (g_strcmp0 (i_cal_property_get_x_name (p), "X-WR-CALNAME") == 0)
        x_calname = g_strdup (i_cal_property_get_x (p));
      g_object_unref (p);
    }
  g_assert_cmpstr (x_calname, ==, calname);
  /* What GNOME Calendar and Evolution use to refresh a subscription. */
  g_assert_nonnull (strstr (text, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"));

  return cal;
}

/* Writes @text and @expected_json to files and runs check-calendar-feed.py on them. */
static void
check_with_python (const char *text, const char *expected_json)
{
  g_autofree char *feed_path = g_build_filename (tmp_dir, "feed.ics", NULL);
  g_autofree char *expected_path = g_build_filename (tmp_dir, "expected.json", NULL);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_file_set_contents (feed_path, text, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (expected_path, expected_json, -1, &error);
  g_assert_no_error (error);

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           "/usr/bin/python3", check_feed, feed_path, expected_path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (proc))
    g_error ("python3-icalendar disagrees: %s%s", out, err);
  g_test_message ("%s", out);
}

static const char *
feed_url (JsonObject *feed)
{
  return json_object_get_string_member (feed, "url");
}

/* Tests */

static void
test_technician_feed (void)
{
  g_autoptr (JsonObject) feed = create_feed (technician, data.tech1, 201);
  g_autofree char *prefix = g_strconcat (server->base_url, "/api/v1/calendar/feed/", NULL);
  g_autofree char *text = NULL;
  g_autofree char *uids = NULL;
  g_autofree char *expected_uids = uids_of (data.appt_future, data.appt_recent);
  g_autofree char *who = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *customer2_urn = g_strconcat ("urn:uuid:", data.customer2, NULL);
  g_autoptr (ICalComponent) cal = NULL;
  g_autoptr (ICalComponent) future = NULL;
  g_autoptr (ICalComponent) recent = NULL;
  const char *url = feed_url (feed);
  const char *token;

  g_assert_cmpstr (json_object_get_string_member (feed, "staff_id"), ==, data.tech1);
  g_assert_cmpstr (json_object_get_string_member (feed, "created_by"), ==, "technician");
  g_assert_cmpint (json_object_get_int_member (feed, "id"), >, 0);

  /* At least 128 bits of randomness: 64 hex digits. */
  g_assert_true (g_str_has_prefix (url, prefix));
  g_assert_true (g_str_has_suffix (url, ".ics"));
  token = url + strlen (prefix);
  g_assert_cmpuint (strlen (token), ==, 64 + strlen (".ics"));
  for (guint i = 0; i < 64; i++)
    g_assert_true (g_ascii_isxdigit (token[i]));

  /* The token is stored hashed only. */
  {
    g_autofree char *raw = g_strndup (token, 64);
    const char      *suffixes[] = { "", "-wal" };

    for (guint i = 0; !test_db_is_postgres () && i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *path = g_strconcat (db_path, suffixes[i], NULL);
        g_autofree char *contents = NULL;
        gsize            len = 0;

        if (g_file_get_contents (path, &contents, &len, NULL))
          g_assert_null (g_strstr_len (contents, (gssize) len, raw));
      }
  }

  text = get_feed (url, NULL, NULL, 200, NULL);
  cal = parse_calendar (text, "Aftercare: Jörg Technik");

  /* Only this technician's events, and none that ended over 90 days ago. */
  uids = event_uids (cal);
  g_assert_cmpstr (uids, ==, expected_uids);

  future = find_event (cal, data.appt_future);
  assert_time (future, I_CAL_DTSTART_PROPERTY, data.appt_future_start);
  assert_time (future, I_CAL_DTEND_PROPERTY, data.appt_future_end);
  assert_organizer (future, "mailto:joerg@example.com");
  who = attendees (future);
  g_assert_cmpstr (who, ==, "mailto:ada@example.com=ACCEPTED");
  g_assert_cmpstr (i_cal_component_get_location (future), ==, "12 Analytical Road");
  g_clear_pointer (&who, g_free);

  recent = find_event (cal, data.appt_recent);
  assert_time (recent, I_CAL_DTSTART_PROPERTY, data.appt_recent_start);
  assert_time (recent, I_CAL_DTEND_PROPERTY, data.appt_recent_end);
  assert_organizer (recent, "mailto:joerg@example.com");
  who = attendees (recent);
  g_assert_true (g_str_has_prefix (who, customer2_urn));
  g_assert_cmpstr (who + strlen (customer2_urn), ==, "=ACCEPTED");

  expected = g_strdup_printf ("{\"calname\": \"Aftercare: Jörg Technik\", \"events\": {"
                              "\"%s@aftercare\": {\"dtstart\": \"%s\", \"dtend\": \"%s\", "
                              "  \"organizer\": \"mailto:joerg@example.com\", "
                              "  \"attendees\": {\"mailto:ada@example.com\": \"ACCEPTED\"}},"
                              "\"%s@aftercare\": {\"dtstart\": \"%s\", \"dtend\": \"%s\", "
                              "  \"organizer\": \"mailto:joerg@example.com\", "
                              "  \"attendees\": {\"%s\": \"ACCEPTED\"}}}}",
                              data.appt_future, data.appt_future_start, data.appt_future_end,
                              data.appt_recent, data.appt_recent_start, data.appt_recent_end,
                              customer2_urn);
  check_with_python (text, expected);
}

static void
test_trainer_feed (void)
{
  g_autoptr (JsonObject) feed = create_feed (trainer, data.trainer, 201);
  g_autofree char *text = get_feed (feed_url (feed), NULL, NULL, 200, NULL);
  g_autoptr (ICalComponent) cal = parse_calendar (text, "Aftercare: Tina Trainer");
  g_autofree char *uids = event_uids (cal);
  g_autofree char *expected_uids = uids_of (data.session, NULL);
  g_autoptr (ICalComponent) event = NULL;
  g_autofree char *who = NULL;
  g_autofree char *expected = NULL;

  g_assert_cmpstr (uids, ==, expected_uids);
  event = find_event (cal, data.session);
  assert_time (event, I_CAL_DTSTART_PROPERTY, data.session_start);
  assert_time (event, I_CAL_DTEND_PROPERTY, data.session_end);
  assert_organizer (event, "mailto:tina@example.com");
  g_assert_cmpstr (i_cal_component_get_summary (event), ==, "Printer basics");
  /* Enrolments oldest first: the confirmed one, then the waitlisted one. */
  who = attendees (event);
  g_assert_cmpstr (who, ==, "mailto:pupil@example.com=ACCEPTED mailto:bob@example.com=TENTATIVE");

  expected = g_strdup_printf ("{\"calname\": \"Aftercare: Tina Trainer\", \"events\": {"
                              "\"%s@aftercare\": {\"dtstart\": \"%s\", \"dtend\": \"%s\", "
                              "  \"organizer\": \"mailto:tina@example.com\", "
                              "  \"attendees\": {\"mailto:pupil@example.com\": \"ACCEPTED\", "
                              "                  \"mailto:bob@example.com\": \"TENTATIVE\"}}}}",
                              data.session, data.session_start, data.session_end);
  check_with_python (text, expected);
}

static void
test_etag (void)
{
  g_autoptr (JsonObject) feed = create_feed (agent, data.tech2, 201);
  g_autofree char *etag = NULL;
  g_autofree char *etag2 = NULL;
  g_autofree char *etag3 = NULL;
  g_autofree char *text = get_feed (feed_url (feed), NULL, NULL, 200, &etag);
  g_autofree char *text2 = NULL;
  g_autofree char *text3 = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *extra_start = utc_in (5 * DAY);
  g_autofree char *extra_end = utc_in (5 * DAY + 3600);
  g_autofree char *listed = NULL;

  g_assert_nonnull (etag);
  /* Unchanged: 304 with no body, for the tag alone or in a list. */
  g_assert_null (get_feed (feed_url (feed), NULL, etag, 304, NULL));
  listed = g_strdup_printf ("\"nope\", %s", etag);
  g_assert_null (get_feed (feed_url (feed), NULL, listed, 304, NULL));
  g_assert_null (get_feed (feed_url (feed), NULL, "*", 304, NULL));
  g_free (get_feed (feed_url (feed), NULL, "\"something-else\"", 200, NULL));

  /* A new event changes the tag. */
  extra = appointment (data.tech2, data.customer1, extra_start, extra_end);
  text2 = get_feed (feed_url (feed), NULL, etag, 200, &etag2);
  g_assert_cmpstr (etag2, !=, etag);
  g_assert_nonnull (strstr (text2, extra));

  /* An event leaving the feed changes it too, though no record in the
   * feed changed: the highest seq alone would not show it. */
  push ("appointment", extra, "delete", 1, NULL);
  text3 = get_feed (feed_url (feed), NULL, etag2, 200, &etag3);
  g_assert_cmpstr (etag3, !=, etag2);
  g_assert_null (strstr (text3, extra));
  g_assert_null (get_feed (feed_url (feed), NULL, etag3, 304, NULL));

  /* A change to a referenced record (the customer's name) changes it. */
  push ("customer", data.customer1, "update", 1,
        "{\"name\": {\"from\": \"Ada Lovelace\", \"to\": \"Ada King\"}}");
  g_free (get_feed (feed_url (feed), NULL, etag3, 200, NULL));
  push ("customer", data.customer1, "update", 2,
        "{\"name\": {\"from\": \"Ada King\", \"to\": \"Ada Lovelace\"}}");
}

static void
test_revoke (void)
{
  g_autoptr (JsonObject) feed = create_feed (technician, data.tech1, 201);
  g_autofree char *path = g_strdup_printf ("/api/v1/calendar/feeds/%" G_GINT64_FORMAT,
                                           json_object_get_int_member (feed, "id"));
  g_autoptr (JsonNode) revoked = NULL;
  g_autoptr (JsonNode) again = NULL;
  g_autoptr (JsonNode) unauthenticated = NULL;

  g_free (get_feed (feed_url (feed), NULL, NULL, 200, NULL));

  unauthenticated = request ("DELETE", path, NULL, NULL, 401);
  g_free (get_feed (feed_url (feed), NULL, NULL, 200, NULL));

  revoked = request ("DELETE", path, technician, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (revoked), "status"), ==,
                   "revoked");
  g_assert_null (get_feed (feed_url (feed), NULL, NULL, 404, NULL));

  again = request ("DELETE", path, technician, NULL, 404);
  g_assert_cmpstr (error_code (again), ==, "not_found");
}

/* An unknown, malformed or revoked token: the same 404 as any unknown
 * address, so the answer tells nothing about which tokens exist. */
static void
test_bad_token (void)
{
  const char *paths[] = {
    "/api/v1/calendar/feed/0000000000000000000000000000000000000000000000000000000000000000.ics",
    "/api/v1/calendar/feed/abc.ics",
    "/api/v1/calendar/feed/.ics",
    "/api/v1/calendar/feed/",
    "/api/v1/calendar/feed/a/b.ics",
    "/api/v1/calendar/feed/"
    "ABCDEF0000000000000000000000000000000000000000000000000000000000.ics",
    "/api/v1/nothing-here",
  };
  g_autoptr (JsonObject) feed = create_feed (technician, data.tech1, 201);
  g_autofree char *revoke_path = NULL;
  g_autofree char *reference = NULL;

  revoke_path = g_strdup_printf ("/api/v1/calendar/feeds/%" G_GINT64_FORMAT,
                                 json_object_get_int_member (feed, "id"));
  json_node_unref (request ("DELETE", revoke_path, agent, NULL, 200));

  for (guint i = 0; i <= G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (SoupMessage) msg = NULL;
      g_autofree char *url = i < G_N_ELEMENTS (paths)
                                 ? g_strconcat (server->base_url, paths[i], NULL)
                                 : g_strdup (feed_url (feed));
      g_autoptr (GBytes) body = fetch (url, "GET", NULL, NULL, NULL, &msg);
      g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

      g_assert_cmpuint (soup_message_get_status (msg), ==, 404);
      if (reference == NULL)
        reference = g_steal_pointer (&text);
      else
        g_assert_cmpstr (text, ==, reference);
    }
}

static void
test_bearer (void)
{
  g_autofree char *url =
      g_strdup_printf ("%s/api/v1/calendar/staff/%s.ics", server->base_url, data.tech1);
  g_autofree char *missing = g_strdup_printf ("%s/api/v1/calendar/staff/%s.ics", server->base_url,
                                              "8d2f3c1e-0000-4000-8000-000000000000");
  g_autofree char *etag = NULL;
  g_autofree char *text = NULL;
  g_autofree char *uids = NULL;
  g_autofree char *expected_uids = uids_of (data.appt_future, data.appt_recent);
  g_autoptr (ICalComponent) cal = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;

  /* Programs that can send a header: any role reads, as with a pull. */
  text = get_feed (url, trainer, NULL, 200, &etag);
  cal = parse_calendar (text, "Aftercare: Jörg Technik");
  uids = event_uids (cal);
  g_assert_cmpstr (uids, ==, expected_uids);
  g_assert_null (get_feed (url, agent, etag, 304, NULL));

  body = fetch (url, "GET", NULL, NULL, NULL, &msg);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 401);
  g_assert_null (get_feed (url, "0123", NULL, 401, NULL));
  g_assert_null (get_feed (missing, agent, NULL, 404, NULL));
}

static void
test_permissions (void)
{
  g_autoptr (JsonObject) others = NULL;
  g_autoptr (JsonObject) own = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *revoke_others = NULL;
  g_autofree char *unknown =
      g_strdup_printf ("{\"staff_id\": \"%s\"}", "8d2f3c1e-0000-4000-8000-000000000000");
  JsonArray *feeds;

  /* A technician or trainer only for themselves... */
  json_object_unref (create_feed (technician, data.tech2, 403));
  json_object_unref (create_feed (trainer, data.tech1, 403));
  json_object_unref (create_feed (technician2, data.tech2, 403));
  /* ...agents and admins for anyone. */
  others = create_feed (agent, data.tech1, 201);
  json_object_unref (create_feed (admin, data.trainer, 201));

  /* A technician may revoke a feed of their own calendar that an agent
   * made, but not someone else's. */
  own = create_feed (agent, data.tech2, 201);
  revoke_others = g_strdup_printf ("/api/v1/calendar/feeds/%" G_GINT64_FORMAT,
                                   json_object_get_int_member (own, "id"));
  node = request ("DELETE", revoke_others, technician, NULL, 403);
  g_assert_cmpstr (error_code (node), ==, "forbidden");
  g_clear_pointer (&node, json_node_unref);
  g_free (revoke_others);
  revoke_others = g_strdup_printf ("/api/v1/calendar/feeds/%" G_GINT64_FORMAT,
                                   json_object_get_int_member (others, "id"));
  json_node_unref (request ("DELETE", revoke_others, technician, NULL, 200));

  /* The list shows a technician only the feeds of their own calendar. */
  node = request ("GET", "/api/v1/calendar/feeds", technician, NULL, 200);
  feeds = json_object_get_array_member (json_node_get_object (node), "feeds");
  g_assert_cmpuint (json_array_get_length (feeds), >, 0);
  for (guint i = 0; i < json_array_get_length (feeds); i++)
    {
      JsonObject *f = json_array_get_object_element (feeds, i);

      g_assert_cmpstr (json_object_get_string_member (f, "staff_id"), ==, data.tech1);
      g_assert_false (json_object_has_member (f, "url"));
    }
  g_clear_pointer (&node, json_node_unref);

  /* Bad requests. */
  node = request ("POST", "/api/v1/calendar/feeds", agent, "{}", 400);
  g_assert_cmpstr (error_code (node), ==, "malformed");
  g_clear_pointer (&node, json_node_unref);
  node = request ("POST", "/api/v1/calendar/feeds", agent, "{\"staff_id\": 7}", 400);
  g_clear_pointer (&node, json_node_unref);
  node = request ("POST", "/api/v1/calendar/feeds", agent, "{\"staff_id\": \"nope\"}", 422);
  g_assert_cmpstr (error_code (node), ==, "invalid");
  g_clear_pointer (&node, json_node_unref);
  node = request ("POST", "/api/v1/calendar/feeds", agent, unknown, 422);
  g_clear_pointer (&node, json_node_unref);
  /* A customer id is not a staff record. */
  g_free (unknown);
  unknown = g_strdup_printf ("{\"staff_id\": \"%s\"}", data.customer1);
  node = request ("POST", "/api/v1/calendar/feeds", agent, unknown, 422);
  g_clear_pointer (&node, json_node_unref);
  node = request ("POST", "/api/v1/calendar/feeds", NULL, "{}", 401);
  g_clear_pointer (&node, json_node_unref);
  node = request ("PUT", "/api/v1/calendar/feeds", agent, "{}", 405);
  g_clear_pointer (&node, json_node_unref);
  node = request ("DELETE", "/api/v1/calendar/feeds/x", agent, NULL, 404);
}

/* webcal:// is the same host, port and path: a calendar program that is
 * given the webcal address fetches the very URL tested above. */
static void
test_webcal (void)
{
  g_autoptr (JsonObject) feed = create_feed (technician, data.tech1, 201);
  const char      *url = feed_url (feed);
  const char      *webcal = json_object_get_string_member (feed, "webcal_url");
  g_autofree char *as_http = NULL;

  g_assert_true (g_str_has_prefix (url, "http://"));
  g_assert_true (g_str_has_prefix (webcal, "webcal://"));
  g_assert_cmpstr (webcal + strlen ("webcal://"), ==, url + strlen ("http://"));

  as_http = g_strconcat ("http://", webcal + strlen ("webcal://"), NULL);
  g_free (get_feed (as_http, NULL, NULL, 200, NULL));
}

/* A feed whose staff record is deleted answers 404, like an unknown token;
 * HEAD answers like GET, without the body. */
static void
test_deleted_staff (void)
{
  g_autofree char *staff =
      create ("staff", "{\"name\": \"Leaving Soon\", \"role\": \"technician\"}");
  g_autoptr (JsonObject) feed = create_feed (agent, staff, 201);
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = fetch (feed_url (feed), "HEAD", NULL, NULL, NULL, &msg);

  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_nonnull (soup_message_headers_get_one (soup_message_get_response_headers (msg), "ETag"));
  g_assert_cmpuint (g_bytes_get_size (body), ==, 0);

  push ("staff", staff, "delete", 1, NULL);
  g_assert_null (get_feed (feed_url (feed), NULL, NULL, 404, NULL));
}

int
main (int argc, char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server_path = g_getenv ("AFTERCARE_SERVER");
  check_feed = g_getenv ("CHECK_FEED");
  if (server_path == NULL || check_feed == NULL)
    {
      g_printerr ("Set AFTERCARE_SERVER to the server and CHECK_FEED to check-calendar-feed.py\n");
      return 1;
    }

  tmp_dir = g_dir_make_tmp ("aftercare-calendar-test-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  db_path = test_db_new (tmp_dir, "server.db");
  session = soup_session_new_with_options ("timeout", 60, NULL);
  client_id = g_uuid_string_random ();

  add_user ("admin", "admin", NULL);
  add_user ("agent", "agent", NULL);
  server = server_start ();
  admin = login ("admin");
  agent = login ("agent");
  fill_data ();
  /* Linked to their staff records while the server runs, as an admin would. */
  add_user ("technician", "technician", data.tech1);
  add_user ("trainer", "trainer", data.trainer);
  add_user ("technician2", "technician", NULL);
  technician = login ("technician");
  trainer = login ("trainer");
  technician2 = login ("technician2");

  g_test_add_func ("/calendar/technician-feed", test_technician_feed);
  g_test_add_func ("/calendar/trainer-feed", test_trainer_feed);
  g_test_add_func ("/calendar/etag", test_etag);
  g_test_add_func ("/calendar/revoke", test_revoke);
  g_test_add_func ("/calendar/bad-token", test_bad_token);
  g_test_add_func ("/calendar/bearer", test_bearer);
  g_test_add_func ("/calendar/permissions", test_permissions);
  g_test_add_func ("/calendar/webcal", test_webcal);
  g_test_add_func ("/calendar/deleted-staff", test_deleted_staff);

  ret = g_test_run ();

  server_stop (server);
  g_object_unref (session);
  test_remove_tree (tmp_dir);

  return ret;
}
