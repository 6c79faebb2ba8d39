/* care-maintenance.h: maintenance plans and the visits they schedule. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

gboolean care_maintenance_visit_date (
    const GDate *start, const char *interval_unit, guint interval_count, guint index, GDate *date);
GPtrArray *care_maintenance_plan_dates (CareRecord *plan);
gboolean   care_maintenance_plan_generate (CareStore  *store,
                                           CareRecord *plan,
                                           guint      *n_created,
                                           GError    **error);
CareQuery *care_maintenance_overdue_query (GDateTime *now);
gboolean   care_maintenance_is_overdue (CareRecord *appointment, GDateTime *now);
CareQuery *care_maintenance_plan_visits_query (const char *plan_id);

G_END_DECLS
