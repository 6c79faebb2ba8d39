/* care-csv.c: records of one entity as CSV (RFC 4180), out and back in.
 *
 * The header row names the schema fields ("id" first), so a file exported
 * from one entity imports back into it and a spreadsheet user can see what
 * each column is. Cells are quoted only when they must be; records end in
 * CRLF; values keep their own newlines inside quotes.
 *
 * Spreadsheets run a cell that starts with = + - @ (or tab, CR) as a
 * formula, so export puts an apostrophe before such cells (OWASP's advice);
 * a cell that already starts with an apostrophe followed by one of those (or
 * another apostrophe) gets one too, and import removes exactly one, so every
 * value survives the round trip. */
#define G_LOG_DOMAIN "care-csv"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "care-csv.h"

#define EXPORT_PAGE 500

typedef struct
{
  const char *data;
  const char *end;
  const char *pos;
  guint       line;
} Reader;

typedef struct
{
  guint       line;    /* where the row starts */
  GPtrArray  *cells;   /* the first CARE_CSV_MAX_COLUMNS cells */
  guint       n_cells; /* all cells, kept or not */
  gboolean    blank;   /* an empty line */
  const char *error;   /* a broken row: why (translated), or NULL */
} Row;

static gboolean
is_formula_start (char c)
{
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

static gboolean
needs_apostrophe (const char *value)
{
  return is_formula_start (value[0]) ||
         (value[0] == '\'' && (is_formula_start (value[1]) || value[1] == '\''));
}

static void
append_cell (GString *out, const char *value)
{
  g_autoptr (GString) cell = g_string_new (NULL);

  if (needs_apostrophe (value))
    g_string_append_c (cell, '\'');
  g_string_append (cell, value);

  if (strpbrk (cell->str, ",\"\r\n") == NULL)
    {
      g_string_append_len (out, cell->str, cell->len);
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = cell->str; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

void
care_csv_append_header (GString *out, const CareEntity *entity)
{
  g_string_append (out, "id");
  for (guint i = 0; i < entity->n_fields; i++)
    {
      g_string_append_c (out, ',');
      append_cell (out, entity->fields[i].name);
    }
  g_string_append (out, "\r\n");
}

void
care_csv_append_record (GString *out, CareRecord *record)
{
  const CareEntity *e = care_record_get_entity (record);

  append_cell (out, care_record_get_id (record));
  for (guint i = 0; i < e->n_fields; i++)
    {
      GVariant *v = care_record_get_value_at (record, i);

      g_string_append_c (out, ',');
      if (v == NULL)
        continue;
      if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT64))
        {
          /* Through append_cell too: a negative number starts with "-". */
          g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (v));
          append_cell (out, number);
        }
      else if (g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN))
        g_string_append (out, g_variant_get_boolean (v) ? "true" : "false");
      else
        append_cell (out, g_variant_get_string (v, NULL));
    }
  g_string_append (out, "\r\n");
}

/* Writes the header and every record of @query, a page at a time. */
gboolean
care_csv_export (CareStore     *store,
                 CareQuery     *query,
                 GOutputStream *stream,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr (GString) out = g_string_new (NULL);

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  care_csv_append_header (out, care_query_get_entity (query));

  for (guint offset = 0;; offset += EXPORT_PAGE)
    {
      g_autoptr (GPtrArray) page =
          care_store_find (store, query, offset, EXPORT_PAGE, cancellable, error);

      if (page == NULL)
        return FALSE;

      for (guint i = 0; i < page->len; i++)
        care_csv_append_record (out, g_ptr_array_index (page, i));

      if (!g_output_stream_write_all (stream, out->str, out->len, NULL, cancellable, error))
        return FALSE;
      g_string_truncate (out, 0);

      if (page->len < EXPORT_PAGE)
        break;
    }

  return TRUE;
}

static void
row_clear (Row *row)
{
  g_clear_pointer (&row->cells, g_ptr_array_unref);
  memset (row, 0, sizeof *row);
}

static void
row_push (Row *row, GString *field)
{
  if (row->n_cells < CARE_CSV_MAX_COLUMNS)
    g_ptr_array_add (row->cells, g_strndup (field->str, field->len));
  row->n_cells++;
  g_string_truncate (field, 0);
}

/* Reads one row. Returns FALSE at the end of the data, or with @error set
 * when a quoted cell never ends: then no row boundary after it can be
 * trusted, so the whole file is refused. */
