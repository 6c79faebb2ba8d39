/* care-case-returns.c: the returns and exchanges of one service case.
 *
 * A group for the case detail: its header button opens CareRmaDialog for
 * a new return, and each row shows one return (reason, outcome, status,
 * the replacement's serial) with a button to edit it. */
#define G_LOG_DOMAIN "care-case-returns"

#include "config.h"

#include <glib/gi18n.h>

#include "care-case-returns.h"
#include "care-format.h"
#include "care-rma-dialog.h"
#include "care-view.h"

/* Returns listed for one case; more than a few is unusual. */
#define MAX_RETURNS 20

struct _CareCaseReturns
{
  CareRecordGroup parent_instance;
};

G_DEFINE_FINAL_TYPE (CareCaseReturns, care_case_returns, CARE_TYPE_RECORD_GROUP)

static void
open_dialog (CareCaseReturns *self, CareRecord *rma)
{
  CareRecordGroup *group = CARE_RECORD_GROUP (self);
  CareRmaDialog   *dialog =
      care_rma_dialog_new (care_view_get_window (self), care_record_group_get_store (group),
                           care_record_group_get_subject (group), rma);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
edit_clicked_cb (GtkButton *button, CareCaseReturns *self)
{
  open_dialog (self, g_object_get_data (G_OBJECT (button), "rma"));
}

static char *
describe (CareStore *store, CareRecord *rma)
{
  g_autoptr (GStrvBuilder) parts = g_strv_builder_new ();
  g_auto (GStrv) strv = NULL;
  g_autofree char *outcome = care_format_record_field (rma, "outcome");
  g_autofree char *status = care_format_record_field (rma, "status");
  g_autofree char *product = care_format_reference (
      store, care_entity_lookup_field (care_record_get_entity (rma), "product_id"),
      care_record_get_string (rma, "product_id"));
  g_autofree char *serial = NULL;
  g_autofree char *received = NULL;

  if (product[0] != '\0')
    g_strv_builder_add (parts, product);
  if (outcome[0] != '\0')
    g_strv_builder_add (parts, outcome);
  g_strv_builder_add (parts, status);
  if (care_record_get_bool (rma, "received"))
    {
      g_autofree char *day = care_format_record_field (rma, "received_date");
      /* TRANSLATORS: when the returned unit came in, e.g. "received 3/12/26" */
      received =
          day[0] != '\0' ? g_strdup_printf (_ ("received %s"), day) : g_strdup (_ ("received"));
      g_strv_builder_add (parts, received);
    }
  if (care_record_get_string (rma, "replacement_serial") != NULL)
    {
      /* TRANSLATORS: the serial number of the unit sent in exchange */
      serial = g_strdup_printf (_ ("replacement %s"),
                                care_record_get_string (rma, "replacement_serial"));
      g_strv_builder_add (parts, serial);
    }

  strv = g_strv_builder_end (parts);
  return g_strjoinv (" · ", strv);
}

static gboolean
care_case_returns_watches (CareRecordGroup *group, const char *entity)
{
  return entity == NULL || g_str_equal (entity, "rma") || g_str_equal (entity, "product");
}

static void
care_case_returns_fill (CareRecordGroup *group, CareStore *store, CareRecord *service_case)
{
  CareCaseReturns *self = CARE_CASE_RETURNS (group);
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_RMA));
  g_autoptr (GPtrArray) returns = NULL;
  g_autoptr (GError) error = NULL;

  care_query_add_string (q, "case_id", CARE_QUERY_EQ, care_record_get_id (service_case));
  returns = care_store_find (store, q, 0, MAX_RETURNS, NULL, &error);
  if (returns == NULL)
    care_view_show_error (self, NULL, error);

  for (guint i = 0; returns != NULL && i < returns->len; i++)
    {
      CareRecord      *rma = g_ptr_array_index (returns, i);
      g_autofree char *subtitle = describe (store, rma);
      /* TRANSLATORS: a button's accessible name; %s is the reason for a return */
      g_autofree char *edit_name =
          g_strdup_printf (_ ("Edit return: %s"), care_record_get_string (rma, "reason"));
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *edit = gtk_button_new_from_icon_name ("document-edit-symbolic");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     care_record_get_string (rma, "reason"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (edit, "flat");
      gtk_widget_set_tooltip_text (edit, _ ("Edit return"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (edit), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      edit_name, -1);
      g_object_set_data_full (G_OBJECT (edit), "rma", g_object_ref (rma), g_object_unref);
      g_signal_connect (edit, "clicked", G_CALLBACK (edit_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), edit);
      care_record_group_add_row (group, row);
    }
}

static void
care_case_returns_create (CareRecordGroup *group, CareStore *store, CareRecord *service_case)
{
  open_dialog (CARE_CASE_RETURNS (group), NULL);
}

static void
care_case_returns_class_init (CareCaseReturnsClass *klass)
{
  CareRecordGroupClass *group_class = CARE_RECORD_GROUP_CLASS (klass);

  group_class->watches = care_case_returns_watches;
  group_class->fill = care_case_returns_fill;
  group_class->create = care_case_returns_create;
}

static void
care_case_returns_init (CareCaseReturns *self)
{
  care_record_group_setup (CARE_RECORD_GROUP (self), _ ("Returns"), _ ("Return or E_xchange…"),
                           _ ("Return or Exchange"), _ ("No returns or exchanges."));
}

/**
 * care_case_returns_set_case:
 * @service_case: (nullable): the case shown
 */
void
care_case_returns_set_case (CareCaseReturns *self, CareContext *context, CareRecord *service_case)
{
  g_return_if_fail (CARE_IS_CASE_RETURNS (self));

  care_record_group_set_subject (CARE_RECORD_GROUP (self), context, service_case);
}
