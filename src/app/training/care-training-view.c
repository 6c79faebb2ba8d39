/* care-training-view.c: training courses, their sessions, seats and participants.
 *
 * The sessions of one course (or all) are a paged list over an indexed
 * query; the chosen session shows its seats and participants. Enrolling and
 * cancelling go through the core rules (care-training.c), which confirm or
 * waitlist and promote in one transaction; this view only says what
 * happened. Attendance is a check box per confirmed participant. */
#define G_LOG_DOMAIN "care-training-view"

#include "config.h"

#include <glib/gi18n.h>

#include "appointments/care-clash-banner.h"
#include "care-clock.h"
#include "care-certificate-button.h"
#include "care-editor-dialog.h"
#include "care-format.h"
#include "care-ics-export.h"
#include "care-record-list.h"
#include "care-record-picker.h"
#include "care-schedule.h"
#include "care-history-group.h"
#include "care-survey-group.h"
#include "care-training-view.h"
#include "care-training.h"

/* Courses offered in the filter, and participants listed per session:
 * both far above what a training department has. */
#define MAX_COURSES      500
#define MAX_PARTICIPANTS 2000

struct _CareTrainingView
{
  CareView parent_instance;

  /* Template widgets */
  AdwLeaflet       *leaflet;
  GtkDropDown      *course_dropdown;
  GtkToggleButton  *upcoming_toggle;
  GtkToggleButton  *past_toggle;
  GtkStack         *list_stack;
  GtkListView      *list_view;
  AdwStatusPage    *empty_page;
  GtkStack         *detail_stack;
  GtkLabel         *detail_title;
  GtkMenuButton    *enrol_button;
  AdwActionRow     *clash_row;
  AdwActionRow     *when_row;
  AdwActionRow     *trainer_row;
  AdwActionRow     *place_row;
  AdwActionRow     *link_row;
  AdwActionRow     *seats_row;
  GtkLevelBar      *seats_bar;
  GtkListBox       *participants_list;
  CareSurveyGroup  *survey_group;
  CareHistoryGroup *history_group;

  /* Owned references */
  CareRecordList     *records;
  GtkSingleSelection *selection;
  GtkStringList      *course_names;
  GPtrArray          *course_ids; /* char*, parallel to course_names after "All" */
  CareRecord         *current;    /* the session shown in the detail pane */
  GtkWidget          *new_button;
  gboolean            filling_courses;
  gboolean            saving_attendance; /* the row already shows it: keep focus there */
};

G_DEFINE_FINAL_TYPE (CareTrainingView, care_training_view, CARE_TYPE_VIEW)

static CareStore *
get_store (CareTrainingView *self)
{
  return care_view_get_store (CARE_VIEW (self));
}

static const char *
selected_course (CareTrainingView *self)
{
  guint selected = gtk_drop_down_get_selected (self->course_dropdown);

  if (selected == GTK_INVALID_LIST_POSITION || selected == 0 || selected > self->course_ids->len)
    return NULL;
  return g_ptr_array_index (self->course_ids, selected - 1);
}

static char *
seats_text (const CareSeatCount *count)
{
  g_autofree char *taken =
      g_strdup_printf (ngettext ("%u of %u seat taken", "%u of %u seats taken", count->seats),
                       count->confirmed, count->seats);

  if (count->waitlisted > 0)
    {
      /* TRANSLATORS: "6 of 8 seats taken, 3 waitlisted" */
      return g_strdup_printf (
          ngettext ("%s, %u waitlisted", "%s, %u waitlisted", count->waitlisted), taken,
          count->waitlisted);
    }
  /* TRANSLATORS: "6 of 8 seats taken, 2 free" */
  return g_strdup_printf (ngettext ("%s, %u free", "%s, %u free", count->free), taken, count->free);
}

static void
set_level (GtkLevelBar *bar, const CareSeatCount *count)
{
  gtk_level_bar_set_max_value (bar, MAX (count->seats, 1));
  gtk_level_bar_set_value (bar, MIN (count->confirmed, MAX (count->seats, 1)));
}

static void
prepare_level_bar (GtkLevelBar *bar)
{
  /* The stock offsets paint a nearly empty bar as a warning; a session is
   * fine at any fill, so only a full one stands out. */
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_FULL);
}

