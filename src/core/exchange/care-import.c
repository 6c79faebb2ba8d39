/* care-import.c: what every importer shares: the error domain, the size
 * limit, the per-record report and saving one imported record.
 *
 * Imports are per record: each record is one care_store_save(), so it is a
 * normal user edit with its outbox mutation (it syncs like typed data), and
 * a record is either saved whole or skipped with its line and the reason.
 * Problems that make the whole file unreadable (too large, not UTF-8,
 * broken structure) fail before anything is written. */
#define G_LOG_DOMAIN "care-import"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "care-import.h"

G_DEFINE_QUARK (care_import_error_quark, care_import_error)

typedef struct
{
  guint line;
  char *reason;
} Skipped;

struct _CareImportReport
{
  gatomicrefcount ref_count;
  guint           n_created;
  guint           n_updated;
  guint           n_unchanged;
  GArray         *skipped; /* of Skipped */
};

G_DEFINE_BOXED_TYPE (CareImportReport,
                     care_import_report,
                     care_import_report_ref,
                     care_import_report_unref)

static void
skipped_clear (gpointer data)
{
  Skipped *s = data;

  g_free (s->reason);
}

CareImportReport *
care_import_report_new (void)
{
  CareImportReport *self = g_new0 (CareImportReport, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->skipped = g_array_new (FALSE, TRUE, sizeof (Skipped));
  g_array_set_clear_func (self->skipped, skipped_clear);
  return self;
}

CareImportReport *
care_import_report_ref (CareImportReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
care_import_report_unref (CareImportReport *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_array_unref (self->skipped);
      g_free (self);
    }
}

guint
care_import_report_get_n_created (CareImportReport *self)
{
  return self->n_created;
}

guint
care_import_report_get_n_updated (CareImportReport *self)
{
  return self->n_updated;
}

guint
care_import_report_get_n_unchanged (CareImportReport *self)
{
  return self->n_unchanged;
}

/* Records read and saved: created, updated, or already identical. */
guint
care_import_report_get_n_imported (CareImportReport *self)
{
  return self->n_created + self->n_updated + self->n_unchanged;
}

guint
care_import_report_get_n_skipped (CareImportReport *self)
{
  return self->skipped->len;
}

/* Returns the reason record @index was skipped; @line is where it starts (1-based). */
const char *
care_import_report_get_skipped (CareImportReport *self, guint index, guint *line)
{
  Skipped *s;

  g_return_val_if_fail (index < self->skipped->len, NULL);

  s = &g_array_index (self->skipped, Skipped, index);
  if (line != NULL)
    *line = s->line;
  return s->reason;
}

void
care_import_report_skip (CareImportReport *self, guint line, const char *reason)
{
  Skipped s = { line, g_strdup (reason) };

  guint at = self->skipped->len;

  g_debug ("Skipped the record at line %u: %s", line, reason);

  /* Keep the report in file order, as a user reads it, even when an
   * importer handles records in another order (vCard: customers first). */
  while (at > 0 && g_array_index (self->skipped, Skipped, at - 1).line > line)
    at--;
  g_array_insert_val (self->skipped, at, s);
}

/* A summary a user can read, then one line per skipped record. */
char *
care_import_report_to_string (CareImportReport *self)
{
  GString *s = g_string_new (NULL);
  guint    n = care_import_report_get_n_imported (self);

  g_string_append_printf (s, ngettext ("%u record imported", "%u records imported", n), n);
  if (self->n_updated > 0)
    {
      g_string_append (s, ", ");
      g_string_append_printf (s, ngettext ("%u updated", "%u updated", self->n_updated),
                              self->n_updated);
    }
  if (self->skipped->len > 0)
    {
      g_string_append (s, ", ");
      g_string_append_printf (s, ngettext ("%u skipped", "%u skipped", self->skipped->len),
                              self->skipped->len);
    }
  g_string_append_c (s, '\n');

  for (guint i = 0; i < self->skipped->len; i++)
    {
      Skipped *sk = &g_array_index (self->skipped, Skipped, i);
      /* TRANSLATORS: one skipped record of an import: "Line 12: Email: not a valid email address" */
      g_string_append_printf (s, _ ("Line %u: %s"), sk->line, sk->reason);
      g_string_append_c (s, '\n');
    }

  return g_string_free (s, FALSE);
}

/* Reads @file whole, refusing it once it is over CARE_IMPORT_MAX_SIZE. The
 * size is checked while reading too, so a pipe or a growing file is bounded. */
gboolean
care_import_read_file (GFile *file, GCancellable *cancellable, GBytes **out_bytes, GError **error)
{
  g_autoptr (GFileInputStream) in = NULL;
  g_autoptr (GByteArray) buf = NULL;
  g_autoptr (GFileInfo) info = NULL;
  guint8 chunk[65536];

  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (out_bytes != NULL, FALSE);

  in = g_file_read (file, cancellable, error);
  if (in == NULL)
    return FALSE;

  info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE) &&
      g_file_info_get_size (info) > CARE_IMPORT_MAX_SIZE)
    goto too_large;

  buf = g_byte_array_new ();
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (in), chunk, sizeof chunk, cancellable, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        break;
      if (buf->len + (gsize) n > CARE_IMPORT_MAX_SIZE)
        goto too_large;
      g_byte_array_append (buf, chunk, (guint) n);
    }

  *out_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&buf));
  return TRUE;

