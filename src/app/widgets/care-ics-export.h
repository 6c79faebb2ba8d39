/* care-ics-export.h: save one appointment or training session as a .ics file. */
#pragma once

#include <gtk/gtk.h>

#include "care-store.h"

G_BEGIN_DECLS

char *care_ics_export_file_name (CareRecord *event, const char *title);
void
care_ics_export_event (GtkWidget *widget, CareStore *store, CareRecord *event, const char *title);

G_END_DECLS
