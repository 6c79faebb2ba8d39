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
#include "care-view.h"

/* Surveys listed for one subject; more than a few is unusual. */
#define MAX_SURVEYS 20

struct _CareSurveyGroup
{
  CareRecordGroup parent_instance;
};

G_DEFINE_FINAL_TYPE (CareSurveyGroup, care_survey_group, CARE_TYPE_RECORD_GROUP)

static gboolean
care_survey_group_watches (CareRecordGroup *group, const char *entity)
{
  return entity == NULL || g_str_equal (entity, "survey") || g_str_equal (entity, "contact");
}

static void
care_survey_group_fill (CareRecordGroup *group, CareStore *store, CareRecord *subject)
{
  const char *field = care_survey_subject_field (subject);
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_SURVEY));
  g_autoptr (GPtrArray) surveys = NULL;
  g_autoptr (GError) error = NULL;

  if (field == NULL)
    return;
  care_query_add_string (q, field, CARE_QUERY_EQ, care_record_get_id (subject));
  care_query_set_order (q, "answered_at", TRUE);
  surveys = care_store_find (store, q, 0, MAX_SURVEYS, NULL, &error);
  if (surveys == NULL)
    care_view_show_error (group, NULL, error);

  for (guint i = 0; surveys != NULL && i < surveys->len; i++)
    {
      CareRecord      *s = g_ptr_array_index (surveys, i);
      int              score = (int) care_record_get_int (s, "score", 0);
      const char      *comment = care_record_get_string (s, "comment");
      g_autofree char *when = care_format_datetime (care_record_get_string (s, "answered_at"));
      g_autofree char *who = care_format_reference (
          store, care_entity_lookup_field (care_record_get_entity (s), "contact_id"),
          care_record_get_string (s, "contact_id"));
      /* TRANSLATORS: a survey's score, e.g. "4 of 5: Satisfied" */
      g_autofree char *title =
          g_strdup_printf (_ ("%d of 5: %s"), score, care_score_picker_describe (score));
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
      care_record_group_add_row (group, row);
    }
}

static void
care_survey_group_create (CareRecordGroup *group, CareStore *store, CareRecord *subject)
{
  CareSurveyDialog *dialog = care_survey_dialog_new (care_view_get_window (group), store, subject);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
care_survey_group_class_init (CareSurveyGroupClass *klass)
{
  CareRecordGroupClass *group_class = CARE_RECORD_GROUP_CLASS (klass);

  group_class->watches = care_survey_group_watches;
  group_class->fill = care_survey_group_fill;
  group_class->create = care_survey_group_create;
}

static void
care_survey_group_init (CareSurveyGroup *self)
{
  care_record_group_setup (CARE_RECORD_GROUP (self), _ ("Satisfaction"),
                           _ ("Record _Satisfaction…"), _ ("Record Satisfaction"),
                           _ ("No answers recorded yet."));
}

/**
 * care_survey_group_set_subject:
 * @subject: (nullable): a saved case, appointment or training session
 */
void
care_survey_group_set_subject (CareSurveyGroup *self, CareContext *context, CareRecord *subject)
{
  g_return_if_fail (CARE_IS_SURVEY_GROUP (self));

  care_record_group_set_subject (CARE_RECORD_GROUP (self), context, subject);
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
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           _ ("No satisfaction surveys yet."));
  else
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("emblem-favorite-symbolic");
      int        rounded = CLAMP ((int) (stats.average + 0.5), 1, 5);
      /* TRANSLATORS: a customer's average survey score, e.g. "4.3 of 5: Satisfied" */
      g_autofree char *title = g_strdup_printf (_ ("%.1f of 5: %s"), stats.average,
                                                care_score_picker_describe (rounded));
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
