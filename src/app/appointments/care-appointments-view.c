/* care-appointments-view.c: the agenda of visits and calls, by day or week.
 *
 * The agenda is a paged list over one indexed query (start_at in the shown
 * range, optionally one technician), beside the details of the chosen
 * appointment. Booking and editing go through the shared editor dialog,
 * with a warning when the technician is already booked; recording a visit
 * asks for work notes, and a finished delivery or installation books the
 * follow-up call (care-follow-up-hook.c). */
#define G_LOG_DOMAIN "care-appointments-view"

#include "config.h"

#include <glib/gi18n.h>

#include "care-clock.h"
#include "care-appointments-view.h"
#include "care-clash-banner.h"
#include "care-dashboard-stats.h"
#include "care-editor-dialog.h"
#include "care-filter-bar.h"
#include "care-follow-up-hook.h"
#include "care-format.h"
#include "care-ics-export.h"
#include "care-maintenance.h"
#include "care-record-list.h"
#include "care-schedule.h"
#include "care-visit-report-dialog.h"
#include "care-visit-report.h"
#include "care-history-group.h"
#include "care-survey-group.h"

/* Technicians offered in the filter; a company has far fewer. */
#define MAX_TECHNICIANS 200
/* How long an Undo stays in reach. */
#define UNDO_TIMEOUT_SECONDS 12

struct _CareAppointmentsView
{
  CareView parent_instance;

  /* Template widgets */
  AdwLeaflet       *leaflet;
  GtkLabel         *range_label;
  GtkToggleButton  *day_toggle;
  GtkToggleButton  *week_toggle;
  GtkDropDown      *technician_dropdown;
  GtkStack         *list_stack;
  GtkListView      *list_view;
  AdwStatusPage    *empty_page;
  GtkStack         *detail_stack;
  GtkLabel         *detail_title;
  GtkWidget        *done_button;
  GtkWidget        *not_done_button;
  AdwActionRow     *clash_row;
  AdwActionRow     *when_row;
  AdwActionRow     *status_row;
  AdwActionRow     *customer_row;
  AdwActionRow     *address_row;
  AdwActionRow     *technician_row;
  AdwActionRow     *product_row;
  AdwActionRow     *notes_row;
  AdwActionRow     *work_notes_row;
  AdwActionRow     *visit_report_row;
  CareSurveyGroup  *survey_group;
  CareHistoryGroup *history_group;

  /* Borrowed references */
  CareFilterBar *filter_bar;

  /* Owned references */
  CareQuery          *narrowed; /* what a summary linked to, instead of a day or week */
  CareRecordList     *records;
  GtkSingleSelection *selection;
  GtkStringList      *technician_names;
  GPtrArray          *technician_ids; /* char*, parallel to technician_names after "All" */
  GDateTime          *day;            /* local midnight of the shown day */
  CareRecord         *current;        /* the appointment shown in the detail pane */
  GtkWidget          *new_button;
  gboolean            filling_technicians;
};

G_DEFINE_FINAL_TYPE (CareAppointmentsView, care_appointments_view, CARE_TYPE_VIEW)

static CareStore *
get_store (CareAppointmentsView *self)
{
  return care_view_get_store (CARE_VIEW (self));
}

static gboolean
week_mode (CareAppointmentsView *self)
{
  /* Read from the button whose "toggled" drives the reload: while a group
   * switches, the other button has not changed yet. */
  return !gtk_toggle_button_get_active (self->day_toggle);
}

static char *
utc_string (GDateTime *dt)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (dt);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

static GDateTime *
local_midnight (GDateTime *dt)
{
  g_autoptr (GDateTime) local = g_date_time_to_local (dt);

  return g_date_time_new_local (g_date_time_get_year (local), g_date_time_get_month (local),
                                g_date_time_get_day_of_month (local), 0, 0, 0);
}

static GDateTime *
parse_utc (const char *iso)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  return iso != NULL ? g_date_time_new_from_iso8601 (iso, utc) : NULL;
}

/* The shown range: [*from, *to) in local time. Weeks start on Monday. */
static void
get_range (CareAppointmentsView *self, GDateTime **from, GDateTime **to)
{
  if (week_mode (self))
    {
      *from = g_date_time_add_days (self->day, 1 - g_date_time_get_day_of_week (self->day));
      *to = g_date_time_add_days (*from, 7);
    }
  else
    {
      *from = g_date_time_ref (self->day);
      *to = g_date_time_add_days (self->day, 1);
    }
}

static const char *
selected_technician (CareAppointmentsView *self)
{
  guint selected = gtk_drop_down_get_selected (self->technician_dropdown);

  if (selected == GTK_INVALID_LIST_POSITION || selected == 0 ||
      selected > self->technician_ids->len)
    return NULL;
  return g_ptr_array_index (self->technician_ids, selected - 1);
}

static void
update_range_label (CareAppointmentsView *self)
{
  g_autoptr (GDateTime) from = NULL;
  g_autoptr (GDateTime) to = NULL;
  g_autoptr (GDateTime) last = NULL;
  g_autofree char *text = NULL;

  get_range (self, &from, &to);
  if (week_mode (self))
    {
      g_autofree char *first = NULL;
      g_autofree char *end = NULL;

      last = g_date_time_add_days (to, -1);
      /* TRANSLATORS: the first day of a week in the agenda, as g_date_time_format() writes it */
      first = g_date_time_format (from, C_ ("agenda week start", "%-d %b"));
      /* TRANSLATORS: the last day of a week in the agenda, as g_date_time_format() writes it */
      end = g_date_time_format (last, C_ ("agenda week end", "%-d %b %Y"));
      /* TRANSLATORS: a week in the agenda: "2 Mar – 8 Mar 2026" */
      text = g_strdup_printf (_ ("%s – %s"), first, end);
    }
  else
    {
      text = care_format_day_heading (self->day);
    }

  gtk_label_set_text (self->range_label, text);
}

