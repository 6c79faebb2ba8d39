/* care-reminder-notifier.h: desktop notifications for expiring warranties and upcoming visits. */
#pragma once

#include <gtk/gtk.h>

#include "care-context.h"

G_BEGIN_DECLS

#define CARE_TYPE_REMINDER_NOTIFIER (care_reminder_notifier_get_type ())
G_DECLARE_FINAL_TYPE (
    CareReminderNotifier, care_reminder_notifier, CARE, REMINDER_NOTIFIER, GObject)

CareReminderNotifier *care_reminder_notifier_new (GtkApplication *application,
                                                  CareContext    *context);
guint                 care_reminder_notifier_check (CareReminderNotifier *self);

G_END_DECLS
