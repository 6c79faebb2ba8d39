/* care-rma.h: returns (RMA): replacing a product and carrying its warranty over. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

GPtrArray *care_rma_remaining_warranties (GPtrArray   *warranties,
                                          const GDate *replacement_date,
                                          const char  *replacement_product_id);
gboolean   care_rma_replace (CareStore   *store,
                             CareRecord  *rma,
                             const char  *new_serial,
                             const GDate *replacement_date,
                             CareRecord **out_product,
                             GError     **error);

G_END_DECLS
