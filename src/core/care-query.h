/* care-query.h: what a list shows: an entity, conditions, a search and an order. */
#pragma once

#include <glib-object.h>

#include "care-schema.h"

G_BEGIN_DECLS

typedef enum
{
  CARE_QUERY_EQ,
  CARE_QUERY_NE,
  CARE_QUERY_LT,
  CARE_QUERY_LE,
  CARE_QUERY_GT,
  CARE_QUERY_GE,
  CARE_QUERY_IS_NULL,
  CARE_QUERY_NOT_NULL,
} CareQueryOp;

/* How a customer search reaches its rows. SORTED reads every match and
 * sorts them: cheap when few match. PROBE walks the order's index and tests
 * each row against the search index, but only the first
 * CARE_QUERY_PROBE_SCAN rows: cheap when many rows match early in that
 * order; a page it returns short must be read again with SORTED. STREAM takes the matches in the search
 * index's order, unsorted: for counting. */
#define CARE_QUERY_PROBE_SCAN 500

typedef enum
{
  CARE_QUERY_MATCH_SORTED,
  CARE_QUERY_MATCH_PROBE,
  CARE_QUERY_MATCH_STREAM,
} CareQueryMatch;

typedef struct _CareQuery CareQuery;

#define CARE_TYPE_QUERY (care_query_get_type ())

GType      care_query_get_type (void) G_GNUC_CONST;
CareQuery *care_query_new (const CareEntity *entity);
CareQuery *care_query_ref (CareQuery *self);
void       care_query_unref (CareQuery *self);
CareQuery *care_query_copy (CareQuery *self);

const CareEntity *care_query_get_entity (CareQuery *self);
void  care_query_add (CareQuery *self, const char *field, CareQueryOp op, GVariant *value);
void  care_query_add_string (CareQuery *self, const char *field, CareQueryOp op, const char *value);
void  care_query_add_in (CareQuery *self, const char *field, const char *const *values);
void  care_query_add_sql (CareQuery *self, const char *sql);
void  care_query_set_search (CareQuery *self, const char *text);
char *care_query_get_search (CareQuery *self);
gboolean         care_query_has_fts_search (CareQuery *self);
gboolean         care_query_search_is_short (CareQuery *self);
void             care_query_set_match (CareQuery *self, CareQueryMatch match);
void             care_query_set_order (CareQuery *self, const char *field, gboolean descending);
const CareField *care_query_get_order_field (CareQuery *self);
void             care_query_set_after (CareQuery *self, GVariant *order_value, gint64 seq);

/* For the store: renders SQL with ? placeholders and the values to bind. */
char *care_query_to_sql (CareQuery  *self,
                         const char *columns,
                         gboolean    with_order,
                         GPtrArray **out_params);
char *care_query_conditions_sql (CareQuery *self, GPtrArray **out_params);
char *care_query_fts_match (const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareQuery, care_query_unref)

G_END_DECLS
