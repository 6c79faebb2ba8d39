/* test-sync-apply.c: outbox, conflicts, push results and pulled pages, without a server. */
#include "config.h"

#include <string.h>

#include "care-conflict.h"
#include "care-outbox.h"
#include "care-sync-apply.h"
#include "care-sync-engine.h"

#define ID1 "11111111-1111-4111-8111-111111111111"
#define ID2 "22222222-2222-4222-8222-222222222222"

typedef struct
{
  CareStore *store;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->store = care_store_new (":memory:", &error);
  g_assert_no_error (error);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->store);
}

static JsonNode *
json (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static void
pull (Fixture *f, const char *changes, const char *cursor)
{
  g_autofree char *text = g_strdup_printf (
      "{\"changes\": [%s], \"next_cursor\": \"%s\", \"has_more\": false}", changes, cursor);
  g_autoptr (JsonNode) page = json (text);
  g_autoptr (GError) error = NULL;
  gboolean has_more = TRUE;

  care_sync_apply_pull_page (f->store, page, &has_more, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (has_more);
}

#define CUSTOMER(id, rev, name, phone)                                                             \
  "{\"entity\": \"customer\", \"id\": \"" id "\", \"rev\": " #rev ", \"deleted\": false, "         \
  "\"fields\": {\"kind\": \"company\", \"name\": \"" name "\", \"address\": \"" phone "\"}}"
#define TOMBSTONE(id, rev)                                                                         \
  "{\"entity\": \"customer\", \"id\": \"" id "\", \"rev\": " #rev                                  \
  ", \"deleted\": true, \"fields\": null}"

static CareRecord *
load (Fixture *f, const char *id)
{
  return care_store_load (f->store, care_schema_entity (CARE_ENTITY_CUSTOMER), id, NULL);
}

static void
edit (Fixture *f, const char *id, const char *field, const char *value)
{
  g_autoptr (CareRecord) r = load (f, id);
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (r);
  care_record_set_string (r, field, value);
  g_assert_true (care_store_save (f->store, r, &error));
  g_assert_no_error (error);
}

static void
test_pull_inserts (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) r = NULL;
  g_autofree char *cursor = NULL;

  pull (f, CUSTOMER (ID1, 3, "Acme", "1") "," CUSTOMER (ID2, 1, "Globex", "2"), "abc.2");

  r = load (f, ID1);
  g_assert_cmpstr (care_record_get_string (r, "name"), ==, "Acme");
  g_assert_cmpint (care_record_get_rev (r), ==, 3);
  g_assert_cmpint (care_record_get_sync_state (r), ==, CARE_SYNC_STATE_SYNCED);
  g_assert_cmpuint (care_store_outbox_count (f->store), ==, 0);
  cursor = care_store_get_meta (f->store, CARE_SYNC_CURSOR_KEY);
  g_assert_cmpstr (cursor, ==, "abc.2");
}

/* An id a server sends in upper case names the record stored in lower case. */
static void
test_pull_id_case (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) r = NULL;
  g_autoptr (CareQuery) q = care_query_new (care_schema_lookup ("customer"));

  pull (f, CUSTOMER ("6F1C1C1E-8A8E-4B8E-9C1D-3C1E2A9B7D10", 1, "Acme", "1"), "c.1");
  pull (f, CUSTOMER ("6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10", 2, "Acme Corp", "1"), "c.2");

  g_assert_cmpuint (care_store_count (f->store, q, NULL, NULL), ==, 1);
  r = load (f, "6f1c1c1e-8a8e-4b8e-9c1d-3c1e2a9b7d10");
  g_assert_nonnull (r);
  g_assert_cmpstr (care_record_get_string (r, "name"), ==, "Acme Corp");
}

/* A pulled change never overwrites a field whose edit is still pending. */
static void
test_pull_keeps_pending_fields (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) r = NULL;

  pull (f, CUSTOMER (ID1, 1, "Acme", "1"), "c.1");
  edit (f, ID1, "address", "local");

  pull (f, CUSTOMER (ID1, 2, "Acme Corp", "server"), "c.2");
  r = load (f, ID1);
  g_assert_cmpstr (care_record_get_string (r, "address"), ==, "local");
  g_assert_cmpstr (care_record_get_string (r, "name"), ==, "Acme Corp");
  g_assert_cmpint (care_record_get_sync_state (r), ==, CARE_SYNC_STATE_MODIFIED);
  g_assert_cmpint (care_record_get_rev (r), ==, 2);
  g_assert_cmpuint (care_store_outbox_count (f->store), ==, 1);
}

