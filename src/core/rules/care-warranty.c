/* care-warranty.c: warranty status derived from dates, and coverage lookup. */
#define G_LOG_DOMAIN "care-warranty"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "care-clock.h"
#include "care-warranty.h"

void
care_date_parse (const char *iso, GDate *date)
{
  guint y, m, d;

  g_date_clear (date, 1);
  if (iso != NULL && sscanf (iso, "%4u-%2u-%2u", &y, &m, &d) == 3 && g_date_valid_dmy (d, m, y))
    g_date_set_dmy (date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

/* The end date is the last covered day. */
CareWarrantyStatus
care_warranty_status (CareRecord *warranty, GDate *today, guint expiring_days)
{
  GDate start, end, soon;

  if (warranty == NULL)
    return CARE_WARRANTY_STATUS_NONE;

  care_date_parse (care_record_get_string (warranty, "start_date"), &start);
  care_date_parse (care_record_get_string (warranty, "end_date"), &end);
  if (!g_date_valid (&start) || !g_date_valid (&end))
    return CARE_WARRANTY_STATUS_NONE;

  if (g_date_compare (today, &start) < 0)
    return CARE_WARRANTY_STATUS_NOT_STARTED;
  if (g_date_compare (today, &end) > 0)
    return CARE_WARRANTY_STATUS_EXPIRED;

  soon = *today;
  g_date_add_days (&soon, expiring_days);
  if (g_date_compare (&soon, &end) > 0)
    return CARE_WARRANTY_STATUS_EXPIRING;

  return CARE_WARRANTY_STATUS_ACTIVE;
}

/* The key used by service_case.warranty_status for this status. */
const char *
care_warranty_status_key (CareWarrantyStatus status)
{
  switch (status)
    {
    case CARE_WARRANTY_STATUS_NOT_STARTED:
      return "not_started";
    case CARE_WARRANTY_STATUS_ACTIVE:
      return "active";
    case CARE_WARRANTY_STATUS_EXPIRING:
      return "expiring";
    case CARE_WARRANTY_STATUS_EXPIRED:
      return "expired";
    case CARE_WARRANTY_STATUS_NONE:
    default:
      return "none";
    }
}

/* Which of two states counts when a product has several warranties:
 * covering beats not yet started beats expired. */
int
care_warranty_status_rank (CareWarrantyStatus status)
{
  switch (status)
    {
    case CARE_WARRANTY_STATUS_ACTIVE:
    case CARE_WARRANTY_STATUS_EXPIRING:
      return 3;
    case CARE_WARRANTY_STATUS_NOT_STARTED:
      return 2;
    case CARE_WARRANTY_STATUS_EXPIRED:
      return 1;
    case CARE_WARRANTY_STATUS_NONE:
    default:
      return 0;
    }
}

/**
 * care_coverage_lookup:
 *
 * Answers "is this serial covered?": finds the product by its serial number
 * and, among its warranties, the one that decides: one that covers today
 * (the latest ending), else one not yet started, else the last expired.
 * An unknown serial is not an error: @coverage->product stays %NULL.
 */
gboolean
care_coverage_lookup (
    CareStore *store, const char *serial, GDate *today, CareCoverage *coverage, GError **error)
{
  g_autoptr (CareQuery) pq = care_query_new (care_schema_entity (CARE_ENTITY_PRODUCT));
  g_autoptr (CareQuery) wq = care_query_new (care_schema_entity (CARE_ENTITY_WARRANTY));
  g_autoptr (GPtrArray) products = NULL;
  g_autoptr (GPtrArray) warranties = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (serial != NULL ? serial : ""));

  memset (coverage, 0, sizeof *coverage);

  care_query_add_string (pq, "serial", CARE_QUERY_EQ, trimmed);
  products = care_store_find (store, pq, 0, 1, NULL, error);
  if (products == NULL)
    return FALSE;
  if (products->len == 0)
    return TRUE;

  coverage->product = g_object_ref (g_ptr_array_index (products, 0));

  care_query_add_string (wq, "product_id", CARE_QUERY_EQ, care_record_get_id (coverage->product));
  care_query_set_order (wq, "end_date", TRUE);
  warranties = care_store_find (store, wq, 0, 100, NULL, error);
  if (warranties == NULL)
    {
      care_coverage_clear (coverage);
      return FALSE;
    }

  for (guint i = 0; i < warranties->len; i++)
    {
      CareRecord        *w = g_ptr_array_index (warranties, i);
      CareWarrantyStatus status = care_warranty_status (w, today, CARE_WARRANTY_EXPIRING_DAYS);

      if (care_warranty_status_rank (status) > care_warranty_status_rank (coverage->status))
        {
          g_set_object (&coverage->warranty, w);
          coverage->status = status;
        }
    }

  return TRUE;
}

void
care_coverage_clear (CareCoverage *coverage)
{
  g_clear_object (&coverage->product);
  g_clear_object (&coverage->warranty);
  coverage->status = CARE_WARRANTY_STATUS_NONE;
}
