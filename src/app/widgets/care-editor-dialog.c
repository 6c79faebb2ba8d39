/* care-editor-dialog.c: a window to create or edit one record.
 *
 * Cancel and Escape close it; Save and Ctrl+S store the record and close it,
 * or, when something is wrong, keep it open with the form as it was and the
 * wrong field marked. Emits "saved" with the stored record. */
#define G_LOG_DOMAIN "care-editor-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "care-editor-dialog.h"

struct _CareEditorDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  AdwWindowTitle *window_title;
  AdwClamp       *clamp;
  GtkButton      *save_button;

  /* Borrowed references */
  CareRecordEditor *editor;
};

G_DEFINE_FINAL_TYPE (CareEditorDialog, care_editor_dialog, ADW_TYPE_WINDOW)

enum
{
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
editor_save_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareEditorDialog *self = CARE_EDITOR_DIALOG (widget);
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) saved = NULL;

  if (!care_record_editor_save (self->editor, &error))
    {
      g_debug ("Not saved: %s", error->message);
      return;
    }

  saved = g_object_ref (care_record_editor_get_record (self->editor));
  g_signal_emit (self, signals[SAVED], 0, saved);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
editor_cancel_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  gtk_window_destroy (GTK_WINDOW (widget));
}

static void
care_editor_dialog_class_init (CareEditorDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /**
   * CareEditorDialog::saved:
   * @record: the record as stored
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, CARE_TYPE_RECORD);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/widgets/care-editor-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CareEditorDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, CareEditorDialog, clamp);
  gtk_widget_class_bind_template_child (widget_class, CareEditorDialog, save_button);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, editor_save_cb);
  gtk_widget_class_install_action (widget_class, "editor.cancel", NULL, editor_cancel_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "editor.cancel", NULL);
}

static void
care_editor_dialog_init (CareEditorDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * care_editor_dialog_new:
 * @title: the window title, e.g. "New Customer"
 *
 * See care_record_editor_new() for @record and @fields. The caller presents it.
 */
CareEditorDialog *
care_editor_dialog_new (GtkWindow         *parent,
                        CareStore         *store,
                        CareRecord        *record,
                        const char *const *fields,
                        const char        *title)
{
  CareEditorDialog *self = g_object_new (CARE_TYPE_EDITOR_DIALOG, "transient-for", parent, "modal",
                                         TRUE, "title", title, NULL);

  adw_window_title_set_title (self->window_title, title);
  self->editor = CARE_RECORD_EDITOR (care_record_editor_new (store, record, fields));
  adw_clamp_set_child (self->clamp, GTK_WIDGET (self->editor));
  care_record_editor_focus_first (self->editor);

  return self;
}

CareRecordEditor *
care_editor_dialog_get_editor (CareEditorDialog *self)
{
  g_return_val_if_fail (CARE_IS_EDITOR_DIALOG (self), NULL);
  return self->editor;
}
