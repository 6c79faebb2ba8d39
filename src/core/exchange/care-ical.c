/* care-ical.c: appointments and training sessions as iCalendar (RFC 5545).
 *
 * Built with libical-glib, so escaping, parameter quoting (RFC 6868 for
 * double quotes in names) and folding at 75 octets are libical's, the same
 * code Evolution uses to read them back.
 *
 * Mapping: UID is "<record id>@aftercare", stable across exports and edits;
 * SEQUENCE is the server revision and LAST-MODIFIED the record's update
 * time, so a subscriber sees an edit as a new version of the same event.
 * All times are UTC. An appointment's STATUS is CONFIRMED while planned or
 * done and CANCELLED when cancelled or not done (VEVENT has no "done"), with
 * the exact state in X-AFTERCARE-STATUS and the description. */
#define G_LOG_DOMAIN              "care-ical"
#define LIBICAL_GLIB_UNSTABLE_API 1

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libical-glib/libical-glib.h>
#include <string.h>

#include "care-clock.h"
#include "care-ical.h"

#define PRODID       "-//Aftercare//Aftercare " PACKAGE_VERSION "//EN"
#define REFRESH      "PT1H"
#define CHILDREN_MAX 5000

G_DEFINE_QUARK (care_ical_error_quark, care_ical_error)

/* Helpers */

static ICalTime *
utc_time (const char *iso)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) dt = NULL;

  if (iso == NULL)
    return NULL;
  dt = g_date_time_new_from_iso8601 (iso, utc);
  if (dt == NULL)
    return NULL;

  return i_cal_time_new_from_timet_with_zone ((time_t) g_date_time_to_unix (dt), FALSE,
                                              i_cal_timezone_get_utc_timezone ());
}

static ICalTime *
now_utc (void)
{
  return i_cal_time_new_from_timet_with_zone ((time_t) care_clock_now_unix (), FALSE,
                                              i_cal_timezone_get_utc_timezone ());
}

static void
take_time (ICalComponent *comp, ICalProperty *(*ctor) (ICalTime *), const char *iso)
{
  ICalTime *t = utc_time (iso);

  if (t != NULL)
    {
      i_cal_component_take_property (comp, ctor (t));
      g_object_unref (t);
    }
}

static void
take_text (ICalComponent *comp, ICalProperty *(*ctor) (const gchar *), const char *text)
{
  if (text != NULL && *text != '\0')
    i_cal_component_take_property (comp, ctor (text));
}

static void
take_x (ICalComponent *comp, const char *name, const char *value)
{
  ICalProperty *prop = i_cal_property_new_x (value);

  i_cal_property_set_x_name (prop, name);
  i_cal_component_take_property (comp, prop);
}

static CareRecord *
lookup (const CareIcalResolver *resolver,
        const char             *entity,
        CareRecord             *from,
        const char             *ref_field)
{
  const char *id = care_record_get_string (from, ref_field);

  if (id == NULL)
    return NULL;
  return resolver->lookup (care_schema_lookup (entity), id, resolver->user_data);
}

/* A calendar user address: mailto: when the person has an email, else the
 * record's URN, which is a valid URI that stays unique. */
static char *
cal_address (CareRecord *person)
{
  const char *email = care_record_get_string (person, "email");

  if (email != NULL)
    return g_strconcat ("mailto:", email, NULL);
  return g_strconcat ("urn:uuid:", care_record_get_id (person), NULL);
}

static void
take_organizer (ICalComponent *comp, CareRecord *staff)
{
  g_autofree char *address = NULL;
  ICalProperty    *prop;

  if (staff == NULL)
    return;

  address = cal_address (staff);
  prop = i_cal_property_new_organizer (address);
  i_cal_property_take_parameter (prop,
                                 i_cal_parameter_new_cn (care_record_get_string (staff, "name")));
  i_cal_component_take_property (comp, prop);
}

static void
take_attendee (ICalComponent        *comp,
               CareRecord           *person,
               ICalParameterCutype   cutype,
               ICalParameterRole     role,
               ICalParameterPartstat partstat)
{
  g_autofree char *address = cal_address (person);
  ICalProperty    *prop = i_cal_property_new_attendee (address);

  i_cal_property_take_parameter (prop,
                                 i_cal_parameter_new_cn (care_record_get_string (person, "name")));
  i_cal_property_take_parameter (prop, i_cal_parameter_new_cutype (cutype));
  i_cal_property_take_parameter (prop, i_cal_parameter_new_role (role));
  i_cal_property_take_parameter (prop, i_cal_parameter_new_partstat (partstat));
  i_cal_component_take_property (comp, prop);
}

