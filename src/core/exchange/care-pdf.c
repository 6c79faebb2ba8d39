/* care-pdf.c: printable documents: the visit report and the certificate of attendance.
 *
 * Drawn with cairo's PDF surface and laid out with Pango, so any script the
 * fonts cover (Cyrillic, accented Latin) prints and stays searchable: cairo
 * embeds the glyphs with their text. User text is always set as plain text,
 * never as Pango markup, so a "<b>" in a note is printed as typed. The file
 * is written through g_file_replace(): a failed export leaves any previous
 * file untouched. */
#define G_LOG_DOMAIN "care-pdf"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <pango/pangocairo.h>

#include "care-clock.h"
#include "care-attendance.h"
#include "care-date-format.h"
#include "care-pdf.h"
#include "care-signature.h"
#include "care-store-private.h"
#include "care-visit-report.h"
#include "care-warranty.h"
#include "care-workflow.h"

/* A4's sides in points, whichever way the page is turned: the portrait
 * page of care-pdf.h. */
#define A4_SHORT CARE_PDF_PAGE_WIDTH
#define A4_LONG  CARE_PDF_PAGE_HEIGHT
#define MARGIN   56.0

typedef struct
{
  GOutputStream   *stream;
  GError          *error; /* the first write error */
  cairo_surface_t *surface;
  cairo_t         *cr;
  PangoLayout     *layout;
  double           width; /* page */
  double           height;
  double           y;     /* where the next block goes */
  GPtrArray       *pages; /* recording surfaces when drawing for print, else NULL */
  gboolean         draft; /* every page is marked DRAFT */
} Doc;

static cairo_status_t
write_cb (void *closure, const unsigned char *data, unsigned int length)
{
  Doc *doc = closure;

  if (doc->error != NULL)
    return CAIRO_STATUS_WRITE_ERROR;
  if (!g_output_stream_write_all (doc->stream, data, length, NULL, NULL, &doc->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

/* Unhinted metrics everywhere: a recording surface would otherwise lay out
 * with hinted ones and break pages where the PDF does not. */
static PangoLayout *
doc_create_layout (cairo_t *cr)
{
  PangoContext         *context = pango_cairo_create_context (cr);
  cairo_font_options_t *font_options = cairo_font_options_create ();
  PangoLayout          *layout;

  cairo_font_options_set_hint_metrics (font_options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (font_options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, font_options);
  pango_context_set_round_glyph_positions (context, FALSE);
  layout = pango_layout_new (context);
  cairo_font_options_destroy (font_options);
  g_object_unref (context);
  return layout;
}

static gboolean
doc_open (Doc *doc, GFile *file, double width, double height, GError **error)
{
  memset (doc, 0, sizeof *doc);

  doc->stream = G_OUTPUT_STREAM (
      g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, error));
  if (doc->stream == NULL)
    return FALSE;

  doc->width = width;
  doc->height = height;
  doc->y = MARGIN;
  doc->surface = cairo_pdf_surface_create_for_stream (write_cb, doc, width, height);
  cairo_pdf_surface_set_metadata (doc->surface, CAIRO_PDF_METADATA_CREATOR, "Aftercare");
  doc->cr = cairo_create (doc->surface);
  doc->layout = doc_create_layout (doc->cr);
  return TRUE;
}

/* Finishes the PDF and commits the file, or keeps the old one on any error. */
static gboolean
doc_close (Doc *doc, gboolean ok, GError **error)
{
  cairo_status_t status;

  g_clear_object (&doc->layout);
  g_clear_pointer (&doc->cr, cairo_destroy);
  cairo_surface_finish (doc->surface);
  status = cairo_surface_status (doc->surface);
  g_clear_pointer (&doc->surface, cairo_surface_destroy);

  if (ok && doc->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&doc->error));
      ok = FALSE;
    }
  else if (ok && status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_FAILED,
                   _ ("Could not write the document: %s"), cairo_status_to_string (status));
      ok = FALSE;
    }

  if (ok)
    ok = g_output_stream_close (doc->stream, NULL, error);
  else
    {
      /* Closing through a cancelled cancellable abandons the replacement. */
      g_autoptr (GCancellable) cancel = g_cancellable_new ();
      g_cancellable_cancel (cancel);
      g_output_stream_close (doc->stream, cancel, NULL);
    }

  g_clear_error (&doc->error);
  g_clear_object (&doc->stream);
  return ok;
}

