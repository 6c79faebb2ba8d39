/* care-workflow.h: what the after-sales workflow modules share: their error
 * domain and date helpers. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_WORKFLOW_ERROR (care_workflow_error_quark ())

typedef enum
{
  CARE_WORKFLOW_ERROR_INVALID,        /* the input is malformed */
  CARE_WORKFLOW_ERROR_NOT_APPLICABLE, /* the record is not in a state the step applies to */
  CARE_WORKFLOW_ERROR_ALREADY_DONE,   /* the step was already taken for this record */
  CARE_WORKFLOW_ERROR_TOO_LARGE,      /* an amount or a list exceeds what a record holds */
  CARE_WORKFLOW_ERROR_FAILED,         /* writing a file failed */
} CareWorkflowError;

GQuark care_workflow_error_quark (void);

gboolean   care_date_from_iso (const char *iso, GDate *date);
char      *care_date_to_iso (const GDate *date);
void       care_date_from_datetime (GDateTime *datetime, GDate *date);
gboolean   care_date_from_instant (const char *iso_utc, GDate *date);
char      *care_local_slot_to_iso (const GDate *day, int hour, int minute);
char      *care_datetime_to_iso (GDateTime *datetime);
void       care_record_assign (CareRecord *self, CareRecord *source);
GPtrArray *care_store_find_all (CareStore *store, CareQuery *query, GError **error);

G_END_DECLS