static void
append_line (GString *s, const char *line)
{
  if (line == NULL || *line == '\0')
    return;
  if (s->len > 0)
    g_string_append_c (s, '\n');
  g_string_append (s, line);
}

static void
append_take (GString *s, char *line)
{
  append_line (s, line);
  g_free (line);
}

static void
append_paragraph (GString *s, const char *heading, const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  if (s->len > 0)
    g_string_append (s, "\n\n");
  if (heading != NULL)
    {
      g_string_append (s, heading);
      g_string_append_c (s, '\n');
    }
  g_string_append (s, text);
}

static char *
appointment_summary (const char *kind, const char *customer)
{
  /* TRANSLATORS: calendar event titles; %s is the customer's name */
  if (g_strcmp0 (kind, "delivery") == 0)
    return g_strdup_printf (_ ("Delivery: %s"), customer);
  if (g_strcmp0 (kind, "installation") == 0)
    return g_strdup_printf (_ ("Installation: %s"), customer);
  if (g_strcmp0 (kind, "maintenance") == 0)
    return g_strdup_printf (_ ("Maintenance visit: %s"), customer);
  if (g_strcmp0 (kind, "follow_up_call") == 0)
    return g_strdup_printf (_ ("Follow-up call: %s"), customer);
  return g_strdup_printf (_ ("Repair visit: %s"), customer);
}

/* Events */

static void
add_common (ICalComponent *event, CareRecord *record)
{
  g_autofree char *uid = care_ical_event_uid (record);
  ICalTime        *stamp = now_utc ();
  gint64           rev = care_record_get_rev (record);

  i_cal_component_take_property (event, i_cal_property_new_uid (uid));
  i_cal_component_take_property (event, i_cal_property_new_dtstamp (stamp));
  g_object_unref (stamp);
  take_time (event, i_cal_property_new_dtstart, care_record_get_string (record, "start_at"));
  take_time (event, i_cal_property_new_dtend, care_record_get_string (record, "end_at"));
  i_cal_component_take_property (event,
                                 i_cal_property_new_sequence ((int) CLAMP (rev, 0, G_MAXINT)));
  take_time (event, i_cal_property_new_created, care_record_get_created_at (record));
  take_time (event, i_cal_property_new_lastmodified, care_record_get_updated_at (record));
}

static ICalComponent *
appointment_event (CareRecord *appointment, const CareIcalResolver *resolver)
{
  const CareEntity *e = care_record_get_entity (appointment);
  ICalComponent    *event = i_cal_component_new_vevent ();
  g_autoptr (CareRecord) customer = lookup (resolver, "customer", appointment, "customer_id");
  g_autoptr (CareRecord) product = lookup (resolver, "product", appointment, "product_id");
  g_autoptr (CareRecord) service_case = lookup (resolver, "service_case", appointment, "case_id");
  g_autoptr (CareRecord) technician = lookup (resolver, "staff", appointment, "technician_id");
  g_autoptr (GString) description = g_string_new (NULL);
  g_autofree char *summary = NULL;
  const char      *kind = care_record_get_string (appointment, "kind");
  const char      *status = care_record_get_string (appointment, "status");
  const char      *address = care_record_get_string (appointment, "address");
  gboolean off = g_strcmp0 (status, "cancelled") == 0 || g_strcmp0 (status, "not_done") == 0;

  add_common (event, appointment);

  if (customer != NULL)
    summary = appointment_summary (kind, care_record_get_string (customer, "name"));
  else
    summary = g_strdup (care_field_choice_label (care_entity_lookup_field (e, "kind"), kind));
  i_cal_component_take_property (event, i_cal_property_new_summary (summary));

  if (address == NULL && customer != NULL && g_strcmp0 (kind, "follow_up_call") != 0)
    address = care_record_get_string (customer, "address");
  take_text (event, i_cal_property_new_location, address);

  /* TRANSLATORS: a line of a calendar event's description */
  {
    const char *v = care_field_choice_label (care_entity_lookup_field (e, "status"), status);
    if (v != NULL)
      append_take (description, g_strdup_printf (_ ("Status: %s"), v));
  }
  if (service_case != NULL)
    {
      const char *v = care_record_get_string (service_case, "subject");
      if (v != NULL)
        append_take (description, g_strdup_printf (_ ("Service case: %s"), v));
    }
  if (product != NULL)
    {
      g_autofree char *line = NULL;
      const char      *model = care_record_get_string (product, "model");
      g_autofree char *name =
          model != NULL ? g_strdup_printf ("%s %s", care_record_get_string (product, "name"), model)
                        : g_strdup (care_record_get_string (product, "name"));

      /* TRANSLATORS: "Product: Laser printer LX-200, serial SN-1234" */
      line = g_strdup_printf (_ ("Product: %s, serial %s"), name,
                              care_record_get_string (product, "serial"));
      append_line (description, line);
    }
  if (customer != NULL)
    {
      {
        const char *v = care_record_get_string (customer, "phone");
        if (v != NULL)
          append_take (description, g_strdup_printf (_ ("Phone: %s"), v));
      }
      {
        const char *v = care_record_get_string (customer, "email");
        if (v != NULL)
          append_take (description, g_strdup_printf (_ ("Email: %s"), v));
      }
    }
  append_paragraph (description, NULL, care_record_get_string (appointment, "notes"));
  append_paragraph (description, _ ("Work notes:"),
                    care_record_get_string (appointment, "work_notes"));
  take_text (event, i_cal_property_new_description, description->str);

  i_cal_component_take_property (
      event, i_cal_property_new_status (off ? I_CAL_STATUS_CANCELLED : I_CAL_STATUS_CONFIRMED));
  i_cal_component_take_property (
      event, i_cal_property_new_transp (off ? I_CAL_TRANSP_TRANSPARENT : I_CAL_TRANSP_OPAQUE));
  take_x (event, "X-AFTERCARE-STATUS", status);

  take_organizer (event, technician);
  if (customer != NULL)
    {
      gboolean company = g_strcmp0 (care_record_get_string (customer, "kind"), "company") == 0;

      take_attendee (event, customer, company ? I_CAL_CUTYPE_GROUP : I_CAL_CUTYPE_INDIVIDUAL,
                     I_CAL_ROLE_REQPARTICIPANT,
                     g_strcmp0 (status, "cancelled") == 0 ? I_CAL_PARTSTAT_DECLINED
                                                          : I_CAL_PARTSTAT_ACCEPTED);
    }

  return event;
}

