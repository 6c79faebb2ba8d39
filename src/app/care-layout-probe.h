/* care-layout-probe.h: reports cut text in the real window, for the UI tests only. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void care_layout_probe_install (GtkApplication *app);

G_END_DECLS
