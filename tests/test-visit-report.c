/* test-visit-report.c: the pricing rule, every branch, and completing a visit. */
#include "config.h"

#include "care-visit-report.h"
#include "care-workflow.h"
#include "workflow-fixtures.h"

#define VISIT_DAY "2026-06-15"

typedef struct
{
  GPtrArray *parts;
  GPtrArray *warranties;
  GDate      day;
} Pricing;

static void
pricing_set_up (Pricing *p, gconstpointer data)
{
  p->parts = g_ptr_array_new_with_free_func (g_object_unref);
  p->warranties = g_ptr_array_new_with_free_func (g_object_unref);
  /* 2 × 19.99 + 1 × 45.50 = 85.48 */
  g_ptr_array_add (p->parts, fx_part (NULL, NULL, "Filter", 2, 1999));
  g_ptr_array_add (p->parts, fx_part (NULL, NULL, "Pump seal", 1, 4550));
  fx_date (VISIT_DAY, &p->day);
}

static void
pricing_tear_down (Pricing *p, gconstpointer data)
{
  g_ptr_array_unref (p->parts);
  g_ptr_array_unref (p->warranties);
}

/* 90 minutes at 60.00 an hour: 90.00 of labour. */
static void
price (Pricing *p, gboolean authorised, CareVisitTotals *totals)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (
      care_visit_price (p->parts, 90, 6000, p->warranties, &p->day, authorised, totals, &error));
  g_assert_no_error (error);
  g_assert_cmpint (totals->parts_cents, ==, 8548);
  g_assert_cmpint (totals->labour_cents, ==, 9000);
}

static CareRecord *
add_warranty (Pricing    *p,
              const char *kind,
              const char *start,
              const char *end,
              gboolean    parts,
              gboolean    labour,
              gint64      discount)
{
  CareRecord *w = fx_warranty (NULL, NULL, kind, start, end, parts, labour, discount);

  g_ptr_array_add (p->warranties, w);
  return w;
}

static void
test_no_warranty (Pricing *p, gconstpointer data)
{
  g_auto (CareVisitTotals) t = { 0 };

  price (p, TRUE, &t);
  g_assert_cmpint (t.covered_cents, ==, 0);
  g_assert_cmpint (t.discount_cents, ==, 0);
  g_assert_cmpint (t.total_cents, ==, 17548);
  g_assert_cmpint (t.coverage, ==, CARE_VISIT_BILLABLE);
  g_assert_null (t.warranty_id);
}

static void
test_covered (Pricing *p, gconstpointer data)
{
  g_auto (CareVisitTotals) t = { 0 };
  CareRecord *w = add_warranty (p, "standard", "2025-01-01", "2026-12-31", TRUE, TRUE, 0);

  price (p, FALSE, &t);
  g_assert_cmpint (t.covered_cents, ==, 17548);
  g_assert_cmpint (t.total_cents, ==, 0);
  g_assert_cmpint (t.coverage, ==, CARE_VISIT_COVERED);
  g_assert_cmpstr (t.warranty_id, ==, care_record_get_id (w));
  g_assert_cmpstr (care_visit_coverage_key (t.coverage), ==, "covered");
}

/* Start and end days are covered; the day after the end is not. */
static void
test_boundaries (Pricing *p, gconstpointer data)
{
  struct
  {
    const char *start, *end;
    gint64      total;
  } cases[] = {
    { "2024-06-15", "2026-06-14", 17548 }, /* expired yesterday */
    { "2024-06-15", VISIT_DAY, 0 },        /* ends today */
    { VISIT_DAY, "2028-06-14", 0 },        /* starts today */
    { "2026-06-16", "2028-06-14", 17548 }, /* starts tomorrow */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (CareVisitTotals) t = { 0 };

      g_ptr_array_set_size (p->warranties, 0);
      add_warranty (p, "standard", cases[i].start, cases[i].end, TRUE, TRUE, 0);
      price (p, TRUE, &t);
      if (t.total_cents != cases[i].total)
        g_error ("%s..%s: total %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT, cases[i].start,
                 cases[i].end, t.total_cents, cases[i].total);
    }
}