static ICalComponent *
session_event (CareRecord *session, const CareIcalResolver *resolver)
{
  ICalComponent *event = i_cal_component_new_vevent ();
  g_autoptr (CareRecord) course = lookup (resolver, "training_course", session, "course_id");
  g_autoptr (CareRecord) trainer = lookup (resolver, "staff", session, "trainer_id");
  g_autoptr (GPtrArray) enrolments = NULL;
  g_autoptr (GString) description = g_string_new (NULL);
  const char       *location = care_record_get_string (session, "location");
  const char       *url = care_record_get_string (session, "url");
  const CareEntity *contact_entity = care_schema_entity (CARE_ENTITY_CONTACT);
  gint64            seats = care_record_get_int (session, "seats", 0);
  guint             confirmed = 0;

  add_common (event, session);

  i_cal_component_take_property (
      event, i_cal_property_new_summary (course != NULL ? care_record_get_string (course, "title")
                                                        : _ ("Training session")));
  take_text (event, i_cal_property_new_location, location != NULL ? location : url);
  take_text (event, i_cal_property_new_url, url);
  i_cal_component_take_property (event, i_cal_property_new_status (I_CAL_STATUS_CONFIRMED));
  take_organizer (event, trainer);

  if (resolver->find != NULL)
    enrolments = resolver->find (care_schema_entity (CARE_ENTITY_ENROLMENT), "session_id",
                                 care_record_get_id (session), resolver->user_data);
  for (guint i = 0; enrolments != NULL && i < enrolments->len; i++)
    {
      CareRecord *enrolment = g_ptr_array_index (enrolments, i);
      g_autoptr (CareRecord) contact = NULL;
      const char *status = care_record_get_string (enrolment, "status");
      const char *contact_id = care_record_get_string (enrolment, "contact_id");

      if (contact_id == NULL ||
          (contact = resolver->lookup (contact_entity, contact_id, resolver->user_data)) == NULL)
        continue;

      if (g_strcmp0 (status, "confirmed") == 0)
        {
          confirmed++;
          take_attendee (event, contact, I_CAL_CUTYPE_INDIVIDUAL, I_CAL_ROLE_REQPARTICIPANT,
                         I_CAL_PARTSTAT_ACCEPTED);
        }
      else if (g_strcmp0 (status, "waitlisted") == 0)
        take_attendee (event, contact, I_CAL_CUTYPE_INDIVIDUAL, I_CAL_ROLE_OPTPARTICIPANT,
                       I_CAL_PARTSTAT_TENTATIVE);
      else
        take_attendee (event, contact, I_CAL_CUTYPE_INDIVIDUAL, I_CAL_ROLE_OPTPARTICIPANT,
                       I_CAL_PARTSTAT_DECLINED);
    }

  if (course != NULL)
    {
      const char *v = care_record_get_string (course, "software");
      if (v != NULL)
        append_take (description, g_strdup_printf (_ ("Software: %s"), v));
    }
  {
    g_autofree char *line =
        g_strdup_printf (ngettext ("%u of %u seat taken", "%u of %u seats taken", (gulong) seats),
                         confirmed, (guint) seats);
    append_line (description, line);
  }
  if (location != NULL)
    append_line (description, url);
  if (course != NULL)
    append_paragraph (description, NULL, care_record_get_string (course, "description"));
  take_text (event, i_cal_property_new_description, description->str);

  return event;
}

