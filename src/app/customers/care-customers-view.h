/* care-customers-view.h: find a customer and see everything about them. */
#pragma once

#include <adwaita.h>

#include "care-view.h"

G_BEGIN_DECLS

#define CARE_TYPE_CUSTOMERS_VIEW (care_customers_view_get_type ())
G_DECLARE_FINAL_TYPE (CareCustomersView, care_customers_view, CARE, CUSTOMERS_VIEW, CareView)

G_END_DECLS
