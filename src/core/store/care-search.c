/* care-search.c: the customer search: matches ranked for people, and why each matched.
 *
 * An agent types a person's name far more often than anything else, so a
 * customer whose own name holds every word typed comes first, whatever
 * else matches; then a customer whose phone, email, tax number or product
 * serial is exactly what was typed; then everything else the index finds
 * (a contact's name, a serial's prefix). Within a tier the order is bm25
 * over the index's columns, weighted for the name (care_rank(): see there
 * why without bm25()'s document frequencies).
 *
 * A ranked search never ranks every match: at a million customers "m"
 * matches most of them. Each source reads at most CARE_SEARCH_LIMIT rows
 * from a full-text index, in the index's own order, with a LIMIT that
 * stops it early:
 *   - the customer's name beginning with the words typed (^"camille lef"*
 *     in customer_name_fts, the names' own index: the first-token phrase
 *     gives what an index over a normalised name would, without an
 *     application-defined function in the schema);
 *   - every word typed in the customer's name (customer_name_fts);
 *   - every word typed anywhere (customer_fts).
 * The union of those few hundred rows is ranked. When a source is cut at
 * its limit there may be more matches than the list shows, and the list
 * says so ("at least N matches"). No search counts all its matches.
 *
 * Folding (care_search_fold()) follows the index's tokenizer (unicode61
 * with remove_diacritics 2): lower case, marks removed, words split on
 * everything that is not a letter or a digit; "Lefèvre" and "lefevre" are
 * the same word. */
#define G_LOG_DOMAIN "care-search"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "care-search.h"
#include "care-store-private.h"

/* The score's weights of the index's columns: name, ident, serial,
 * contact; the name index has the name's. */
#define RANK_FUNCTION      "care_rank(customer_fts, 10.0, 5.0, 5.0, 2.0)"
#define NAME_RANK_FUNCTION "care_rank(customer_name_fts, 10.0)"

/* Folding */

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

/* Appends @c lower-cased and without its marks; returns how many
 * characters it appended. */
static guint
fold_char (gunichar c, GString *out)
{
  gunichar d[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize    n = g_unichar_fully_decompose (c, FALSE, d, G_N_ELEMENTS (d));
  guint    added = 0;

  for (gsize i = 0; i < n; i++)
    if (!g_unichar_ismark (d[i]))
      {
        g_string_append_unichar (out, g_unichar_tolower (d[i]));
        added++;
      }
  return added;
}

/**
 * care_search_fold:
 *
 * Returns: @text as the search compares it: lower case, without accents,
 *   its words separated by one space ("Lefèvre-Dubois, Zoé" is
 *   "lefevre dubois zoe").
 */
char *
care_search_fold (const char *text)
{
  g_autofree char *valid = NULL;
  GString         *out;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_word_char (c))
        fold_char (c, out);
      else if (out->len > 0 && out->str[out->len - 1] != ' ')
        g_string_append_c (out, ' ');
    }
  if (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);

  return g_string_free (out, FALSE);
}

/* The folded words of @text, never NULL. */
static GStrv
fold_words (const char *text)
{
  g_autofree char *folded = care_search_fold (text);

  if (folded[0] == '\0')
    return g_new0 (char *, 1);
  return g_strsplit (folded, " ", -1);
}

/* Each of @words begins some word of @folded_words. */
static gboolean
words_begin_words (GStrv words, GStrv folded_words)
{
  for (guint i = 0; words[i] != NULL; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; !found && folded_words[j] != NULL; j++)
        found = g_str_has_prefix (folded_words[j], words[i]);
      if (!found)
        return FALSE;
    }
  return TRUE;
}

/* 0: @name is the query; 1: it begins with it; 2: each word of the query
 * begins a word of it; -1: none of these. */
static int
name_rank (const char *name, const char *folded_query, GStrv words)
{
  g_autofree char *folded = care_search_fold (name);
  g_auto (GStrv) name_words = NULL;

  if (folded_query[0] == '\0')
    return -1;
  if (g_str_equal (folded, folded_query))
    return 0;
  if (g_str_has_prefix (folded, folded_query))
    return 1;
  name_words = g_strsplit (folded, " ", -1);
  return words_begin_words (words, name_words) ? 2 : -1;
}

