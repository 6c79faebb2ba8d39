/* care-sync-page.c: the Preferences page to sign in to a server. */
#define G_LOG_DOMAIN "care-sync-page"

#include "config.h"

#include <glib/gi18n.h>

#include "care-sync-page.h"

struct _CareSyncPage
{
  AdwPreferencesPage parent_instance;

  /* Template widgets */
  AdwPreferencesGroup *signed_in_group;
  AdwActionRow        *account_row;
  AdwPreferencesGroup *sign_in_group;
  AdwPreferencesGroup *actions_group;
  AdwEntryRow         *url_row;
  AdwEntryRow         *username_row;
  AdwPasswordEntryRow *password_row;
  GtkLabel            *error_label;
  GtkButton           *sign_in_button;

  /* Owned references */
  CareAccount  *account;
  GSettings    *settings;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (CareSyncPage, care_sync_page, ADW_TYPE_PREFERENCES_PAGE)

static void
show_error (CareSyncPage *self, const char *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
update (CareSyncPage *self)
{
  CareSyncEngine *engine = care_account_get_engine (self->account);
  gboolean        signed_in = care_sync_engine_get_token (engine) != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->signed_in_group), signed_in);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_group), !signed_in);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_button), !signed_in);

  if (signed_in)
    {
      const char      *role = care_sync_engine_get_role (engine);
      const CareField *role_field = care_schema_field (CARE_ENTITY_STAFF, "role");
      g_autofree char *title = g_strdup_printf (_ ("%s at %s"),
                                                care_sync_engine_get_username (engine) != NULL
                                                    ? care_sync_engine_get_username (engine)
                                                    : "",
                                                care_sync_engine_get_server_url (engine));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->account_row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->account_row),
                                   role != NULL ? care_field_choice_label (role_field, role) : "");
    }
}

static void
engine_notify_cb (GObject *engine, GParamSpec *pspec, CareSyncPage *self)
{
  update (self);
}

static void
signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CareSyncPage) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = care_account_sign_in_finish (CARE_ACCOUNT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), TRUE);
  if (ok)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
      show_error (self, NULL);
    }
  else
    {
      /* The password stays: the address or the network may be what was
       * wrong, and retyping it would be in vain. */
      show_error (self, error->message);
    }
  update (self);
}

static void
sign_in_clicked_cb (GtkWidget *widget, CareSyncPage *self)
{
  show_error (self, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), FALSE);
  care_account_sign_in_async (self->account, gtk_editable_get_text (GTK_EDITABLE (self->url_row)),
                              gtk_editable_get_text (GTK_EDITABLE (self->username_row)),
                              gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                              self->cancellable, signed_in_cb, g_object_ref (self));
}

static void
sign_out_clicked_cb (GtkButton *button, CareSyncPage *self)
{
  care_account_sign_out (self->account);
  update (self);
}

static void
care_sync_page_dispose (GObject *object)
{
  CareSyncPage *self = CARE_SYNC_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (care_account_get_engine (self->account), self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_SYNC_PAGE);
  g_clear_object (&self->account);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (care_sync_page_parent_class)->dispose (object);
}

static void
care_sync_page_class_init (CareSyncPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_sync_page_dispose;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/sync/care-sync-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CareSyncPage, signed_in_group);
  gtk_widget_class_bind_template_child (widget_class, CareSyncPage, account_row);
  gtk_widget_class_bind_template_child (widget_class, CareSyncPage, sign_in_group);
  gtk_widget_class_bind_template_child (widget_class, CareSyncPage, actions_group);
  gtk_widget_class_bind_template_child (widget_class, CareSyncPage, url_row);
  gtk_widget_class_bind_template_child (widget_class, CareSyncPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, CareSyncPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, CareSyncPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, CareSyncPage, sign_in_button);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_out_clicked_cb);
}

static void
care_sync_page_init (CareSyncPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
care_sync_page_new (CareAccount *account, GSettings *settings)
{
  CareSyncPage    *self = g_object_new (CARE_TYPE_SYNC_PAGE, NULL);
  g_autofree char *url = g_settings_get_string (settings, "server-url");
  g_autofree char *username = g_settings_get_string (settings, "username");

  self->account = g_object_ref (account);
  self->settings = g_object_ref (settings);
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username);
  g_signal_connect (care_account_get_engine (account), "notify::token",
                    G_CALLBACK (engine_notify_cb), self);
  g_signal_connect (care_account_get_engine (account), "notify::role",
                    G_CALLBACK (engine_notify_cb), self);
  update (self);

  return GTK_WIDGET (self);
}
