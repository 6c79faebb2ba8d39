/* care-sync-indicator.c: the header-bar button that says how sync is doing.
 *
 * Offline is a normal state here: it reads "Offline, 3 changes waiting",
 * never an error dialog. The popover tells the details, lists changes the
 * server refused (each can be discarded) and leads to the conflicts. */
#define G_LOG_DOMAIN "care-sync-indicator"

#include "config.h"

#include <glib/gi18n.h>

#include "care-conflicts-dialog.h"
#include "care-format.h"
#include "care-outbox.h"
#include "care-sync-indicator.h"

struct _CareSyncIndicator
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkMenuButton *button;
  GtkStack      *icon_stack;
  GtkImage      *icon;
  GtkSpinner    *spinner;
  GtkLabel      *label;
  GtkLabel      *detail_label;
  GtkLabel      *last_sync_label;
  GtkListBox    *rejected_list;
  GtkWidget     *conflicts_button;
  GtkWidget     *sign_in_button;
  GtkWidget     *sync_button;

  /* Owned references */
  CareSyncEngine *engine;

  guint shown_rejected; /* refill the list only when the count moves */
};

G_DEFINE_FINAL_TYPE (CareSyncIndicator, care_sync_indicator, GTK_TYPE_WIDGET)

static void
discard_clicked_cb (GtkButton *button, CareSyncIndicator *self)
{
  gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (button), "mutation-id");
  g_autoptr (GError) error = NULL;

  if (!care_sync_engine_discard_rejected (self->engine, id, &error))
    g_warning ("Could not discard a refused change: %s", error->message);
}

static void
fill_rejected (CareSyncIndicator *self)
{
  g_autoptr (GPtrArray) rejected = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rejected_list))) != NULL)
    gtk_list_box_remove (self->rejected_list, child);

  rejected = care_outbox_list_rejected (care_sync_engine_get_store (self->engine), &error);
  if (rejected == NULL)
    {
      g_warning ("Could not list refused changes: %s", error->message);
      return;
    }

  for (guint i = 0; i < rejected->len; i++)
    {
      CareMutation     *m = g_ptr_array_index (rejected, i);
      const CareEntity *e = care_schema_lookup (m->entity);
      GtkWidget        *row = adw_action_row_new ();
      GtkWidget        *discard = gtk_button_new_with_label (_ ("Discard"));
      gint64           *id = g_new (gint64, 1);
      g_autofree char  *when = care_format_datetime (m->created_at);
      g_autofree char  *title = g_strdup_printf (
           "%s — %s", e != NULL ? g_dgettext (GETTEXT_PACKAGE, e->label) : m->entity, when);

      *id = m->mutation_id;
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), m->error != NULL ? m->error : "");
      gtk_widget_set_valign (discard, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (discard), "mutation-id", id, g_free);
      g_signal_connect (discard, "clicked", G_CALLBACK (discard_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), discard);
      gtk_list_box_append (self->rejected_list, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->rejected_list), rejected->len > 0);
}