static void
update_empty_state (CareTrainingView *self)
{
  guint    n = g_list_model_get_n_items (G_LIST_MODEL (self->records));
  gboolean upcoming = gtk_toggle_button_get_active (self->upcoming_toggle);

  adw_status_page_set_description (
      self->empty_page,
      upcoming
          ? _ ("No sessions are planned. Schedule one with Ctrl+N, or look at the past sessions.")
          : _ ("No session has taken place yet. Upcoming sessions move here once they end."));
  gtk_stack_set_visible_child_name (self->list_stack, n > 0 ? "list" : "empty");
}

static void
reload (CareTrainingView *self)
{
  g_autoptr (CareQuery) query = care_query_new (care_schema_entity (CARE_ENTITY_TRAINING_SESSION));
  g_autofree char *now = care_clock_now_iso ();
  gboolean         upcoming = gtk_toggle_button_get_active (self->upcoming_toggle);
  const char      *course = selected_course (self);

  /* A session that is running still counts as upcoming: attendance is taken then. */
  if (upcoming)
    care_query_add_string (query, "end_at", CARE_QUERY_GE, now);
  else
    care_query_add_string (query, "end_at", CARE_QUERY_LT, now);
  if (course != NULL)
    care_query_add_string (query, "course_id", CARE_QUERY_EQ, course);
  care_query_set_order (query, "start_at", !upcoming);

  care_record_list_set_query (self->records, query);
  update_empty_state (self);
}

static void
fill_courses (CareTrainingView *self)
{
  g_autoptr (CareQuery) query = care_query_new (care_schema_entity (CARE_ENTITY_TRAINING_COURSE));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) courses = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autofree char *keep = g_strdup (selected_course (self));
  guint            selected = 0;
  guint            n_old = g_list_model_get_n_items (G_LIST_MODEL (self->course_names));

  care_query_set_order (query, "title", FALSE);
  courses = care_store_find (get_store (self), query, 0, MAX_COURSES, NULL, &error);
  if (courses == NULL)
    {
      g_warning ("Could not list the courses: %s", error->message);
      return;
    }

  self->filling_courses = TRUE;
  g_ptr_array_set_size (self->course_ids, 0);
  g_ptr_array_add (names, (gpointer) _ ("All courses"));
  for (guint i = 0; i < courses->len; i++)
    {
      CareRecord *r = g_ptr_array_index (courses, i);

      g_ptr_array_add (self->course_ids, g_strdup (care_record_get_id (r)));
      g_ptr_array_add (names, (gpointer) care_record_get_string (r, "title"));
      if (g_strcmp0 (keep, care_record_get_id (r)) == 0)
        selected = i + 1;
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->course_names, 0, n_old, (const char *const *) names->pdata);
  gtk_drop_down_set_selected (self->course_dropdown, selected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.edit-course", selected > 0);
  self->filling_courses = FALSE;
}

static void
set_row (AdwActionRow *row, const char *text)
{
  adw_action_row_set_subtitle (row, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (row), text != NULL && text[0] != '\0');
}

static char *
format_when (CareRecord *session)
{
  g_autofree char *start = care_format_datetime (care_record_get_string (session, "start_at"));
  g_autofree char *start_day = care_format_date (care_record_get_string (session, "start_at"));
  g_autofree char *end_day = care_format_date (care_record_get_string (session, "end_at"));
  g_autofree char *end = NULL;

  /* A session within one day shows the end as a time only. */
  if (g_strcmp0 (start_day, end_day) == 0)
    end = care_format_time (care_record_get_string (session, "end_at"));
  else
    end = care_format_datetime (care_record_get_string (session, "end_at"));
  /* TRANSLATORS: a session's time: "02/03/2026 09:00 – 12:00" */
  return g_strdup_printf (_ ("%s – %s"), start, end);
}

/* Participants */

static void attended_toggled_cb (GtkCheckButton *check, CareTrainingView *self);
static void cancel_clicked_cb (GtkButton *button, CareTrainingView *self);

static int
status_rank (CareRecord *enrolment)
{
  const char *status = care_record_get_string (enrolment, "status");

  if (g_strcmp0 (status, "confirmed") == 0)
    return 0;
  if (g_strcmp0 (status, "waitlisted") == 0)
    return 1;
  return 2;
}

static int
compare_enrolments (gconstpointer a, gconstpointer b)
{
  CareRecord *ea = *(CareRecord **) a;
  CareRecord *eb = *(CareRecord **) b;
  int         ra = status_rank (ea), rb = status_rank (eb);

  if (ra != rb)
    return ra - rb;
  return g_strcmp0 (care_record_get_string (ea, "enrolled_at"),
                    care_record_get_string (eb, "enrolled_at"));
}

