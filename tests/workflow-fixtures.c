/* workflow-fixtures.c: records the workflow tests build on, saved through the real store. */
#include "config.h"

#include "workflow-fixtures.h"
#include "care-workflow.h"

CareStore *
fx_store (void)
{
  g_autoptr (GError) error = NULL;
  CareStore *store = care_store_new (":memory:", &error);

  g_assert_no_error (error);
  return store;
}

/* Saves @record (asserting success) and returns it. */
CareRecord *
fx_save (CareStore *store, CareRecord *record)
{
  g_autoptr (GError) error = NULL;

  if (store == NULL)
    return record;
  care_store_save (store, record, &error);
  g_assert_no_error (error);
  return record;
}

CareRecord *
fx_staff (CareStore *store, const char *name, const char *role)
{
  CareRecord *r = care_record_new (care_schema_entity (CARE_ENTITY_STAFF));

  care_record_set_string (r, "name", name);
  care_record_set_string (r, "role", role);
  return fx_save (store, r);
}

CareRecord *
fx_customer (CareStore *store, const char *name)
{
  CareRecord *r = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));

  care_record_set_string (r, "kind", "person");
  care_record_set_string (r, "name", name);
  care_record_set_string (r, "address", "Rua Augusta 1, Lisboa");
  return fx_save (store, r);
}

CareRecord *
fx_product (CareStore *store, CareRecord *customer, const char *serial)
{
  CareRecord *r = care_record_new (care_schema_entity (CARE_ENTITY_PRODUCT));

  care_record_set_string (r, "customer_id", care_record_get_id (customer));
  care_record_set_string (r, "serial", serial);
  care_record_set_string (r, "name", "Heat pump");
  care_record_set_string (r, "model", "Aquarea 9kW");
  care_record_set_string (r, "category", "appliance");
  care_record_set_string (r, "purchase_date", "2024-01-10");
  return fx_save (store, r);
}

CareRecord *
fx_warranty (CareStore  *store,
             CareRecord *product,
             const char *kind,
             const char *start,
             const char *end,
             gboolean    parts,
             gboolean    labour,
             gint64      discount_percent)
{
  CareRecord *r = care_record_new (care_schema_entity (CARE_ENTITY_WARRANTY));

  care_record_set_string (r, "product_id",
                          product != NULL ? care_record_get_id (product)
                                          : "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10");
  care_record_set_string (r, "kind", kind);
  care_record_set_string (r, "start_date", start);
  care_record_set_string (r, "end_date", end);
  care_record_set_bool (r, "covers_parts", parts);
  care_record_set_bool (r, "covers_labour", labour);
  care_record_set_int (r, "discount_percent", discount_percent);
  return fx_save (store, r);
}

CareRecord *
fx_appointment (CareStore  *store,
                CareRecord *customer,
                CareRecord *product,
                const char *kind,
                const char *start_at,
                const char *end_at,
                const char *status)
{
  CareRecord *r = care_record_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));

  care_record_set_string (r, "kind", kind);
  care_record_set_string (r, "customer_id", care_record_get_id (customer));
  if (product != NULL)
    care_record_set_string (r, "product_id", care_record_get_id (product));
  care_record_set_string (r, "start_at", start_at);
  care_record_set_string (r, "end_at", end_at);
  care_record_set_string (r, "status", status);
  return fx_save (store, r);
}

CareRecord *
fx_part (CareStore  *store,
         CareRecord *report,
         const char *name,
         gint64      quantity,
         gint64      unit_price_cents)
{
  CareRecord *r = care_record_new (care_schema_entity (CARE_ENTITY_PART_USAGE));

  care_record_set_string (r, "visit_report_id",
                          report != NULL ? care_record_get_id (report)
                                         : "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10");
  care_record_set_string (r, "name", name);
  care_record_set_int (r, "quantity", quantity);
  care_record_set_int (r, "unit_price_cents", unit_price_cents);
  return fx_save (store, r);
}

guint
fx_count (CareStore *store, const char *entity)
{
  g_autoptr (CareQuery) q = care_query_new (care_schema_lookup (entity));
  g_autoptr (GError) error = NULL;
  guint n = care_store_count (store, q, NULL, &error);

  g_assert_no_error (error);
  return n;
}

GDateTime *
fx_time (const char *iso)
{
  GDateTime *dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);
  return dt;
}

/* Asserts that @field of @record is @hour:00 local time on @day: slots
 * are booked in the time of the people who keep them, stored in UTC. */
void
fx_assert_local_slot (CareRecord *record, const char *field, const char *day, int hour)
{
  g_autoptr (GDateTime) local = NULL;
  g_autoptr (GDateTime) utc = NULL;
  g_autofree char *expected = NULL;
  GDate            date;

  g_assert_true (care_date_from_iso (day, &date));
  local = g_date_time_new_local (g_date_get_year (&date), g_date_get_month (&date),
                                 g_date_get_day (&date), hour, 0, 0);
  utc = g_date_time_to_utc (local);
  expected = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  g_assert_cmpstr (care_record_get_string (record, field), ==, expected);
}

void
fx_date (const char *iso, GDate *date)
{
  g_assert_true (care_date_from_iso (iso, date));
}
