/* test-sync.c: two or more real clients syncing through the real aftercare-server. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "care-test-harness.h"

typedef struct
{
  TestServer *server;
  TestClient *a;
  TestClient *b;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  if (!test_server_available ())
    {
      g_test_skip ("aftercare-server is not built");
      return;
    }

  f->server = test_server_new ();
  test_server_add_user (f->server, "ana", "admin");
  test_server_add_user (f->server, "ben", "admin");
  test_server_start (f->server, 0);
  f->a = test_client_new (f->server, NULL, "ana");
  f->b = test_client_new (f->server, NULL, "ben");
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->a, test_client_free);
  g_clear_pointer (&f->b, test_client_free);
  g_clear_pointer (&f->server, test_server_free);
}

static void
test_client_free0 (TestClient *client)
{
  if (client != NULL)
    test_client_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestClient, test_client_free0)

static const char *
get (TestClient *client, const char *entity, const char *id, const char *field, char **out)
{
  g_autoptr (CareRecord) r = test_client_load (client, entity, id);

  g_free (*out);
  *out = r != NULL ? g_strdup (care_record_get_string (r, field)) : NULL;
  return *out;
}

static void
async_result_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_ready (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static CareConflict *
only_conflict (TestClient *client)
{
  g_autoptr (GPtrArray) list = care_conflict_list (client->store, NULL);

  g_assert_nonnull (list);
  g_assert_cmpuint (list->len, ==, 1);
  return g_object_ref (g_ptr_array_index (list, 0));
}

/* Offline edits on two clients: different fields merge, the same field
 * conflicts, both resolutions travel, nothing is lost. */
