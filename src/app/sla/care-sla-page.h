/* care-sla-page.h: Preferences → Service Levels, for admins. */
#pragma once

#include <adwaita.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_SLA_PAGE (care_sla_page_get_type ())
G_DECLARE_FINAL_TYPE (CareSlaPage, care_sla_page, CARE, SLA_PAGE, AdwPreferencesPage)

CareSlaPage *care_sla_page_new (CareStore *store);

G_END_DECLS
