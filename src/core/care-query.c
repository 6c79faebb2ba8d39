/* care-query.c: builds the SQL for a list from schema names and bound values.
 *
 * Column names come only from the static schema; every value is bound as a
 * parameter, so nothing a user types ever becomes SQL text. */
#define G_LOG_DOMAIN "care-query"

#include "config.h"

#include <string.h>

#include "care-query.h"
#include "care-record.h"

typedef struct
{
  const CareField *field;
  CareQueryOp      op;
  GVariant        *value; /* a string array for IN */
  const char      *sql;   /* static SQL from care_query_add_sql(), instead of a field */
} Condition;

struct _CareQuery
{
  const CareEntity *entity;
  GArray           *conditions;
  char             *search;
  const CareField  *order_field;
  gboolean          descending;
  GVariant         *after_value; /* keyset: rows strictly after (value, seq) in order */
  gint64            after_seq;
  CareQueryMatch    match;
};

G_DEFINE_BOXED_TYPE (CareQuery, care_query, care_query_ref, care_query_unref)

static void
condition_clear (gpointer data)
{
  Condition *c = data;
  g_clear_pointer (&c->value, g_variant_unref);
}

static void
query_free (CareQuery *self)
{
  g_array_unref (self->conditions);
  g_free (self->search);
  g_clear_pointer (&self->after_value, g_variant_unref);
}

CareQuery *
care_query_new (const CareEntity *entity)
{
  CareQuery *self;

  g_return_val_if_fail (entity != NULL, NULL);

  self = g_atomic_rc_box_new0 (CareQuery);
  self->entity = entity;
  self->conditions = g_array_new (FALSE, TRUE, sizeof (Condition));
  g_array_set_clear_func (self->conditions, condition_clear);
  self->order_field = care_entity_lookup_field (entity, entity->title_field);

  return self;
}

CareQuery *
care_query_ref (CareQuery *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
care_query_unref (CareQuery *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) query_free);
}

CareQuery *
care_query_copy (CareQuery *self)
{
  CareQuery *copy = care_query_new (self->entity);

  for (guint i = 0; i < self->conditions->len; i++)
    {
      Condition c = g_array_index (self->conditions, Condition, i);
      if (c.value != NULL)
        g_variant_ref (c.value);
      g_array_append_val (copy->conditions, c);
    }
  copy->search = g_strdup (self->search);
  copy->order_field = self->order_field;
  copy->descending = self->descending;
  copy->after_value = self->after_value != NULL ? g_variant_ref (self->after_value) : NULL;
  copy->after_seq = self->after_seq;
  copy->match = self->match;

  return copy;
}

const CareEntity *
care_query_get_entity (CareQuery *self)
{
  return self->entity;
}

static const CareField *
lookup_or_warn (CareQuery *self, const char *field)
{
  const CareField *f = care_entity_lookup_field (self->entity, field);

  if (f == NULL)
    g_critical ("Entity %s has no field %s", self->entity->name, field);

  return f;
}

void
care_query_add (CareQuery *self, const char *field, CareQueryOp op, GVariant *value)
{
  Condition c = { 0 };

  c.field = lookup_or_warn (self, field);
  c.op = op;
  c.value = value != NULL ? g_variant_ref_sink (value) : NULL;

  if (c.field == NULL || ((op != CARE_QUERY_IS_NULL && op != CARE_QUERY_NOT_NULL) && value == NULL))
    {
      condition_clear (&c);
      return;
    }

  g_array_append_val (self->conditions, c);
}

void
care_query_add_string (CareQuery *self, const char *field, CareQueryOp op, const char *value)
{
  care_query_add (self, field, op, value != NULL ? g_variant_new_string (value) : NULL);
}

/* Matches records whose @field is one of @values; an empty list matches nothing. */
void
care_query_add_in (CareQuery *self, const char *field, const char *const *values)
{
  Condition c = { 0 };

  c.field = lookup_or_warn (self, field);
  if (c.field == NULL)
    return;

  c.op = CARE_QUERY_EQ;
  c.value = g_variant_ref_sink (g_variant_new_strv (values, -1));
  g_array_append_val (self->conditions, c);
}