/* The digits of @text. */
static char *
digits_of (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* A phone number typed in full: its digits (at least six) are the stored
 * number's, or its end ("06 12 34 56 78" is "+33 6 12 34 56 78"). */
static gboolean
phone_is (const char *phone, const char *typed_digits)
{
  g_autofree char *digits = NULL;
  const char      *national = typed_digits;

  if (phone == NULL || typed_digits == NULL || strlen (typed_digits) < 6)
    return FALSE;
  digits = digits_of (phone);
  if (g_str_equal (digits, typed_digits))
    return TRUE;
  while (*national == '0')
    national++;
  return strlen (national) >= 6 && g_str_has_suffix (digits, national);
}

/* SQL functions, for the ranking query only: the schema uses none, so the
 * file stays readable and writable by any SQLite. */

static void
name_rank_fn (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  const char *name = (const char *) sqlite3_value_text (argv[0]);
  const char *query = (const char *) sqlite3_value_text (argv[1]);
  GStrv       words;
  int         rank;

  if (name == NULL || query == NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }

  /* The query's words, split once per statement. */
  words = sqlite3_get_auxdata (ctx, 1);
  if (words == NULL)
    {
      sqlite3_set_auxdata (ctx, 1, fold_words (query), (void (*) (void *)) g_strfreev);
      words = sqlite3_get_auxdata (ctx, 1);
      if (words == NULL)
        {
          sqlite3_result_error_nomem (ctx);
          return;
        }
    }

  rank = name_rank (name, query, words);
  if (rank < 0)
    sqlite3_result_null (ctx);
  else
    sqlite3_result_int (ctx, rank);
}

static void
phone_is_fn (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  sqlite3_result_int (ctx, phone_is ((const char *) sqlite3_value_text (argv[0]),
                                     (const char *) sqlite3_value_text (argv[1])));
}

/* The ranking's score: BM25 (k1 = 1.2, b = 0.75) over the index's
 * columns with their weights, as FTS5's bm25() computes it, but with an
 * inverse document frequency of 1 for every word. bm25() finds each word's
 * frequency by reading every row that word matches, once per statement: for
 * a short prefix at a million customers ("m", "ma") that is most of the
 * index, three times (one per source), where the ranking only needs a
 * few hundred rows scored. What the IDF would add, weighing a rare word
 * typed above a common one, matters little for the few words of a name. */
static void
rank_fn (const Fts5ExtensionApi *api,
         Fts5Context            *fts,
         sqlite3_context        *ctx,
         int                     n_val,
         sqlite3_value         **val)
{
  const double    k1 = 1.2, b = 0.75;
  int             n_phrase = api->xPhraseCount (fts);
  int             n_col = api->xColumnCount (fts);
  double         *avg = api->xGetAuxdata (fts, 0);
  g_autofree int *tf = NULL;
  double          score = 0;
  int             n_inst = 0;

  /* The columns' average lengths, once per statement. */
  if (avg == NULL)
    {
      sqlite3_int64 rows = 0;

      avg = g_new0 (double, n_col);
      if (api->xRowCount (fts, &rows) != SQLITE_OK)
        rows = 0;
      for (int c = 0; c < n_col; c++)
        {
          sqlite3_int64 total = 0;

          if (api->xColumnTotalSize (fts, c, &total) != SQLITE_OK)
            total = 0;
          avg[c] = rows > 0 && total > 0 ? (double) total / rows : 1.0;
        }
      if (api->xSetAuxdata (fts, avg, g_free) != SQLITE_OK)
        {
          sqlite3_result_error_nomem (ctx);
          return;
        }
    }

  if (api->xInstCount (fts, &n_inst) != SQLITE_OK)
    {
      sqlite3_result_error_code (ctx, SQLITE_ERROR);
      return;
    }
  tf = g_new0 (int, (gsize) n_phrase *n_col);
  for (int i = 0; i < n_inst; i++)
    {
      int phrase, col, offset;

      if (api->xInst (fts, i, &phrase, &col, &offset) == SQLITE_OK && phrase < n_phrase &&
          col < n_col)
        tf[phrase * n_col + col]++;
    }

  for (int c = 0; c < n_col; c++)
    {
      double weight = c < n_val ? sqlite3_value_double (val[c]) : 1.0;
      int    len = 0;

      if (api->xColumnSize (fts, c, &len) != SQLITE_OK)
        len = 0;
      for (int p = 0; p < n_phrase; p++)
        {
          double f = tf[p * n_col + c];

          if (f > 0)
            score += weight * (f * (k1 + 1)) / (f + k1 * (1 - b + b * len / avg[c]));
        }
    }

  /* Lower is better, as with bm25(). */
  sqlite3_result_double (ctx, -score);
}

static fts5_api *
get_fts5_api (sqlite3 *db)
{
  fts5_api     *api = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT fts5(?1)", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_pointer (stmt, 1, (void *) &api, "fts5_api_ptr", NULL);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return api;
}

/* Called for every connection the store opens. */
gboolean
care_store_register_search_functions (sqlite3 *db)
{
  int       flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  fts5_api *fts5 = get_fts5_api (db);

  if (fts5 == NULL || fts5->iVersion < 2 ||
      fts5->xCreateFunction (fts5, "care_rank", NULL, rank_fn, NULL) != SQLITE_OK)
    return FALSE;

  return sqlite3_create_function_v2 (db, "care_name_rank", 2, flags, NULL, name_rank_fn, NULL, NULL,
                                     NULL) == SQLITE_OK &&
         sqlite3_create_function_v2 (db, "care_phone_is", 2, flags, NULL, phone_is_fn, NULL, NULL,
                                     NULL) == SQLITE_OK;
}

/* Ranking */

/* A customer search that goes to the full-text index. */
gboolean
care_search_applies (CareQuery *query)
{
  return query != NULL &&
         care_query_get_entity (query) == care_schema_entity (CARE_ENTITY_CUSTOMER) &&
         care_query_has_fts_search (query);
}

/* Something typed that may be an identifier in full: an email address, a
 * phone number, a serial or a tax number all have a digit or an "@", and
 * more than a few characters. */
static gboolean
looks_like_ident (const char *text)
{
  if (strlen (text) < 5)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isdigit (*p) || *p == '@')
      return TRUE;
  return FALSE;
}

