/* care-history-group.h: who changed a record, when, from what to what. */
#pragma once

#include <adwaita.h>

#include "care-record-group.h"

G_BEGIN_DECLS

#define CARE_TYPE_HISTORY_GROUP (care_history_group_get_type ())
G_DECLARE_FINAL_TYPE (CareHistoryGroup, care_history_group, CARE, HISTORY_GROUP, CareRecordGroup)

void
care_history_group_set_subject (CareHistoryGroup *self, CareContext *context, CareRecord *subject);

G_END_DECLS