static void
test_merge_and_conflict (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) c = NULL;
  g_autoptr (CareConflict) conflict = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *v = NULL;
  const char      *id;

  if (f->server == NULL)
    return;

  c = test_client_add_customer (f->a, "Acme");
  id = care_record_get_id (c);
  g_assert_cmpuint (care_sync_engine_get_pending_count (f->a->engine), ==, 1);
  test_client_sync_ok (f->a);
  g_assert_cmpuint (care_sync_engine_get_pending_count (f->a->engine), ==, 0);
  g_assert_nonnull (care_sync_engine_get_last_sync (f->a->engine));
  test_client_sync_ok (f->b);
  g_assert_cmpstr (get (f->b, "customer", id, "name", &v), ==, "Acme");

  /* Different fields, both offline. */
  test_client_set (f->a, "customer", id, "phone", "+49 30 1234");
  test_client_set (f->b, "customer", id, "email", "info@acme.example");
  test_client_sync_ok (f->a);
  test_client_sync_ok (f->b);
  test_client_sync_ok (f->a);
  for (guint i = 0; i < 2; i++)
    {
      TestClient *client = i == 0 ? f->a : f->b;
      g_autoptr (CareRecord) r = test_client_load (client, "customer", id);

      g_assert_cmpstr (care_record_get_string (r, "phone"), ==, "+49 30 1234");
      g_assert_cmpstr (care_record_get_string (r, "email"), ==, "info@acme.example");
      g_assert_cmpint (care_record_get_sync_state (r), ==, CARE_SYNC_STATE_SYNCED);
      g_assert_cmpuint (care_sync_engine_get_conflict_count (client->engine), ==, 0);
    }

  /* The same field: the first to sync wins on the server; the second
   * keeps its value in a conflict. */
  test_client_set (f->a, "customer", id, "notes", "Ana's note");
  test_client_set (f->b, "customer", id, "notes", "Ben's note");
  test_client_set (f->b, "customer", id, "address", "Ben's address");
  test_client_sync_ok (f->a);
  test_client_sync_ok (f->b);

  g_assert_cmpuint (care_sync_engine_get_conflict_count (f->b->engine), ==, 1);
  g_assert_cmpuint (care_sync_engine_get_pending_count (f->b->engine), ==, 0);
  conflict = only_conflict (f->b);
  g_assert_cmpint (care_conflict_get_kind (conflict), ==, CARE_CONFLICT_FIELD);
  g_assert_cmpstr (care_conflict_get_field (conflict), ==, "notes");
  g_assert_cmpstr (care_conflict_get_title (conflict), ==, "Acme");
  g_assert_null (care_conflict_get_base_value (conflict));
  g_assert_cmpstr (g_variant_get_string (care_conflict_get_local_value (conflict), NULL), ==,
                   "Ben's note");
  g_assert_cmpstr (g_variant_get_string (care_conflict_get_server_value (conflict), NULL), ==,
                   "Ana's note");
  /* The server's value shows; the other field of the same edit landed. */
  g_assert_cmpstr (get (f->b, "customer", id, "notes", &v), ==, "Ana's note");
  test_client_sync_ok (f->a);
  g_assert_cmpstr (get (f->a, "customer", id, "address", &v), ==, "Ben's address");

  /* "Mine": a new edit from the server's value to Ben's, which travels. */
  g_assert_true (care_sync_engine_resolve_conflict (f->b->engine, care_conflict_get_id (conflict),
                                                    CARE_CONFLICT_KEEP_MINE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (care_sync_engine_get_conflict_count (f->b->engine), ==, 0);
  g_assert_cmpuint (care_sync_engine_get_pending_count (f->b->engine), ==, 1);
  test_client_sync_ok (f->b);
  test_client_sync_ok (f->a);
  g_assert_cmpstr (get (f->a, "customer", id, "notes", &v), ==, "Ben's note");
  g_assert_cmpstr (get (f->b, "customer", id, "notes", &v), ==, "Ben's note");
  g_clear_object (&conflict);

  /* "Theirs": nothing is sent; the other side's value stays everywhere. */
  test_client_set (f->a, "customer", id, "language", "de");
  test_client_set (f->b, "customer", id, "language", "fr");
  test_client_sync_ok (f->b);
  test_client_sync_ok (f->a);
  conflict = only_conflict (f->a);
  g_assert_cmpstr (get (f->a, "customer", id, "language", &v), ==, "fr");
  g_assert_true (care_sync_engine_resolve_conflict (f->a->engine, care_conflict_get_id (conflict),
                                                    CARE_CONFLICT_KEEP_THEIRS, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (care_sync_engine_get_pending_count (f->a->engine), ==, 0);
  g_assert_cmpuint (care_sync_engine_get_conflict_count (f->a->engine), ==, 0);
  test_client_sync_ok (f->a);
  test_client_sync_ok (f->b);
  g_assert_cmpstr (get (f->a, "customer", id, "language", &v), ==, "fr");
  g_assert_cmpstr (get (f->b, "customer", id, "language", &v), ==, "fr");

  /* A resolved conflict cannot be resolved twice. */
  g_assert_false (care_sync_engine_resolve_conflict (f->a->engine, care_conflict_get_id (conflict),
                                                     CARE_CONFLICT_KEEP_MINE, &error));
  g_assert_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND);
}

/* A page applied twice (a crash before its cursor was saved) converges. */
static void
test_repull_converges (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) kept = NULL;
  g_autoptr (CareRecord) gone = NULL;
  g_autofree char *v = NULL;

  if (f->server == NULL)
    return;

  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *name = g_strdup_printf ("Customer %02u", i);
      g_autoptr (CareRecord) c = test_client_add_customer (f->a, name);

      if (i == 3)
        kept = g_object_ref (c);
      if (i == 4)
        gone = g_object_ref (c);
    }
  test_client_sync_ok (f->a);
  g_assert_true (care_store_delete (f->a->store, care_schema_entity (CARE_ENTITY_CUSTOMER),
                                    care_record_get_id (gone), &error));
  test_client_sync_ok (f->a);

  g_object_set (f->b->engine, "page-size", 7, NULL);
  test_client_sync_ok (f->b);
  g_assert_cmpuint (test_client_count (f->b, "customer"), ==, 24);

  /* B edits one record, then "crashes" back to an old cursor: every page
   * comes again, on top of rows that already hold it. */
  test_client_set (f->b, "customer", care_record_get_id (kept), "notes", "local, not yet sent");
  g_assert_true (care_store_set_meta (f->b->store, "sync_cursor", "", &error));
  g_assert_no_error (error);
  test_client_sync_ok (f->b);
  g_assert_cmpuint (test_client_count (f->b, "customer"), ==, 24);
  g_assert_cmpstr (get (f->b, "customer", care_record_get_id (kept), "notes", &v), ==,
                   "local, not yet sent");
  g_assert_false (test_client_has (f->b, "customer", care_record_get_id (gone)));

  /* Once more from the beginning with nothing pending: same result. */
  g_assert_true (care_store_set_meta (f->b->store, "sync_cursor", "", &error));
  test_client_sync_ok (f->b);
  g_assert_cmpuint (test_client_count (f->b, "customer"), ==, 24);
  g_assert_cmpuint (care_sync_engine_get_progress_applied (f->b->engine), ==, 25);
  test_client_sync_ok (f->a);
  g_assert_cmpstr (get (f->a, "customer", care_record_get_id (kept), "notes", &v), ==,
                   "local, not yet sent");
}