static GtkWidget *
participant_row (CareTrainingView *self, CareRecord *enrolment, guint waitlist_position)
{
  GtkWidget       *row = adw_action_row_new ();
  g_autofree char *name = care_format_record_reference (get_store (self), enrolment, "contact_id");
  g_autofree char *status = care_format_record_field (enrolment, "status");
  g_autofree char *enrolled = care_format_date (care_record_get_string (enrolment, "enrolled_at"));
  g_autofree char *subtitle = NULL;
  const char      *key = care_record_get_string (enrolment, "status");
  gboolean         active = g_strcmp0 (key, "cancelled") != 0;

  if (waitlist_position > 0)
    /* TRANSLATORS: "Waitlisted (2nd in line) · enrolled 02/03/2026" */
    subtitle = g_strdup_printf (_ ("%s (number %u in line) · enrolled %s"), status,
                                waitlist_position, enrolled);
  else
    /* TRANSLATORS: "Confirmed · enrolled 02/03/2026" */
    subtitle = g_strdup_printf (_ ("%s · enrolled %s"), status, enrolled);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name != NULL ? name : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  g_object_set_data_full (G_OBJECT (row), "enrolment", g_object_ref (enrolment), g_object_unref);

  if (g_strcmp0 (key, "confirmed") == 0)
    {
      GtkWidget *check = gtk_check_button_new ();
      /* TRANSLATORS: the accessible name of an attendance check box: "Attended: Ana Costa" */
      g_autofree char *label = g_strdup_printf (_ ("Attended: %s"), name != NULL ? name : "");

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   care_record_get_bool (enrolment, "attended"));
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (check, _ ("Attended"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
      g_object_set_data_full (G_OBJECT (check), "enrolment-id",
                              g_strdup (care_record_get_id (enrolment)), g_free);
      g_signal_connect_object (check, "toggled", G_CALLBACK (attended_toggled_cb), self, 0);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      if (self->current != NULL && care_record_get_string (self->current, "course_id") != NULL)
        {
          GtkWidget *certificate =
              care_certificate_button_new (care_view_get_context (CARE_VIEW (self)),
                                           care_record_get_string (enrolment, "contact_id"),
                                           care_record_get_string (self->current, "course_id"));

          /* The row stays when the check box records the attendance: its button checks again then. */
          g_object_set_data (G_OBJECT (check), "certificate", certificate);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), certificate);
        }
    }
  else if (!active)
    gtk_widget_add_css_class (row, "dim-label");

  if (active)
    {
      GtkWidget *cancel = gtk_button_new_from_icon_name ("list-remove-symbolic");
      /* TRANSLATORS: the accessible name of a button: "Cancel the enrolment of Ana Costa" */
      g_autofree char *label =
          g_strdup_printf (_ ("Cancel the enrolment of %s"), name != NULL ? name : "");

      gtk_widget_set_valign (cancel, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (cancel, "flat");
      gtk_widget_set_tooltip_text (cancel, _ ("Cancel Enrolment"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (cancel), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
      g_object_set_data_full (G_OBJECT (cancel), "enrolment-id",
                              g_strdup (care_record_get_id (enrolment)), g_free);
      g_object_set_data_full (G_OBJECT (cancel), "name", g_strdup (name), g_free);
      g_signal_connect_object (cancel, "clicked", G_CALLBACK (cancel_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), cancel);
    }

  return row;
}

static void
fill_participants (CareTrainingView *self)
{
  g_autoptr (CareQuery) query = care_query_new (care_schema_entity (CARE_ENTITY_ENROLMENT));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) enrolments = NULL;
  GtkWidget *child;
  guint      waitlist = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->participants_list))) != NULL)
    gtk_list_box_remove (self->participants_list, child);

  care_query_add_string (query, "session_id", CARE_QUERY_EQ, care_record_get_id (self->current));
  care_query_set_order (query, "enrolled_at", FALSE);
  enrolments = care_store_find (get_store (self), query, 0, MAX_PARTICIPANTS, NULL, &error);
  if (enrolments == NULL)
    {
      g_warning ("Could not list the participants: %s", error->message);
      return;
    }

  if (enrolments->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ ("Nobody is enrolled yet"));
      adw_action_row_set_subtitle (
          ADW_ACTION_ROW (row),
          _ ("Use “Enrol Participant” to add a customer contact to this session."));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->participants_list, row);
      return;
    }

  g_ptr_array_sort (enrolments, compare_enrolments);
  for (guint i = 0; i < enrolments->len; i++)
    {
      CareRecord *e = g_ptr_array_index (enrolments, i);
      gboolean    waiting = g_strcmp0 (care_record_get_string (e, "status"), "waitlisted") == 0;

      gtk_list_box_append (self->participants_list,
                           participant_row (self, e, waiting ? ++waitlist : 0));
    }
}

