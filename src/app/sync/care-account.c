/* care-account.c: who is signed in to which server, across restarts.
 *
 * The server address and user name are plain settings; the token lives in
 * the keyring (care-credentials). On start the account looks the token up
 * and hands it to the sync engine; signing in stores a fresh one. */
#define G_LOG_DOMAIN "care-account"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "care-account.h"
#include "care-credentials.h"

struct _CareAccount
{
  GObject parent_instance;

  /* Owned references */
  CareSyncEngine *engine;
  GSettings      *settings;
  GCancellable   *cancellable;
};

G_DEFINE_FINAL_TYPE (CareAccount, care_account, G_TYPE_OBJECT)

static void
care_account_dispose (GObject *object)
{
  CareAccount *self = CARE_ACCOUNT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (care_account_parent_class)->dispose (object);
}

static void
care_account_class_init (CareAccountClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = care_account_dispose;
}

static void
care_account_init (CareAccount *self)
{
  self->cancellable = g_cancellable_new ();
}

CareAccount *
care_account_new (CareSyncEngine *engine, GSettings *settings)
{
  CareAccount *self = g_object_new (CARE_TYPE_ACCOUNT, NULL);

  self->engine = g_object_ref (engine);
  self->settings = g_object_ref (settings);
  return self;
}

CareSyncEngine *
care_account_get_engine (CareAccount *self)
{
  g_return_val_if_fail (CARE_IS_ACCOUNT (self), NULL);
  return self->engine;
}

/* Accepts "care.example.com:8443" as well as a full http(s) address, and
 * returns it without a trailing slash. */
char *
care_account_normalize_url (const char *text, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *full = NULL;
  g_autoptr (GUri) uri = NULL;
  const char *scheme;

  if (trimmed[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("Enter the server address"));
      return NULL;
    }

  full = strstr (trimmed, "://") != NULL ? g_strdup (trimmed)
                                         : g_strconcat ("https://", trimmed, NULL);
  uri = g_uri_parse (full, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
      (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("“%s” is not a server address (for example https://care.example.com)"),
                   trimmed);
      return NULL;
    }

  while (g_str_has_suffix (full, "/"))
    full[strlen (full) - 1] = '\0';
  return g_steal_pointer (&full);
}

static void
token_found_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CareAccount) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = care_credentials_lookup_finish (result, &error);

  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the sign-in from the keyring: %s", error->message);
      return;
    }

  /* No token: the engine stays signed out and says so. */
  care_sync_engine_set_token (self->engine, token);
  care_sync_engine_start (self->engine);
}

/* Restores the last sign-in, if any, and starts syncing. */
void
care_account_restore (CareAccount *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "server-url");
  g_autofree char *username = g_settings_get_string (self->settings, "username");

  g_return_if_fail (CARE_IS_ACCOUNT (self));

  if (url[0] == '\0' || username[0] == '\0')
    {
      care_sync_engine_start (self->engine);
      return;
    }

  care_sync_engine_set_server_url (self->engine, url);
  care_credentials_lookup_async (url, username, self->cancellable, token_found_cb,
                                 g_object_ref (self));
}

static void
token_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CareAccount *self = g_task_get_source_object (task);
  GError      *error = NULL;

  if (!care_credentials_store_finish (result, &error))
    {
      /* Signed in, but it will not survive a restart: say so. */
      g_prefix_error (&error, _ ("Signed in, but the sign-in could not be kept in the keyring: "));
      g_task_return_error (task, error);
      return;
    }

  care_sync_engine_start (self->engine);
  care_sync_engine_sync_soon (self->engine);
  g_task_return_boolean (task, TRUE);
}

static void
signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CareAccount *self = g_task_get_source_object (task);
  const char  *username = g_task_get_task_data (task);
  GError      *error = NULL;

  if (!care_sync_engine_sign_in_finish (self->engine, result, &error))
    {
      /* The engine's "sign in again" reads oddly as the answer to signing in. */
      if (g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED))
        {
          g_clear_error (&error);
          error = g_error_new_literal (CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED,
                                       _ ("The server did not accept this user name and password"));
        }
      g_task_return_error (task, error);
      return;
    }

  g_settings_set_string (self->settings, "server-url",
                         care_sync_engine_get_server_url (self->engine));
  g_settings_set_string (self->settings, "username", username);
  g_settings_set_string (self->settings, "staff-id",
                         care_sync_engine_get_staff_id (self->engine) != NULL
                             ? care_sync_engine_get_staff_id (self->engine)
                             : "");
  care_credentials_store_async (care_sync_engine_get_server_url (self->engine), username,
                                care_sync_engine_get_token (self->engine),
                                g_task_get_cancellable (task), token_stored_cb,
                                g_object_ref (task));
}

void
care_account_sign_in_async (CareAccount        *self,
                            const char         *server_url,
                            const char         *username,
                            const char         *password,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *url = NULL;
  g_autofree char *user = g_strstrip (g_strdup (username != NULL ? username : ""));
  GError          *error = NULL;

  g_task_set_source_tag (task, care_account_sign_in_async);

  url = care_account_normalize_url (server_url, &error);
  if (url == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (user[0] == '\0' || password == NULL || password[0] == '\0')
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _ ("Enter your user name and password"));
      return;
    }

  care_sync_engine_set_server_url (self->engine, url);
  g_task_set_task_data (task, g_strdup (user), g_free);
  care_sync_engine_sign_in_async (self->engine, user, password, cancellable, signed_in_cb,
                                  g_object_ref (task));
}

gboolean
care_account_sign_in_finish (CareAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
token_cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!care_credentials_clear_finish (result, &error))
    g_warning ("Could not remove the sign-in from the keyring: %s", error->message);
}

/* Forgets the token here and in the keyring; the address and user name stay
 * filled in for the next sign-in. Unsent changes stay in the outbox. */
void
care_account_sign_out (CareAccount *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "server-url");
  g_autofree char *username = g_settings_get_string (self->settings, "username");

  g_return_if_fail (CARE_IS_ACCOUNT (self));

  care_sync_engine_sign_out (self->engine);
  g_settings_set_string (self->settings, "staff-id", "");
  if (url[0] != '\0' && username[0] != '\0')
    care_credentials_clear_async (url, username, NULL, token_cleared_cb, NULL);
}

/**
 * care_account_dup_staff_id:
 *
 * Returns: (nullable) (transfer full): the staff record of the user signed
 * in, kept across restarts; %NULL when signed out or the login stands for
 * no staff member. Watch the "staff-id" setting for changes.
 */
char *
care_account_dup_staff_id (CareAccount *self)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (CARE_IS_ACCOUNT (self), NULL);

  id = g_settings_get_string (self->settings, "staff-id");
  return id[0] != '\0' ? g_steal_pointer (&id) : NULL;
}
