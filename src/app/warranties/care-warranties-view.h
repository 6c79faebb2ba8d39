/* care-warranties-view.h: warranties, their coverage and "is this covered?". */
#pragma once

#include <adwaita.h>

#include "care-view.h"

G_BEGIN_DECLS

#define CARE_TYPE_WARRANTIES_VIEW (care_warranties_view_get_type ())
G_DECLARE_FINAL_TYPE (CareWarrantiesView, care_warranties_view, CARE, WARRANTIES_VIEW, CareView)

G_END_DECLS
