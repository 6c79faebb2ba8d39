/* care-server-blobs.c: attachment files, stored by their SHA-256, uploaded in resumable chunks.
 *
 * A file lives at DIR/ab/abcdef… (its SHA-256 in lowercase hexadecimal,
 * under a folder of its first two digits, so that no folder holds
 * millions of names). An upload grows DIR/partial/SHA-TOTAL.part one chunk
 * at a time, each appended at the offset the client names and synced
 * before it is acknowledged; the last chunk has the whole file hashed, and
 * only a file whose hash is its name is renamed into place. So a server
 * killed mid-upload leaves at most a partial file, never a wrong blob, and
 * the upload resumes where the last acknowledged chunk ended. Several
 * servers may share DIR: a chunk is appended under an exclusive lock on
 * its partial file, and a rename is atomic. */
#define G_LOG_DOMAIN "care-server"
/* flock(), O_CLOEXEC and O_DIRECTORY, which -std=c11 hides. */
#define _DEFAULT_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "care-attachment-file.h"
#include "care-server-blobs.h"

struct _CareServerBlobs
{
  GObject parent_instance;

  char *dir;
  char *partial_dir;
};

G_DEFINE_FINAL_TYPE (CareServerBlobs, care_server_blobs, G_TYPE_OBJECT)
G_DEFINE_QUARK (care - server - blob - error - quark, care_server_blob_error)

static void
care_server_blobs_finalize (GObject *object)
{
  CareServerBlobs *self = CARE_SERVER_BLOBS (object);

  g_free (self->dir);
  g_free (self->partial_dir);

  G_OBJECT_CLASS (care_server_blobs_parent_class)->finalize (object);
}

static void
care_server_blobs_class_init (CareServerBlobsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = care_server_blobs_finalize;
}

static void
care_server_blobs_init (CareServerBlobs *self)
{
}

