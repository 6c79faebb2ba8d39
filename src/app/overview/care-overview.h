/* care-overview.h: the first page: a welcome when empty, the day's figures otherwise. */
#pragma once

#include <adwaita.h>

#include "care-view.h"

G_BEGIN_DECLS

#define CARE_TYPE_OVERVIEW (care_overview_get_type ())
G_DECLARE_FINAL_TYPE (CareOverview, care_overview, CARE, OVERVIEW, CareView)

G_END_DECLS
