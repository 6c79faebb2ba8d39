/* test-csv.c: records as CSV (RFC 4180), out and back in, and hostile files. */
#include "config.h"

#include <string.h>

#include "care-csv.h"
#include "interop-util.h"

static CareImportReport *
import (CareStore *store, const char *entity, const char *text, GError **error)
{
  return care_csv_import (store, care_schema_lookup (entity), text, strlen (text), NULL, error);
}

static void
test_export_shape (Fixture *f, gconstpointer data)
{
  g_autofree char *text = export_to_string (care_csv_export, f->store, "customer");
  g_autofree char *company = NULL;

  g_assert_true (
      g_str_has_prefix (text, "id,kind,name,email,phone,address,tax_number,language,notes\r\n"));
  /* Quotes doubled, cells with commas, semicolons or newlines quoted. */
  company = g_strdup_printf (
      "%s,company,\"Ёлки-Палки; Trading, Ltd.\",info@elki.example,'+7 495 123-45-67,"
      "\"ул. Тверская, 7; кв. 5, Москва\",RU7707083893,ru,\"",
      f->ids.company_id);
  g_assert_nonnull (strstr (text, company));
  g_assert_nonnull (strstr (text, "\nSecond line; with, punctuation \\ and a backslash.\"\r\n"));
  /* Formula injection: such cells start with an apostrophe. */
  g_assert_nonnull (strstr (text,
                            ",\"'=HYPERLINK(\"\"http://"
                            "evil.example\"\")\",,,'-2+3,,''=x,\"'@SUM(1+1)\n+second line\"\r\n"));
  g_assert_nonnull (strstr (
      text, ",person,Zoë Ångström,zoe@example.org,'+46 8 123 456,\"Drottninggatan 1, Stockholm\","
            "BR39053344705,,\r\n"));
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autofree char *customers = export_to_string (care_csv_export, f->store, "customer");
  g_autofree char *contacts = export_to_string (care_csv_export, f->store, "contact");
  g_autoptr (CareImportReport) report = NULL;
  g_autoptr (CareImportReport) again = NULL;
  g_autoptr (GError) error = NULL;

  report = import (f->empty, "customer", customers, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (care_import_report_get_n_created (report), ==, 3);
  g_assert_cmpuint (care_import_report_get_n_skipped (report), ==, 0);
  assert_same_records (f->store, f->empty, "customer");
  g_clear_pointer (&report, care_import_report_unref);

  /* Contacts refer to the customers just imported. */
  report = import (f->empty, "contact", contacts, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (care_import_report_get_n_created (report), ==, 3);
  assert_same_records (f->store, f->empty, "contact");
  g_assert_cmpuint (outbox_count (f->empty), ==, 6);

  again = import (f->empty, "customer", customers, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (care_import_report_get_n_unchanged (again), ==, 3);
  g_assert_cmpuint (outbox_count (f->empty), ==, 6);
}

static void
test_partial_columns_update (Fixture *f, gconstpointer data)
{
  g_autofree char *text =
      g_strdup_printf ("\xEF\xBB\xBFid,name,kind\n%s,Zoë Ångström-Berg,person\n", f->ids.person_id);
  g_autoptr (GError) error = NULL;
  g_autoptr (CareImportReport) report = import (f->store, "customer", text, &error);
  g_autoptr (CareRecord) person = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (care_import_report_get_n_updated (report), ==, 1);
  person = care_store_load (f->store, care_schema_entity (CARE_ENTITY_CUSTOMER), f->ids.person_id,
                            &error);
  g_assert_cmpstr (care_record_get_string (person, "name"), ==, "Zoë Ångström-Berg");
  /* Columns the file does not have keep their values. */
  g_assert_cmpstr (care_record_get_string (person, "email"), ==, "zoe@example.org");
}

static void
test_bad_rows_skipped (Fixture *f, gconstpointer data)
{
  g_autoptr (GString) text = g_string_new ("name,kind,email,notes\r\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (CareImportReport) report = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autofree char *summary = NULL;
  guint            line;

  g_string_append (text, "Good One,person,,\"two\r\nlines\"\r\n"); /* 2-3 */
  g_string_append (text, "Bad Mail,person,no-at-sign,\r\n");       /* 4 */
  g_string_append (text, "\r\n");                                  /* 5: blank */
  g_string_append (text, "Few,person\r\n");                        /* 6 */
  g_string_append (text, "Str\"ay,person,,\r\n");                  /* 7 */
  g_string_append (text, "\"Closed\"x,person,,\r\n");              /* 8 */
  g_string_append (text, "Robot,android,,\r\n");                   /* 9 */
  g_string_append (text, ",person,,\r\n");                         /* 10: no name */
  g_string_append (text, "Wide");                                  /* 11: 100k cells */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (text, ',');
  g_string_append (text, "\r\nLast One,company,last@example.com,ok"); /* 12, no final newline */

  report = import (f->empty, "customer", text->str, &error);
  g_assert_no_error (error);
  summary = care_import_report_to_string (report);
  g_test_message ("%s", summary);
  g_assert_cmpuint (care_import_report_get_n_created (report), ==, 2);
  g_assert_cmpuint (care_import_report_get_n_skipped (report), ==, 7);

  const guint lines[] = { 4, 6, 7, 8, 9, 10, 11 };
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      care_import_report_get_skipped (report, i, &line);
      g_assert_cmpuint (line, ==, lines[i]);
    }
  g_assert_nonnull (strstr (care_import_report_get_skipped (report, 6, NULL), "100001"));

  all = all_of (f->empty, "customer");
  g_assert_cmpuint (all->len, ==, 2);
  g_assert_cmpstr (care_record_get_string (g_ptr_array_index (all, 0), "notes"), ==, "two\nlines");
  g_assert_cmpstr (care_record_get_string (g_ptr_array_index (all, 1), "email"), ==,
                   "last@example.com");
}

static void
test_hostile_files (Fixture *f, gconstpointer data)
{
  const char binary[] = "name,kind\r\n\x00\x01\x02\xff";
  g_autoptr (GError) error = NULL;
  g_autoptr (CareImportReport) report = NULL;
  g_autoptr (GString) wide = g_string_new ("name");
  g_autofree char *huge = NULL;
  g_autofree char *path = g_build_filename (f->dir, "huge.csv", NULL);
  g_autoptr (GFile) file = NULL;

  /* An unterminated quote: no row after it can be trusted, nothing is imported. */
  report = import (f->empty, "customer",
                   "name,kind\r\nFine,person\r\n\"Open,person\r\nMore,person\r\n", &error);
  g_assert_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "line 3"));
  g_clear_error (&error);

  report = import (f->empty, "customer", "name,kind\r\nM\xfcller,person\r\n", &error);
  g_assert_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_ENCODING);
  g_assert_nonnull (strstr (error->message, "line 2"));
  g_clear_error (&error);

  report = care_csv_import (f->empty, care_schema_entity (CARE_ENTITY_CUSTOMER), binary,
                            sizeof binary - 1, NULL, &error);
  g_assert_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_ENCODING);
  g_clear_error (&error);

  report = import (f->empty, "customer", "name,kind,password\r\nA,person,x\r\n", &error);
  g_assert_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "password"));
  g_clear_error (&error);

  report = import (f->empty, "customer", "name,email\r\nA,a@example.com\r\n", &error);
  g_assert_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "kind"));
  g_clear_error (&error);

  report = import (f->empty, "customer", "name,kind,name\r\n", &error);
  g_assert_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_MALFORMED);
  g_clear_error (&error);

  report = import (f->empty, "customer", "\xEF\xBB\xBF\r\n\r\n", &error);
  g_assert_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_MALFORMED);
  g_clear_error (&error);

  for (guint i = 0; i < 100000; i++)
    g_string_append (wide, ",kind");
  report = import (f->empty, "customer", wide->str, &error);
  g_assert_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_MALFORMED);
  g_clear_error (&error);

  huge = g_strnfill (CARE_IMPORT_MAX_SIZE + 1, ',');
  g_assert_true (g_file_set_contents (path, huge, -1, NULL));
  file = g_file_new_for_path (path);
  report = care_csv_import_file (f->empty, care_schema_entity (CARE_ENTITY_CUSTOMER), file, NULL,
                                 &error);
  g_assert_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_TOO_LARGE);
  g_assert_null (report);

  g_assert_cmpuint (count_of (f->empty, "customer"), ==, 0);
  g_assert_cmpuint (outbox_count (f->empty), ==, 0);
}

