/* care-follow-up-hook.h: books the follow-up call after the UI changes a status. */
#pragma once

#include "care-context.h"

G_BEGIN_DECLS

CareRecord       *
care_follow_up_after_change (CareContext *context, const char *old_status, CareRecord *saved);
char *care_follow_up_describe (CareRecord *call);

G_END_DECLS
