/* care-server-blobs.h: attachment files, stored by their SHA-256, uploaded in resumable chunks. */
#pragma once

#include <gio/gio.h>

#include "care-attachment-file.h"

G_BEGIN_DECLS

/* The largest file the server keeps. */
#define CARE_SERVER_BLOB_MAX_SIZE ((goffset) CARE_ATTACHMENT_MAX_SIZE)

#define CARE_SERVER_BLOB_ERROR (care_server_blob_error_quark ())
GQuark care_server_blob_error_quark (void);

typedef enum
{
  CARE_SERVER_BLOB_ERROR_NOT_FOUND,     /* no complete file of that hash */
  CARE_SERVER_BLOB_ERROR_OFFSET,        /* a chunk that does not start where the upload stands */
  CARE_SERVER_BLOB_ERROR_HASH_MISMATCH, /* the whole file's SHA-256 is not its name */
  CARE_SERVER_BLOB_ERROR_SIZE,      /* a size that disagrees with the upload or the stored file */
  CARE_SERVER_BLOB_ERROR_TOO_LARGE, /* over CARE_SERVER_BLOB_MAX_SIZE */
} CareServerBlobError;

#define CARE_TYPE_SERVER_BLOBS (care_server_blobs_get_type ())
G_DECLARE_FINAL_TYPE (CareServerBlobs, care_server_blobs, CARE, SERVER_BLOBS, GObject)

CareServerBlobs *care_server_blobs_new (const char *dir, GError **error);
const char      *care_server_blobs_get_dir (CareServerBlobs *self);
GBytes          *care_server_blobs_read (CareServerBlobs *self, const char *sha256, GError **error);
goffset  care_server_blobs_received (CareServerBlobs *self, const char *sha256, goffset total);
gboolean care_server_blobs_write (CareServerBlobs *self,
                                  const char      *sha256,
                                  goffset          start,
                                  goffset          total,
                                  GBytes          *chunk,
                                  goffset         *out_offset,
                                  gboolean        *out_complete,
                                  GError         **error);

gboolean care_server_blobs_collect (CareServerBlobs *self,
                                    GHashTable      *referenced,
                                    gint64           now,
                                    guint           *out_removed,
                                    guint64         *out_bytes,
                                    GError         **error);

G_END_DECLS