static void
test_parts_only (Pricing *p, gconstpointer data)
{
  g_auto (CareVisitTotals) t = { 0 };

  add_warranty (p, "standard", "2025-01-01", "2026-12-31", TRUE, FALSE, 0);
  price (p, TRUE, &t);
  g_assert_true (t.parts_covered);
  g_assert_false (t.labour_covered);
  g_assert_cmpint (t.covered_cents, ==, 8548);
  g_assert_cmpint (t.total_cents, ==, 9000);
  g_assert_cmpint (t.coverage, ==, CARE_VISIT_PARTLY_COVERED);
}

static void
test_contract_authorised (Pricing *p, gconstpointer data)
{
  g_auto (CareVisitTotals) t = { 0 };
  CareRecord *c =
      add_warranty (p, "maintenance_contract", "2026-01-01", "2026-12-31", FALSE, FALSE, 15);

  price (p, TRUE, &t);
  /* 175.48 × 15 % = 26.322 → 26.32 */
  g_assert_cmpuint (t.discount_percent, ==, 15);
  g_assert_cmpint (t.discount_cents, ==, 2632);
  g_assert_cmpint (t.total_cents, ==, 14916);
  g_assert_cmpint (t.coverage, ==, CARE_VISIT_BILLABLE);
  g_assert_cmpstr (t.warranty_id, ==, care_record_get_id (c));
}

static void
test_contract_unauthorised (Pricing *p, gconstpointer data)
{
  g_auto (CareVisitTotals) t = { 0 };

  add_warranty (p, "maintenance_contract", "2026-01-01", "2026-12-31", FALSE, FALSE, 15);
  price (p, FALSE, &t);
  g_assert_cmpuint (t.discount_percent, ==, 0);
  g_assert_cmpint (t.discount_cents, ==, 0);
  g_assert_cmpint (t.total_cents, ==, 17548);
  g_assert_null (t.warranty_id);
}

static void
test_contract_expired (Pricing *p, gconstpointer data)
{
  g_auto (CareVisitTotals) t = { 0 };

  add_warranty (p, "maintenance_contract", "2025-06-15", "2026-06-14", FALSE, FALSE, 15);
  price (p, TRUE, &t);
  g_assert_cmpint (t.discount_cents, ==, 0);
  g_assert_cmpint (t.total_cents, ==, 17548);
}

static void
test_discount_extremes (Pricing *p, gconstpointer data)
{
  g_auto (CareVisitTotals) zero = { 0 };
  g_auto (CareVisitTotals) full = { 0 };

  add_warranty (p, "maintenance_contract", "2026-01-01", "2026-12-31", FALSE, FALSE, 0);
  price (p, TRUE, &zero);
  g_assert_cmpint (zero.discount_cents, ==, 0);
  g_assert_cmpint (zero.total_cents, ==, 17548);

  add_warranty (p, "maintenance_contract", "2026-01-01", "2026-12-31", FALSE, FALSE, 100);
  price (p, TRUE, &full);
  g_assert_cmpuint (full.discount_percent, ==, 100);
  g_assert_cmpint (full.discount_cents, ==, 17548);
  g_assert_cmpint (full.total_cents, ==, 0);
}

/* A warranty covers the parts; the contract discounts only the labour left. */
static void
test_covered_and_discounted (Pricing *p, gconstpointer data)
{
  g_auto (CareVisitTotals) t = { 0 };

  add_warranty (p, "standard", "2025-01-01", "2026-12-31", TRUE, FALSE, 0);
  add_warranty (p, "maintenance_contract", "2026-01-01", "2026-12-31", FALSE, FALSE, 10);
  add_warranty (p, "maintenance_contract", "2026-01-01", "2026-12-31", FALSE, FALSE, 5);
  price (p, TRUE, &t);
  g_assert_cmpint (t.covered_cents, ==, 8548);
  g_assert_cmpuint (t.discount_percent, ==, 10); /* the largest */
  g_assert_cmpint (t.discount_cents, ==, 900);
  g_assert_cmpint (t.total_cents, ==, 8100);
  g_assert_cmpint (t.coverage, ==, CARE_VISIT_PARTLY_COVERED);
}

