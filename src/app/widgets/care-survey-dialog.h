/* care-survey-dialog.h: records a customer's satisfaction with a case, visit or class. */
#pragma once

#include <adwaita.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_SURVEY_DIALOG (care_survey_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CareSurveyDialog, care_survey_dialog, CARE, SURVEY_DIALOG, AdwWindow)

CareSurveyDialog *care_survey_dialog_new (GtkWindow *parent, CareStore *store, CareRecord *subject);

G_END_DECLS
