/* care-server-calendar.h: iCalendar feeds of staff members and the feed tokens to subscribe to them. */
#pragma once

#include <json-glib/json-glib.h>

#include "care-server-auth.h"
#include "care-server-store.h"

G_BEGIN_DECLS

#define CARE_SERVER_CALENDAR_ERROR (care_server_calendar_error_quark ())

typedef enum
{
  CARE_SERVER_CALENDAR_ERROR_NOT_FOUND, /* no such staff record, feed token or feed */
  CARE_SERVER_CALENDAR_ERROR_FORBIDDEN, /* the user may not manage this staff member's feeds */
  CARE_SERVER_CALENDAR_ERROR_INVALID,   /* a staff id that is not a live staff record */
} CareServerCalendarError;

/* Events that ended longer ago than this are left out of a feed. */
#define CARE_SERVER_CALENDAR_PAST_DAYS 90

/* A rendered feed and its validators. */
typedef struct
{
  char  *body;          /* text/calendar */
  char  *etag;          /* a weak entity tag, quoted */
  gint64 max_seq;       /* the latest commit sequence among the records used */
  char  *last_modified; /* "YYYY-MM-DDTHH:MM:SSZ" of that record's last change */
} CareServerCalendarFeed;

void care_server_calendar_feed_free (CareServerCalendarFeed *feed);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareServerCalendarFeed, care_server_calendar_feed_free)

#define CARE_TYPE_SERVER_CALENDAR (care_server_calendar_get_type ())
G_DECLARE_FINAL_TYPE (CareServerCalendar, care_server_calendar, CARE, SERVER_CALENDAR, GObject)

GQuark care_server_calendar_error_quark (void);

CareServerCalendar *care_server_calendar_new (CareServerStore *store);

CareServerCalendarFeed *care_server_calendar_render (CareServerCalendar *self,
                                                     const char         *staff_id,
                                                     gint64              now,
                                                     GError            **error);

gboolean    care_server_calendar_may_manage (const CareServerUser *user, const char *staff_id);
JsonObject *care_server_calendar_create_feed (CareServerCalendar   *self,
                                              const CareServerUser *user,
                                              const char           *staff_id,
                                              char                **out_token,
                                              GError              **error);
char *
care_server_calendar_lookup_feed (CareServerCalendar *self, const char *token, GError **error);
gboolean   care_server_calendar_revoke_feed (CareServerCalendar   *self,
                                             const CareServerUser *user,
                                             gint64                feed_id,
                                             GError              **error);
JsonArray *care_server_calendar_list_feeds (CareServerCalendar   *self,
                                            const CareServerUser *user,
                                            GError              **error);

G_END_DECLS
