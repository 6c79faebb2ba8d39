/* test-query.c: search, filters, order and the paged list model. */
#include "config.h"

#include "care-record-list.h"
#include "care-search.h"
#include "care-store-private.h"

static CareStore *
make_store (void)
{
  g_autoptr (GError) error = NULL;
  CareStore *store = care_store_new (":memory:", &error);

  g_assert_no_error (error);
  return store;
}

static CareRecord *
add (CareStore *store, const char *entity, ...)
{
  g_autoptr (GError) error = NULL;
  CareRecord *r = care_record_new (care_schema_lookup (entity));
  va_list     args;
  const char *field;

  va_start (args, entity);
  while ((field = va_arg (args, const char *)) != NULL)
    care_record_set_string (r, field, va_arg (args, const char *));
  va_end (args);

  care_store_save (store, r, &error);
  g_assert_no_error (error);
  return r;
}

static guint
count_search (CareStore *store, const char *text)
{
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (GError) error = NULL;
  guint n;

  care_query_set_search (q, text);
  n = care_store_count (store, q, NULL, &error);
  g_assert_no_error (error);
  return n;
}

static void
test_search (void)
{
  g_autoptr (CareStore) store = make_store ();
  g_autoptr (CareRecord) ana = add (store, "customer", "kind", "person", "name", "Ana Conceição",
                                    "email", "ana@exemplo.pt", "phone", "+351 912 345 678", NULL);
  g_autoptr (CareRecord) ivan =
      add (store, "customer", "kind", "person", "name", "Иван Петров", NULL);
  g_autoptr (CareRecord) firm =
      add (store, "customer", "kind", "company", "name", "Garage Lefèvre", NULL);
  g_autoptr (CareRecord) contact = add (store, "contact", "customer_id", care_record_get_id (firm),
                                        "name", "Zoé Martin", "email", "zoe@garage.fr", NULL);
  g_autoptr (CareRecord) product = add (store, "product", "customer_id", care_record_get_id (ivan),
                                        "serial", "PRN-7QX2K9", "name", "LaserJet", NULL);

  g_assert_cmpuint (count_search (store, "ana"), ==, 1);
  g_assert_cmpuint (count_search (store, "conceicao"), ==, 1); /* accents folded */
  g_assert_cmpuint (count_search (store, "CONCE"), ==, 1);     /* prefix, any case */
  g_assert_cmpuint (count_search (store, "ана"), ==, 0);
  g_assert_cmpuint (count_search (store, "иван"), ==, 1);       /* Cyrillic */
  g_assert_cmpuint (count_search (store, "exemplo.pt"), ==, 1); /* email */
  g_assert_cmpuint (count_search (store, "912345678"), ==, 1);  /* phone digits */
  g_assert_cmpuint (count_search (store, "912 345"), ==, 1);    /* phone groups */
  g_assert_cmpuint (count_search (store, "zoé"), ==, 1);        /* a contact finds its company */
  g_assert_cmpuint (count_search (store, "PRN-7QX"), ==, 1);    /* serial prefix */
  g_assert_cmpuint (count_search (store, "ana garage"), ==, 0); /* all words must match */
  g_assert_cmpuint (count_search (store, ""), ==, 3);
  g_assert_cmpuint (count_search (store, "  "), ==, 3);

  /* FTS syntax typed by a user is only text. */
  g_assert_cmpuint (count_search (store, "\"ana"), ==, 1);
  g_assert_cmpuint (count_search (store, "ana OR ivan"), ==, 0);
  g_assert_cmpuint (count_search (store, "ana:"), ==, 1);
  g_assert_cmpuint (count_search (store, "*"), ==, 3);
  g_assert_cmpuint (count_search (store, "NEAR(ana"), ==, 0);
  g_assert_cmpuint (count_search (store, "'; DROP TABLE customer; --"), ==, 0);
  g_assert_cmpuint (count_search (store, ""), ==, 3);

  /* Search follows edits and deletes. */
  care_record_set_string (ana, "name", "Ana Santos");
  g_assert_true (care_store_save (store, ana, NULL));
  g_assert_cmpuint (count_search (store, "conceicao"), ==, 0);
  g_assert_cmpuint (count_search (store, "santos"), ==, 1);
  g_assert_true (care_store_delete (store, care_record_get_entity (contact),
                                    care_record_get_id (contact), NULL));
  g_assert_cmpuint (count_search (store, "zoé"), ==, 0);
  g_assert_true (
      care_store_delete (store, care_record_get_entity (ivan), care_record_get_id (ivan), NULL));
  g_assert_cmpuint (count_search (store, "иван"), ==, 0);
  g_assert_cmpuint (count_search (store, "PRN"), ==, 0);
}