static gboolean
make_dir (const char *path, GError **error)
{
  int saved_errno;

  if (g_mkdir_with_parents (path, 0750) == 0)
    return TRUE;

  saved_errno = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _ ("Could not create the folder “%s”: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

/**
 * care_server_blobs_new:
 * @dir: the folder the files live in; created if missing
 */
CareServerBlobs *
care_server_blobs_new (const char *dir, GError **error)
{
  g_autoptr (CareServerBlobs) self = g_object_new (CARE_TYPE_SERVER_BLOBS, NULL);

  g_return_val_if_fail (dir != NULL, NULL);

  self->dir = g_canonicalize_filename (dir, NULL);
  self->partial_dir = g_build_filename (self->dir, "partial", NULL);
  if (!make_dir (self->partial_dir, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
care_server_blobs_get_dir (CareServerBlobs *self)
{
  g_return_val_if_fail (CARE_IS_SERVER_BLOBS (self), NULL);

  return self->dir;
}

static char *
blob_path (CareServerBlobs *self, const char *sha256)
{
  char prefix[3] = { sha256[0], sha256[1], '\0' };

  return g_build_filename (self->dir, prefix, sha256, NULL);
}

static char *
partial_path (CareServerBlobs *self, const char *sha256, goffset total)
{
  g_autofree char *name = g_strdup_printf ("%s-%" G_GINT64_FORMAT ".part", sha256, (gint64) total);

  return g_build_filename (self->partial_dir, name, NULL);
}

/* The stored file's size, or -1 when there is none. */
static goffset
stored_size (CareServerBlobs *self, const char *sha256)
{
  g_autofree char *path = blob_path (self, sha256);
  GStatBuf         st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return -1;
  return (goffset) st.st_size;
}

/**
 * care_server_blobs_read:
 *
 * Returns: (transfer full): the whole file, mapped, or %NULL with
 *   %CARE_SERVER_BLOB_ERROR_NOT_FOUND when it is not (yet) stored
 */
GBytes *
care_server_blobs_read (CareServerBlobs *self, const char *sha256, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GMappedFile) mapped = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (CARE_IS_SERVER_BLOBS (self), NULL);
  g_return_val_if_fail (care_sha256_is_valid (sha256), NULL);

  path = blob_path (self, sha256);
  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error_literal (error, CARE_SERVER_BLOB_ERROR, CARE_SERVER_BLOB_ERROR_NOT_FOUND,
                             _ ("No file with this SHA-256 is stored"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_mapped_file_get_bytes (mapped);
}

/* How much of a file of @total bytes the server holds: @total once it is
 * stored, else what its upload has received so far (0 before the first
 * chunk). */
goffset
care_server_blobs_received (CareServerBlobs *self, const char *sha256, goffset total)
{
  g_autofree char *path = NULL;
  GStatBuf         st;
  goffset          size;

  g_return_val_if_fail (CARE_IS_SERVER_BLOBS (self), 0);
  g_return_val_if_fail (care_sha256_is_valid (sha256), 0);

  if ((size = stored_size (self, sha256)) >= 0)
    return size;
  path = partial_path (self, sha256, total);
  if (g_stat (path, &st) != 0)
    return 0;
  return (goffset) st.st_size;
}

static gboolean
io_error (GError **error, const char *what, const char *path)
{
  int saved_errno = errno;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s “%s”: %s", what, path,
               g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int fd, const guint8 *data, gsize len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* The SHA-256 of what @fd holds, read from its start. */
static char *
hash_fd (int fd)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 buf[64 * 1024];
  gssize n;

  if (lseek (fd, 0, SEEK_SET) < 0)
    return NULL;
  while ((n = read (fd, buf, sizeof buf)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return NULL;
      g_checksum_update (checksum, buf, (gsize) n);
    }
  return g_strdup (g_checksum_get_string (checksum));
}

static void
sync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/* Moves a complete, verified upload into place. */
static gboolean
store_upload (CareServerBlobs *self, const char *sha256, const char *partial, GError **error)
{
  g_autofree char *path = blob_path (self, sha256);
  g_autofree char *dir = g_path_get_dirname (path);

  if (!make_dir (dir, error))
    return FALSE;
  if (g_rename (partial, path) != 0)
    return io_error (error, _ ("Could not store the file"), path);
  sync_dir (dir);
  return TRUE;
}

/* Appends @chunk at @start to the open, locked upload in @fd, and on its
 * last byte verifies the whole file and stores it. */
static gboolean
append_chunk (CareServerBlobs *self,
              int              fd,
              const char      *partial,
              const char      *sha256,
              goffset          start,
              goffset          total,
              GBytes          *chunk,
              goffset         *out_offset,
              gboolean        *out_complete,
              GError         **error)
{
  struct stat      st;
  gsize            len;
  const guint8    *data = g_bytes_get_data (chunk, &len);
  g_autofree char *actual = NULL;

  if (fstat (fd, &st) != 0)
    return io_error (error, _ ("Could not read the upload"), partial);
  *out_offset = (goffset) st.st_size;
  if ((goffset) st.st_size != start)
    {
      g_set_error (error, CARE_SERVER_BLOB_ERROR, CARE_SERVER_BLOB_ERROR_OFFSET,
                   _ ("The upload stands at byte %lld, not at the chunk's first byte %lld"),
                   (long long) st.st_size, (long long) start);
      return FALSE;
    }

  if (lseek (fd, 0, SEEK_END) < 0 || !write_all (fd, data, len) || fsync (fd) != 0)
    return io_error (error, _ ("Could not write the upload"), partial);
  *out_offset = start + (goffset) len;
  if (*out_offset < total)
    return TRUE;

  actual = hash_fd (fd);
  if (actual == NULL)
    return io_error (error, _ ("Could not read the upload"), partial);
  if (strcmp (actual, sha256) != 0)
    {
      /* Bytes that are not the file named: the upload starts over. */
      g_unlink (partial);
      *out_offset = 0;
      g_set_error (error, CARE_SERVER_BLOB_ERROR, CARE_SERVER_BLOB_ERROR_HASH_MISMATCH,
                   _ ("The file's SHA-256 is %s, not the one it was uploaded as"), actual);
      return FALSE;
    }
  if (!store_upload (self, sha256, partial, error))
    return FALSE;
  *out_complete = TRUE;
  return TRUE;
}

/**
 * care_server_blobs_write:
 * @start: the offset of @chunk's first byte in the file
 * @total: the file's whole size
 * @out_offset: (out): how many bytes of the file the server now holds
 *   (also when the chunk is refused for its offset: the client resumes there)
 * @out_complete: (out): whether the file is now stored
 *
 * Appends one chunk of an upload. A file already stored is not written
 * again: a repeated or retried upload of the same content stores it once.
 */
gboolean
care_server_blobs_write (CareServerBlobs *self,
                         const char      *sha256,
                         goffset          start,
                         goffset          total,
                         GBytes          *chunk,
                         goffset         *out_offset,
                         gboolean        *out_complete,
                         GError         **error)
{
  g_autofree char *partial = NULL;
  goffset          size;
  gsize            len;
  gboolean         ok;
  int              fd;

  g_return_val_if_fail (CARE_IS_SERVER_BLOBS (self), FALSE);
  g_return_val_if_fail (care_sha256_is_valid (sha256), FALSE);
  g_return_val_if_fail (chunk != NULL, FALSE);

  len = g_bytes_get_size (chunk);
  *out_offset = 0;
  *out_complete = FALSE;

  if (total > CARE_SERVER_BLOB_MAX_SIZE)
    {
      g_autofree char *limit =
          g_format_size_full ((guint64) CARE_SERVER_BLOB_MAX_SIZE, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, CARE_SERVER_BLOB_ERROR, CARE_SERVER_BLOB_ERROR_TOO_LARGE,
                   _ ("The file is larger than %s, the most the server keeps"), limit);
      return FALSE;
    }
  if (total <= 0 || start < 0 || len == 0 || start + (goffset) len > total)
    {
      g_set_error (error, CARE_SERVER_BLOB_ERROR, CARE_SERVER_BLOB_ERROR_SIZE,
                   _ ("The chunk does not fit in a file of %lld bytes"), (long long) total);
      return FALSE;
    }

  if ((size = stored_size (self, sha256)) >= 0)
    {
      if (size != total)
        {
          g_set_error (error, CARE_SERVER_BLOB_ERROR, CARE_SERVER_BLOB_ERROR_SIZE,
                       _ ("The stored file of this SHA-256 has %lld bytes"), (long long) size);
          return FALSE;
        }
      *out_offset = size;
      *out_complete = TRUE;
      return TRUE;
    }

  partial = partial_path (self, sha256, total);
  fd = open (partial, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0)
    return io_error (error, _ ("Could not open the upload"), partial);
  if (flock (fd, LOCK_EX) != 0)
    {
      io_error (error, _ ("Could not lock the upload"), partial);
      close (fd);
      return FALSE;
    }

  /* Another server may have completed this file while we waited. */
  if ((size = stored_size (self, sha256)) >= 0)
    {
      close (fd);
      *out_offset = size;
      *out_complete = TRUE;
      return TRUE;
    }

  ok = append_chunk (self, fd, partial, sha256, start, total, chunk, out_offset, out_complete,
                     error);
  close (fd);
  return ok;
}

/* Removes @path if it was last written before @before (seconds since the
 * epoch), adding its size to @bytes. */
static void
remove_if_older (const char *path, gint64 before, guint *removed, guint64 *bytes)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || (gint64) st.st_mtime >= before)
    return;
  if (g_unlink (path) == 0)
    {
      (*removed)++;
      *bytes += (guint64) st.st_size;
    }
}

/**
 * care_server_blobs_collect:
 * @referenced: (element-type utf8): the SHA-256 of every file a live
 *   record refers to
 * @now: seconds since the epoch
 * @out_removed: (out): how many files and uploads were removed
 * @out_bytes: (out): their size
 *
 * Removes the files no record refers to, and the uploads abandoned for a
 * week. A file younger than an hour stays even unreferenced: a client
 * uploads a file before it pushes the record that names it.
 */
gboolean
care_server_blobs_collect (CareServerBlobs *self,
                           GHashTable      *referenced,
                           gint64           now,
                           guint           *out_removed,
                           guint64         *out_bytes,
                           GError         **error)
{
  g_autoptr (GDir) top = NULL;
  g_autoptr (GDir) partial = NULL;
  const char *name;

  g_return_val_if_fail (CARE_IS_SERVER_BLOBS (self), FALSE);

  *out_removed = 0;
  *out_bytes = 0;
  if ((top = g_dir_open (self->dir, 0, error)) == NULL)
    return FALSE;
  while ((name = g_dir_read_name (top)) != NULL)
    {
      g_autofree char *sub = g_build_filename (self->dir, name, NULL);
      g_autoptr (GDir) files = NULL;
      const char *file;

      if (strlen (name) != 2 || (files = g_dir_open (sub, 0, NULL)) == NULL)
        continue;
      while ((file = g_dir_read_name (files)) != NULL)
        {
          g_autofree char *path = g_build_filename (sub, file, NULL);

          if (!care_sha256_is_valid (file) || g_hash_table_contains (referenced, file))
            continue;
          remove_if_older (path, now - 60 * 60, out_removed, out_bytes);
        }
    }

  if ((partial = g_dir_open (self->partial_dir, 0, error)) == NULL)
    return FALSE;
  while ((name = g_dir_read_name (partial)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->partial_dir, name, NULL);

      remove_if_older (path, now - 7 * 24 * 60 * 60, out_removed, out_bytes);
    }
  return TRUE;
}
