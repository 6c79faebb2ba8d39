/* care-record-list.h: a GListModel of the records a query selects, paged from SQLite. */
#pragma once

#include <gio/gio.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_RECORD_LIST (care_record_list_get_type ())
G_DECLARE_FINAL_TYPE (CareRecordList, care_record_list, CARE, RECORD_LIST, GObject)

CareRecordList *care_record_list_new (CareStore *store, CareQuery *query);
CareStore      *care_record_list_get_store (CareRecordList *self);
CareQuery      *care_record_list_get_query (CareRecordList *self);
void            care_record_list_set_query (CareRecordList *self, CareQuery *query);
void            care_record_list_reload (CareRecordList *self);
int             care_record_list_find (CareRecordList *self, const char *id);
gboolean        care_record_list_is_complete (CareRecordList *self);

G_END_DECLS