static void
test_like_search_escapes (void)
{
  g_autoptr (CareStore) store = make_store ();
  g_autoptr (CareRecord) c = add (store, "customer", "kind", "person", "name", "X", NULL);
  g_autoptr (CareRecord) a =
      add (store, "service_case", "customer_id", care_record_get_id (c), "kind", "repair",
           "subject", "100% broken", "opened_at", "2026-11-01T10:00:00Z", "priority", "normal",
           "status", "open", NULL);
  g_autoptr (CareRecord) b =
      add (store, "service_case", "customer_id", care_record_get_id (c), "kind", "repair",
           "subject", "1000 pages jammed", "opened_at", "2026-11-02T10:00:00Z", "priority",
           "normal", "status", "open", NULL);
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));

  care_query_set_search (q, "100%");
  g_assert_cmpuint (care_store_count (store, q, NULL, NULL), ==, 1);
  care_query_set_search (q, "_");
  g_assert_cmpuint (care_store_count (store, q, NULL, NULL), ==, 0);
  care_query_set_search (q, "PAGES");
  g_assert_cmpuint (care_store_count (store, q, NULL, NULL), ==, 1);
}

static void
test_conditions_and_order (void)
{
  g_autoptr (CareStore) store = make_store ();
  g_autoptr (CareRecord) c = add (store, "customer", "kind", "person", "name", "X", NULL);
  const char *days[] = { "2026-11-25", "2026-11-23", "2026-11-24" };
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));
  g_autoptr (GPtrArray) found = NULL;
  const char *statuses[] = { "planned", "done", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    {
      g_autofree char *start = g_strdup_printf ("%sT09:00:00Z", days[i]);
      g_autofree char *end = g_strdup_printf ("%sT10:00:00Z", days[i]);
      g_autoptr (CareRecord) a =
          add (store, "appointment", "kind", "repair", "customer_id", care_record_get_id (c),
               "start_at", start, "end_at", end, "status", i == 1 ? "done" : "planned", NULL);
    }

  care_query_set_order (q, "start_at", FALSE);
  care_query_add_string (q, "start_at", CARE_QUERY_GE, "2026-11-24T00:00:00Z");
  found = care_store_find (store, q, 0, 10, NULL, NULL);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpstr (care_record_get_string (g_ptr_array_index (found, 0), "start_at"), ==,
                   "2026-11-24T09:00:00Z");
  g_clear_pointer (&found, g_ptr_array_unref);

  care_query_add_in (q, "status", statuses);
  g_assert_cmpuint (care_store_count (store, q, NULL, NULL), ==, 2);
  care_query_add_string (q, "status", CARE_QUERY_EQ, "done");
  g_assert_cmpuint (care_store_count (store, q, NULL, NULL), ==, 0);

  {
    g_autoptr (CareQuery) none = care_query_new (care_schema_entity (CARE_ENTITY_APPOINTMENT));
    const char *empty[] = { NULL };
    care_query_add_in (none, "status", empty);
    g_assert_cmpuint (care_store_count (store, none, NULL, NULL), ==, 0);
  }
}