static void
doc_set_font (Doc *doc, double size, gboolean bold)
{
  PangoFontDescription *font = pango_font_description_from_string ("Sans");

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (doc->layout, font);
  pango_font_description_free (font);
}

/* Drawing for print records each page on its own surface, which a print
 * operation replays on its pages: the same code draws both. */
static void
doc_record_page (Doc *doc)
{
  cairo_rectangle_t extents = { 0, 0, doc->width, doc->height };
  cairo_surface_t  *page = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, &extents);

  g_clear_pointer (&doc->cr, cairo_destroy);
  g_ptr_array_add (doc->pages, page);
  doc->surface = page;
  doc->cr = cairo_create (page);
  if (doc->layout == NULL)
    doc->layout = doc_create_layout (doc->cr);
  else
    pango_cairo_update_layout (doc->cr, doc->layout);
}

static void
doc_open_recording (Doc *doc, double width, double height)
{
  memset (doc, 0, sizeof *doc);

  doc->width = width;
  doc->height = height;
  doc->y = MARGIN;
  doc->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) cairo_surface_destroy);
  doc_record_page (doc);
}

static GPtrArray *
doc_close_recording (Doc *doc, gboolean ok)
{
  g_clear_object (&doc->layout);
  g_clear_pointer (&doc->cr, cairo_destroy);
  for (guint i = 0; ok && i < doc->pages->len; i++)
    if (cairo_surface_status (g_ptr_array_index (doc->pages, i)) != CAIRO_STATUS_SUCCESS)
      ok = FALSE;
  if (!ok)
    g_clear_pointer (&doc->pages, g_ptr_array_unref);
  return g_steal_pointer (&doc->pages);
}

static void doc_draft_mark (Doc *doc);

static void
doc_new_page (Doc *doc)
{
  if (doc->pages != NULL)
    doc_record_page (doc);
  else
    cairo_show_page (doc->cr);
  doc->y = MARGIN;
  if (doc->draft)
    doc_draft_mark (doc);
}

static void
doc_ensure (Doc *doc, double height)
{
  if (doc->y + height > doc->height - MARGIN && doc->y > MARGIN)
    doc_new_page (doc);
}

/* Sets @text at @x with @width, line by line, breaking pages as needed, and
 * moves down past it. */
