/* care-history.h: a record's history: the server's, and this device's edits not sent yet. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "care-store.h"
#include "care-sync-engine.h"
#include "care-sync-http.h"

G_BEGIN_DECLS

/**
 * CareHistoryEntry:
 * @at: when, as ISO 8601 UTC
 * @op: "create", "update" or "delete"
 * @field: (nullable): the field an update changed; %NULL for a whole record
 * @old_value: (nullable): the value before (JSON), the record for a delete
 * @new_value: (nullable): the value after (JSON), the record for a create
 * @how: "applied", "merged", "conflict_choice", "cascade", or "pending"
 *   for an edit of this device the server has not had yet
 * @username: (nullable): who, as the server knew them; %NULL when pending
 * @role: (nullable): their role then
 */
typedef struct
{
  char     *at;
  char     *op;
  char     *field;
  JsonNode *old_value;
  JsonNode *new_value;
  char     *how;
  char     *username;
  char     *role;
} CareHistoryEntry;

void care_history_entry_free (CareHistoryEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareHistoryEntry, care_history_entry_free)

gboolean   care_history_entry_is_pending (const CareHistoryEntry *entry);
GPtrArray *care_history_list_pending (CareStore  *store,
                                      const char *entity,
                                      const char *record_id,
                                      GError    **error);
GPtrArray *care_history_parse_page (JsonNode *page, char **out_next_cursor, GError **error);

void       care_history_fetch_async (CareSyncHttp       *http,
                                     CareSyncEngine     *engine,
                                     const char         *entity,
                                     const char         *record_id,
                                     const char         *cursor,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
GPtrArray *care_history_fetch_finish (GAsyncResult *result, char **out_next_cursor, GError **error);

G_END_DECLS
