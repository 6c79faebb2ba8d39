/* care-record-picker.h: a popover to search for and pick one record. */
#pragma once

#include <gtk/gtk.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_RECORD_PICKER (care_record_picker_get_type ())
G_DECLARE_FINAL_TYPE (CareRecordPicker, care_record_picker, CARE, RECORD_PICKER, GtkPopover)

GtkWidget *care_record_picker_new (CareStore *store, CareQuery *base_query);
void       care_record_picker_set_query (CareRecordPicker *self, CareQuery *base_query);

G_END_DECLS
