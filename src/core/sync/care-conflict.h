/* care-conflict.h: an edit the server did not take, kept until the user decides. */
#pragma once

#include <json-glib/json-glib.h>

#include "care-store.h"

G_BEGIN_DECLS

typedef enum
{
  CARE_CONFLICT_FIELD,   /* one field changed here and on the server to different values */
  CARE_CONFLICT_DELETED, /* edits to a record someone deleted on the server */
  CARE_CONFLICT_KEPT,    /* a delete the server refused: the record changed there meanwhile */
} CareConflictKind;

typedef enum
{
  CARE_CONFLICT_KEEP_MINE,   /* send my value (or restore my record, or delete again) */
  CARE_CONFLICT_KEEP_THEIRS, /* take the server's state; nothing is sent */
} CareConflictChoice;

#define CARE_TYPE_CONFLICT (care_conflict_get_type ())
G_DECLARE_FINAL_TYPE (CareConflict, care_conflict, CARE, CONFLICT, GObject)

gint64            care_conflict_get_id (CareConflict *self);
const CareEntity *care_conflict_get_entity (CareConflict *self);
const char       *care_conflict_get_record_id (CareConflict *self);
const char       *care_conflict_get_field (CareConflict *self);
CareConflictKind  care_conflict_get_kind (CareConflict *self);
GVariant         *care_conflict_get_base_value (CareConflict *self);
GVariant         *care_conflict_get_local_value (CareConflict *self);
GVariant         *care_conflict_get_server_value (CareConflict *self);
CareRecord       *care_conflict_get_local_record (CareConflict *self);
const char       *care_conflict_get_title (CareConflict *self);
const char       *care_conflict_get_message (CareConflict *self);

GPtrArray *care_conflict_list (CareStore *store, GError **error);
guint      care_conflict_count (CareStore *store);
gboolean   care_conflict_resolve (CareStore         *store,
                                  gint64             conflict_id,
                                  CareConflictChoice choice,
                                  GError           **error);

/* For the sync engine, inside its write transactions. */
gboolean care_conflict_note_field (CareStore  *store,
                                   const char *entity,
                                   const char *record_id,
                                   const char *field,
                                   JsonNode   *base_value,
                                   JsonNode   *local_value,
                                   JsonNode   *server_value,
                                   gint64      server_rev,
                                   const char *title,
                                   const char *message,
                                   GError    **error);
gboolean care_conflict_note_record (CareStore       *store,
                                    CareConflictKind kind,
                                    CareRecord      *local_record,
                                    gint64           server_rev,
                                    const char      *message,
                                    GError         **error);
gboolean care_conflict_note_server_value (CareStore  *store,
                                          const char *entity,
                                          const char *record_id,
                                          const char *field,
                                          JsonNode   *server_value,
                                          gint64      server_rev,
                                          GError    **error);
gboolean care_conflict_forget_record (CareStore  *store,
                                      const char *entity,
                                      const char *record_id,
                                      GError    **error);

G_END_DECLS
