/* care-store-locate.h: where a record stands in a query's order. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

int care_store_locate (CareStore *store, CareQuery *query, const char *id, GError **error);

G_END_DECLS