/* Delete versus edit, in both orders. */
static void
test_delete_vs_edit (Fixture *f, gconstpointer data)
{
  const CareEntity *customer = care_schema_entity (CARE_ENTITY_CUSTOMER);
  g_autoptr (CareRecord) c1 = NULL;
  g_autoptr (CareRecord) c2 = NULL;
  g_autoptr (CareConflict) conflict = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *v = NULL;

  if (f->server == NULL)
    return;

  c1 = test_client_add_customer (f->a, "Deleted first");
  c2 = test_client_add_customer (f->a, "Edited first");
  test_client_sync_ok (f->a);
  test_client_sync_ok (f->b);

  /* 1. A deletes and syncs first; B's offline edit meets the tombstone. */
  g_assert_true (care_store_delete (f->a->store, customer, care_record_get_id (c1), &error));
  test_client_set (f->b, "customer", care_record_get_id (c1), "notes", "Ben's work");
  test_client_sync_ok (f->a);
  test_client_sync_ok (f->b);
  g_assert_false (test_client_has (f->b, "customer", care_record_get_id (c1)));
  conflict = only_conflict (f->b);
  g_assert_cmpint (care_conflict_get_kind (conflict), ==, CARE_CONFLICT_DELETED);
  g_assert_cmpstr (care_record_get_string (care_conflict_get_local_record (conflict), "notes"), ==,
                   "Ben's work");
  /* "Mine" brings Ben's version back as a new record for everyone. */
  g_assert_true (care_sync_engine_resolve_conflict (f->b->engine, care_conflict_get_id (conflict),
                                                    CARE_CONFLICT_KEEP_MINE, &error));
  g_assert_no_error (error);
  test_client_sync_ok (f->b);
  test_client_sync_ok (f->a);
  g_assert_cmpuint (test_client_count (f->a, "customer"), ==, 2);
  g_assert_cmpuint (test_client_count (f->b, "customer"), ==, 2);
  g_clear_object (&conflict);

  /* 2. B edits and syncs first; A's offline delete is refused. */
  test_client_set (f->b, "customer", care_record_get_id (c2), "notes", "Ben was here");
  g_assert_true (care_store_delete (f->a->store, customer, care_record_get_id (c2), &error));
  g_assert_false (test_client_has (f->a, "customer", care_record_get_id (c2)));
  test_client_sync_ok (f->b);
  test_client_sync_ok (f->a);
  conflict = only_conflict (f->a);
  g_assert_cmpint (care_conflict_get_kind (conflict), ==, CARE_CONFLICT_KEPT);
  /* The record is back, with Ben's edit. */
  g_assert_cmpstr (get (f->a, "customer", care_record_get_id (c2), "notes", &v), ==,
                   "Ben was here");
  /* Deleting again, knowingly, goes through everywhere. */
  g_assert_true (care_sync_engine_resolve_conflict (f->a->engine, care_conflict_get_id (conflict),
                                                    CARE_CONFLICT_KEEP_MINE, &error));
  g_assert_no_error (error);
  test_client_sync_ok (f->a);
  test_client_sync_ok (f->b);
  g_assert_false (test_client_has (f->a, "customer", care_record_get_id (c2)));
  g_assert_false (test_client_has (f->b, "customer", care_record_get_id (c2)));
  g_assert_cmpuint (care_conflict_count (f->a->store), ==, 0);
  g_assert_cmpuint (care_conflict_count (f->b->store), ==, 0);
  {
    /* No tombstone rows linger once the server acknowledged them. */
    g_autoptr (GPtrArray) pending = care_outbox_list_pending (f->a->store, 0, NULL);
    g_assert_cmpuint (pending->len, ==, 0);
  }
}

