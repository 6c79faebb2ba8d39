/* test-store.c: the local store: round trips, outbox, transactions, migrations. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "care-demo.h"
#include "care-store-private.h"

typedef struct
{
  char      *dir;
  char      *path;
  CareStore *store;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("care-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "store.db", NULL);
  f->store = care_store_new (f->path, &error);
  g_assert_no_error (error);
}

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (dir);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->store);
  remove_dir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static gint64
scalar (CareStore *store, const char *sql)
{
  sqlite3_stmt *stmt = care_store_prepare (store, sql, NULL);
  gint64        v;

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return v;
}

static CareRecord *
new_customer (const char *name)
{
  CareRecord *r = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));

  care_record_set_string (r, "kind", "person");
  care_record_set_string (r, "name", name);
  return r;
}

static CareRecord *
save_customer (Fixture *f, const char *name)
{
  g_autoptr (GError) error = NULL;
  CareRecord *r = new_customer (name);

  care_store_save (f->store, r, &error);
  g_assert_no_error (error);
  return r;
}

static void
assert_same (CareRecord *a, CareRecord *b)
{
  g_autoptr (GPtrArray) diff = care_record_diff (a, b);

  if (diff->len > 0)
    g_error ("%s %s differs in %s", care_record_get_entity (a)->name, care_record_get_id (a),
             (const char *) g_ptr_array_index (diff, 0));
}

/* An attachment of the first customer among @records. */
static CareRecord *
new_attachment (GPtrArray *records)
{
  CareRecord *a = care_record_new (care_schema_entity (CARE_ENTITY_ATTACHMENT));
  CareRecord *customer = NULL;

  for (guint i = 0; i < records->len && customer == NULL; i++)
    if (care_record_get_entity (g_ptr_array_index (records, i)) ==
        care_schema_entity (CARE_ENTITY_CUSTOMER))
      customer = g_ptr_array_index (records, i);
  g_assert_nonnull (customer);

  care_record_set_string (a, "customer_id", care_record_get_id (customer));
  care_record_set_string (a, "file_name", "receipt.pdf");
  care_record_set_string (a, "caption", "Proof of purchase");
  care_record_set_string (a, "content_type", "application/pdf");
  care_record_set_int (a, "size", 48213);
  care_record_set_string (a, "sha256",
                          "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  care_record_set_string (a, "attached_at", "2026-11-30T09:15:00Z");
  care_record_set_rev (a, 1);
  care_record_set_sync_state (a, CARE_SYNC_STATE_SYNCED);
  return a;
}

/* Every entity, every field: written by the demo generator, read back equal. */
static gboolean
collect_sink (CareRecord *record, gpointer user_data, GError **error)
{
  g_ptr_array_add (user_data, g_object_ref (record));
  return TRUE;
}

static void
test_round_trip_every_entity (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  CareDemoOptions options;
  guint           n_entities;

  care_demo_options_init (&options, 30);
  g_assert_true (care_demo_generate (&options, collect_sink, records, &error));
  /* The demo has no attachments (it has no files to show): one of its own. */
  g_ptr_array_add (records, new_attachment (records));
  g_assert_true (care_store_bulk_begin (f->store, NULL, &error));
  for (guint i = 0; i < records->len; i++)
    g_assert_true (care_store_bulk_insert (f->store, g_ptr_array_index (records, i), &error));
  g_assert_true (care_store_bulk_end (f->store, TRUE, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < records->len; i++)
    {
      CareRecord *r = g_ptr_array_index (records, i);
      g_autoptr (CareRecord) back =
          care_store_load (f->store, care_record_get_entity (r), care_record_get_id (r), &error);

      g_assert_no_error (error);
      assert_same (r, back);
      g_assert_cmpint (care_record_get_sync_state (back), ==, CARE_SYNC_STATE_SYNCED);
      g_hash_table_add (seen, (gpointer) care_record_get_entity (r)->name);
    }

  care_schema_entities (&n_entities);
  g_assert_cmpuint (g_hash_table_size (seen), ==, n_entities);
  /* Bulk loads are already synced: nothing to push. */
  g_assert_cmpuint (care_store_outbox_count (f->store), ==, 0);
}

static void
test_unicode_and_sql_verbatim (Fixture *f, gconstpointer data)
{
  const char *names[] = {
    "Йорданка Атанасова-Жекова",
    "Gonçalo Magalhães",
    "Žiga Kovačič",
    "Chloé Lefèvre",
    "O'Brien \"The Boss\"; DROP TABLE customer; --",
    "100% _wild_ \\ card",
    "emoji 🛠️ repair",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (CareRecord) r = save_customer (f, names[i]);
      g_autoptr (CareRecord) back =
          care_store_load (f->store, care_record_get_entity (r), care_record_get_id (r), NULL);

      g_assert_cmpstr (care_record_get_string (back, "name"), ==, names[i]);
    }

  g_assert_cmpint (scalar (f->store, "SELECT count(*) FROM customer"), ==, G_N_ELEMENTS (names));
}

static void
test_outbox_create_update_delete (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) r = save_customer (f, "Ana Silva");
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *stmt;
  const char   *expected_ops[] = { "create", "update", "delete" };
  guint         n = 0;

  g_assert_cmpint (care_record_get_sync_state (r), ==, CARE_SYNC_STATE_CREATED);
  g_assert_nonnull (care_record_get_created_at (r));

  /* Saving an unchanged record writes nothing. */
  g_assert_true (care_store_save (f->store, r, &error));
  g_assert_cmpuint (care_store_outbox_count (f->store), ==, 1);

  care_record_set_string (r, "phone", "+351 912 345 678");
  g_assert_true (care_store_save (f->store, r, &error));
  g_assert_true (
      care_store_delete (f->store, care_record_get_entity (r), care_record_get_id (r), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (care_store_outbox_count (f->store), ==, 3);

  stmt = care_store_prepare (f->store,
                             "SELECT op, fields, record_id FROM outbox ORDER BY mutation_id", NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, expected_ops[n]);
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==, care_record_get_id (r));
      if (n == 1)
        g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==,
                         "{\"phone\":{\"from\":null,\"to\":\"+351 912 345 678\"}}");
      n++;
    }
  sqlite3_reset (stmt);
  g_assert_cmpuint (n, ==, 3);

  /* The tombstone stays until the server acknowledges it, but is gone for readers. */
  g_assert_null (
      care_store_load (f->store, care_record_get_entity (r), care_record_get_id (r), &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND);
  g_assert_cmpint (scalar (f->store, "SELECT sync_state FROM customer"), ==,
                   CARE_SYNC_STATE_DELETED);
}

static void
test_validation_writes_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) r = new_customer ("Ana");
  g_autoptr (CareRecord) contact = care_record_new (care_schema_entity (CARE_ENTITY_CONTACT));
  g_autoptr (GError) error = NULL;

  care_record_set_string (r, "email", "nope");
  g_assert_false (care_store_save (f->store, r, &error));
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_INVALID);
  g_clear_error (&error);

  /* A reference to a record that does not exist is refused. */
  care_record_set_string (contact, "customer_id", "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10");
  care_record_set_string (contact, "name", "Nobody");
  g_assert_false (care_store_save (f->store, contact, &error));
  g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_MISSING_REFERENCE);

  g_assert_cmpint (scalar (f->store, "SELECT count(*) FROM customer"), ==, 0);
  g_assert_cmpint (scalar (f->store, "SELECT count(*) FROM contact"), ==, 0);
  g_assert_cmpuint (care_store_outbox_count (f->store), ==, 0);
}

