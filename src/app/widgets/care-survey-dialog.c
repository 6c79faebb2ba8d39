/* care-survey-dialog.c: records a customer's satisfaction with a case, visit or class.
 *
 * The score has no default: an agent who forgets to ask must not store a
 * 1 or a 5 nobody gave. Save with no score (or, for a class, no
 * participant) keeps the dialog open with that row marked and saves
 * nothing. The survey itself comes from care_survey_new_for(), which fills
 * in the customer from the subject. */
#define G_LOG_DOMAIN "care-survey-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "care-format.h"
#include "care-score-picker.h"
#include "care-survey-dialog.h"
#include "care-survey.h"
#include "care-view.h"

/* Participants offered for a class; a session has far fewer seats. */
#define MAX_PARTICIPANTS 1000

struct _CareSurveyDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  AdwPreferencesGroup *group;
  AdwComboRow         *participant_row;
  AdwActionRow        *score_row;
  CareScorePicker     *score_picker;
  GtkTextView         *comment_view;
  GtkLabel            *error_label;

  /* Owned references */
  CareStore  *store;
  CareRecord *subject;
  GPtrArray  *contact_ids; /* char *, parallel to the participant row's items */
};

G_DEFINE_FINAL_TYPE (CareSurveyDialog, care_survey_dialog, ADW_TYPE_WINDOW)

static gboolean
is_session (CareSurveyDialog *self)
{
  return care_record_get_entity (self->subject) ==
         care_schema_entity (CARE_ENTITY_TRAINING_SESSION);
}

static void
show_error (CareSurveyDialog *self, GtkWidget *row, const char *message)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->score_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->participant_row), "error");
  if (row != NULL)
    gtk_widget_add_css_class (row, "error");
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
score_changed_cb (CareSurveyDialog *self)
{
  int score = care_score_picker_get_score (self->score_picker);

  if (score > 0)
    {
      /* TRANSLATORS: the chosen score, e.g. "4 of 5: Satisfied" */
      g_autofree char *text =
          g_strdup_printf (_ ("%d of 5: %s"), score, care_score_picker_describe (score));
      adw_action_row_set_subtitle (self->score_row, text);
      show_error (self, NULL, NULL);
    }
}

static const char *
chosen_contact (CareSurveyDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->participant_row);

  if (self->contact_ids == NULL || selected == GTK_INVALID_LIST_POSITION ||
      selected >= self->contact_ids->len)
    return NULL;
  return g_ptr_array_index (self->contact_ids, selected);
}

static void
survey_save_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareSurveyDialog *self = CARE_SURVEY_DIALOG (widget);
  int               score = care_score_picker_get_score (self->score_picker);
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) survey = NULL;
  g_autofree char *comment = NULL;
  GtkTextBuffer   *buffer = gtk_text_view_get_buffer (self->comment_view);
  GtkTextIter      start, end;

  if (is_session (self) && chosen_contact (self) == NULL)
    {
      show_error (self, GTK_WIDGET (self->participant_row),
                  _ ("Choose the participant who answered."));
      gtk_widget_grab_focus (GTK_WIDGET (self->participant_row));
      return;
    }
  if (score < 1)
    {
      show_error (self, GTK_WIDGET (self->score_row), _ ("Choose a score from 1 to 5."));
      gtk_widget_grab_focus (GTK_WIDGET (self->score_picker));
      return;
    }

  survey = care_survey_new_for (self->store, self->subject,
                                is_session (self) ? chosen_contact (self) : NULL, &error);
  if (survey != NULL)
    {
      gtk_text_buffer_get_bounds (buffer, &start, &end);
      comment = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
      care_record_set_int (survey, "score", score);
      care_record_set_string (survey, "comment", comment[0] != '\0' ? comment : NULL);
    }
  if (survey == NULL || !care_store_save (self->store, survey, &error))
    {
      show_error (self, NULL, error->message);
      return;
    }

  gtk_window_destroy (GTK_WINDOW (self));
}