static CareRecord *
add_product (TestClient *client, const char *customer_id, const char *serial)
{
  g_autoptr (CareRecord) p = care_record_new (care_schema_entity (CARE_ENTITY_PRODUCT));
  g_autoptr (GError) error = NULL;

  care_record_set_string (p, "customer_id", customer_id);
  care_record_set_string (p, "serial", serial);
  care_record_set_string (p, "name", "LaserJet");
  care_record_set_string (p, "category", "printer");
  g_assert_true (care_store_save (client->store, p, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&p);
}

/* Create, delete, re-create (same serial), offline and across syncs. */
static void
test_create_delete_recreate (Fixture *f, gconstpointer data)
{
  const CareEntity *product = care_schema_entity (CARE_ENTITY_PRODUCT);
  g_autoptr (CareRecord) c = NULL;
  g_autoptr (CareRecord) p1 = NULL;
  g_autoptr (CareRecord) p2 = NULL;
  g_autoptr (CareRecord) p3 = NULL;
  g_autoptr (GError) error = NULL;

  if (f->server == NULL)
    return;

  c = test_client_add_customer (f->a, "Initech");

  /* All offline before the first sync. */
  p1 = add_product (f->a, care_record_get_id (c), "SER-1");
  g_assert_true (care_store_delete (f->a->store, product, care_record_get_id (p1), &error));
  p2 = add_product (f->a, care_record_get_id (c), "SER-1");
  test_client_sync_ok (f->a);
  g_assert_cmpuint (care_store_outbox_count (f->a->store), ==, 0);
  g_assert_cmpuint (care_sync_engine_get_rejected_count (f->a->engine), ==, 0);

  /* Across syncs. */
  g_assert_true (care_store_delete (f->a->store, product, care_record_get_id (p2), &error));
  test_client_sync_ok (f->a);
  p3 = add_product (f->a, care_record_get_id (c), "SER-1");
  test_client_sync_ok (f->a);

  test_client_sync_ok (f->b);
  g_assert_cmpuint (test_client_count (f->b, "product"), ==, 1);
  g_assert_true (test_client_has (f->b, "product", care_record_get_id (p3)));
  g_assert_false (test_client_has (f->b, "product", care_record_get_id (p1)));
  g_assert_false (test_client_has (f->b, "product", care_record_get_id (p2)));
  g_assert_cmpuint (test_client_count (f->a, "product"), ==, 1);
}

/* A mutation the server refuses is marked, and later ones still go through. */
static void
test_rejected (Fixture *f, gconstpointer data)
{
  g_autoptr (TestClient) t = NULL;
  g_autoptr (CareRecord) c = NULL;
  g_autoptr (CareRecord) forbidden = NULL;
  g_autoptr (CareRecord) call = NULL;
  g_autoptr (GPtrArray) rejected = NULL;
  g_autoptr (GError) error = NULL;
  CareMutation *m;

  if (f->server == NULL)
    return;

  test_server_add_user (f->server, "tom", "technician");
  t = test_client_new (f->server, NULL, "tom");

  c = test_client_add_customer (f->a, "Umbrella");
  test_client_sync_ok (f->a);
  test_client_sync_ok (t);

  /* A technician may not create customers, but may log calls. */
  forbidden = test_client_add_customer (t, "Not allowed");
  call = care_record_new (care_schema_entity (CARE_ENTITY_CALL_LOG));
  care_record_set_string (call, "customer_id", care_record_get_id (c));
  care_record_set_string (call, "called_at", "2026-11-20T09:30:00Z");
  care_record_set_string (call, "direction", "outbound");
  care_record_set_string (call, "subject", "Visit follow-up");
  care_record_set_string (call, "outcome", "resolved");
  g_assert_true (care_store_save (t->store, call, &error));
  g_assert_no_error (error);

  test_client_sync_ok (t);
  g_assert_cmpuint (care_sync_engine_get_rejected_count (t->engine), ==, 1);
  g_assert_cmpuint (care_sync_engine_get_pending_count (t->engine), ==, 0);
  rejected = care_outbox_list_rejected (t->store, &error);
  g_assert_cmpuint (rejected->len, ==, 1);
  m = g_ptr_array_index (rejected, 0);
  g_assert_cmpint (m->op, ==, CARE_MUTATION_CREATE);
  g_assert_cmpstr (m->record_id, ==, care_record_get_id (forbidden));
  g_assert_true (m->rejected);
  g_assert_nonnull (m->error);
  g_assert_nonnull (strstr (m->error, "technician"));

  /* The user's record stays visible until they discard it. */
  g_assert_true (test_client_has (t, "customer", care_record_get_id (forbidden)));

  test_client_sync_ok (f->b);
  g_assert_true (test_client_has (f->b, "call_log", care_record_get_id (call)));
  g_assert_false (test_client_has (f->b, "customer", care_record_get_id (forbidden)));

  /* A later sync does not send it again. */
  test_client_sync_ok (t);
  g_assert_cmpuint (care_sync_engine_get_rejected_count (t->engine), ==, 1);

  g_assert_true (care_sync_engine_discard_rejected (t->engine, m->mutation_id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (care_sync_engine_get_rejected_count (t->engine), ==, 0);
  g_assert_false (test_client_has (t, "customer", care_record_get_id (forbidden)));
  g_assert_true (test_client_has (t, "customer", care_record_get_id (c)));

  /* The same for an update the server refuses: discarding restores the value. */
  test_client_set (t, "customer", care_record_get_id (c), "notes", "Technician note");
  test_client_sync_ok (t);
  g_clear_pointer (&rejected, g_ptr_array_unref);
  rejected = care_outbox_list_rejected (t->store, &error);
  g_assert_cmpuint (rejected->len, ==, 1);
  g_assert_true (care_sync_engine_discard_rejected (
      t->engine, ((CareMutation *) g_ptr_array_index (rejected, 0))->mutation_id, &error));
  {
    g_autoptr (CareRecord) r = test_client_load (t, "customer", care_record_get_id (c));
    g_assert_null (care_record_get_string (r, "notes"));
    g_assert_cmpint (care_record_get_sync_state (r), ==, CARE_SYNC_STATE_SYNCED);
  }
}

/* The answer to a push is lost after the server committed: the retry is
 * answered from the server's record and nothing is applied twice. */
static void
test_lost_response (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) c = NULL;
  TestProxy  *proxy;
  TestClient *p;

  if (f->server == NULL)
    return;

  test_server_add_user (f->server, "pia", "admin");
  proxy = test_proxy_new (f->server);
  proxy->fault = PROXY_DROP_PUSH_RESPONSE;
  p = test_client_new (f->server, proxy->url, "pia");

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("Lost answer %u", i);
      g_clear_object (&c);
      c = test_client_add_customer (p, name);
    }
  test_client_set (p, "customer", care_record_get_id (c), "notes", "edited before the first push");

  g_assert_false (test_client_sync (p, &error));
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_cmpint (care_sync_engine_get_status (p->engine), ==, CARE_SYNC_STATUS_OFFLINE);
  g_assert_cmpuint (proxy->n_faults, ==, 1);
  /* Nothing acknowledged, nothing lost. */
  g_assert_cmpuint (care_sync_engine_get_pending_count (p->engine), ==, 4);

  test_client_sync_ok (p);
  g_assert_cmpuint (care_sync_engine_get_pending_count (p->engine), ==, 0);
  g_assert_cmpuint (care_sync_engine_get_conflict_count (p->engine), ==, 0);
  g_assert_cmpuint (care_sync_engine_get_rejected_count (p->engine), ==, 0);
  g_assert_cmpuint (proxy->n_pushes, ==, 2);

  test_client_sync_ok (f->b);
  g_assert_cmpuint (test_client_count (f->b, "customer"), ==, 3);
  {
    g_autoptr (CareRecord) r = test_client_load (f->b, "customer", care_record_get_id (c));
    g_assert_cmpstr (care_record_get_string (r, "notes"), ==, "edited before the first push");
    /* Created and updated once each. */
    g_assert_cmpint (care_record_get_rev (r), ==, 2);
  }

  test_client_free (p);
  test_proxy_free (proxy);
}

/* The server is killed while a push is on its way: whether it committed or
 * not, the retry against the restarted server converges. */
static void
test_server_killed (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  TestProxy       *proxy;
  TestClient      *p;
  g_autofree char *v = NULL;

  if (f->server == NULL)
    return;

  test_server_add_user (f->server, "pia", "admin");
  proxy = test_proxy_new (f->server);
  p = test_client_new (f->server, proxy->url, "pia");
  proxy->fault = PROXY_KILL_ON_PUSH;

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *name = g_strdup_printf ("Killed %02u", i);
      g_autoptr (CareRecord) c = test_client_add_customer (p, name);
    }

  g_assert_false (test_client_sync (p, &error));
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_cmpuint (care_sync_engine_get_pending_count (p->engine), ==, 50);

  /* The same database, a new process. */
  test_server_start (f->server, 0);
  test_client_sync_ok (p);
  g_assert_cmpuint (care_sync_engine_get_pending_count (p->engine), ==, 0);

  care_sync_engine_set_server_url (f->b->engine, f->server->url);
  test_client_sync_ok (f->b);
  g_assert_cmpuint (test_client_count (f->b, "customer"), ==, 50);
  g_assert_cmpuint (test_client_count (p, "customer"), ==, 50);

  test_client_free (p);
  test_proxy_free (proxy);
}