/**
 * care_query_add_sql:
 * @sql: (not nullable): a condition on the entity's table, written in the
 *   code (a static string, never text made from data); it binds nothing
 *
 * For a rule a field comparison cannot say (e.g. "no other warranty
 * carries on after this one"), shared by a summary and the list it links
 * to so both count the same rows.
 */
void
care_query_add_sql (CareQuery *self, const char *sql)
{
  Condition c = { 0 };

  g_return_if_fail (sql != NULL);

  c.sql = sql;
  g_array_append_val (self->conditions, c);
}

/* What was typed, or NULL: a copy. */
char *
care_query_get_search (CareQuery *self)
{
  return g_strdup (self->search);
}

void
care_query_set_search (CareQuery *self, const char *text)
{
  g_free (self->search);
  self->search = (text != NULL && text[0] != '\0') ? g_strdup (text) : NULL;
}

/* The full-text MATCH expression of the search, or NULL when it does not go
 * to the customers' full-text index. */
static char *
fts_search_match (CareQuery *self)
{
  if (self->search == NULL || self->entity != care_schema_entity (CARE_ENTITY_CUSTOMER))
    return NULL;
  return care_query_fts_match (self->search);
}

/* The search goes to the customers' full-text index (other entities
 * match their title with LIKE). */
gboolean
care_query_has_fts_search (CareQuery *self)
{
  g_autofree char *match = fts_search_match (self);

  return match != NULL;
}

/* Every word typed is at most as long as the index's longest prefix
 * ("prefix = '1 2 3'" in the migrations): such a term is one lookup in the
 * index, where a longer one merges the lists of every word it begins. */
gboolean
care_query_search_is_short (CareQuery *self)
{
  g_autofree char *match = fts_search_match (self);
  g_auto (GStrv) terms = NULL;

  if (match == NULL)
    return FALSE;

  terms = g_strsplit (match, " ", -1);
  for (guint i = 0; terms[i] != NULL; i++)
    /* A term is "word"*: the quotes and the star are not typed. */
    if (g_utf8_strlen (terms[i], -1) - 3 > 3)
      return FALSE;
  return TRUE;
}

void
care_query_set_match (CareQuery *self, CareQueryMatch match)
{
  self->match = match;
}

void
care_query_set_order (CareQuery *self, const char *field, gboolean descending)
{
  const CareField *f = lookup_or_warn (self, field);

  if (f != NULL)
    self->order_field = f;
  self->descending = descending;
}

const CareField *
care_query_get_order_field (CareQuery *self)
{
  return self->order_field;
}

/* Restricts the query to the rows that come after the row whose order
 * value and seq are given: a page that follows another costs a B-tree
 * seek instead of an OFFSET that steps over every earlier row. */
void
care_query_set_after (CareQuery *self, GVariant *order_value, gint64 seq)
{
  g_return_if_fail (order_value != NULL);

  g_clear_pointer (&self->after_value, g_variant_unref);
  self->after_value = g_variant_ref_sink (order_value);
  self->after_seq = seq;
}

/* Turns free text into an FTS5 query: every word a quoted prefix term, so
 * operators, quotes and column filters typed by a user are only text. */
char *
care_query_fts_match (const char *text)
{
  g_autoptr (GString) match = g_string_new (NULL);
  g_auto (GStrv) words = NULL;
  g_autofree char *folded = NULL;

  if (text == NULL)
    return NULL;

  folded = g_utf8_make_valid (text, -1);
  /* Separators of the unicode61 tokenizer split words; split on them too. */
  for (char *p = folded; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (!g_unichar_isalnum (c) && !(c & 0x80) && *p != '"')
        *p = ' ';
    }

  words = g_strsplit_set (folded, " \t\n\r", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autoptr (GString) word = NULL;

      if (words[i][0] == '\0')
        continue;

      word = g_string_new (words[i]);
      g_string_replace (word, "\"", "", 0);
      if (word->len == 0)
        continue;

      if (match->len > 0)
        g_string_append_c (match, ' ');
      g_string_append_printf (match, "\"%s\"*", word->str);
    }

  return match->len > 0 ? g_string_free (g_steal_pointer (&match), FALSE) : NULL;
}