/* Detail */

static void
show_detail (CareTrainingView *self, CareRecord *session)
{
  g_autofree char *course = NULL;
  g_autofree char *when = NULL;
  g_autofree char *trainer = NULL;
  g_autofree char *seats = NULL;
  g_autoptr (GPtrArray) clashes = NULL;
  g_autoptr (GError) error = NULL;
  CareSeatCount count;

  g_set_object (&self->current, session);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.edit", session != NULL);
  care_survey_group_set_subject (self->survey_group, care_view_get_context (CARE_VIEW (self)),
                                 session);
  care_history_group_set_subject (self->history_group, care_view_get_context (CARE_VIEW (self)),
                                  session);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.export-calendar", session != NULL);
  if (session == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      return;
    }

  course = care_format_record_reference (get_store (self), session, "course_id");
  when = format_when (session);
  trainer = care_format_record_reference (get_store (self), session, "trainer_id");
  gtk_label_set_text (self->detail_title, course != NULL ? course : "");
  set_row (self->when_row, when);
  set_row (self->trainer_row, trainer != NULL ? trainer : _ ("No trainer assigned"));
  set_row (self->place_row, care_record_get_string (session, "location"));
  set_row (self->link_row, care_record_get_string (session, "url"));

  if (care_training_count_seats (get_store (self), care_record_get_id (session), &count, &error))
    {
      seats = seats_text (&count);
      set_row (self->seats_row, seats);
      set_level (self->seats_bar, &count);
    }
  else
    care_view_show_error (self, NULL, error);
  g_clear_error (&error);

  clashes = care_schedule_find_record_clashes (get_store (self), session, &error);
  if (clashes == NULL)
    care_view_show_error (self, NULL, error);
  g_clear_error (&error);
  if (clashes != NULL && clashes->len > 0)
    {
      g_autoptr (GString) text = g_string_new (NULL);

      for (guint i = 0; i < clashes->len; i++)
        {
          g_autofree char *title =
              care_format_title (get_store (self), g_ptr_array_index (clashes, i));

          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append (text, title);
        }
      set_row (self->clash_row, text->str);
    }
  else
    set_row (self->clash_row, NULL);

  fill_participants (self);
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
}

static void
reveal_session (CareTrainingView *self, CareRecord *session)
{
  g_autofree char *now = care_clock_now_iso ();
  gboolean         upcoming = g_strcmp0 (care_record_get_string (session, "end_at"), now) >= 0;
  const char      *course = selected_course (self);
  int              position;

  if (course != NULL && g_strcmp0 (course, care_record_get_string (session, "course_id")) != 0)
    gtk_drop_down_set_selected (self->course_dropdown, 0);
  if (gtk_toggle_button_get_active (self->upcoming_toggle) != upcoming)
    gtk_toggle_button_set_active (upcoming ? self->upcoming_toggle : self->past_toggle, TRUE);
  reload (self);

  position = care_record_list_find (self->records, care_record_get_id (session));
  if (position >= 0)
    {
      gtk_single_selection_set_selected (self->selection, (guint) position);
      gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                                  (guint) position);
    }
  show_detail (self, session);
}

/* Editors */

static void
session_saved_cb (CareEditorDialog *dialog, CareRecord *record, CareTrainingView *self)
{
  g_autoptr (GPtrArray) promoted = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) stored = NULL;

  /* More seats go to the waitlist first. */
  if (!care_training_fill_seats (get_store (self), care_record_get_id (record), &promoted, &error))
    g_warning ("Could not fill the freed seats: %s", error->message);
  else if (promoted->len > 0)
    {
      g_autofree char *message =
          g_strdup_printf (ngettext ("%u participant moved from the waitlist",
                                     "%u participants moved from the waitlist", promoted->len),
                           promoted->len);
      care_view_add_toast (self, adw_toast_new (message));
    }

  stored = care_view_load_record (self, get_store (self), care_record_get_entity (record),
                                  care_record_get_id (record));
  if (stored != NULL)
    reveal_session (self, stored);
}

