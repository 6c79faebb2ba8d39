/* care-customer-detail.h: everything about one customer, on one page. */
#pragma once

#include <adwaita.h>

#include "care-context.h"

G_BEGIN_DECLS

#define CARE_TYPE_CUSTOMER_DETAIL (care_customer_detail_get_type ())
G_DECLARE_FINAL_TYPE (CareCustomerDetail, care_customer_detail, CARE, CUSTOMER_DETAIL, AdwBin)

void        care_customer_detail_set_context (CareCustomerDetail *self, CareContext *context);
void        care_customer_detail_set_customer (CareCustomerDetail *self, const char *id);
const char *care_customer_detail_get_customer (CareCustomerDetail *self);
CareRecord *care_customer_detail_get_record (CareCustomerDetail *self);
void        care_customer_detail_set_hidden (CareCustomerDetail *self, const char *id);
void        care_customer_detail_refresh (CareCustomerDetail *self);
void        care_customer_detail_focus (CareCustomerDetail *self);

G_END_DECLS
