/* test-pdf.c: the visit report and certificate PDFs draw (pdftoppm) and
 * carry their text (read back with pdftotext), in any script; attendance
 * decides the certificate. */
#include "config.h"

#include <cairo-pdf.h>
#include <glib/gstdio.h>

#include "care-attendance.h"
#include "care-pdf.h"
#include "care-signature.h"
#include "care-visit-report.h"
#include "care-workflow.h"
#include "workflow-fixtures.h"

static const CarePdfOptions options = {
  .company_name = "Aftercare Serviços Lda.",
  .company_address = "Rua Augusta 120, 1100-053 Lisboa",
  .company_contact = "+351 210 000 000 · service@aftercare.example",
  .currency = "EUR",
};

/* The first page opens in pdftoppm (poppler's rasteriser) and has ink on
 * it: a PDF a viewer can draw, not only one pdftotext can read. */
static void
assert_renders (const char *path)
{
  g_autofree char *dir = g_dir_make_tmp ("test-pdf-XXXXXX", NULL);
  g_autofree char *prefix = g_build_filename (dir, "page", NULL);
  g_autofree char *pgm = g_strconcat (prefix, ".pgm", NULL);
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  const char *argv[] = { "pdftoppm", "-r", "30", "-gray", "-singlefile", "-f",
                         "1",        "-l", "1",  path,    prefix,        NULL };
  gsize       length, ink = 0, header;
  guint       width, height, maxval;
  int         status, consumed = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_get_contents (pgm, &data, &length, &error));
  g_assert_no_error (error);

  /* A binary greymap: "P5 <width> <height> <maxval>" and one byte a pixel. */
  g_assert_cmpint (sscanf (data, "P5 %u %u %u%n", &width, &height, &maxval, &consumed), ==, 3);
  header = (gsize) consumed + 1;
  g_assert_cmpuint (width, >, 100);
  g_assert_cmpuint (height, >, 100);
  g_assert_cmpuint (length, ==, header + (gsize) width * height);
  for (gsize i = header; i < length; i++)
    ink += (guchar) data[i] < maxval / 2;
  g_assert_cmpuint (ink, >, 200);

  g_unlink (pgm);
  g_rmdir (dir);
}

static char *
pdf_text (GFile *file)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = g_file_get_path (file);
  g_autoptr (GError) error = NULL;
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
  int         status;

  assert_renders (path);

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

static void
assert_contains (const char *text, const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("“%s” is not in the PDF text:\n%s", needle, text);
}

static gboolean
have_pdftotext (void)
{
  g_autofree char *path = g_find_program_in_path ("pdftotext");

  if (path == NULL)
    g_test_skip ("pdftotext (poppler-utils) is not installed");
  return path != NULL;
}

static CareRecord *
completed_report (CareStore *store)
{
  g_autoptr (CareRecord) customer = fx_customer (store, "Жана Петрова-Лефèвр");
  g_autoptr (CareRecord) product = fx_product (store, customer, "APL-7Q2K9XW4");
  g_autoptr (CareRecord) tech = fx_staff (store, "Светла Маринова", "technician");
  g_autoptr (CareRecord) w = fx_warranty (store, product, "maintenance_contract", "2026-01-01",
                                          "2026-12-31", FALSE, FALSE, 20);
  g_autoptr (CareRecord) appointment =
      fx_appointment (store, customer, product, "maintenance", "2026-06-15T09:00:00Z",
                      "2026-06-15T10:30:00Z", "planned");
  g_autoptr (CareRecord) part = NULL;
  g_autoptr (CareSignature) signature = care_signature_new ();
  CareRecord *report = care_visit_report_new_for_appointment (appointment);
  g_autoptr (GString) long_text =
      g_string_new ("Replaced the pump seal; <b>not markup</b> & cleaned the filters. ");

  /* Long enough to run over the first page. */
  for (guint i = 0; i < 120; i++)
    g_string_append (long_text, "Checked the refrigerant pressure and the condensate drain. ");

  care_record_set_string (report, "technician_id", care_record_get_id (tech));
  care_record_set_string (report, "work_done", long_text->str);
  care_record_set_int (report, "hourly_rate_cents", 6000);
  care_record_set_bool (report, "authorised_location", TRUE);
  care_record_set_string (report, "customer_feedback", "Très bien, merci ! Всичко работи.");
  fx_save (store, report);
  part = fx_part (store, report, "Joint d’étanchéité", 2, 2275);
  care_record_set_string (part, "part_number", "JS-4471");
  fx_save (store, part);

  care_signature_begin_stroke (signature, 10, 60);
  care_signature_add_point (signature, 40, 10);
  care_signature_add_point (signature, 70, 60);
  care_signature_begin_stroke (signature, 90, 35);
  care_visit_report_set_signature (report, signature, "Жана Петрова", NULL);
  g_assert_true (care_visit_report_complete (store, report, NULL));
  return report;
}

