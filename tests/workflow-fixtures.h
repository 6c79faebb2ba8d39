/* workflow-fixtures.h: records the workflow tests build on, saved through the real store. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

CareStore  *fx_store (void);
CareRecord *fx_save (CareStore *store, CareRecord *record);
CareRecord *fx_staff (CareStore *store, const char *name, const char *role);
CareRecord *fx_customer (CareStore *store, const char *name);
CareRecord *fx_product (CareStore *store, CareRecord *customer, const char *serial);
CareRecord *fx_warranty (CareStore  *store, /* nullable: unsaved */
                         CareRecord *product,
                         const char *kind,
                         const char *start,
                         const char *end,
                         gboolean    parts,
                         gboolean    labour,
                         gint64      discount_percent);
CareRecord *fx_appointment (CareStore  *store,
                            CareRecord *customer,
                            CareRecord *product,
                            const char *kind,
                            const char *start_at,
                            const char *end_at,
                            const char *status);
CareRecord *fx_part (CareStore  *store, /* nullable: unsaved */
                     CareRecord *report,
                     const char *name,
                     gint64      quantity,
                     gint64      unit_price_cents);
guint       fx_count (CareStore *store, const char *entity);
GDateTime  *fx_time (const char *iso);
void        fx_assert_local_slot (CareRecord *record, const char *field, const char *day, int hour);
void        fx_date (const char *iso, GDate *date);

G_END_DECLS
