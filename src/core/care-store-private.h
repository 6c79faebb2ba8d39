/* care-store-private.h: store internals shared by the core modules that
 * write beside it (the sync engine applies pulled pages in its transactions). */
#pragma once

#include <sqlite3.h>

#include "care-store.h"

G_BEGIN_DECLS

extern const char *const care_store_migrations[];

sqlite3      *care_store_get_db (CareStore *self);
sqlite3_stmt *care_store_prepare (CareStore  *self,
                                  const char *sql,
                                  GError    **error);
gboolean      care_store_exec (CareStore  *self,
                               const char *sql,
                               GError    **error);
gboolean      care_store_step_done (CareStore    *self,
                                    sqlite3_stmt *stmt,
                                    GError      **error);
void          care_store_bind_value (sqlite3_stmt *stmt,
                                     int           index,
                                     GVariant     *value);
GVariant     *care_store_column_value (sqlite3_stmt    *stmt,
                                       int              column,
                                       const CareField *field);
CareRecord   *care_store_row_to_record (const CareEntity *entity,
                                        sqlite3_stmt     *stmt);
const char   *care_store_record_columns (const CareEntity *entity);
gboolean      care_store_set_error (CareStore *self,
                                    int        rc,
                                    GError   **error);
gboolean      care_store_begin (CareStore *self,
                                GError   **error);
gboolean      care_store_end (CareStore *self,
                              gboolean   commit,
                              GError   **error);
void          care_store_note_change (CareStore  *self,
                                      const char *entity,
                                      const char *id);

G_END_DECLS