static gboolean
status_is (gpointer data)
{
  gpointer *d = data;
  return care_sync_engine_get_status (d[0]) == GPOINTER_TO_UINT (d[1]);
}

static gboolean
synced_all (gpointer data)
{
  CareSyncEngine *engine = data;
  return care_sync_engine_get_status (engine) == CARE_SYNC_STATUS_IDLE &&
         care_sync_engine_get_pending_count (engine) == 0 &&
         care_sync_engine_get_last_sync (engine) != NULL;
}

/* Server unreachable: offline (not an error), the outbox counted, retries
 * back off; the server comes up and the next attempt syncs everything. */
static void
test_backoff (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  gpointer         wait[2];
  guint            port;
  TestServer      *later;
  TestClient      *p;

  if (f->server == NULL)
    return;

  /* A second server, down for now, on a port chosen in advance. */
  later = test_server_new ();
  test_server_add_user (later, "pia", "admin");
  test_server_start (later, 0);
  p = test_client_new (later, NULL, "pia");
  test_server_stop (later);
  port = test_free_port ();
  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  care_sync_engine_set_server_url (p->engine, url);

  g_object_set (p->engine, "min-retry-ms", 200, "max-retry-ms", 800, "debounce-ms", 50, NULL);
  care_sync_engine_start (p->engine);

  {
    g_autoptr (CareRecord) c1 = test_client_add_customer (p, "Offline one");
    g_autoptr (CareRecord) c2 = test_client_add_customer (p, "Offline two");
  }

  wait[0] = p->engine;
  wait[1] = GUINT_TO_POINTER (CARE_SYNC_STATUS_OFFLINE);
  test_wait_until (status_is, wait, 10000);
  g_assert_cmpuint (care_sync_engine_get_pending_count (p->engine), ==, 2);
  g_assert_nonnull (care_sync_engine_get_last_error (p->engine));
  g_assert_cmpuint (care_sync_engine_get_retry_delay (p->engine), >=, 100);
  g_assert_cmpuint (care_sync_engine_get_retry_delay (p->engine), <=, 800);

  /* Let it fail a few times: the delay stays under the cap. */
  for (guint i = 0; i < 3; i++)
    {
      wait[1] = GUINT_TO_POINTER (CARE_SYNC_STATUS_SYNCING);
      test_wait_until (status_is, wait, 5000);
      wait[1] = GUINT_TO_POINTER (CARE_SYNC_STATUS_OFFLINE);
      test_wait_until (status_is, wait, 5000);
      g_assert_cmpuint (care_sync_engine_get_retry_delay (p->engine), <=, 800);
    }
  g_assert_null (care_sync_engine_get_last_sync (p->engine));

  test_server_start (later, port);
  test_wait_until (synced_all, p->engine, 10000);
  g_assert_null (care_sync_engine_get_last_error (p->engine));
  g_assert_cmpuint (care_sync_engine_get_retry_delay (p->engine), ==, 0);

  /* An edit syncs by itself after the debounce. */
  {
    g_autoptr (CareRecord) c3 = test_client_add_customer (p, "Online three");
  }
  g_assert_cmpuint (care_sync_engine_get_pending_count (p->engine), ==, 1);
  test_wait_until (synced_all, p->engine, 10000);

  /* A token the server no longer accepts: signed out, and no retry loop. */
  care_sync_engine_set_token (p->engine, "0000");
  {
    g_autoptr (CareRecord) c4 = test_client_add_customer (p, "Needs sign-in");
  }
  wait[1] = GUINT_TO_POINTER (CARE_SYNC_STATUS_SIGNED_OUT);
  test_wait_until (status_is, wait, 10000);
  g_assert_cmpuint (care_sync_engine_get_retry_delay (p->engine), ==, 0);
  g_assert_cmpuint (care_sync_engine_get_pending_count (p->engine), ==, 1);

  test_client_free (p);
  test_server_free (later);
}

