/* care-overview.c: the first page: a welcome when the store is empty, the
 * day's figures otherwise. Every figure is one indexed COUNT query. */
#define G_LOG_DOMAIN "care-overview"

#include "config.h"

#include <glib/gi18n.h>

#include "care-overview.h"
#include "care-warranty.h"

struct _CareOverview
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkStack     *stack;
  AdwActionRow *customers_row;
  AdwActionRow *products_row;
  AdwActionRow *active_row;
  AdwActionRow *expiring_row;
  AdwActionRow *cases_row;
  AdwActionRow *visits_row;
  AdwActionRow *training_row;

  /* Owned references */
  CareContext *context;
  guint        refresh_id;
};

static void view_iface_init (CareViewInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CareOverview, care_overview, ADW_TYPE_BIN, G_IMPLEMENT_INTERFACE (CARE_TYPE_VIEW, view_iface_init))

enum
{
  PROP_0,
  PROP_CONTEXT,
};

static void
set_count (AdwActionRow *row,
           guint         count)
{
  GtkWidget       *label = g_object_get_data (G_OBJECT (row), "count-label");
  g_autofree char *text = g_strdup_printf ("%'u", count);

  if (label == NULL)
    {
      label = gtk_label_new (NULL);
      gtk_widget_add_css_class (label, "numeric");
      gtk_widget_add_css_class (label, "title-4");
      adw_action_row_add_suffix (row, label);
      g_object_set_data (G_OBJECT (row), "count-label", label);
    }

  gtk_label_set_text (GTK_LABEL (label), text);
}

static guint
count (CareOverview *self,
       CareQuery    *query)
{
  g_autoptr (GError) error = NULL;
  guint n = care_store_count (care_context_get_store (self->context), query, &error);

  if (error != NULL)
    g_warning ("Could not count %s: %s", care_query_get_entity (query)->name, error->message);
  return n;
}

static CareQuery *
query (const char *entity)
{
  return care_query_new (care_schema_lookup (entity));
}

static char *
date_string (GDateTime  *dt,
             const char *format)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (dt);
  return g_date_time_format (utc, format);
}

static gboolean
refresh (gpointer user_data)
{
  CareOverview *self = user_data;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) in_week = g_date_time_add_days (now, 7);
  g_autoptr (GDateTime) in_month = g_date_time_add_days (now, 30);
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *month = g_date_time_format (in_month, "%Y-%m-%d");
  g_autofree char *now_utc = date_string (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *week_utc = date_string (in_week, "%Y-%m-%dT%H:%M:%SZ");
  const char      *open_statuses[] = { "open", "in_progress", "waiting", NULL };
  g_autoptr (CareQuery) customers = query ("customer");
  g_autoptr (CareQuery) products = query ("product");
  g_autoptr (CareQuery) active = query ("warranty");
  g_autoptr (CareQuery) expiring = query ("warranty");
  g_autoptr (CareQuery) cases = query ("service_case");
  g_autoptr (CareQuery) visits = query ("appointment");
  g_autoptr (CareQuery) training = query ("training_session");
  guint n_customers;

  self->refresh_id = 0;

  n_customers = count (self, customers);
  gtk_stack_set_visible_child_name (self->stack, n_customers == 0 ? "welcome" : "summary");
  if (n_customers == 0)
    return G_SOURCE_REMOVE;

  care_query_add_string (active, "start_date", CARE_QUERY_LE, today);
  care_query_add_string (active, "end_date", CARE_QUERY_GE, today);
  care_query_add_string (expiring, "end_date", CARE_QUERY_GE, today);
  care_query_add_string (expiring, "end_date", CARE_QUERY_LT, month);
  care_query_add_in (cases, "status", open_statuses);
  care_query_add_string (visits, "status", CARE_QUERY_EQ, "planned");
  care_query_add_string (visits, "start_at", CARE_QUERY_GE, now_utc);
  care_query_add_string (visits, "start_at", CARE_QUERY_LT, week_utc);
  care_query_add_string (training, "start_at", CARE_QUERY_GE, now_utc);

  set_count (self->customers_row, n_customers);
  set_count (self->products_row, count (self, products));
  set_count (self->active_row, count (self, active));
  set_count (self->expiring_row, count (self, expiring));
  set_count (self->cases_row, count (self, cases));
  set_count (self->visits_row, count (self, visits));
  set_count (self->training_row, count (self, training));

  return G_SOURCE_REMOVE;
}

/* Bursts of changes (a sync page, a bulk load) give one refresh. */
static void
store_changed_cb (CareStore    *store,
                  const char   *entity,
                  const char   *id,
                  CareOverview *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add (200, refresh, self);
}

static void
care_overview_constructed (GObject *object)
{
  CareOverview *self = CARE_OVERVIEW (object);

  G_OBJECT_CLASS (care_overview_parent_class)->constructed (object);

  g_signal_connect_object (care_context_get_store (self->context), "changed", G_CALLBACK (store_changed_cb), self,
                           0);
  refresh (self);
}

static void
care_overview_dispose (GObject *object)
{
  CareOverview *self = CARE_OVERVIEW (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_OVERVIEW);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (care_overview_parent_class)->dispose (object);
}

static void
care_overview_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CareOverview *self = CARE_OVERVIEW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_overview_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CareOverview *self = CARE_OVERVIEW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
view_iface_init (CareViewInterface *iface)
{
}

static void
care_overview_class_init (CareOverviewClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = care_overview_constructed;
  object_class->dispose = care_overview_dispose;
  object_class->get_property = care_overview_get_property;
  object_class->set_property = care_overview_set_property;

  g_object_class_override_property (object_class, PROP_CONTEXT, "context");

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/aftercare/Aftercare/overview/care-overview.ui");
  gtk_widget_class_bind_template_child (widget_class, CareOverview, stack);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, customers_row);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, products_row);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, active_row);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, expiring_row);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, cases_row);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, visits_row);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, training_row);
}

static void
care_overview_init (CareOverview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
