/* care-reminder.h: reminders that fire once: expiring warranties, upcoming visits. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

typedef enum
{
  CARE_REMINDER_WARRANTY_EXPIRING,
  CARE_REMINDER_APPOINTMENT,
} CareReminderKind;

typedef struct
{
  CareReminderKind kind;
  CareRecord      *record; /* the warranty or the appointment */
  char            *due;    /* its end date, or its start time */
} CareReminder;

/* The most reminders one call returns; the rest come with the next call. */
#define CARE_REMINDER_MAX_BATCH 500

GPtrArray *care_reminders_take_due (CareStore  *store,
                                    GDateTime  *now,
                                    guint       warranty_days,
                                    const char *technician_id,
                                    guint       appointment_hours,
                                    GError    **error);
void       care_reminder_free (CareReminder *reminder);
gboolean   care_reminder_take_once (CareStore  *store,
                                    const char *kind,
                                    const char *record_id,
                                    const char *due_key,
                                    GDateTime  *now,
                                    gboolean   *first,
                                    GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareReminder, care_reminder_free)

G_END_DECLS