static void
update_empty_state (CareAppointmentsView *self)
{
  guint       n = g_list_model_get_n_items (G_LIST_MODEL (self->records));
  const char *description;

  if (selected_technician (self) != NULL)
    description = week_mode (self)
                      ? _ ("This technician has nothing booked this week. Choose another week or "
                           "“All technicians”, or book a visit or call with Ctrl+N.")
                      : _ ("This technician has nothing booked on this day. Choose another day or "
                           "“All technicians”, or book a visit or call with Ctrl+N.");
  else
    description = week_mode (self) ? _ ("Nothing is booked this week. Choose another week, or book "
                                        "a visit or call with Ctrl+N.")
                                   : _ ("Nothing is booked on this day. Choose another day, or "
                                        "book a visit or call with Ctrl+N.");

  adw_status_page_set_description (self->empty_page, description);
  gtk_stack_set_visible_child_name (self->list_stack, n > 0 ? "list" : "empty");
}

static void
reload (CareAppointmentsView *self)
{
  g_autoptr (CareQuery) query = care_query_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));
  g_autoptr (GDateTime) from = NULL;
  g_autoptr (GDateTime) to = NULL;
  g_autofree char *from_utc = NULL;
  g_autofree char *to_utc = NULL;
  const char      *technician = selected_technician (self);

  if (self->narrowed != NULL)
    {
      care_record_list_set_query (self->records, self->narrowed);
      gtk_label_set_text (self->range_label, care_filter_bar_get_title (self->filter_bar));
      update_empty_state (self);
      return;
    }

  get_range (self, &from, &to);
  from_utc = utc_string (from);
  to_utc = utc_string (to);
  care_query_add_string (query, "start_at", CARE_QUERY_GE, from_utc);
  care_query_add_string (query, "start_at", CARE_QUERY_LT, to_utc);
  if (technician != NULL)
    care_query_add_string (query, "technician_id", CARE_QUERY_EQ, technician);
  care_query_set_order (query, "start_at", FALSE);

  care_record_list_set_query (self->records, query);
  update_range_label (self);
  update_empty_state (self);
}

static void
fill_technicians (CareAppointmentsView *self)
{
  g_autoptr (CareQuery) query = care_query_new (care_schema_entity (CARE_ENTITY_STAFF));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) staff = NULL;
  g_autofree char *keep = g_strdup (selected_technician (self));
  guint            selected = 0;
  guint            n_old = g_list_model_get_n_items (G_LIST_MODEL (self->technician_names));

  care_query_add_string (query, "role", CARE_QUERY_EQ, "technician");
  care_query_set_order (query, "name", FALSE);
  staff = care_store_find (get_store (self), query, 0, MAX_TECHNICIANS, NULL, &error);
  if (staff == NULL)
    {
      g_warning ("Could not list the technicians: %s", error->message);
      return;
    }

  self->filling_technicians = TRUE;
  g_ptr_array_set_size (self->technician_ids, 0);
  {
    g_autoptr (GPtrArray) names = g_ptr_array_new ();

    g_ptr_array_add (names, (gpointer) _ ("All technicians"));
    for (guint i = 0; i < staff->len; i++)
      {
        CareRecord *r = g_ptr_array_index (staff, i);

        g_ptr_array_add (self->technician_ids, g_strdup (care_record_get_id (r)));
        g_ptr_array_add (names, (gpointer) care_record_get_string (r, "name"));
        if (g_strcmp0 (keep, care_record_get_id (r)) == 0)
          selected = i + 1;
      }
    g_ptr_array_add (names, NULL);
    gtk_string_list_splice (self->technician_names, 0, n_old, (const char *const *) names->pdata);
  }
  gtk_drop_down_set_selected (self->technician_dropdown, selected);
  self->filling_technicians = FALSE;
}

static void
set_row (AdwActionRow *row, const char *text)
{
  adw_action_row_set_subtitle (row, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (row), text != NULL && text[0] != '\0');
}

static char *
format_time_range (CareRecord *record, gboolean with_day)
{
  g_autofree char *start = care_format_time (care_record_get_string (record, "start_at"));
  g_autofree char *end = care_format_time (care_record_get_string (record, "end_at"));
  g_autoptr (GDateTime) start_dt = parse_utc (care_record_get_string (record, "start_at"));
  g_autoptr (GDateTime) local = start_dt != NULL ? g_date_time_to_local (start_dt) : NULL;

  if (with_day && local != NULL)
    {
      g_autofree char *day = care_format_day_short (local);
      /* TRANSLATORS: a day and a time range: "Mon 2 Mar, 09:00 – 10:00" */
      return g_strdup_printf (_ ("%s, %s – %s"), day, start, end);
    }
  /* TRANSLATORS: a time range: "09:00 – 10:00" */
  return g_strdup_printf (_ ("%s – %s"), start, end);
}