/**
 * care_search_rank:
 * @limit: at most this many rows from each source, and in all
 * @out_more: (out) (optional): set when a source was cut at @limit, so
 *   the query may match more rows than returned
 *
 * Ranks the customers a search matches (see the top of this file) and
 * returns their seqs, best first; the query's other conditions apply.
 */
GArray *
care_search_rank (CareStore    *store,
                  CareQuery    *query,
                  guint         limit,
                  gboolean     *out_more,
                  GCancellable *cancellable,
                  GError      **error)
{
  g_autoptr (CareQuery) plain = NULL;
  g_autoptr (GPtrArray) params = NULL;
  g_autoptr (GArray) seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *search = NULL;
  g_autofree char *match = NULL;
  g_autofree char *name_match = NULL;
  g_autofree char *prefix_match = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *conditions = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *ident = NULL;
  g_autofree char *ident_digits = NULL;
  sqlite3_stmt    *stmt;
  gboolean         more = FALSE;
  int              rc;

  g_return_val_if_fail (care_search_applies (query), NULL);

  search = care_query_get_search (query);
  match = care_query_fts_match (search);
  folded = care_search_fold (search);
  name_match = g_strdup (match);
  /* The folded words hold no quote, so they are only words in a phrase. */
  prefix_match = folded[0] != '\0' ? g_strdup_printf ("^\"%s\"*", folded) : g_strdup (name_match);
  ident = g_utf8_strdown (search, -1);
  g_strstrip (ident);
  if (looks_like_ident (ident))
    ident_digits = digits_of (ident);
  else
    g_clear_pointer (&ident, g_free);

  plain = care_query_copy (query);
  care_query_set_search (plain, NULL);
  conditions = care_query_conditions_sql (plain, &params);

  /* The numbered parameters come first in the text, so the conditions'
   * own "?" are numbered after them (8 on). MATERIALIZED: each source is
   * read once, for the ranking and for its count. */
  sql = g_strconcat (
      "WITH\n"
      " a (seq, score) AS MATERIALIZED (SELECT rowid, " RANK_FUNCTION
      " FROM customer_fts WHERE customer_fts MATCH ?1 LIMIT ?4),\n"
      " b (seq, score) AS MATERIALIZED (SELECT rowid, " NAME_RANK_FUNCTION
      " FROM customer_name_fts WHERE customer_name_fts MATCH ?2 LIMIT ?4),\n"
      " p (seq, score) AS MATERIALIZED (SELECT rowid, " NAME_RANK_FUNCTION
      " FROM customer_name_fts WHERE customer_name_fts MATCH ?3 LIMIT ?4),\n"
      " hit (seq, score) AS (SELECT seq, min(score) FROM (SELECT * FROM a UNION ALL SELECT * FROM b"
      " UNION ALL SELECT * FROM p) GROUP BY seq),\n"
      " ranked (seq, tier, score, name) AS (SELECT customer.seq,\n"
      "   coalesce (care_name_rank (customer.name, ?5),\n"
      "     CASE WHEN ?6 IS NOT NULL AND (lower (customer.email) = ?6\n"
      "       OR upper (customer.tax_number) = upper (?6)\n"
      "       OR care_phone_is (customer.phone, ?7)\n"
      "       OR EXISTS (SELECT 1 FROM product WHERE product.customer_id = customer.id\n"
      "         AND " CARE_SQL_LIVE_IN (
          "product") " AND lower (product.serial) = ?6)\n"
                     "       OR EXISTS (SELECT 1 FROM contact WHERE contact.customer_id = "
                     "customer.id\n"
                     "         AND " CARE_SQL_LIVE_IN (
                         "contact") " AND (lower (contact.email) = ?6\n"
                                    "           OR care_phone_is (contact.phone, ?7))))\n"
                                    "     THEN 10 ELSE 20 END),\n"
                                    "   hit.score, customer.name\n"
                                    "  FROM hit CROSS JOIN customer ON customer.seq = hit.seq\n"
                                    "  WHERE customer." CARE_SQL_LIVE,
      conditions,
      ")\n"
      "SELECT seq, (SELECT count(*) FROM a) >= ?4 OR (SELECT count(*) FROM b) >= ?4"
      " OR (SELECT count(*) FROM p) >= ?4\n"
      "FROM ranked ORDER BY tier, score, name COLLATE NOCASE, seq LIMIT ?4",
      NULL);

  stmt = care_store_prepare (store, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, name_match, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, prefix_match, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, limit);
  sqlite3_bind_text (stmt, 5, folded, -1, SQLITE_TRANSIENT);
  if (ident != NULL)
    {
      sqlite3_bind_text (stmt, 6, ident, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 7, ident_digits, -1, SQLITE_TRANSIENT);
    }
  for (guint i = 0; i < params->len; i++)
    care_store_bind_value (stmt, (int) i + 8, g_ptr_array_index (params, i));

  care_store_watch (store, cancellable);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (seqs, seq);
      more = more || sqlite3_column_int (stmt, 1) != 0;
    }
  care_store_unwatch (store);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      care_store_set_error (store, rc, error);
      return NULL;
    }

  if (out_more != NULL)
    *out_more = more || seqs->len >= limit;
  return g_steal_pointer (&seqs);
}