static void
open_session_editor (CareTrainingView *self, CareRecord *session, const char *title)
{
  static const char *const fields[] = { "course_id", "trainer_id", "start_at", "end_at",
                                        "location",  "url",        "seats",    NULL };
  GtkRoot                 *root = gtk_widget_get_root (GTK_WIDGET (self));
  CareEditorDialog        *dialog = care_editor_dialog_new (
             GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, get_store (self), session, fields, title);
  g_autoptr (CareQuery) trainers = care_query_new (care_schema_entity (CARE_ENTITY_STAFF));

  care_query_add_string (trainers, "role", CARE_QUERY_EQ, "trainer");
  care_record_editor_set_ref_query (care_editor_dialog_get_editor (dialog), "trainer_id", trainers);
  care_clash_banner_attach (dialog, get_store (self));
  g_signal_connect_object (dialog, "saved", G_CALLBACK (session_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
course_saved_cb (CareEditorDialog *dialog, CareRecord *record, CareTrainingView *self)
{
  fill_courses (self);
  for (guint i = 0; i < self->course_ids->len; i++)
    if (g_str_equal (g_ptr_array_index (self->course_ids, i), care_record_get_id (record)))
      gtk_drop_down_set_selected (self->course_dropdown, i + 1);
}

static void
open_course_editor (CareTrainingView *self, CareRecord *course, const char *title)
{
  static const char *const fields[] = { "title", "software", "duration_hours", "description",
                                        NULL };
  GtkRoot                 *root = gtk_widget_get_root (GTK_WIDGET (self));
  CareEditorDialog        *dialog = care_editor_dialog_new (
             GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, get_store (self), course, fields, title);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (course_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Callbacks */

static void
attended_toggled_cb (GtkCheckButton *check, CareTrainingView *self)
{
  const char *id = g_object_get_data (G_OBJECT (check), "enrolment-id");
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) enrolment =
      care_store_load (get_store (self), care_schema_entity (CARE_ENTITY_ENROLMENT), id, &error);

  if (enrolment != NULL)
    {
      gboolean saved;

      care_record_set_bool (enrolment, "attended", gtk_check_button_get_active (check));
      self->saving_attendance = TRUE;
      saved = care_store_save (get_store (self), enrolment, &error);
      self->saving_attendance = FALSE;
      if (saved)
        {
          GtkWidget *certificate = g_object_get_data (G_OBJECT (check), "certificate");

          if (certificate != NULL)
            care_certificate_button_update (CARE_CERTIFICATE_BUTTON (certificate));
          return;
        }
    }

  {
    g_autofree char *message =
        g_strdup_printf (_ ("Could not record the attendance: %s"), error->message);
    care_view_add_toast (self, adw_toast_new (message));
  }
}

static void
cancel_response_cb (AdwMessageDialog *dialog, const char *response, CareTrainingView *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "enrolment-id");
  const char *name = g_object_get_data (G_OBJECT (dialog), "name");
  g_autoptr (CareRecord) promoted = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_str_equal (response, "cancel-enrolment"))
    return;

  if (!care_training_cancel (get_store (self), id, &promoted, &error))
    message = g_strdup_printf (_ ("Could not cancel the enrolment: %s"), error->message);
  else if (promoted != NULL)
    {
      g_autofree char *who =
          care_format_record_reference (get_store (self), promoted, "contact_id");
      /* TRANSLATORS: a toast after a cancellation freed a seat: "Ana Costa moved from the waitlist" */
      message = g_strdup_printf (_ ("%s moved from the waitlist"), who != NULL ? who : "");
    }
  else
    /* TRANSLATORS: a toast: "Enrolment of Ana Costa cancelled" */
    message = g_strdup_printf (_ ("Enrolment of %s cancelled"), name != NULL ? name : "");

  care_view_add_toast (self, adw_toast_new (message));
}

static void
cancel_clicked_cb (GtkButton *button, CareTrainingView *self)
{
  const char      *name = g_object_get_data (G_OBJECT (button), "name");
  GtkRoot         *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading =
      g_strdup_printf (_ ("Cancel the Enrolment of %s?"), name != NULL ? name : "");
  GtkWidget *dialog = adw_message_dialog_new (
      GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
      _ ("The seat goes to the first person on the waitlist, if there is one."));

  g_object_set_data_full (G_OBJECT (dialog), "enrolment-id",
                          g_strdup (g_object_get_data (G_OBJECT (button), "enrolment-id")), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "name", g_strdup (name), g_free);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "keep", _ ("_Keep Enrolment"),
                                    "cancel-enrolment", _ ("_Cancel Enrolment"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "cancel-enrolment",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (cancel_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
contact_picked_cb (CareRecordPicker *picker, CareRecord *contact, CareTrainingView *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) enrolment = NULL;
  g_autofree char *message = NULL;
  const char      *name = care_record_get_string (contact, "name");

  if (self->current == NULL)
    return;

  enrolment = care_training_enrol (get_store (self), care_record_get_id (self->current),
                                   care_record_get_id (contact), &error);
  if (enrolment == NULL)
    /* TRANSLATORS: "Could not enrol Ana Costa: This participant is already enrolled in the session" */
    message = g_strdup_printf (_ ("Could not enrol %s: %s"), name, error->message);
  else if (g_strcmp0 (care_record_get_string (enrolment, "status"), "waitlisted") == 0)
    message = g_strdup_printf (_ ("The session is full: %s is waitlisted"), name);
  else
    message = g_strdup_printf (_ ("%s is enrolled"), name);

  care_view_add_toast (self, adw_toast_new (message));
}

static void
when_toggled_cb (GtkToggleButton *button, CareTrainingView *self)
{
  reload (self);
}

static void
course_selected_cb (GtkDropDown *dropdown, GParamSpec *pspec, CareTrainingView *self)
{
  if (self->filling_courses)
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.edit-course",
                                 selected_course (self) != NULL);
  reload (self);
}

static void
row_activated_cb (GtkListView *list, guint position, CareTrainingView *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
selection_changed_cb (GtkSingleSelection *selection, GParamSpec *pspec, CareTrainingView *self)
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
    GListModel *model, guint position, guint removed, guint added, CareTrainingView *self)
{
  update_empty_state (self);
}

static void
store_changed_cb (CareStore *store, const char *entity, const char *id, CareTrainingView *self)
{
  if (g_str_equal (entity, "training_course"))
    fill_courses (self);
  /* A session's row counts its seats and waiting list, from enrolments:
   * the list reloads (keeping its selection) so it says what the detail says. */
  if (g_str_equal (entity, "enrolment"))
    care_record_list_reload (self->records);

  if (self->current != NULL && !self->saving_attendance &&
      (g_str_equal (entity, "enrolment") || g_str_equal (entity, "training_session") ||
       g_str_equal (entity, "contact")))
    {
      g_autoptr (CareRecord) fresh = care_view_load_record (
          self, store, care_record_get_entity (self->current), care_record_get_id (self->current));
      show_detail (self, fresh);
    }
}

static void
setup_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, CareTrainingView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *when = gtk_label_new (NULL);
  GtkWidget *where = gtk_label_new (NULL);
  GtkWidget *seats = gtk_label_new (NULL);
  GtkWidget *bar = gtk_level_bar_new ();
  GtkWidget *labels[] = { title, when, where };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      gtk_label_set_xalign (GTK_LABEL (labels[i]), 0);
      gtk_label_set_ellipsize (GTK_LABEL (labels[i]), PANGO_ELLIPSIZE_END);
      gtk_box_append (GTK_BOX (box), labels[i]);
    }
  gtk_label_set_xalign (GTK_LABEL (seats), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (when, "numeric");
  gtk_widget_add_css_class (where, "dim-label");
  gtk_widget_add_css_class (where, "caption");
  gtk_widget_add_css_class (seats, "caption");
  gtk_widget_add_css_class (seats, "numeric");
  prepare_level_bar (GTK_LEVEL_BAR (bar));
  gtk_widget_set_margin_top (bar, 4);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Seats taken"), -1);
  gtk_box_append (GTK_BOX (box), bar);
  gtk_box_append (GTK_BOX (box), seats);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_list_item_set_child (item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, CareTrainingView *self)
{
  CareRecord      *session = gtk_list_item_get_item (item);
  GtkWidget       *box = gtk_list_item_get_child (item);
  GtkWidget       *title = gtk_widget_get_first_child (box);
  GtkWidget       *when = gtk_widget_get_next_sibling (title);
  GtkWidget       *where = gtk_widget_get_next_sibling (when);
  GtkWidget       *bar = gtk_widget_get_next_sibling (where);
  GtkWidget       *seats = gtk_widget_get_next_sibling (bar);
  g_autofree char *course = care_format_record_reference (get_store (self), session, "course_id");
  g_autofree char *time = format_when (session);
  g_autofree char *trainer = care_format_record_reference (get_store (self), session, "trainer_id");
  g_autofree char *place = NULL;
  const char      *location = care_record_get_string (session, "location");
  g_autoptr (GError) error = NULL;
  CareSeatCount count;

  if (location == NULL && care_record_get_string (session, "url") != NULL)
    location = _ ("Online");
  /* TRANSLATORS: a session's trainer and place: "Teresa Lima · Training room 2" */
  place = g_strdup_printf (_ ("%s · %s"), trainer != NULL ? trainer : _ ("No trainer assigned"),
                           location != NULL ? location : _ ("No place set"));

  gtk_label_set_text (GTK_LABEL (title), course != NULL ? course : "");
  gtk_label_set_text (GTK_LABEL (when), time);
  gtk_label_set_text (GTK_LABEL (where), place);
  {
    /* TRANSLATORS: a training session as a screen reader says it: course, when, trainer · place */
    g_autofree char *a11y =
        g_strdup_printf (_ ("%s, %s, %s"), course != NULL ? course : "", time, place);
    care_view_name_row (box, a11y);
  }

  if (care_training_count_seats (get_store (self), care_record_get_id (session), &count, &error))
    {
      g_autofree char *text = seats_text (&count);
      gtk_label_set_text (GTK_LABEL (seats), text);
      set_level (GTK_LEVEL_BAR (bar), &count);
    }
  else
    gtk_label_set_text (GTK_LABEL (seats), error->message);
}

/* Actions */

static void
view_new_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareTrainingView *self = CARE_TRAINING_VIEW (widget);
  g_autoptr (CareRecord) session =
      care_record_new (care_schema_entity (CARE_ENTITY_TRAINING_SESSION));
  g_autoptr (GDateTime) now = care_clock_now_local ();
  g_autoptr (GDateTime) start = NULL;
  g_autoptr (GDateTime) end = NULL;
  g_autoptr (GDateTime) start_utc = NULL;
  g_autoptr (GDateTime) end_utc = NULL;
  g_autofree char *start_text = NULL;
  g_autofree char *end_text = NULL;

  /* Next week, a morning session. */
  g_autoptr (GDateTime) morning =
      g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                             g_date_time_get_day_of_month (now), 9, 0, 0);

  start = g_date_time_add_days (morning, 7);
  end = g_date_time_add_hours (start, 3);
  start_utc = g_date_time_to_utc (start);
  end_utc = g_date_time_to_utc (end);
  start_text = g_date_time_format (start_utc, "%Y-%m-%dT%H:%M:%SZ");
  end_text = g_date_time_format (end_utc, "%Y-%m-%dT%H:%M:%SZ");

  care_record_set_string (session, "start_at", start_text);
  care_record_set_string (session, "end_at", end_text);
  care_record_set_int (session, "seats", 10);
  if (selected_course (self) != NULL)
    care_record_set_string (session, "course_id", selected_course (self));
  open_session_editor (self, session, _ ("New Training Session"));
}

static void
view_edit_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareTrainingView *self = CARE_TRAINING_VIEW (widget);

  if (self->current != NULL)
    open_session_editor (self, self->current, _ ("Edit Training Session"));
}

