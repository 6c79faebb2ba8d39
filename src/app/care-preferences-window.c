/* care-preferences-window.c: the settings a user may change.
 *
 * Each row is bound to its GSettings key, so a change applies at once and
 * the views that read the key (the customer detail) follow its "changed"
 * signal. Only settings some code reads are offered here. */
#define G_LOG_DOMAIN "care-preferences-window"

#include "config.h"

#include "care-preferences-window.h"

struct _CarePreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* Template widgets */
  GtkSpinButton *expiring_spin;
  GtkSpinButton *timeline_spin;
  AdwEntryRow   *company_name_row;
  AdwEntryRow   *company_address_row;
  AdwEntryRow   *company_contact_row;
  AdwEntryRow   *currency_row;
  GtkSpinButton *follow_up_spin;

  /* Owned references */
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (CarePreferencesWindow, care_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

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

  return self;
}