/**
 * care_search_load:
 * @seqs: (array length=n): the rows to read, at most 64
 *
 * Returns: the records of @entity with these seqs, in that order; a row
 *   gone since is left out.
 */
GPtrArray *
care_search_load (
    CareStore *store, const CareEntity *entity, const gint64 *seqs, guint n, GError **error)
{
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) by_seq = NULL;
  g_autoptr (GString) sql = g_string_new (NULL);
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (n <= 64, NULL);
  if (n == 0)
    return g_steal_pointer (&records);

  by_seq = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  g_string_append_printf (sql, "SELECT %s FROM %s WHERE %s.seq IN (",
                          care_store_record_columns (entity), entity->name, entity->name);
  for (guint i = 0; i < n; i++)
    g_string_append (sql, i == 0 ? "?" : ", ?");
  g_string_append_c (sql, ')');

  stmt = care_store_prepare (store, sql->str, error);
  if (stmt == NULL)
    return NULL;
  for (guint i = 0; i < n; i++)
    sqlite3_bind_int64 (stmt, (int) i + 1, seqs[i]);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CareRecord *record = care_store_row_to_record (entity, stmt);
      gint64     *key = g_new (gint64, 1);

      *key = care_record_get_seq (record);
      g_hash_table_insert (by_seq, key, record);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      care_store_set_error (store, rc, error);
      return NULL;
    }

  for (guint i = 0; i < n; i++)
    {
      CareRecord *record = g_hash_table_lookup (by_seq, &seqs[i]);

      if (record != NULL)
        g_ptr_array_add (records, g_object_ref (record));
    }
  return g_steal_pointer (&records);
}

