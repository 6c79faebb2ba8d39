/* test-vcard.c: customers and contacts as vCard 4.0, out and back in. */
#include "config.h"

#include <string.h>

#include "care-vcard.h"
#include "interop-util.h"

static CareImportReport *
import (CareStore *store, const char *text, GError **error)
{
  return care_vcard_import (store, text, strlen (text), NULL, error);
}

static void
assert_folded (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_cmpuint (strlen (lines[i]), <=, 75);
      g_assert_true (g_utf8_validate (lines[i], -1, NULL));
    }
}

static void
test_export_shape (Fixture *f, gconstpointer data)
{
  g_autofree char *text = export_to_string (care_vcard_export, f->store, "customer");
  g_autofree char *related =
      g_strdup_printf ("RELATED;TYPE=contact;PREF=1:urn:uuid:%s\r\n", f->ids.contact_primary_id);
  g_autofree char *uid = g_strdup_printf ("UID:urn:uuid:%s\r\n", f->ids.company_id);

  assert_folded (text);
  g_assert_true (g_str_has_prefix (text, "BEGIN:VCARD\r\nVERSION:4.0\r\n"));
  g_assert_nonnull (strstr (text, uid));
  g_assert_nonnull (strstr (text, "KIND:org\r\n"));
  g_assert_nonnull (strstr (text, "FN:Ёлки-Палки\\; Trading\\, Ltd.\r\n"));
  g_assert_nonnull (strstr (text, "ADR:;;ул. Тверская\\, 7\\; кв. 5\\, Москва;;;;\r\n"));
  g_assert_nonnull (strstr (text, "X-AFTERCARE-TAX-NUMBER:RU7707083893\r\n"));
  g_assert_nonnull (strstr (text, related));
  g_assert_nonnull (strstr (text, "ROLE:Директор\\, CEO\r\n"));
  g_assert_nonnull (strstr (text, "FN:O'Brien\\, \"Paddy\"\r\n"));
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autofree char *text = export_to_string (care_vcard_export, f->store, "customer");
  g_autoptr (CareImportReport) report = NULL;
  g_autoptr (CareImportReport) again = NULL;
  g_autoptr (GError) error = NULL;
  guint outbox;

  report = import (f->empty, text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (care_import_report_get_n_skipped (report), ==, 0);
  g_assert_cmpuint (care_import_report_get_n_created (report), ==, 6);
  assert_same_records (f->store, f->empty, "customer");
  assert_same_records (f->store, f->empty, "contact");

  /* Imported records are user edits: each waits in the outbox to sync. */
  outbox = outbox_count (f->empty);
  g_assert_cmpuint (outbox, ==, 6);

  /* The same file again changes nothing and queues nothing. */
  again = import (f->empty, text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (care_import_report_get_n_unchanged (again), ==, 6);
  g_assert_cmpuint (care_import_report_get_n_created (again), ==, 0);
  g_assert_cmpuint (outbox_count (f->empty), ==, outbox);
}

static void
test_update_existing (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CareImportReport) report = NULL;
  g_autoptr (CareRecord) person = NULL;
  g_autofree char *card =
      g_strdup_printf ("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:%s\r\nKIND:individual\r\n"
                       "FN:Zoë Ångström-Berg\r\nEMAIL:zoe@example.org\r\nEND:VCARD\r\n",
                       f->ids.person_id);

  report = import (f->store, card, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (care_import_report_get_n_updated (report), ==, 1);
  person = care_store_load (f->store, care_schema_entity (CARE_ENTITY_CUSTOMER), f->ids.person_id,
                            &error);
  g_assert_cmpstr (care_record_get_string (person, "name"), ==, "Zoë Ångström-Berg");
  /* What the card does not carry is cleared: the card is the whole customer. */
  g_assert_null (care_record_get_string (person, "phone"));
}

static void
test_foreign_cards (Fixture *f, gconstpointer data)
{
  /* vCard 3.0 as Evolution writes it: folded lines, TYPE=pref, a group. */
  const char *text =
      "BEGIN:VCARD\nVERSION:3.0\nUID:pas-id-4F2A\nFN:Renée\n  Lefèvre\nN:Lefèvre;Renée;;;\n"
      "item1.EMAIL;TYPE=INTERNET:other@example.fr\nEMAIL;TYPE=\"INTERNET,pref\":renee@example.fr\n"
      "TEL;TYPE=CELL:+33 6 12 34 56 78\nADR;TYPE=HOME:;;12 rue de la Paix\\nBât. "
      "B;Paris;;75002;France\n"
      "NOTE:Prefers\\, as she says\\; email.\nEND:VCARD\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (CareImportReport) report = import (f->empty, text, &error);
  g_autoptr (CareImportReport) again = NULL;
  g_autoptr (GPtrArray) all = NULL;
  CareRecord *r;

  g_assert_no_error (error);
  g_assert_cmpuint (care_import_report_get_n_created (report), ==, 1);
  all = all_of (f->empty, "customer");
  r = g_ptr_array_index (all, 0);
  g_assert_true (g_uuid_string_is_valid (care_record_get_id (r)));
  g_assert_cmpstr (care_record_get_string (r, "kind"), ==, "person");
  g_assert_cmpstr (care_record_get_string (r, "name"), ==, "Renée Lefèvre");
  g_assert_cmpstr (care_record_get_string (r, "email"), ==, "renee@example.fr");
  g_assert_cmpstr (care_record_get_string (r, "phone"), ==, "+33 6 12 34 56 78");
  g_assert_cmpstr (care_record_get_string (r, "address"), ==,
                   "12 rue de la Paix, Bât. B, Paris, 75002, France");
  g_assert_cmpstr (care_record_get_string (r, "notes"), ==, "Prefers, as she says; email.");

  /* A foreign UID maps to a stable id: a second import updates, never duplicates. */
  again = import (f->empty, text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (care_import_report_get_n_unchanged (again), ==, 1);
  g_assert_cmpuint (count_of (f->empty, "customer"), ==, 1);
}

static void
test_bad_cards_skipped (Fixture *f, gconstpointer data)
{
  g_autofree char *long_name = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CareImportReport) report = NULL;
  g_autofree char *summary = NULL;
  guint            line;

  /* line 1: fine, with its contact on line 9 */
  g_string_append (
      text, "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nUID:urn:uuid:11111111-1111-4111-8111-"
            "111111111111\r\n"
            "FN:Good Co\r\nRELATED;TYPE=contact:urn:uuid:22222222-2222-4222-8222-222222222222\r\n"
            "END:VCARD\r\n\r\n");
  g_string_append (
      text, "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:22222222-2222-4222-8222-222222222222\r\n"
            "FN:Good Contact\r\nEND:VCARD\r\n");
  /* 14: a bad email, and its contact on line 20 */
  g_string_append (
      text, "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bad Mail\r\nEMAIL:not an address\r\n"
            "RELATED;TYPE=contact:urn:uuid:33333333-3333-4333-8333-333333333333\r\nEND:VCARD\r\n");
  g_string_append (
      text, "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:33333333-3333-4333-8333-333333333333\r\n"
            "FN:Orphan\r\nEND:VCARD\r\n");
  /* 25: vCard 2.1 */
  g_string_append (text, "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Old Phone\r\nEND:VCARD\r\n");
  /* 29: no name */
  g_string_append (text, "BEGIN:VCARD\r\nVERSION:4.0\r\nEMAIL:a@b.example\r\nEND:VCARD\r\n");
  /* 33: a name longer than the field allows, on one very long folded line */
  long_name = g_strnfill (300, 'x');
  g_string_append_printf (text, "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:%s\r\nEND:VCARD\r\n", long_name);
  /* 37: a group, not a person */
  g_string_append (text, "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nFN:Team\r\nEND:VCARD\r\n");
  /* 42: never closed */
  g_string_append (text, "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Cut Off\r\n");

  report = import (f->empty, text->str, &error);
  g_assert_no_error (error);
  summary = care_import_report_to_string (report);
  g_test_message ("%s", summary);
  g_assert_cmpuint (care_import_report_get_n_created (report), ==, 2);
  g_assert_cmpuint (care_import_report_get_n_skipped (report), ==, 7);
  g_assert_cmpuint (count_of (f->empty, "customer"), ==, 1);
  g_assert_cmpuint (count_of (f->empty, "contact"), ==, 1);

  g_assert_nonnull (strstr (care_import_report_get_skipped (report, 0, &line), "Email"));
  g_assert_cmpuint (line, ==, 14);
  /* In file order, though contacts are imported after all customers. */
  g_assert_nonnull (strstr (care_import_report_get_skipped (report, 1, &line), "line 14"));
  g_assert_cmpuint (line, ==, 20);
  for (guint i = 2; i < 7; i++)
    {
      const guint lines[] = { 25, 29, 33, 37, 42 };

      care_import_report_get_skipped (report, i, &line);
      g_assert_cmpuint (line, ==, lines[i - 2]);
    }
}

static void
test_hostile_files (Fixture *f, gconstpointer data)
{
  const char invalid_utf8[] = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:M\xfcller\r\nEND:VCARD\r\n";
  const char binary[] = "BEGIN:VCARD\r\n\x00\x01\x02\xff\xfe";
  g_autoptr (GError) error = NULL;
  g_autoptr (CareImportReport) report = NULL;
  g_autofree char *huge = NULL;
  g_autofree char *path = g_build_filename (f->dir, "huge.vcf", NULL);
  g_autoptr (GFile) file = NULL;

  report = care_vcard_import (f->empty, invalid_utf8, sizeof invalid_utf8 - 1, NULL, &error);
  g_assert_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_ENCODING);
  g_assert_nonnull (strstr (error->message, "line 3"));
  g_clear_error (&error);

  report = care_vcard_import (f->empty, binary, sizeof binary - 1, NULL, &error);
  g_assert_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_ENCODING);
  g_clear_error (&error);

  report = import (f->empty, "Hello, this is not a vCard.\n", &error);
  g_assert_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_MALFORMED);
  g_clear_error (&error);

  report = import (f->empty, "", &error);
  g_assert_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_MALFORMED);
  g_clear_error (&error);

  /* Over the limit: refused before it is read into memory. */
  huge = g_strnfill (CARE_IMPORT_MAX_SIZE + 1, 'A');
  g_assert_true (g_file_set_contents (path, huge, -1, NULL));
  file = g_file_new_for_path (path);
  report = care_vcard_import_file (f->empty, file, NULL, &error);
  g_assert_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_TOO_LARGE);
  g_assert_null (report);
  g_clear_error (&error);

  report = care_vcard_import (f->empty, huge, CARE_IMPORT_MAX_SIZE + 1, NULL, &error);
  g_assert_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_TOO_LARGE);

  g_assert_cmpuint (count_of (f->empty, "customer"), ==, 0);
  g_assert_cmpuint (outbox_count (f->empty), ==, 0);
}

