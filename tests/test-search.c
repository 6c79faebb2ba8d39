/* test-search.c: the customer search ranks people first, says why each
 * row matched, and takes any text. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

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

static CareRecord *
person (CareStore *store, const char *name)
{
  return add (store, "customer", "kind", "person", "name", name, NULL);
}

static CareRecord *
company (CareStore *store, const char *name)
{
  return add (store, "customer", "kind", "company", "name", name, NULL);
}

static void
contact (CareStore *store, CareRecord *customer, const char *name)
{
  g_autoptr (CareRecord) c =
      add (store, "contact", "customer_id", care_record_get_id (customer), "name", name, NULL);
}

/* The list a view shows for @text: the records, in order. */
static GPtrArray *
search (CareStore *store, const char *text, gboolean *complete)
{
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (CareRecordList) list = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);
  guint      n;

  care_query_set_search (q, text);
  list = care_record_list_new (store, q);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  for (guint i = 0; i < n; i++)
    {
      CareRecord *r = g_list_model_get_item (G_LIST_MODEL (list), i);
      g_assert_nonnull (r);
      g_ptr_array_add (rows, r);
    }
  if (complete != NULL)
    *complete = care_record_list_is_complete (list);
  g_assert_finalize_object (g_steal_pointer (&list));
  return rows;
}

static const char *
id_at (GPtrArray *rows, guint i)
{
  g_assert_cmpuint (i, <, rows->len);
  return care_record_get_id (g_ptr_array_index (rows, i));
}

static char *
explain (CareStore *store, CareRecord *customer, const char *text, char **out_text)
{
  char *markup = NULL;
  char *plain = NULL;

  g_assert_true (care_search_explain (store, customer, text, &markup, &plain, NULL));
  /* Well-formed markup, whatever the data holds. */
  {
    g_autofree char *wrapped = g_strconcat ("<markup>", markup, "</markup>", NULL);
    GMarkupParser    parser = { 0 };
    g_autoptr (GMarkupParseContext) ctx = g_markup_parse_context_new (&parser, 0, NULL, NULL);
    g_autoptr (GError) error = NULL;

    g_markup_parse_context_parse (ctx, wrapped, -1, &error);
    g_assert_no_error (error);
  }
  if (out_text != NULL)
    *out_text = plain;
  else
    g_free (plain);
  return markup;
}

/* "camille lef": a company with contacts Camille Martin and Yves Lefèvre,
 * made first, comes after the three customers named Camille Lefèvre, and
 * says why it matched. */
static void
test_company_contacts_after_people (void)
{
  g_autoptr (CareStore) store = make_store ();
  g_autoptr (CareRecord) atelier = company (store, "Atelier Dubois");
  g_autoptr (CareRecord) c1 = NULL;
  g_autoptr (CareRecord) c2 = NULL;
  g_autoptr (CareRecord) c3 = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *text = NULL;
  gboolean         complete;

  contact (store, atelier, "Camille Martin");
  contact (store, atelier, "Yves Lefèvre");
  c1 = person (store, "Camille Lefèvre");
  c2 = person (store, "Camille Lefèvre");
  c3 = person (store, "Camille Lefèvre");

  rows = search (store, "camille lef", &complete);
  g_assert_true (complete);
  g_assert_cmpuint (rows->len, ==, 4);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (care_record_get_title (g_ptr_array_index (rows, i)), ==, "Camille Lefèvre");
  g_assert_cmpstr (id_at (rows, 3), ==, care_record_get_id (atelier));

  markup = explain (store, g_ptr_array_index (rows, 3), "camille lef", &text);
  g_assert_cmpstr (markup, ==, "Contact: <b>Camille</b> Martin · Contact: Yves <b>Lef</b>èvre");
  g_assert_cmpstr (text, ==, "Contact: Camille Martin · Contact: Yves Lefèvre");
  g_clear_pointer (&markup, g_free);
  markup = explain (store, g_ptr_array_index (rows, 0), "camille lef", NULL);
  g_assert_cmpstr (markup, ==, "Name: <b>Camille</b> <b>Lef</b>èvre");

  /* The name alone says why (a view highlights it); a contact does not. */
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *m = NULL;
      g_autofree char *t = NULL;
      gboolean         name_only = i == 3;

      g_assert_true (care_search_explain (store, g_ptr_array_index (rows, i), "camille lef", &m, &t,
                                          &name_only));
      g_assert_true (name_only == (i < 3));
    }
}