too_large:
  g_set_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_TOO_LARGE,
               _ ("The file is larger than %d MiB, the most Aftercare imports at once"),
               CARE_IMPORT_MAX_SIZE / (1024 * 1024));
  return FALSE;
}

static guint
line_of (const char *data, const char *at)
{
  guint line = 1;

  for (const char *p = data; p < at; p++)
    if (*p == '\n')
      line++;
  return line;
}

/* Text formats must be UTF-8 without NUL bytes; anything else is refused
 * whole rather than imported as mojibake. */
gboolean
care_import_check_text (const char *data, gsize length, GError **error)
{
  const char *end = NULL;
  const char *nul = memchr (data, '\0', length);

  if (nul != NULL)
    {
      g_set_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_ENCODING,
                   _ ("The file contains binary data (line %u), not text"), line_of (data, nul));
      return FALSE;
    }

  if (!g_utf8_validate_len (data, length, &end))
    {
      g_set_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_ENCODING,
                   _ ("The file is not UTF-8 text (line %u); save it as UTF-8 and try again"),
                   line_of (data, end));
      return FALSE;
    }

  return TRUE;
}

/* The record id for a foreign identifier: a UUID (bare or as urn:uuid:) is
 * kept, anything else is hashed into a stable name-based UUID, so importing
 * the same file twice updates rather than duplicates. */
char *
care_import_id_for_uid (const char *uid)
{
  g_autofree char *digest = NULL;
  const char      *bare = uid;

  if (uid == NULL || *uid == '\0')
    return g_uuid_string_random ();

  if (g_ascii_strncasecmp (bare, "urn:uuid:", 9) == 0)
    bare += 9;
  if (g_uuid_string_is_valid (bare))
    return g_ascii_strdown (bare, -1);

  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA1, uid, -1);
  /* Version 5 and RFC 4122 variant bits, as a name-based UUID has. */
  digest[12] = '5';
  digest[16] = "89ab"[g_ascii_xdigit_value (digest[16]) & 3];
  return g_strdup_printf ("%.8s-%.4s-%.4s-%.4s-%.12s", digest, digest + 8, digest + 12, digest + 16,
                          digest + 20);
}

/* The live record @id to update, or a new record with that id. Only a
 * failing store is an error. */
