/* care-sla-page.c: Preferences → Service Levels, for admins.
 *
 * The policies, the working calendars they count in and the company's
 * closures, each a synced entity: a row per record, edited in the usual
 * record editor and saved through the store, so that the change goes out
 * through the outbox like any other and every client and the server
 * compute the same timers. */
#define G_LOG_DOMAIN "care-sla-page"

#include "config.h"

#include <glib/gi18n.h>

#include "care-editor-dialog.h"
#include "care-format.h"
#include "care-sla-page.h"
#include "care-sla-text.h"

/* More rows than this in one group is a mistake in the data: say so
 * rather than build thousands of rows. */
#define MAX_ROWS 200

typedef struct
{
  CareEntityId       entity;
  const char        *title;
  const char        *description;
  const char        *add_label; /* the header button's accessible name */
  const char        *new_title;
  const char        *edit_title;
  const char        *empty;
  const char *const *fields;
} GroupInfo;

static const char *const policy_fields[] = { "name",
                                             "calendar_id",
                                             "warranty_kind",
                                             "priority",
                                             "channel",
                                             "first_response_minutes",
                                             "resolution_minutes",
                                             "disabled",
                                             NULL };
static const char *const calendar_fields[] = {
  "name",      "time_zone", "holidays", "optional_holidays", "monday", "tuesday",
  "wednesday", "thursday",  "friday",   "saturday",          "sunday", NULL
};
static const char *const closure_fields[] = { "calendar_id", "name", "start_date", "end_date",
                                              NULL };

enum
{
  GROUP_POLICIES,
  GROUP_CALENDARS,
  GROUP_CLOSURES,
  N_GROUPS
};

typedef struct
{
  CareSlaPage         *page; /* borrowed */
  const GroupInfo     *info;
  AdwPreferencesGroup *group;
  GPtrArray           *rows; /* borrowed: the rows this page added */
} Group;

struct _CareSlaPage
{
  AdwPreferencesPage parent_instance;

  /* Owned references */
  CareStore *store;
  Group      groups[N_GROUPS];
  guint      refresh_id;
};

G_DEFINE_FINAL_TYPE (CareSlaPage, care_sla_page, ADW_TYPE_PREFERENCES_PAGE)

static const GroupInfo group_infos[N_GROUPS] = {
  [GROUP_POLICIES] = { CARE_ENTITY_SLA_POLICY, N_ ("Policies"),
                       N_ ("What a case is promised: the most specific policy that matches a new "
                           "case applies to it"),
                       N_ ("Add policy"), N_ ("New Service Level Policy"),
                       N_ ("Edit Service Level Policy"),
                       N_ ("No policies: cases have no service level"), policy_fields },
  [GROUP_CALENDARS] = { CARE_ENTITY_WORKING_CALENDAR, N_ ("Working Calendars"),
                        N_ ("When the company works: targets count only these hours, never "
                            "public holidays"),
                        N_ ("Add working calendar"), N_ ("New Working Calendar"),
                        N_ ("Edit Working Calendar"),
                        N_ ("No working calendars: add one before the first policy"),
                        calendar_fields },
  [GROUP_CLOSURES] = { CARE_ENTITY_CALENDAR_CLOSURE, N_ ("Company Closures"),
                       N_ ("Days the company is closed beyond public holidays, such as a summer "
                           "break"),
                       N_ ("Add closure"), N_ ("New Company Closure"), N_ ("Edit Company Closure"),
                       N_ ("No closures"), closure_fields },
};

static GtkWindow *
parent_window (CareSlaPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_error (CareSlaPage *self, const GError *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root),
                                      adw_toast_new (error->message));
  else
    g_warning ("%s", error->message);
}

