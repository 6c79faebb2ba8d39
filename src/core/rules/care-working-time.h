/* care-working-time.h: working calendars and arithmetic in working seconds. */
#pragma once

#include "care-schema.h"

G_BEGIN_DECLS

#define CARE_WORKING_TIME_ERROR (care_working_time_error_quark ())

typedef enum
{
  CARE_WORKING_TIME_ERROR_TIME_ZONE,
  CARE_WORKING_TIME_ERROR_HOURS,
  CARE_WORKING_TIME_ERROR_HOLIDAYS,
} CareWorkingTimeError;

/* What care_working_calendar_add () returns when the time never elapses:
 * a calendar without working hours, or a target beyond the horizon. */
#define CARE_WORKING_TIME_NEVER G_MAXINT64

/* At most this many working spans in one day ("09:00-12:30, 13:30-18:00"
 * is two). */
#define CARE_WORKING_HOURS_MAX_SPANS 8

/* The instants the arithmetic accepts, as the schema's dates and times:
 * from 1900-01-01 to 2200-12-31, in seconds since the Unix epoch. */
#define CARE_WORKING_TIME_MIN G_GINT64_CONSTANT (-2208988800)
#define CARE_WORKING_TIME_MAX G_GINT64_CONSTANT (7289654400)

typedef struct _CareWorkingCalendar CareWorkingCalendar;

GQuark care_working_time_error_quark (void);

CareWorkingCalendar *care_working_calendar_new (const char *time_zone, GError **error);
void                 care_working_calendar_free (CareWorkingCalendar *self);
const char          *care_working_calendar_get_time_zone (CareWorkingCalendar *self);

gboolean care_working_calendar_set_hours (CareWorkingCalendar *self,
                                          GDateWeekday         weekday,
                                          const char          *hours,
                                          GError             **error);
gboolean care_working_calendar_has_hours (CareWorkingCalendar *self);
void     care_working_calendar_close_day (CareWorkingCalendar *self, const GDate *day);
gboolean care_working_calendar_close_days (CareWorkingCalendar *self,
                                           const char          *first,
                                           const char          *last,
                                           GError             **error);
gboolean care_working_calendar_is_closed (CareWorkingCalendar *self, const GDate *day);
gboolean care_working_calendar_is_working_day (CareWorkingCalendar *self, const GDate *day);
gboolean care_working_calendar_is_working (CareWorkingCalendar *self, gint64 instant);

gint64 care_working_calendar_add (CareWorkingCalendar *self, gint64 start, gint64 seconds);
gint64 care_working_calendar_between (CareWorkingCalendar *self, gint64 from, gint64 to);

gboolean
care_working_hours_parse (const char *text, guint16 spans[][2], guint *n_spans, GError **error);
char       *care_working_hours_normalize (const char *text);
const char *care_working_hours_check (const char *text);
const char *care_time_zone_check (const char *text);

/* The rules of a working calendar's fields (care-schema.c): the hours of a
 * day, and the time zone name. */
extern const CareFieldRule care_working_hours_rule;
extern const CareFieldRule care_time_zone_rule;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareWorkingCalendar, care_working_calendar_free)

G_END_DECLS
