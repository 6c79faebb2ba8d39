/* care-search.h: the customer search: matches ranked for people, and why each matched. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

/* How many matches a ranked search reads from each of its sources, and so
 * at most how many rows it ranks and shows. */
#define CARE_SEARCH_LIMIT 200

gboolean   care_search_applies (CareQuery *query);
GArray    *care_search_rank (CareStore    *store,
                             CareQuery    *query,
                             guint         limit,
                             gboolean     *out_more,
                             GCancellable *cancellable,
                             GError      **error);
GPtrArray *care_search_load (
    CareStore *store, const CareEntity *entity, const gint64 *seqs, guint n, GError **error);

char    *care_search_fold (const char *text);
char    *care_search_highlight (const char *text, const char *search);
gboolean care_search_explain (CareStore  *store,
                              CareRecord *customer,
                              const char *search,
                              char      **out_markup,
                              char      **out_text,
                              gboolean   *out_name_only);

G_END_DECLS