static gboolean
reader_next (Reader *r, Row *row, GError **error)
{
  g_autoptr (GString) field = g_string_new (NULL);
  gboolean in_quotes = FALSE;
  gboolean was_quoted = FALSE;
  gboolean any = FALSE;
  guint    quote_line = 0;

  row_clear (row);
  if (r->pos >= r->end)
    return FALSE;

  row->line = r->line;
  row->cells = g_ptr_array_new_with_free_func (g_free);

  while (r->pos < r->end)
    {
      char c = *r->pos;

      if (in_quotes)
        {
          if (c == '"' && r->pos + 1 < r->end && r->pos[1] == '"')
            {
              g_string_append_c (field, '"');
              r->pos += 2;
            }
          else if (c == '"')
            {
              in_quotes = FALSE;
              r->pos++;
            }
          else if (c == '\r' && r->pos + 1 < r->end && r->pos[1] == '\n')
            {
              /* Stored text uses \n only. */
              g_string_append_c (field, '\n');
              r->line++;
              r->pos += 2;
            }
          else
            {
              if (c == '\n')
                r->line++;
              g_string_append_c (field, c);
              r->pos++;
            }
          continue;
        }

      if (c == ',')
        {
          row_push (row, field);
          was_quoted = FALSE;
          any = TRUE;
          r->pos++;
        }
      else if (c == '\r' || c == '\n')
        {
          r->pos += (c == '\r' && r->pos + 1 < r->end && r->pos[1] == '\n') ? 2 : 1;
          r->line++;
          break;
        }
      else if (c == '"' && field->len == 0 && !was_quoted)
        {
          in_quotes = was_quoted = any = TRUE;
          quote_line = r->line;
          r->pos++;
        }
      else
        {
          if (c == '"' && row->error == NULL)
            row->error = _ ("a quote inside a cell that does not start with one");
          else if (was_quoted && row->error == NULL)
            row->error = _ ("text after the closing quote of a cell");
          g_string_append_c (field, c);
          any = TRUE;
          r->pos++;
        }
    }

  if (in_quotes)
    {
      g_set_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_MALFORMED,
                   _ ("The quoted cell that starts on line %u never ends"), quote_line);
      return FALSE;
    }

  row->blank = !any && field->len == 0;
  row_push (row, field);
  return TRUE;
}

static void
reader_init (Reader *r, const char *data, gsize length)
{
  r->data = data;
  r->end = data + length;
  r->pos = data;
  r->line = 1;

  /* Spreadsheets often write a UTF-8 byte order mark. */
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    r->pos += 3;
}

static const char *
strip_apostrophe (const char *cell)
{
  if (cell[0] == '\'' && (is_formula_start (cell[1]) || cell[1] == '\''))
    return cell + 1;
  return cell;
}

/* Maps header cells to field indexes; -1 is the id column. */
static GArray *
read_header (const CareEntity *entity, Row *row, GError **error)
{
  g_autoptr (GArray) columns = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (row->error != NULL || row->n_cells > CARE_CSV_MAX_COLUMNS)
    {
      g_set_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_MALFORMED,
                   _ ("The first row must name the columns, but it is not a valid header"));
      return NULL;
    }

  for (guint i = 0; i < row->cells->len; i++)
    {
      g_autofree char *name = g_strstrip (g_strdup (g_ptr_array_index (row->cells, i)));
      int              idx = g_str_equal (name, "id") ? -1 : care_entity_field_index (entity, name);

      if (idx == -1 && !g_str_equal (name, "id"))
        {
          g_set_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_MALFORMED,
                       _ ("Unknown column “%s”: the first row must name fields of a %s"), name,
                       g_dgettext (GETTEXT_PACKAGE, entity->label));
          return NULL;
        }
      if (!g_hash_table_add (seen, (gpointer) (idx < 0 ? "id" : entity->fields[idx].name)))
        {
          g_set_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_MALFORMED,
                       _ ("The column “%s” appears twice"), name);
          return NULL;
        }
      g_array_append_val (columns, idx);
    }

  for (guint i = 0; i < entity->n_fields; i++)
    if (entity->fields[i].required && !g_hash_table_contains (seen, entity->fields[i].name))
      {
        g_set_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_MALFORMED,
                     _ ("The required column “%s” is missing"), entity->fields[i].name);
        return NULL;
      }

  return g_steal_pointer (&columns);
}

