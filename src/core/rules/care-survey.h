/* care-survey.h: satisfaction surveys and their averages. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

typedef struct
{
  char  *customer_id; /* NULL for the overall figures */
  guint  count;
  double average; /* 0 when count is 0 */
} CareSurveyStats;

const char *care_survey_subject_field (CareRecord *subject);
CareRecord *
care_survey_new_for (CareStore *store, CareRecord *subject, const char *contact_id, GError **error);
gboolean   care_survey_stats (CareStore       *store,
                              const char      *customer_id,
                              CareSurveyStats *stats,
                              GError         **error);
GPtrArray *care_survey_customer_averages (CareStore *store, guint limit, GError **error);
void       care_survey_stats_clear (CareSurveyStats *stats);
void       care_survey_stats_free (CareSurveyStats *stats);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CareSurveyStats, care_survey_stats_clear)

G_END_DECLS
