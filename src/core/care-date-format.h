/* care-date-format.h: dates and times as a person reads them, in their locale. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *care_format_date (const char *iso_date);
char *care_format_datetime (const char *iso_utc);
char *care_format_time (const char *iso_utc);
char *care_format_time_of (GDateTime *dt);
char *care_format_day_heading (GDateTime *dt);
char *care_format_day_short (GDateTime *dt);
char *care_format_document_date (const char *iso);
char *care_format_document_datetime (const char *iso_utc);

G_END_DECLS