static void
show_detail (CareAppointmentsView *self, CareRecord *record)
{
  g_autofree char *kind = NULL;
  g_autofree char *customer = NULL;
  g_autofree char *title = NULL;
  g_autofree char *when = NULL;
  g_autofree char *day = NULL;
  g_autofree char *status = NULL;
  g_autofree char *technician = NULL;
  g_autofree char *product = NULL;
  g_autoptr (GPtrArray) clashes = NULL;
  g_autoptr (GError) error = NULL;
  gboolean planned;

  g_set_object (&self->current, record);
  care_survey_group_set_subject (self->survey_group, care_view_get_context (CARE_VIEW (self)),
                                 record);
  care_history_group_set_subject (self->history_group, care_view_get_context (CARE_VIEW (self)),
                                  record);
  if (record == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.edit", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.export-calendar", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.mark-done", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.mark-not-done", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.visit-report", FALSE);
      return;
    }

  kind = care_format_record_field (record, "kind");
  customer = care_format_record_reference (get_store (self), record, "customer_id");
  /* TRANSLATORS: an appointment's heading: "Delivery for Padaria Lda" */
  title = customer != NULL ? g_strdup_printf (_ ("%s for %s"), kind, customer) : g_strdup (kind);
  gtk_label_set_text (self->detail_title, title);

  day = care_format_date (care_record_get_string (record, "start_at"));
  {
    g_autofree char *range = format_time_range (record, FALSE);
    g_autoptr (GDateTime) start_dt = parse_utc (care_record_get_string (record, "start_at"));
    g_autoptr (GDateTime) local = start_dt != NULL ? g_date_time_to_local (start_dt) : NULL;
    g_autofree char *date = care_format_day_heading (local);
    /* TRANSLATORS: when an appointment is: "Monday 2 March 2026, 09:00 – 10:00" */
    when = g_strdup_printf (_ ("%s, %s"), date, range);
  }
  status = care_format_record_field (record, "status");
  technician = care_format_record_reference (get_store (self), record, "technician_id");
  product = care_format_record_reference (get_store (self), record, "product_id");

  set_row (self->when_row, when);
  set_row (self->status_row, status);
  {
    g_autoptr (CareRecord) contact =
        care_format_load_reference (get_store (self), record, "contact_id");
    const char      *phone = contact != NULL ? care_record_get_string (contact, "phone") : NULL;
    g_autofree char *who = NULL;

    /* Whom to ask for, and how to reach them, beside the customer. */
    if (contact != NULL)
      {
        g_autofree char *person =
            phone != NULL ? g_strdup_printf ("%s, %s", care_record_get_title (contact), phone)
                          : g_strdup (care_record_get_title (contact));
        /* TRANSLATORS: an appointment's customer and the contact to ask for: "Padaria Lda · contact: Ana Costa, +351 …" */
        who = g_strdup_printf (_ ("%s · contact: %s"), customer != NULL ? customer : "", person);
      }
    set_row (self->customer_row, who != NULL ? who : customer);
  }
  set_row (self->address_row, care_record_get_string (record, "address"));
  set_row (self->technician_row, technician != NULL ? technician : _ ("Not assigned"));
  set_row (self->product_row, product);
  set_row (self->notes_row, care_record_get_string (record, "notes"));
  set_row (self->work_notes_row, care_record_get_string (record, "work_notes"));

  clashes = care_schedule_find_record_clashes (get_store (self), record, &error);
  if (clashes == NULL)
    care_view_show_error (self, NULL, error);
  g_clear_error (&error);
  if (clashes != NULL && clashes->len > 0)
    {
      g_autoptr (GString) text = g_string_new (NULL);

      for (guint i = 0; i < clashes->len; i++)
        {
          CareRecord      *c = g_ptr_array_index (clashes, i);
          g_autofree char *range = format_time_range (c, FALSE);
          g_autofree char *ckind = care_format_record_field (c, "kind");
          g_autofree char *who = care_format_record_reference (get_store (self), c, "customer_id");

          if (text->len > 0)
            g_string_append_c (text, '\n');
          /* TRANSLATORS: a clashing appointment: "09:30 – 10:30 Repair, Padaria Lda" */
          g_string_append_printf (text, _ ("%s %s, %s"), range, ckind, who != NULL ? who : "");
        }
      set_row (self->clash_row, text->str);
    }
  else
    set_row (self->clash_row, NULL);

  {
    g_autoptr (CareRecord) report = care_visit_report_find_for_appointment (
        get_store (self), care_record_get_id (record), &error);

    if (error != NULL)
      care_view_show_error (self, NULL, error);

    adw_action_row_set_subtitle (self->visit_report_row,
                                 report == NULL ? _ ("Not written yet")
                                 : care_record_get_value (report, "total_cents") != NULL
                                     ? _ ("Completed and signed")
                                     : _ ("Written, not completed"));
  }

  planned = g_strcmp0 (care_record_get_string (record, "status"), "planned") == 0;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.edit", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.visit-report", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.export-calendar", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.mark-done", planned);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.mark-not-done", planned);
  /* Their slots in the flow box go too, not only the buttons. */
  gtk_widget_set_visible (gtk_widget_get_parent (self->done_button), planned);
  gtk_widget_set_visible (gtk_widget_get_parent (self->not_done_button), planned);
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
}

/* The agenda by day or week again, after a list a summary linked to. */
static void
drop_narrowing (CareAppointmentsView *self)
{
  g_clear_pointer (&self->narrowed, care_query_unref);
  care_filter_bar_set_title (self->filter_bar, NULL);
}

/* Shows the day of @record and selects it in the agenda. */
static void
reveal_record (CareAppointmentsView *self, CareRecord *record)
{
  g_autoptr (GDateTime) start = parse_utc (care_record_get_string (record, "start_at"));
  const char *technician = selected_technician (self);
  int         position;

  drop_narrowing (self);
  if (start != NULL)
    {
      g_clear_pointer (&self->day, g_date_time_unref);
      self->day = local_midnight (start);
    }
  /* A filter that would hide the record gives way. */
  if (technician != NULL &&
      g_strcmp0 (technician, care_record_get_string (record, "technician_id")) != 0)
    gtk_drop_down_set_selected (self->technician_dropdown, 0);
  reload (self);

  position = care_record_list_find (self->records, care_record_get_id (record));
  if (position >= 0)
    {
      gtk_single_selection_set_selected (self->selection, (guint) position);
      gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                                  (guint) position);
    }
  show_detail (self, record);
}

/* How long a new booking of @kind lasts: a deployment may ship a schema
 * with one preferred visit length, else each kind has its usual one. */
static int
default_length_minutes (CareAppointmentsView *self, const char *kind)
{
  GSettings *settings = care_context_get_settings (care_view_get_context (CARE_VIEW (self)));
  g_autoptr (GSettingsSchema) schema = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  if (schema != NULL && g_settings_schema_has_key (schema, "appointment-length"))
    return CLAMP (g_settings_get_int (settings, "appointment-length"), 5, 24 * 60);
  return care_schedule_usual_minutes (kind);
}

static void
editor_saved_cb (CareEditorDialog *dialog, CareRecord *record, CareAppointmentsView *self);

