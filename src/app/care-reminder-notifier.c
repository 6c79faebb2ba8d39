/* care-reminder-notifier.c: desktop notifications for expiring warranties and upcoming visits.
 *
 * Checks at startup, after changes to the store (a sync may bring a visit
 * for tomorrow) and every few minutes, and sends a GNotification for each
 * reminder care_reminders_take_due() hands out; the store remembers what
 * fired, so each fires once on this device, also across restarts. A
 * notification's default action opens its record. When many warranties
 * come due at once (the first start, a long time offline) the soonest few
 * get their own notification and one more stands for the rest, rather
 * than a wall of them. */
#define G_LOG_DOMAIN "care-reminder-notifier"

#include "config.h"

#include <glib/gi18n.h>

#include "care-clock.h"
#include "care-format.h"
#include "care-reminder-notifier.h"
#include "care-reminder.h"
#include "care-sla-text.h"
#include "care-sla.h"
#include "care-warranty.h"

#define APPOINTMENT_HOURS  24
#define CHECK_INTERVAL     (10 * 60)
#define CHANGE_DELAY       2
#define MAX_WARRANTY_ITEMS 3
/* Open cases looked at for service levels at risk, the oldest first. */
#define SLA_SCAN_LIMIT 2000

struct _CareReminderNotifier
{
  GObject parent_instance;

  /* Borrowed references */
  GtkApplication *application; /* owns this notifier */

  /* Owned references */
  CareContext *context;
  guint        periodic_id;
  guint        changed_id;
};

G_DEFINE_FINAL_TYPE (CareReminderNotifier, care_reminder_notifier, G_TYPE_OBJECT)

/* Helpers */

static CareStore *
store (CareReminderNotifier *self)
{
  return care_context_get_store (self->context);
}

static void
send (CareReminderNotifier *self,
      const char           *id,
      const char           *title,
      const char           *body,
      GVariant             *target)
{
  g_autoptr (GNotification) notification = g_notification_new (title);

  if (body != NULL && body[0] != '\0')
    g_notification_set_body (notification, body);
  if (target != NULL)
    g_notification_set_default_action_and_target_value (notification, "app.show-record", target);
  else
    g_notification_set_default_action (notification, "app.show-today");
  g_debug ("Reminder %s: %s", id, title);
  g_application_send_notification (G_APPLICATION (self->application), id, notification);
}

static void
notify_warranty (CareReminderNotifier *self, CareRecord *warranty)
{
  g_autoptr (CareRecord) product = NULL;
  g_autofree char *customer = NULL;
  g_autofree char *end = care_format_date (care_record_get_string (warranty, "end_date"));
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *id = g_strconcat ("warranty-", care_record_get_id (warranty), NULL);

  product = care_format_load_reference (store (self), warranty, "product_id");
  if (product != NULL)
    customer = care_format_record_reference (store (self), product, "customer_id");

  /* TRANSLATORS: a notification; %s is a date */
  title = g_strdup_printf (_ ("Warranty Ends on %s"), end);
  /* TRANSLATORS: a notification's text: "Customer — Product: offer a renewal" */
  body = g_strdup_printf (_ ("%s — %s: offer a renewal"), customer != NULL ? customer : "",
                          product != NULL ? care_record_get_string (product, "name") : "");
  send (self, id, title, body, g_variant_new ("(ss)", "warranty", care_record_get_id (warranty)));
}

static void
notify_appointment (CareReminderNotifier *self, CareRecord *appointment)
{
  g_autofree char *kind = care_format_record_field (appointment, "kind");
  g_autofree char *when = care_format_datetime (care_record_get_string (appointment, "start_at"));
  g_autofree char *customer =
      care_format_record_reference (store (self), appointment, "customer_id");
  const char      *address = care_record_get_string (appointment, "address");
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *id = g_strconcat ("appointment-", care_record_get_id (appointment), NULL);

  /* TRANSLATORS: a notification: "Repair at 24 Nov 2026, 10:00" */
  title = g_strdup_printf (C_ ("reminder", "%s at %s"), kind, when);
  body = address != NULL && address[0] != '\0'
             ? g_strdup_printf ("%s — %s", customer != NULL ? customer : "", address)
             : g_strdup (customer);
  send (self, id, title, body,
        g_variant_new ("(ss)", "appointment", care_record_get_id (appointment)));
}