static gboolean
import_row (CareStore        *store,
            const CareEntity *entity,
            GArray           *columns,
            Row              *row,
            CareImportReport *report,
            GError          **error)
{
  g_autoptr (CareRecord) record = NULL;
  g_autofree char *id = NULL;

  if (row->error != NULL)
    {
      care_import_report_skip (report, row->line, row->error);
      return TRUE;
    }

  if (row->n_cells != columns->len)
    {
      g_autofree char *why =
          g_strdup_printf (ngettext ("has %u cell, the header has %u",
                                     "has %u cells, the header has %u", row->n_cells),
                           row->n_cells, columns->len);
      care_import_report_skip (report, row->line, why);
      return TRUE;
    }

  for (guint i = 0; i < columns->len; i++)
    if (g_array_index (columns, int, i) < 0)
      {
        g_autofree char *uid = g_strstrip (g_strdup (g_ptr_array_index (row->cells, i)));
        id = care_import_id_for_uid (uid);
      }
  if (id == NULL)
    id = g_uuid_string_random ();

  record = care_import_record_for (store, entity, id, error);
  if (record == NULL)
    return FALSE;

  for (guint i = 0; i < columns->len; i++)
    {
      int idx = g_array_index (columns, int, i);
      g_autoptr (GError) local_error = NULL;

      if (idx < 0)
        continue;
      if (!care_import_set_text (record, entity->fields[idx].name,
                                 strip_apostrophe (g_ptr_array_index (row->cells, i)),
                                 &local_error))
        {
          care_import_report_skip (report, row->line, local_error->message);
          return TRUE;
        }
    }

  return care_import_save (store, record, row->line, report, error);
}

/**
 * care_csv_import:
 *
 * Imports the rows of CSV @data into @store as records of @entity, each as a
 * normal edit (so it syncs). A row whose id matches a record updates the
 * columns it has; other rows create records. A bad row is skipped and
 * listed in the report with its line; a file that is too large, not UTF-8,
 * has an unknown or incomplete header or an unterminated quote is refused
 * before anything is written. A failing store stops the import with an error.
 */
CareImportReport *
care_csv_import (CareStore        *store,
                 const CareEntity *entity,
                 const char       *data,
                 gsize             length,
                 GCancellable     *cancellable,
                 GError          **error)
{
  g_autoptr (CareImportReport) report = NULL;
  g_autoptr (GArray) columns = NULL;
  g_autoptr (GError) local_error = NULL;
  Reader   r;
  Row      row = { 0 };
  gboolean ok = TRUE;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (entity != NULL, NULL);

  if (length > CARE_IMPORT_MAX_SIZE)
    {
      g_set_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_TOO_LARGE,
                   _ ("The file is larger than %d MiB, the most Aftercare imports at once"),
                   CARE_IMPORT_MAX_SIZE / (1024 * 1024));
      return NULL;
    }
  if (!care_import_check_text (data, length, error))
    return NULL;

  /* Check the whole structure first: an unterminated quote found halfway
   * must not leave the first half imported. */
  reader_init (&r, data, length);
  while (reader_next (&r, &row, &local_error))
    ;
  row_clear (&row);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  reader_init (&r, data, length);
  while (reader_next (&r, &row, NULL) && row.blank)
    ;
  if (row.cells == NULL || row.blank)
    {
      row_clear (&row);
      g_set_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_MALFORMED, _ ("The file is empty"));
      return NULL;
    }

  columns = read_header (entity, &row, error);
  if (columns == NULL)
    {
      row_clear (&row);
      return NULL;
    }

  report = care_import_report_new ();
  while (ok && reader_next (&r, &row, NULL))
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        ok = FALSE;
      else if (!row.blank)
        ok = import_row (store, entity, columns, &row, report, error);
    }
  row_clear (&row);

  return ok ? g_steal_pointer (&report) : NULL;
}

CareImportReport *
care_csv_import_file (CareStore        *store,
                      const CareEntity *entity,
                      GFile            *file,
                      GCancellable     *cancellable,
                      GError          **error)
{
  g_autoptr (GBytes) bytes = NULL;
  gsize       length;
  const char *data;

  if (!care_import_read_file (file, cancellable, &bytes, error))
    return NULL;

  data = g_bytes_get_data (bytes, &length);
  return care_csv_import (store, entity, data != NULL ? data : "", length, cancellable, error);
}

static CareImportReport *
run_import (
    CareStore *store, GBytes *bytes, gpointer data, GCancellable *cancellable, GError **error)
{
  gsize       length;
  const char *text = g_bytes_get_data (bytes, &length);

  return care_csv_import (store, data, text != NULL ? text : "", length, cancellable, error);
}

/**
 * care_csv_import_file_async:
 *
 * Imports @file as care_csv_import() does, in a worker thread with its own
 * connection to @store's file; @store announces the change when it is done.
 */
void
care_csv_import_file_async (CareStore          *store,
                            const CareEntity   *entity,
                            GFile              *file,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_return_if_fail (entity != NULL);

  care_import_run_async (store, file, run_import, (gpointer) entity, care_csv_import_file_async,
                         cancellable, callback, user_data);
}

CareImportReport *
care_csv_import_file_finish (CareStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return care_import_run_finish (result, care_csv_import_file_async, error);
}