/* Once a customer is chosen, the product and case pickers offer theirs only. */
static void
restrict_to_customer (CareRecordEditor *editor, GParamSpec *pspec, gpointer user_data)
{
  const char *customer =
      care_record_get_string (care_record_editor_get_record (editor), "customer_id");
  const char *shown = g_object_get_data (G_OBJECT (editor), "restricted-to");
  g_autoptr (CareQuery) products = care_query_new (care_schema_entity (CARE_ENTITY_PRODUCT));
  g_autoptr (CareQuery) cases = care_query_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));
  g_autoptr (CareQuery) contacts = care_query_new (care_schema_entity (CARE_ENTITY_CONTACT));

  if (g_strcmp0 (customer, shown) == 0)
    return;

  g_object_set_data_full (G_OBJECT (editor), "restricted-to", g_strdup (customer), g_free);
  if (customer != NULL)
    {
      care_query_add_string (products, "customer_id", CARE_QUERY_EQ, customer);
      care_query_add_string (cases, "customer_id", CARE_QUERY_EQ, customer);
      care_query_add_string (contacts, "customer_id", CARE_QUERY_EQ, customer);
    }
  care_record_editor_set_ref_query (editor, "product_id", products);
  care_record_editor_set_ref_query (editor, "case_id", cases);
  care_record_editor_set_ref_query (editor, "contact_id", contacts);
}

/* The customer's primary contact, else their first, or NULL. */
static char *
primary_contact_id (CareAppointmentsView *self, const char *customer_id)
{
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CONTACT));
  g_autoptr (GPtrArray) contacts = NULL;

  care_query_add_string (q, "customer_id", CARE_QUERY_EQ, customer_id);
  care_query_set_order (q, "is_primary", TRUE);
  contacts = care_store_find (get_store (self), q, 0, 1, NULL, NULL);
  return contacts != NULL && contacts->len > 0
             ? g_strdup (care_record_get_id (g_ptr_array_index (contacts, 0)))
             : NULL;
}

/* What a new booking takes from the form as the user fills it: a new
 * kind sets the end by its usual length (until the user sets the end
 * themselves), and a chosen customer gives their address and primary
 * contact (until the user chooses others). */
static void
fill_new_booking (CareRecordEditor *editor, GParamSpec *pspec, CareAppointmentsView *self)
{
  CareRecord *record = care_record_editor_get_record (editor);
  const char *kind = care_record_get_string (record, "kind");
  const char *customer = care_record_get_string (record, "customer_id");

  if (g_strcmp0 (kind, g_object_get_data (G_OBJECT (editor), "filled-kind")) != 0)
    {
      g_object_set_data_full (G_OBJECT (editor), "filled-kind", g_strdup (kind), g_free);
      if (!care_record_editor_is_touched (editor, "end_at"))
        {
          g_autoptr (GDateTime) start = parse_utc (care_record_get_string (record, "start_at"));
          g_autoptr (GDateTime) end = NULL;
          g_autofree char *end_utc = NULL;

          if (start != NULL)
            {
              end = g_date_time_add_minutes (start, default_length_minutes (self, kind));
              end_utc = utc_string (end);
              if (g_strcmp0 (end_utc, care_record_get_string (record, "end_at")) != 0)
                care_record_editor_set_value (editor, "end_at", g_variant_new_string (end_utc));
            }
        }
    }

  if (g_strcmp0 (customer, g_object_get_data (G_OBJECT (editor), "filled-customer")) != 0)
    {
      g_autoptr (CareRecord) chosen = NULL;
      const char *address;

      g_object_set_data_full (G_OBJECT (editor), "filled-customer", g_strdup (customer), g_free);
      if (customer != NULL && !care_record_editor_is_touched (editor, "contact_id"))
        {
          g_autofree char *contact = primary_contact_id (self, customer);

          if (g_strcmp0 (contact, care_record_get_string (record, "contact_id")) != 0)
            care_record_editor_set_value (editor, "contact_id",
                                          contact != NULL ? g_variant_new_string (contact) : NULL);
        }
      if (customer == NULL || care_record_editor_is_touched (editor, "address"))
        return;
      chosen = care_store_load (get_store (self), care_schema_entity (CARE_ENTITY_CUSTOMER),
                                customer, NULL);
      address = chosen != NULL ? care_record_get_string (chosen, "address") : NULL;
      if (g_strcmp0 (address, care_record_get_string (record, "address")) != 0)
        care_record_editor_set_value (editor, "address",
                                      address != NULL ? g_variant_new_string (address) : NULL);
    }
}

static void
open_editor (CareAppointmentsView *self, CareRecord *record, const char *title, gboolean is_new)
{
  static const char *const new_fields[] = {
    "kind",    "customer_id", "contact_id", "product_id", "technician_id", "start_at", "end_at",
    "address", "case_id",     "notes",      NULL
  };
  static const char *const edit_fields[] = {
    "kind",   "customer_id", "contact_id", "product_id", "technician_id", "start_at", "end_at",
    "status", "address",     "case_id",    "notes",      "work_notes",    NULL
  };
  GtkRoot          *root = gtk_widget_get_root (GTK_WIDGET (self));
  CareEditorDialog *dialog =
      care_editor_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, get_store (self),
                              record, is_new ? new_fields : edit_fields, title);
  g_autoptr (CareQuery) technicians = care_query_new (care_schema_entity (CARE_ENTITY_STAFF));

  care_query_add_string (technicians, "role", CARE_QUERY_EQ, "technician");
  care_record_editor_set_ref_query (care_editor_dialog_get_editor (dialog), "technician_id",
                                    technicians);
  care_clash_banner_attach (dialog, get_store (self));
  g_signal_connect (care_editor_dialog_get_editor (dialog), "notify::valid",
                    G_CALLBACK (restrict_to_customer), NULL);
  restrict_to_customer (care_editor_dialog_get_editor (dialog), NULL, NULL);
  if (is_new)
    {
      CareRecordEditor *editor = care_editor_dialog_get_editor (dialog);

      g_object_set_data_full (G_OBJECT (editor), "filled-kind",
                              g_strdup (care_record_get_string (record, "kind")), g_free);
      g_object_set_data_full (G_OBJECT (editor), "filled-customer",
                              g_strdup (care_record_get_string (record, "customer_id")), g_free);
      g_signal_connect_object (editor, "notify::valid", G_CALLBACK (fill_new_booking), self, 0);
    }
  g_object_set_data_full (G_OBJECT (dialog), "old-status",
                          is_new ? NULL : g_strdup (care_record_get_string (record, "status")),
                          g_free);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (editor_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static CareRecord *
new_appointment (CareAppointmentsView *self, GDateTime *start)
{
  CareRecord      *record = care_record_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));
  const CareField *kind = care_schema_field (CARE_ENTITY_APPOINTMENT, "kind");
  g_autoptr (GDateTime) end =
      g_date_time_add_minutes (start, default_length_minutes (self, kind->choices[0]));
  g_autofree char *start_utc = utc_string (start);
  g_autofree char *end_utc = utc_string (end);

  care_record_set_string (record, "kind", kind->choices[0]);
  care_record_set_string (record, "status", "planned");
  care_record_set_string (record, "start_at", start_utc);
  care_record_set_string (record, "end_at", end_utc);
  if (selected_technician (self) != NULL)
    care_record_set_string (record, "technician_id", selected_technician (self));
  return record;
}

