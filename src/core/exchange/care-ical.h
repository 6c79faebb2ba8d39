/* care-ical.h: appointments and training sessions as iCalendar (RFC 5545). */
#pragma once

#include <gio/gio.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_ICAL_ERROR (care_ical_error_quark ())

typedef enum
{
  CARE_ICAL_ERROR_UNSUPPORTED, /* the record is neither an appointment nor a training session */
  CARE_ICAL_ERROR_INVALID,     /* the record's times are missing or invalid */
} CareIcalError;

/* A feed never holds more events than this; subscribers refresh it often. */
#define CARE_ICAL_FEED_MAX_EVENTS 5000

/* Returns a new reference to the live record @id of @entity, or NULL. */
typedef CareRecord *(*CareIcalLookupFunc) (const CareEntity *entity,
                                           const char       *id,
                                           gpointer          user_data);
/* Returns (transfer full) the live records of @entity whose @field is @value,
 * oldest first; NULL or an empty array when there are none. */
typedef GPtrArray *(*CareIcalFindFunc) (const CareEntity *entity,
                                        const char       *field,
                                        const char       *value,
                                        gpointer          user_data);

/* How the exporter reaches the records an event refers to (customer,
 * product, case, staff, course, enrolments and contacts). The client fills
 * it from its CareStore with care_ical_resolver_init_for_store(); the server
 * fills it from its own storage, so the output is the same on both sides. */
typedef struct
{
  CareIcalLookupFunc lookup;
  CareIcalFindFunc   find;
  gpointer           user_data;
} CareIcalResolver;

/* clang-format off */
GQuark    care_ical_error_quark             (void);

void      care_ical_resolver_init_for_store (CareIcalResolver       *resolver,
                                             CareStore              *store);

char     *care_ical_event_uid               (CareRecord             *event);
char     *care_ical_export_event            (CareRecord             *event,
                                             const CareIcalResolver *resolver,
                                             GError                **error);
gboolean  care_ical_export_event_to_file    (CareRecord             *event,
                                             const CareIcalResolver *resolver,
                                             GFile                  *file,
                                             GCancellable           *cancellable,
                                             GError                **error);
char     *care_ical_export_feed             (const char             *calendar_name,
                                             GPtrArray              *events,
                                             const CareIcalResolver *resolver,
                                             GError                **error);
char     *care_ical_export_staff_feed       (CareStore              *store,
                                             const char             *staff_id,
                                             const char             *since,
                                             GError                **error);
/* clang-format on */

G_END_DECLS