static void
test_unique_serial (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) c = save_customer (f, "Ana");
  g_autoptr (GError) error = NULL;

  for (int i = 0; i < 2; i++)
    {
      g_autoptr (CareRecord) p = care_record_new (care_schema_entity (CARE_ENTITY_PRODUCT));
      care_record_set_string (p, "customer_id", care_record_get_id (c));
      care_record_set_string (p, "serial", "PRN-0001");
      care_record_set_string (p, "name", "LaserJet");
      if (i == 0)
        g_assert_true (care_store_save (f->store, p, &error));
      else
        {
          g_assert_false (care_store_save (f->store, p, &error));
          g_assert_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_INVALID);
          g_assert_true (strstr (error->message, "PRN-0001") != NULL);
        }
    }
  g_assert_cmpint (scalar (f->store, "SELECT count(*) FROM product"), ==, 1);
}

static void
count_cb (CareStore *store, const char *entity, const char *id, guint *count)
{
  (*count)++;
}

static gboolean
write_then_fail (CareStore *store, gpointer user_data, GError **error)
{
  CareRecord *r = user_data;

  if (!care_store_save (store, r, error))
    return FALSE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "simulated failure after the write");
  return FALSE;
}

static void
test_rollback (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) r = new_customer ("Half Written");
  g_autoptr (GError) error = NULL;
  guint changes = 0;

  g_signal_connect (f->store, "changed", G_CALLBACK (count_cb), &changes);

  g_assert_false (care_store_write (f->store, write_then_fail, r, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);

  /* No row without its mutation, no mutation without its row, no signal. */
  g_assert_cmpint (scalar (f->store, "SELECT count(*) FROM customer"), ==, 0);
  g_assert_cmpuint (care_store_outbox_count (f->store), ==, 0);
  g_assert_cmpint (scalar (f->store, "SELECT count(*) FROM customer_fts"), ==, 0);
  g_assert_cmpuint (changes, ==, 0);

  /* The store is usable afterwards. */
  g_clear_object (&r);
  r = save_customer (f, "Next");
  g_assert_cmpuint (changes, ==, 1);
}

