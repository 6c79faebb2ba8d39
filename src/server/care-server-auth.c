/* care-server-auth.c: user accounts, password checks, login throttling and session tokens.
 *
 * Passwords are kept only as libsodium Argon2id strings (interactive limits).
 * A session token is 32 random bytes sent to the client as hex; the database
 * keeps only its SHA-256, so a copy of the database lets nobody in. Failed
 * sign-ins are throttled by care-server-throttle.c. */
#define G_LOG_DOMAIN "care-server-auth"

#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "care-clock.h"
#include "care-schema.h"
#include "care-server-auth.h"

struct _CareServerAuth
{
  GObject parent_instance;

  CareServerStore *store; /* owned */
  gint64           token_lifetime;
};

G_DEFINE_FINAL_TYPE (CareServerAuth, care_server_auth, G_TYPE_OBJECT)
G_DEFINE_QUARK (care_server_auth_error_quark, care_server_auth_error)

CareServerUser *
care_server_user_copy (const CareServerUser *user)
{
  CareServerUser *copy = g_new0 (CareServerUser, 1);

  copy->id = user->id;
  copy->username = g_strdup (user->username);
  copy->role = user->role;
  copy->staff_id = g_strdup (user->staff_id);
  return copy;
}

void
care_server_user_free (CareServerUser *user)
{
  if (user == NULL)
    return;
  g_free (user->username);
  g_free (user->staff_id);
  g_free (user);
}

static gint64
now_seconds (void)
{
  return care_clock_now_unix ();
}

static void
care_server_auth_dispose (GObject *object)
{
  CareServerAuth *self = CARE_SERVER_AUTH (object);

  g_clear_object (&self->store);

  G_OBJECT_CLASS (care_server_auth_parent_class)->dispose (object);
}

static void
care_server_auth_class_init (CareServerAuthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = care_server_auth_dispose;

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
}

static void
care_server_auth_init (CareServerAuth *self)
{
  self->token_lifetime = CARE_SERVER_AUTH_TOKEN_LIFETIME;
}

CareServerAuth *
care_server_auth_new (CareServerStore *store)
{
  CareServerAuth *self;

  g_return_val_if_fail (CARE_IS_SERVER_STORE (store), NULL);

  self = g_object_new (CARE_TYPE_SERVER_AUTH, NULL);
  self->store = g_object_ref (store);

  return self;
}

void
care_server_auth_set_token_lifetime (CareServerAuth *self, gint64 seconds)
{
  g_return_if_fail (CARE_IS_SERVER_AUTH (self));
  g_return_if_fail (seconds > 0);
  self->token_lifetime = seconds;
}

