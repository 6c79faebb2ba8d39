/* care-preferences-window.c: the settings a user may change.
 *
 * Each row is bound to its GSettings key, so a change applies at once and
 * the views that read the key (the customer detail) follow its "changed"
 * signal. Only settings some code reads are offered here. */
#define G_LOG_DOMAIN "care-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "care-preferences-window.h"

struct _CarePreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* Template widgets */
  GtkSpinButton       *expiring_spin;
  GtkSpinButton       *timeline_spin;
  AdwEntryRow         *company_name_row;
  AdwEntryRow         *company_address_row;
  AdwEntryRow         *company_contact_row;
  AdwEntryRow         *currency_row;
  GtkSpinButton       *follow_up_spin;
  AdwPreferencesGroup *company_group;
  AdwActionRow        *logo_row;

  /* Owned references */
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (CarePreferencesWindow, care_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Until the company has a name, documents go out without a header: the
 * group says so where the name is typed. */
static void
company_changed_cb (GSettings *settings, const char *key, CarePreferencesWindow *self)
{
  g_autofree char *name = g_strstrip (g_settings_get_string (settings, "company-name"));
  g_autofree char *logo = g_settings_get_string (settings, "company-logo");
  g_autofree char *logo_name = logo[0] != '\0' ? g_path_get_basename (logo) : NULL;

  adw_preferences_group_set_description (
      self->company_group,
      name[0] != '\0' ? _ ("Printed on visit reports and certificates of attendance")
                      : _ ("Set the company name: until then, visit reports and certificates "
                           "are printed without a company header."));
  adw_action_row_set_subtitle (self->logo_row, logo_name != NULL ? logo_name : _ ("None"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.clear-logo", logo_name != NULL);
}

static void
logo_chosen_cb (GtkNativeDialog *chooser, int response, CarePreferencesWindow *self)
{
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);
  if (file != NULL)
    path = g_file_get_path (file);
  if (path != NULL)
    g_settings_set_string (self->settings, "company-logo", path);
}

static void
prefs_choose_logo_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CarePreferencesWindow *self = CARE_PREFERENCES_WINDOW (widget);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser =
      gtk_file_chooser_native_new (_ ("Choose a Logo"), GTK_WINDOW (self),
                                   GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Choose"), _ ("_Cancel"));

  gtk_file_filter_set_name (filter, _ ("PNG and JPEG images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (logo_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
prefs_clear_logo_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CarePreferencesWindow *self = CARE_PREFERENCES_WINDOW (widget);

  g_settings_set_string (self->settings, "company-logo", "");
}

static void
care_preferences_window_dispose (GObject *object)
{
  CarePreferencesWindow *self = CARE_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (care_preferences_window_parent_class)->dispose (object);
}

static void
care_preferences_window_class_init (CarePreferencesWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/care-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CarePreferencesWindow, expiring_spin);
  gtk_widget_class_bind_template_child (widget_class, CarePreferencesWindow, timeline_spin);
  gtk_widget_class_bind_template_child (widget_class, CarePreferencesWindow, company_name_row);
  gtk_widget_class_bind_template_child (widget_class, CarePreferencesWindow, company_address_row);
  gtk_widget_class_bind_template_child (widget_class, CarePreferencesWindow, company_contact_row);
  gtk_widget_class_bind_template_child (widget_class, CarePreferencesWindow, company_group);
  gtk_widget_class_bind_template_child (widget_class, CarePreferencesWindow, logo_row);
  gtk_widget_class_install_action (widget_class, "prefs.choose-logo", NULL, prefs_choose_logo_cb);
  gtk_widget_class_install_action (widget_class, "prefs.clear-logo", NULL, prefs_clear_logo_cb);
  gtk_widget_class_bind_template_child (widget_class, CarePreferencesWindow, currency_row);
  gtk_widget_class_bind_template_child (widget_class, CarePreferencesWindow, follow_up_spin);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
care_preferences_window_init (CarePreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CarePreferencesWindow *
care_preferences_window_new (GtkWindow *parent, GSettings *settings)
{
  CarePreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CARE_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  self->settings = g_object_ref (settings);
  g_settings_bind (settings, "warranty-expiring-days", self->expiring_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "timeline-length", self->timeline_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  /* Read when a visit report is shown, exported or printed. */
  g_settings_bind (settings, "company-name", self->company_name_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "company-address", self->company_address_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "company-contact", self->company_contact_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "currency", self->currency_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "follow-up-days", self->follow_up_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (settings, "changed::company-name", G_CALLBACK (company_changed_cb), self,
                           0);
  g_signal_connect_object (settings, "changed::company-logo", G_CALLBACK (company_changed_cb), self,
                           0);
  company_changed_cb (settings, NULL, self);

  return self;
}