static void
survey_cancel_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  gtk_window_destroy (GTK_WINDOW (widget));
}

/* A class's survey is answered by one of its participants. */
static void
fill_participants (CareSurveyDialog *self)
{
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_ENROLMENT));
  g_autoptr (GPtrArray) enrolments = NULL;
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr (GError) error = NULL;
  const CareField *contact_field = care_schema_field (CARE_ENTITY_ENROLMENT, "contact_id");

  care_query_add_string (q, "session_id", CARE_QUERY_EQ, care_record_get_id (self->subject));
  care_query_add_string (q, "status", CARE_QUERY_EQ, "confirmed");
  enrolments = care_store_find (self->store, q, 0, MAX_PARTICIPANTS, NULL, &error);
  if (enrolments == NULL)
    care_view_show_error (self, NULL, error);
  self->contact_ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; enrolments != NULL && i < enrolments->len; i++)
    {
      const char *contact_id =
          care_record_get_string (g_ptr_array_index (enrolments, i), "contact_id");
      g_autofree char *name = care_format_reference (self->store, contact_field, contact_id);

      gtk_string_list_append (names, name);
      g_ptr_array_add (self->contact_ids, g_strdup (contact_id));
    }

  adw_combo_row_set_model (self->participant_row, G_LIST_MODEL (names));
  if (self->contact_ids->len == 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->participant_row),
                                 _ ("Nobody is enrolled in this session."));
  gtk_widget_set_visible (GTK_WIDGET (self->participant_row), TRUE);
}

static void
care_survey_dialog_dispose (GObject *object)
{
  CareSurveyDialog *self = CARE_SURVEY_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_SURVEY_DIALOG);
  g_clear_object (&self->store);
  g_clear_object (&self->subject);
  g_clear_pointer (&self->contact_ids, g_ptr_array_unref);

  G_OBJECT_CLASS (care_survey_dialog_parent_class)->dispose (object);
}

static void
care_survey_dialog_class_init (CareSurveyDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_survey_dialog_dispose;

  g_type_ensure (CARE_TYPE_SCORE_PICKER);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/widgets/care-survey-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CareSurveyDialog, group);
  gtk_widget_class_bind_template_child (widget_class, CareSurveyDialog, participant_row);
  gtk_widget_class_bind_template_child (widget_class, CareSurveyDialog, score_row);
  gtk_widget_class_bind_template_child (widget_class, CareSurveyDialog, score_picker);
  gtk_widget_class_bind_template_child (widget_class, CareSurveyDialog, comment_view);
  gtk_widget_class_bind_template_child (widget_class, CareSurveyDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, score_changed_cb);

  gtk_widget_class_install_action (widget_class, "survey.save", NULL, survey_save_cb);
  gtk_widget_class_install_action (widget_class, "survey.cancel", NULL, survey_cancel_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "survey.save",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "survey.cancel", NULL);
}

static void
care_survey_dialog_init (CareSurveyDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * care_survey_dialog_new:
 * @subject: a saved service case, appointment or training session
 *
 * The caller presents it.
 */
CareSurveyDialog *
care_survey_dialog_new (GtkWindow *parent, CareStore *store, CareRecord *subject)
{
  CareSurveyDialog *self = g_object_new (CARE_TYPE_SURVEY_DIALOG, "transient-for", parent, NULL);
  g_autofree char  *about = care_format_title (store, subject);

  self->store = g_object_ref (store);
  self->subject = g_object_ref (subject);

  adw_preferences_group_set_title (
      self->group, care_record_get_entity (subject)->label != NULL
                       ? g_dgettext (GETTEXT_PACKAGE, care_record_get_entity (subject)->label)
                       : "");
  adw_preferences_group_set_description (self->group, about);
  if (is_session (self))
    fill_participants (self);
  gtk_widget_grab_focus (GTK_WIDGET (is_session (self) ? GTK_WIDGET (self->participant_row)
                                                       : GTK_WIDGET (self->score_picker)));

  return self;
}