/* Why it matched */

/* Marks in @text the beginnings of words that @words begin, as Pango
 * markup; the rest is escaped. Sets @out_mask to which words matched. */
static char *
highlight_words (const char *text, GStrv words, guint64 *out_mask)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString         *out = g_string_new (NULL);
  const char      *p = valid;
  guint64          mask = 0;

  while (*p != '\0')
    {
      const char *start = p;
      g_autoptr (GString) folded = g_string_new (NULL);
      g_autoptr (GArray) ends = g_array_new (FALSE, FALSE, sizeof (const char *));
      const char *mark_end = NULL;
      glong       best = 0;

      if (!is_word_char (g_utf8_get_char (p)))
        {
          const char      *next = g_utf8_next_char (p);
          g_autofree char *escaped = g_markup_escape_text (p, next - p);

          g_string_append (out, escaped);
          p = next;
          continue;
        }

      /* One word: its folded form, and where in @text each folded
       * character ends. */
      while (*p != '\0' && is_word_char (g_utf8_get_char (p)))
        {
          const char *next = g_utf8_next_char (p);
          guint       added = fold_char (g_utf8_get_char (p), folded);

          for (guint i = 0; i < added; i++)
            g_array_append_val (ends, next);
          p = next;
        }

      for (guint i = 0; words[i] != NULL; i++)
        if (g_str_has_prefix (folded->str, words[i]))
          {
            glong n = g_utf8_strlen (words[i], -1);

            if (i < 64)
              mask |= G_GUINT64_CONSTANT (1) << i;
            if (n > best && n <= (glong) ends->len)
              {
                best = n;
                mark_end = g_array_index (ends, const char *, n - 1);
              }
          }

      if (mark_end != NULL)
        {
          g_autofree char *marked = g_markup_escape_text (start, mark_end - start);
          g_autofree char *rest = g_markup_escape_text (mark_end, p - mark_end);

          g_string_append_printf (out, "<b>%s</b>%s", marked, rest);
        }
      else
        {
          g_autofree char *escaped = g_markup_escape_text (start, p - start);
          g_string_append (out, escaped);
        }
    }

  if (out_mask != NULL)
    *out_mask = mask;
  return g_string_free (out, FALSE);
}

/**
 * care_search_highlight:
 *
 * Returns: @text as Pango markup, escaped, with the beginnings of its
 *   words that @search's words begin in bold.
 */
char *
care_search_highlight (const char *text, const char *search)
{
  g_auto (GStrv) words = fold_words (search);

  return highlight_words (text, words, NULL);
}

/* Which of @words a phone number matches the way the index has it: its
 * groups, all its digits, its digits after the country code. */