static void
update (CareSyncIndicator *self)
{
  CareSyncStatus   status = care_sync_engine_get_status (self->engine);
  guint            pending_total;
  guint            pending = care_sync_engine_get_pending_count (self->engine);
  guint            conflicts = care_sync_engine_get_conflict_count (self->engine);
  guint            rejected = care_sync_engine_get_rejected_count (self->engine);
  GDateTime       *last = care_sync_engine_get_last_sync (self->engine);
  g_autofree char *text = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *last_text = NULL;
  const char      *icon = "emblem-ok-symbolic";
  gboolean         spinning = FALSE;

  /* Without a server there is nothing to be in sync with. */
  if (care_sync_engine_get_token (self->engine) == NULL ||
      care_sync_engine_get_server_url (self->engine) == NULL)
    status = CARE_SYNC_STATUS_SIGNED_OUT;
  pending_total = pending;

  switch (status)
    {
    case CARE_SYNC_STATUS_SYNCING:
      spinning = TRUE;
      if (care_sync_engine_get_progress_has_more (self->engine))
        text = g_strdup_printf (ngettext ("Syncing… %u record", "Syncing… %u records",
                                          care_sync_engine_get_progress_applied (self->engine)),
                                care_sync_engine_get_progress_applied (self->engine));
      else
        text = g_strdup (_ ("Syncing…"));
      detail = g_strdup (_ ("Sending your changes and fetching the team’s."));
      break;
    case CARE_SYNC_STATUS_OFFLINE:
      icon = "network-offline-symbolic";
      text = pending > 0 ? g_strdup_printf (ngettext ("Offline, %u change waiting",
                                                      "Offline, %u changes waiting", pending),
                                            pending)
                         : g_strdup (_ ("Offline"));
      detail = g_strdup (_ (
          "The server cannot be reached. You can keep working: changes are kept on this computer "
          "and sent when the connection is back."));
      break;
    case CARE_SYNC_STATUS_SIGNED_OUT:
      icon = "avatar-default-symbolic";
      text = g_strdup (_ ("Not signed in"));
      if (pending_total > 0)
        detail = g_strdup_printf (
            ngettext ("Sign in to a server in Preferences to share your work with the team. "
                      "%u change is kept on this computer until then.",
                      "Sign in to a server in Preferences to share your work with the team. "
                      "%u changes are kept on this computer until then.",
                      pending_total),
            pending_total);
      else
        detail =
            g_strdup (_ ("Sign in to a server in Preferences to share your work with the team."));
      break;
    case CARE_SYNC_STATUS_ERROR:
      icon = "dialog-warning-symbolic";
      text = g_strdup (_ ("Sync problem"));
      detail = g_strdup (care_sync_engine_get_last_error (self->engine) != NULL
                             ? care_sync_engine_get_last_error (self->engine)
                             : _ ("The last sync did not finish; it will be tried again."));
      break;
    case CARE_SYNC_STATUS_IDLE:
    default:
      if (pending > 0)
        text = g_strdup_printf (ngettext ("%u change waiting", "%u changes waiting", pending),
                                pending);
      else
        text = g_strdup (_ ("Synced"));
      detail = g_strdup (_ ("Everything is up to date with the server."));
      break;
    }

  /* Conflicts trump everything: they wait for the user. */
  if (conflicts > 0)
    {
      icon = "dialog-warning-symbolic";
      g_free (text);
      text = g_strdup_printf (ngettext ("%u conflict", "%u conflicts", conflicts), conflicts);
    }
  else if (rejected > 0 && status != CARE_SYNC_STATUS_SYNCING)
    {
      icon = "dialog-warning-symbolic";
      g_free (text);
      text = g_strdup_printf (ngettext ("%u change refused", "%u changes refused", rejected),
                              rejected);
    }

  if (last != NULL)
    {
      g_autofree char *iso = g_date_time_format_iso8601 (last);
      g_autofree char *when = care_format_datetime (iso);
      last_text = g_strdup_printf (_ ("Last synced %s"), when);
    }

  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_spinner_set_spinning (self->spinner, spinning);
  gtk_stack_set_visible_child_name (self->icon_stack, spinning ? "spinner" : "icon");
  gtk_label_set_text (self->label, text);
  gtk_label_set_text (self->detail_label, detail);
  gtk_label_set_text (self->last_sync_label, last_text != NULL ? last_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->last_sync_label), last_text != NULL);
  gtk_widget_set_visible (self->conflicts_button, conflicts > 0);
  gtk_widget_set_visible (self->sign_in_button, status == CARE_SYNC_STATUS_SIGNED_OUT);
  gtk_widget_set_visible (self->sync_button, status != CARE_SYNC_STATUS_SIGNED_OUT);
  gtk_widget_set_sensitive (self->sync_button, status != CARE_SYNC_STATUS_SYNCING);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  text, -1);

  if (rejected != self->shown_rejected)
    {
      self->shown_rejected = rejected;
      fill_rejected (self);
    }
}

static void
engine_notify_cb (CareSyncEngine *engine, GParamSpec *pspec, CareSyncIndicator *self)
{
  update (self);
}

static void
sync_now_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareSyncIndicator *self = CARE_SYNC_INDICATOR (widget);

  gtk_menu_button_popdown (self->button);
  care_sync_engine_sync_soon (self->engine);
}

static void
sync_conflicts_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareSyncIndicator *self = CARE_SYNC_INDICATOR (widget);
  GtkWindow         *window = GTK_WINDOW (gtk_widget_get_root (widget));

  gtk_menu_button_popdown (self->button);
  gtk_window_present (GTK_WINDOW (care_conflicts_dialog_new (window, self->engine)));
}

static void
care_sync_indicator_dispose (GObject *object)
{
  CareSyncIndicator *self = CARE_SYNC_INDICATOR (object);

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_SYNC_INDICATOR);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (care_sync_indicator_parent_class)->dispose (object);
}

static void
care_sync_indicator_class_init (CareSyncIndicatorClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_sync_indicator_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/sync/care-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, icon_stack);
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, icon);
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, spinner);
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, label);
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, detail_label);
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, last_sync_label);
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, rejected_list);
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, conflicts_button);
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, CareSyncIndicator, sync_button);

  gtk_widget_class_install_action (widget_class, "sync.now", NULL, sync_now_cb);
  gtk_widget_class_install_action (widget_class, "sync.conflicts", NULL, sync_conflicts_cb);
}

static void
care_sync_indicator_init (CareSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_sync_indicator_new (CareSyncEngine *engine)
{
  CareSyncIndicator *self = g_object_new (CARE_TYPE_SYNC_INDICATOR, NULL);

  self->engine = g_object_ref (engine);
  g_signal_connect (engine, "notify", G_CALLBACK (engine_notify_cb), self);
  fill_rejected (self);
  update (self);

  return GTK_WIDGET (self);
}
