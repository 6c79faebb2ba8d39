/* care-attachment-file.h: what an attachment's file may be: its SHA-256
 * name and the content types client and server both take. */
#pragma once

#include "care-schema.h"

G_BEGIN_DECLS

/* The largest file an attachment may have. */
#define CARE_ATTACHMENT_MAX_SIZE ((gint64) 50 * 1024 * 1024)

extern const CareFieldRule care_sha256_rule;
extern const CareFieldRule care_attachment_type_rule;

gboolean    care_sha256_is_valid (const char *text);
const char *care_sha256_check (const char *value);
gboolean    care_attachment_type_is_allowed (const char *content_type);
const char *care_attachment_type_check (const char *value);

G_END_DECLS
