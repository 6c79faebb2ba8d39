/* care-credentials.c: the server token, kept in the desktop keyring.
 *
 * The token never goes into the database or GSettings: libsecret stores it
 * in the user's keyring (GNOME Keyring, KWallet, or the portal in a
 * Flatpak), keyed by server address and user name. */
#define G_LOG_DOMAIN "care-credentials"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "care-credentials.h"

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = { "io.github.aftercare.Aftercare.Token",
                                       SECRET_SCHEMA_NONE,
                                       {
                                           { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
                                           { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
                                           { "NULL", 0 },
                                       } };

  return &schema;
}

void
care_credentials_store_async (const char         *server_url,
                              const char         *username,
                              const char         *token,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  /* TRANSLATORS: the label of the keyring item, e.g. "Aftercare sign-in for ana at https://…" */
  g_autofree char *label =
      g_strdup_printf (_ ("Aftercare sign-in for %s at %s"), username, server_url);

  secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT, label, token, cancellable,
                         callback, user_data, "server", server_url, "username", username, NULL);
}

gboolean
care_credentials_store_finish (GAsyncResult *result, GError **error)
{
  return secret_password_store_finish (result, error);
}

void
care_credentials_lookup_async (const char         *server_url,
                               const char         *username,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  secret_password_lookup (token_schema (), cancellable, callback, user_data, "server", server_url,
                          "username", username, NULL);
}

/* Returns the token, or NULL (without an error) when none is stored. */
char *
care_credentials_lookup_finish (GAsyncResult *result, GError **error)
{
  return secret_password_lookup_finish (result, error);
}

void
care_credentials_clear_async (const char         *server_url,
                              const char         *username,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  secret_password_clear (token_schema (), cancellable, callback, user_data, "server", server_url,
                         "username", username, NULL);
}

gboolean
care_credentials_clear_finish (GAsyncResult *result, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  /* Nothing to clear is not a failure. */
  if (!secret_password_clear_finish (result, &local_error) && local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}
