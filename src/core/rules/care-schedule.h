/* care-schedule.h: who is already booked: overlapping appointments and sessions. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

GPtrArray *care_schedule_find_clashes (CareStore  *store,
                                       const char *entity_name,
                                       const char *person_id,
                                       const char *start_at,
                                       const char *end_at,
                                       const char *exclude_id,
                                       GError    **error);
GPtrArray *care_schedule_find_record_clashes (CareStore *store, CareRecord *record, GError **error);
int        care_schedule_usual_minutes (const char *kind);

G_END_DECLS
