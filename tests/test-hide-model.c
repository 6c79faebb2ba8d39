/* test-hide-model.c: a record list with one record left out (pending undo). */
#include "config.h"

#include "customers/care-hide-model.h"

static CareRecord *
customer (CareStore *store, const char *name)
{
  CareRecord *c = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (GError) error = NULL;

  care_record_set_string (c, "kind", "person");
  care_record_set_string (c, "name", name);
  care_store_save (store, c, &error);
  g_assert_no_error (error);
  return c;
}

static const char *
title_at (GListModel *model, guint position)
{
  g_autoptr (CareRecord) r = g_list_model_get_item (model, position);

  g_assert_nonnull (r);
  /* The store keeps its own copy; the title outlives this reference. */
  return g_intern_string (care_record_get_title (r));
}

static void
count_changes_cb (GListModel *model, guint position, guint removed, guint added, guint *changes)
{
  (*changes)++;
}

static void
test_hide (void)
{
  g_autoptr (CareStore) store = care_store_new (":memory:", NULL);
  g_autoptr (CareRecord) a = customer (store, "Anna");
  g_autoptr (CareRecord) b = customer (store, "Bert");
  g_autoptr (CareRecord) c = customer (store, "Cleo");
  g_autoptr (CareQuery) query = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (CareRecordList) list = care_record_list_new (store, query);
  g_autoptr (CareHideModel) model = care_hide_model_new (list);
  g_autoptr (CareRecord) d = NULL;
  guint changes = 0;

  g_signal_connect (model, "items-changed", G_CALLBACK (count_changes_cb), &changes);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);

  /* Hiding the middle one shifts the rest down, in one change. */
  care_hide_model_set_hidden (model, care_record_get_id (b));
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);
  g_assert_cmpstr (title_at (G_LIST_MODEL (model), 0), ==, "Anna");
  g_assert_cmpstr (title_at (G_LIST_MODEL (model), 1), ==, "Cleo");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 2));
  g_assert_cmpint (care_hide_model_locate (model, care_record_get_id (c)), ==, 1);
  g_assert_cmpint (care_hide_model_locate (model, care_record_get_id (b)), ==, -1);

  /* It stays hidden when the list reloads after a change. */
  d = customer (store, "Ada");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  g_assert_cmpstr (title_at (G_LIST_MODEL (model), 0), ==, "Ada");
  g_assert_cmpstr (title_at (G_LIST_MODEL (model), 2), ==, "Cleo");
  g_assert_cmpint (care_hide_model_locate (model, care_record_get_id (c)), ==, 2);

  /* Undo shows it again in its place. */
  care_hide_model_set_hidden (model, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 4);
  g_assert_cmpstr (title_at (G_LIST_MODEL (model), 2), ==, "Bert");

  /* A record the list does not hold hides nothing. */
  care_hide_model_set_hidden (model, "no-such-id");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 4);
  g_assert_cmpstr (care_hide_model_get_hidden (model), ==, "no-such-id");
  (void) a;
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hide-model/hide", test_hide);
  return g_test_run ();
}
