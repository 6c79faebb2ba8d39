/* care-visit-report.c: a technician's visit report, its parts and its price.
 *
 * The pricing rule, in integer cents so sums never drift:
 * - parts and labour are free when a warranty active on the visit date
 *   (start and end days included) covers them (covers_parts,
 *   covers_labour); an expired or not yet started warranty covers nothing;
 * - what is left is billable, less the maintenance discount of an active
 *   warranty (its discount_percent, e.g. a maintenance contract), which
 *   applies only when the work was done at an authorised service location;
 *   of several, the largest applies;
 * - labour is minutes × hourly rate / 60 and the discount is a percentage,
 *   both rounded half up to the cent. */
#define G_LOG_DOMAIN "care-visit-report"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "care-clock.h"
#include "care-visit-report.h"
#include "care-warranty.h"
#include "care-workflow.h"

const char *
care_visit_coverage_key (CareVisitCoverage coverage)
{
  switch (coverage)
    {
    case CARE_VISIT_COVERED:
      return "covered";
    case CARE_VISIT_PARTLY_COVERED:
      return "partly_covered";
    case CARE_VISIT_BILLABLE:
    default:
      return "billable";
    }
}

void
care_visit_totals_clear (CareVisitTotals *totals)
{
  g_clear_pointer (&totals->warranty_id, g_free);
  memset (totals, 0, sizeof *totals);
  totals->coverage = CARE_VISIT_BILLABLE;
}

/* Whether @warranty covers @date: from its start day to its end day, both included. */
gboolean
care_warranty_active_on (CareRecord *warranty, const GDate *date)
{
  GDate start, end;

  if (!care_date_from_iso (care_record_get_string (warranty, "start_date"), &start) ||
      !care_date_from_iso (care_record_get_string (warranty, "end_date"), &end))
    return FALSE;

  return g_date_compare (&start, date) <= 0 && g_date_compare (date, &end) <= 0;
}

static gint64
div_round_half_up (gint64 numerator, gint64 denominator)
{
  return (numerator + denominator / 2) / denominator;
}

static gboolean
too_large (GError **error)
{
  g_set_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_TOO_LARGE,
               _ ("The amount is larger than a visit report can hold"));
  return FALSE;
}

/**
 * care_visit_price:
 * @parts: (element-type CareRecord): part_usage records
 * @minutes: time spent
 * @hourly_rate_cents: the labour rate the caller charges
 * @warranties: (element-type CareRecord): the product's warranties, any status
 * @visit_date: the day of the visit
 * @authorised_location: whether the work was done at an authorised service location
 * @totals: (out caller-allocates): the result; clear it with care_visit_totals_clear()
 *
 * Prices one visit by the rule at the top of this file. A pure function:
 * it reads no store, so the editor can show the price as the technician
 * types.
 */
