/* care-maintenance-plan-dialog.c: creates or edits a product's maintenance plan.
 *
 * The plan's form (every N weeks, months or years; how many visits; first
 * visit and optional end) is the shared record editor; below it, the
 * plan's visits: those already booked with their appointment's day and
 * status, overdue ones flagged (care_maintenance_overdue_query()), and
 * those the plan as typed would still book. Saving stores the plan and
 * books the missing visits (care_maintenance_plan_generate()).
 *
 * What editing does follows the core: visits already booked stay as they
 * are (dispatch may have moved them by hand), so a new interval or first
 * day applies only to visits not booked yet, and more visits book the
 * extra ones. Fewer visits or an earlier end do not cancel booked ones:
 * the list shows them as outside the plan, to cancel in the agenda. */
#define G_LOG_DOMAIN "care-maintenance-plan-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "care-clock.h"
#include "care-format.h"
#include "care-maintenance-plan-dialog.h"
#include "care-maintenance.h"
#include "care-record-editor.h"
#include "care-view.h"
#include "care-workflow.h"

/* As many links as a plan can have visits (the schema's limit). */
#define MAX_VISITS 520

struct _CareMaintenancePlanDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkBox *content;

  /* Owned references */
  CareStore  *store;
  GPtrArray  *visit_rows;  /* GtkWidget, borrowed from visits_group */
  GHashTable *booked;      /* visit number → appointment (CareRecord) */
  GHashTable *overdue_ids; /* appointment id (owned) of overdue visits */
  guint       last_linked; /* the highest visit number with a link */

  /* Borrowed references */
  CareRecordEditor    *editor;
  AdwPreferencesGroup *visits_group;
};

G_DEFINE_FINAL_TYPE (CareMaintenancePlanDialog, care_maintenance_plan_dialog, ADW_TYPE_WINDOW)

static const char *const plan_fields[] = { "title",         "interval_count", "interval_unit",
                                           "visits",        "start_date",     "end_date",
                                           "technician_id", "notes",          NULL };

static GtkWidget *
tag (const char *text, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
add_visit_row (CareMaintenancePlanDialog *self,
               guint                      number,
               const char                *day,
               const char                *status,
               gboolean                   overdue,
               gboolean                   outside)
{
  /* TRANSLATORS: a maintenance visit in a plan: "Visit 2: 3/12/26" */
  g_autofree char *title = g_strdup_printf (_ ("Visit %u: %s"), number, day);
  GtkWidget       *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), status);
  if (overdue)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag (_ ("Overdue"), "error"));
  else if (outside)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag (_ ("Outside the plan"), "warning"));
  adw_preferences_group_add (self->visits_group, row);
  g_ptr_array_add (self->visit_rows, row);
}

/* The plan's booked visits and which of them are overdue, from the store:
 * read when the dialog opens and after saving, not as the form changes. */
static void
load_visits (CareMaintenancePlanDialog *self)
{
  CareRecord *plan = care_record_editor_get_record (self->editor);
  g_autoptr (CareQuery) links_query =
      care_maintenance_plan_visits_query (care_record_get_id (plan));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) links =
      care_store_find (self->store, links_query, 0, MAX_VISITS, NULL, &error);
  g_autoptr (GDateTime) now = care_clock_now_utc ();
  g_autoptr (CareQuery) overdue_query = care_maintenance_overdue_query (now);
  g_autoptr (GPtrArray) overdue = NULL;

  g_hash_table_remove_all (self->booked);
  g_hash_table_remove_all (self->overdue_ids);
  self->last_linked = 0;

  care_query_add_string (overdue_query, "product_id", CARE_QUERY_EQ,
                         care_record_get_string (plan, "product_id"));
  if (links != NULL)
    overdue = care_store_find (self->store, overdue_query, 0, MAX_VISITS, NULL, &error);
  if (error != NULL)
    care_view_show_error (self, NULL, error);
  for (guint i = 0; overdue != NULL && i < overdue->len; i++)
    g_hash_table_add (self->overdue_ids,
                      g_strdup (care_record_get_id (g_ptr_array_index (overdue, i))));

  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      CareRecord *link = g_ptr_array_index (links, i);
      guint       number = (guint) care_record_get_int (link, "visit_number", 0);
      CareRecord *appointment =
          care_view_load_record (self, self->store, care_schema_entity (CARE_ENTITY_APPOINTMENT),
                                 care_record_get_string (link, "appointment_id"));

      if (appointment != NULL)
        g_hash_table_insert (self->booked, GUINT_TO_POINTER (number), appointment);
      else
        g_hash_table_remove (self->booked, GUINT_TO_POINTER (number));
      self->last_linked = MAX (self->last_linked, number);
    }
}

