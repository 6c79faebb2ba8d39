/* care-conflicts-dialog.c: edits the server did not take, for the user to decide.
 *
 * One row per conflicting field: what it was, the value typed here and the
 * server's value, with "Keep Mine" and "Keep Theirs" (the EspoCRM dialog's
 * original / current / actual). The choice goes through the sync engine, so
 * "mine" becomes a new edit that syncs and "theirs" sends nothing. */
#define G_LOG_DOMAIN "care-conflicts-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "care-conflict.h"
#include "care-conflicts-dialog.h"
#include "care-format.h"

struct _CareConflictsDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkStack           *stack;
  AdwPreferencesPage *page;

  /* Borrowed references */
  GPtrArray *groups; /* AdwPreferencesGroup in the page */

  /* Owned references */
  CareSyncEngine *engine;
};

G_DEFINE_FINAL_TYPE (CareConflictsDialog, care_conflicts_dialog, ADW_TYPE_WINDOW)

static void reload (CareConflictsDialog *self);

static char *
describe (CareConflict *conflict, GVariant *value)
{
  const CareField *field = care_conflict_get_field (conflict) != NULL
                               ? care_entity_lookup_field (care_conflict_get_entity (conflict),
                                                           care_conflict_get_field (conflict))
                               : NULL;

  if (value == NULL)
    return g_strdup (_ ("(empty)"));
  if (field == NULL)
    return g_variant_print (value, FALSE);
  return care_format_value (field, value);
}

static void
choose (GtkButton *button, CareConflictChoice choice)
{
  CareConflictsDialog *self = CARE_CONFLICTS_DIALOG (gtk_widget_get_root (GTK_WIDGET (button)));
  gint64               id = *(gint64 *) g_object_get_data (G_OBJECT (button), "conflict-id");
  g_autoptr (GError) error = NULL;

  if (!care_sync_engine_resolve_conflict (self->engine, id, choice, &error))
    {
      AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
          GTK_WINDOW (self), _ ("The Conflict Could Not Be Resolved"), error->message));
      adw_message_dialog_add_response (dialog, "close", _ ("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  reload (self);
}

static void
mine_clicked_cb (GtkButton *button, gpointer user_data)
{
  choose (button, CARE_CONFLICT_KEEP_MINE);
}

static void
theirs_clicked_cb (GtkButton *button, gpointer user_data)
{
  choose (button, CARE_CONFLICT_KEEP_THEIRS);
}

static GtkWidget *
choice_button (const char *label, gint64 id, GCallback callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);
  gint64    *stored = g_new (gint64, 1);

  *stored = id;
  g_object_set_data_full (G_OBJECT (button), "conflict-id", stored, g_free);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect (button, "clicked", callback, NULL);
  return button;
}

static GtkWidget *
conflict_row (CareConflict *conflict)
{
  GtkWidget       *row = adw_action_row_new ();
  GtkWidget       *mine = choice_button (_ ("Keep _Mine"), care_conflict_get_id (conflict),
                                         G_CALLBACK (mine_clicked_cb));
  GtkWidget       *theirs = choice_button (_ ("Keep _Theirs"), care_conflict_get_id (conflict),
                                           G_CALLBACK (theirs_clicked_cb));
  const char      *field_name = care_conflict_get_field (conflict);
  const CareField *field =
      field_name != NULL
          ? care_entity_lookup_field (care_conflict_get_entity (conflict), field_name)
          : NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  if (care_conflict_get_kind (conflict) == CARE_CONFLICT_FIELD && field != NULL)
    {
      g_autofree char *base = describe (conflict, care_conflict_get_base_value (conflict));
      g_autofree char *local = describe (conflict, care_conflict_get_local_value (conflict));
      g_autofree char *server = describe (conflict, care_conflict_get_server_value (conflict));

      title = g_strdup (care_field_label (field));
      /* TRANSLATORS: the three values of a conflicting field */
      subtitle = g_strdup_printf (_ ("Yours: %s\nServer: %s\nBefore: %s"), local, server, base);
    }
  else
    {
      title = g_strdup (care_conflict_get_message (conflict) != NULL
                            ? care_conflict_get_message (conflict)
                            : _ ("Changed on both sides"));
      subtitle = g_strdup ("");
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), mine);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), theirs);
  return row;
}

static void
reload (CareConflictsDialog *self)
{
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GError) error = NULL;
  AdwPreferencesGroup *group = NULL;
  const char          *group_record = NULL;

  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (self->page, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);

  conflicts = care_conflict_list (care_sync_engine_get_store (self->engine), &error);
  if (conflicts == NULL)
    {
      g_warning ("Could not list conflicts: %s", error->message);
      conflicts = g_ptr_array_new ();
    }

  /* One group per record, in the order the store lists them. */
  for (guint i = 0; i < conflicts->len; i++)
    {
      CareConflict *c = g_ptr_array_index (conflicts, i);

      if (group == NULL || g_strcmp0 (group_record, care_conflict_get_record_id (c)) != 0)
        {
          g_autofree char *description = g_strdup_printf (
              "%s", g_dgettext (GETTEXT_PACKAGE, care_conflict_get_entity (c)->label));
          group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
          adw_preferences_group_set_title (
              group, care_conflict_get_title (c) != NULL ? care_conflict_get_title (c) : "");
          adw_preferences_group_set_description (group, description);
          adw_preferences_page_add (self->page, group);
          g_ptr_array_add (self->groups, group);
          group_record = care_conflict_get_record_id (c);
        }

      adw_preferences_group_add (group, conflict_row (c));
    }

  gtk_stack_set_visible_child_name (self->stack, conflicts->len > 0 ? "list" : "empty");
}

static void
care_conflicts_dialog_dispose (GObject *object)
{
  CareConflictsDialog *self = CARE_CONFLICTS_DIALOG (object);

  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (care_conflicts_dialog_parent_class)->dispose (object);
}

static void
care_conflicts_dialog_class_init (CareConflictsDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_conflicts_dialog_dispose;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/sync/care-conflicts-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CareConflictsDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, CareConflictsDialog, page);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
care_conflicts_dialog_init (CareConflictsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->groups = g_ptr_array_new ();
}

CareConflictsDialog *
care_conflicts_dialog_new (GtkWindow *parent, CareSyncEngine *engine)
{
  CareConflictsDialog *self =
      g_object_new (CARE_TYPE_CONFLICTS_DIALOG, "transient-for", parent, NULL);

  self->engine = g_object_ref (engine);
  reload (self);
  return self;
}
