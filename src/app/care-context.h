/* care-context.h: the services a window and its views share. */
#pragma once

#include <gio/gio.h>

#include "care-account.h"
#include "care-store.h"
#include "care-sync-engine.h"

G_BEGIN_DECLS

#define CARE_TYPE_CONTEXT (care_context_get_type ())
G_DECLARE_FINAL_TYPE (CareContext, care_context, CARE, CONTEXT, GObject)

CareContext    *care_context_new (CareStore *store, GSettings *settings);
CareStore      *care_context_get_store (CareContext *self);
GSettings      *care_context_get_settings (CareContext *self);
CareSyncEngine *care_context_get_sync (CareContext *self);
CareAccount    *care_context_get_account (CareContext *self);

G_END_DECLS
