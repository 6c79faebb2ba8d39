/* care-sla-text.h: a case's service level timers as the user reads them. */
#pragma once

#include "care-sla.h"

G_BEGIN_DECLS

char       *care_sla_text_duration (gint64 seconds);
char       *care_sla_text_timer (const CareSlaTimer *timer);
char       *care_sla_text_short (const CareSla *sla);
const char *care_sla_text_css (CareSlaState state);

G_END_DECLS