/* "Hugo Petit": the customers named so come before a bakery whose contact
 * is Hugo Petit, and the exact name before a longer one. */
static void
test_exact_name_first (void)
{
  g_autoptr (CareStore) store = make_store ();
  g_autoptr (CareRecord) bakery = company (store, "Boulangerie Bernard");
  g_autoptr (CareRecord) longer = NULL;
  g_autoptr (CareRecord) h1 = NULL;
  g_autoptr (CareRecord) h2 = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autofree char *markup = NULL;

  contact (store, bakery, "Hugo Petit");
  longer = person (store, "Hugo Petitjean");
  h1 = person (store, "Hugo Petit");
  h2 = person (store, "hugo petit");

  rows = search (store, "Hugo Petit", NULL);
  g_assert_cmpuint (rows->len, ==, 4);
  g_assert_cmpstr (care_record_get_title (g_ptr_array_index (rows, 0)), ==, "Hugo Petit");
  g_assert_cmpstr (care_record_get_title (g_ptr_array_index (rows, 1)), ==, "hugo petit");
  g_assert_cmpstr (id_at (rows, 2), ==, care_record_get_id (longer));
  g_assert_cmpstr (id_at (rows, 3), ==, care_record_get_id (bakery));

  markup = explain (store, bakery, "Hugo Petit", NULL);
  g_assert_cmpstr (markup, ==, "Contact: <b>Hugo</b> <b>Petit</b>");

  /* Words in another order are still the customer's own name. */
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = search (store, "petit hugo", NULL);
  g_assert_cmpstr (id_at (rows, 3), ==, care_record_get_id (bakery));
}

/* Accents and case fold both ways, in the ranking and in the reason. */
static void
test_accents (void)
{
  g_autoptr (CareStore) store = make_store ();
  g_autoptr (CareRecord) firm = company (store, "Garage Martin");
  g_autoptr (CareRecord) zoe = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *folded = care_search_fold ("Lefèvre-Dubois, ZOÉ  Ærø");

  g_assert_cmpstr (folded, ==, "lefevre dubois zoe ærø");
  contact (store, firm, "Zoé Lefèvre");
  zoe = person (store, "Zoe LEFEVRE");

  for (guint i = 0; i < 3; i++)
    {
      const char *typed[] = { "lefevre", "LEFÈVRE", "zoé lefe" };

      g_clear_pointer (&rows, g_ptr_array_unref);
      rows = search (store, typed[i], NULL);
      g_assert_cmpuint (rows->len, ==, 2);
      g_assert_cmpstr (id_at (rows, 0), ==, care_record_get_id (zoe));
      g_assert_cmpstr (id_at (rows, 1), ==, care_record_get_id (firm));
    }

  markup = explain (store, firm, "zoe lefe", NULL);
  g_assert_cmpstr (markup, ==, "Contact: <b>Zoé</b> <b>Lefè</b>vre");
  g_clear_pointer (&markup, g_free);
  markup = care_search_highlight ("Zoé Lefèvre", "LEFÉ");
  g_assert_cmpstr (markup, ==, "Zoé <b>Lefè</b>vre");
}

/* A phone, email or serial typed in full ranks its customer before those
 * where it is only the beginning of something. */