/* Half a cent rounds up, less rounds down: labour and discount alike. */
static void
test_rounding (void)
{
  struct
  {
    gint64 minutes, rate, percent, labour, discount;
  } cases[] = {
    { 1, 29, 0, 0, 0 },       /* 0.483 cent */
    { 1, 30, 0, 1, 0 },       /* 0.5 cent */
    { 1, 50, 0, 1, 0 },       /* 0.833 cent */
    { 7, 6001, 0, 700, 0 },   /* 700.1167 */
    { 1, 60, 50, 1, 1 },      /* 1 cent, half of it: 0.5 → 1 */
    { 1, 60, 49, 1, 0 },      /* 0.49 → 0 */
    { 10, 999, 33, 167, 55 }, /* 166.5 → 167; 167 × 33 % = 55.11 → 55 */
  };
  GDate day;

  fx_date (VISIT_DAY, &day);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GPtrArray) warranties = g_ptr_array_new_with_free_func (g_object_unref);
      g_auto (CareVisitTotals) t = { 0 };

      g_ptr_array_add (warranties, fx_warranty (NULL, NULL, "maintenance_contract", "2026-01-01",
                                                "2026-12-31", FALSE, FALSE, cases[i].percent));
      g_assert_true (care_visit_price (NULL, cases[i].minutes, cases[i].rate, warranties, &day,
                                       TRUE, &t, NULL));
      if (t.labour_cents != cases[i].labour || t.discount_cents != cases[i].discount)
        g_error ("case %u: labour %" G_GINT64_FORMAT " discount %" G_GINT64_FORMAT, i,
                 t.labour_cents, t.discount_cents);
      g_assert_cmpint (t.total_cents, ==, t.labour_cents - t.discount_cents);
    }
}

static void
test_bad_input (Pricing *p, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_auto (CareVisitTotals) t = { 0 };
  g_autoptr (GPtrArray) many = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_false (care_visit_price (p->parts, -5, 6000, NULL, &p->day, FALSE, &t, &error));
  g_assert_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID);
  g_clear_error (&error);

  /* Each line is at its schema maximum; together they exceed what a report holds. */
  for (guint i = 0; i < 11; i++)
    g_ptr_array_add (many, fx_part (NULL, NULL, "Engine", 10000, 100000000));
  g_assert_false (care_visit_price (many, 0, 0, NULL, &p->day, FALSE, &t, &error));
  g_assert_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Ten of them fit exactly. */
  g_ptr_array_set_size (many, 10);
  g_assert_true (care_visit_price (many, 0, 0, NULL, &p->day, FALSE, &t, &error));
  g_assert_cmpint (t.total_cents, ==, CARE_MAX_CENTS);
}

static void
test_money_format (void)
{
  g_autofree char *a = care_money_format (123456, "EUR");
  g_autofree char *b = care_money_format (5, NULL);
  g_autofree char *c = care_money_format (-2632, "€");

  g_assert_cmpstr (a, ==, "1234.56 EUR");
  g_assert_cmpstr (b, ==, "0.05");
  g_assert_cmpstr (c, ==, "-26.32 €");
}

/* Completing prices the report from the store, keeps the totals in it and
 * marks the appointment done, in one transaction. */