gboolean
care_visit_price (GPtrArray       *parts,
                  gint64           minutes,
                  gint64           hourly_rate_cents,
                  GPtrArray       *warranties,
                  const GDate     *visit_date,
                  gboolean         authorised_location,
                  CareVisitTotals *totals,
                  GError         **error)
{
  CareRecord *covering = NULL, *discounting = NULL;
  gint64      billable;

  g_return_val_if_fail (totals != NULL, FALSE);
  g_return_val_if_fail (visit_date != NULL && g_date_valid (visit_date), FALSE);

  memset (totals, 0, sizeof *totals);
  totals->coverage = CARE_VISIT_BILLABLE;

  if (minutes < 0 || hourly_rate_cents < 0 || minutes > 14400 || hourly_rate_cents > 100000000)
    {
      g_set_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID,
                   _ ("The time spent or the hourly rate is out of range"));
      return FALSE;
    }

  for (guint i = 0; parts != NULL && i < parts->len; i++)
    {
      CareRecord *part = g_ptr_array_index (parts, i);
      gint64      quantity = care_record_get_int (part, "quantity", 0);
      gint64      price = care_record_get_int (part, "unit_price_cents", 0);

      /* The schema bounds both (10,000 × 1,000,000.00), so one line never overflows. */
      if (quantity < 0 || price < 0 || quantity > 10000 || price > 100000000)
        {
          g_set_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID,
                       _ ("Part “%s” has an invalid quantity or price"),
                       care_record_get_string (part, "name"));
          return FALSE;
        }
      totals->parts_cents += quantity * price;
      if (totals->parts_cents > CARE_MAX_CENTS)
        return too_large (error);
    }

  totals->labour_cents = div_round_half_up (minutes * hourly_rate_cents, 60);

  for (guint i = 0; warranties != NULL && i < warranties->len; i++)
    {
      CareRecord *w = g_ptr_array_index (warranties, i);
      gint64      percent = care_record_get_int (w, "discount_percent", 0);
      gboolean    parts_ok, labour_ok;

      if (!care_warranty_active_on (w, visit_date))
        continue;

      parts_ok = care_record_get_bool (w, "covers_parts");
      labour_ok = care_record_get_bool (w, "covers_labour");
      /* The warranty to name on the report: one that covers most. */
      if ((parts_ok || labour_ok) &&
          (covering == NULL || (parts_ok && labour_ok &&
                                !(care_record_get_bool (covering, "covers_parts") &&
                                  care_record_get_bool (covering, "covers_labour")))))
        covering = w;
      totals->parts_covered |= parts_ok;
      totals->labour_covered |= labour_ok;

      if (percent > 0 && percent <= 100 && (guint) percent > totals->discount_percent)
        {
          totals->discount_percent = (guint) percent;
          discounting = w;
        }
    }

  if (totals->parts_covered)
    totals->covered_cents += totals->parts_cents;
  if (totals->labour_covered)
    totals->covered_cents += totals->labour_cents;

  billable = totals->parts_cents + totals->labour_cents - totals->covered_cents;
  if (billable > CARE_MAX_CENTS)
    return too_large (error);

  if (!authorised_location)
    {
      totals->discount_percent = 0;
      discounting = NULL;
    }
  totals->discount_cents = div_round_half_up (billable * totals->discount_percent, 100);
  totals->total_cents = billable - totals->discount_cents;

  if (billable == 0 && (totals->parts_covered || totals->labour_covered))
    totals->coverage = CARE_VISIT_COVERED;
  else if (totals->covered_cents > 0)
    totals->coverage = CARE_VISIT_PARTLY_COVERED;
  else
    totals->coverage = CARE_VISIT_BILLABLE;

  if (covering != NULL && totals->covered_cents > 0)
    totals->warranty_id = g_strdup (care_record_get_id (covering));
  else if (discounting != NULL && totals->discount_cents > 0)
    totals->warranty_id = g_strdup (care_record_get_id (discounting));
  else if (covering != NULL && totals->coverage == CARE_VISIT_COVERED)
    totals->warranty_id = g_strdup (care_record_get_id (covering));

  return TRUE;
}

/**
 * care_visit_report_new_for_appointment:
 *
 * A new, unsaved report for @appointment, with the technician, the day and
 * the time spent taken from the appointment.
 */
CareRecord *
care_visit_report_new_for_appointment (CareRecord *appointment)
{
  CareRecord *report = care_record_new (care_schema_entity (CARE_ENTITY_VISIT_REPORT));
  const char *start = care_record_get_string (appointment, "start_at");
  const char *end = care_record_get_string (appointment, "end_at");
  g_autoptr (GDateTime) s = NULL;
  g_autoptr (GDateTime) e = NULL;

  care_record_set_string (report, "appointment_id", care_record_get_id (appointment));
  care_record_set_string (report, "technician_id",
                          care_record_get_string (appointment, "technician_id"));
  if (start != NULL && strlen (start) >= 10)
    {
      g_autofree char *day = g_strndup (start, 10);
      care_record_set_string (report, "visit_date", day);
    }

  if (start != NULL && end != NULL)
    {
      s = g_date_time_new_from_iso8601 (start, NULL);
      e = g_date_time_new_from_iso8601 (end, NULL);
    }
  if (s != NULL && e != NULL)
    care_record_set_int (report, "minutes",
                         CLAMP (g_date_time_difference (e, s) / G_TIME_SPAN_MINUTE, 0, 14400));
  else
    care_record_set_int (report, "minutes", 0);

  return report;
}

