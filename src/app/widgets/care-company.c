/* care-company.c: the company's details for printed documents, from the settings.
 *
 * The name, address, contact line and logo that head a visit report and
 * sign a certificate. An empty setting is left out, never replaced by the
 * program's name. The logo is a PNG or JPEG file the user chose in
 * Preferences; GTK decodes it here, and the PDF code (which knows no GTK)
 * gets its pixels. A logo that cannot be read is left out. */
#define G_LOG_DOMAIN "care-company"

#include "config.h"

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