static void
view_export_calendar_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareTrainingView *self = CARE_TRAINING_VIEW (widget);

  if (self->current != NULL)
    care_ics_export_event (widget, get_store (self), self->current,
                           gtk_label_get_text (self->detail_title));
}

static void
view_new_course_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  g_autoptr (CareRecord) course =
      care_record_new (care_schema_entity (CARE_ENTITY_TRAINING_COURSE));

  open_course_editor (CARE_TRAINING_VIEW (widget), course, _ ("New Training Course"));
}

static void
view_edit_course_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareTrainingView *self = CARE_TRAINING_VIEW (widget);
  const char       *id = selected_course (self);
  g_autoptr (CareRecord) course = NULL;

  if (id == NULL)
    return;
  course = care_view_load_record (self, get_store (self),
                                  care_schema_entity (CARE_ENTITY_TRAINING_COURSE), id);
  if (course != NULL)
    open_course_editor (self, course, _ ("Edit Training Course"));
}

static void
view_back_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareTrainingView *self = CARE_TRAINING_VIEW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* CareView */

static GtkWidget *
get_header_start (CareView *view)
{
  return CARE_TRAINING_VIEW (view)->new_button;
}

/* Shows the session with @id, selected in the list when the list shows it. */
static void
show_record (CareView *view, const char *id)
{
  CareTrainingView *self = CARE_TRAINING_VIEW (view);
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) session = care_store_load (
      get_store (self), care_schema_entity (CARE_ENTITY_TRAINING_SESSION), id, &error);
  int position;

  if (session == NULL)
    {
      care_view_show_error (self, NULL, error);
      return;
    }

  position = care_record_list_find (self->records, id);
  gtk_single_selection_set_selected (self->selection,
                                     position >= 0 ? (guint) position : GTK_INVALID_LIST_POSITION);
  show_detail (self, session);
}

