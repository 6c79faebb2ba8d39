/* care-store-private.h: store internals shared by the core modules that
 * write beside it (the sync engine applies pulled pages in its transactions,
 * care-store-bulk.c loads many rows at once). */
#pragma once

#include <sqlite3.h>

#include "care-store.h"

G_BEGIN_DECLS

/* How many virtual machine steps SQLite runs between two looks at a
 * watched cancellable: often enough to stop within milliseconds, rarely
 * enough to cost nothing measurable. */
#define CARE_STORE_PROGRESS_STEPS 10000

typedef struct _CareStoreBulk CareStoreBulk;

extern const char *const care_store_migrations[];

sqlite3      *care_store_get_db (CareStore *self);
sqlite3_stmt *care_store_prepare (CareStore *self, const char *sql, GError **error);
gboolean      care_store_exec (CareStore *self, const char *sql, GError **error);
gboolean      care_store_step_done (CareStore *self, sqlite3_stmt *stmt, GError **error);
void          care_store_bind_value (sqlite3_stmt *stmt, int index, GVariant *value);
GVariant     *care_store_column_value (sqlite3_stmt *stmt, int column, const CareField *field);
CareRecord   *care_store_row_to_record (const CareEntity *entity, sqlite3_stmt *stmt);
const char   *care_store_record_columns (const CareEntity *entity);
gboolean      care_store_set_error (CareStore *self, int rc, GError **error);
gboolean      care_store_begin (CareStore *self, GError **error);
gboolean      care_store_end (CareStore *self, gboolean commit, GError **error);
void          care_store_note_change (CareStore *self, const char *entity, const char *id);
guint         care_store_get_depth (CareStore *self);
guint         care_store_count_sql (CareStore *self, const char *sql);
gboolean      care_store_insert_row (CareStore *self, CareRecord *record, GError **error);
void          care_store_watch (CareStore *self, GCancellable *cancellable);
void          care_store_unwatch (CareStore *self);
gboolean      care_store_register_search_functions (sqlite3 *db);

CareStoreBulk *care_store_get_bulk (CareStore *self);
void           care_store_set_bulk (CareStore *self, CareStoreBulk *bulk);
CareStoreBulk *care_store_steal_bulk (CareStore *self);
void           care_store_bulk_free (CareStoreBulk *bulk);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareStoreBulk, care_store_bulk_free)

G_END_DECLS