static void
test_file_round_trip (Fixture *f, gconstpointer data)
{
  g_autofree char *text = export_to_string (care_vcard_export, f->store, "customer");
  g_autofree char *path = g_build_filename (f->dir, "customers.vcf", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (CareImportReport) report = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  report = care_vcard_import_file (f->empty, file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (care_import_report_get_n_imported (report), ==, 6);
  assert_same_records (f->store, f->empty, "contact");
}

static void
count_changed_cb (CareStore *store, const char *entity, const char *id, gpointer user_data)
{
  guint *n = user_data;

  (*n)++;
}

static void
async_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_async_import (Fixture *f, gconstpointer data)
{
  g_autofree char *text = export_to_string (care_vcard_export, f->store, "customer");
  g_autofree char *path = g_build_filename (f->dir, "async.vcf", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (CareImportReport) report = NULL;
  g_autoptr (GError) error = NULL;
  guint changed = 0;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_signal_connect (f->empty, "changed", G_CALLBACK (count_changed_cb), &changed);

  /* A cancelled import writes nothing and reports the cancel. */
  g_cancellable_cancel (cancelled);
  care_vcard_import_file_async (f->empty, file, cancelled, async_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  report = care_vcard_import_file_finish (f->empty, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (report);
  g_assert_cmpuint (count_of (f->empty, "customer"), ==, 0);
  g_clear_error (&error);
  g_clear_object (&result);

  /* The worker writes through its own connection; the store the lists
   * watch then announces the change. */
  changed = 0;
  care_vcard_import_file_async (f->empty, file, NULL, async_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  report = care_vcard_import_file_finish (f->empty, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (care_import_report_get_n_created (report), ==, 6);
  g_assert_cmpuint (changed, >, 0);
  assert_same_records (f->store, f->empty, "customer");
  assert_same_records (f->store, f->empty, "contact");
  g_assert_cmpuint (outbox_count (f->empty), ==, 6);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/vcard/export-shape", test_export_shape);
  ADD ("/vcard/round-trip", test_round_trip);
  ADD ("/vcard/update-existing", test_update_existing);
  ADD ("/vcard/foreign-cards", test_foreign_cards);
  ADD ("/vcard/bad-cards-skipped", test_bad_cards_skipped);
  ADD ("/vcard/hostile-files", test_hostile_files);
  ADD ("/vcard/file-round-trip", test_file_round_trip);
  ADD ("/vcard/async-import", test_async_import);
#undef ADD

  return g_test_run ();
}
