/* care-clock.h: the one source of "now" and "today" for client and server. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The environment variable that pins the clock, as an ISO 8601 instant
 * ("2027-02-28T23:30:00Z"); a testing aid, see the README. */
#define CARE_CLOCK_ENV "AFTERCARE_NOW"

GDateTime *care_clock_now_utc (void);
GDateTime *care_clock_now_local (void);
gint64     care_clock_now_unix (void);
char      *care_clock_now_iso (void);
char      *care_clock_today (void);
void       care_clock_today_date (GDate *date);
gboolean   care_clock_is_pinned (void);

gboolean care_clock_pin (const char *iso, GError **error);
void     care_clock_freeze (GDateTime *instant);

G_END_DECLS