/* Shows the follow-up call just booked. */
static void
follow_up_clicked_cb (AdwToast *t, CareAppointmentsView *self)
{
  reveal_record (self, g_object_get_data (G_OBJECT (t), "call"));
}

/* Says a follow-up call was booked (@call is consumed), with a button to it. */
static void
toast_booked_call (CareAppointmentsView *self, const char *title, CareRecord *call)
{
  AdwToast *t = adw_toast_new (title);

  adw_toast_set_button_label (t, _ ("_Show Call"));
  adw_toast_set_timeout (t, 10);
  g_object_set_data_full (G_OBJECT (t), "call", call, g_object_unref);
  g_signal_connect_object (t, "button-clicked", G_CALLBACK (follow_up_clicked_cb), self, 0);
  care_view_add_toast (self, t);
}

static void
editor_saved_cb (CareEditorDialog *dialog, CareRecord *record, CareAppointmentsView *self)
{
  g_autoptr (CareRecord) stored = care_view_load_record (
      self, get_store (self), care_record_get_entity (record), care_record_get_id (record));
  g_autoptr (CareRecord) call = NULL;

  if (stored != NULL)
    reveal_record (self, stored);
  /* The editor can set the status too: done there books the call as well. */
  if (stored != NULL)
    call =
        care_follow_up_after_change (care_view_get_context (CARE_VIEW (self)),
                                     g_object_get_data (G_OBJECT (dialog), "old-status"), stored);
  if (call != NULL)
    {
      g_autofree char *booked = care_follow_up_describe (call);

      toast_booked_call (self, booked, g_steal_pointer (&call));
    }
}

/* Puts the appointment back as it was before its outcome was recorded. */
static void
undo_outcome_cb (AdwToast *t, CareAppointmentsView *self)
{
  CareRecord *before = g_object_get_data (G_OBJECT (t), "before");
  g_autoptr (CareRecord) stored = NULL;
  g_autoptr (GError) error = NULL;

  stored = care_view_load_record (self, get_store (self), care_record_get_entity (before),
                                  care_record_get_id (before));
  if (stored == NULL)
    return;
  care_record_set_value (stored, "status", care_record_get_value (before, "status"));
  care_record_set_value (stored, "work_notes", care_record_get_value (before, "work_notes"));
  if (!care_store_save (get_store (self), stored, &error))
    {
      care_view_show_error (self, _ ("Could not undo"), error);
      return;
    }
  reveal_record (self, stored);
}

static void
record_outcome (CareAppointmentsView *self, const char *status, const char *notes)
{
  g_autoptr (CareRecord) before = NULL;
  g_autoptr (CareRecord) record = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) call = NULL;
  g_autofree char *old_status = NULL;

  if (self->current == NULL)
    return;

  old_status = g_strdup (care_record_get_string (self->current, "status"));
  before = care_record_copy (self->current);
  record = care_record_copy (self->current);
  care_record_set_string (record, "status", status);
  care_record_set_string (record, "work_notes", notes != NULL && notes[0] != '\0' ? notes : NULL);
  if (!care_store_save (get_store (self), record, &error))
    {
      g_autofree char *message =
          g_strdup_printf (_ ("Could not record the visit: %s"), error->message);
      care_view_add_toast (self, adw_toast_new (message));
      return;
    }

  show_detail (self, record);
  call = care_follow_up_after_change (care_view_get_context (CARE_VIEW (self)), old_status, record);
  if (call != NULL)
    {
      g_autofree char *label = care_format_record_field (record, "kind");
      g_autofree char *booked = care_follow_up_describe (call);
      /* TRANSLATORS: a toast: "Delivery done. Follow-up call booked for 3/12/26" */
      g_autofree char *title = g_strdup_printf (_ ("%s done. %s"), label, booked);

      toast_booked_call (self, title, g_steal_pointer (&call));
    }
  else
    {
      AdwToast *t = adw_toast_new (g_str_equal (status, "done") ? _ ("Marked as done")
                                                                : _ ("Marked as not done"));

      /* A slip of the wrong button is one click to take back. */
      adw_toast_set_button_label (t, _ ("_Undo"));
      adw_toast_set_timeout (t, UNDO_TIMEOUT_SECONDS);
      g_object_set_data_full (G_OBJECT (t), "before", g_steal_pointer (&before), g_object_unref);
      g_signal_connect_object (t, "button-clicked", G_CALLBACK (undo_outcome_cb), self, 0);
      care_view_add_toast (self, t);
    }
}

static void
outcome_response_cb (AdwMessageDialog *dialog, const char *response, CareAppointmentsView *self)
{
  GtkTextView     *view = g_object_get_data (G_OBJECT (dialog), "notes-view");
  GtkTextBuffer   *buffer = gtk_text_view_get_buffer (view);
  g_autofree char *notes = NULL;
  GtkTextIter      start, end;

  if (!g_str_equal (response, "done") && !g_str_equal (response, "not_done"))
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  notes = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  record_outcome (self, response, notes);
}

