/* care-cases-view.h: service cases (complaints and warranty claims) and their workflow. */
#pragma once

#include <adwaita.h>

#include "care-view.h"

G_BEGIN_DECLS

#define CARE_TYPE_CASES_VIEW (care_cases_view_get_type ())
G_DECLARE_FINAL_TYPE (CareCasesView, care_cases_view, CARE, CASES_VIEW, CareView)

G_END_DECLS
