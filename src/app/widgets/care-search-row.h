/* care-search-row.h: a row of a record list that shows why it matched a search. */
#pragma once

#include <gtk/gtk.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TYPE_SEARCH_ROW (care_search_row_get_type ())
G_DECLARE_FINAL_TYPE (CareSearchRow, care_search_row, CARE, SEARCH_ROW, GtkWidget)

GtkWidget *care_search_row_new (void);
void       care_search_row_set (CareSearchRow *self,
                                CareStore     *store,
                                CareRecord    *record,
                                const char    *title,
                                const char    *subtitle,
                                const char    *search);

G_END_DECLS
