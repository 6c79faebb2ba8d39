/* care-clash-banner.h: says in an editor whether the technician or trainer is free. */
#pragma once

#include <adwaita.h>

#include "care-editor-dialog.h"

G_BEGIN_DECLS

#define CARE_TYPE_CLASH_BANNER (care_clash_banner_get_type ())
G_DECLARE_FINAL_TYPE (CareClashBanner, care_clash_banner, CARE, CLASH_BANNER, AdwActionRow)

CareClashBanner *care_clash_banner_attach (CareEditorDialog *dialog, CareStore *store);

G_END_DECLS
