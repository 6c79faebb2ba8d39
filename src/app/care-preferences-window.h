/* care-preferences-window.h: the settings a user may change. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CARE_TYPE_PREFERENCES_WINDOW (care_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (
    CarePreferencesWindow, care_preferences_window, CARE, PREFERENCES_WINDOW, AdwPreferencesWindow)

CarePreferencesWindow *care_preferences_window_new (GtkWindow *parent, GSettings *settings);

G_END_DECLS
