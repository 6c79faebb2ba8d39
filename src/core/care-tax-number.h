/* care-tax-number.h: tax numbers with their country code first, checked
 * where the country's number has a checksum. */
#pragma once

#include "care-schema.h"

G_BEGIN_DECLS

/* The tax number field's rule: care_tax_number_normalize, then
 * care_tax_number_check. */
extern const CareFieldRule care_tax_number_rule;

char       *care_tax_number_normalize (const char *text);
const char *care_tax_number_check (const char *value);

G_END_DECLS
