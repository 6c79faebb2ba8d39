/* care-window.h: the main window: a sidebar of views beside the current one. */
#pragma once

#include <adwaita.h>

#include "care-application.h"

G_BEGIN_DECLS

#define CARE_TYPE_WINDOW (care_window_get_type ())
G_DECLARE_FINAL_TYPE (CareWindow, care_window, CARE, WINDOW, AdwApplicationWindow)

CareWindow      *
care_window_new (CareApplication *application, CareContext *context, const GError *open_error);
void care_window_load_demo (CareWindow *self, guint n_customers);

G_END_DECLS