static void
doc_text_at (Doc           *doc,
             const char    *text,
             double         size,
             gboolean       bold,
             double         x,
             double         width,
             PangoAlignment align)
{
  PangoLayoutIter *iter;

  doc_set_font (doc, size, bold);
  pango_layout_set_width (doc->layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (doc->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (doc->layout, align);
  pango_layout_set_text (doc->layout, text != NULL ? text : "", -1);

  iter = pango_layout_get_iter (doc->layout);
  do
    {
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly (iter);
      PangoRectangle   logical;
      double           line_height, baseline, top;

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      top = (double) logical.y / PANGO_SCALE;
      line_height = (double) logical.height / PANGO_SCALE;
      baseline = (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE - top;
      doc_ensure (doc, line_height);
      cairo_move_to (doc->cr, x + (double) logical.x / PANGO_SCALE, doc->y + baseline);
      pango_cairo_show_layout_line (doc->cr, line);
      doc->y += line_height;
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

static void
doc_para (Doc *doc, const char *text, double size, gboolean bold)
{
  doc_text_at (doc, text, size, bold, MARGIN, doc->width - 2 * MARGIN, PANGO_ALIGN_LEFT);
}

/* One line of table cells at fixed columns; the row is as tall as its
 * tallest cell. Cells are short (names, numbers) and never break a page. */
static void
doc_row (Doc               *doc,
         const char *const *cells,
         const double      *columns, /* left edges, then the right edge */
         const gboolean    *right_aligned,
         guint              n_cells,
         gboolean           bold)
{
  double y = doc->y, bottom = doc->y;

  doc_set_font (doc, 9.5, bold);
  pango_layout_set_wrap (doc->layout, PANGO_WRAP_WORD_CHAR);
  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < n_cells; i++)
        {
          int h;

          pango_layout_set_width (doc->layout,
                                  (int) ((columns[i + 1] - columns[i] - 6) * PANGO_SCALE));
          pango_layout_set_alignment (doc->layout,
                                      right_aligned[i] ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
          pango_layout_set_text (doc->layout, cells[i] != NULL ? cells[i] : "", -1);
          pango_layout_get_pixel_size (doc->layout, NULL, &h);
          if (pass == 0)
            bottom = MAX (bottom, y + h);
          else
            {
              cairo_move_to (doc->cr, columns[i], y);
              pango_cairo_show_layout (doc->cr, doc->layout);
            }
        }

      if (pass == 0)
        {
          doc_ensure (doc, bottom - y + 4);
          bottom = doc->y + (bottom - y);
          y = doc->y;
        }
    }

  doc->y = bottom + 4;
}

static void
doc_rule (Doc *doc)
{
  cairo_set_line_width (doc->cr, 0.6);
  cairo_move_to (doc->cr, MARGIN, doc->y + 3);
  cairo_line_to (doc->cr, doc->width - MARGIN, doc->y + 3);
  cairo_stroke (doc->cr);
  doc->y += 8;
}

static void
doc_space (Doc *doc, double points)
{
  doc->y += points;
}

/* The logo scaled into a box at the top right of the page; returns its height. */
static double
doc_logo (Doc *doc, const CarePdfOptions *options, double box_w, double box_h)
{
  cairo_surface_t *image;
  double           scale;

  if (options->logo_pixels == NULL || options->logo_width <= 0 || options->logo_height <= 0)
    return 0;

  /* A copy: a page recorded for print outlives the caller's pixels. */
  image =
      cairo_image_surface_create (CAIRO_FORMAT_ARGB32, options->logo_width, options->logo_height);
  cairo_surface_flush (image);
  for (int row = 0; row < options->logo_height; row++)
    memcpy (cairo_image_surface_get_data (image) + row * cairo_image_surface_get_stride (image),
            options->logo_pixels + (gsize) row * options->logo_stride,
            (gsize) options->logo_width * 4);
  cairo_surface_mark_dirty (image);
  scale = MIN (box_w / options->logo_width, box_h / options->logo_height);
  cairo_save (doc->cr);
  cairo_translate (doc->cr, doc->width - MARGIN - options->logo_width * scale, doc->y);
  cairo_scale (doc->cr, scale, scale);
  cairo_set_source_surface (doc->cr, image, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (doc->cr), CAIRO_FILTER_GOOD);
  cairo_paint (doc->cr);
  cairo_restore (doc->cr);
  cairo_surface_destroy (image);
  return options->logo_height * scale;
}

/* The company's name, address, contact and logo. Without them there is
 * no header: a document headed by the program's name would pass for
 * someone else's letterhead. */
static void
doc_header (Doc *doc, const CarePdfOptions *options)
{
  double   top = doc->y;
  double   logo_h = doc_logo (doc, options, 140, 56);
  double   text_w = doc->width - 2 * MARGIN - (logo_h > 0 ? 152 : 0);
  gboolean any = logo_h > 0;

  if (options->company_name != NULL && *options->company_name != '\0')
    {
      doc_text_at (doc, options->company_name, 16, TRUE, MARGIN, text_w, PANGO_ALIGN_LEFT);
      any = TRUE;
    }
  if (options->company_address != NULL && *options->company_address != '\0')
    {
      doc_text_at (doc, options->company_address, 9, FALSE, MARGIN, text_w, PANGO_ALIGN_LEFT);
      any = TRUE;
    }
  if (options->company_contact != NULL && *options->company_contact != '\0')
    {
      doc_text_at (doc, options->company_contact, 9, FALSE, MARGIN, text_w, PANGO_ALIGN_LEFT);
      any = TRUE;
    }
  doc->y = MAX (doc->y, top + logo_h);
  if (any)
    doc_rule (doc);
}

/* A large grey DRAFT across the page, under the text: a report not yet
 * completed (and signed) must not pass for the final one. */
static void
doc_draft_mark (Doc *doc)
{
  /* A layout of its own: a page break comes in the middle of setting a
   * paragraph, whose lines are still being read from the document's layout. */
  PangoLayout          *layout = doc_create_layout (doc->cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans Bold");
  PangoRectangle        logical;

  pango_font_description_set_absolute_size (font, 110 * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  /* TRANSLATORS: across a visit report that is not completed yet; short, in capitals */
  pango_layout_set_text (layout, C_ ("document", "DRAFT"), -1);
  pango_layout_get_extents (layout, NULL, &logical);

  cairo_save (doc->cr);
  cairo_translate (doc->cr, doc->width / 2, doc->height / 2);
  cairo_rotate (doc->cr, -G_PI / 5);
  cairo_move_to (doc->cr, -(double) logical.width / PANGO_SCALE / 2,
                 -(double) logical.height / PANGO_SCALE / 2);
  cairo_set_source_rgba (doc->cr, 0.6, 0.6, 0.6, 0.4);
  pango_cairo_show_layout (doc->cr, layout);
  cairo_restore (doc->cr);

  /* And plainly, in the top margin: read first, and by text extraction and
   * screen readers, which skip text set at an angle. */
  font = pango_font_description_from_string ("Sans Bold");
  pango_font_description_set_absolute_size (font, 12 * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_get_extents (layout, NULL, &logical);
  cairo_save (doc->cr);
  cairo_move_to (doc->cr, doc->width - MARGIN - (double) logical.width / PANGO_SCALE,
                 MARGIN / 2 - 6);
  cairo_set_source_rgb (doc->cr, 0.75, 0.11, 0.16);
  pango_cairo_show_layout (doc->cr, layout);
  cairo_restore (doc->cr);
  g_object_unref (layout);
}

/* "Label: value" as one wrapped paragraph; nothing when there is no value. */
static void
doc_field (Doc *doc, const char *label, const char *value)
{
  g_autofree char *line = NULL;

  if (value == NULL || *value == '\0')
    return;
  /* TRANSLATORS: a labelled value on a printed document, e.g. "Serial number: PRN-12" */
  line = g_strdup_printf (_ ("%s: %s"), label, value);
  doc_para (doc, line, 10, FALSE);
}

static CareRecord *
load_optional (CareStore *store, CareEntityId entity, const char *id)
{
  if (id == NULL)
    return NULL;
  return care_store_load (store, care_schema_entity (entity), id, NULL);
}

/* Draws the stored signature scaled into a box, keeping its proportions. */
static void
doc_signature (Doc *doc, const char *path, const char *signed_by, const char *signed_at)
{
  const double box_w = 220, box_h = 80;
  g_autoptr (CareSignature) signature = NULL;
  g_autoptr (GError) error = NULL;
  double x0, y0, x1, y1, scale;

  doc_ensure (doc, box_h + 40);
  doc_para (doc, _ ("Customer signature"), 10, TRUE);

  if (path == NULL)
    {
      doc_para (doc, _ ("Not signed"), 10, FALSE);
      return;
    }

  signature = care_signature_parse (path, &error);
  if (signature == NULL || !care_signature_get_bounds (signature, &x0, &y0, &x1, &y1))
    {
      g_debug ("Signature not drawn: %s", error != NULL ? error->message : "empty");
      doc_para (doc, _ ("The stored signature could not be read"), 10, FALSE);
      return;
    }

  scale = MIN (box_w / MAX (x1 - x0, 1.0), box_h / MAX (y1 - y0, 1.0));
  cairo_save (doc->cr);
  cairo_set_line_width (doc->cr, 1.2);
  cairo_set_line_cap (doc->cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (doc->cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < care_signature_get_n_strokes (signature); i++)
    {
      guint                     n;
      const CareSignaturePoint *p = care_signature_get_stroke (signature, i, &n);

      cairo_move_to (doc->cr, MARGIN + (p[0].x - x0) * scale, doc->y + 4 + (p[0].y - y0) * scale);
      if (n == 1) /* a dot */
        cairo_rel_line_to (doc->cr, 0.1, 0);
      for (guint j = 1; j < n; j++)
        cairo_line_to (doc->cr, MARGIN + (p[j].x - x0) * scale, doc->y + 4 + (p[j].y - y0) * scale);
      cairo_stroke (doc->cr);
    }
  cairo_restore (doc->cr);
  doc->y += box_h + 10;
  doc_rule (doc);

  if (signed_by != NULL || signed_at != NULL)
    {
      g_autofree char *when = care_format_document_datetime (signed_at);
      g_autofree char *line = NULL;

      if (signed_by != NULL && when != NULL)
        /* TRANSLATORS: under a signature: "Name, date and time" */
        line = g_strdup_printf (_ ("%s, %s"), signed_by, when);
      else
        line = g_strdup (signed_by != NULL ? signed_by : when);
      doc_para (doc, line, 9, FALSE);
    }
}

static gboolean
write_visit_report (
    Doc *doc, CareStore *store, CareRecord *report, const CarePdfOptions *options, GError **error)
{
  g_autoptr (CareRecord) appointment = NULL;
  g_autoptr (CareRecord) customer = NULL;
  g_autoptr (CareRecord) product = NULL;
  g_autoptr (CareRecord) technician = NULL;
  g_autoptr (GPtrArray) parts = NULL;
  g_auto (CareVisitTotals) totals = { 0 };
  g_autofree char *date = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *product_line = NULL;
  const CareField *coverage_field =
      care_entity_lookup_field (care_record_get_entity (report), "coverage");
  const char    *currency = options->currency;
  const double   columns[] = { MARGIN,       MARGIN + 190, MARGIN + 280,
                               MARGIN + 345, MARGIN + 413, A4_SHORT - MARGIN };
  const gboolean right[] = { FALSE, FALSE, TRUE, TRUE, TRUE };

  appointment = care_store_load (store, care_schema_entity (CARE_ENTITY_APPOINTMENT),
                                 care_record_get_string (report, "appointment_id"), error);
  if (appointment == NULL)
    return FALSE;
  customer = care_store_load (store, care_schema_entity (CARE_ENTITY_CUSTOMER),
                              care_record_get_string (appointment, "customer_id"), error);
  if (customer == NULL)
    return FALSE;
  product = load_optional (store, CARE_ENTITY_PRODUCT,
                           care_record_get_string (appointment, "product_id"));
  technician =
      load_optional (store, CARE_ENTITY_STAFF, care_record_get_string (report, "technician_id"));
  parts = care_visit_report_list_parts (store, care_record_get_id (report), error);
  if (parts == NULL)
    return FALSE;

  /* The totals stored when the visit was completed are what the customer
   * signed for; a report not completed yet shows today's price. */
  if (care_record_get_value (report, "total_cents") != NULL)
    {
      totals.parts_cents = care_record_get_int (report, "parts_cents", 0);
      totals.labour_cents = care_record_get_int (report, "labour_cents", 0);
      totals.covered_cents = care_record_get_int (report, "covered_cents", 0);
      totals.discount_cents = care_record_get_int (report, "discount_cents", 0);
      totals.total_cents = care_record_get_int (report, "total_cents", 0);
    }
  else if (!care_visit_report_compute (store, report, &totals, error))
    return FALSE;
  else
    care_record_set_string (report, "coverage", care_visit_coverage_key (totals.coverage));

  /* Completing the visit stores its totals: until then it is a draft. */
  doc->draft = care_record_get_value (report, "total_cents") == NULL;
  if (doc->draft)
    doc_draft_mark (doc);

  doc_header (doc, options);
  doc_para (doc, _ ("Visit report"), 14, TRUE);
  doc_space (doc, 6);

  reference = care_pdf_visit_reference (care_record_get_id (appointment));
  doc_field (doc, _ ("Reference"), reference);
  doc_field (doc, _ ("Visit type"),
             care_field_choice_label (care_schema_field (CARE_ENTITY_APPOINTMENT, "kind"),
                                      care_record_get_string (appointment, "kind")));
  date = care_format_document_date (care_record_get_string (report, "visit_date"));
  doc_field (doc, _ ("Date"), date);
  doc_field (doc, _ ("Customer"), care_record_get_string (customer, "name"));
  /* Where the visit was; the customer's own address when the booking had none. */
  doc_field (doc, _ ("Address"),
             care_record_get_string (appointment, "address") != NULL
                 ? care_record_get_string (appointment, "address")
                 : care_record_get_string (customer, "address"));
  if (product != NULL)
    {
      const char *model = care_record_get_string (product, "model");
      product_line =
          model != NULL ? g_strdup_printf ("%s %s", care_record_get_string (product, "name"), model)
                        : g_strdup (care_record_get_string (product, "name"));
      doc_field (doc, _ ("Product"), product_line);
      doc_field (doc, _ ("Serial number"), care_record_get_string (product, "serial"));
    }
  if (technician != NULL)
    doc_field (doc, _ ("Technician"), care_record_get_string (technician, "name"));
  doc_field (doc, _ ("Billing"),
             care_field_choice_label (coverage_field, care_record_get_string (report, "coverage")));
  doc_space (doc, 8);

  doc_para (doc, _ ("Work done"), 11, TRUE);
  doc_para (doc, care_record_get_string (report, "work_done"), 10, FALSE);
  doc_space (doc, 8);

  doc_para (doc, _ ("Parts"), 11, TRUE);
  if (parts->len == 0)
    doc_para (doc, _ ("No parts used"), 10, FALSE);
  else
    {
      const char *head[] = { _ ("Part"), _ ("Part number"), _ ("Quantity"), _ ("Unit price"),
                             _ ("Amount") };

      doc_row (doc, head, columns, right, G_N_ELEMENTS (head), TRUE);
      for (guint i = 0; i < parts->len; i++)
        {
          CareRecord      *part = g_ptr_array_index (parts, i);
          gint64           quantity = care_record_get_int (part, "quantity", 0);
          gint64           price = care_record_get_int (part, "unit_price_cents", 0);
          g_autofree char *q = g_strdup_printf ("%" G_GINT64_FORMAT, quantity);
          g_autofree char *unit = care_money_format (price, currency);
          g_autofree char *amount = care_money_format (quantity * price, currency);
          const char      *cells[] = { care_record_get_string (part, "name"),
                                       care_record_get_string (part, "part_number"), q, unit, amount };

          doc_row (doc, cells, columns, right, G_N_ELEMENTS (cells), FALSE);
        }
    }
  doc_rule (doc);

  {
    const double     sums[] = { MARGIN, MARGIN + 345, A4_SHORT - MARGIN };
    const gboolean   sum_right[] = { FALSE, TRUE };
    g_autofree char *minutes = g_strdup_printf (_ ("Labour (%" PRId64 " min)"),
                                                care_record_get_int (report, "minutes", 0));
    struct
    {
      const char *label;
      gint64      cents;
      gboolean    show;
    } lines[] = {
      { _ ("Parts"), totals.parts_cents, TRUE },
      { minutes, totals.labour_cents, TRUE },
      { _ ("Covered by warranty"), -totals.covered_cents, totals.covered_cents > 0 },
      { _ ("Maintenance discount"), -totals.discount_cents, totals.discount_cents > 0 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
      if (lines[i].show)
        {
          g_autofree char *amount = care_money_format (lines[i].cents, currency);
          const char      *cells[] = { lines[i].label, amount };
          doc_row (doc, cells, sums, sum_right, 2, FALSE);
        }

    {
      g_autofree char *amount = care_money_format (totals.total_cents, currency);
      const char      *cells[] = { _ ("Total"), amount };
      doc_row (doc, cells, sums, sum_right, 2, TRUE);
    }
  }
  doc_space (doc, 10);

  if (care_record_get_string (report, "customer_feedback") != NULL)
    {
      doc_para (doc, _ ("Customer feedback"), 11, TRUE);
      doc_para (doc, care_record_get_string (report, "customer_feedback"), 10, FALSE);
      doc_space (doc, 10);
    }

  doc_signature (doc, care_record_get_string (report, "signature"),
                 care_record_get_string (report, "signed_by"),
                 care_record_get_string (report, "signed_at"));
  return TRUE;
}

/**
 * care_pdf_visit_reference:
 * @appointment_id: the visit's appointment
 *
 * The number a customer quotes about a visit: "V-" and the first eight
 * hexadecimal digits of the appointment's id, in capitals. It is the same
 * on every device and every print of the report, and needs no counter
 * that offline devices would have to share.
 *
 * Returns: (transfer full): e.g. "V-3F2A9C01"
 */
char *
care_pdf_visit_reference (const char *appointment_id)
{
  GString *ref = g_string_new ("V-");

  for (const char *p = appointment_id; p != NULL && *p != '\0' && ref->len < 10; p++)
    if (g_ascii_isxdigit (*p))
      g_string_append_c (ref, g_ascii_toupper (*p));
  return g_string_free (ref, FALSE);
}

/**
 * care_pdf_write_visit_report:
 * @file: where to write; replaced only when the whole document was written
 *
 * The visit report as handed to the customer: the company header, the
 * customer, product and serial, the date, the work done, the parts, the
 * totals, the feedback and the signature.
 */
gboolean
care_pdf_write_visit_report (CareStore            *store,
                             const char           *report_id,
                             const CarePdfOptions *options,
                             GFile                *file,
                             GError              **error)
{
  g_autoptr (CareRecord) report = NULL;
  Doc      doc;
  gboolean ok;

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (report_id != NULL && options != NULL && G_IS_FILE (file), FALSE);

  report = care_store_load (store, care_schema_entity (CARE_ENTITY_VISIT_REPORT), report_id, error);
  if (report == NULL)
    return FALSE;

  if (!doc_open (&doc, file, A4_SHORT, A4_LONG, error))
    return FALSE;

  ok = write_visit_report (&doc, store, report, options, error);
  return doc_close (&doc, ok, ok ? error : NULL);
}

/**
 * care_pdf_render_visit_report:
 *
 * The pages of care_pdf_write_visit_report(), for printing: each a cairo
 * recording surface of CARE_PDF_PAGE_WIDTH × CARE_PDF_PAGE_HEIGHT points.
 *
 * Returns: (transfer full) (element-type cairo_surface_t): the pages
 */
GPtrArray *
care_pdf_render_visit_report (CareStore            *store,
                              const char           *report_id,
                              const CarePdfOptions *options,
                              GError              **error)
{
  g_autoptr (CareRecord) report = NULL;
  GPtrArray *pages;
  Doc        doc;
  gboolean   ok;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (report_id != NULL && options != NULL, NULL);

  report = care_store_load (store, care_schema_entity (CARE_ENTITY_VISIT_REPORT), report_id, error);
  if (report == NULL)
    return NULL;

  doc_open_recording (&doc, A4_SHORT, A4_LONG);
  ok = write_visit_report (&doc, store, report, options, error);
  pages = doc_close_recording (&doc, ok);
  if (pages == NULL && ok)
    g_set_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_FAILED,
                 _ ("Could not draw the document"));
  return pages;
}

static char *
format_hours (gint64 minutes)
{
  if (minutes % 60 == 0)
    return g_strdup_printf (
        ngettext ("%" PRId64 " hour", "%" PRId64 " hours", (gulong) (minutes / 60)), minutes / 60);

  {
    char number[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd (number, sizeof number, "%.1f", (double) minutes / 60.0);
    /* TRANSLATORS: a number of hours with a fraction, e.g. "7.5 hours" */
    return g_strdup_printf (_ ("%s hours"), number);
  }
}

/* Who trained the participant: the trainers of the sessions of the course
 * they attended, "Ana Costa" or "Ana Costa, Rui Lopes"; NULL when none is
 * on record. */
static char *
course_trainer (CareStore *store, const char *contact_id, const char *course_id)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt =
      care_store_prepare (store,
                          "SELECT DISTINCT st.name FROM enrolment e"
                          " JOIN training_session s ON s.id = e.session_id"
                          " JOIN staff st ON st.id = s.trainer_id"
                          " WHERE e.contact_id = ?1 AND s.course_id = ?2 AND e.attended = 1"
                          " AND " CARE_SQL_LIVE_IN ("e") " AND " CARE_SQL_LIVE_IN (
                              "s") " AND " CARE_SQL_LIVE_IN ("st") " ORDER BY st.name",
                          NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, contact_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, course_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);

  if (names->len == 0)
    return NULL;
  g_ptr_array_add (names, NULL);
  return g_strjoinv (", ", (char **) names->pdata);
}

/**
 * care_pdf_write_certificate:
 *
 * A certificate that the contact attended every session of the course.
 * Refused (CARE_WORKFLOW_ERROR_NOT_APPLICABLE) when they did not.
 */
gboolean
care_pdf_write_certificate (CareStore            *store,
                            const char           *contact_id,
                            const char           *course_id,
                            const CarePdfOptions *options,
                            GFile                *file,
                            GError              **error)
{
  g_autoptr (CareRecord) contact = NULL;
  g_autoptr (CareRecord) course = NULL;
  g_auto (CareAttendance) attendance = { 0 };
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *dates = NULL;
  g_autofree char *hours = NULL;
  g_autofree char *today = NULL;
  g_autofree char *issued = NULL;
  g_autofree char *trainer = NULL;
  g_autofree char *today_iso = care_clock_today ();
  double           width = A4_LONG - 2 * MARGIN;
  Doc              doc;

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (
      contact_id != NULL && course_id != NULL && options != NULL && G_IS_FILE (file), FALSE);

  contact = care_store_load (store, care_schema_entity (CARE_ENTITY_CONTACT), contact_id, error);
  if (contact == NULL)
    return FALSE;
  course =
      care_store_load (store, care_schema_entity (CARE_ENTITY_TRAINING_COURSE), course_id, error);
  if (course == NULL)
    return FALSE;
  if (!care_attendance_check (store, contact_id, course_id, &attendance, error))
    return FALSE;
  if (!care_attendance_completed (&attendance))
    {
      g_set_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_NOT_APPLICABLE,
                   _ ("%s did not attend every session of “%s”"),
                   care_record_get_string (contact, "name"),
                   care_record_get_string (course, "title"));
      return FALSE;
    }

  first = care_format_document_date (attendance.first_start);
  last = care_format_document_date (attendance.last_end);
  if (g_strcmp0 (first, last) == 0)
    /* TRANSLATORS: the day of a one-day course */
    dates = g_strdup_printf (_ ("on %s"), first);
  else
    /* TRANSLATORS: the first and last day of a course */
    dates = g_strdup_printf (_ ("from %s to %s"), first, last);
  hours = format_hours (attendance.minutes);
  trainer = options->trainer != NULL ? g_strdup (options->trainer)
                                     : course_trainer (store, contact_id, course_id);
  today = care_format_document_date (today_iso);
  /* TRANSLATORS: at the foot of a certificate */
  issued = g_strdup_printf (_ ("Issued on %s"), today);

  if (!doc_open (&doc, file, A4_LONG, A4_SHORT, error))
    return FALSE;

  doc_logo (&doc, options, 140, 56);
  if (options->company_name != NULL && *options->company_name != '\0')
    doc_text_at (&doc, options->company_name, 14, TRUE, MARGIN, width, PANGO_ALIGN_CENTER);
  doc.y = MAX (doc.y, MARGIN + 56) + 24;
  doc_text_at (&doc, _ ("Certificate of attendance"), 30, TRUE, MARGIN, width, PANGO_ALIGN_CENTER);
  doc.y += 30;
  doc_text_at (&doc, _ ("This certifies that"), 13, FALSE, MARGIN, width, PANGO_ALIGN_CENTER);
  doc.y += 10;
  doc_text_at (&doc, care_record_get_string (contact, "name"), 26, TRUE, MARGIN, width,
               PANGO_ALIGN_CENTER);
  doc.y += 10;
  doc_text_at (&doc, _ ("attended every session of the course"), 13, FALSE, MARGIN, width,
               PANGO_ALIGN_CENTER);
  doc.y += 10;
  doc_text_at (&doc, care_record_get_string (course, "title"), 20, TRUE, MARGIN, width,
               PANGO_ALIGN_CENTER);
  doc.y += 10;
  {
    /* TRANSLATORS: "from <date> to <date> — <n> hours" on a certificate */
    g_autofree char *line = g_strdup_printf (_ ("%s — %s"), dates, hours);
    doc_text_at (&doc, line, 13, FALSE, MARGIN, width, PANGO_ALIGN_CENTER);
  }
  if (trainer != NULL)
    {
      g_autofree char *line = NULL;

      doc.y += 6;
      /* TRANSLATORS: on a certificate: "Trainer: Ana Costa" */
      line = g_strdup_printf (_ ("Trainer: %s"), trainer);
      doc_text_at (&doc, line, 12, FALSE, MARGIN, width, PANGO_ALIGN_CENTER);
    }
  doc.y = A4_SHORT - MARGIN - 52;
  if (options->company_name != NULL && *options->company_name != '\0')
    {
      /* TRANSLATORS: at the foot of a certificate: "Issued by Padaria Lda on 3 December 2026" */
      g_autofree char *by =
          g_strdup_printf (_ ("Issued by %s on %s"), options->company_name, today);
      doc_text_at (&doc, by, 10, FALSE, MARGIN, width, PANGO_ALIGN_LEFT);
    }
  else
    doc_text_at (&doc, issued, 10, FALSE, MARGIN, width, PANGO_ALIGN_LEFT);
  if (options->company_address != NULL)
    doc_text_at (&doc, options->company_address, 9, FALSE, MARGIN, width, PANGO_ALIGN_LEFT);

  return doc_close (&doc, TRUE, error);
}
