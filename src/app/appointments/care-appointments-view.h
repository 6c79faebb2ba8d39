/* care-appointments-view.h: the agenda of visits and calls, by day or week. */
#pragma once

#include <adwaita.h>

#include "care-view.h"

G_BEGIN_DECLS

#define CARE_TYPE_APPOINTMENTS_VIEW (care_appointments_view_get_type ())
G_DECLARE_FINAL_TYPE (
    CareAppointmentsView, care_appointments_view, CARE, APPOINTMENTS_VIEW, CareView)

G_END_DECLS
