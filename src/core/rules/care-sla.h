/* care-sla.h: service level timers of a case, the same on every client and the server. */
#pragma once

#include <json-glib/json-glib.h>

#include "care-store.h"
#include "care-working-time.h"

G_BEGIN_DECLS

/* An instant that has not come: a timer not met yet, a pause going on. */
#define CARE_SLA_NOT_YET G_MAXINT64

/* Less than this share of a target left is "at risk". */
#define CARE_SLA_AT_RISK_PERCENT 20

/* Ordered from nothing to show to the worst: a list sorts by it. */
typedef enum
{
  CARE_SLA_STATE_NONE,     /* no policy, or one that cannot be used */
  CARE_SLA_STATE_MET,      /* done within the target */
  CARE_SLA_STATE_ON_TRACK, /* under way, at least 20% of the target left */
  CARE_SLA_STATE_AT_RISK,  /* under way, less than 20% left */
  CARE_SLA_STATE_BREACHED, /* the target has passed, done late or not done */
} CareSlaState;

typedef struct
{
  CareSlaState state;
  gint64       target;  /* working seconds promised */
  gint64       used;    /* working seconds counted, until done or until now */
  gint64       left;    /* target - used: negative when late */
  gint64       due;     /* the instant the target is (or was) reached with the clock running
                           from now on; CARE_WORKING_TIME_NEVER if never */
  gint64       done_at; /* the instant it was met (first response, resolution), or
                           CARE_SLA_NOT_YET */
} CareSlaTimer;

typedef struct
{
  gint64 start;
  gint64 end; /* CARE_SLA_NOT_YET while the case still waits */
} CareSlaPause;

typedef struct
{
  char        *policy_id; /* NULL without a policy */
  gint64       now;       /* the instant the figures are for */
  gboolean     paused;    /* the case waits on the customer now: the clocks stand still */
  CareSlaTimer first_response;
  CareSlaTimer resolution;
  GArray      *pauses; /* CareSlaPause, oldest first */
} CareSla;

/* An open case's timers, for lists and the Today page. */
typedef struct
{
  char    *case_id;
  CareSla *sla;
} CareSlaEntry;

void         care_sla_free (CareSla *sla);
CareSlaState care_sla_get_state (const CareSla *sla);
gint64       care_sla_get_next_due (const CareSla *sla);
const char  *care_sla_state_key (CareSlaState state);
const char  *care_sla_state_label (CareSlaState state);

CareWorkingCalendar             *
care_sla_calendar_new (CareRecord *calendar, GPtrArray *closures, GError **error);
const char *care_sla_warranty_kind (GPtrArray *warranties, const char *opened_at);
CareRecord *
care_sla_match_policy (GPtrArray *policies, CareRecord *service_case, const char *warranty_kind);

CareSla  *care_sla_compute (CareRecord          *service_case,
                            CareRecord          *policy,
                            CareWorkingCalendar *calendar,
                            GPtrArray           *status_changes,
                            GPtrArray           *calls,
                            gint64               now);
JsonNode *care_sla_to_json (const CareSla *sla);

/* Over the local store: what the client's views call. */
gboolean    care_sla_choose_policy (CareStore *store, CareRecord *service_case, GError **error);
CareRecord *care_sla_new_status_change (CareRecord *service_case, const char *staff_id);
gboolean    care_sla_save_case (CareStore  *store,
                                CareRecord *service_case,
                                const char *old_status,
                                const char *staff_id,
                                GError    **error);
CareSla    *care_sla_load (CareStore *store, CareRecord *service_case, GError **error);
void        care_sla_entry_free (CareSlaEntry *entry);
GPtrArray          *
care_sla_list_open (CareStore *store, CareSlaState min_state, guint limit, GError **error);
gboolean care_sla_met_per_month (CareStore   *store,
                                 const GDate *today,
                                 guint        n_months,
                                 guint        limit,
                                 guint       *first_met,
                                 guint       *first_counted,
                                 guint       *resolution_met,
                                 guint       *resolution_counted,
                                 GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareSla, care_sla_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareSlaEntry, care_sla_entry_free)

G_END_DECLS
