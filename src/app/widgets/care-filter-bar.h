/* care-filter-bar.h: the bar above a list narrowed by a link from a summary. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CARE_TYPE_FILTER_BAR (care_filter_bar_get_type ())
G_DECLARE_FINAL_TYPE (CareFilterBar, care_filter_bar, CARE, FILTER_BAR, AdwBin)

GtkWidget  *care_filter_bar_new (void);
void        care_filter_bar_set_title (CareFilterBar *self, const char *title);
const char *care_filter_bar_get_title (CareFilterBar *self);

G_END_DECLS