static void
test_ident_exact (void)
{
  g_autoptr (CareStore) store = make_store ();
  g_autoptr (CareRecord) longer_phone = add (store, "customer", "kind", "person", "name",
                                             "Rui Costa", "phone", "+33 6 12 34 56 789", NULL);
  g_autoptr (CareRecord) phone = add (store, "customer", "kind", "person", "name", "Marc Dupont",
                                      "phone", "+33 6 12 34 56 78", NULL);
  g_autoptr (CareRecord) longer_email =
      add (store, "customer", "kind", "person", "name", "Ana Lopes", "email",
           "ana@exemplo.pt.example.com", NULL);
  g_autoptr (CareRecord) email = add (store, "customer", "kind", "person", "name", "Ana Silva",
                                      "email", "ana@exemplo.pt", NULL);
  g_autoptr (CareRecord) longer_serial = company (store, "Táxis Norte");
  g_autoptr (CareRecord) serial = company (store, "Transportes Sul");
  g_autoptr (CareRecord) p1 =
      add (store, "product", "customer_id", care_record_get_id (longer_serial), "serial",
           "VIN-12345X", "name", "Clio", "category", "car", NULL);
  g_autoptr (CareRecord) p2 = add (store, "product", "customer_id", care_record_get_id (serial),
                                   "serial", "VIN-12345", "name", "Golf", "category", "car", NULL);
  struct
  {
    const char *typed;
    CareRecord *first, *second;
    const char *reason;
  } cases[] = {
    { "612345678", phone, longer_phone, "Phone: <b>+33 6 12 34 56 78</b>" },
    { "+33 6 12 34 56 78", phone, longer_phone,
      "Phone: +<b>33</b> <b>6</b> <b>12</b> <b>34</b> "
      "<b>56</b> <b>78</b>" },
    { "ana@exemplo.pt", email, longer_email, "Email: <b>ana</b>@<b>exemplo</b>.<b>pt</b>" },
    { "vin-12345", serial, longer_serial, "Serial number: <b>VIN</b>-<b>12345</b>" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GPtrArray) rows = search (store, cases[i].typed, NULL);
      g_autofree char *markup = NULL;

      g_test_message ("%s", cases[i].typed);
      g_assert_cmpuint (rows->len, ==, 2);
      g_assert_cmpstr (id_at (rows, 0), ==, care_record_get_id (cases[i].first));
      g_assert_cmpstr (id_at (rows, 1), ==, care_record_get_id (cases[i].second));
      markup = explain (store, cases[i].first, cases[i].typed, NULL);
      g_assert_cmpstr (markup, ==, cases[i].reason);
    }
}

/* Whatever is typed, the search answers: no error, no crash, and only
 * text is searched (operators, quotes and column names typed are words). */
static void
test_hostile_input (void)
{
  g_autoptr (CareStore) store = make_store ();
  g_autoptr (CareRecord) ana = person (store, "Ana <b>&amp; \"Quoted\"");
  g_autoptr (CareRecord) bob = person (store, "Bob NEAR");
  g_autoptr (GString) long_query = g_string_new (NULL);
  const char  nul[] = { 'a', 'n', 'a', '\0', 'b', 'o', 'b', '\0' };
  const char *typed[] = {
    "\"",
    "\"ana",
    "ana\"",
    "\"\"\"",
    "*",
    "ana*",
    "**",
    "NEAR(",
    "NEAR(ana bob",
    "NEAR(ana, 2)",
    "-",
    "-ana",
    "ana -bob",
    ":",
    "name:",
    "name: ana",
    "{name}: ana",
    "^",
    "^ana",
    "ana^",
    "(",
    ")",
    "ana OR bob",
    "ana AND",
    "NOT ana",
    "+",
    "'",
    "'; DROP TABLE customer; --",
    "%",
    "_",
    "\\",
    "\xff\xfe",
    "\xc3",
    "\xc0\xaf",
    "\xed\xa0\x80",
    "\xcc\x81",
    "a\xcc\x81na",
    "\xe2\x80\x8f"
    "ana",
    "\xef\xbb\xbf",
    "<b>",
    "&amp;",
    "quoted\"",
    nul,
  };

  for (guint i = 0; i < 1000; i++)
    g_string_append (long_query, i % 2 ? "ana "
                                       : "b\xc3\xb6"
                                         "b* ");
  g_assert_cmpuint (long_query->len, >=, 4000);
  while (long_query->len < 10240)
    g_string_append (long_query, "\"NEAR(*");

  for (guint i = 0; i <= G_N_ELEMENTS (typed); i++)
    {
      const char *text = i < G_N_ELEMENTS (typed) ? typed[i] : long_query->str;
      g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) rows = NULL;

      care_query_set_search (q, text);
      if (care_search_applies (q))
        {
          g_autoptr (GArray) seqs =
              care_search_rank (store, q, CARE_SEARCH_LIMIT, NULL, NULL, &error);
          g_assert_no_error (error);
          g_assert_nonnull (seqs);
        }
      rows = search (store, text, NULL);
      for (guint j = 0; j < rows->len; j++)
        {
          char *markup = NULL, *plain = NULL;

          g_free (
              care_search_highlight (care_record_get_title (g_ptr_array_index (rows, j)), text));
          if (care_search_explain (store, g_ptr_array_index (rows, j), text, &markup, &plain, NULL))
            {
              g_free (explain (store, g_ptr_array_index (rows, j), text, NULL));
              g_free (markup);
              g_free (plain);
            }
        }
    }

  /* Operators are words: "NEAR(ana" is the words "near" and "ana". */
  {
    g_autoptr (GPtrArray) rows = search (store, "ana", NULL);
    g_autofree char *markup = NULL;

    g_assert_cmpuint (rows->len, ==, 1);
    markup = explain (store, ana, "ana quoted", NULL);
    g_assert_cmpstr (markup, ==, "Name: <b>Ana</b> &lt;b&gt;&amp;amp; &quot;<b>Quoted</b>&quot;");
  }
  {
    g_autoptr (GPtrArray) rows = search (store, "NEAR(bob", NULL);
    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_cmpstr (id_at (rows, 0), ==, care_record_get_id (bob));
  }
}

