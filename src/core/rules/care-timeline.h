/* care-timeline.h: a customer's interactions from several tables, newest first. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

typedef struct
{
  const CareEntity *entity; /* call_log, service_case, appointment or enrolment */
  char             *id;
  char             *at;    /* when it happened: UTC "YYYY-MM-DDTHH:MM:SSZ" */
  char             *title; /* call or case subject, course title; may be NULL */
  char             *kind;  /* the record's kind key (call direction, case or visit kind), or NULL */
  char             *status; /* call outcome, case, visit or enrolment status key, or NULL */
  char             *person; /* the contact involved, or NULL */
} CareTimelineEntry;

void       care_timeline_entry_free (CareTimelineEntry *entry);
GPtrArray *care_timeline_load (
    CareStore *store, const char *customer_id, const char *until, guint limit, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareTimelineEntry, care_timeline_entry_free)

G_END_DECLS