static ICalComponent *
build_event (CareRecord *record, const CareIcalResolver *resolver, GError **error)
{
  const char      *entity = care_record_get_entity (record)->name;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;

  if (!g_str_equal (entity, "appointment") && !g_str_equal (entity, "training_session"))
    {
      g_set_error (error, CARE_ICAL_ERROR, CARE_ICAL_ERROR_UNSUPPORTED,
                   _ ("Only appointments and training sessions can be exported to a calendar"));
      return NULL;
    }

  start = care_field_normalize_datetime (care_record_get_string (record, "start_at"));
  end = care_field_normalize_datetime (care_record_get_string (record, "end_at"));
  if (start == NULL || end == NULL || strcmp (end, start) < 0)
    {
      g_set_error (error, CARE_ICAL_ERROR, CARE_ICAL_ERROR_INVALID,
                   _ ("The event has no valid start and end time"));
      return NULL;
    }

  if (g_str_equal (entity, "appointment"))
    return appointment_event (record, resolver);
  return session_event (record, resolver);
}

static ICalComponent *
new_calendar (void)
{
  ICalComponent *cal = i_cal_component_new_vcalendar ();

  i_cal_component_take_property (cal, i_cal_property_new_prodid (PRODID));
  i_cal_component_take_property (cal, i_cal_property_new_version ("2.0"));
  i_cal_component_take_property (cal, i_cal_property_new_calscale ("GREGORIAN"));
  i_cal_component_take_property (cal, i_cal_property_new_method (I_CAL_METHOD_PUBLISH));
  return cal;
}

/* Store resolver */

static CareRecord *
store_lookup (const CareEntity *entity, const char *id, gpointer user_data)
{
  return care_store_load (CARE_STORE (user_data), entity, id, NULL);
}

static GPtrArray *
store_find (const CareEntity *entity, const char *field, const char *value, gpointer user_data)
{
  g_autoptr (CareQuery) q = care_query_new (entity);
  const char *order = entity->title_field;

  /* Oldest first: an entity's first time field orders it (enrolled_at). */
  for (guint i = 0; i < entity->n_fields; i++)
    if (entity->fields[i].type == CARE_FIELD_DATETIME)
      {
        order = entity->fields[i].name;
        break;
      }

  care_query_add_string (q, field, CARE_QUERY_EQ, value);
  care_query_set_order (q, order, FALSE);
  return care_store_find (CARE_STORE (user_data), q, 0, CHILDREN_MAX, NULL, NULL);
}

/* Public API */

/**
 * care_ical_resolver_init_for_store:
 *
 * Fills @resolver to read from @store, which must outlive its use.
 */
void
care_ical_resolver_init_for_store (CareIcalResolver *resolver, CareStore *store)
{
  g_return_if_fail (resolver != NULL);
  g_return_if_fail (CARE_IS_STORE (store));

  resolver->lookup = store_lookup;
  resolver->find = store_find;
  resolver->user_data = store;
}

/* "<record id>@aftercare": the same event in every export. */
char *
care_ical_event_uid (CareRecord *event)
{
  return g_strconcat (care_record_get_id (event), "@aftercare", NULL);
}

/**
 * care_ical_export_event:
 * @event: an appointment or a training session
 *
 * Returns: (transfer full): a VCALENDAR (METHOD:PUBLISH) holding one VEVENT.
 */
char *
care_ical_export_event (CareRecord *event, const CareIcalResolver *resolver, GError **error)
{
  ICalComponent *cal;
  ICalComponent *vevent;
  char          *text;

  g_return_val_if_fail (CARE_IS_RECORD (event), NULL);
  g_return_val_if_fail (resolver != NULL && resolver->lookup != NULL, NULL);

  vevent = build_event (event, resolver, error);
  if (vevent == NULL)
    return NULL;

  cal = new_calendar ();
  i_cal_component_take_component (cal, vevent);
  text = i_cal_component_as_ical_string (cal);
  g_object_unref (cal);
  return text;
}