static void
ask_outcome (CareAppointmentsView *self, const char *status)
{
  gboolean    done = g_str_equal (status, "done");
  GtkRoot    *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget  *dialog;
  GtkWidget  *scrolled = gtk_scrolled_window_new ();
  GtkWidget  *notes = gtk_text_view_new ();
  const char *existing;

  if (self->current == NULL)
    return;

  dialog = adw_message_dialog_new (
      GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
      done ? _ ("Mark as Done?") : _ ("Mark as Not Done?"),
      done
          ? _ ("Write down the work done, parts used and anything the next visit should know.")
          : _ ("Write down why the visit could not be done, so the next booking can plan for it."));
  existing = care_record_get_string (self->current, "work_notes");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (notes)),
                            existing != NULL ? existing : "", -1);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (notes), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (notes), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (notes), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (notes), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (notes), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (notes), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (notes), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Work notes"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), notes);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 100);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_add_css_class (scrolled, "card");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
  g_object_set_data (G_OBJECT (dialog), "notes-view", notes);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), status,
                                    done ? _ ("_Mark Done") : _ ("_Mark Not Done"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), status,
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), status);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (outcome_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (notes);
}

/* Callbacks */

static void
range_toggled_cb (GtkToggleButton *button, CareAppointmentsView *self)
{
  drop_narrowing (self);
  reload (self);
}

static void
technician_selected_cb (GtkDropDown *dropdown, GParamSpec *pspec, CareAppointmentsView *self)
{
  if (!self->filling_technicians)
    {
      drop_narrowing (self);
      reload (self);
    }
}

static void
filter_bar_closed_cb (CareAppointmentsView *self)
{
  drop_narrowing (self);
  reload (self);
}

static void
row_activated_cb (GtkListView *list, guint position, CareAppointmentsView *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
selection_changed_cb (GtkSingleSelection *selection, GParamSpec *pspec, CareAppointmentsView *self)
{
  CareRecord *record = gtk_single_selection_get_selected_item (selection);

  /* The same row again after a reload: the detail is refreshed by
   * store_changed_cb(), which knows when not to (a tick being saved). */
  if (care_view_selection_is_restoring (selection))
    return;
  show_detail (self, record);
  /* Rows select on click or arrow keys, not on hover: a narrow window
   * then shows the details at once; Enter or a double click do so too. */
  if (record != NULL && adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
records_changed_cb (
    GListModel *model, guint position, guint removed, guint added, CareAppointmentsView *self)
{
  update_empty_state (self);
}

static void
store_changed_cb (CareStore *store, const char *entity, const char *id, CareAppointmentsView *self)
{
  if (g_str_equal (entity, "staff"))
    fill_technicians (self);

  /* The shown appointment may have changed (or another clashes with it now,
   * or its visit report was written). */
  if (self->current != NULL &&
      (g_str_equal (entity, "appointment") || g_str_equal (entity, "customer") ||
       g_str_equal (entity, "visit_report")))
    {
      g_autoptr (CareRecord) fresh = care_view_load_record (
          self, store, care_record_get_entity (self->current), care_record_get_id (self->current));
      show_detail (self, fresh);
    }
}

static void
setup_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, CareAppointmentsView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *time = gtk_label_new (NULL);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *address = gtk_label_new (NULL);
  GtkWidget *technician = gtk_label_new (NULL);
  GtkWidget *status = gtk_label_new (NULL);
  GtkWidget *labels[] = { time, title, address, technician };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      gtk_label_set_xalign (GTK_LABEL (labels[i]), 0);
      gtk_label_set_ellipsize (GTK_LABEL (labels[i]), PANGO_ELLIPSIZE_END);
      gtk_box_append (GTK_BOX (text), labels[i]);
    }
  gtk_widget_add_css_class (time, "caption-heading");
  gtk_widget_add_css_class (time, "numeric");
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (address, "dim-label");
  gtk_widget_add_css_class (address, "caption");
  gtk_widget_add_css_class (technician, "dim-label");
  gtk_widget_add_css_class (technician, "caption");
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_set_valign (status, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (status, "caption");

  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), status);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_item_set_child (item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, CareAppointmentsView *self)
{
  CareRecord      *record = gtk_list_item_get_item (item);
  GtkWidget       *box = gtk_list_item_get_child (item);
  GtkWidget       *text = gtk_widget_get_first_child (box);
  GtkWidget       *time = gtk_widget_get_first_child (text);
  GtkWidget       *title = gtk_widget_get_next_sibling (time);
  GtkWidget       *address = gtk_widget_get_next_sibling (title);
  GtkWidget       *technician = gtk_widget_get_next_sibling (address);
  GtkWidget       *status = gtk_widget_get_next_sibling (text);
  g_autofree char *range = format_time_range (record, week_mode (self) || self->narrowed != NULL);
  g_autofree char *kind = care_format_record_field (record, "kind");
  g_autofree char *customer =
      care_format_record_reference (get_store (self), record, "customer_id");
  g_autofree char *heading = NULL;
  g_autofree char *tech = care_format_record_reference (get_store (self), record, "technician_id");
  g_autofree char *status_text = care_format_record_field (record, "status");
  const char      *status_key = care_record_get_string (record, "status");
  const char      *addr = care_record_get_string (record, "address");
  g_autoptr (GDateTime) now = care_clock_now_utc ();

  /* TRANSLATORS: an agenda entry: "Delivery · Padaria Lda" */
  heading = g_strdup_printf (_ ("%s · %s"), kind, customer != NULL ? customer : "");
  gtk_label_set_text (GTK_LABEL (time), range);
  gtk_label_set_text (GTK_LABEL (title), heading);
  gtk_label_set_text (GTK_LABEL (address), addr != NULL ? addr : "");
  gtk_widget_set_visible (address, addr != NULL);
  gtk_label_set_text (GTK_LABEL (technician), tech != NULL ? tech : _ ("No technician assigned"));
  gtk_label_set_text (GTK_LABEL (status), status_text);
  {
    /* TRANSLATORS: an agenda entry as a screen reader says it: time, kind · customer, status */
    g_autofree char *a11y = g_strdup_printf (_ ("%s, %s, %s"), range, heading, status_text);
    care_view_name_row (box, a11y);
  }

  gtk_widget_remove_css_class (status, "success");
  gtk_widget_remove_css_class (status, "error");
  gtk_widget_remove_css_class (status, "dim-label");
  gtk_widget_remove_css_class (status, "accent");
  if (g_strcmp0 (status_key, "done") == 0)
    gtk_widget_add_css_class (status, "success");
  else if (g_strcmp0 (status_key, "not_done") == 0)
    gtk_widget_add_css_class (status, "error");
  else if (g_strcmp0 (status_key, "cancelled") == 0)
    gtk_widget_add_css_class (status, "dim-label");
  else
    gtk_widget_add_css_class (status, "accent");

  gtk_widget_remove_css_class (status, "warning");
  if (care_maintenance_is_overdue (record, now))
    {
      gtk_label_set_text (GTK_LABEL (status), _ ("Maintenance overdue"));
      gtk_widget_remove_css_class (status, "error");
      gtk_widget_remove_css_class (status, "accent");
      gtk_widget_add_css_class (status, "warning");
    }
}

/* Actions */

static void
shift_range (CareAppointmentsView *self, int direction)
{
  GDateTime *day = NULL;

  /* From a narrowed list, Previous and Next move from the day it left. */
  if (self->narrowed == NULL)
    day = g_date_time_add_days (self->day, direction * (week_mode (self) ? 7 : 1));
  else
    day = g_date_time_ref (self->day);
  drop_narrowing (self);
  g_date_time_unref (self->day);
  self->day = day;
  reload (self);
}

static void
view_previous_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  shift_range (CARE_APPOINTMENTS_VIEW (widget), -1);
}

