/* care-holidays.h: the public holidays Aftercare ships, by country. */
#pragma once

#include "care-working-time.h"

G_BEGIN_DECLS

typedef struct
{
  GDate    date;
  char    *name;     /* in English, as the data file has it */
  gboolean optional; /* a customary day off rather than a statutory one */
} CareHoliday;

void               care_holiday_free (CareHoliday *holiday);
const char *const *care_holidays_countries (void);
GPtrArray         *care_holidays_load (const char *country, GError **error);
gboolean care_holidays_years (const char *country, guint *first, guint *last, GError **error);
gboolean care_working_calendar_add_holidays (CareWorkingCalendar *self,
                                             const char          *country,
                                             gboolean             optional,
                                             GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareHoliday, care_holiday_free)

G_END_DECLS