static void
test_visit_report (void)
{
  g_autoptr (CareStore) store = NULL;
  g_autoptr (CareRecord) report = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (!have_pdftotext ())
    return;

  store = fx_store ();
  report = completed_report (store);
  /* 2 × 22.75 + 90.00 = 135.50, less 20 % = 108.40 */
  g_assert_cmpint (care_record_get_int (report, "total_cents", 0), ==, 10840);

  dir = g_dir_make_tmp ("care-pdf-XXXXXX", NULL);
  file = g_file_new_build_filename (dir, "report.pdf", NULL);
  g_assert_true (
      care_pdf_write_visit_report (store, care_record_get_id (report), &options, file, &error));
  g_assert_no_error (error);

  text = pdf_text (file);
  assert_contains (text, "Aftercare Serviços Lda.");
  assert_contains (text, "Жана Петрова-Лефèвр");
  assert_contains (text, "APL-7Q2K9XW4");
  assert_contains (text, "Joint d’étanchéité");
  assert_contains (text, "JS-4471");
  assert_contains (text, "108.40 EUR");
  assert_contains (text, "45.50 EUR");
  assert_contains (text, "Светла Маринова");
  assert_contains (text, "<b>not markup</b>");
  assert_contains (text, "Très bien, merci ! Всичко работи.");
  assert_contains (text, "15 June 2026");
  assert_contains (text, "\f"); /* the work done broke onto a second page */
  assert_contains (text, "Visit type: Maintenance");
  {
    g_autofree char *reference =
        care_pdf_visit_reference (care_record_get_string (report, "appointment_id"));
    g_autofree char *line = g_strdup_printf ("Reference: %s", reference);

    g_assert_cmpuint (strlen (reference), ==, 10);
    assert_contains (text, line);
  }
  /* Completed: the final report, no DRAFT on it. */
  g_assert_null (strstr (text, "DRAFT"));

  g_unlink (g_file_peek_path (file));
  g_rmdir (dir);
}

static guint count_pages (const char *text);

/* A report not completed yet is marked DRAFT on every page; without a
 * company set there is no header at all (never the program's name), and a
 * logo is drawn where one is given. */
static void
test_draft_without_company (void)
{
  g_autoptr (CareStore) store = NULL;
  g_autoptr (CareRecord) report = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GPtrArray) pages = NULL;
  guint32        logo[4 * 3];
  CarePdfOptions bare = { .currency = "EUR" };
  const char    *page;
  guint          drafts = 0;

  if (!have_pdftotext ())
    return;

  store = fx_store ();
  report = completed_report (store);
  /* Undo the completion: a report only saved so far. */
  care_record_set_value (report, "total_cents", NULL);
  fx_save (store, report);

  dir = g_dir_make_tmp ("care-pdf-XXXXXX", NULL);
  file = g_file_new_build_filename (dir, "draft.pdf", NULL);
  g_assert_true (
      care_pdf_write_visit_report (store, care_record_get_id (report), &bare, file, &error));
  g_assert_no_error (error);
  text = pdf_text (file);
  assert_contains (text, "Visit report");
  g_assert_null (strstr (text, "Aftercare"));
  for (page = text; (page = strstr (page, "DRAFT")) != NULL; page++)
    drafts++;
  g_assert_cmpuint (drafts, >=, count_pages (text));

  /* A small logo, printed too (and kept by the pages recorded for print). */
  for (guint i = 0; i < G_N_ELEMENTS (logo); i++)
    logo[i] = 0xff204a87;
  bare.logo_pixels = (const unsigned char *) logo;
  bare.logo_width = 4;
  bare.logo_height = 3;
  bare.logo_stride = 16;
  g_assert_true (
      care_pdf_write_visit_report (store, care_record_get_id (report), &bare, file, &error));
  g_assert_no_error (error);
  pages = care_pdf_render_visit_report (store, care_record_get_id (report), &bare, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pages);

  g_unlink (g_file_peek_path (file));
  g_rmdir (dir);
}