static void
items_changed_cb (GListModel *model, guint position, guint removed, guint added, guint *calls)
{
  (*calls)++;
}

static void
test_record_list (void)
{
  g_autoptr (CareStore) store = make_store ();
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (CareRecordList) list = NULL;
  g_autoptr (CareRecord) first = NULL;
  g_autoptr (CareRecord) last = NULL;
  g_autoptr (GError) error = NULL;
  guint calls = 0;

  g_assert_true (care_store_bulk_begin (store, NULL, &error));
  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr (CareRecord) r = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
      g_autofree char *name = g_strdup_printf ("Customer %04u", 999 - i);
      care_record_set_string (r, "kind", "person");
      care_record_set_string (r, "name", name);
      g_assert_true (care_store_bulk_insert (store, r, &error));
    }
  g_assert_true (care_store_bulk_end (store, TRUE, &error));

  list = care_record_list_new (store, q);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &calls);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == CARE_TYPE_RECORD);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1000);
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  last = g_list_model_get_item (G_LIST_MODEL (list), 999);
  g_assert_cmpstr (care_record_get_title (first), ==, "Customer 0000");
  g_assert_cmpstr (care_record_get_title (last), ==, "Customer 0999");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 1000));
  g_assert_cmpint (care_record_list_find (list, care_record_get_id (last)), ==, 999);

  /* Random access across many pages stays correct. */
  for (guint i = 0; i < 1000; i += 37)
    {
      g_autoptr (CareRecord) r = g_list_model_get_item (G_LIST_MODEL (list), i);
      g_autofree char *expected = g_strdup_printf ("Customer %04u", i);
      g_assert_cmpstr (care_record_get_title (r), ==, expected);
    }

  /* A save elsewhere updates the list live. */
  g_clear_object (&first);
  first = add (store, "customer", "kind", "person", "name", "Aaron First", NULL);
  g_assert_cmpuint (calls, ==, 2); /* all rows out, then all in */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1001);
  {
    g_autoptr (CareRecord) top = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_assert_cmpstr (care_record_get_title (top), ==, "Aaron First");
  }

  /* A new query (the user typed) reloads. */
  {
    g_autoptr (CareQuery) s = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
    care_query_set_search (s, "0042");
    care_record_list_set_query (list, s);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  }

  g_clear_object (&first);
  g_clear_object (&last);
  g_assert_finalize_object (g_steal_pointer (&list));
}

/* Reading a list front to back seeks past each page (keyset paging); it
 * must give exactly the rows OFFSET paging gives, ties in names included. */
static void
test_record_list_keyset (void)
{
  g_autoptr (CareStore) store = make_store ();
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (CareRecordList) list = NULL;
  g_autoptr (GPtrArray) all = NULL;
  const char *names[] = { "Ana", "ana", "Ánа", "Bruno", "Zoé", "bruno" };

  g_assert_true (care_store_bulk_begin (store, NULL, NULL));
  for (guint i = 0; i < 700; i++)
    {
      g_autoptr (CareRecord) r = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
      care_record_set_string (r, "kind", "person");
      care_record_set_string (r, "name", names[i % G_N_ELEMENTS (names)]);
      g_assert_true (care_store_bulk_insert (store, r, NULL));
    }
  g_assert_true (care_store_bulk_end (store, TRUE, NULL));

  for (int descending = 0; descending <= 1; descending++)
    {
      care_query_set_order (q, "name", descending);
      g_clear_object (&list);
      list = care_record_list_new (store, q);
      g_clear_pointer (&all, g_ptr_array_unref);
      all = care_store_find (store, q, 0, 1000, NULL, NULL);
      g_assert_cmpuint (all->len, ==, 700);

      for (guint i = 0; i < 700; i++)
        {
          g_autoptr (CareRecord) r = g_list_model_get_item (G_LIST_MODEL (list), i);
          g_assert_cmpstr (care_record_get_id (r), ==,
                           care_record_get_id (g_ptr_array_index (all, i)));
        }
    }
}