/* The same page twice (a crash before the cursor was kept) converges. */
static void
test_pull_twice (Fixture *f, gconstpointer data)
{
  const char *page =
      CUSTOMER (ID1, 1, "Acme", "1") "," CUSTOMER (ID2, 1, "Globex", "2") "," TOMBSTONE (ID2, 2);
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));

  for (guint i = 0; i < 2; i++)
    {
      pull (f, page, "c.3");
      g_assert_cmpuint (care_store_count (f->store, q, NULL, NULL), ==, 1);
      g_assert_null (load (f, ID2));
    }
}

/* A tombstone spares pending edits and locally created children. */
static void
test_tombstone_spares_local_work (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) contact = care_record_new (care_schema_entity (CARE_ENTITY_CONTACT));
  g_autoptr (CareRecord) r = NULL;
  g_autoptr (GError) error = NULL;

  pull (f, CUSTOMER (ID1, 1, "Acme", "1") "," CUSTOMER (ID2, 1, "Globex", "2"), "c.2");
  edit (f, ID1, "notes", "pending");
  care_record_set_string (contact, "customer_id", ID2);
  care_record_set_string (contact, "name", "Created offline");
  g_assert_true (care_store_save (f->store, contact, &error));

  pull (f, TOMBSTONE (ID1, 2) "," TOMBSTONE (ID2, 2), "c.4");
  r = load (f, ID1);
  g_assert_nonnull (r);
  g_assert_cmpstr (care_record_get_string (r, "notes"), ==, "pending");
  g_assert_null (load (f, ID2));
  g_clear_object (&r);
  r = care_store_load (f->store, care_schema_entity (CARE_ENTITY_CONTACT),
                       care_record_get_id (contact), &error);
  g_assert_no_error (error);
  g_assert_cmpint (care_record_get_sync_state (r), ==, CARE_SYNC_STATE_CREATED);
}

/* A broken page changes nothing, not even the cursor. */
static void
test_pull_malformed (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) page = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *cursor = NULL;
  gboolean         has_more;

  pull (f, CUSTOMER (ID1, 1, "Acme", "1"), "c.1");
  page = json ("{\"changes\": [" CUSTOMER (ID2, 1, "Fine",
                                           "2") ", {\"entity\": \"customer\", \"id\": \"" ID1
                                                "\", \"rev\": 2, \"deleted\": false, \"fields\": "
                                                "{\"kind\": \"alien\", \"name\": \"x\"}}], "
                                                "\"next_cursor\": \"c.9\", \"has_more\": false}");
  g_assert_false (care_sync_apply_pull_page (f->store, page, &has_more, NULL, &error));
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PROTOCOL);
  g_assert_null (load (f, ID2));
  cursor = care_store_get_meta (f->store, CARE_SYNC_CURSOR_KEY);
  g_assert_cmpstr (cursor, ==, "c.1");

  g_clear_error (&error);
  g_clear_pointer (&page, json_node_unref);
  page = json ("{\"changes\": 3}");
  g_assert_false (care_sync_apply_pull_page (f->store, page, &has_more, NULL, &error));
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PROTOCOL);
}

static GPtrArray *
pending (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *list = care_outbox_list_pending (f->store, 0, &error);

  g_assert_no_error (error);
  return list;
}

static void
settle (Fixture *f, GPtrArray *mutations, const char *results)
{
  g_autofree char *text = g_strdup_printf ("{\"results\": [%s], \"last_mutation_id\": 0}", results);
  g_autoptr (JsonNode) response = json (text);
  g_autoptr (GError) error = NULL;

  care_sync_apply_push_results (f->store, mutations, response, &error);
  g_assert_no_error (error);
}