/* The visits of the plan as it stands in the form. */
static void
update_visits (CareMaintenancePlanDialog *self)
{
  CareRecord *plan = care_record_editor_get_record (self->editor);
  g_autoptr (GPtrArray) dates = care_maintenance_plan_dates (plan);
  g_autoptr (GError) invalid = NULL;
  guint last = MAX (dates->len, self->last_linked);

  for (guint i = 0; i < self->visit_rows->len; i++)
    adw_preferences_group_remove (self->visits_group, g_ptr_array_index (self->visit_rows, i));
  g_ptr_array_set_size (self->visit_rows, 0);

  for (guint number = 1; number <= last; number++)
    {
      CareRecord *appointment = g_hash_table_lookup (self->booked, GUINT_TO_POINTER (number));

      if (appointment != NULL)
        {
          g_autofree char *day =
              care_format_datetime (care_record_get_string (appointment, "start_at"));
          g_autofree char *status = care_format_record_field (appointment, "status");

          add_visit_row (
              self, number, day, status,
              g_hash_table_contains (self->overdue_ids, care_record_get_id (appointment)),
              number > dates->len);
        }
      else if (number <= dates->len)
        {
          g_autofree char *iso = care_date_to_iso (g_ptr_array_index (dates, number - 1));
          g_autofree char *day = care_format_date (iso);

          add_visit_row (self, number, day, _ ("Booked when you save"), FALSE, FALSE);
        }
    }

  if (self->visit_rows->len > 0)
    adw_preferences_group_set_description (self->visits_group, NULL);
  else if (!care_record_validate (plan, NULL, &invalid))
    adw_preferences_group_set_description (self->visits_group, invalid->message);
  else
    adw_preferences_group_set_description (
        self->visits_group,
        _ ("Set the interval, the number of visits and the first visit to see the dates."));
}

static void
editor_changed_cb (CareRecordEditor *editor, GParamSpec *pspec, CareMaintenancePlanDialog *self)
{
  update_visits (self);
}

static void
plan_save_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareMaintenancePlanDialog *self = CARE_MAINTENANCE_PLAN_DIALOG (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  guint            n_created = 0;

  if (!care_record_editor_save (self->editor, &error))
    return;

  if (!care_maintenance_plan_generate (self->store, care_record_editor_get_record (self->editor),
                                       &n_created, &error))
    {
      /* The plan is saved; saving again retries the booking. */
      care_record_editor_show_problem (self->editor, NULL, error->message);
      load_visits (self);
      update_visits (self);
      return;
    }

  if (n_created > 0)
    message = g_strdup_printf (
        ngettext ("Plan saved, %u visit booked", "Plan saved, %u visits booked", n_created),
        n_created);
  else
    message = g_strdup (_ ("Plan saved, no new visits to book"));
  care_view_add_toast (self, adw_toast_new (message));
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
plan_cancel_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  gtk_window_destroy (GTK_WINDOW (widget));
}

static void
care_maintenance_plan_dialog_dispose (GObject *object)
{
  CareMaintenancePlanDialog *self = CARE_MAINTENANCE_PLAN_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_MAINTENANCE_PLAN_DIALOG);
  g_clear_object (&self->store);
  g_clear_pointer (&self->visit_rows, g_ptr_array_unref);
  g_clear_pointer (&self->booked, g_hash_table_unref);
  g_clear_pointer (&self->overdue_ids, g_hash_table_unref);

  G_OBJECT_CLASS (care_maintenance_plan_dialog_parent_class)->dispose (object);
}

