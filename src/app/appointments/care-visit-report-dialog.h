/* care-visit-report-dialog.h: the technician's report of one visit. */
#pragma once

#include <adwaita.h>

#include "care-context.h"

G_BEGIN_DECLS

#define CARE_TYPE_VISIT_REPORT_DIALOG (care_visit_report_dialog_get_type ())
G_DECLARE_FINAL_TYPE (
    CareVisitReportDialog, care_visit_report_dialog, CARE, VISIT_REPORT_DIALOG, AdwWindow)

CareVisitReportDialog *care_visit_report_dialog_new (GtkWindow   *parent,
                                                     CareContext *context,
                                                     CareRecord  *appointment,
                                                     GError     **error);

G_END_DECLS
