/* care-record-editor.h: a form for any record, built from its schema. */
#pragma once

#include <adwaita.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_RECORD_EDITOR (care_record_editor_get_type ())
G_DECLARE_FINAL_TYPE (CareRecordEditor, care_record_editor, CARE, RECORD_EDITOR, GtkWidget)

GtkWidget *care_record_editor_new (CareStore *store, CareRecord *record, const char *const *fields);
CareRecord *care_record_editor_get_record (CareRecordEditor *self);
void care_record_editor_set_ref_query (CareRecordEditor *self, const char *field, CareQuery *query);
gboolean care_record_editor_is_valid (CareRecordEditor *self);
gboolean care_record_editor_save (CareRecordEditor *self, GError **error);
void     care_record_editor_focus_first (CareRecordEditor *self);
void
care_record_editor_show_problem (CareRecordEditor *self, const char *field, const char *message);

void     care_record_editor_insert_row (CareRecordEditor *self, const char *after, GtkWidget *row);
void     care_record_editor_set_value (CareRecordEditor *self, const char *field, GVariant *value);
gboolean care_record_editor_is_touched (CareRecordEditor *self, const char *field);
void     care_record_editor_require_choice (CareRecordEditor *self,
                                            const char       *field,
                                            const char       *placeholder);

G_END_DECLS