static void
test_delete_cascades_owned (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) c = save_customer (f, "Ana");
  g_autoptr (CareRecord) p = care_record_new (care_schema_entity (CARE_ENTITY_PRODUCT));
  g_autoptr (CareRecord) w = care_record_new (care_schema_entity (CARE_ENTITY_WARRANTY));
  g_autoptr (GError) error = NULL;

  care_record_set_string (p, "customer_id", care_record_get_id (c));
  care_record_set_string (p, "serial", "APL-1");
  care_record_set_string (p, "name", "Dishwasher");
  g_assert_true (care_store_save (f->store, p, &error));
  care_record_set_string (w, "product_id", care_record_get_id (p));
  care_record_set_string (w, "kind", "standard");
  care_record_set_string (w, "start_date", "2026-01-01");
  care_record_set_string (w, "end_date", "2027-12-31");
  g_assert_true (care_store_save (f->store, w, &error));

  g_assert_true (
      care_store_delete (f->store, care_record_get_entity (c), care_record_get_id (c), &error));
  g_assert_no_error (error);
  g_assert_cmpint (scalar (f->store, "SELECT count(*) FROM outbox WHERE op = 'delete'"), ==, 3);
  /* Children go first so the server never holds orphans. */
  g_assert_cmpint (scalar (f->store, "SELECT entity = 'warranty' FROM outbox WHERE op = 'delete' "
                                     "ORDER BY mutation_id LIMIT 1"),
                   ==, 1);
  g_assert_cmpint (scalar (f->store, "SELECT count(*) FROM product WHERE sync_state != 3"), ==, 0);
  /* Editing a deleted record is refused. */
  care_record_set_string (c, "name", "Too late");
  g_assert_false (care_store_save (f->store, c, &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND);
}

static void
test_changed_signal (Fixture *f, gconstpointer data)
{
  guint customer_changes = 0, contact_changes = 0;
  g_autoptr (CareRecord) r = NULL;

  g_signal_connect (f->store, "changed::customer", G_CALLBACK (count_cb), &customer_changes);
  g_signal_connect (f->store, "changed::contact", G_CALLBACK (count_cb), &contact_changes);
  r = save_customer (f, "Ana");
  g_assert_cmpuint (customer_changes, ==, 1);
  g_assert_cmpuint (contact_changes, ==, 0);
}

/* The migrations produce exactly the columns the field tables describe. */
static void
test_schema_matches_fields (Fixture *f, gconstpointer data)
{
  guint                    n;
  const CareEntity *const *all = care_schema_entities (&n);

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < all[i]->n_fields; j++)
      {
        const CareField *field = &all[i]->fields[j];
        const char      *type = NULL;
        g_autofree char *sql =
            g_strdup_printf ("SELECT type FROM pragma_table_info('%s') WHERE name = '%s'",
                             all[i]->name, field->name);
        sqlite3_stmt *stmt = care_store_prepare (f->store, sql, NULL);

        if (sqlite3_step (stmt) != SQLITE_ROW)
          g_error ("Column %s.%s is missing", all[i]->name, field->name);
        type = (const char *) sqlite3_column_text (stmt, 0);
        g_assert_cmpstr (type, ==, care_field_is_text (field) ? "TEXT" : "INTEGER");
        sqlite3_reset (stmt);
      }
}

