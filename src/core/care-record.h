/* care-record.h: one record of any entity, its values keyed by the schema. */
#pragma once

#include <glib-object.h>

#include "care-schema.h"

G_BEGIN_DECLS

typedef enum
{
  CARE_SYNC_STATE_SYNCED = 0,
  CARE_SYNC_STATE_CREATED = 1,
  CARE_SYNC_STATE_MODIFIED = 2,
  CARE_SYNC_STATE_DELETED = 3,
} CareSyncState;

/* SQL for "the row is live": not a tombstone waiting for the server to
 * acknowledge its delete. CARE_SQL_LIVE_IN ("c") for a table or alias. The
 * number is written out so the macros can join string literals; the
 * assertion keeps it CARE_SYNC_STATE_DELETED. */
#define CARE_SQL_LIVE           "sync_state != 3"
#define CARE_SQL_LIVE_IN(table) table "." CARE_SQL_LIVE
G_STATIC_ASSERT (CARE_SYNC_STATE_DELETED == 3);

#define CARE_TYPE_RECORD (care_record_get_type ())
G_DECLARE_FINAL_TYPE (CareRecord, care_record, CARE, RECORD, GObject)

CareRecord *care_record_new (const CareEntity *entity);
CareRecord *care_record_new_with_id (const CareEntity *entity, const char *id);
CareRecord *care_record_copy (CareRecord *self);

const CareEntity *care_record_get_entity (CareRecord *self);
const char       *care_record_get_id (CareRecord *self);
gint64            care_record_get_seq (CareRecord *self);
void              care_record_set_seq (CareRecord *self, gint64 seq);
gint64            care_record_get_rev (CareRecord *self);
void              care_record_set_rev (CareRecord *self, gint64 rev);
CareSyncState     care_record_get_sync_state (CareRecord *self);
void              care_record_set_sync_state (CareRecord *self, CareSyncState state);
const char       *care_record_get_created_at (CareRecord *self);
const char       *care_record_get_updated_at (CareRecord *self);
void care_record_set_timestamps (CareRecord *self, const char *created_at, const char *updated_at);

GVariant *care_record_get_value (CareRecord *self, const char *field);
GVariant *care_record_get_value_at (CareRecord *self, guint index);
void      care_record_set_value (CareRecord *self, const char *field, GVariant *value);
void      care_record_set_value_at (CareRecord *self, guint index, GVariant *value);

const char *care_record_get_string (CareRecord *self, const char *field);
void        care_record_set_string (CareRecord *self, const char *field, const char *value);
gint64      care_record_get_int (CareRecord *self, const char *field, gint64 fallback);
void        care_record_set_int (CareRecord *self, const char *field, gint64 value);
gboolean    care_record_get_bool (CareRecord *self, const char *field);
void        care_record_set_bool (CareRecord *self, const char *field, gboolean value);
const char *care_record_get_title (CareRecord *self);

gboolean   care_record_validate (CareRecord *self, const char **bad_field, GError **error);
GPtrArray *care_record_diff (CareRecord *self, CareRecord *other);

gboolean care_value_equal (GVariant *a, GVariant *b);

G_END_DECLS
