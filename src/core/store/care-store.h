/* care-store.h: the local SQLite cache of every entity, with its outbox. */
#pragma once

#include <gio/gio.h>

#include "care-query.h"
#include "care-record.h"

G_BEGIN_DECLS

#define CARE_STORE_ERROR (care_store_error_quark ())

typedef enum
{
  CARE_STORE_ERROR_FAILED,
  CARE_STORE_ERROR_BUSY,
  CARE_STORE_ERROR_CONSTRAINT,
  CARE_STORE_ERROR_CORRUPT,
  CARE_STORE_ERROR_TOO_NEW,
  CARE_STORE_ERROR_NOT_FOUND,
  CARE_STORE_ERROR_CANCELLED,
} CareStoreError;

#define CARE_STORE_SCHEMA_VERSION 8

#define CARE_TYPE_STORE (care_store_get_type ())
G_DECLARE_FINAL_TYPE (CareStore, care_store, CARE, STORE, GObject)

typedef gboolean (*CareStoreWriteFunc) (CareStore *store, gpointer user_data, GError **error);

GQuark         care_store_error_quark (void);
gboolean       care_store_error_is_cancelled (const GError *error);
CareStoreError care_store_error_code_for_sqlite (int rc);

CareStore  *care_store_new (const char *path, GError **error);
const char *care_store_get_path (CareStore *self);
const char *care_store_get_client_id (CareStore *self);
int         care_store_get_schema_version (CareStore *self);

gboolean
care_store_write (CareStore *self, CareStoreWriteFunc func, gpointer user_data, GError **error);

CareRecord *
care_store_load (CareStore *self, const CareEntity *entity, const char *id, GError **error);
gboolean care_store_save (CareStore *self, CareRecord *record, GError **error);
gboolean
care_store_delete (CareStore *self, const CareEntity *entity, const char *id, GError **error);

guint
care_store_count (CareStore *self, CareQuery *query, GCancellable *cancellable, GError **error);
guint care_store_count_upto (
    CareStore *self, CareQuery *query, guint limit, GCancellable *cancellable, GError **error);
GPtrArray *care_store_find (CareStore    *self,
                            CareQuery    *query,
                            guint         offset,
                            guint         limit,
                            GCancellable *cancellable,
                            GError      **error);

guint care_store_outbox_count (CareStore *self);

gboolean care_store_bulk_begin (CareStore *self, GCancellable *cancellable, GError **error);
gboolean care_store_bulk_insert (CareStore *self, CareRecord *record, GError **error);
gboolean care_store_bulk_end (CareStore *self, gboolean commit, GError **error);

char    *care_store_get_meta (CareStore *self, const char *key);
gboolean care_store_set_meta (CareStore *self, const char *key, const char *value, GError **error);

void care_store_emit_changed_all (CareStore *self);

G_END_DECLS