static void
view_next_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  shift_range (CARE_APPOINTMENTS_VIEW (widget), 1);
}

static void
view_today_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareAppointmentsView *self = CARE_APPOINTMENTS_VIEW (widget);
  g_autoptr (GDateTime) now = care_clock_now_local ();

  drop_narrowing (self);
  g_clear_pointer (&self->day, g_date_time_unref);
  self->day = local_midnight (now);
  reload (self);
}

static void
view_new_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareAppointmentsView *self = CARE_APPOINTMENTS_VIEW (widget);
  g_autoptr (GDateTime) now = care_clock_now_local ();
  g_autoptr (GDateTime) today = local_midnight (now);
  g_autoptr (GDateTime) start = NULL;
  g_autoptr (CareRecord) record = NULL;

  /* The next full hour today, else 09:00 on the shown day. */
  if (g_date_time_equal (today, self->day) && g_date_time_get_hour (now) >= 9 &&
      g_date_time_get_hour (now) < 23)
    start = g_date_time_add_hours (today, g_date_time_get_hour (now) + 1);
  else
    start = g_date_time_add_hours (self->day, 9);

  record = new_appointment (self, start);
  open_editor (self, record, _ ("New Appointment"), TRUE);
}

static void
view_edit_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareAppointmentsView *self = CARE_APPOINTMENTS_VIEW (widget);

  if (self->current != NULL)
    open_editor (self, self->current, _ ("Edit Appointment"), FALSE);
}

static void
view_export_calendar_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareAppointmentsView *self = CARE_APPOINTMENTS_VIEW (widget);

  if (self->current != NULL)
    care_ics_export_event (widget, get_store (self), self->current,
                           gtk_label_get_text (self->detail_title));
}

static void
view_mark_done_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  ask_outcome (CARE_APPOINTMENTS_VIEW (widget), "done");
}

static void
view_mark_not_done_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  ask_outcome (CARE_APPOINTMENTS_VIEW (widget), "not_done");
}

static void
visit_report_saved_cb (CareVisitReportDialog *dialog,
                       CareRecord            *report,
                       gboolean               completed,
                       CareRecord            *follow_up,
                       CareAppointmentsView  *self)
{
  g_autofree char *booked = NULL;

  /* store_changed_cb already showed the report in the detail pane. */
  if (follow_up != NULL)
    {
      booked = care_follow_up_describe (follow_up);
      care_view_add_toast (self, adw_toast_new (booked));
    }
  else
    care_view_add_toast (
        self, adw_toast_new (completed ? _ ("Visit completed") : _ ("Visit report saved")));
}