CareRecord *
care_import_record_for (CareStore *store, const CareEntity *entity, const char *id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  CareRecord *existing = care_store_load (store, entity, id, &local_error);

  if (existing != NULL)
    return existing;

  if (!g_error_matches (local_error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return care_record_new_with_id (entity, id);
}

/* Sets @field from text as a user would type it; blank text clears it. */
gboolean
care_import_set_text (CareRecord *record, const char *field, const char *text, GError **error)
{
  const CareField *f = care_entity_lookup_field (care_record_get_entity (record), field);
  g_autoptr (GVariant) value = NULL;

  g_return_val_if_fail (f != NULL, FALSE);

  if (!care_field_parse (f, text, &value, error))
    return FALSE;

  care_record_set_value (record, field, value);
  return TRUE;
}

static gboolean
is_record_problem (const GError *error)
{
  return error->domain == CARE_VALIDATION_ERROR ||
         g_error_matches (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND) ||
         g_error_matches (error, CARE_STORE_ERROR, CARE_STORE_ERROR_CONSTRAINT);
}

/* Saves one imported record as a user edit. A problem with the record
 * (invalid value, deleted meanwhile, duplicate serial) skips it into the
 * report; only a failing store stops the import and returns FALSE. */
gboolean
care_import_save (
    CareStore *store, CareRecord *record, guint line, CareImportReport *report, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  gboolean existed = care_record_get_created_at (record) != NULL;
  gboolean changed = TRUE;

  if (existed)
    {
      g_autoptr (CareRecord) stored = care_store_load (store, care_record_get_entity (record),
                                                       care_record_get_id (record), NULL);
      g_autoptr (GPtrArray) diff = stored != NULL ? care_record_diff (stored, record) : NULL;

      changed = diff == NULL || diff->len > 0;
    }

  if (!care_store_save (store, record, &local_error))
    {
      if (!is_record_problem (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      care_import_report_skip (report, line, local_error->message);
      return TRUE;
    }

  if (!existed)
    report->n_created++;
  else if (changed)
    report->n_updated++;
  else
    report->n_unchanged++;

  return TRUE;
}

/* Running an import off the main thread */

typedef struct
{
  char             *path; /* the store's file: the worker opens its own connection */
  GFile            *file;
  CareImportRunFunc func;
  gpointer          data;
} RunData;

static void
run_data_free (gpointer p)
{
  RunData *d = p;

  g_free (d->path);
  g_object_unref (d->file);
  g_free (d);
}

static void
run_in_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  RunData *d = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CareStore) store = NULL;
  g_autoptr (GBytes) bytes = NULL;
  CareImportReport *report;

  if (!care_import_read_file (d->file, cancellable, &bytes, &error) ||
      (store = care_store_new (d->path, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  report = d->func (store, bytes, d->data, cancellable, &error);
  if (report == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, report, (GDestroyNotify) care_import_report_unref);
}

/* Back on the main thread: the worker wrote through its own connection, so
 * the store that lists watch announces the change (also after a failure or
 * a cancel, since the records before it are saved). */
static void
run_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) outer = user_data;
  GError           *error = NULL;
  CareImportReport *report = g_task_propagate_pointer (G_TASK (result), &error);

  care_store_emit_changed_all (CARE_STORE (source));

  if (report == NULL)
    g_task_return_error (outer, error);
  else
    g_task_return_pointer (outer, report, (GDestroyNotify) care_import_report_unref);
}

/**
 * care_import_run_async:
 * @func: reads the bytes of @file into a store
 * @source_tag: the public function the result belongs to
 *
 * Reads @file and runs @func in a worker thread with a connection of its
 * own to @store's file, so a large import never blocks the main loop.
 * Cancelling stops between two records; the records saved before stay.
 */
void
care_import_run_async (CareStore          *store,
                       GFile              *file,
                       CareImportRunFunc   func,
                       gpointer            data,
                       gpointer            source_tag,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  g_autoptr (GTask) inner = NULL;
  GTask   *outer;
  RunData *d;

  g_return_if_fail (CARE_IS_STORE (store));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (func != NULL);

  outer = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (outer, source_tag);

  d = g_new0 (RunData, 1);
  d->path = g_strdup (care_store_get_path (store));
  d->file = g_object_ref (file);
  d->func = func;
  d->data = data;

  inner = g_task_new (store, cancellable, run_done_cb, outer);
  g_task_set_source_tag (inner, care_import_run_async);
  g_task_set_task_data (inner, d, run_data_free);
  g_task_run_in_thread (inner, run_in_thread);
}

CareImportReport *
care_import_run_finish (GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
