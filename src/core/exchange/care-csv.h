/* care-csv.h: records of one entity as CSV (RFC 4180), out and back in. */
#pragma once

#include <gio/gio.h>

#include "care-import.h"
#include "care-store.h"

G_BEGIN_DECLS

/* More columns than any entity has fields; a wider header is refused. */
#define CARE_CSV_MAX_COLUMNS 256

/* clang-format off */
void              care_csv_append_header      (GString            *out,
                                               const CareEntity   *entity);
void              care_csv_append_record      (GString            *out,
                                               CareRecord         *record);
gboolean          care_csv_export             (CareStore          *store,
                                               CareQuery          *query,
                                               GOutputStream      *stream,
                                               GCancellable       *cancellable,
                                               GError            **error);

CareImportReport *care_csv_import             (CareStore          *store,
                                               const CareEntity   *entity,
                                               const char         *data,
                                               gsize               length,
                                               GCancellable       *cancellable,
                                               GError            **error);
CareImportReport *care_csv_import_file        (CareStore          *store,
                                               const CareEntity   *entity,
                                               GFile              *file,
                                               GCancellable       *cancellable,
                                               GError            **error);
void              care_csv_import_file_async  (CareStore          *store,
                                               const CareEntity   *entity,
                                               GFile              *file,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
CareImportReport *care_csv_import_file_finish (CareStore          *store,
                                               GAsyncResult       *result,
                                               GError            **error);
/* clang-format on */

G_END_DECLS