/* 1 to 64 characters: letters, digits and . _ @ - */
gboolean
care_server_auth_username_is_valid (const char *username)
{
  gsize len;

  if (username == NULL)
    return FALSE;

  len = strlen (username);

  if (len == 0 || len > 64)
    return FALSE;

  for (const char *p = username; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._@-", *p) == NULL)
      return FALSE;

  return TRUE;
}

/* A login may only stand for a staff record that exists: a typo would
 * otherwise leave a technician unable to subscribe to their calendar. */
static gboolean
staff_exists (CareServerAuth *self, const char *staff_id, GError **error)
{
  g_autoptr (CareServerStoreRecord) staff = NULL;
  g_autoptr (GError) local_error = NULL;

  if (!g_uuid_string_is_valid (staff_id))
    {
      g_set_error (error, CARE_SERVER_AUTH_ERROR, CARE_SERVER_AUTH_ERROR_NO_SUCH_STAFF,
                   _ ("“%s” is not a staff record id (a UUID)"), staff_id);
      return FALSE;
    }

  staff = care_server_store_load_record (self->store, "staff", staff_id, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (staff != NULL && !staff->deleted)
    return TRUE;

  g_set_error (error, CARE_SERVER_AUTH_ERROR, CARE_SERVER_AUTH_ERROR_NO_SUCH_STAFF,
               _ ("There is no staff record with the id %s"), staff_id);
  return FALSE;
}

gboolean
care_server_auth_add_user (CareServerAuth *self,
                           const char     *username,
                           CareServerRole  role,
                           const char     *staff_id,
                           const char     *password,
                           GError        **error)
{
  char             hash[crypto_pwhash_STRBYTES];
  g_autofree char *created_at = care_clock_now_iso ();
  g_autofree char *normalized_staff = NULL;
  g_autoptr (GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (CARE_IS_SERVER_AUTH (self), FALSE);

  if (!care_server_auth_username_is_valid (username))
    {
      g_set_error_literal (error, CARE_SERVER_AUTH_ERROR, CARE_SERVER_AUTH_ERROR_INVALID_USERNAME,
                           _ ("A username has 1 to 64 characters: letters, digits and . _ @ -"));
      return FALSE;
    }

  if (password == NULL || !g_utf8_validate (password, -1, NULL) ||
      g_utf8_strlen (password, -1) < 8 || strlen (password) > CARE_SERVER_AUTH_MAX_PASSWORD)
    {
      g_set_error_literal (error, CARE_SERVER_AUTH_ERROR, CARE_SERVER_AUTH_ERROR_INVALID_PASSWORD,
                           _ ("A password has at least 8 characters (and at most 1024 bytes)"));
      return FALSE;
    }

  /* Stored in the one form ids are compared in. */
  if (staff_id != NULL && (normalized_staff = care_id_normalize (staff_id)) != NULL)
    staff_id = normalized_staff;

  if (staff_id != NULL && !staff_exists (self, staff_id, error))
    return FALSE;

  if (crypto_pwhash_str (hash, password, strlen (password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error_literal (error, CARE_SERVER_AUTH_ERROR, CARE_SERVER_AUTH_ERROR_FAILED,
                           _ ("Not enough memory to hash the password"));
      return FALSE;
    }

  ok = care_server_store_add_user (self->store, username, care_server_role_to_string (role), hash,
                                   staff_id, created_at, &local_error);
  sodium_memzero (hash, sizeof hash);

  if (g_error_matches (local_error, CARE_SERVER_STORE_ERROR, CARE_SERVER_STORE_ERROR_CONSTRAINT))
    {
      g_set_error (error, CARE_SERVER_AUTH_ERROR, CARE_SERVER_AUTH_ERROR_USER_EXISTS,
                   _ ("A user named “%s” already exists"), username);
      return FALSE;
    }
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

/* The user of a store row; NULL for NULL. */
static CareServerUser *
user_from_store (CareServerStoreUser *row)
{
  CareServerUser *user;

  if (row == NULL)
    return NULL;

  user = g_new0 (CareServerUser, 1);
  user->id = row->id;
  user->username = g_steal_pointer (&row->username);
  if (!care_server_role_from_string (row->role, &user->role))
    user->role = CARE_SERVER_ROLE_AGENT;
  user->staff_id = g_steal_pointer (&row->staff_id);
  care_server_store_user_free (row);
  return user;
}

/* Looks a user up by name; also returns the password hash to verify. */
CareServerUser *
care_server_auth_find_user (CareServerAuth *self,
                            const char     *username,
                            char          **out_password_hash,
                            GError        **error)
{
  g_autoptr (CareServerUser) user = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (CARE_IS_SERVER_AUTH (self), NULL);

  user = user_from_store (
      care_server_store_find_user (self->store, username, out_password_hash, &local_error));
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (user == NULL)
    g_set_error_literal (error, CARE_SERVER_AUTH_ERROR, CARE_SERVER_AUTH_ERROR_BAD_CREDENTIALS,
                         _ ("Wrong username or password"));

  return g_steal_pointer (&user);
}

/* Slow on purpose (Argon2id), and safe to call from a worker thread. With a
 * NULL @password_hash (no such user) it spends the same time hashing, so
 * response times do not reveal which usernames exist. */
gboolean
care_server_auth_verify_password (const char *password_hash, const char *password)
{
  if (password_hash == NULL)
    {
      char scratch[crypto_pwhash_STRBYTES];

      if (crypto_pwhash_str (scratch, password, strlen (password),
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0)
        sodium_memzero (scratch, sizeof scratch);
      return FALSE;
    }

  return crypto_pwhash_str_verify (password_hash, password, strlen (password)) == 0;
}

static char *
hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/* A new session token for @user_id; only its hash is stored. */
char *
care_server_auth_issue_token (CareServerAuth *self, gint64 user_id, GError **error)
{
  guint8           raw[32];
  char             hex[sizeof raw * 2 + 1];
  g_autofree char *hash = NULL;
  gint64           now = now_seconds ();

  g_return_val_if_fail (CARE_IS_SERVER_AUTH (self), NULL);

  randombytes_buf (raw, sizeof raw);
  sodium_bin2hex (hex, sizeof hex, raw, sizeof raw);
  sodium_memzero (raw, sizeof raw);
  hash = hash_token (hex);

  /* Expired tokens are dropped on the way. */
  if (!care_server_store_add_token (self->store, hash, user_id, now + self->token_lifetime, now,
                                    error))
    return NULL;

  return g_strdup (hex);
}

CareServerUser *
care_server_auth_lookup_token (CareServerAuth *self, const char *token, GError **error)
{
  g_autoptr (CareServerUser) user = NULL;
  g_autofree char *hash = NULL;
  g_autoptr (GError) local_error = NULL;
  gint64 expires_at = 0;

  g_return_val_if_fail (CARE_IS_SERVER_AUTH (self), NULL);

  if (token == NULL || strlen (token) != 64)
    {
      g_set_error_literal (error, CARE_SERVER_AUTH_ERROR, CARE_SERVER_AUTH_ERROR_BAD_TOKEN,
                           _ ("The session token is not valid; log in again"));
      return NULL;
    }

  hash = hash_token (token);
  user = user_from_store (
      care_server_store_lookup_token (self->store, hash, &expires_at, &local_error));
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (user == NULL)
    {
      g_set_error_literal (error, CARE_SERVER_AUTH_ERROR, CARE_SERVER_AUTH_ERROR_BAD_TOKEN,
                           _ ("The session token is not valid; log in again"));
      return NULL;
    }

  if (expires_at <= now_seconds ())
    {
      g_set_error_literal (error, CARE_SERVER_AUTH_ERROR, CARE_SERVER_AUTH_ERROR_EXPIRED_TOKEN,
                           _ ("The session has expired; log in again"));
      return NULL;
    }

  return g_steal_pointer (&user);
}

/* Logs a session out: the token stops working at once. */
gboolean
care_server_auth_revoke_token (CareServerAuth *self, const char *token, GError **error)
{
  g_autofree char *hash = NULL;

  g_return_val_if_fail (CARE_IS_SERVER_AUTH (self), FALSE);
  g_return_val_if_fail (token != NULL, FALSE);

  hash = hash_token (token);
  return care_server_store_delete_token (self->store, hash, error);
}

/* A password for generated accounts: 16 random bytes, base64url, 22 characters. */
char *
care_server_auth_random_password (void)
{
  guint8 raw[16];
  char   out[sodium_base64_ENCODED_LEN (sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (raw, sizeof raw);
  sodium_bin2base64 (out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);

  return g_strdup (out);
}
