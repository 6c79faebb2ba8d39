/* care-case-returns.h: the returns and exchanges of one service case. */
#pragma once

#include <adwaita.h>

#include "care-record-group.h"

G_BEGIN_DECLS

#define CARE_TYPE_CASE_RETURNS (care_case_returns_get_type ())
G_DECLARE_FINAL_TYPE (CareCaseReturns, care_case_returns, CARE, CASE_RETURNS, CareRecordGroup)

void
care_case_returns_set_case (CareCaseReturns *self, CareContext *context, CareRecord *service_case);

G_END_DECLS