/* GObject */

static void
care_training_view_constructed (GObject *object)
{
  CareTrainingView *self = CARE_TRAINING_VIEW (object);
  g_autoptr (CareQuery) query = care_query_new (care_schema_entity (CARE_ENTITY_TRAINING_SESSION));
  g_autoptr (CareQuery) contacts = care_query_new (care_schema_entity (CARE_ENTITY_CONTACT));
  GtkWidget *picker;

  G_OBJECT_CLASS (care_training_view_parent_class)->constructed (object);

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

  care_query_set_order (contacts, "name", FALSE);
  picker = care_record_picker_new (get_store (self), contacts);
  g_signal_connect_object (picker, "picked", G_CALLBACK (contact_picked_cb), self, 0);
  gtk_menu_button_set_popover (self->enrol_button, picker);

  prepare_level_bar (self->seats_bar);
  gtk_drop_down_set_model (self->course_dropdown, G_LIST_MODEL (self->course_names));
  g_signal_connect_object (get_store (self), "changed", G_CALLBACK (store_changed_cb), self, 0);
  fill_courses (self);
  reload (self);
  show_detail (self, NULL);
}

static void
care_training_view_dispose (GObject *object)
{
  CareTrainingView *self = CARE_TRAINING_VIEW (object);

  care_view_dispose_template (CARE_VIEW (self), CARE_TYPE_TRAINING_VIEW);
  g_clear_object (&self->new_button);
  g_clear_object (&self->selection);
  g_clear_object (&self->records);
  g_clear_object (&self->course_names);
  g_clear_object (&self->current);
  g_clear_pointer (&self->course_ids, g_ptr_array_unref);

  G_OBJECT_CLASS (care_training_view_parent_class)->dispose (object);
}

