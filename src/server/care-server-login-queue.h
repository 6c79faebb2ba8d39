/* care-server-login-queue.h: runs password checks a few at a time, fairly between client addresses. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Each check takes 64 MiB for a moment (Argon2id, interactive limits). */
#define CARE_SERVER_LOGIN_RUNNING 4
/* Checks waiting: per client address, and in all. */
#define CARE_SERVER_LOGIN_WAITING_PER_CLIENT 4
#define CARE_SERVER_LOGIN_WAITING            256

#define CARE_TYPE_SERVER_LOGIN_QUEUE (care_server_login_queue_get_type ())
G_DECLARE_FINAL_TYPE (
    CareServerLoginQueue, care_server_login_queue, CARE, SERVER_LOGIN_QUEUE, GObject)

CareServerLoginQueue *care_server_login_queue_new (void);

gboolean care_server_login_queue_check_async (CareServerLoginQueue *self,
                                              const char           *client,
                                              const char           *password_hash,
                                              const char           *password,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean care_server_login_queue_check_finish (CareServerLoginQueue *self,
                                               GAsyncResult         *result,
                                               GError              **error);

guint care_server_login_queue_get_n_running (CareServerLoginQueue *self);
guint care_server_login_queue_get_n_waiting (CareServerLoginQueue *self);

G_END_DECLS