static void
care_maintenance_plan_dialog_class_init (CareMaintenancePlanDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_maintenance_plan_dialog_dispose;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/customers/care-maintenance-plan-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CareMaintenancePlanDialog, content);

  gtk_widget_class_install_action (widget_class, "plan.save", NULL, plan_save_cb);
  gtk_widget_class_install_action (widget_class, "plan.cancel", NULL, plan_cancel_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "plan.save",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "plan.cancel", NULL);
}

static void
care_maintenance_plan_dialog_init (CareMaintenancePlanDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->visit_rows = g_ptr_array_new ();
  self->booked = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->overdue_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* The product's plan, or a new one with the usual monthly rhythm. */
static CareRecord *
load_or_new_plan (CareStore *store, CareRecord *product, GError **error)
{
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_MAINTENANCE_PLAN));
  g_autoptr (GPtrArray) plans = NULL;
  g_autoptr (GDateTime) tomorrow = NULL;
  g_autoptr (GDateTime) now = care_clock_now_utc ();
  g_autofree char *start = NULL;
  g_autofree char *title = NULL;
  CareRecord      *plan;

  care_query_add_string (q, "product_id", CARE_QUERY_EQ, care_record_get_id (product));
  plans = care_store_find (store, q, 0, 1, NULL, error);
  if (plans == NULL)
    return NULL;
  if (plans->len > 0)
    return g_object_ref (g_ptr_array_index (plans, 0));

  tomorrow = g_date_time_add_days (now, 1);
  start = g_date_time_format (tomorrow, "%Y-%m-%d");
  /* TRANSLATORS: the default title of a maintenance plan; %s is a product */
  title = g_strdup_printf (_ ("Maintenance of %s"), care_record_get_string (product, "name"));
  plan = care_record_new (care_schema_entity (CARE_ENTITY_MAINTENANCE_PLAN));
  care_record_set_string (plan, "product_id", care_record_get_id (product));
  care_record_set_string (plan, "title", title);
  care_record_set_string (plan, "interval_unit", "month");
  care_record_set_int (plan, "interval_count", 1);
  care_record_set_int (plan, "visits", 4);
  care_record_set_string (plan, "start_date", start);
  return plan;
}

/**
 * care_maintenance_plan_dialog_new:
 * @product_id: the product the plan is for; its plan is edited if it has one
 *
 * Returns: (nullable): the dialog, for the caller to present, or %NULL
 * when the product cannot be read.
 */
CareMaintenancePlanDialog *
care_maintenance_plan_dialog_new (GtkWindow  *parent,
                                  CareStore  *store,
                                  const char *product_id,
                                  GError    **error)
{
  CareMaintenancePlanDialog *self;
  g_autoptr (CareRecord) product = NULL;
  g_autoptr (CareRecord) plan = NULL;
  g_autoptr (CareQuery) technicians = care_query_new (care_schema_entity (CARE_ENTITY_STAFF));
  GtkWidget *visits;

  product = care_store_load (store, care_schema_entity (CARE_ENTITY_PRODUCT), product_id, error);
  if (product == NULL)
    return NULL;
  plan = load_or_new_plan (store, product, error);
  if (plan == NULL)
    return NULL;

  self = g_object_new (CARE_TYPE_MAINTENANCE_PLAN_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->editor = CARE_RECORD_EDITOR (care_record_editor_new (store, plan, plan_fields));
  care_query_add_string (technicians, "role", CARE_QUERY_EQ, "technician");
  care_record_editor_set_ref_query (self->editor, "technician_id", technicians);
  gtk_box_append (self->content, GTK_WIDGET (self->editor));

  visits = adw_preferences_group_new ();
  self->visits_group = ADW_PREFERENCES_GROUP (visits);
  adw_preferences_group_set_title (self->visits_group, _ ("Visits"));
  gtk_box_append (self->content, visits);

  /* TRANSLATORS: the window title, e.g. "Maintenance Plan for Boiler X200" */
  {
    g_autofree char *title =
        g_strdup_printf (_ ("Maintenance Plan for %s"), care_record_get_string (product, "name"));
    gtk_window_set_title (GTK_WINDOW (self), title);
  }

  g_signal_connect_object (self->editor, "notify::valid", G_CALLBACK (editor_changed_cb), self, 0);
  load_visits (self);
  update_visits (self);
  care_record_editor_focus_first (self->editor);
  return self;
}
