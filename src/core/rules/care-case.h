/* care-case.h: the service case workflow: which status may follow which. */
#pragma once

#include "care-store.h"
#include "care-warranty.h"

G_BEGIN_DECLS

#define CARE_CASE_ERROR (care_case_error_quark ())

typedef enum
{
  CARE_CASE_ERROR_INVALID_TRANSITION,
  CARE_CASE_ERROR_RESOLUTION_REQUIRED,
  CARE_CASE_ERROR_NO_PRODUCT,
} CareCaseError;

GQuark care_case_error_quark (void);

const char *const *care_case_next_statuses (const char *status);
gboolean           care_case_can_transition (const char *from, const char *to);
gboolean           care_case_is_open (const char *status);
const char *const *care_case_open_statuses (void);
gboolean           care_case_transition (CareRecord *service_case,
                                         const char *to,
                                         const char *resolution,
                                         GError    **error);
CareRecord *
care_case_new_warranty_claim (CareStore *store, CareRecord *warranty, GDate *today, GError **error);

G_END_DECLS