/* Opens a file brought to schema @version by hand, as an older Aftercare
 * would have left it, with one customer in it when the schema allows. */
static void
test_migrate_from_every_version (void)
{
  guint latest = g_strv_length ((char **) care_store_migrations);

  for (guint version = 0; version <= latest; version++)
    {
      g_autofree char *dir = g_dir_make_tmp ("care-migrate-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "old.db", NULL);
      g_autofree char *pragma = g_strdup_printf ("PRAGMA user_version = %u", version);
      g_autoptr (CareStore) store = NULL;
      g_autoptr (GError) error = NULL;
      sqlite3 *db;

      g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
      for (guint v = 0; v < version; v++)
        g_assert_cmpint (sqlite3_exec (db, care_store_migrations[v], NULL, NULL, NULL), ==,
                         SQLITE_OK);
      if (version >= 1)
        g_assert_cmpint (
            sqlite3_exec (db,
                          "INSERT INTO customer (id, created_at, updated_at, kind, name) VALUES "
                          "('6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10', '2020-01-01T00:00:00Z', "
                          "'2020-01-01T00:00:00Z', 'person', 'Kept Across Upgrades')",
                          NULL, NULL, NULL),
            ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (db, pragma, NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (db);

      store = care_store_new (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (care_store_get_schema_version (store), ==, latest);
      if (version >= 1)
        {
          g_autoptr (CareRecord) kept =
              care_store_load (store, care_schema_entity (CARE_ENTITY_CUSTOMER),
                               "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10", &error);
          g_assert_no_error (error);
          g_assert_cmpstr (care_record_get_title (kept), ==, "Kept Across Upgrades");
        }

      g_clear_object (&store);
      remove_dir (dir);
    }
}

static void
test_refuses_newer_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("care-newer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "newer.db", NULL);
  g_autoptr (GError) error = NULL;
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 9999", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);

  g_assert_null (care_store_new (path, &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_TOO_NEW);
  g_assert_true (strstr (error->message, "newer version") != NULL);
  remove_dir (dir);
}

static void
test_refuses_garbage_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("care-garbage-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "garbage.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *junk = g_strnfill (8192, 'x');

  g_assert_true (g_file_set_contents (path, junk, -1, NULL));
  g_assert_null (care_store_new (path, &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_CORRUPT);
  /* The file is left as it was for the user to inspect. */
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  remove_dir (dir);
}

static void
test_client_id_persists (Fixture *f, gconstpointer data)
{
  g_autofree char *id = g_strdup (care_store_get_client_id (f->store));

  g_assert_true (g_uuid_string_is_valid (id));
  g_clear_object (&f->store);
  f->store = care_store_new (f->path, NULL);
  g_assert_cmpstr (care_store_get_client_id (f->store), ==, id);
}

/* A bulk load into an empty store runs with a rollback journal instead of
 * the WAL. Whatever stops it, the store must come back empty and sound,
 * never half loaded. */
static GPtrArray *
demo_records (guint n_customers)
{
  GPtrArray      *records = g_ptr_array_new_with_free_func (g_object_unref);
  CareDemoOptions options;

  care_demo_options_init (&options, n_customers);
  g_assert_true (care_demo_generate (&options, collect_sink, records, NULL));
  return records;
}

static char *
text_scalar (CareStore *store, const char *sql)
{
  sqlite3_stmt *stmt = care_store_prepare (store, sql, NULL);
  char         *v;

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return v;
}

static void
assert_empty_and_sound (CareStore *store, gint64 n_indexes)
{
  g_autofree char *check = text_scalar (store, "PRAGMA integrity_check");
  g_autofree char *mode = text_scalar (store, "PRAGMA journal_mode");
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));

  g_assert_cmpstr (check, ==, "ok");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (scalar (store, "SELECT count(*) FROM customer"), ==, 0);
  g_assert_cmpint (scalar (store, "SELECT count(*) FROM contact"), ==, 0);
  g_assert_cmpint (scalar (store, "SELECT count(*) FROM product"), ==, 0);
  g_assert_cmpint (scalar (store, "SELECT count(*) FROM customer_fts"), ==, 0);
  g_assert_cmpint (scalar (store, "SELECT count(*) FROM meta WHERE key = 'bulk_loading'"), ==, 0);
  g_assert_cmpint (scalar (store, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"), ==,
                   n_indexes);
  g_assert_cmpuint (care_store_count (store, q, NULL, NULL), ==, 0);
}

/* The store still takes a full load after a failed one, and finds it. */
static void
assert_loads (CareStore *store, GPtrArray *records)
{
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *check = NULL;

  for (guint i = 0; name == NULL && i < records->len; i++)
    if (care_record_get_entity (g_ptr_array_index (records, i)) ==
        care_schema_entity (CARE_ENTITY_CUSTOMER))
      name = g_strdup (care_record_get_string (g_ptr_array_index (records, i), "name"));
  g_assert_nonnull (name);

  g_assert_true (care_store_bulk_begin (store, NULL, &error));
  for (guint i = 0; i < records->len; i++)
    g_assert_true (care_store_bulk_insert (store, g_ptr_array_index (records, i), &error));
  g_assert_true (care_store_bulk_end (store, TRUE, &error));
  g_assert_no_error (error);

  check = text_scalar (store, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");
  g_assert_cmpint (scalar (store, "SELECT count(*) FROM customer"), ==, 200);
  /* The load puts off FTS5's merges; later edits get them back. */
  g_assert_cmpint (scalar (store, "SELECT count(*) FROM customer_fts_config WHERE (k = 'automerge' "
                                  "AND v = 4) OR (k = 'crisismerge' AND v = 16)"),
                   ==, 2);
  care_query_set_search (q, name);
  g_assert_cmpuint (care_store_count (store, q, NULL, NULL), >, 0);
}

static void
test_bulk_load_failed (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) records = demo_records (200);
  g_autoptr (GError) error = NULL;
  g_autoptr (CareStore) reopened = NULL;
  g_autofree char *mode = NULL;
  gint64 n_indexes = scalar (f->store, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'");

  g_assert_true (care_store_bulk_begin (f->store, NULL, &error));
  mode = text_scalar (f->store, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "truncate");
  /* A small cache makes the load write its pages into the file before the
   * failure, as a big load does. */
  g_assert_true (care_store_exec (f->store, "PRAGMA cache_size = 5", NULL));
  for (guint i = 0; i < records->len; i++)
    g_assert_true (care_store_bulk_insert (f->store, g_ptr_array_index (records, i), &error));
  /* The same id twice: the load fails half way. */
  g_assert_false (care_store_bulk_insert (f->store, g_ptr_array_index (records, 0), &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (care_store_bulk_end (f->store, FALSE, NULL));

  assert_empty_and_sound (f->store, n_indexes);
  reopened = care_store_new (f->path, &error);
  g_assert_no_error (error);
  assert_empty_and_sound (reopened, n_indexes);
  g_clear_object (&reopened);

  assert_loads (f->store, records);
}

/* A cancelled load stops at the next row, and rolls back. */
static void
test_bulk_load_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) records = demo_records (200);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  gint64 n_indexes = scalar (f->store, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'");

  g_assert_true (care_store_bulk_begin (f->store, cancellable, &error));
  for (guint i = 0; i < records->len / 2; i++)
    g_assert_true (care_store_bulk_insert (f->store, g_ptr_array_index (records, i), &error));
  g_cancellable_cancel (cancellable);
  g_assert_false (
      care_store_bulk_insert (f->store, g_ptr_array_index (records, records->len / 2), &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_CANCELLED);
  g_assert_true (care_store_error_is_cancelled (error));
  g_assert_true (care_store_bulk_end (f->store, FALSE, NULL));

  assert_empty_and_sound (f->store, n_indexes);
  assert_loads (f->store, records);
}

/* Cancelled after its rows, the load is stopped in its long last step (the
 * index builds) by the progress handler, and rolls back. */
static void
test_bulk_end_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) records = demo_records (200);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  gint64 n_indexes = scalar (f->store, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'");

  g_assert_true (care_store_bulk_begin (f->store, cancellable, &error));
  for (guint i = 0; i < records->len; i++)
    g_assert_true (care_store_bulk_insert (f->store, g_ptr_array_index (records, i), &error));
  g_cancellable_cancel (cancellable);
  g_assert_false (care_store_bulk_end (f->store, TRUE, &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_CANCELLED);

  assert_empty_and_sound (f->store, n_indexes);
  assert_loads (f->store, records);
}

/* A scan longer than the progress handler's interval stops when its
 * cancellable is cancelled; the same query runs to the end without. */
static void
test_count_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) records = demo_records (2000);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found = NULL;

  g_assert_true (care_store_bulk_begin (f->store, NULL, &error));
  for (guint i = 0; i < records->len; i++)
    g_assert_true (care_store_bulk_insert (f->store, g_ptr_array_index (records, i), &error));
  g_assert_true (care_store_bulk_end (f->store, TRUE, &error));

  /* No index on notes: every row is read. */
  care_query_add_string (q, "notes", CARE_QUERY_NE, "no such note");
  g_assert_cmpuint (care_store_count (f->store, q, cancellable, &error), ==,
                    scalar (f->store, "SELECT count(*) FROM customer"));
  g_assert_no_error (error);

  g_cancellable_cancel (cancellable);
  g_assert_cmpuint (care_store_count (f->store, q, cancellable, &error), ==, 0);
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_CANCELLED);
  g_clear_error (&error);

  found = care_store_find (f->store, q, 0, 1000000, cancellable, &error);
  g_assert_null (found);
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_CANCELLED);
  g_clear_error (&error);

  /* The watch ends with the call: the next one, not cancelled, runs. */
  g_assert_cmpuint (care_store_count (f->store, q, NULL, &error), >, 0);
  g_assert_no_error (error);
}

/* The process dies in the middle of the load, with pages already written. */
static void
test_bulk_load_interrupted (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) records = demo_records (200);
  g_autoptr (GError) error = NULL;
  g_autoptr (CareStore) reopened = NULL;
  g_autofree char *journal = g_strconcat (f->path, "-journal", NULL);
  gint64 n_indexes = scalar (f->store, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'");
  int    status;
  pid_t  pid;

  g_clear_object (&f->store);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      CareStore *store = care_store_new (f->path, NULL);

      if (store == NULL || !care_store_bulk_begin (store, NULL, NULL) ||
          !care_store_exec (store, "PRAGMA cache_size = 5", NULL))
        _exit (1);
      for (guint i = 0; i < records->len; i++)
        if (!care_store_bulk_insert (store, g_ptr_array_index (records, i), NULL))
          _exit (1);
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_true (g_file_test (journal, G_FILE_TEST_EXISTS)); /* hot: the load had begun writing */

  f->store = care_store_new (f->path, &error);
  g_assert_no_error (error);
  assert_empty_and_sound (f->store, n_indexes);
  assert_loads (f->store, records);
}

/* While another connection has the file open (the window, while a worker
 * thread loads demo data) the load stays in the WAL, and the other sees it. */
static void
test_bulk_load_shared_file (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) records = demo_records (200);
  g_autoptr (GError) error = NULL;
  g_autoptr (CareStore) loader = care_store_new (f->path, &error);
  g_autofree char *mode = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (scalar (f->store, "SELECT count(*) FROM customer"), ==, 0);
  g_assert_true (care_store_bulk_begin (loader, NULL, &error));
  mode = text_scalar (loader, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (scalar (f->store, "SELECT count(*) FROM customer"), ==, 0);
  for (guint i = 0; i < records->len; i++)
    g_assert_true (care_store_bulk_insert (loader, g_ptr_array_index (records, i), &error));
  g_assert_true (care_store_bulk_end (loader, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (scalar (f->store, "SELECT count(*) FROM customer"), ==, 200);
  g_clear_object (&loader);
}

/* A customer from before tax numbers gets one after the upgrade, and the
 * search finds it by the number, with or without its country code. */
static void
test_tax_number_after_upgrade (void)
{
  g_autofree char  *dir = g_dir_make_tmp ("care-migrate-XXXXXX", NULL);
  g_autofree char  *path = g_build_filename (dir, "old.db", NULL);
  const char       *id = "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10";
  const char *const searches[] = { "PT501964843", "501964843", "5019", "pt5019" };
  g_autoptr (CareStore) store = NULL;
  g_autoptr (CareRecord) customer = NULL;
  g_autoptr (GError) error = NULL;
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  for (guint v = 0; v < 3; v++)
    g_assert_cmpint (sqlite3_exec (db, care_store_migrations[v], NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (
      sqlite3_exec (db,
                    "INSERT INTO customer (id, created_at, updated_at, kind, name) VALUES "
                    "('6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10', '2020-01-01T00:00:00Z', "
                    "'2020-01-01T00:00:00Z', 'company', 'Padaria Lda'); "
                    "PRAGMA user_version = 3",
                    NULL, NULL, NULL),
      ==, SQLITE_OK);
  sqlite3_close (db);

  store = care_store_new (path, &error);
  g_assert_no_error (error);
  customer = care_store_load (store, care_schema_entity (CARE_ENTITY_CUSTOMER), id, &error);
  g_assert_no_error (error);
  g_assert_null (care_record_get_string (customer, "tax_number"));
  care_record_set_string (customer, "tax_number", "PT501964843");
  g_assert_true (care_store_save (store, customer, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));

      care_query_set_search (q, searches[i]);
      g_assert_cmpuint (care_store_count (store, q, NULL, NULL), ==, 1);
    }

  g_clear_object (&store);
  remove_dir (dir);
}

/* Service levels: a case and a call from before them keep their values,
 * gain no policy and no case, and take the new records. */
static void
test_service_levels_after_upgrade (void)
{
  g_autofree char *dir = g_dir_make_tmp ("care-migrate-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  const char      *case_id = "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d21";
  const char      *call_id = "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d22";
  g_autoptr (CareStore) store = NULL;
  g_autoptr (CareRecord) service_case = NULL;
  g_autoptr (CareRecord) call = NULL;
  g_autoptr (CareRecord) change = NULL;
  g_autoptr (GError) error = NULL;
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  for (guint v = 0; v < 4; v++)
    g_assert_cmpint (sqlite3_exec (db, care_store_migrations[v], NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (
      sqlite3_exec (db,
                    "INSERT INTO customer (id, created_at, updated_at, kind, name) VALUES "
                    "('6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d20', '2020-01-01T00:00:00Z', "
                    "'2020-01-01T00:00:00Z', 'company', 'Padaria Lda'); "
                    "INSERT INTO service_case (id, created_at, updated_at, customer_id, kind, "
                    "subject, opened_at, priority, status) VALUES "
                    "('6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d21', '2020-01-01T00:00:00Z', "
                    "'2020-01-02T00:00:00Z', '6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d20', 'repair', "
                    "'Oven', '2020-01-01T00:00:00Z', 'normal', 'waiting'); "
                    "INSERT INTO call_log (id, created_at, updated_at, customer_id, called_at, "
                    "direction, subject, outcome) VALUES "
                    "('6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d22', '2020-01-01T00:00:00Z', "
                    "'2020-01-01T00:00:00Z', '6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d20', "
                    "'2020-01-01T10:00:00Z', 'inbound', 'Oven', 'case_opened'); "
                    "PRAGMA user_version = 4",
                    NULL, NULL, NULL),
      ==, SQLITE_OK);
  sqlite3_close (db);

  store = care_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (care_store_get_schema_version (store), ==, CARE_STORE_SCHEMA_VERSION);
  service_case =
      care_store_load (store, care_schema_entity (CARE_ENTITY_SERVICE_CASE), case_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (care_record_get_string (service_case, "status"), ==, "waiting");
  g_assert_null (care_record_get_string (service_case, "sla_policy_id"));
  call = care_store_load (store, care_schema_entity (CARE_ENTITY_CALL_LOG), call_id, &error);
  g_assert_no_error (error);
  g_assert_null (care_record_get_string (call, "case_id"));

  care_record_set_string (call, "case_id", case_id);
  g_assert_true (care_store_save (store, call, &error));
  change = care_record_new (care_schema_entity (CARE_ENTITY_CASE_STATUS_CHANGE));
  care_record_set_string (change, "case_id", case_id);
  care_record_set_string (change, "status", "waiting");
  care_record_set_string (change, "changed_at", "2020-01-02T00:00:00Z");
  g_assert_true (care_store_save (store, change, &error));
  g_assert_no_error (error);
  g_clear_object (&call);
  call = care_store_load (store, care_schema_entity (CARE_ENTITY_CALL_LOG), call_id, &error);
  g_assert_cmpstr (care_record_get_string (call, "case_id"), ==, case_id);

  g_clear_object (&store);
  remove_dir (dir);
}

/* The columns an "AFTER UPDATE OF a, b ON table" trigger watches. */
static GHashTable *
watched_columns (CareStore *store, const char *trigger)
{
  sqlite3_stmt *stmt = care_store_prepare (
      store, "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?", NULL);
  GHashTable *columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  sqlite3_bind_text (stmt, 1, trigger, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr (GRegex) regex = g_regex_new ("AFTER UPDATE OF (.*?) ON", 0, 0, NULL);
      g_autoptr (GMatchInfo) match = NULL;

      g_assert_true (
          g_regex_match (regex, (const char *) sqlite3_column_text (stmt, 0), 0, &match));
      {
        g_autofree char *list = g_match_info_fetch (match, 1);
        g_auto (GStrv) names = g_strsplit (list, ",", -1);

        for (guint i = 0; names[i] != NULL; i++)
          g_hash_table_add (columns, g_strstrip (g_strdup (names[i])));
      }
    }
  sqlite3_reset (stmt);
  return columns;
}

/* The search index is SQL; the schema's searchable flag says what it
 * indexes. The update triggers must watch exactly the flagged fields (and
 * the references and state that move a record in or out of a customer). */
static void
test_search_index_watches_searchable (Fixture *f, gconstpointer data)
{
  guint                    n;
  const CareEntity *const *all = care_schema_entities (&n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *trigger = g_strconcat (all[i]->name, "_fts_update", NULL);
      g_autoptr (GHashTable) watched = watched_columns (f->store, trigger);

      g_hash_table_remove (watched, "customer_id");
      g_hash_table_remove (watched, "sync_state");
      for (guint j = 0; j < all[i]->n_fields; j++)
        {
          const CareField *field = &all[i]->fields[j];

          if (field->searchable != g_hash_table_contains (watched, field->name))
            g_error ("%s.%s: searchable is %d, but %s watches it: %d", all[i]->name, field->name,
                     field->searchable, trigger, g_hash_table_contains (watched, field->name));
          g_hash_table_remove (watched, field->name);
        }
      g_assert_cmpuint (g_hash_table_size (watched), ==, 0);

      {
        g_autofree char *sql = g_strdup_printf (
            "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '%s_fts_%%'",
            all[i]->name);

        g_assert_cmpint (care_entity_is_searchable (all[i]) ? 3 : 0, ==, scalar (f->store, sql));
      }
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store/round-trip-every-entity", test_round_trip_every_entity);
  ADD ("/store/unicode-and-sql-verbatim", test_unicode_and_sql_verbatim);
  ADD ("/store/outbox", test_outbox_create_update_delete);
  ADD ("/store/validation-writes-nothing", test_validation_writes_nothing);
  ADD ("/store/unique-serial", test_unique_serial);
  ADD ("/store/rollback", test_rollback);
  ADD ("/store/delete-cascades-owned", test_delete_cascades_owned);
  ADD ("/store/changed-signal", test_changed_signal);
  ADD ("/store/schema-matches-fields", test_schema_matches_fields);
  ADD ("/store/search-index-watches-searchable", test_search_index_watches_searchable);
  ADD ("/store/client-id-persists", test_client_id_persists);
  ADD ("/store/bulk-load-failed", test_bulk_load_failed);
  ADD ("/store/bulk-load-interrupted", test_bulk_load_interrupted);
  ADD ("/store/bulk-load-cancelled", test_bulk_load_cancelled);
  ADD ("/store/bulk-end-cancelled", test_bulk_end_cancelled);
  ADD ("/store/count-cancelled", test_count_cancelled);
  ADD ("/store/bulk-load-shared-file", test_bulk_load_shared_file);
#undef ADD
  g_test_add_func ("/store/migrate-from-every-version", test_migrate_from_every_version);
  g_test_add_func ("/store/tax-number-after-upgrade", test_tax_number_after_upgrade);
  g_test_add_func ("/store/service-levels-after-upgrade", test_service_levels_after_upgrade);
  g_test_add_func ("/store/refuses-newer-file", test_refuses_newer_file);
  g_test_add_func ("/store/refuses-garbage-file", test_refuses_garbage_file);

  return g_test_run ();
}