/* A case's timer is running out: said once per case, before the breach,
 * so that someone can still answer in time. */
static gboolean
notify_sla (CareReminderNotifier *self, CareSlaEntry *entry, GDateTime *now)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) c = NULL;
  const CareSlaTimer *t;
  g_autofree char    *timer = NULL;
  g_autofree char    *customer = NULL;
  g_autofree char    *title = NULL;
  g_autofree char    *body = NULL;
  g_autofree char    *id = g_strconcat ("sla-", entry->case_id, NULL);
  gboolean            first = FALSE;

  if (!care_reminder_take_once (store (self), "sla", entry->case_id, "at_risk", now, &first,
                                &error))
    {
      g_warning ("Could not record a service level reminder: %s", error->message);
      return FALSE;
    }
  if (!first)
    return FALSE;

  c = care_store_load (store (self), care_schema_entity (CARE_ENTITY_SERVICE_CASE), entry->case_id,
                       NULL);
  if (c == NULL)
    return FALSE;
  t = entry->sla->first_response.state == CARE_SLA_STATE_AT_RISK ? &entry->sla->first_response
                                                                 : &entry->sla->resolution;
  timer = care_sla_text_timer (t);
  customer = care_format_record_reference (store (self), c, "customer_id");
  /* TRANSLATORS: a notification; %s is a case's subject */
  title = g_strdup_printf (_ ("Case at Risk: %s"), care_record_get_string (c, "subject"));
  /* TRANSLATORS: a notification's text: "Customer — First response: 20 min left · due …" */
  body = g_strdup_printf (
      _ ("%s — %s: %s"), customer != NULL ? customer : "",
      t == &entry->sla->first_response ? _ ("First response") : _ ("Resolution"), timer);
  send (self, id, title, body, g_variant_new ("(ss)", "service_case", entry->case_id));
  return TRUE;
}

/* Activates @action on the main window, opening one if there is none: the
 * main window is the one that has the action (a dialog has not). */
static void
activate_on_main_window (CareReminderNotifier *self, const char *action, GVariant *param)
{
  g_autoptr (GVariant) owned = g_variant_ref_sink (param);

  if (gtk_application_get_windows (self->application) == NULL)
    g_application_activate (G_APPLICATION (self->application));

  for (GList *l = gtk_application_get_windows (self->application); l != NULL; l = l->next)
    if (gtk_widget_activate_action_variant (l->data, action, owned))
      {
        gtk_window_present (l->data);
        return;
      }
}

/* Callbacks */

static void
app_show_record_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  activate_on_main_window (user_data, "win.show-record", param);
}

static void
app_show_today_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  activate_on_main_window (user_data, "win.open-view", g_variant_new_string ("overview"));
}