static void
care_training_view_class_init (CareTrainingViewClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CareViewClass  *view_class = CARE_VIEW_CLASS (klass);

  object_class->constructed = care_training_view_constructed;
  object_class->dispose = care_training_view_dispose;

  view_class->get_header_start = get_header_start;
  view_class->show_record = show_record;
  care_view_class_set_entity (view_class, "training_session");

  g_type_ensure (CARE_TYPE_SURVEY_GROUP);
  g_type_ensure (CARE_TYPE_HISTORY_GROUP);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/training/care-training-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, course_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, upcoming_toggle);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, past_toggle);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, list_view);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, survey_group);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, history_group);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, detail_title);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, enrol_button);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, clash_row);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, when_row);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, trainer_row);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, place_row);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, link_row);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, seats_row);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, seats_bar);
  gtk_widget_class_bind_template_child (widget_class, CareTrainingView, participants_list);
  gtk_widget_class_bind_template_callback (widget_class, when_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, course_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "view.new", NULL, view_new_cb);
  gtk_widget_class_install_action (widget_class, "view.edit", NULL, view_edit_cb);
  gtk_widget_class_install_action (widget_class, "view.export-calendar", NULL,
                                   view_export_calendar_cb);
  gtk_widget_class_install_action (widget_class, "view.new-course", NULL, view_new_course_cb);
  gtk_widget_class_install_action (widget_class, "view.edit-course", NULL, view_edit_course_cb);
  gtk_widget_class_install_action (widget_class, "view.back", NULL, view_back_cb);
}

static void
care_training_view_init (CareTrainingView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  care_view_name_drop_down (self->course_dropdown, _ ("Course"));

  self->course_names = gtk_string_list_new (NULL);
  self->course_ids = g_ptr_array_new_with_free_func (g_free);

  self->new_button = care_view_new_header_button (CARE_VIEW (self), "list-add-symbolic",
                                                  _ ("New Training Session"),
                                                  _ ("New Training Session (Ctrl+N)"), "view.new");
}
