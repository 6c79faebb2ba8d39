/* care-format.h: values shown to a user, in their locale. */
#pragma once

#include "care-date-format.h"
#include "care-store.h"

G_BEGIN_DECLS

char *care_format_value (const CareField *field, GVariant *value);
char *care_format_record_field (CareRecord *record, const char *field);

char       *care_format_title (CareStore *store, CareRecord *record);
char       *care_format_subtitle (CareRecord *record);
char       *care_format_phone (const char *phone);
char       *care_format_reference (CareStore *store, const CareField *field, const char *id);
CareRecord *care_format_load_reference (CareStore *store, CareRecord *record, const char *field);
char       *care_format_record_reference (CareStore *store, CareRecord *record, const char *field);
const char *care_format_language (const char *code);

G_END_DECLS
