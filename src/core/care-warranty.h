/* care-warranty.h: warranty status derived from dates, and coverage lookup. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

typedef enum
{
  CARE_WARRANTY_STATUS_NONE,
  CARE_WARRANTY_STATUS_NOT_STARTED,
  CARE_WARRANTY_STATUS_ACTIVE,
  CARE_WARRANTY_STATUS_EXPIRING,
  CARE_WARRANTY_STATUS_EXPIRED,
} CareWarrantyStatus;

#define CARE_WARRANTY_EXPIRING_DAYS 30

typedef struct
{
  CareRecord        *product;  /* NULL when the serial is unknown */
  CareRecord        *warranty; /* the warranty that decides, or NULL */
  CareWarrantyStatus status;
} CareCoverage;

CareWarrantyStatus care_warranty_status (CareRecord *warranty,
                                         GDate      *today,
                                         guint       expiring_days);
const char        *care_warranty_status_key (CareWarrantyStatus status);
char              *care_date_today (void);
void               care_date_parse (const char *iso,
                                    GDate      *date);
gboolean           care_coverage_lookup (CareStore    *store,
                                         const char   *serial,
                                         GDate        *today,
                                         CareCoverage *coverage,
                                         GError      **error);
void               care_coverage_clear (CareCoverage *coverage);

G_END_DECLS
