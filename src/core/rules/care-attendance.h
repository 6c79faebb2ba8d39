/* care-attendance.h: whether a participant attended a whole course. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

typedef struct
{
  guint  n_sessions;  /* sessions of the course the contact was confirmed in */
  guint  n_attended;  /* of those, the ones marked attended */
  char  *first_start; /* the first of those sessions' start, or NULL */
  char  *last_end;    /* the last one's end, or NULL */
  gint64 minutes;     /* the attended sessions' length together */
} CareAttendance;

gboolean care_attendance_check (CareStore      *store,
                                const char     *contact_id,
                                const char     *course_id,
                                CareAttendance *attendance,
                                GError        **error);
gboolean care_attendance_completed (const CareAttendance *attendance);
void     care_attendance_clear (CareAttendance *attendance);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CareAttendance, care_attendance_clear)

G_END_DECLS
