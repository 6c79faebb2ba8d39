/* test-store-locate.c: a record's position in a query's order. */
#include "config.h"

#include "care-store-locate.h"

static CareRecord *
customer (CareStore *store, const char *name, const char *phone)
{
  CareRecord *c = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (GError) error = NULL;

  care_record_set_string (c, "kind", "person");
  care_record_set_string (c, "name", name);
  care_record_set_string (c, "phone", phone);
  care_store_save (store, c, &error);
  g_assert_no_error (error);
  return c;
}

static void
test_locate (void)
{
  g_autoptr (CareStore) store = care_store_new (":memory:", NULL);
  g_autoptr (CareRecord) b = customer (store, "bertha", "+49 30 1111");
  g_autoptr (CareRecord) a = customer (store, "Anton", "+49 30 2222");
  g_autoptr (CareRecord) c = customer (store, "Carla", "+49 30 1112");
  g_autoptr (CareQuery) all = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (CareQuery) search = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (GError) error = NULL;

  /* The list's own order: by name, without regard to case. */
  g_assert_cmpint (care_store_locate (store, all, care_record_get_id (a), &error), ==, 0);
  g_assert_cmpint (care_store_locate (store, all, care_record_get_id (b), &error), ==, 1);
  g_assert_cmpint (care_store_locate (store, all, care_record_get_id (c), &error), ==, 2);
  g_assert_cmpint (care_store_locate (store, all, "no-such-id", &error), ==, -1);
  g_assert_no_error (error);

  /* Renamed: it moves. */
  care_record_set_string (a, "name", "Zeno");
  care_store_save (store, a, &error);
  g_assert_no_error (error);
  g_assert_cmpint (care_store_locate (store, all, care_record_get_id (a), &error), ==, 2);

  /* A search selects fewer rows; one it does not select is not found. */
  care_query_set_search (search, "301111");
  g_assert_cmpint (care_store_locate (store, search, care_record_get_id (b), &error), ==, 0);
  g_assert_cmpint (care_store_locate (store, search, care_record_get_id (c), &error), ==, -1);

  /* Deleted rows are not in any list. */
  care_store_delete (store, care_schema_entity (CARE_ENTITY_CUSTOMER), care_record_get_id (b),
                     &error);
  g_assert_no_error (error);
  g_assert_cmpint (care_store_locate (store, all, care_record_get_id (b), &error), ==, -1);
  g_assert_cmpint (care_store_locate (store, all, care_record_get_id (c), &error), ==, 0);
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store-locate/positions", test_locate);
  return g_test_run ();
}