static guint64
phone_mask (const char *phone, GStrv words)
{
  g_autofree char *digits = NULL;
  g_autofree char *national = NULL;
  guint64          mask = 0;

  if (phone == NULL)
    return 0;
  digits = digits_of (phone);
  if (phone[0] == '+' && strchr (phone, ' ') != NULL)
    national = digits_of (strchr (phone, ' ') + 1);

  for (guint i = 0; words[i] != NULL && i < 64; i++)
    {
      const char *w = words[i];

      if (w[0] != '\0' &&
          (g_str_has_prefix (digits, w) || (national != NULL && g_str_has_prefix (national, w))))
        mask |= G_GUINT64_CONSTANT (1) << i;
    }
  return mask;
}

typedef struct
{
  const char *label; /* translated */
  char       *markup;
  char       *text;
  guint64     mask;
} Reason;

static void
reason_clear (Reason *reason)
{
  g_free (reason->markup);
  g_free (reason->text);
}

static void
add_reason (GArray *reasons, const char *label, const char *value, GStrv words, guint64 extra)
{
  Reason r = { label, NULL, NULL, 0 };

  if (value == NULL || value[0] == '\0')
    return;
  r.markup = highlight_words (value, words, &r.mask);
  r.mask |= extra;
  /* A phone found by its digits: it is all the match. */
  if (extra != 0 && (r.mask & ~extra) == 0)
    {
      g_autofree char *escaped = g_markup_escape_text (value, -1);

      g_free (r.markup);
      r.markup = g_strdup_printf ("<b>%s</b>", escaped);
    }
  r.text = g_strdup (value);
  if (r.mask == 0)
    reason_clear (&r);
  else
    g_array_append_val (reasons, r);
}

static GPtrArray *
load_children (CareStore *store, int entity, const char *customer_id)
{
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (entity));

  care_query_add_string (q, "customer_id", CARE_QUERY_EQ, customer_id);
  /* A customer's contacts and products: few, but bounded all the same. */
  return care_store_find (store, q, 0, 200, NULL, NULL);
}

static const char *
label_of (int entity, const char *field)
{
  return care_field_label (care_schema_field (entity, field));
}

/**
 * care_search_explain:
 * @out_markup: (out): why @customer matched @search, as Pango markup with
 *   the matched words in bold: "Contact: <b>Zoé</b> Lefèvre"
 * @out_text: (out): the same as plain text, for the accessible name
 * @out_name_only: (out) (optional): set when the customer's own name holds
 *   every word, which a view shows by highlighting the name itself
 *
 * Says which of the customer's fields hold the words typed: the name when
 * it holds them all, else the fewest fields that together do, best first.
 *
 * Returns: %FALSE when nothing of @customer holds a word of @search.
 */