static gboolean
periodic_cb (gpointer user_data)
{
  care_reminder_notifier_check (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
changed_timeout_cb (gpointer user_data)
{
  CareReminderNotifier *self = user_data;

  self->changed_id = 0;
  care_reminder_notifier_check (self);
  return G_SOURCE_REMOVE;
}

/* Bursts of changes give one check. */
static void
queue_check (CareReminderNotifier *self)
{
  if (self->changed_id == 0)
    self->changed_id = g_timeout_add_seconds (CHANGE_DELAY, changed_timeout_cb, self);
}

static void
store_changed_cb (CareStore *store, const char *entity, const char *id, CareReminderNotifier *self)
{
  queue_check (self);
}

/* Signing in as a technician brings their visits of the next day. */
static void
staff_changed_cb (GSettings *settings, const char *key, CareReminderNotifier *self)
{
  queue_check (self);
}

/* Overrides */

static void
care_reminder_notifier_dispose (GObject *object)
{
  CareReminderNotifier *self = CARE_REMINDER_NOTIFIER (object);

  g_clear_handle_id (&self->periodic_id, g_source_remove);
  g_clear_handle_id (&self->changed_id, g_source_remove);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (care_reminder_notifier_parent_class)->dispose (object);
}

static void
care_reminder_notifier_class_init (CareReminderNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = care_reminder_notifier_dispose;
}

static void
care_reminder_notifier_init (CareReminderNotifier *self)
{
}

/* Public API */

/**
 * care_reminder_notifier_new:
 * @application: the registered application, which sends the notifications
 *   and gets the "app.show-record" and "app.show-today" actions they open
 *
 * Starts checking: now, after changes and periodically.
 */
CareReminderNotifier *
care_reminder_notifier_new (GtkApplication *application, CareContext *context)
{
  CareReminderNotifier *self;
  const GActionEntry    actions[] = {
       { "show-record", app_show_record_cb, "(ss)" },
       { "show-today", app_show_today_cb },
  };

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (CARE_IS_CONTEXT (context), NULL);

  self = g_object_new (CARE_TYPE_REMINDER_NOTIFIER, NULL);
  self->application = application;
  self->context = g_object_ref (context);

  g_action_map_add_action_entries (G_ACTION_MAP (application), actions, G_N_ELEMENTS (actions),
                                   self);
  g_signal_connect_object (store (self), "changed::warranty", G_CALLBACK (store_changed_cb), self,
                           0);
  g_signal_connect_object (store (self), "changed::appointment", G_CALLBACK (store_changed_cb),
                           self, 0);
  g_signal_connect_object (care_context_get_settings (context), "changed::staff-id",
                           G_CALLBACK (staff_changed_cb), self, 0);
  self->periodic_id = g_timeout_add_seconds (CHECK_INTERVAL, periodic_cb, self);
  care_reminder_notifier_check (self);

  return self;
}

/**
 * care_reminder_notifier_check:
 *
 * Sends the reminders that are due and have not fired yet.
 *
 * Returns: how many notifications were sent
 */
guint
care_reminder_notifier_check (CareReminderNotifier *self)
{
  g_autoptr (GDateTime) now = care_clock_now_utc ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) due = NULL;
  g_autofree char *staff_id = NULL;
  guint            n_warranties = 0, sent = 0;

  g_return_val_if_fail (CARE_IS_REMINDER_NOTIFIER (self), 0);

  staff_id = care_account_dup_staff_id (care_context_get_account (self->context));
  due = care_reminders_take_due (store (self), now, CARE_WARRANTY_EXPIRING_DAYS, staff_id,
                                 APPOINTMENT_HOURS, &error);
  if (due == NULL)
    {
      g_warning ("Could not check the reminders: %s", error->message);
      return 0;
    }

  for (guint i = 0; i < due->len; i++)
    {
      CareReminder *r = g_ptr_array_index (due, i);

      if (r->kind == CARE_REMINDER_WARRANTY_EXPIRING)
        {
          if (n_warranties++ < MAX_WARRANTY_ITEMS)
            {
              notify_warranty (self, r->record);
              sent++;
            }
        }
      else
        {
          notify_appointment (self, r->record);
          sent++;
        }
    }

  {
    g_autoptr (GPtrArray) entries =
        care_sla_list_open (store (self), CARE_SLA_STATE_AT_RISK, SLA_SCAN_LIMIT, &error);

    if (entries == NULL)
      {
        g_warning ("Could not check the service levels: %s", error->message);
        g_clear_error (&error);
      }
    for (guint i = 0; entries != NULL && i < entries->len; i++)
      {
        CareSlaEntry *entry = g_ptr_array_index (entries, i);

        if (care_sla_get_state (entry->sla) == CARE_SLA_STATE_AT_RISK &&
            notify_sla (self, entry, now))
          sent++;
      }
  }

  if (n_warranties > MAX_WARRANTY_ITEMS)
    {
      guint            rest = n_warranties - MAX_WARRANTY_ITEMS;
      g_autofree char *title = g_strdup_printf (
          ngettext ("%u More Warranty Ends Soon", "%u More Warranties End Soon", rest), rest);

      send (self, "warranties-more", title,
            _ ("They are listed on the Today page, to call about a renewal"), NULL);
      sent++;
    }

  return sent;
}
