/* care-credentials.h: the server token, kept in the desktop keyring. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     care_credentials_store_async (const char         *server_url,
                                       const char         *username,
                                       const char         *token,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
gboolean care_credentials_store_finish (GAsyncResult *result, GError **error);
void     care_credentials_lookup_async (const char         *server_url,
                                        const char         *username,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
char    *care_credentials_lookup_finish (GAsyncResult *result, GError **error);
void     care_credentials_clear_async (const char         *server_url,
                                       const char         *username,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
gboolean care_credentials_clear_finish (GAsyncResult *result, GError **error);

G_END_DECLS
