/* care-survey-group.c: the satisfaction surveys about one case, visit or class.
 *
 * A group for a detail pane: its header button records a new survey
 * (CareSurveyDialog) and its rows list the answers given so far, each with
 * its score and comment. The case, appointment and training views each
 * show one and hand it the record they show. */
#define G_LOG_DOMAIN "care-survey-group"

#include "config.h"

#include <glib/gi18n.h>

#include "care-format.h"
#include "care-score-picker.h"
#include "care-survey-dialog.h"
#include "care-survey-group.h"
#include "care-survey.h"

/* Surveys listed for one subject; more than a few is unusual. */
#define MAX_SURVEYS 20

struct _CareSurveyGroup
{
  AdwPreferencesGroup parent_instance;

  /* Owned references */
  CareContext *context;
  CareRecord  *subject;
  GPtrArray   *rows; /* GtkWidget, borrowed from the group */
  gulong       changed_id;
};

G_DEFINE_FINAL_TYPE (CareSurveyGroup, care_survey_group, ADW_TYPE_PREFERENCES_GROUP)

static const char *
subject_field (CareRecord *subject)
{
  const char *name = care_record_get_entity (subject)->name;

  if (g_str_equal (name, "service_case"))
    return "case_id";
  if (g_str_equal (name, "appointment"))
    return "appointment_id";
  return "session_id";
}

static void
rebuild (CareSurveyGroup *self)
{
  g_autoptr (CareQuery) q = NULL;
  g_autoptr (GPtrArray) surveys = NULL;
  CareStore *store;

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  if (self->subject == NULL)
    return;

  store = care_context_get_store (self->context);
  q = care_query_new (care_schema_lookup ("survey"));
  care_query_add_string (q, subject_field (self->subject), CARE_QUERY_EQ, care_record_get_id (self->subject));
  care_query_set_order (q, "answered_at", TRUE);
  surveys = care_store_find (store, q, 0, MAX_SURVEYS, NULL);

  for (guint i = 0; surveys != NULL && i < surveys->len; i++)
    {
      CareRecord      *s = g_ptr_array_index (surveys, i);
      int              score = (int) care_record_get_int (s, "score", 0);
      const char      *comment = care_record_get_string (s, "comment");
      g_autofree char *when = care_format_datetime (care_record_get_string (s, "answered_at"));
      g_autofree char *who = care_format_reference (
          store, care_entity_lookup_field (care_record_get_entity (s), "contact_id"), care_record_get_string (s, "contact_id"));
      /* TRANSLATORS: a survey's score, e.g. "4 of 5: Satisfied" */
      g_autofree char *title = g_strdup_printf (_ ("%d of 5: %s"), score, care_score_picker_describe (score));
      g_autofree char *subtitle = NULL;
      GtkWidget       *row = adw_action_row_new ();

      if (who[0] != '\0')
        subtitle = g_strdup_printf ("%s · %s", when, who);
      else
        subtitle = g_strdup (when);
      if (comment != NULL)
        {
          char *with_comment = g_strdup_printf ("%s\n%s", comment, subtitle);
          g_free (subtitle);
          subtitle = with_comment;
        }

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 6);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         self->rows->len == 0 ? _ ("No answers recorded yet.") : NULL);
}

static void
store_changed_cb (CareStore *store, const char *entity, const char *id, CareSurveyGroup *self)
{
  if (entity == NULL || g_str_equal (entity, "survey") || g_str_equal (entity, "contact"))
    rebuild (self);
}

static void
record_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareSurveyGroup  *self = CARE_SURVEY_GROUP (widget);
  GtkRoot          *root = gtk_widget_get_root (widget);
  CareSurveyDialog *dialog;

  if (self->subject == NULL)
    return;

  dialog = care_survey_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   care_context_get_store (self->context), self->subject);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
care_survey_group_dispose (GObject *object)
{
  CareSurveyGroup *self = CARE_SURVEY_GROUP (object);

  if (self->context != NULL)
    g_clear_signal_handler (&self->changed_id, care_context_get_store (self->context));
  g_clear_object (&self->subject);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (care_survey_group_parent_class)->dispose (object);
}

static void
care_survey_group_finalize (GObject *object)
{
  CareSurveyGroup *self = CARE_SURVEY_GROUP (object);

  g_ptr_array_unref (self->rows);

  G_OBJECT_CLASS (care_survey_group_parent_class)->finalize (object);
}

static void
care_survey_group_class_init (CareSurveyGroupClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_survey_group_dispose;
  object_class->finalize = care_survey_group_finalize;

  gtk_widget_class_install_action (widget_class, "survey.record", NULL, record_cb);
}

static void
care_survey_group_init (CareSurveyGroup *self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_ ("Record _Satisfaction…"));

  self->rows = g_ptr_array_new ();
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "survey.record");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Record Satisfaction"),
                                  -1);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self), button);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _ ("Satisfaction"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "survey.record", FALSE);
}

/**
 * care_survey_group_set_subject:
 * @subject: (nullable): a saved case, appointment or training session
 */
void
care_survey_group_set_subject (CareSurveyGroup *self, CareContext *context, CareRecord *subject)
{
  g_return_if_fail (CARE_IS_SURVEY_GROUP (self));
  g_return_if_fail (CARE_IS_CONTEXT (context));

  if (self->context != context)
    {
      if (self->context != NULL)
        g_clear_signal_handler (&self->changed_id, care_context_get_store (self->context));
      g_set_object (&self->context, context);
      self->changed_id = g_signal_connect (care_context_get_store (context), "changed",
                                           G_CALLBACK (store_changed_cb), self);
    }

  g_set_object (&self->subject, subject);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "survey.record", subject != NULL);
  rebuild (self);
}

/**
 * care_survey_summary_new:
 *
 * Returns: (transfer floating): a group saying how satisfied the customer
 * with @customer_id is: the average of their survey scores and how many
 * answers it rests on, for the customer's page.
 */
GtkWidget *
care_survey_summary_new (CareStore *store, const char *customer_id)
{
  g_auto (CareSurveyStats) stats = { 0 };
  g_autoptr (GError) error = NULL;
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _ ("Satisfaction"));
  if (!care_survey_stats (store, customer_id, &stats, &error))
    {
      g_warning ("Could not read the surveys: %s", error->message);
      return group;
    }

  if (stats.count == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _ ("No satisfaction surveys yet."));
  else
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("emblem-favorite-symbolic");
      int        rounded = CLAMP ((int) (stats.average + 0.5), 1, 5);
      /* TRANSLATORS: a customer's average survey score, e.g. "4.3 of 5: Satisfied" */
      g_autofree char *title = g_strdup_printf (_ ("%.1f of 5: %s"), stats.average, care_score_picker_describe (rounded));
      g_autofree char *subtitle =
          /* TRANSLATORS: how many surveys an average rests on */
          g_strdup_printf (ngettext ("Average of %u answer", "Average of %u answers", stats.count),
                           stats.count);

      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  return group;
}