static const char *
op_sql (CareQueryOp op)
{
  switch (op)
    {
    case CARE_QUERY_EQ:
      return "=";
    case CARE_QUERY_NE:
      return "IS NOT";
    case CARE_QUERY_LT:
      return "<";
    case CARE_QUERY_LE:
      return "<=";
    case CARE_QUERY_GT:
      return ">";
    case CARE_QUERY_GE:
      return ">=";
    case CARE_QUERY_IS_NULL:
      return "IS NULL";
    case CARE_QUERY_NOT_NULL:
      return "IS NOT NULL";
    default:
      g_return_val_if_reached ("=");
    }
}

static void
escape_like (GString *out, const char *text)
{
  for (const char *p = text; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
}

/* Words people type sort without regard to case. Dates, times, choices
 * and ids are machine text whose case never differs: their binary order
 * is the same, and only it lets an index on the column give the order
 * instead of a sort of every matching row. */
static const char *
order_collate (const CareField *field)
{
  switch (field->type)
    {
    case CARE_FIELD_TEXT:
    case CARE_FIELD_NOTE:
    case CARE_FIELD_EMAIL:
    case CARE_FIELD_PHONE:
    case CARE_FIELD_URL:
      return " COLLATE NOCASE";
    default:
      return "";
    }
}

static void
append_order (CareQuery *self, GString *sql)
{
  const char *table = self->entity->name;
  const char *dir = self->descending ? "DESC" : "ASC";

  if (self->order_field != NULL)
    g_string_append_printf (sql, " ORDER BY %s.%s%s %s, %s.seq %s", table, self->order_field->name,
                            order_collate (self->order_field), dir, table, dir);
}

/* " AND …" for each condition, on the entity's table. */
static void
append_conditions (CareQuery *self, GString *sql, GPtrArray *params)
{
  const char *table = self->entity->name;

  for (guint i = 0; i < self->conditions->len; i++)
    {
      Condition *c = &g_array_index (self->conditions, Condition, i);

      if (c->sql != NULL)
        g_string_append_printf (sql, " AND (%s)", c->sql);
      else if (c->value != NULL && g_variant_is_of_type (c->value, G_VARIANT_TYPE_STRING_ARRAY))
        {
          gsize n = g_variant_n_children (c->value);

          if (n == 0)
            {
              g_string_append (sql, " AND 0");
              continue;
            }
          g_string_append_printf (sql, " AND %s.%s IN (", table, c->field->name);
          for (gsize j = 0; j < n; j++)
            {
              g_string_append (sql, j == 0 ? "?" : ", ?");
              g_ptr_array_add (params, g_variant_get_child_value (c->value, j));
            }
          g_string_append_c (sql, ')');
        }
      else if (c->op == CARE_QUERY_IS_NULL || c->op == CARE_QUERY_NOT_NULL)
        g_string_append_printf (sql, " AND %s.%s %s", table, c->field->name, op_sql (c->op));
      else
        {
          g_string_append_printf (sql, " AND %s.%s %s ?", table, c->field->name, op_sql (c->op));
          g_ptr_array_add (params, g_variant_ref (c->value));
        }
    }
}

/* The query's conditions as " AND …" (empty without any), with the values
 * to bind for their "?" placeholders: for SQL that reads the entity's
 * table its own way (the ranked customer search). The search and the
 * order are not part of it. */
char *
care_query_conditions_sql (CareQuery *self, GPtrArray **out_params)
{
  GString *sql = g_string_new (NULL);

  *out_params = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  append_conditions (self, sql, *out_params);
  return g_string_free (sql, FALSE);
}

/* The PROBE plan tests at most CARE_QUERY_PROBE_SCAN rows, taken in order
 * from the order's index: how far into the index the matches begin
 * depends on the words ("ži" finds "Žiga …", at the end by name), so an
 * unbounded walk could test every row. The caller sees fewer rows than it
 * asked for and reads them with the SORTED plan instead. */
static char *
probe_sql (CareQuery *self, const char *columns, gboolean with_order, GPtrArray **out_params)
{
  g_autoptr (CareQuery) inner = care_query_copy (self);
  g_autofree char *match = care_query_fts_match (self->search);
  g_autofree char *inner_sql = NULL;
  GString         *sql = g_string_new (NULL);

  g_clear_pointer (&inner->search, g_free);
  inner->match = CARE_QUERY_MATCH_SORTED;
  inner_sql = care_query_to_sql (inner, "customer.*", TRUE, out_params);

  g_string_append_printf (
      sql,
      "SELECT %s FROM (%s LIMIT %d) AS customer WHERE EXISTS (SELECT 1 FROM customer_fts "
      "WHERE customer_fts MATCH ? AND customer_fts.rowid = customer.seq)",
      columns, inner_sql, CARE_QUERY_PROBE_SCAN);
  g_ptr_array_add (*out_params, g_variant_ref_sink (g_variant_new_string (match)));
  if (with_order)
    append_order (self, sql);

  return g_string_free (sql, FALSE);
}

/* SELECT @columns FROM the entity's table, live rows only. */
char *
care_query_to_sql (CareQuery  *self,
                   const char *columns,
                   gboolean    with_order,
                   GPtrArray **out_params)
{
  GString    *sql;
  GPtrArray  *params;
  const char *table = self->entity->name;
  gboolean    stream = self->match == CARE_QUERY_MATCH_STREAM && care_query_has_fts_search (self);

  if (self->match == CARE_QUERY_MATCH_PROBE && care_query_has_fts_search (self))
    return probe_sql (self, columns, with_order, out_params);

  sql = g_string_new (NULL);
  params = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);

  /* CROSS JOIN keeps the search index the outer loop: rows come as it
   * finds them, and a LIMIT stops it early. */
  g_string_append_printf (sql, "SELECT %s FROM %s%s WHERE %s." CARE_SQL_LIVE, columns,
                          stream ? "customer_fts CROSS JOIN " : "", table, table);

  append_conditions (self, sql, params);

  if (self->search != NULL && g_str_equal (table, "customer"))
    {
      g_autofree char *match = care_query_fts_match (self->search);

      /* Nothing searchable typed (only punctuation): every row matches. */
      if (match != NULL)
        {
          if (stream)
            g_string_append (sql,
                             " AND customer_fts MATCH ? AND customer.seq = customer_fts.rowid");
          else
            g_string_append (
                sql,
                " AND customer.seq IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH ?)");
          g_ptr_array_add (params, g_variant_ref_sink (g_variant_new_string (match)));
        }
    }
  else if (self->search != NULL)
    {
      g_autoptr (GString) pattern = g_string_new ("%");

      escape_like (pattern, self->search);
      g_string_append_c (pattern, '%');
      g_string_append_printf (sql, " AND %s.%s LIKE ? ESCAPE '\\'", table,
                              self->entity->title_field);
      g_ptr_array_add (params, g_variant_ref_sink (g_variant_new_string (pattern->str)));
    }

  if (self->after_value != NULL && self->order_field != NULL)
    {
      const char *cmp = self->descending ? "<" : ">";
      const char *collate = order_collate (self->order_field);

      g_string_append_printf (sql, " AND (%s.%s%s %s ? OR (%s.%s%s = ? AND %s.seq %s ?))", table,
                              self->order_field->name, collate, cmp, table, self->order_field->name,
                              collate, table, cmp);
      g_ptr_array_add (params, g_variant_ref (self->after_value));
      g_ptr_array_add (params, g_variant_ref (self->after_value));
      g_ptr_array_add (params, g_variant_ref_sink (g_variant_new_int64 (self->after_seq)));
    }

  if (with_order)
    append_order (self, sql);

  *out_params = params;
  return g_string_free (sql, FALSE);
}
