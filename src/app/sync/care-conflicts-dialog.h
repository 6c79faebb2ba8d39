/* care-conflicts-dialog.h: edits the server did not take, for the user to decide. */
#pragma once

#include <adwaita.h>

#include "care-sync-engine.h"

G_BEGIN_DECLS

#define CARE_TYPE_CONFLICTS_DIALOG (care_conflicts_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CareConflictsDialog, care_conflicts_dialog, CARE, CONFLICTS_DIALOG, AdwWindow)

CareConflictsDialog *care_conflicts_dialog_new (GtkWindow *parent, CareSyncEngine *engine);

G_END_DECLS
