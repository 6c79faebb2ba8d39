/* care-training.h: enrolment rules: seats, the waitlist and its promotions. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

#define CARE_TRAINING_ERROR (care_training_error_quark ())

typedef enum
{
  CARE_TRAINING_ERROR_ALREADY_ENROLLED,
  CARE_TRAINING_ERROR_NOT_ACTIVE,
} CareTrainingError;

typedef struct
{
  guint seats;     /* the session's seats */
  guint confirmed; /* confirmed enrolments; may exceed seats after a reduction */
  guint waitlisted;
  guint free; /* seats - confirmed, never below zero */
} CareSeatCount;

GQuark      care_training_error_quark (void);
gboolean    care_training_count_seats (CareStore     *store,
                                       const char    *session_id,
                                       CareSeatCount *out_count,
                                       GError       **error);
CareRecord *care_training_enrol (CareStore  *store,
                                 const char *session_id,
                                 const char *contact_id,
                                 GError    **error);
gboolean    care_training_cancel (CareStore   *store,
                                  const char  *enrolment_id,
                                  CareRecord **out_promoted,
                                  GError     **error);
gboolean    care_training_fill_seats (CareStore  *store,
                                      const char *session_id,
                                      GPtrArray **out_promoted,
                                      GError    **error);

G_END_DECLS