static void
test_complete (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Жана Петрова");
  g_autoptr (CareRecord) product = fx_product (store, customer, "APL-0001");
  g_autoptr (CareRecord) contract = fx_warranty (store, product, "maintenance_contract",
                                                 "2026-01-01", "2026-12-31", FALSE, FALSE, 20);
  g_autoptr (CareRecord) appointment =
      fx_appointment (store, customer, product, "maintenance", "2026-06-15T09:00:00Z",
                      "2026-06-15T10:30:00Z", "planned");
  g_autoptr (CareRecord) report = care_visit_report_new_for_appointment (appointment);
  g_autoptr (CareRecord) part = NULL;
  g_autoptr (CareRecord) back = NULL;
  g_autoptr (CareRecord) appointment_back = NULL;
  g_autoptr (CareSignature) signature = care_signature_new ();
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (care_record_get_string (report, "visit_date"), ==, VISIT_DAY);
  g_assert_cmpint (care_record_get_int (report, "minutes", -1), ==, 90);
  care_record_set_string (report, "work_done", "Cleaned the filters, replaced the seal.");
  care_record_set_int (report, "hourly_rate_cents", 6000);
  care_record_set_bool (report, "authorised_location", TRUE);
  fx_save (store, report);
  part = fx_part (store, report, "Pump seal", 1, 4550);

  care_signature_begin_stroke (signature, 10, 40);
  care_signature_add_point (signature, 60, 10);
  care_signature_add_point (signature, 120, 45);
  care_visit_report_set_signature (report, signature, "Жана Петрова", NULL);

  g_assert_true (care_visit_report_complete (store, report, &error));
  g_assert_no_error (error);

  back = care_visit_report_find_for_appointment (store, care_record_get_id (appointment), &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpstr (care_record_get_id (back), ==, care_record_get_id (report));
  g_assert_cmpint (care_record_get_int (back, "parts_cents", -1), ==, 4550);
  g_assert_cmpint (care_record_get_int (back, "labour_cents", -1), ==, 9000);
  g_assert_cmpint (care_record_get_int (back, "discount_cents", -1), ==, 2710);
  g_assert_cmpint (care_record_get_int (back, "total_cents", -1), ==, 10840);
  g_assert_cmpstr (care_record_get_string (back, "coverage"), ==, "billable");
  g_assert_cmpstr (care_record_get_string (back, "warranty_id"), ==, care_record_get_id (contract));
  g_assert_cmpstr (care_record_get_string (back, "signature"), ==, "M10 40 L60 10 L120 45");

  appointment_back = care_store_load (store, care_schema_entity (CARE_ENTITY_APPOINTMENT),
                                      care_record_get_id (appointment), &error);
  g_assert_cmpstr (care_record_get_string (appointment_back, "status"), ==, "done");
  g_assert_cmpstr (care_record_get_string (appointment_back, "work_notes"), ==,
                   "Cleaned the filters, replaced the seal.");
}

/* A report whose signature is malformed is refused; nothing is written
 * and the caller's record is as it was. */
static void
test_complete_refuses_bad_signature (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) customer = fx_customer (store, "Ana Silva");
  g_autoptr (CareRecord) appointment = fx_appointment (
      store, customer, NULL, "repair", "2026-06-15T09:00:00Z", "2026-06-15T10:00:00Z", "planned");
  g_autoptr (CareRecord) report = care_visit_report_new_for_appointment (appointment);
  g_autoptr (CareRecord) appointment_back = NULL;
  g_autoptr (GError) error = NULL;
  guint outbox;

  g_assert_null (
      care_visit_report_find_for_appointment (store, care_record_get_id (appointment), NULL));
  care_record_set_string (report, "work_done", "Checked.");
  fx_save (store, report);
  outbox = care_store_outbox_count (store);

  care_record_set_string (report, "signature", "M 10 10 L 20 20 <script>alert(1)</script>");
  g_assert_false (care_visit_report_complete (store, report, &error));
  g_assert_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID);
  g_assert_null (care_record_get_value (report, "total_cents"));
  g_assert_cmpuint (care_store_outbox_count (store), ==, outbox);

  appointment_back = care_store_load (store, care_schema_entity (CARE_ENTITY_APPOINTMENT),
                                      care_record_get_id (appointment), NULL);
  g_assert_cmpstr (care_record_get_string (appointment_back, "status"), ==, "planned");
}

/* The signature field takes a long drawing but not an unbounded one. */
static void
test_signature_field_limit (void)
{
  const CareField *f = care_schema_field (CARE_ENTITY_VISIT_REPORT, "signature");
  g_autofree char *big = g_strnfill (200001, '1');
  g_autoptr (GVariant) v = g_variant_ref_sink (g_variant_new_string (big));
  g_autoptr (GVariant) ok = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_false (care_field_validate (f, v, &error));
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_TOO_LONG);
  big[200000] = '\0';
  ok = g_variant_ref_sink (g_variant_new_string (big));
  g_assert_true (care_field_validate (f, ok, NULL));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add ("/visit-report/" path, Pricing, NULL, pricing_set_up, func, pricing_tear_down)
  ADD ("no-warranty", test_no_warranty);
  ADD ("covered", test_covered);
  ADD ("boundaries", test_boundaries);
  ADD ("parts-only", test_parts_only);
  ADD ("contract-authorised", test_contract_authorised);
  ADD ("contract-unauthorised", test_contract_unauthorised);
  ADD ("contract-expired", test_contract_expired);
  ADD ("discount-extremes", test_discount_extremes);
  ADD ("covered-and-discounted", test_covered_and_discounted);
  ADD ("bad-input", test_bad_input);
#undef ADD
  g_test_add_func ("/visit-report/rounding", test_rounding);
  g_test_add_func ("/visit-report/money-format", test_money_format);
  g_test_add_func ("/visit-report/complete", test_complete);
  g_test_add_func ("/visit-report/complete-refuses-bad-signature",
                   test_complete_refuses_bad_signature);
  g_test_add_func ("/visit-report/signature-field-limit", test_signature_field_limit);

  return g_test_run ();
}