/* pdftotext ends each page with a form feed. */
static guint
count_pages (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p; p++)
    n += *p == '\f';
  return n;
}

/* Printing replays the pages the PDF export draws: the same text, page for page. */
static void
test_render_pages (void)
{
  g_autoptr (CareStore) store = NULL;
  g_autoptr (CareRecord) report = NULL;
  g_autoptr (GPtrArray) pages = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GFile) file = NULL;
  g_autofree char *text = NULL;
  cairo_surface_t *pdf;
  cairo_t         *cr;

  if (!have_pdftotext ())
    return;

  store = fx_store ();
  report = completed_report (store);
  pages = care_pdf_render_visit_report (store, care_record_get_id (report), &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pages);
  g_assert_cmpuint (pages->len, >=, 2); /* the long work done runs onto a second page */

  dir = g_dir_make_tmp ("care-pdf-XXXXXX", NULL);
  path = g_build_filename (dir, "printed.pdf", NULL);
  pdf = cairo_pdf_surface_create (path, CARE_PDF_PAGE_WIDTH, CARE_PDF_PAGE_HEIGHT);
  cr = cairo_create (pdf);
  for (guint i = 0; i < pages->len; i++)
    {
      cairo_set_source_surface (cr, g_ptr_array_index (pages, i), 0, 0);
      cairo_paint (cr);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (pdf);
  g_assert_cmpint (cairo_surface_status (pdf), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (pdf);

  file = g_file_new_for_path (path);
  text = pdf_text (file);
  g_assert_cmpuint (count_pages (text), ==, pages->len);
  {
    g_autofree char *exported_path = g_build_filename (dir, "exported.pdf", NULL);
    g_autoptr (GFile) exported = g_file_new_for_path (exported_path);
    g_autofree char *exported_text = NULL;

    g_assert_true (
        care_pdf_write_visit_report (store, care_record_get_id (report), &options, exported, NULL));
    exported_text = pdf_text (exported);
    g_assert_cmpuint (count_pages (exported_text), ==, pages->len);
    g_unlink (exported_path);
  }
  assert_contains (text, "Жана Петрова-Лефèвр");
  assert_contains (text, "Joint d’étanchéité");
  assert_contains (text, "108.40 EUR");
  assert_contains (text, "Très bien, merci ! Всичко работи.");

  g_clear_pointer (&pages, g_ptr_array_unref);
  g_assert_null (care_pdf_render_visit_report (store, "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10",
                                               &options, &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND);

  g_unlink (path);
  g_rmdir (dir);
}

/* A failed export (here: no such folder) is an error, not a half file. */
static void
test_write_error (void)
{
  g_autoptr (CareStore) store = fx_store ();
  g_autoptr (CareRecord) report = completed_report (store);
  g_autoptr (GFile) file = g_file_new_for_path ("/nonexistent-care-dir/report.pdf");
  g_autoptr (GError) error = NULL;

  g_assert_false (
      care_pdf_write_visit_report (store, care_record_get_id (report), &options, file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (care_pdf_write_visit_report (store, "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10",
                                               &options, file, &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND);
}

/* An unreadable stored signature (from a bad peer) still gives a report. */
static void
test_unreadable_signature (void)
{
  g_autoptr (CareStore) store = NULL;
  g_autoptr (CareRecord) report = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (GFile) file = NULL;
  g_autofree char *text = NULL;

  if (!have_pdftotext ())
    return;

  store = fx_store ();
  report = completed_report (store);
  care_record_set_string (report, "signature", "M 1 1 Q 5 5 9 9");
  fx_save (store, report);

  dir = g_dir_make_tmp ("care-pdf-XXXXXX", NULL);
  file = g_file_new_build_filename (dir, "report.pdf", NULL);
  g_assert_true (
      care_pdf_write_visit_report (store, care_record_get_id (report), &options, file, NULL));
  text = pdf_text (file);
  assert_contains (text, "could not be read");
  g_unlink (g_file_peek_path (file));
  g_rmdir (dir);
}

typedef struct
{
  CareStore  *store;
  CareRecord *course;
  CareRecord *contact;
  GPtrArray  *sessions;
} Course;

static CareRecord *
add_session (Course *c, const char *start, const char *end)
{
  CareRecord *s = care_record_new (care_schema_entity (CARE_ENTITY_TRAINING_SESSION));
  g_autoptr (CareRecord) trainer = fx_staff (c->store, "Ана Петрова", "trainer");

  care_record_set_string (s, "course_id", care_record_get_id (c->course));
  care_record_set_string (s, "trainer_id", care_record_get_id (trainer));
  care_record_set_string (s, "start_at", start);
  care_record_set_string (s, "end_at", end);
  care_record_set_int (s, "seats", 8);
  g_ptr_array_add (c->sessions, fx_save (c->store, s));
  return s;
}

static CareRecord *
enrol (Course *c, CareRecord *session, const char *status, gboolean attended)
{
  CareRecord *e = care_record_new (care_schema_entity (CARE_ENTITY_ENROLMENT));

  care_record_set_string (e, "session_id", care_record_get_id (session));
  care_record_set_string (e, "contact_id", care_record_get_id (c->contact));
  care_record_set_string (e, "status", status);
  care_record_set_bool (e, "attended", attended);
  care_record_set_string (e, "enrolled_at", "2026-10-01T10:00:00Z");
  return fx_save (c->store, e);
}

static void
course_set_up (Course *c, gconstpointer data)
{
  g_autoptr (CareRecord) customer = NULL;

  c->store = fx_store ();
  c->sessions = g_ptr_array_new_with_free_func (g_object_unref);
  customer = fx_customer (c->store, "Atelier Girard");
  c->contact = care_record_new (care_schema_entity (CARE_ENTITY_CONTACT));
  care_record_set_string (c->contact, "customer_id", care_record_get_id (customer));
  care_record_set_string (c->contact, "name", "Zoé Lefèvre");
  fx_save (c->store, c->contact);
  c->course = care_record_new (care_schema_entity (CARE_ENTITY_TRAINING_COURSE));
  care_record_set_string (c->course, "title", "Основи на LedgerOne");
  fx_save (c->store, c->course);
}

static void
course_tear_down (Course *c, gconstpointer data)
{
  g_ptr_array_unref (c->sessions);
  g_object_unref (c->course);
  g_object_unref (c->contact);
  g_object_unref (c->store);
}

static gboolean
completed (Course *c, CareAttendance *a)
{
  g_autoptr (GError) error = NULL;

  care_attendance_clear (a);
  g_assert_true (care_attendance_check (c->store, care_record_get_id (c->contact),
                                        care_record_get_id (c->course), a, &error));
  g_assert_no_error (error);
  return care_attendance_completed (a);
}

static void
test_attendance (Course *c, gconstpointer data)
{
  g_auto (CareAttendance) a = { 0 };
  CareRecord *s1 = add_session (c, "2026-11-02T09:00:00Z", "2026-11-02T12:00:00Z");
  CareRecord *s2 = add_session (c, "2026-11-09T09:00:00Z", "2026-11-09T13:30:00Z");
  CareRecord *s3 = add_session (c, "2026-11-16T09:00:00Z", "2026-11-16T12:00:00Z");
  CareRecord *s4 = add_session (c, "2026-11-30T09:00:00Z", "2026-11-30T12:00:00Z");
  g_autoptr (CareRecord) e1 = NULL;
  g_autoptr (CareRecord) e2 = NULL;
  g_autoptr (CareRecord) e3 = NULL;
  g_autoptr (CareRecord) e4 = NULL;

  /* Never confirmed in any session: not completed. */
  g_assert_false (completed (c, &a));
  g_assert_cmpuint (a.n_sessions, ==, 0);

  e1 = enrol (c, s1, "confirmed", TRUE);
  e2 = enrol (c, s2, "confirmed", TRUE);
  e3 = enrol (c, s3, "waitlisted", FALSE); /* never got a seat: does not count */
  g_assert_true (completed (c, &a));
  g_assert_cmpuint (a.n_sessions, ==, 2);
  g_assert_cmpint (a.minutes, ==, 180 + 270);
  g_assert_cmpstr (a.first_start, ==, "2026-11-02T09:00:00Z");
  g_assert_cmpstr (a.last_end, ==, "2026-11-09T13:30:00Z");

  /* Confirmed in one more, not attended (yet): not completed. */
  e4 = enrol (c, s4, "confirmed", FALSE);
  g_assert_false (completed (c, &a));
  g_assert_cmpuint (a.n_attended, ==, 2);

  /* Cancelled instead: complete again. */
  care_record_set_string (e4, "status", "cancelled");
  fx_save (c->store, e4);
  g_assert_true (completed (c, &a));
}

static void
test_certificate (Course *c, gconstpointer data)
{
  CareRecord *s1 = add_session (c, "2026-11-02T09:00:00Z", "2026-11-02T12:00:00Z");
  CareRecord *s2 = add_session (c, "2026-11-09T09:00:00Z", "2026-11-09T13:30:00Z");
  g_autoptr (CareRecord) e1 = enrol (c, s1, "confirmed", TRUE);
  g_autoptr (CareRecord) e2 = enrol (c, s2, "confirmed", FALSE);
  g_autofree char *dir = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (!have_pdftotext ())
    return;

  dir = g_dir_make_tmp ("care-pdf-XXXXXX", NULL);
  file = g_file_new_build_filename (dir, "certificate.pdf", NULL);

  /* Missed a session: refused, and no file is left behind. */
  g_assert_false (care_pdf_write_certificate (c->store, care_record_get_id (c->contact),
                                              care_record_get_id (c->course), &options, file,
                                              &error));
  g_assert_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_NOT_APPLICABLE);
  g_assert_nonnull (strstr (error->message, "Zoé Lefèvre"));
  g_clear_error (&error);
  g_assert_false (g_file_query_exists (file, NULL));

  care_record_set_bool (e2, "attended", TRUE);
  fx_save (c->store, e2);
  g_assert_true (care_pdf_write_certificate (c->store, care_record_get_id (c->contact),
                                             care_record_get_id (c->course), &options, file,
                                             &error));
  g_assert_no_error (error);

  text = pdf_text (file);
  assert_contains (text, "Certificate of attendance");
  assert_contains (text, "Zoé Lefèvre");
  assert_contains (text, "Основи на LedgerOne");
  assert_contains (text, "2 November 2026");
  assert_contains (text, "9 November 2026");
  assert_contains (text, "7.5 hours");
  /* Its issuer, and who trained. */
  assert_contains (text, "Issued by Aftercare Serviços Lda. on");
  assert_contains (text, "Trainer: Ана Петрова");

  g_unlink (g_file_peek_path (file));
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pdf/visit-report", test_visit_report);
  g_test_add_func ("/pdf/render-pages", test_render_pages);
  g_test_add_func ("/pdf/write-error", test_write_error);
  g_test_add_func ("/pdf/unreadable-signature", test_unreadable_signature);
  g_test_add_func ("/pdf/draft-without-company", test_draft_without_company);
  g_test_add ("/pdf/attendance", Course, NULL, course_set_up, test_attendance, course_tear_down);
  g_test_add ("/pdf/certificate", Course, NULL, course_set_up, test_certificate, course_tear_down);

  return g_test_run ();
}
