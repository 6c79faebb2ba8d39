/* care-server-auth.h: user accounts, password checks, login throttling and session tokens. */
#pragma once

#include "care-server-store.h"
#include "care-server-role.h"

G_BEGIN_DECLS

#define CARE_SERVER_AUTH_ERROR (care_server_auth_error_quark ())

typedef enum
{
  CARE_SERVER_AUTH_ERROR_FAILED,
  CARE_SERVER_AUTH_ERROR_INVALID_USERNAME,
  CARE_SERVER_AUTH_ERROR_INVALID_PASSWORD,
  CARE_SERVER_AUTH_ERROR_USER_EXISTS,
  CARE_SERVER_AUTH_ERROR_BAD_CREDENTIALS,
  CARE_SERVER_AUTH_ERROR_THROTTLED,
  CARE_SERVER_AUTH_ERROR_BAD_TOKEN,
  CARE_SERVER_AUTH_ERROR_EXPIRED_TOKEN,
  CARE_SERVER_AUTH_ERROR_NO_SUCH_STAFF,
} CareServerAuthError;

#define CARE_SERVER_AUTH_TOKEN_LIFETIME (12 * 60 * 60)
#define CARE_SERVER_AUTH_MAX_PASSWORD   1024 /* bytes */

typedef struct
{
  gint64         id;
  char          *username;
  CareServerRole role;
  char          *staff_id; /* the staff record this login stands for, or NULL */
} CareServerUser;

CareServerUser *care_server_user_copy (const CareServerUser *user);
void            care_server_user_free (CareServerUser *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareServerUser, care_server_user_free)

#define CARE_TYPE_SERVER_AUTH (care_server_auth_get_type ())
G_DECLARE_FINAL_TYPE (CareServerAuth, care_server_auth, CARE, SERVER_AUTH, GObject)

GQuark care_server_auth_error_quark (void);

CareServerAuth *care_server_auth_new (CareServerStore *store);
void            care_server_auth_set_token_lifetime (CareServerAuth *self, gint64 seconds);

gboolean care_server_auth_add_user (CareServerAuth *self,
                                    const char     *username,
                                    CareServerRole  role,
                                    const char     *staff_id,
                                    const char     *password,
                                    GError        **error);

gboolean        care_server_auth_username_is_valid (const char *username);
CareServerUser *care_server_auth_find_user (CareServerAuth *self,
                                            const char     *username,
                                            char          **out_password_hash,
                                            GError        **error);
gboolean        care_server_auth_verify_password (const char *password_hash, const char *password);

char *care_server_auth_issue_token (CareServerAuth *self, gint64 user_id, GError **error);
CareServerUser *
care_server_auth_lookup_token (CareServerAuth *self, const char *token, GError **error);

gboolean care_server_auth_revoke_token (CareServerAuth *self, const char *token, GError **error);

char *care_server_auth_random_password (void);

G_END_DECLS
