/* care-vcard.h: customers and their contacts as vCard 4.0 (RFC 6350). */
#pragma once

#include <gio/gio.h>

#include "care-import.h"
#include "care-store.h"

G_BEGIN_DECLS

/* clang-format off */
void              care_vcard_append_customer    (GString            *out,
                                                 CareRecord         *customer,
                                                 GPtrArray          *contacts);
gboolean          care_vcard_export             (CareStore          *store,
                                                 CareQuery          *customers,
                                                 GOutputStream      *stream,
                                                 GCancellable       *cancellable,
                                                 GError            **error);

CareImportReport *care_vcard_import             (CareStore          *store,
                                                 const char         *data,
                                                 gsize               length,
                                                 GCancellable       *cancellable,
                                                 GError            **error);
CareImportReport *care_vcard_import_file        (CareStore          *store,
                                                 GFile              *file,
                                                 GCancellable       *cancellable,
                                                 GError            **error);
void              care_vcard_import_file_async  (CareStore          *store,
                                                 GFile              *file,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
CareImportReport *care_vcard_import_file_finish (CareStore          *store,
                                                 GAsyncResult       *result,
                                                 GError            **error);
/* clang-format on */

G_END_DECLS
