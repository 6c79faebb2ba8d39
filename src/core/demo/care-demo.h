/* care-demo.h: a deterministic, realistic after-sales dataset of any size. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

typedef gboolean (*CareDemoSink) (CareRecord *record, gpointer user_data, GError **error);

typedef struct
{
  guint32 seed;
  guint   n_customers;
  GDate   today; /* dates are spread around this day */
} CareDemoOptions;

void     care_demo_options_init (CareDemoOptions *options, guint n_customers);
gboolean care_demo_generate (const CareDemoOptions *options,
                             CareDemoSink           sink,
                             gpointer               user_data,
                             GError               **error);
gboolean care_demo_fill_store (CareStore             *store,
                               const CareDemoOptions *options,
                               GCancellable          *cancellable,
                               guint64               *n_records,
                               GError               **error);

void care_demo_fill_async (CareStore          *store,
                           guint               n_customers,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data);
gboolean
care_demo_fill_finish (CareStore *store, GAsyncResult *result, guint64 *n_records, GError **error);

G_END_DECLS