/* The ranked search honours the query's conditions. */
static void
test_conditions (void)
{
  g_autoptr (CareStore) store = make_store ();
  g_autoptr (CareRecord) p = person (store, "Camille Lefèvre");
  g_autoptr (CareRecord) c = company (store, "Camille Lefèvre SARL");
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) seqs = NULL;
  gboolean more = TRUE;

  care_query_add_string (q, "kind", CARE_QUERY_EQ, "company");
  care_query_set_search (q, "camille");
  seqs = care_search_rank (store, q, CARE_SEARCH_LIMIT, &more, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (more);
  g_assert_cmpuint (seqs->len, ==, 1);
  {
    g_autoptr (GPtrArray) rows = care_search_load (store, care_schema_entity (CARE_ENTITY_CUSTOMER),
                                                   (gint64 *) seqs->data, 1, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_cmpstr (id_at (rows, 0), ==, care_record_get_id (c));
  }
}

/* A store from before the ranked search (schema 4) gets its index rebuilt
 * by the migration: its customers are found, ranked, at once. */
static void
test_after_upgrade (void)
{
  g_autofree char *dir = g_dir_make_tmp ("care-search-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr (CareStore) store = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *markup = NULL;
  sqlite3         *db;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  for (guint v = 0; v < 4; v++)
    g_assert_cmpint (sqlite3_exec (db, care_store_migrations[v], NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (
      sqlite3_exec (
          db,
          "INSERT INTO customer (id, created_at, updated_at, kind, name) VALUES "
          "('a', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 'company', 'Atelier Dubois'), "
          "('c', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 'person', 'Camille Lefèvre'); "
          "INSERT INTO contact (id, created_at, updated_at, customer_id, name) VALUES "
          "('k1', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 'a', 'Camille Martin'), "
          "('k2', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 'a', 'Yves Lefèvre'); "
          "PRAGMA user_version = 4",
          NULL, NULL, NULL),
      ==, SQLITE_OK);
  sqlite3_close (db);

  store = care_store_new (path, &error);
  g_assert_no_error (error);
  rows = search (store, "camille lef", NULL);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (id_at (rows, 0), ==, "c");
  g_assert_cmpstr (id_at (rows, 1), ==, "a");
  markup = explain (store, g_ptr_array_index (rows, 1), "camille lef", NULL);
  g_assert_cmpstr (markup, ==, "Contact: <b>Camille</b> Martin · Contact: Yves <b>Lef</b>èvre");

  /* The triggers keep both indexes after it. */
  {
    g_autoptr (CareRecord) c =
        care_store_load (store, care_schema_entity (CARE_ENTITY_CUSTOMER), "c", &error);

    g_assert_no_error (error);
    care_record_set_string (c, "name", "Camille Dupont");
    g_assert_true (care_store_save (store, c, &error));
    g_assert_no_error (error);
    g_clear_pointer (&rows, g_ptr_array_unref);
    rows = search (store, "dupont camille", NULL);
    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_cmpstr (id_at (rows, 0), ==, "c");
    g_clear_pointer (&rows, g_ptr_array_unref);
    rows = search (store, "camille lef", NULL);
    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_cmpstr (id_at (rows, 0), ==, "a");
  }

  g_clear_object (&store);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/search/company-contacts-after-people", test_company_contacts_after_people);
  g_test_add_func ("/search/exact-name-first", test_exact_name_first);
  g_test_add_func ("/search/accents", test_accents);
  g_test_add_func ("/search/ident-exact", test_ident_exact);
  g_test_add_func ("/search/hostile-input", test_hostile_input);
  g_test_add_func ("/search/conditions", test_conditions);
  g_test_add_func ("/search/after-upgrade", test_after_upgrade);

  return g_test_run ();
}
