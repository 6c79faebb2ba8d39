/* care-sync-engine.h: pushes the outbox to aftercare-server and pulls its changes. */
#pragma once

#include <gio/gio.h>

#include "care-conflict.h"
#include "care-outbox.h"
#include "care-store.h"
#include "care-sync-http.h"

G_BEGIN_DECLS

typedef enum
{
  CARE_SYNC_STATUS_IDLE,
  CARE_SYNC_STATUS_SYNCING,
  CARE_SYNC_STATUS_OFFLINE,
  CARE_SYNC_STATUS_ERROR,
  CARE_SYNC_STATUS_SIGNED_OUT,
} CareSyncStatus;

#define CARE_TYPE_SYNC_STATUS (care_sync_status_get_type ())
GType care_sync_status_get_type (void) G_GNUC_CONST;

#define CARE_TYPE_SYNC_ENGINE (care_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (CareSyncEngine, care_sync_engine, CARE, SYNC_ENGINE, GObject)

CareSyncEngine *care_sync_engine_new (CareStore *store);
CareStore      *care_sync_engine_get_store (CareSyncEngine *self);

const char *care_sync_engine_get_server_url (CareSyncEngine *self);
void        care_sync_engine_set_server_url (CareSyncEngine *self, const char *url);
const char *care_sync_engine_get_token (CareSyncEngine *self);
void        care_sync_engine_set_token (CareSyncEngine *self, const char *token);
const char *care_sync_engine_get_username (CareSyncEngine *self);
const char *care_sync_engine_get_role (CareSyncEngine *self);
const char *care_sync_engine_get_staff_id (CareSyncEngine *self);

CareSyncStatus care_sync_engine_get_status (CareSyncEngine *self);
const char    *care_sync_engine_get_last_error (CareSyncEngine *self);
guint          care_sync_engine_get_pending_count (CareSyncEngine *self);
guint          care_sync_engine_get_conflict_count (CareSyncEngine *self);
guint          care_sync_engine_get_rejected_count (CareSyncEngine *self);
GDateTime     *care_sync_engine_get_last_sync (CareSyncEngine *self);
guint          care_sync_engine_get_progress_applied (CareSyncEngine *self);
gboolean       care_sync_engine_get_progress_has_more (CareSyncEngine *self);
guint          care_sync_engine_get_retry_delay (CareSyncEngine *self);

void care_sync_engine_sign_in_async (CareSyncEngine     *self,
                                     const char         *username,
                                     const char         *password,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
gboolean
     care_sync_engine_sign_in_finish (CareSyncEngine *self, GAsyncResult *result, GError **error);
void care_sync_engine_sign_out (CareSyncEngine *self);

void     care_sync_engine_sync_async (CareSyncEngine     *self,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
gboolean care_sync_engine_sync_finish (CareSyncEngine *self, GAsyncResult *result, GError **error);

void care_sync_engine_start (CareSyncEngine *self);
void care_sync_engine_stop (CareSyncEngine *self);
void care_sync_engine_sync_soon (CareSyncEngine *self);

gboolean care_sync_engine_resolve_conflict (CareSyncEngine    *self,
                                            gint64             conflict_id,
                                            CareConflictChoice choice,
                                            GError           **error);
gboolean
care_sync_engine_discard_rejected (CareSyncEngine *self, gint64 mutation_id, GError **error);

G_END_DECLS