/* Applied, conflicting and refused results, each settled its own way. */
static void
test_push_results (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GPtrArray) rejected = NULL;
  g_autoptr (CareRecord) r = NULL;
  g_autofree char *results = NULL;
  CareConflict    *c;
  CareMutation    *m;

  pull (f, CUSTOMER (ID1, 4, "Acme", "1") "," CUSTOMER (ID2, 1, "Globex", "2"), "c.2");
  edit (f, ID1, "address", "mine");
  edit (f, ID1, "notes", "also mine");
  edit (f, ID2, "notes", "not allowed");

  list = pending (f);
  g_assert_cmpuint (list->len, ==, 3);
  m = g_ptr_array_index (list, 0);
  g_assert_cmpint (m->op, ==, CARE_MUTATION_UPDATE);
  g_assert_cmpint (m->base_rev, ==, 4);

  results = g_strdup_printf ("{\"mutation_id\": %" G_GINT64_FORMAT
                             ", \"status\": \"conflict\", \"rev\": 5, \"code\": \"fields\", "
                             "\"conflicts\": [{\"field\": \"address\", \"server\": \"theirs\", "
                             "\"client\": \"mine\"}], \"error\": \"x\"},"
                             "{\"mutation_id\": %" G_GINT64_FORMAT
                             ", \"status\": \"applied\", \"rev\": 6, \"conflicts\": []},"
                             "{\"mutation_id\": %" G_GINT64_FORMAT
                             ", \"status\": \"rejected\", \"rev\": 0, \"conflicts\": [], "
                             "\"error\": \"Forbidden\"}",
                             ((CareMutation *) g_ptr_array_index (list, 0))->mutation_id,
                             ((CareMutation *) g_ptr_array_index (list, 1))->mutation_id,
                             ((CareMutation *) g_ptr_array_index (list, 2))->mutation_id);
  settle (f, list, results);

  g_assert_cmpuint (care_store_outbox_count (f->store), ==, 0);
  g_assert_cmpuint (care_outbox_count_rejected (f->store), ==, 1);
  rejected = care_outbox_list_rejected (f->store, NULL);
  g_assert_cmpstr (((CareMutation *) g_ptr_array_index (rejected, 0))->error, ==, "Forbidden");

  /* The server kept its value; the user's waits in the conflict. */
  r = load (f, ID1);
  g_assert_cmpstr (care_record_get_string (r, "address"), ==, "theirs");
  g_assert_cmpstr (care_record_get_string (r, "notes"), ==, "also mine");
  g_assert_cmpint (care_record_get_rev (r), ==, 6);
  g_assert_cmpint (care_record_get_sync_state (r), ==, CARE_SYNC_STATE_SYNCED);

  conflicts = care_conflict_list (f->store, NULL);
  g_assert_cmpuint (conflicts->len, ==, 1);
  c = g_ptr_array_index (conflicts, 0);
  g_assert_cmpstr (care_conflict_get_field (c), ==, "address");
  g_assert_cmpstr (g_variant_get_string (care_conflict_get_base_value (c), NULL), ==, "1");
  g_assert_cmpstr (g_variant_get_string (care_conflict_get_local_value (c), NULL), ==, "mine");
  g_assert_cmpstr (g_variant_get_string (care_conflict_get_server_value (c), NULL), ==, "theirs");
}

/* An answer that does not match the request changes nothing. */
static void
test_push_mismatch (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (JsonNode) response = NULL;
  g_autoptr (GError) error = NULL;

  pull (f, CUSTOMER (ID1, 1, "Acme", "1"), "c.1");
  edit (f, ID1, "address", "2");
  list = pending (f);

  response = json ("{\"results\": [{\"mutation_id\": 999, \"status\": \"applied\", \"rev\": 2}]}");
  g_assert_false (care_sync_apply_push_results (f->store, list, response, &error));
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_clear_pointer (&response, json_node_unref);

  response = json ("{\"results\": []}");
  g_assert_false (care_sync_apply_push_results (f->store, list, response, &error));
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PROTOCOL);
  g_assert_cmpuint (care_store_outbox_count (f->store), ==, 1);
}

