/* care-editor-dialog.h: a window to create or edit one record. */
#pragma once

#include <adwaita.h>

#include "care-record-editor.h"

G_BEGIN_DECLS

#define CARE_TYPE_EDITOR_DIALOG (care_editor_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CareEditorDialog, care_editor_dialog, CARE, EDITOR_DIALOG, AdwWindow)

CareEditorDialog *care_editor_dialog_new (GtkWindow         *parent,
                                          CareStore         *store,
                                          CareRecord        *record,
                                          const char *const *fields,
                                          const char        *title);
CareRecordEditor *care_editor_dialog_get_editor (CareEditorDialog *self);

G_END_DECLS
