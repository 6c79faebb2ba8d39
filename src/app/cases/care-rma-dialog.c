/* care-rma-dialog.c: records a return or an exchange for a service case.
 *
 * The form is the shared record editor over the return's fields; this
 * dialog adds the rules of the workflow around it. An exchange (outcome "replace")
 * needs the new unit's serial number, and saving it creates the
 * replacement product with what remained of the original's warranty
 * (care_rma_replace()) in the same transaction as the return itself, so a
 * refused serial leaves nothing half saved. Once replaced, the outcome and
 * serial are history and no longer offered for editing. */
#define G_LOG_DOMAIN "care-rma-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "care-clock.h"
#include "care-record-editor.h"
#include "care-rma-dialog.h"
#include "care-rma.h"
#include "care-warranty.h"
#include "care-workflow.h"

struct _CareRmaDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkBox *content;

  /* Owned references */
  CareStore *store;

  /* Borrowed references */
  CareRecordEditor *editor;
};

G_DEFINE_FINAL_TYPE (CareRmaDialog, care_rma_dialog, ADW_TYPE_WINDOW)

static const char *const new_fields[] = { "product_id",         "reason", "outcome", "received",
                                          "replacement_serial", "notes",  NULL };
static const char *const replaced_fields[] = { "reason", "received", "notes", NULL };

typedef struct
{
  CareRecord  *rma;
  const char  *serial;
  const GDate *today;
} ReplaceData;

static gboolean
save_and_replace (CareStore *store, gpointer user_data, GError **error)
{
  ReplaceData *data = user_data;

  return care_store_save (store, data->rma, error) &&
         care_rma_replace (store, data->rma, data->serial, data->today, NULL, error);
}

static void
rma_save_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareRmaDialog   *self = CARE_RMA_DIALOG (widget);
  CareRecord      *rma = care_record_editor_get_record (self->editor);
  const char      *outcome = care_record_get_string (rma, "outcome");
  const char      *typed = care_record_get_string (rma, "replacement_serial");
  g_autofree char *serial = g_strstrip (g_strdup (typed != NULL ? typed : ""));
  gboolean         replace = g_strcmp0 (outcome, "replace") == 0 &&
                     care_record_get_string (rma, "replacement_product_id") == NULL;
  g_autofree char *today_iso = care_clock_today ();
  g_autoptr (GError) error = NULL;
  GDate today;

  /* The editor's own checks first: it marks the rows it finds wrong. */
  if (!care_record_editor_is_valid (self->editor))
    {
      care_record_editor_save (self->editor, NULL);
      return;
    }
  if (replace && serial[0] == '\0')
    {
      care_record_editor_show_problem (self->editor, "replacement_serial",
                                       _ ("Enter the serial number of the replacement unit."));
      return;
    }

  care_date_parse (today_iso, &today);
  if (care_record_get_bool (rma, "received") &&
      care_record_get_string (rma, "received_date") == NULL)
    care_record_set_string (rma, "received_date", today_iso);
  if (care_record_get_bool (rma, "received") &&
      g_strcmp0 (care_record_get_string (rma, "status"), "requested") == 0)
    care_record_set_string (rma, "status", "received");
  if (!replace || serial[0] == '\0')
    care_record_set_string (rma, "replacement_serial", serial[0] != '\0' ? serial : NULL);

  if (replace)
    {
      g_autoptr (CareRecord) snapshot = care_record_copy (rma);
      ReplaceData data = { rma, serial, &today };

      if (!care_store_write (self->store, save_and_replace, &data, &error))
        {
          care_record_assign (rma, snapshot);
          care_record_editor_show_problem (self->editor, "replacement_serial", error->message);
          return;
        }
    }
  else if (!care_record_editor_save (self->editor, &error))
    return;

  gtk_window_destroy (GTK_WINDOW (self));
}

static void
rma_cancel_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  gtk_window_destroy (GTK_WINDOW (widget));
}

static void
care_rma_dialog_dispose (GObject *object)
{
  CareRmaDialog *self = CARE_RMA_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_RMA_DIALOG);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (care_rma_dialog_parent_class)->dispose (object);
}

static void
care_rma_dialog_class_init (CareRmaDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_rma_dialog_dispose;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/cases/care-rma-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CareRmaDialog, content);

  gtk_widget_class_install_action (widget_class, "rma.save", NULL, rma_save_cb);
  gtk_widget_class_install_action (widget_class, "rma.cancel", NULL, rma_cancel_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "rma.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "rma.cancel", NULL);
}

static void
care_rma_dialog_init (CareRmaDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * care_rma_dialog_new:
 * @service_case: the saved case the return belongs to
 * @rma: (nullable): the return to edit, or %NULL for a new one
 *
 * The caller presents it.
 */
CareRmaDialog *
care_rma_dialog_new (GtkWindow *parent, CareStore *store, CareRecord *service_case, CareRecord *rma)
{
  CareRmaDialog *self = g_object_new (CARE_TYPE_RMA_DIALOG, "transient-for", parent, NULL);
  g_autoptr (CareRecord) record = NULL;
  g_autoptr (CareQuery) products = care_query_new (care_schema_entity (CARE_ENTITY_PRODUCT));
  gboolean replaced;

  self->store = g_object_ref (store);
  if (rma != NULL)
    record = g_object_ref (rma);
  else
    {
      record = care_record_new (care_schema_entity (CARE_ENTITY_RMA));
      care_record_set_string (record, "case_id", care_record_get_id (service_case));
      care_record_set_string (record, "product_id",
                              care_record_get_string (service_case, "product_id"));
      care_record_set_string (record, "status", "requested");
    }
  replaced = care_record_get_string (record, "replacement_product_id") != NULL;

  self->editor = CARE_RECORD_EDITOR (
      care_record_editor_new (store, record, replaced ? replaced_fields : new_fields));
  if (!replaced)
    {
      /* Only the case's customer can have sent the unit back. */
      care_query_add_string (products, "customer_id", CARE_QUERY_EQ,
                             care_record_get_string (service_case, "customer_id"));
      care_record_editor_set_ref_query (self->editor, "product_id", products);
    }
  gtk_box_append (self->content, GTK_WIDGET (self->editor));
  gtk_window_set_title (GTK_WINDOW (self),
                        rma != NULL ? _ ("Edit Return") : _ ("Return or Exchange"));
  care_record_editor_focus_first (self->editor);

  return self;
}
