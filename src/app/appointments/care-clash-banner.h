/* care-clash-banner.h: warns in an editor that the technician or trainer is booked. */
#pragma once

#include <adwaita.h>

#include "care-editor-dialog.h"

G_BEGIN_DECLS

#define CARE_TYPE_CLASH_BANNER (care_clash_banner_get_type ())
G_DECLARE_FINAL_TYPE (CareClashBanner, care_clash_banner, CARE, CLASH_BANNER, AdwBin)

CareClashBanner *care_clash_banner_attach (CareEditorDialog *dialog, CareStore *store);

G_END_DECLS