static void
bulk_customers (CareStore *store, guint n, const char *const *names, guint n_names)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (care_store_bulk_begin (store, NULL, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CareRecord) r = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
      g_autofree char *name = g_strdup_printf ("%s %u", names[i % n_names], i);
      g_autofree char *phone = g_strdup_printf ("+351 91%07u", i * 7919 % 10000000);
      care_record_set_string (r, "kind", "person");
      care_record_set_string (r, "name", name);
      care_record_set_string (r, "phone", phone);
      g_assert_true (care_store_bulk_insert (store, r, &error));
    }
  g_assert_true (care_store_bulk_end (store, TRUE, &error));
  g_assert_no_error (error);
}

static GPtrArray *
find_ids (CareStore *store, CareQuery *query, CareQueryMatch match, guint offset, guint limit)
{
  g_autoptr (CareQuery) q = care_query_copy (query);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  care_query_set_match (q, match);
  rows = care_store_find (store, q, offset, limit, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (ids, g_strdup (care_record_get_id (g_ptr_array_index (rows, i))));
  return ids;
}

static void
assert_same_ids (GPtrArray *a, GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

/* The plans a search may take find the same rows in the same order, and a
 * capped count is the exact count up to its cap; hostile text included. */
static void
test_search_plans_agree (void)
{
  g_autoptr (CareStore) store = make_store ();
  const char *names[] = { "Maria Silva", "Mário Sá", "marco polo", "Ana Maria", "Ž Novak", "Zoë" };
  const char *searches[] = { "m",  "ma", "mar", "maria",     "a m", "9",
                             "91", "ž",  "\"",  "m\"* OR x", "zzz" };

  /* Fewer rows than the probe scans: both plans see every row. */
  bulk_customers (store, CARE_QUERY_PROBE_SCAN - 100, names, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
      g_autoptr (GPtrArray) sorted = NULL;
      g_autoptr (GPtrArray) probed = NULL;
      g_autoptr (GPtrArray) sorted_page = NULL;
      g_autoptr (GPtrArray) probed_page = NULL;
      g_autoptr (GError) error = NULL;
      guint n;

      care_query_set_search (q, searches[i]);
      n = care_store_count (store, q, NULL, &error);
      g_assert_no_error (error);

      sorted = find_ids (store, q, CARE_QUERY_MATCH_SORTED, 0, 1000);
      probed = find_ids (store, q, CARE_QUERY_MATCH_PROBE, 0, 1000);
      g_assert_cmpuint (sorted->len, ==, n);
      assert_same_ids (sorted, probed);
      sorted_page = find_ids (store, q, CARE_QUERY_MATCH_SORTED, 50, 20);
      probed_page = find_ids (store, q, CARE_QUERY_MATCH_PROBE, 50, 20);
      assert_same_ids (sorted_page, probed_page);

      g_assert_cmpuint (care_store_count_upto (store, q, 100000, NULL, &error), ==, n);
      g_assert_cmpuint (care_store_count_upto (store, q, 7, NULL, &error), ==, MIN (n, 7u));
      g_assert_no_error (error);
    }

  {
    g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
    care_query_set_search (q, "ma 9");
    g_assert_true (care_query_search_is_short (q));
    care_query_set_search (q, "mari");
    g_assert_false (care_query_search_is_short (q));
    care_query_set_search (q, "!!");
    g_assert_false (care_query_has_fts_search (q));
  }
}

/* A customer search is ranked from a bounded set of candidates: with more
 * matches than that, the list holds CARE_SEARCH_LIMIT rows, says it is
 * not complete, and stays as it is when read to its end (typing more
 * narrows it). Every row it holds matches. */
static void
test_record_list_ranked_bounded (void)
{
  g_autoptr (CareStore) store = make_store ();
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (CareRecordList) list = NULL;
  const char *names[] = { "Maria", "Marco", "Bruno" };
  guint       n, calls = 0;

  bulk_customers (store, 3100, names, G_N_ELEMENTS (names));
  care_query_set_search (q, "ma");
  g_assert_cmpuint (care_store_count (store, q, NULL, NULL), ==, 2067);

  list = care_record_list_new (store, q);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &calls);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (n, ==, CARE_SEARCH_LIMIT);
  g_assert_false (care_record_list_is_complete (list));

  for (guint i = 0; i < n; i += 7)
    {
      g_autoptr (CareRecord) r = g_list_model_get_item (G_LIST_MODEL (list), i);
      g_assert_true (g_str_has_prefix (care_record_get_title (r), "Ma"));
    }
  g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), n - 1));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n);
  g_assert_cmpuint (calls, ==, 0);

  /* Few matches: all of them, and complete. */
  care_query_set_search (q, "bruno");
  {
    g_autoptr (CareQuery) few = care_query_copy (q);
    care_record_list_set_query (list, few);
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, CARE_SEARCH_LIMIT);
  care_query_set_search (q, "bruno 10");
  {
    g_autoptr (CareQuery) one = care_query_copy (q);
    care_record_list_set_query (list, one);
  }
  g_assert_true (care_record_list_is_complete (list));

  /* No search: every customer, counted. */
  {
    g_autoptr (CareQuery) all = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
    care_record_list_set_query (list, all);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3100);
    g_assert_true (care_record_list_is_complete (list));
  }
  g_assert_finalize_object (g_steal_pointer (&list));
}

