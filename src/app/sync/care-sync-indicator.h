/* care-sync-indicator.h: the header-bar button that says how sync is doing. */
#pragma once

#include <adwaita.h>

#include "care-sync-engine.h"

G_BEGIN_DECLS

#define CARE_TYPE_SYNC_INDICATOR (care_sync_indicator_get_type ())
G_DECLARE_FINAL_TYPE (CareSyncIndicator, care_sync_indicator, CARE, SYNC_INDICATOR, GtkWidget)

GtkWidget *care_sync_indicator_new (CareSyncEngine *engine);

G_END_DECLS
