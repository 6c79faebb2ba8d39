/* care-survey-group.h: the satisfaction surveys about one case, visit or class. */
#pragma once

#include <adwaita.h>

#include "care-record-group.h"

G_BEGIN_DECLS

#define CARE_TYPE_SURVEY_GROUP (care_survey_group_get_type ())
G_DECLARE_FINAL_TYPE (CareSurveyGroup, care_survey_group, CARE, SURVEY_GROUP, CareRecordGroup)

void
care_survey_group_set_subject (CareSurveyGroup *self, CareContext *context, CareRecord *subject);

GtkWidget *care_survey_summary_new (CareStore *store, const char *customer_id);

G_END_DECLS
