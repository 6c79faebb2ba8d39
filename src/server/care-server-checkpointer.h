/* care-server-checkpointer.h: copies the SQLite write-ahead log into the database off the main thread. */
#pragma once

#include "care-server-db.h"

G_BEGIN_DECLS

typedef struct _CareServerCheckpointer CareServerCheckpointer;

CareServerCheckpointer *care_server_checkpointer_start (CareServerDb *db, GError **error);
void                    care_server_checkpointer_stop (CareServerCheckpointer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareServerCheckpointer, care_server_checkpointer_stop)

G_END_DECLS
