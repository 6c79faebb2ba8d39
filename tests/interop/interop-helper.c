/* interop-helper.c: runs the real exporters and importers for the Python
 * cross-checks, which parse with independent libraries.
 *
 *   interop-helper export DIR          writes .ics, .vcf, .csv and expected.json
 *   interop-helper import-vcard FILE   imports into a fresh store, prints JSON
 *   interop-helper import-csv FILE     the same for a customer CSV file
 */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "care-csv.h"
#include "care-ical.h"
#include "care-json.h"
#include "care-vcard.h"
#include "interop-fixture.h"

static void
die_on (GError *error)
{
  if (error != NULL)
    g_error ("%s", error->message);
}

static JsonNode *
dump_store (CareStore *store)
{
  const char *entities[] = { "staff",       "customer",         "contact",
                             "appointment", "training_session", "enrolment" };
  g_autoptr (JsonObject) obj = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    {
      g_autoptr (CareQuery) q = care_query_new (care_schema_lookup (entities[i]));
      g_autoptr (GPtrArray) all = NULL;
      g_autoptr (GError) error = NULL;
      JsonArray *arr = json_array_new ();

      all = care_store_find (store, q, 0, 100000, NULL, &error);
      die_on (error);
      for (guint j = 0; j < all->len; j++)
        {
          CareRecord *r = g_ptr_array_index (all, j);
          JsonObject *fields = care_json_from_record (r);

          json_object_set_string_member (fields, "id", care_record_get_id (r));
          json_object_set_int_member (fields, "rev", care_record_get_rev (r));
          json_array_add_object_element (arr, fields);
        }
      json_object_set_array_member (obj, entities[i], arr);
    }

  json_node_set_object (node, obj);
  return node;
}

static void
write_file (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  die_on (error);
}

static char *
export_query (
    gboolean (*func) (CareStore *, CareQuery *, GOutputStream *, GCancellable *, GError **),
    CareStore  *store,
    const char *entity)
{
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (CareQuery) q = care_query_new (care_schema_lookup (entity));
  g_autoptr (GError) error = NULL;

  care_query_set_order (q, "name", FALSE);
  func (store, q, out, NULL, &error);
  die_on (error);
  g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

static char *
export_event (CareStore *store, const char *entity, const char *id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) r = care_store_load (store, care_schema_lookup (entity), id, &error);
  CareIcalResolver resolver;
  char            *text;

  die_on (error);
  care_ical_resolver_init_for_store (&resolver, store);
  text = care_ical_export_event (r, &resolver, &error);
  die_on (error);
  return text;
}

static int
run_export (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "helper.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CareStore) store = NULL;
  g_autoptr (JsonObject) ids_obj = json_object_new ();
  g_autoptr (JsonNode) expected = NULL;
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *json = NULL;
  InteropIds       ids;
  const char      *names[] = { "technician_id",     "trainer_id",        "company_id",
                               "person_id",         "formula_id",        "contact_primary_id",
                               "contact_quoted_id", "contact_person_id", "product_id",
                               "case_id",           "repair_id",         "call_id",
                               "cancelled_id",      "course_id",         "session_id" };
  char           **values = (char **) &ids;
  char            *text;

  store = care_store_new (path, &error);
  die_on (error);
  interop_fill (store, &ids);

  write_file (dir, "repair.ics", (text = export_event (store, "appointment", ids.repair_id)));
  g_free (text);
  write_file (dir, "call.ics", (text = export_event (store, "appointment", ids.call_id)));
  g_free (text);
  write_file (dir, "session.ics",
              (text = export_event (store, "training_session", ids.session_id)));
  g_free (text);
  text = care_ical_export_staff_feed (store, ids.technician_id, NULL, &error);
  die_on (error);
  write_file (dir, "feed.ics", text);
  g_free (text);
  write_file (dir, "customers.vcf", (text = export_query (care_vcard_export, store, "customer")));
  g_free (text);
  write_file (dir, "customers.csv", (text = export_query (care_csv_export, store, "customer")));
  g_free (text);
  write_file (dir, "contacts.csv", (text = export_query (care_csv_export, store, "contact")));
  g_free (text);

  G_STATIC_ASSERT (G_N_ELEMENTS (names) == sizeof (InteropIds) / sizeof (char *));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    json_object_set_string_member (ids_obj, names[i], values[i]);
  expected = dump_store (store);
  json_object_set_object_member (json_node_get_object (expected), "ids", json_object_ref (ids_obj));
  json_object_set_string_member (json_node_get_object (expected), "long_note", INTEROP_LONG_NOTE);
  json_generator_set_root (gen, expected);
  json_generator_set_pretty (gen, TRUE);
  json = json_generator_to_data (gen, NULL);
  write_file (dir, "expected.json", json);

  interop_clear (&ids);
  return 0;
}

static int
run_import (const char *kind, const char *file_path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("care-helper-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (CareStore) store = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (file_path);
  g_autoptr (CareImportReport) report = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *json = NULL;
  JsonArray       *skipped = json_array_new ();

  die_on (error);
  path = g_build_filename (dir, "import.db", NULL);
  store = care_store_new (path, &error);
  die_on (error);

  if (g_str_equal (kind, "import-vcard"))
    report = care_vcard_import_file (store, file, NULL, &error);
  else
    report =
        care_csv_import_file (store, care_schema_entity (CARE_ENTITY_CUSTOMER), file, NULL, &error);
  die_on (error);

  root = dump_store (store);
  for (guint i = 0; i < care_import_report_get_n_skipped (report); i++)
    {
      guint       line;
      const char *why = care_import_report_get_skipped (report, i, &line);
      JsonArray  *item = json_array_new ();

      json_array_add_int_element (item, line);
      json_array_add_string_element (item, why);
      json_array_add_array_element (skipped, item);
    }
  json_object_set_array_member (json_node_get_object (root), "skipped", skipped);
  json_object_set_int_member (json_node_get_object (root), "created",
                              care_import_report_get_n_created (report));
  json_object_set_int_member (json_node_get_object (root), "outbox",
                              care_store_outbox_count (store));
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  g_print ("%s\n", json);

  g_clear_object (&store);
  for (const char *suffix = ""; suffix != NULL; suffix = g_str_equal (suffix, "")       ? "-wal"
                                                         : g_str_equal (suffix, "-wal") ? "-shm"
                                                                                        : NULL)
    {
      g_autofree char *p = g_strconcat (path, suffix, NULL);
      g_unlink (p);
    }
  g_rmdir (dir);
  return 0;
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");

  if (argc == 3 && g_str_equal (argv[1], "export"))
    return run_export (argv[2]);
  if (argc == 3 && (g_str_equal (argv[1], "import-vcard") || g_str_equal (argv[1], "import-csv")))
    return run_import (argv[1], argv[2]);

  g_printerr ("usage: %s export DIR | import-vcard FILE | import-csv FILE\n", argv[0]);
  return 2;
}
