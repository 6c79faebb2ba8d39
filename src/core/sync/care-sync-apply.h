/* care-sync-apply.h: settles push results and applies pulled pages to the store. */
#pragma once

#include <json-glib/json-glib.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_SYNC_CURSOR_KEY    "sync_cursor"
#define CARE_SYNC_LAST_SYNC_KEY "sync_last_success"

gboolean care_sync_apply_push_results (CareStore *store,
                                       GPtrArray *mutations,
                                       JsonNode  *response,
                                       GError   **error);
gboolean care_sync_apply_pull_page (CareStore *store,
                                    JsonNode  *response,
                                    gboolean  *out_has_more,
                                    guint     *out_n_changes,
                                    GError   **error);

G_END_DECLS
