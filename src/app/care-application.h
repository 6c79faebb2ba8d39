/* care-application.h: the Aftercare application. */
#pragma once

#include <adwaita.h>

#include "care-context.h"

G_BEGIN_DECLS

#define CARE_TYPE_APPLICATION (care_application_get_type ())
G_DECLARE_FINAL_TYPE (CareApplication, care_application, CARE, APPLICATION, AdwApplication)

CareApplication *care_application_new (void);

G_END_DECLS