/* "Urgent · Phone · Standard warranty — first response 1 h, resolution 8 h" */
static char *
policy_subtitle (CareRecord *policy)
{
  g_autoptr (GString) text = g_string_new (NULL);
  static const char *const criteria[] = { "priority", "channel", "warranty_kind" };
  g_autofree char         *first = care_sla_text_duration (
              (gint64) care_record_get_int (policy, "first_response_minutes", 0) * 60);
  g_autofree char *resolution =
      care_sla_text_duration ((gint64) care_record_get_int (policy, "resolution_minutes", 0) * 60);

  for (guint i = 0; i < G_N_ELEMENTS (criteria); i++)
    {
      g_autofree char *value = care_format_record_field (policy, criteria[i]);

      if (value[0] == '\0')
        continue;
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append (text, value);
    }
  if (text->len == 0)
    g_string_append (text, _ ("Every case"));
  g_string_append (text, " — ");
  /* TRANSLATORS: a policy's targets in working time: "first response 1 h, resolution 8 h" */
  g_string_append_printf (text, _ ("first response %s, resolution %s"), first, resolution);
  if (care_record_get_bool (policy, "disabled"))
    g_string_append_printf (text, " — %s", _ ("not chosen for new cases"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* "Mon 09:00-18:00 · Portugal" */
static char *
calendar_subtitle (CareRecord *calendar)
{
  g_autoptr (GString) text = g_string_new (care_record_get_string (calendar, "time_zone"));
  g_autofree char *country = care_format_record_field (calendar, "holidays");
  const char      *monday = care_record_get_string (calendar, "monday");

  if (monday != NULL)
    /* TRANSLATORS: a working calendar's Monday hours: "Monday 09:00-18:00" */
    g_string_append_printf (text, " · %s", monday);
  if (country[0] != '\0')
    g_string_append_printf (text, " · %s", country);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
closure_subtitle (CareStore *store, CareRecord *closure)
{
  g_autofree char *first = care_format_record_field (closure, "start_date");
  g_autofree char *last = care_format_record_field (closure, "end_date");
  g_autofree char *calendar = care_format_record_reference (store, closure, "calendar_id");

  /* TRANSLATORS: a company closure: "1/8/2027 – 15/8/2027 · Lisbon office" */
  return g_strdup_printf (_ ("%s – %s · %s"), first, last, calendar != NULL ? calendar : "");
}

static char *
subtitle (Group *group, CareRecord *record)
{
  switch (group->info->entity)
    {
    case CARE_ENTITY_SLA_POLICY:
      return policy_subtitle (record);
    case CARE_ENTITY_WORKING_CALENDAR:
      return calendar_subtitle (record);
    default:
      return closure_subtitle (group->page->store, record);
    }
}

static void
open_editor (Group *group, CareRecord *record, gboolean is_new)
{
  CareEditorDialog *dialog = care_editor_dialog_new (
      parent_window (group->page), group->page->store, record, group->info->fields,
      _ (is_new ? group->info->new_title : group->info->edit_title));

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_clicked_cb (GtkButton *button, Group *group)
{
  g_autoptr (CareRecord) record = care_record_new (care_schema_entity (group->info->entity));

  /* What most companies mean by working hours; the admin changes them. */
  if (group->info->entity == CARE_ENTITY_WORKING_CALENDAR)
    {
      static const char *const weekdays[] = { "monday", "tuesday", "wednesday", "thursday",
                                              "friday" };
      g_autoptr (GTimeZone) local = g_time_zone_new_local ();
      const char *zone = g_time_zone_get_identifier (local);

      care_record_set_string (
          record, "time_zone",
          zone != NULL && g_strcmp0 (zone, "UTC") != 0 && zone[0] != ':' ? zone : "UTC");
      for (guint i = 0; i < G_N_ELEMENTS (weekdays); i++)
        care_record_set_string (record, weekdays[i], "09:00-18:00");
    }
  open_editor (group, record, TRUE);
}

static void
edit_clicked_cb (GtkButton *button, Group *group)
{
  const char *id = g_object_get_data (G_OBJECT (button), "id");
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) record =
      care_store_load (group->page->store, care_schema_entity (group->info->entity), id, &error);

  if (record == NULL)
    show_error (group->page, error);
  else
    open_editor (group, record, FALSE);
}

typedef struct
{
  Group *group;
  char  *id;
} RemoveData;

static void
remove_data_free (gpointer data, GClosure *closure)
{
  RemoveData *rd = data;

  g_free (rd->id);
  g_free (rd);
}

static void
remove_response_cb (AdwMessageDialog *dialog, const char *response, RemoveData *rd)
{
  g_autoptr (GError) error = NULL;

  if (g_str_equal (response, "remove") &&
      !care_store_delete (rd->group->page->store, care_schema_entity (rd->group->info->entity),
                          rd->id, &error))
    show_error (rd->group->page, error);
}

static void
remove_clicked_cb (GtkButton *button, Group *group)
{
  const char      *name = g_object_get_data (G_OBJECT (button), "name");
  RemoveData      *rd = g_new0 (RemoveData, 1);
  g_autofree char *heading = NULL;
  GtkWidget       *dialog;

  rd->group = group;
  rd->id = g_strdup (g_object_get_data (G_OBJECT (button), "id"));
  /* TRANSLATORS: %s is a service level policy, working calendar or closure */
  heading = g_strdup_printf (_ ("Remove “%s”?"), name);
  dialog = adw_message_dialog_new (
      parent_window (group->page), heading,
      group->info->entity == CARE_ENTITY_SLA_POLICY
          ? _ ("Open cases under this policy lose their timers. The change goes to every device.")
          : _ ("Timers are counted again without it on every device."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "remove",
                                    _ ("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (remove_response_cb), rd, remove_data_free,
                         0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
row_button (Group      *group,
            CareRecord *record,
            const char *icon,
            const char *tooltip,
            const char *a11y,
            GCallback   callback)
{
  GtkWidget  *button = gtk_button_new_from_icon_name (icon);
  const char *name = care_record_get_string (record, "name");

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  g_object_set_data_full (G_OBJECT (button), "id", g_strdup (care_record_get_id (record)), g_free);
  g_object_set_data_full (G_OBJECT (button), "name", g_strdup (name), g_free);
  g_signal_connect (button, "clicked", callback, group);
  return button;
}

static void
group_fill (Group *group)
{
  g_autoptr (CareQuery) query = care_query_new (care_schema_entity (group->info->entity));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) records = NULL;

  for (guint i = 0; i < group->rows->len; i++)
    adw_preferences_group_remove (group->group, g_ptr_array_index (group->rows, i));
  g_ptr_array_set_size (group->rows, 0);

  care_query_set_order (query, "name", FALSE);
  records = care_store_find (group->page->store, query, 0, MAX_ROWS, NULL, &error);
  if (records == NULL)
    {
      g_warning ("Could not read the service levels: %s", error->message);
      return;
    }

  for (guint i = 0; i < records->len; i++)
    {
      CareRecord      *record = g_ptr_array_index (records, i);
      GtkWidget       *row = adw_action_row_new ();
      g_autofree char *sub = subtitle (group, record);
      const char      *name = care_record_get_string (record, "name");
      /* TRANSLATORS: the accessible name of a button, %s is a record's name: "Edit Urgent cases" */
      g_autofree char *edit = g_strdup_printf (_ ("Edit %s"), name);
      /* TRANSLATORS: the accessible name of a button, %s is a record's name: "Remove Urgent cases" */
      g_autofree char *remove = g_strdup_printf (_ ("Remove %s"), name);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     care_record_get_string (record, "name"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button (group, record, "document-edit-symbolic", _ ("Edit"),
                                             edit, G_CALLBACK (edit_clicked_cb)));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button (group, record, "user-trash-symbolic", _ ("Remove"),
                                             remove, G_CALLBACK (remove_clicked_cb)));
      adw_preferences_group_add (group->group, row);
      g_ptr_array_add (group->rows, row);
    }

  if (records->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ (group->info->empty));
      gtk_widget_add_css_class (row, "dim-label");
      adw_preferences_group_add (group->group, row);
      g_ptr_array_add (group->rows, row);
    }
}

static gboolean
refresh_cb (gpointer user_data)
{
  CareSlaPage *self = user_data;

  self->refresh_id = 0;
  for (guint i = 0; i < N_GROUPS; i++)
    group_fill (&self->groups[i]);
  return G_SOURCE_REMOVE;
}

/* A sync page or an edit elsewhere: one refresh for a burst. */
static void
store_changed_cb (CareStore *store, const char *entity, const char *id, CareSlaPage *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add (100, refresh_cb, self);
}

static void
group_init (CareSlaPage *self, Group *group, const GroupInfo *info)
{
  GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");

  group->page = self;
  group->info = info;
  group->rows = g_ptr_array_new ();
  group->group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group->group, _ (info->title));
  adw_preferences_group_set_description (group->group, _ (info->description));
  gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (add, "flat");
  gtk_widget_set_tooltip_text (add, _ (info->add_label));
  gtk_accessible_update_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ (info->add_label), -1);
  g_signal_connect (add, "clicked", G_CALLBACK (add_clicked_cb), group);
  adw_preferences_group_set_header_suffix (group->group, add);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), group->group);
}

static void
care_sla_page_dispose (GObject *object)
{
  CareSlaPage *self = CARE_SLA_PAGE (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  for (guint i = 0; i < N_GROUPS; i++)
    g_clear_pointer (&self->groups[i].rows, g_ptr_array_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (care_sla_page_parent_class)->dispose (object);
}

static void
care_sla_page_class_init (CareSlaPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = care_sla_page_dispose;
}

static void
care_sla_page_init (CareSlaPage *self)
{
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (self), _ ("Service Levels"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (self), "alarm-symbolic");
  for (guint i = 0; i < N_GROUPS; i++)
    group_init (self, &self->groups[i], &group_infos[i]);
}

CareSlaPage *
care_sla_page_new (CareStore *store)
{
  static const char *const watched[] = { "sla_policy", "working_calendar", "calendar_closure" };
  CareSlaPage             *self;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);

  self = g_object_new (CARE_TYPE_SLA_PAGE, NULL);
  self->store = g_object_ref (store);
  for (guint i = 0; i < G_N_ELEMENTS (watched); i++)
    {
      g_autofree char *signal = g_strconcat ("changed::", watched[i], NULL);

      g_signal_connect_object (store, signal, G_CALLBACK (store_changed_cb), self, 0);
    }
  refresh_cb (self);
  return self;
}
