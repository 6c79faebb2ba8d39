/* care-import.h: what every importer shares: the error domain, the size
 * limit, the per-record report and saving one imported record. */
#pragma once

#include <gio/gio.h>

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_IMPORT_ERROR (care_import_error_quark ())

typedef enum
{
  CARE_IMPORT_ERROR_TOO_LARGE,   /* the file is over CARE_IMPORT_MAX_SIZE */
  CARE_IMPORT_ERROR_ENCODING,    /* not UTF-8 text (binary, another charset) */
  CARE_IMPORT_ERROR_MALFORMED,   /* the structure is broken: nothing can be read safely */
  CARE_IMPORT_ERROR_UNSUPPORTED, /* a valid file of a kind Aftercare does not read */
} CareImportError;

/* Imports read a whole file into memory; this keeps that bounded. */
#define CARE_IMPORT_MAX_SIZE (20 * 1024 * 1024)

typedef struct _CareImportReport CareImportReport;

#define CARE_TYPE_IMPORT_REPORT (care_import_report_get_type ())

/* clang-format off */
GQuark            care_import_error_quark            (void);

GType             care_import_report_get_type        (void) G_GNUC_CONST;
CareImportReport *care_import_report_new             (void);
CareImportReport *care_import_report_ref             (CareImportReport *self);
void              care_import_report_unref           (CareImportReport *self);

guint             care_import_report_get_n_created   (CareImportReport *self);
guint             care_import_report_get_n_updated   (CareImportReport *self);
guint             care_import_report_get_n_unchanged (CareImportReport *self);
guint             care_import_report_get_n_imported  (CareImportReport *self);
guint             care_import_report_get_n_skipped   (CareImportReport *self);
const char       *care_import_report_get_skipped     (CareImportReport *self,
                                                      guint             index,
                                                      guint            *line);
void              care_import_report_skip            (CareImportReport *self,
                                                      guint             line,
                                                      const char       *reason);
char             *care_import_report_to_string       (CareImportReport *self);

gboolean          care_import_read_file              (GFile            *file,
                                                      GCancellable     *cancellable,
                                                      GBytes          **out_bytes,
                                                      GError          **error);
gboolean          care_import_check_text             (const char       *data,
                                                      gsize             length,
                                                      GError          **error);
char             *care_import_id_for_uid             (const char       *uid);
CareRecord       *care_import_record_for             (CareStore        *store,
                                                      const CareEntity *entity,
                                                      const char       *id,
                                                      GError          **error);
gboolean          care_import_set_text               (CareRecord       *record,
                                                      const char       *field,
                                                      const char       *text,
                                                      GError          **error);
gboolean          care_import_save                   (CareStore        *store,
                                                      CareRecord       *record,
                                                      guint             line,
                                                      CareImportReport *report,
                                                      GError          **error);
/* clang-format on */

/* Imports @bytes into @store (a connection of the worker thread's own). */
typedef CareImportReport *(*CareImportRunFunc) (
    CareStore *store, GBytes *bytes, gpointer data, GCancellable *cancellable, GError **error);

/* clang-format off */
void              care_import_run_async              (CareStore          *store,
                                                      GFile              *file,
                                                      CareImportRunFunc   func,
                                                      gpointer            data,
                                                      gpointer            source_tag,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
CareImportReport *care_import_run_finish             (GAsyncResult       *result,
                                                      gpointer            source_tag,
                                                      GError            **error);
/* clang-format on */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareImportReport, care_import_report_unref)

G_END_DECLS
