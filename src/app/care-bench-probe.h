/* care-bench-probe.h: timing of the real window, for tests/bench only. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void care_bench_probe_install (GtkApplication *app, gint64 main_us);

G_END_DECLS