/* The parts used on a report, by name: for a CareRecordList. */
CareQuery *
care_visit_report_parts_query (const char *report_id)
{
  CareQuery *q = care_query_new (care_schema_entity (CARE_ENTITY_PART_USAGE));

  care_query_add_string (q, "visit_report_id", CARE_QUERY_EQ, report_id);
  care_query_set_order (q, "name", FALSE);
  return q;
}

/* The parts used on a report, by name. */
GPtrArray *
care_visit_report_list_parts (CareStore *store, const char *report_id, GError **error)
{
  g_autoptr (CareQuery) q = care_visit_report_parts_query (report_id);

  return care_store_find_all (store, q, error);
}

/**
 * care_visit_report_find_for_appointment:
 *
 * Returns: (transfer full) (nullable): the appointment's report, the first
 * written if two devices each wrote one offline; %NULL without an error
 * when it has none.
 */
CareRecord *
care_visit_report_find_for_appointment (CareStore  *store,
                                        const char *appointment_id,
                                        GError    **error)
{
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_VISIT_REPORT));
  g_autoptr (GPtrArray) found = NULL;

  care_query_add_string (q, "appointment_id", CARE_QUERY_EQ, appointment_id);
  care_query_set_order (q, "visit_date", FALSE);
  found = care_store_find (store, q, 0, 1, NULL, error);
  if (found == NULL || found->len == 0)
    return NULL;
  return g_object_ref (g_ptr_array_index (found, 0));
}

/**
 * care_visit_report_product_warranties:
 * @appointment: the appointment a report is about
 *
 * Returns: (transfer full) (element-type CareRecord) (nullable): the
 * warranties of the product @appointment is about, any status; an empty
 * array when it names no product, %NULL on error.
 */
GPtrArray *
care_visit_report_product_warranties (CareStore *store, CareRecord *appointment, GError **error)
{
  g_autoptr (CareQuery) q = NULL;
  const char *product_id;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (CARE_IS_RECORD (appointment), NULL);

  product_id = care_record_get_string (appointment, "product_id");
  if (product_id == NULL)
    return g_ptr_array_new_with_free_func (g_object_unref);

  q = care_query_new (care_schema_entity (CARE_ENTITY_WARRANTY));
  care_query_add_string (q, "product_id", CARE_QUERY_EQ, product_id);
  return care_store_find_all (store, q, error);
}

/* The warranties of the product the report's appointment is about; an
 * empty array when it names no product. */
static GPtrArray *
warranties_for_report (CareStore *store, CareRecord *report, GError **error)
{
  g_autoptr (CareRecord) appointment = NULL;

  appointment = care_store_load (store, care_schema_entity (CARE_ENTITY_APPOINTMENT),
                                 care_record_get_string (report, "appointment_id"), error);
  if (appointment == NULL)
    return NULL;

  return care_visit_report_product_warranties (store, appointment, error);
}

/**
 * care_visit_report_compute:
 *
 * Prices @report (saved or not) from its time, its hourly rate, its saved
 * parts and the warranties of its appointment's product.
 */
gboolean
care_visit_report_compute (CareStore       *store,
                           CareRecord      *report,
                           CareVisitTotals *totals,
                           GError         **error)
{
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (GPtrArray) warranties = NULL;
  GDate day;

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (CARE_IS_RECORD (report), FALSE);

  memset (totals, 0, sizeof *totals);

  if (!care_date_from_iso (care_record_get_string (report, "visit_date"), &day))
    {
      g_set_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID,
                   _ ("The visit report has no visit date"));
      return FALSE;
    }

  parts = care_visit_report_list_parts (store, care_record_get_id (report), error);
  if (parts == NULL)
    return FALSE;
  warranties = warranties_for_report (store, report, error);
  if (warranties == NULL)
    return FALSE;

  return care_visit_price (parts, care_record_get_int (report, "minutes", 0),
                           care_record_get_int (report, "hourly_rate_cents", 0), warranties, &day,
                           care_record_get_bool (report, "authorised_location"), totals, error);
}

