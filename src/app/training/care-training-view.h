/* care-training-view.h: training courses, their sessions, seats and participants. */
#pragma once

#include <adwaita.h>

#include "care-view.h"

G_BEGIN_DECLS

#define CARE_TYPE_TRAINING_VIEW (care_training_view_get_type ())
G_DECLARE_FINAL_TYPE (CareTrainingView, care_training_view, CARE, TRAINING_VIEW, CareView)

G_END_DECLS
