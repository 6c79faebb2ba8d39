/* care-server-sla.h: a case's service level timers as the server returns them. */
#pragma once

#include <json-glib/json-glib.h>

#include "care-server-store.h"

G_BEGIN_DECLS

JsonNode *care_server_sla_for_case (CareServerStore       *store,
                                    CareServerStoreRecord *row,
                                    gint64                 now,
                                    GError               **error);

G_END_DECLS
