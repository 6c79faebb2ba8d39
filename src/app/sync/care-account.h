/* care-account.h: who is signed in to which server, across restarts. */
#pragma once

#include <gio/gio.h>

#include "care-sync-engine.h"

G_BEGIN_DECLS

#define CARE_TYPE_ACCOUNT (care_account_get_type ())
G_DECLARE_FINAL_TYPE (CareAccount, care_account, CARE, ACCOUNT, GObject)

CareAccount    *care_account_new (CareSyncEngine *engine, GSettings *settings);
CareSyncEngine *care_account_get_engine (CareAccount *self);
void            care_account_restore (CareAccount *self);
void            care_account_sign_in_async (CareAccount        *self,
                                            const char         *server_url,
                                            const char         *username,
                                            const char         *password,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gboolean care_account_sign_in_finish (CareAccount *self, GAsyncResult *result, GError **error);
void     care_account_sign_out (CareAccount *self);
char    *care_account_dup_staff_id (CareAccount *self);
char    *care_account_normalize_url (const char *text, GError **error);

G_END_DECLS
