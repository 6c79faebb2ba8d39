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

/* Returns listed for one case; more than a few is unusual. */
#define MAX_RETURNS 20

struct _CareCaseReturns
{
  AdwPreferencesGroup parent_instance;

  /* Owned references */
  CareContext *context;
  CareRecord  *service_case;
  GPtrArray   *rows; /* GtkWidget, borrowed from the group */
  gulong       changed_id;
};

G_DEFINE_FINAL_TYPE (CareCaseReturns, care_case_returns, ADW_TYPE_PREFERENCES_GROUP)

static void
open_dialog (CareCaseReturns *self, CareRecord *rma)
{
  GtkRoot       *root = gtk_widget_get_root (GTK_WIDGET (self));
  CareRmaDialog *dialog = care_rma_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               care_context_get_store (self->context), self->service_case, rma);

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
      store, care_entity_lookup_field (care_record_get_entity (rma), "product_id"), care_record_get_string (rma, "product_id"));
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
      received = day[0] != '\0' ? g_strdup_printf (_ ("received %s"), day) : g_strdup (_ ("received"));
      g_strv_builder_add (parts, received);
    }
  if (care_record_get_string (rma, "replacement_serial") != NULL)
    {
      /* TRANSLATORS: the serial number of the unit sent in exchange */
      serial = g_strdup_printf (_ ("replacement %s"), care_record_get_string (rma, "replacement_serial"));
      g_strv_builder_add (parts, serial);
    }

  strv = g_strv_builder_end (parts);
  return g_strjoinv (" · ", strv);
}

static void
rebuild (CareCaseReturns *self)
{
  g_autoptr (CareQuery) q = NULL;
  g_autoptr (GPtrArray) returns = NULL;
  CareStore *store;

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  if (self->service_case == NULL)
    return;

  store = care_context_get_store (self->context);
  q = care_query_new (care_schema_lookup ("rma"));
  care_query_add_string (q, "case_id", CARE_QUERY_EQ, care_record_get_id (self->service_case));
  returns = care_store_find (store, q, 0, MAX_RETURNS, NULL);

  for (guint i = 0; returns != NULL && i < returns->len; i++)
    {
      CareRecord      *rma = g_ptr_array_index (returns, i);
      g_autofree char *subtitle = describe (store, rma);
      /* TRANSLATORS: a button's accessible name; %s is the reason for a return */
      g_autofree char *edit_name = g_strdup_printf (_ ("Edit return: %s"), care_record_get_string (rma, "reason"));
      GtkWidget       *row = adw_action_row_new ();
      GtkWidget       *edit = gtk_button_new_from_icon_name ("document-edit-symbolic");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), care_record_get_string (rma, "reason"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (edit, "flat");
      gtk_widget_set_tooltip_text (edit, _ ("Edit return"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (edit), GTK_ACCESSIBLE_PROPERTY_LABEL, edit_name, -1);
      g_object_set_data_full (G_OBJECT (edit), "rma", g_object_ref (rma), g_object_unref);
      g_signal_connect (edit, "clicked", G_CALLBACK (edit_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), edit);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         self->rows->len == 0 ? _ ("No returns or exchanges.") : NULL);
}

static void
store_changed_cb (CareStore *store, const char *entity, const char *id, CareCaseReturns *self)
{
  if (entity == NULL || g_str_equal (entity, "rma") || g_str_equal (entity, "product"))
    rebuild (self);
}

static void
new_return_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareCaseReturns *self = CARE_CASE_RETURNS (widget);

  if (self->service_case != NULL)
    open_dialog (self, NULL);
}

static void
care_case_returns_dispose (GObject *object)
{
  CareCaseReturns *self = CARE_CASE_RETURNS (object);

  if (self->context != NULL)
    g_clear_signal_handler (&self->changed_id, care_context_get_store (self->context));
  g_clear_object (&self->service_case);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (care_case_returns_parent_class)->dispose (object);
}

static void
care_case_returns_finalize (GObject *object)
{
  CareCaseReturns *self = CARE_CASE_RETURNS (object);

  g_ptr_array_unref (self->rows);

  G_OBJECT_CLASS (care_case_returns_parent_class)->finalize (object);
}

static void
care_case_returns_class_init (CareCaseReturnsClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_case_returns_dispose;
  object_class->finalize = care_case_returns_finalize;

  gtk_widget_class_install_action (widget_class, "returns.new", NULL, new_return_cb);
}

static void
care_case_returns_init (CareCaseReturns *self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_ ("Return or E_xchange…"));

  self->rows = g_ptr_array_new ();
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "returns.new");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Return or Exchange"), -1);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self), button);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _ ("Returns"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "returns.new", FALSE);
}

/**
 * care_case_returns_set_case:
 * @service_case: (nullable): the case shown
 */
void
care_case_returns_set_case (CareCaseReturns *self, CareContext *context, CareRecord *service_case)
{
  g_return_if_fail (CARE_IS_CASE_RETURNS (self));
  g_return_if_fail (CARE_IS_CONTEXT (context));

  if (self->context != context)
    {
      if (self->context != NULL)
        g_clear_signal_handler (&self->changed_id, care_context_get_store (self->context));
      g_set_object (&self->context, context);
      self->changed_id = g_signal_connect (care_context_get_store (context), "changed",
                                           G_CALLBACK (store_changed_cb), self);
    }

  g_set_object (&self->service_case, service_case);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "returns.new", service_case != NULL);
  rebuild (self);
}
