/* care-sync-page.h: the Preferences page to sign in to a server. */
#pragma once

#include <adwaita.h>

#include "care-account.h"

G_BEGIN_DECLS

#define CARE_TYPE_SYNC_PAGE (care_sync_page_get_type ())
G_DECLARE_FINAL_TYPE (CareSyncPage, care_sync_page, CARE, SYNC_PAGE, AdwPreferencesPage)

GtkWidget *care_sync_page_new (CareAccount *account, GSettings *settings);

G_END_DECLS
