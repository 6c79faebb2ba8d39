/* care-company.c: the company's details for printed documents, from the settings.
 *
 * The name, address, contact line and logo that head a visit report and
 * sign a certificate. An empty setting is left out, never replaced by the
 * program's name. The logo is a PNG or JPEG file the user chose in
 * Preferences; GTK decodes it here, and the PDF code (which knows no GTK)
 * gets its pixels. A logo that cannot be read is left out.
 *
 * A new user does not know the documents take these from Preferences: the
 * first PDF export without a company name offers to set them, once. */
#define G_LOG_DOMAIN "care-company"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "care-company.h"

struct _CareCompany
{
  char   *name;
  char   *address;
  char   *contact;
  guchar *pixels;
  int     width;
  int     height;
  int     stride;
};

static char *
setting (GSettings *settings, const char *key)
{
  g_autofree char *value = g_strstrip (g_settings_get_string (settings, key));

  return value[0] != '\0' ? g_steal_pointer (&value) : NULL;
}

CareCompany *
care_company_load (GSettings *settings)
{
  CareCompany     *self = g_new0 (CareCompany, 1);
  g_autofree char *logo = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), self);

  self->name = setting (settings, "company-name");
  self->address = setting (settings, "company-address");
  self->contact = setting (settings, "company-contact");
  logo = setting (settings, "company-logo");
  if (logo != NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_path (logo);
      g_autoptr (GError) error = NULL;
      g_autoptr (GdkTexture) texture = gdk_texture_new_from_file (file, &error);

      if (texture == NULL)
        g_debug ("The logo %s is left out: %s", logo, error->message);
      else
        {
          self->width = gdk_texture_get_width (texture);
          self->height = gdk_texture_get_height (texture);
          self->stride = self->width * 4;
          self->pixels = g_malloc ((gsize) self->stride * self->height);
          /* In cairo's ARGB32, as the PDF code draws it. */
          gdk_texture_download (texture, self->pixels, self->stride);
        }
    }
  return self;
}

/* Points @options at the details; they stay valid while @self lives. */
void
care_company_apply (CareCompany *self, CarePdfOptions *options)
{
  options->company_name = self->name;
  options->company_address = self->address;
  options->company_contact = self->contact;
  options->logo_pixels = self->pixels;
  options->logo_width = self->width;
  options->logo_height = self->height;
  options->logo_stride = self->stride;
}

void
care_company_free (CareCompany *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->address);
  g_free (self->contact);
  g_free (self->pixels);
  g_free (self);
}

typedef struct
{
  GObject        *owner;
  CareCompanyThen then;
} Ask;

static void
ask_response_cb (AdwMessageDialog *dialog, const char *response, Ask *ask)
{
  if (g_strcmp0 (response, "set-up") == 0)
    /* The export waits for another try: the user is busy with Preferences. */
    g_action_group_activate_action (G_ACTION_GROUP (g_application_get_default ()), "preferences",
                                    NULL);
  else
    ask->then (ask->owner);

  g_object_unref (ask->owner);
  g_free (ask);
}

/**
 * care_company_ask_once:
 * @parent: the widget the export started from
 * @owner: what @then is called on, kept alive until then
 * @then: the export itself
 *
 * Runs @then at once, unless no company name is set and the user was
 * never asked: then it first offers Preferences, where the name, address
 * and logo are set ("Set Up…" opens them instead of exporting), or to go
 * on without ("Not Now" exports).
 */
void
care_company_ask_once (GtkWidget *parent, GSettings *settings, GObject *owner, CareCompanyThen then)
{
  g_autofree char *name = NULL;
  GtkRoot         *root;
  GtkWidget       *dialog;
  Ask             *ask;

  g_return_if_fail (G_IS_SETTINGS (settings));

  name = g_strstrip (g_settings_get_string (settings, "company-name"));
  if (name[0] != '\0' || g_settings_get_boolean (settings, "company-prompted"))
    {
      then (owner);
      return;
    }

  g_settings_set_boolean (settings, "company-prompted", TRUE);
  root = gtk_widget_get_root (parent);
  dialog = adw_message_dialog_new (
      GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _ ("Put Your Company on Documents?"),
      _ ("Visit reports and certificates are headed with your company’s name, address and logo. "
         "Set them in Preferences, or go on without them: you can set them later."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "later", _ ("_Not Now"), "set-up",
                                    _ ("_Set Up…"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "set-up",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "set-up");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "later");

  ask = g_new0 (Ask, 1);
  ask->owner = g_object_ref (owner);
  ask->then = then;
  g_signal_connect (dialog, "response", G_CALLBACK (ask_response_cb), ask);
  gtk_window_present (GTK_WINDOW (dialog));
}