static gboolean
idle_and_empty (gpointer data)
{
  CareSyncEngine *engine = data;
  return care_sync_engine_get_status (engine) == CARE_SYNC_STATUS_IDLE &&
         care_sync_engine_get_pending_count (engine) == 0;
}

/* 429 with Retry-After: the engine waits at least that long, then retries
 * by itself; the server's own words reach the UI meanwhile. */
static void
test_retry_after (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) c = NULL;
  TestProxy  *proxy;
  TestClient *p;
  gint64      start;

  if (f->server == NULL)
    return;

  test_server_add_user (f->server, "pia", "admin");
  proxy = test_proxy_new (f->server);
  proxy->fault = PROXY_BUSY_ON_PUSH;
  p = test_client_new (f->server, proxy->url, "pia");
  g_object_set (p->engine, "min-retry-ms", 50, "max-retry-ms", 100, NULL);
  care_sync_engine_start (p->engine);

  c = test_client_add_customer (p, "Busy");
  start = g_get_monotonic_time ();
  g_assert_false (test_client_sync (p, &error));
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_BUSY);
  g_assert_cmpint (care_sync_engine_get_status (p->engine), ==, CARE_SYNC_STATUS_ERROR);
  g_assert_nonnull (strstr (care_sync_engine_get_last_error (p->engine), "Slow down"));
  /* Retry-After wins over the (much shorter) backoff. */
  g_assert_cmpuint (care_sync_engine_get_retry_delay (p->engine), >=, 1000);

  test_wait_until (idle_and_empty, p->engine, 10000);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1000 * 1000);
  g_assert_cmpuint (proxy->n_pushes, ==, 2);

  test_client_free (p);
  test_proxy_free (proxy);
}

