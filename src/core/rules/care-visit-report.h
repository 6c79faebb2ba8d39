/* care-visit-report.h: a technician's visit report, its parts and its price. */
#pragma once

#include "care-signature.h"
#include "care-store.h"

G_BEGIN_DECLS

typedef enum
{
  CARE_VISIT_COVERED,        /* nothing left to bill: the warranty covers it */
  CARE_VISIT_PARTLY_COVERED, /* the warranty covers parts or labour, not both */
  CARE_VISIT_BILLABLE,       /* no warranty covers anything */
} CareVisitCoverage;

typedef struct
{
  gint64            parts_cents;    /* every part at its price */
  gint64            labour_cents;   /* time spent at the hourly rate */
  gint64            covered_cents;  /* what an active warranty takes over */
  gint64            discount_cents; /* the maintenance discount on the rest */
  gint64            total_cents;    /* what the customer pays */
  guint             discount_percent;
  gboolean          parts_covered;
  gboolean          labour_covered;
  CareVisitCoverage coverage;
  char             *warranty_id; /* the warranty that covers or discounts, or NULL */
} CareVisitTotals;

const char *care_visit_coverage_key (CareVisitCoverage coverage);
void        care_visit_totals_clear (CareVisitTotals *totals);

gboolean care_warranty_active_on (CareRecord *warranty, const GDate *date);
gboolean care_visit_price (GPtrArray       *parts,
                           gint64           minutes,
                           gint64           hourly_rate_cents,
                           GPtrArray       *warranties,
                           const GDate     *visit_date,
                           gboolean         authorised_location,
                           CareVisitTotals *totals,
                           GError         **error);

CareRecord *care_visit_report_new_for_appointment (CareRecord *appointment);
CareRecord *care_visit_report_find_for_appointment (CareStore  *store,
                                                    const char *appointment_id,
                                                    GError    **error);
GPtrArray *
care_visit_report_product_warranties (CareStore *store, CareRecord *appointment, GError **error);
CareQuery *care_visit_report_parts_query (const char *report_id);
GPtrArray *care_visit_report_list_parts (CareStore *store, const char *report_id, GError **error);
gboolean   care_visit_report_compute (CareStore       *store,
                                      CareRecord      *report,
                                      CareVisitTotals *totals,
                                      GError         **error);
gboolean   care_visit_report_set_signature (CareRecord    *report,
                                            CareSignature *signature,
                                            const char    *signed_by,
                                            GDateTime     *signed_at);
CareSignature *care_visit_report_get_signature (CareRecord *report, GError **error);
gboolean       care_visit_report_complete (CareStore *store, CareRecord *report, GError **error);

char *care_money_format (gint64 cents, const char *currency);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CareVisitTotals, care_visit_totals_clear)

G_END_DECLS