static void
test_references_checked (Fixture *f, gconstpointer data)
{
  /* Contacts of customers that are not in this store are refused, one by one. */
  g_autofree char *contacts = export_to_string (care_csv_export, f->store, "contact");
  g_autoptr (GError) error = NULL;
  g_autoptr (CareImportReport) report = import (f->empty, "contact", contacts, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (care_import_report_get_n_imported (report), ==, 0);
  g_assert_cmpuint (care_import_report_get_n_skipped (report), ==, 3);
  g_assert_nonnull (strstr (care_import_report_get_skipped (report, 0, NULL), "Customer"));
}

static void
async_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static CareImportReport *
import_async (CareStore *store, const char *path, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GAsyncResult) result = NULL;

  care_csv_import_file_async (store, care_schema_entity (CARE_ENTITY_CUSTOMER), file, NULL,
                              async_done_cb, &result);
  CareImportReport *report;
  gpointer          task = NULL;

  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  report = care_csv_import_file_finish (store, result, error);

  /* The worker thread lets go of the task, and through it of the store,
   * just after it returns: wait for that, so that the fixture's teardown
   * holds the store's last reference. */
  g_object_add_weak_pointer (G_OBJECT (result), &task);
  task = result;
  g_clear_object (&result);
  for (guint i = 0; g_atomic_pointer_get (&task) != NULL && i < 5000; i++)
    g_usleep (1000);
  return report;
}

static void
test_async_import (Fixture *f, gconstpointer data)
{
  g_autofree char *text = export_to_string (care_csv_export, f->store, "customer");
  g_autofree char *good = g_build_filename (f->dir, "good.csv", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "bad.csv", NULL);
  g_autoptr (CareImportReport) report = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (good, text, -1, NULL));
  g_assert_true (g_file_set_contents (bad, "name,kind\r\n\"never closed,person\r\n", -1, NULL));

  report = import_async (f->empty, bad, &error);
  g_assert_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_MALFORMED);
  g_assert_null (report);
  g_clear_error (&error);

  report = import_async (f->empty, good, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (care_import_report_get_n_created (report), ==, 3);
  assert_same_records (f->store, f->empty, "customer");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/csv/export-shape", test_export_shape);
  ADD ("/csv/round-trip", test_round_trip);
  ADD ("/csv/partial-columns-update", test_partial_columns_update);
  ADD ("/csv/bad-rows-skipped", test_bad_rows_skipped);
  ADD ("/csv/hostile-files", test_hostile_files);
  ADD ("/csv/references-checked", test_references_checked);
  ADD ("/csv/async-import", test_async_import);
#undef ADD

  return g_test_run ();
}