static gboolean
add_big (CareStore *store, gpointer user_data, GError **error)
{
  g_autoptr (GString) note = g_string_new (NULL);

  /* 10,000 characters of 3 bytes: the longest note the schema allows. */
  for (guint i = 0; i < 10000; i++)
    g_string_append (note, "€");

  for (guint i = 0; i < 300; i++)
    {
      g_autoptr (CareRecord) c = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
      g_autofree char *name = g_strdup_printf ("Long notes %03u", i);

      care_record_set_string (c, "kind", "company");
      care_record_set_string (c, "name", name);
      care_record_set_string (c, "notes", note->str);
      if (!care_store_save (store, c, error))
        return FALSE;
    }
  return TRUE;
}

/* A batch larger than the server takes (413) is split, not refused. */
static void
test_oversized_batch (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  if (f->server == NULL)
    return;

  g_assert_true (care_store_write (f->a->store, add_big, NULL, &error));
  g_assert_no_error (error);
  g_object_set (f->a->engine, "batch-size", 300, NULL);
  test_client_sync_ok (f->a);
  g_assert_cmpuint (care_sync_engine_get_pending_count (f->a->engine), ==, 0);
  g_assert_cmpuint (care_sync_engine_get_rejected_count (f->a->engine), ==, 0);

  test_client_sync_ok (f->b);
  g_assert_cmpuint (test_client_count (f->b, "customer"), ==, 300);
}

/* Sign-in: a wrong password is a clear error and changes nothing; a right
 * one gives the token, the user name and role the UI shows. */
static void
test_sign_in (Fixture *f, gconstpointer data)
{
  g_autoptr (CareStore) store = NULL;
  g_autoptr (CareSyncEngine) engine = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  GAsyncResult    *result = NULL;

  if (f->server == NULL)
    return;

  path = g_strconcat (f->a->path, ".other.db", NULL);
  store = care_store_new (path, &error);
  g_assert_no_error (error);
  engine = care_sync_engine_new (store);
  g_assert_cmpint (care_sync_engine_get_status (engine), ==, CARE_SYNC_STATUS_SIGNED_OUT);
  care_sync_engine_set_server_url (engine, f->server->url);
  g_assert_cmpint (care_sync_engine_get_status (engine), ==, CARE_SYNC_STATUS_SIGNED_OUT);

  care_sync_engine_sign_in_async (engine, "ana", "wrong password", NULL, async_result_cb, &result);
  test_wait_until (result_ready, &result, 20000);
  g_assert_false (care_sync_engine_sign_in_finish (engine, result, &error));
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_null (care_sync_engine_get_token (engine));
  g_assert_cmpint (care_sync_engine_get_status (engine), ==, CARE_SYNC_STATUS_SIGNED_OUT);

  care_sync_engine_sign_in_async (engine, "ana", "integration-secret", NULL, async_result_cb,
                                  &result);
  test_wait_until (result_ready, &result, 20000);
  g_assert_true (care_sync_engine_sign_in_finish (engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_nonnull (care_sync_engine_get_token (engine));
  g_assert_cmpstr (care_sync_engine_get_username (engine), ==, "ana");
  g_assert_cmpstr (care_sync_engine_get_role (engine), ==, "admin");
  g_assert_cmpint (care_sync_engine_get_status (engine), ==, CARE_SYNC_STATUS_IDLE);

  /* An address libsoup cannot use is refused, not crashed on. */
  care_sync_engine_set_server_url (engine, "not a url");
  care_sync_engine_sync_async (engine, NULL, async_result_cb, &result);
  test_wait_until (result_ready, &result, 20000);
  g_assert_false (care_sync_engine_sync_finish (engine, result, &error));
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_NOT_CONFIGURED);
  g_clear_object (&result);

  g_clear_object (&engine);
  g_assert_finalize_object (g_steal_pointer (&store));
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
  }
}

