/* care-rma-dialog.h: records a return or an exchange for a service case. */
#pragma once

#include <adwaita.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_RMA_DIALOG (care_rma_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CareRmaDialog, care_rma_dialog, CARE, RMA_DIALOG, AdwWindow)

CareRmaDialog *care_rma_dialog_new (GtkWindow  *parent,
                                    CareStore  *store,
                                    CareRecord *service_case,
                                    CareRecord *rma);

G_END_DECLS