static void
view_visit_report_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareAppointmentsView *self = CARE_APPOINTMENTS_VIEW (widget);
  g_autoptr (GError) error = NULL;
  CareVisitReportDialog *dialog;

  if (self->current == NULL)
    return;
  dialog = care_visit_report_dialog_new (
      care_view_get_window (self), care_view_get_context (CARE_VIEW (self)), self->current, &error);
  if (dialog == NULL)
    {
      g_autofree char *message =
          g_strdup_printf (_ ("Could not open the visit report: %s"), error->message);
      care_view_add_toast (self, adw_toast_new (message));
      return;
    }
  g_signal_connect_object (dialog, "saved", G_CALLBACK (visit_report_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
view_back_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareAppointmentsView *self = CARE_APPOINTMENTS_VIEW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* CareView */

static GtkWidget *
get_header_start (CareView *view)
{
  CareAppointmentsView *self = CARE_APPOINTMENTS_VIEW (view);

  return self->new_button;
}

/* Shows the day of the appointment with @id, with it selected and open. */
static void
show_record (CareView *view, const char *id)
{
  CareAppointmentsView *self = CARE_APPOINTMENTS_VIEW (view);
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) record =
      care_store_load (get_store (self), care_schema_entity (CARE_ENTITY_APPOINTMENT), id, &error);

  if (record == NULL)
    {
      care_view_show_error (self, NULL, error);
      return;
    }
  reveal_record (self, record);
}

/* Exactly the appointments a section of the Today page counts: today's
 * (the signed-in technician's, as there) or the overdue follow-up calls. */
static void
show_filter (CareView *view, const char *filter)
{
  CareAppointmentsView *self = CARE_APPOINTMENTS_VIEW (view);
  g_autoptr (GDateTime) now = care_clock_now_local ();
  g_autoptr (CareDashboardStats) stats = care_dashboard_stats_new (get_store (self), now);
  g_autoptr (CareQuery) query = NULL;
  const char *title;

  if (g_str_equal (filter, "today"))
    {
      g_autofree char *staff_id = care_account_dup_staff_id (
          care_context_get_account (care_view_get_context (CARE_VIEW (self))));

      query = care_dashboard_stats_appointments_today_query (stats, staff_id);
      title = staff_id != NULL ? _ ("My Appointments Today") : _ ("Appointments Today");
    }
  else if (g_str_equal (filter, "overdue-follow-ups"))
    {
      query = care_dashboard_stats_overdue_follow_ups_query (stats);
      title = _ ("Overdue Follow-up Calls");
    }
  else
    {
      g_warning ("No appointment filter %s", filter);
      return;
    }

  g_clear_pointer (&self->narrowed, care_query_unref);
  self->narrowed = g_steal_pointer (&query);
  care_filter_bar_set_title (self->filter_bar, title);
  reload (self);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* GObject */

static void
care_appointments_view_constructed (GObject *object)
{
  CareAppointmentsView *self = CARE_APPOINTMENTS_VIEW (object);
  g_autoptr (CareQuery) query = care_query_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));

  G_OBJECT_CLASS (care_appointments_view_parent_class)->constructed (object);

  care_query_add_string (query, "start_at", CARE_QUERY_LT, "0");
  self->records = care_record_list_new (get_store (self), query);
  self->selection =
      care_view_bind_list (CARE_VIEW (self), self->list_view, G_LIST_MODEL (self->records),
                           G_CALLBACK (setup_row_cb), G_CALLBACK (bind_row_cb));
  care_view_keep_selection (self->selection);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, 0);
  g_signal_connect_object (self->records, "items-changed", G_CALLBACK (records_changed_cb), self,
                           0);

  gtk_drop_down_set_model (self->technician_dropdown, G_LIST_MODEL (self->technician_names));
  g_signal_connect_object (get_store (self), "changed", G_CALLBACK (store_changed_cb), self, 0);
  fill_technicians (self);
  reload (self);
  show_detail (self, NULL);
}

static void
care_appointments_view_dispose (GObject *object)
{
  CareAppointmentsView *self = CARE_APPOINTMENTS_VIEW (object);

  care_view_dispose_template (CARE_VIEW (self), CARE_TYPE_APPOINTMENTS_VIEW);
  g_clear_object (&self->new_button);
  g_clear_object (&self->selection);
  g_clear_object (&self->records);
  g_clear_object (&self->technician_names);
  g_clear_object (&self->current);
  g_clear_pointer (&self->technician_ids, g_ptr_array_unref);
  g_clear_pointer (&self->day, g_date_time_unref);
  g_clear_pointer (&self->narrowed, care_query_unref);

  G_OBJECT_CLASS (care_appointments_view_parent_class)->dispose (object);
}

static void
care_appointments_view_class_init (CareAppointmentsViewClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CareViewClass  *view_class = CARE_VIEW_CLASS (klass);

  object_class->constructed = care_appointments_view_constructed;
  object_class->dispose = care_appointments_view_dispose;

  view_class->get_header_start = get_header_start;
  view_class->show_filter = show_filter;
  view_class->show_record = show_record;
  care_view_class_set_entity (view_class, "appointment");

  g_type_ensure (CARE_TYPE_SURVEY_GROUP);
  g_type_ensure (CARE_TYPE_HISTORY_GROUP);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/appointments/care-appointments-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, range_label);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, day_toggle);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, week_toggle);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, technician_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, list_view);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, detail_title);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, done_button);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, not_done_button);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, clash_row);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, when_row);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, status_row);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, survey_group);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, history_group);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, customer_row);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, address_row);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, technician_row);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, product_row);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, notes_row);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, work_notes_row);
  gtk_widget_class_bind_template_child (widget_class, CareAppointmentsView, visit_report_row);
  gtk_widget_class_bind_template_callback (widget_class, range_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, technician_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "view.new", NULL, view_new_cb);
  gtk_widget_class_install_action (widget_class, "view.previous", NULL, view_previous_cb);
  gtk_widget_class_install_action (widget_class, "view.next", NULL, view_next_cb);
  gtk_widget_class_install_action (widget_class, "view.today", NULL, view_today_cb);
  gtk_widget_class_install_action (widget_class, "view.edit", NULL, view_edit_cb);
  gtk_widget_class_install_action (widget_class, "view.export-calendar", NULL,
                                   view_export_calendar_cb);
  gtk_widget_class_install_action (widget_class, "view.mark-done", NULL, view_mark_done_cb);
  gtk_widget_class_install_action (widget_class, "view.mark-not-done", NULL, view_mark_not_done_cb);
  gtk_widget_class_install_action (widget_class, "view.visit-report", NULL, view_visit_report_cb);
  gtk_widget_class_install_action (widget_class, "view.back", NULL, view_back_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "view.previous",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "view.next",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_ALT_MASK, "view.today",
                                       NULL);
}

static void
care_appointments_view_init (CareAppointmentsView *self)
{
  g_autoptr (GDateTime) now = care_clock_now_local ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->technician_names = gtk_string_list_new (NULL);
  self->technician_ids = g_ptr_array_new_with_free_func (g_free);
  self->day = local_midnight (now);

  self->new_button =
      care_view_new_header_button (CARE_VIEW (self), "list-add-symbolic", _ ("New Appointment"),
                                   _ ("New Appointment (Ctrl+N)"), "view.new");

  care_view_name_drop_down (self->technician_dropdown, _ ("Technician"));

  self->filter_bar = CARE_FILTER_BAR (care_filter_bar_new ());
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->list_stack))),
                              GTK_WIDGET (self->filter_bar),
                              gtk_widget_get_prev_sibling (GTK_WIDGET (self->list_stack)));
  g_signal_connect_object (self->filter_bar, "closed", G_CALLBACK (filter_bar_closed_cb), self,
                           G_CONNECT_SWAPPED);
}