/* Stores @signature (NULL or empty clears it) with who signed and when. */
gboolean
care_visit_report_set_signature (CareRecord    *report,
                                 CareSignature *signature,
                                 const char    *signed_by,
                                 GDateTime     *signed_at)
{
  g_autofree char *path = NULL;
  g_autofree char *at = NULL;

  g_return_val_if_fail (CARE_IS_RECORD (report), FALSE);

  if (care_signature_is_empty (signature))
    {
      care_record_set_string (report, "signature", NULL);
      care_record_set_string (report, "signed_at", NULL);
      care_record_set_string (report, "signed_by", signed_by);
      return TRUE;
    }

  path = care_signature_to_path (signature);
  at = signed_at != NULL ? care_datetime_to_iso (signed_at) : care_clock_now_iso ();
  care_record_set_string (report, "signature", path);
  care_record_set_string (report, "signed_by", signed_by);
  care_record_set_string (report, "signed_at", at);
  return TRUE;
}

/* The stored signature, or NULL without an error when there is none. */
CareSignature *
care_visit_report_get_signature (CareRecord *report, GError **error)
{
  const char *path = care_record_get_string (report, "signature");

  if (path == NULL)
    return NULL;
  return care_signature_parse (path, error);
}

static gboolean
complete_in_transaction (CareStore *store, gpointer user_data, GError **error)
{
  CareRecord *report = user_data;
  g_auto (CareVisitTotals) totals = { 0 };
  g_autoptr (CareSignature) signature = NULL;
  g_autoptr (CareRecord) appointment = NULL;
  g_autoptr (GError) local_error = NULL;

  signature = care_visit_report_get_signature (report, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!care_visit_report_compute (store, report, &totals, error))
    return FALSE;

  care_record_set_string (report, "coverage", care_visit_coverage_key (totals.coverage));
  care_record_set_string (report, "warranty_id", totals.warranty_id);
  care_record_set_int (report, "parts_cents", totals.parts_cents);
  care_record_set_int (report, "labour_cents", totals.labour_cents);
  care_record_set_int (report, "covered_cents", totals.covered_cents);
  care_record_set_int (report, "discount_cents", totals.discount_cents);
  care_record_set_int (report, "total_cents", totals.total_cents);
  if (!care_store_save (store, report, error))
    return FALSE;

  appointment = care_store_load (store, care_schema_entity (CARE_ENTITY_APPOINTMENT),
                                 care_record_get_string (report, "appointment_id"), error);
  if (appointment == NULL)
    return FALSE;
  if (g_strcmp0 (care_record_get_string (appointment, "status"), "cancelled") == 0)
    return TRUE;

  care_record_set_string (appointment, "status", "done");
  if (care_record_get_string (appointment, "work_notes") == NULL)
    care_record_set_string (appointment, "work_notes",
                            care_record_get_string (report, "work_done"));
  return care_store_save (store, appointment, error);
}

/**
 * care_visit_report_complete:
 *
 * Finishes a visit: prices @report, stores the totals in it as they stand
 * now (what the customer signed for), saves it and marks its appointment
 * done, in one transaction. A report whose signature cannot be read is
 * refused. Call care_follow_up_schedule() on the appointment afterwards.
 */
gboolean
care_visit_report_complete (CareStore *store, CareRecord *report, GError **error)
{
  g_autoptr (CareRecord) snapshot = NULL;

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (CARE_IS_RECORD (report), FALSE);

  snapshot = care_record_copy (report);
  if (!care_store_write (store, complete_in_transaction, report, error))
    {
      care_record_assign (report, snapshot);
      return FALSE;
    }
  return TRUE;
}

/* "1234.50 EUR": plain digits, for documents read in any locale. */
char *
care_money_format (gint64 cents, const char *currency)
{
  gboolean negative = cents < 0;
  guint64  v = negative ? (guint64) (-(cents + 1)) + 1 : (guint64) cents;

  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%02u%s%s", negative ? "-" : "", v / 100,
                          (guint) (v % 100), currency != NULL && *currency ? " " : "",
                          currency != NULL ? currency : "");
}
