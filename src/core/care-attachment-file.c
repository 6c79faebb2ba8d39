/* care-attachment-file.c: what an attachment's file may be: its SHA-256
 * name and the content types client and server both take.
 *
 * One list for both sides: a client refuses at once what the server would
 * refuse after the upload, and the protocol reference prints it. */
#define G_LOG_DOMAIN "care-attachment"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "care-attachment-file.h"

/* Photos (a phone's HEIC too), scanned or e-mailed documents, office
 * files, short videos of a fault. Anything else, executables and archives
 * first, is refused. */
static const char *const allowed_types[] = {
  "image/jpeg",
  "image/png",
  "image/webp",
  "image/heic",
  "image/heif",
  "image/gif",
  "image/tiff",
  "application/pdf",
  "text/plain",
  "text/csv",
  "message/rfc822",
  "video/mp4",
  "video/quicktime",
  "application/vnd.oasis.opendocument.text",
  "application/vnd.oasis.opendocument.spreadsheet",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  NULL,
};

/* Whether @text is a SHA-256 as files are named: 64 lowercase hex digits. */
gboolean
care_sha256_is_valid (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isdigit (text[i]) && !(text[i] >= 'a' && text[i] <= 'f'))
      return FALSE;
  return TRUE;
}

const char *
care_sha256_check (const char *value)
{
  return care_sha256_is_valid (value) ? NULL : _ ("must be a SHA-256 in lowercase hexadecimal");
}

/* Whether files of @content_type (without parameters) may be attached. */
gboolean
care_attachment_type_is_allowed (const char *content_type)
{
  return content_type != NULL && g_strv_contains (allowed_types, content_type);
}

const char *
care_attachment_type_check (const char *value)
{
  return care_attachment_type_is_allowed (value) ? NULL
                                                 : _ ("is not a type of file that can be attached");
}

const CareFieldRule care_sha256_rule = {
  .normalize = NULL,
  .check = care_sha256_check,
  .description = "a SHA-256 in lowercase hexadecimal (64 digits)",
};

const CareFieldRule care_attachment_type_rule = {
  .normalize = NULL,
  .check = care_attachment_type_check,
  .description = "one of `image/jpeg`, `image/png`, `image/webp`, `image/heic`, `image/heif`, "
                 "`image/gif`, `image/tiff`, `application/pdf`, `text/plain`, `text/csv`, "
                 "`message/rfc822`, `video/mp4`, `video/quicktime`, OpenDocument text and "
                 "spreadsheet, Office Open XML document and workbook",
};