gboolean
care_ical_export_event_to_file (CareRecord             *event,
                                const CareIcalResolver *resolver,
                                GFile                  *file,
                                GCancellable           *cancellable,
                                GError                **error)
{
  g_autofree char *text = care_ical_export_event (event, resolver, error);

  if (text == NULL)
    return FALSE;

  return g_file_replace_contents (file, text, strlen (text), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, cancellable, error);
}

/**
 * care_ical_export_feed:
 * @calendar_name: the name a subscriber shows (X-WR-CALNAME and NAME)
 * @events: (element-type CareRecord): appointments and training sessions
 *
 * Builds a calendar to subscribe to: every event of @events, with a refresh
 * interval of an hour. Store-agnostic: the records and @resolver may come
 * from the client's CareStore or from the server's storage. A record that
 * cannot be an event (another entity, broken times) is left out; at most
 * CARE_ICAL_FEED_MAX_EVENTS are written.
 */
char *
care_ical_export_feed (const char             *calendar_name,
                       GPtrArray              *events,
                       const CareIcalResolver *resolver,
                       GError                **error)
{
  ICalComponent *cal;
  ICalProperty  *refresh;
  char          *text;

  g_return_val_if_fail (calendar_name != NULL, NULL);
  g_return_val_if_fail (events != NULL, NULL);
  g_return_val_if_fail (resolver != NULL && resolver->lookup != NULL, NULL);

  cal = new_calendar ();
  take_x (cal, "X-WR-CALNAME", calendar_name);
  i_cal_component_take_property (cal, i_cal_property_new_name (calendar_name));
  /* RFC 7986 REFRESH-INTERVAL has no constructor in libical-glib 3.0; the
   * parser builds it from its constant text. */
  refresh = i_cal_property_new_from_string ("REFRESH-INTERVAL;VALUE=DURATION:" REFRESH);
  if (refresh != NULL)
    i_cal_component_take_property (cal, refresh);
  take_x (cal, "X-PUBLISHED-TTL", REFRESH);

  for (guint i = 0; i < events->len && i < CARE_ICAL_FEED_MAX_EVENTS; i++)
    {
      g_autoptr (GError) local_error = NULL;
      ICalComponent *vevent = build_event (g_ptr_array_index (events, i), resolver, &local_error);

      if (vevent == NULL)
        {
          g_debug ("Left %s out of the feed: %s",
                   care_record_get_id (g_ptr_array_index (events, i)), local_error->message);
          continue;
        }
      i_cal_component_take_component (cal, vevent);
    }

  text = i_cal_component_as_ical_string (cal);
  g_object_unref (cal);
  return text;
}

static gboolean
find_events (CareStore  *store,
             const char *entity,
             const char *staff_field,
             const char *staff_id,
             const char *since,
             GPtrArray  *out,
             GError    **error)
{
  g_autoptr (CareQuery) q = care_query_new (care_schema_lookup (entity));
  g_autoptr (GPtrArray) found = NULL;

  care_query_add_string (q, staff_field, CARE_QUERY_EQ, staff_id);
  if (since != NULL)
    care_query_add_string (q, "end_at", CARE_QUERY_GE, since);
  care_query_set_order (q, "start_at", FALSE);

  found = care_store_find (store, q, 0, CARE_ICAL_FEED_MAX_EVENTS - out->len, NULL, error);
  if (found == NULL)
    return FALSE;

  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (out, g_object_ref (g_ptr_array_index (found, i)));
  return TRUE;
}

/**
 * care_ical_export_staff_feed:
 * @since: (nullable): leave out events that ended before this UTC time
 *
 * The feed of one staff member: the appointments they are the technician
 * of and the training sessions they teach, read from @store.
 */
char *
care_ical_export_staff_feed (CareStore  *store,
                             const char *staff_id,
                             const char *since,
                             GError    **error)
{
  g_autoptr (CareRecord) staff = NULL;
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *name = NULL;
  CareIcalResolver resolver;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (staff_id != NULL, NULL);

  staff = care_store_load (store, care_schema_entity (CARE_ENTITY_STAFF), staff_id, error);
  if (staff == NULL)
    return NULL;

  if (!find_events (store, "appointment", "technician_id", staff_id, since, events, error) ||
      !find_events (store, "training_session", "trainer_id", staff_id, since, events, error))
    return NULL;

  care_ical_resolver_init_for_store (&resolver, store);
  /* TRANSLATORS: the name of a subscribed calendar; %s is a staff member */
  name = g_strdup_printf (_ ("Aftercare: %s"), care_record_get_string (staff, "name"));
  return care_ical_export_feed (name, events, &resolver, error);
}
