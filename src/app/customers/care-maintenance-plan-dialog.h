/* care-maintenance-plan-dialog.h: creates or edits a product's maintenance plan. */
#pragma once

#include <adwaita.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_MAINTENANCE_PLAN_DIALOG (care_maintenance_plan_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CareMaintenancePlanDialog,
                      care_maintenance_plan_dialog,
                      CARE,
                      MAINTENANCE_PLAN_DIALOG,
                      AdwWindow)

CareMaintenancePlanDialog *care_maintenance_plan_dialog_new (GtkWindow  *parent,
                                                             CareStore  *store,
                                                             const char *product_id,
                                                             GError    **error);

G_END_DECLS
