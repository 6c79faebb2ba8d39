/* care-follow-up.h: follow-up calls after a resolved case or a delivery. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_FOLLOW_UP_DEFAULT_DAYS 7

gboolean care_follow_up_applies (CareRecord *source);
void     care_follow_up_fill_call (CareRecord *call, CareRecord *source, const GDate *day);
gboolean care_follow_up_schedule (CareStore   *store,
                                  CareRecord  *source,
                                  guint        days_later,
                                  GDateTime   *now,
                                  CareRecord **out_created,
                                  GError     **error);

G_END_DECLS