static char *
index_sql (CareStore *store)
{
  sqlite3_stmt *stmt = care_store_prepare (store,
                                           "SELECT group_concat(sql, ';') FROM (SELECT sql FROM "
                                           "sqlite_schema WHERE type = 'index' ORDER BY name)",
                                           NULL);
  char         *sql = NULL;

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  sql = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return sql;
}

/* A bulk load into an empty store builds the indexes after the rows; they
 * are all back after it, committed or rolled back. */
static void
test_bulk_load_keeps_indexes (void)
{
  g_autoptr (CareStore) store = make_store ();
  g_autofree char *before = index_sql (store);
  g_autofree char *after_rollback = NULL;
  g_autofree char *after_commit = NULL;
  const char      *names[] = { "Zoë Martin" };

  g_assert_true (care_store_bulk_begin (store, NULL, NULL));
  {
    g_autoptr (CareRecord) r = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
    care_record_set_string (r, "kind", "person");
    care_record_set_string (r, "name", "Rolled Back");
    g_assert_true (care_store_bulk_insert (store, r, NULL));
  }
  g_assert_true (care_store_bulk_end (store, FALSE, NULL));
  after_rollback = index_sql (store);
  g_assert_cmpstr (after_rollback, ==, before);
  g_assert_cmpuint (count_search (store, "rolled"), ==, 0);

  bulk_customers (store, 10, names, 1);
  after_commit = index_sql (store);
  g_assert_cmpstr (after_commit, ==, before);
  g_assert_cmpuint (count_search (store, "zoe"), ==, 10);

  /* Into a store that has customers, the indexes stay put. */
  bulk_customers (store, 10, names, 1);
  g_assert_cmpuint (count_search (store, "martin"), ==, 20);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/query/search", test_search);
  g_test_add_func ("/query/like-search-escapes", test_like_search_escapes);
  g_test_add_func ("/query/conditions-and-order", test_conditions_and_order);
  g_test_add_func ("/query/record-list", test_record_list);
  g_test_add_func ("/query/record-list-keyset", test_record_list_keyset);
  g_test_add_func ("/query/search-plans-agree", test_search_plans_agree);
  g_test_add_func ("/query/record-list-ranked-bounded", test_record_list_ranked_bounded);
  g_test_add_func ("/query/bulk-load-keeps-indexes", test_bulk_load_keeps_indexes);

  return g_test_run ();
}