static CareConflict *
make_conflict (Fixture *f)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autofree char *results = NULL;

  pull (f, CUSTOMER (ID1, 1, "Acme", "1"), "c.1");
  edit (f, ID1, "address", "mine");
  list = pending (f);
  results = g_strdup_printf (
      "{\"mutation_id\": %" G_GINT64_FORMAT ", \"status\": \"conflict\", \"rev\": 2, "
      "\"conflicts\": [{\"field\": \"address\", \"server\": \"theirs\", \"client\": "
      "\"mine\"}]}",
      ((CareMutation *) g_ptr_array_index (list, 0))->mutation_id);
  settle (f, list, results);

  conflicts = care_conflict_list (f->store, NULL);
  g_assert_cmpuint (conflicts->len, ==, 1);
  return g_object_ref (g_ptr_array_index (conflicts, 0));
}

/* "Mine" becomes an ordinary update from the server's value to mine. */
static void
test_resolve_mine (Fixture *f, gconstpointer data)
{
  g_autoptr (CareConflict) c = make_conflict (f);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) r = NULL;
  JsonObject   *change;
  CareMutation *m;

  g_assert_true (
      care_conflict_resolve (f->store, care_conflict_get_id (c), CARE_CONFLICT_KEEP_MINE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (care_conflict_count (f->store), ==, 0);

  list = pending (f);
  g_assert_cmpuint (list->len, ==, 1);
  m = g_ptr_array_index (list, 0);
  g_assert_cmpint (m->op, ==, CARE_MUTATION_UPDATE);
  g_assert_cmpint (m->base_rev, ==, 2);
  change = json_object_get_object_member (m->fields, "address");
  g_assert_cmpstr (json_object_get_string_member (change, "from"), ==, "theirs");
  g_assert_cmpstr (json_object_get_string_member (change, "to"), ==, "mine");
  r = load (f, ID1);
  g_assert_cmpstr (care_record_get_string (r, "address"), ==, "mine");
}

/* "Theirs" sends nothing; a pull that brings the user's value settles it. */
static void
test_resolve_theirs (Fixture *f, gconstpointer data)
{
  g_autoptr (CareConflict) c = make_conflict (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) r = NULL;

  g_assert_true (care_conflict_resolve (f->store, care_conflict_get_id (c),
                                        CARE_CONFLICT_KEEP_THEIRS, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (care_store_outbox_count (f->store), ==, 0);
  g_assert_cmpuint (care_conflict_count (f->store), ==, 0);
  r = load (f, ID1);
  g_assert_cmpstr (care_record_get_string (r, "address"), ==, "theirs");

  g_clear_object (&c);
  g_clear_object (&r);
  edit (f, ID1, "address", "1");
  {
    g_autoptr (GPtrArray) list = pending (f);
    g_autofree char *results = g_strdup_printf (
        "{\"mutation_id\": %" G_GINT64_FORMAT ", \"status\": \"conflict\", \"rev\": 3, "
        "\"conflicts\": [{\"field\": \"address\", \"server\": \"other\", \"client\": \"1\"}]}",
        ((CareMutation *) g_ptr_array_index (list, 0))->mutation_id);
    settle (f, list, results);
  }
  g_assert_cmpuint (care_conflict_count (f->store), ==, 1);
  /* Someone else set the same value meanwhile: nothing left to decide. */
  pull (f, CUSTOMER (ID1, 4, "Acme", "1"), "c.4");
  g_assert_cmpuint (care_conflict_count (f->store), ==, 0);
}

/* A record deleted on the server while a field conflict waits: the user's
 * value survives in a whole-record conflict that can restore it. */
static void
test_conflict_then_tombstone (Fixture *f, gconstpointer data)
{
  g_autoptr (CareConflict) c = make_conflict (f);
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GError) error = NULL;
  CareConflict *deleted;

  pull (f, TOMBSTONE (ID1, 3), "c.3");
  g_assert_null (load (f, ID1));
  conflicts = care_conflict_list (f->store, NULL);
  g_assert_cmpuint (conflicts->len, ==, 1);
  deleted = g_ptr_array_index (conflicts, 0);
  g_assert_cmpint (care_conflict_get_kind (deleted), ==, CARE_CONFLICT_DELETED);
  g_assert_cmpstr (care_record_get_string (care_conflict_get_local_record (deleted), "address"), ==,
                   "mine");

  /* "Mine" restores it as a new record, queued for the server. */
  g_assert_true (care_conflict_resolve (f->store, care_conflict_get_id (deleted),
                                        CARE_CONFLICT_KEEP_MINE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (care_conflict_count (f->store), ==, 0);
  {
    g_autoptr (GPtrArray) list = pending (f);
    CareMutation *m = g_ptr_array_index (list, 0);

    g_assert_cmpuint (list->len, ==, 1);
    g_assert_cmpint (m->op, ==, CARE_MUTATION_CREATE);
    g_assert_cmpstr (m->record_id, !=, ID1);
    g_assert_cmpstr (json_object_get_string_member (m->fields, "address"), ==, "mine");
  }
}

/* Discarding a refused mutation undoes it locally. */
static void
test_discard_rejected (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) created = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GPtrArray) rejected = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) r = NULL;
  g_autofree char *results = NULL;

  pull (f, CUSTOMER (ID1, 1, "Acme", "1"), "c.1");
  edit (f, ID1, "address", "refused");
  care_record_set_string (created, "kind", "person");
  care_record_set_string (created, "name", "Refused too");
  g_assert_true (care_store_save (f->store, created, &error));
  g_assert_true (
      care_store_delete (f->store, care_schema_entity (CARE_ENTITY_CUSTOMER), ID1, &error));

  list = pending (f);
  g_assert_cmpuint (list->len, ==, 3);
  results = g_strdup_printf (
      "{\"mutation_id\": %" G_GINT64_FORMAT ", \"status\": \"rejected\", \"error\": \"no\"},"
      "{\"mutation_id\": %" G_GINT64_FORMAT ", \"status\": \"rejected\", \"error\": \"no\"},"
      "{\"mutation_id\": %" G_GINT64_FORMAT ", \"status\": \"rejected\", \"error\": \"no\"}",
      ((CareMutation *) g_ptr_array_index (list, 0))->mutation_id,
      ((CareMutation *) g_ptr_array_index (list, 1))->mutation_id,
      ((CareMutation *) g_ptr_array_index (list, 2))->mutation_id);
  settle (f, list, results);
  g_assert_cmpuint (care_outbox_count_rejected (f->store), ==, 3);

  /* A pending mutation cannot be discarded. */
  edit (f, care_record_get_id (created), "notes", "pending");
  {
    g_autoptr (GPtrArray) p = pending (f);
    g_assert_false (care_outbox_discard_rejected (
        f->store, ((CareMutation *) g_ptr_array_index (p, 0))->mutation_id, &error));
    g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_FAILED);
    g_clear_error (&error);
  }

  rejected = care_outbox_list_rejected (f->store, NULL);
  for (guint i = rejected->len; i > 0; i--)
    {
      g_assert_true (care_outbox_discard_rejected (
          f->store, ((CareMutation *) g_ptr_array_index (rejected, i - 1))->mutation_id, &error));
      g_assert_no_error (error);
    }

  /* The delete is undone, then the update: the record is as the server has it. */
  r = load (f, ID1);
  g_assert_nonnull (r);
  g_assert_cmpstr (care_record_get_string (r, "address"), ==, "1");
  g_assert_cmpint (care_record_get_sync_state (r), ==, CARE_SYNC_STATE_SYNCED);
  /* The refused creation stays while a later edit of it waits. */
  g_clear_object (&r);
  r = load (f, care_record_get_id (created));
  g_assert_nonnull (r);
  g_assert_cmpuint (care_outbox_count_rejected (f->store), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/sync-apply/pull-inserts", test_pull_inserts);
  ADD ("/sync-apply/pull-keeps-pending-fields", test_pull_keeps_pending_fields);
  ADD ("/sync-apply/pull-id-case", test_pull_id_case);
  ADD ("/sync-apply/pull-twice", test_pull_twice);
  ADD ("/sync-apply/tombstone-spares-local-work", test_tombstone_spares_local_work);
  ADD ("/sync-apply/pull-malformed", test_pull_malformed);
  ADD ("/sync-apply/push-results", test_push_results);
  ADD ("/sync-apply/push-mismatch", test_push_mismatch);
  ADD ("/sync-apply/resolve-mine", test_resolve_mine);
  ADD ("/sync-apply/resolve-theirs", test_resolve_theirs);
  ADD ("/sync-apply/conflict-then-tombstone", test_conflict_then_tombstone);
  ADD ("/sync-apply/discard-rejected", test_discard_rejected);
#undef ADD

  return g_test_run ();
}