static gboolean
has_customer (gpointer data)
{
  gpointer *d = data;
  return test_client_has (d[0], "customer", d[1]);
}

/* Once started, the engine syncs by itself: edits in quick succession go
 * out in one push after the debounce, and the periodic sync brings in
 * what others did. */
static void
test_schedule (Fixture *f, gconstpointer data)
{
  g_autoptr (CareRecord) theirs = NULL;
  TestProxy  *proxy;
  TestClient *p;
  gpointer    wait[2];

  if (f->server == NULL)
    return;

  test_server_add_user (f->server, "pia", "admin");
  proxy = test_proxy_new (f->server);
  p = test_client_new (f->server, proxy->url, "pia");
  g_object_set (p->engine, "debounce-ms", 300, "periodic-seconds", 1, NULL);
  care_sync_engine_start (p->engine);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Typed quickly %u", i);
      g_autoptr (CareRecord) c = test_client_add_customer (p, name);
    }
  test_wait_until (synced_all, p->engine, 10000);
  g_assert_cmpuint (proxy->n_pushes, ==, 1);

  theirs = test_client_add_customer (f->b, "Someone else's");
  test_client_sync_ok (f->b);
  wait[0] = p;
  wait[1] = (gpointer) care_record_get_id (theirs);
  test_wait_until (has_customer, wait, 10000);
  g_assert_cmpuint (proxy->n_pushes, ==, 1);

  test_client_free (p);
  test_proxy_free (proxy);
}

/* A caller's cancellable stops the sync; nothing is lost, the next one runs. */
static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (CareRecord) c = NULL;
  g_autoptr (GError) error = NULL;
  GAsyncResult *result = NULL;

  if (f->server == NULL)
    return;

  c = test_client_add_customer (f->a, "Cancelled");
  care_sync_engine_sync_async (f->a->engine, cancellable, async_result_cb, &result);
  g_assert_cmpint (care_sync_engine_get_status (f->a->engine), ==, CARE_SYNC_STATUS_SYNCING);
  g_cancellable_cancel (cancellable);
  test_wait_until (result_ready, &result, 10000);
  g_assert_false (care_sync_engine_sync_finish (f->a->engine, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_cmpint (care_sync_engine_get_status (f->a->engine), ==, CARE_SYNC_STATUS_IDLE);
  g_assert_cmpuint (care_sync_engine_get_retry_delay (f->a->engine), ==, 0);

  test_client_sync_ok (f->a);
  test_client_sync_ok (f->b);
  g_assert_cmpuint (test_client_count (f->b, "customer"), ==, 1);

  /* Signing out leaves the data and the queue, and says so. */
  test_client_set (f->a, "customer", care_record_get_id (c), "notes", "kept while signed out");
  care_sync_engine_sign_out (f->a->engine);
  g_assert_cmpint (care_sync_engine_get_status (f->a->engine), ==, CARE_SYNC_STATUS_SIGNED_OUT);
  g_assert_false (test_client_sync (f->a, &error));
  g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (care_sync_engine_get_pending_count (f->a->engine), ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/sync/merge-and-conflict", test_merge_and_conflict);
  ADD ("/sync/repull-converges", test_repull_converges);
  ADD ("/sync/delete-vs-edit", test_delete_vs_edit);
  ADD ("/sync/create-delete-recreate", test_create_delete_recreate);
  ADD ("/sync/rejected", test_rejected);
  ADD ("/sync/lost-response", test_lost_response);
  ADD ("/sync/server-killed", test_server_killed);
  ADD ("/sync/backoff", test_backoff);
  ADD ("/sync/cancel", test_cancel);
  ADD ("/sync/retry-after", test_retry_after);
  ADD ("/sync/oversized-batch", test_oversized_batch);
  ADD ("/sync/sign-in", test_sign_in);
  ADD ("/sync/schedule", test_schedule);
#undef ADD

  return g_test_run ();
}
