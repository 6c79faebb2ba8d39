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

/* An SQL condition on a row of the warranty table: its cover lapses, as no
 * other live warranty of the product carries on from the next day (an
 * extension). Shared by the expiry reminders and the dashboard's renewals. */
#define CARE_WARRANTY_LAPSES_SQL                                                                   \
  "NOT EXISTS (SELECT 1 FROM warranty next WHERE next.product_id = warranty.product_id "           \
  "AND " CARE_SQL_LIVE_IN ("next") " AND next.id != warranty.id "                                  \
                                   "AND next.start_date <= date(warranty.end_date, '+1 day') AND " \
                                   "next.end_date > warranty.end_date)"

typedef struct
{
  CareRecord        *product;  /* NULL when the serial is unknown */
  CareRecord        *warranty; /* the warranty that decides, or NULL */
  CareWarrantyStatus status;
} CareCoverage;

CareWarrantyStatus care_warranty_status (CareRecord *warranty, GDate *today, guint expiring_days);
const char        *care_warranty_status_key (CareWarrantyStatus status);
int                care_warranty_status_rank (CareWarrantyStatus status);
void               care_date_parse (const char *iso, GDate *date);
gboolean           care_coverage_lookup (
              CareStore *store, const char *serial, GDate *today, CareCoverage *coverage, GError **error);
void care_coverage_clear (CareCoverage *coverage);

G_END_DECLS
