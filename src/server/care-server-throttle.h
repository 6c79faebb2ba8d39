/* care-server-throttle.h: slows down password guessing without letting a stranger lock anyone out. */
#pragma once

#include "care-server-store.h"

G_BEGIN_DECLS

/* Failures allowed before each further attempt waits 1, 2, 4, ... seconds
 * after the last failure, at most CARE_SERVER_THROTTLE_MAX_DELAY. */
#define CARE_SERVER_THROTTLE_PAIR_FREE    5  /* one user name from one address */
#define CARE_SERVER_THROTTLE_ADDRESS_FREE 20 /* any user names from one address, in an hour */
#define CARE_SERVER_THROTTLE_NAME_FREE    10 /* one user name from any addresses, in a day */
#define CARE_SERVER_THROTTLE_MAX_DELAY    900
/* Server-wide: beyond this many failures in CARE_SERVER_THROTTLE_GLOBAL_WINDOW
 * seconds, sign-ins from unknown clients wait CARE_SERVER_THROTTLE_GLOBAL_WAIT. */
#define CARE_SERVER_THROTTLE_GLOBAL_FREE   300
#define CARE_SERVER_THROTTLE_GLOBAL_WINDOW 300
#define CARE_SERVER_THROTTLE_GLOBAL_WAIT   60
/* A user name is known from an address for this long after it signed in there. */
#define CARE_SERVER_THROTTLE_KNOWN_DAYS 30

#define CARE_TYPE_SERVER_THROTTLE (care_server_throttle_get_type ())
G_DECLARE_FINAL_TYPE (CareServerThrottle, care_server_throttle, CARE, SERVER_THROTTLE, GObject)

CareServerThrottle *care_server_throttle_new (CareServerStore *store);

gboolean care_server_throttle_check (CareServerThrottle *self,
                                     const char         *username,
                                     const char         *address,
                                     guint              *out_retry_after);
void     care_server_throttle_note_attempt (CareServerThrottle *self,
                                            const char         *username,
                                            const char         *address);
void     care_server_throttle_note_success (CareServerThrottle *self,
                                            const char         *username,
                                            const char         *address);
void     care_server_throttle_prune (CareServerThrottle *self);

G_END_DECLS