gboolean
care_search_explain (CareStore  *store,
                     CareRecord *customer,
                     const char *search,
                     char      **out_markup,
                     char      **out_text,
                     gboolean   *out_name_only)
{
  g_auto (GStrv) words = fold_words (search);
  g_autoptr (GArray) reasons = g_array_new (FALSE, FALSE, sizeof (Reason));
  g_autoptr (GString) markup = g_string_new (NULL);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GPtrArray) contacts = NULL;
  g_autoptr (GPtrArray) products = NULL;
  const char *phone = care_record_get_string (customer, "phone");
  const char *tax = care_record_get_string (customer, "tax_number");
  guint       n_words = g_strv_length (words);
  guint64     all = n_words >= 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << n_words) - 1;
  guint64     covered = 0;
  guint       n_shown = 0;

  g_return_val_if_fail (out_markup != NULL && out_text != NULL, FALSE);
  *out_markup = *out_text = NULL;
  if (out_name_only != NULL)
    *out_name_only = FALSE;
  g_array_set_clear_func (reasons, (GDestroyNotify) reason_clear);
  if (n_words == 0)
    return FALSE;

  /* Candidates, in the order the ranking prefers them. */
  add_reason (reasons, label_of (CARE_ENTITY_CUSTOMER, "name"),
              care_record_get_string (customer, "name"), words, 0);
  add_reason (reasons, label_of (CARE_ENTITY_CUSTOMER, "email"),
              care_record_get_string (customer, "email"), words, 0);
  add_reason (reasons, label_of (CARE_ENTITY_CUSTOMER, "phone"), phone, words,
              phone_mask (phone, words));
  if (tax != NULL && strlen (tax) > 2)
    {
      g_auto (GStrv) bare = g_strsplit (tax + 2, " ", 2);
      g_autofree char *joined = g_strjoin (" ", tax, bare[0], NULL);
      guint64          mask = 0;

      /* The index has it with and without its country code. */
      g_free (highlight_words (joined, words, &mask));
      if (mask != 0)
        add_reason (reasons, label_of (CARE_ENTITY_CUSTOMER, "tax_number"), tax, words, mask);
    }

  products = load_children (store, CARE_ENTITY_PRODUCT, care_record_get_id (customer));
  for (guint i = 0; products != NULL && i < products->len; i++)
    add_reason (reasons, label_of (CARE_ENTITY_PRODUCT, "serial"),
                care_record_get_string (g_ptr_array_index (products, i), "serial"), words, 0);

  contacts = load_children (store, CARE_ENTITY_CONTACT, care_record_get_id (customer));
  for (guint i = 0; contacts != NULL && i < contacts->len; i++)
    {
      CareRecord      *contact = g_ptr_array_index (contacts, i);
      const char      *name = care_record_get_string (contact, "name");
      const char      *email = care_record_get_string (contact, "email");
      const char      *cphone = care_record_get_string (contact, "phone");
      g_autofree char *full = NULL;
      const char      *label =
          g_dgettext (GETTEXT_PACKAGE, care_schema_entity (CARE_ENTITY_CONTACT)->label);

      /* The contact by name, with the email or phone that matched. */
      full = g_strjoin (", ", name != NULL ? name : "", email != NULL ? email : "",
                        cphone != NULL ? cphone : "", NULL);
      {
        guint64 name_mask = 0, email_mask = 0;
        guint64 phone_bits = phone_mask (cphone, words);

        g_free (highlight_words (name, words, &name_mask));
        g_free (highlight_words (email, words, &email_mask));
        if ((email_mask | phone_bits) & ~name_mask)
          {
            g_autofree char *shown = g_strjoin (", ", name != NULL ? name : "",
                                                email_mask & ~name_mask ? email : cphone, NULL);

            add_reason (reasons, label, shown, words, phone_bits);
          }
        else
          add_reason (reasons, label, name, words, 0);
      }
    }

  /* The fewest reasons that hold every word: greedy, each time the one
   * that adds most, earlier ones winning ties. */
  while (covered != all && n_shown < 3)
    {
      int   pick = -1;
      guint pick_n = 0;

      for (guint i = 0; i < reasons->len; i++)
        {
          guint n =
              (guint) __builtin_popcountll (g_array_index (reasons, Reason, i).mask & ~covered);

          if (n > pick_n)
            {
              pick = (int) i;
              pick_n = n;
            }
        }
      if (pick < 0)
        break;

      {
        Reason *r = &g_array_index (reasons, Reason, pick);

        covered |= r->mask;
        if (n_shown > 0)
          {
            g_string_append (markup, " · ");
            g_string_append (text, " · ");
          }
        {
          g_autofree char *label = g_markup_escape_text (r->label, -1);

          /* TRANSLATORS: a field and its value, e.g. "Phone: +351 912 345 678" */
          g_string_append_printf (markup, _ ("%s: %s"), label, r->markup);
          g_string_append_printf (text, _ ("%s: %s"), r->label, r->text);
        }
        r->mask = 0;
        n_shown++;
      }
    }

  if (n_shown == 0)
    return FALSE;
  /* The name is the first candidate: alone, it held every word. */
  if (out_name_only != NULL)
    *out_name_only = n_shown == 1 && reasons->len > 0 &&
                     g_array_index (reasons, Reason, 0).mask == 0 &&
                     g_str_equal (g_array_index (reasons, Reason, 0).label,
                                  label_of (CARE_ENTITY_CUSTOMER, "name"));
  *out_markup = g_string_free (g_steal_pointer (&markup), FALSE);
  *out_text = g_string_free (g_steal_pointer (&text), FALSE);
  return TRUE;
}
