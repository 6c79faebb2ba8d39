/* care-window.c: the main window: a sidebar of views beside the current one. */
#define G_LOG_DOMAIN "care-window"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "care-demo.h"
#include "care-sync-indicator.h"
#include "care-view.h"
#include "care-window.h"
#include "appointments/care-appointments-view.h"
#include "cases/care-cases-view.h"
#include "customers/care-customers-view.h"
#include "overview/care-overview.h"
#include "training/care-training-view.h"
#include "warranties/care-warranties-view.h"

typedef struct
{
  const char *name;
  const char *title; /* N_() */
  const char *icon_name;
  GType (*get_type) (void);
} ViewInfo;

/* The sidebar, in order; Alt+1… follow it. */
static const ViewInfo views[] = {
  { "overview", N_ ("Today"), "view-grid-symbolic", care_overview_get_type },
  { "customers", N_ ("Customers"), "system-users-symbolic", care_customers_view_get_type },
  { "warranties", N_ ("Warranties"), "security-high-symbolic", care_warranties_view_get_type },
  { "cases", N_ ("Service Cases"), "applications-engineering-symbolic", care_cases_view_get_type },
  { "appointments", N_ ("Appointments"), "x-office-calendar-symbolic",
    care_appointments_view_get_type },
  { "training", N_ ("Training"), "x-office-presentation-symbolic", care_training_view_get_type },
};

struct _CareWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkStack        *main_stack;
  AdwStatusPage   *error_page;
  AdwLeaflet      *leaflet;
  GtkListBox      *sidebar_list;
  AdwHeaderBar    *sidebar_header;
  GtkWidget       *content;
  AdwHeaderBar    *content_header;
  AdwWindowTitle  *content_title;
  GtkStack        *view_stack;

  /* Borrowed references */
  GtkWidget *header_start;
  GtkWidget *header_end;

  /* Owned references */
  CareContext  *context;
  GCancellable *cancellable;
};

static GtkWidget *get_view (CareWindow *self, const char *name);

G_DEFINE_FINAL_TYPE (CareWindow, care_window, ADW_TYPE_APPLICATION_WINDOW)

static const ViewInfo *
view_info (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    if (g_strcmp0 (views[i].name, name) == 0)
      return &views[i];
  return NULL;
}

static void
set_header_widgets (CareWindow *self, CareView *view)
{
  if (self->header_start != NULL)
    adw_header_bar_remove (self->content_header, self->header_start);
  if (self->header_end != NULL)
    adw_header_bar_remove (self->content_header, self->header_end);

  self->header_start = care_view_get_header_start (view);
  self->header_end = care_view_get_header_end (view);

  if (self->header_start != NULL)
    adw_header_bar_pack_start (self->content_header, self->header_start);
  if (self->header_end != NULL)
    adw_header_bar_pack_end (self->content_header, self->header_end);
}

static void
show_view (CareWindow *self, const char *name)
{
  const ViewInfo *info = view_info (name);
  GtkWidget      *view;
  GtkListBoxRow  *row;

  if (info == NULL)
    {
      g_warning ("No view named %s", name);
      return;
    }

  view = get_view (self, name);
  gtk_stack_set_visible_child (self->view_stack, view);
  adw_window_title_set_title (self->content_title, _ (info->title));
  set_header_widgets (self, CARE_VIEW (view));

  row = gtk_list_box_get_row_at_index (self->sidebar_list, (int) (info - views));
  if (gtk_list_box_get_selected_row (self->sidebar_list) != row)
    gtk_list_box_select_row (self->sidebar_list, row);

  g_settings_set_string (care_context_get_settings (self->context), "last-view", name);
}

static void
sidebar_row_activated_cb (GtkListBox *list, GtkListBoxRow *row, CareWindow *self)
{
  show_view (self, views[gtk_list_box_row_get_index (row)].name);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static GtkWidget *
sidebar_row (const ViewInfo *info, guint index)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (_ (info->title));

  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (info->icon_name));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_name (row, info->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ (info->title), -1);

  if (index < 9)
    {
      /* TRANSLATORS: a tooltip naming the shortcut of a sidebar entry, e.g. "Alt+1" */
      g_autofree char *tip = g_strdup_printf (_ ("Alt+%u"), index + 1);
      gtk_widget_set_tooltip_text (row, tip);
    }

  return row;
}

/* Only the sidebar: a view is built when it is first shown, so a start
 * reads the one list it opens on, not every list of a big store. */
static void
build_sidebar (CareWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    gtk_list_box_append (self->sidebar_list, sidebar_row (&views[i], i));
}

/* The view named @name, built on first use, or %NULL for an unknown name
 * or a window without a store. */
static GtkWidget *
get_view (CareWindow *self, const char *name)
{
  const ViewInfo *info = view_info (name);
  GtkWidget      *view;

  if (info == NULL || self->context == NULL)
    return NULL;

  view = gtk_stack_get_child_by_name (self->view_stack, name);
  if (view == NULL)
    {
      view = g_object_new (info->get_type (), "context", self->context, NULL);
      gtk_stack_add_named (self->view_stack, view, name);
    }
  return view;
}

static void
forward_to_view (CareWindow *self, const char *action)
{
  GtkWidget *view = gtk_stack_get_visible_child (self->view_stack);

  if (view != NULL)
    gtk_widget_activate_action (view, action, NULL);
}

static void
win_new_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  forward_to_view (CARE_WINDOW (widget), "view.new");
}

static void
win_find_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  forward_to_view (CARE_WINDOW (widget), "view.find");
}

/* The agenda's Alt+←, Alt+→ and Alt+Home work wherever the focus is, as
 * the other shortcuts do: a view only sees keys while it holds the focus. */
static void
win_previous_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  forward_to_view (CARE_WINDOW (widget), "view.previous");
}

static void
win_next_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  forward_to_view (CARE_WINDOW (widget), "view.next");
}

static void
win_today_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  forward_to_view (CARE_WINDOW (widget), "view.today");
}

static void
win_back_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  adw_leaflet_navigate (CARE_WINDOW (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
open_view (CareWindow *self, const char *name)
{
  GtkWidget *focus;

  show_view (self, name);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);

  /* The keyboard follows into the view (Alt+N, a link), not onto the
   * header's buttons, unless the focus is in it already. */
  focus = gtk_root_get_focus (GTK_ROOT (self));
  if (focus == NULL ||
      !gtk_widget_is_ancestor (focus, gtk_stack_get_visible_child (self->view_stack)))
    gtk_widget_child_focus (gtk_stack_get_visible_child (self->view_stack), GTK_DIR_TAB_FORWARD);
}

/* Shows the view whose entity is @entity with the record @id open in it;
 * %FALSE when no view shows that entity. */
static gboolean
show_record (CareWindow *self, const char *entity, const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      g_autoptr (GTypeClass) klass = g_type_class_ref (views[i].get_type ());
      GtkWidget *view;

      if (g_strcmp0 (care_view_class_get_entity (CARE_VIEW_CLASS (klass)), entity) != 0)
        continue;

      view = get_view (self, views[i].name);
      if (view == NULL)
        return FALSE;
      open_view (self, views[i].name);
      care_view_show_record (CARE_VIEW (view), id);
      return TRUE;
    }

  return FALSE;
}

/* By position in the sidebar, for Alt+1 to Alt+9. */
static void
win_show_view_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  guint index = g_variant_get_uint32 (param);

  if (index < G_N_ELEMENTS (views))
    open_view (CARE_WINDOW (widget), views[index].name);
}

/* By name, for links to a view from another one. */
static void
win_open_view_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  const char *name = g_variant_get_string (param, NULL);

  if (view_info (name) != NULL)
    open_view (CARE_WINDOW (widget), name);
}

/* By name: the view, and its "New" form, for "Add a Customer" on the
 * welcome page. */
static void
win_new_in_view_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareWindow *self = CARE_WINDOW (widget);
  const char *name = g_variant_get_string (param, NULL);

  if (view_info (name) == NULL || get_view (self, name) == NULL)
    return;
  open_view (self, name);
  forward_to_view (self, "view.new");
}

/* (view, filter): for links from a summary to the list of what it counts. */
static void
win_show_filtered_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareWindow *self = CARE_WINDOW (widget);
  const char *name, *filter;
  GtkWidget  *view;

  g_variant_get (param, "(&s&s)", &name, &filter);
  view = get_view (self, name);
  if (view == NULL)
    return;
  open_view (self, name);
  care_view_show_filter (CARE_VIEW (view), filter);
}

/* (entity, id): for links to a record from a view, a notification or a
 * toast; the view that shows the entity opens it. */
static void
win_show_record_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  const char *entity, *id;

  g_variant_get (param, "(&s&s)", &entity, &id);
  if (!show_record (CARE_WINDOW (widget), entity, id))
    g_warning ("No view shows %s records", entity);
}

static void
demo_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CareWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  guint64          n = 0;
  g_autofree char *message = NULL;

  if (!care_demo_fill_finish (CARE_STORE (source), result, &n, &error))
    {
      if (!care_store_error_is_cancelled (error))
        {
          message = g_strdup_printf (_ ("Demo data could not be loaded: %s"), error->message);
          care_view_add_toast (self, adw_toast_new (message));
        }
      return;
    }

  if (n > 0)
    {
      message = g_strdup_printf (ngettext ("Demo data loaded: %" PRIu64 " record",
                                           "Demo data loaded: %" PRIu64 " records", (gulong) n),
                                 n);
      care_view_add_toast (self, adw_toast_new (message));
    }
}

/* Fills an empty store with demo data in the background; a store that
 * already has customers is left alone. */
void
care_window_load_demo (CareWindow *self, guint n_customers)
{
  g_return_if_fail (CARE_IS_WINDOW (self));

  if (self->context == NULL)
    return;

  care_demo_fill_async (care_context_get_store (self->context), n_customers, self->cancellable,
                        demo_loaded_cb, g_object_ref (self));
}

static void
win_load_demo_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  care_window_load_demo (CARE_WINDOW (widget), 200);
}

/* The shortcuts window is built when asked for and destroyed when closed,
 * not kept hidden the way GTK keeps a "gtk/help-overlay.ui" (which is why
 * the resource has another name). GTK 4.8 answers an assistive
 * technology's GetChildAtIndex past the visible windows with the last
 * toplevel, shown or not, and crashes when that one is hidden: a screen
 * reader that asks just as a dialog closes took the app down. With no
 * hidden toplevel kept, the last one is always a shown window. */
static void
win_show_help_overlay_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  g_autoptr (GtkBuilder) builder = NULL;
  GtkWindow *shortcuts;

  builder =
      gtk_builder_new_from_resource ("/io/github/aftercare/Aftercare/care-shortcuts-window.ui");
  shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  gtk_window_set_title (shortcuts, _ ("Keyboard Shortcuts"));
  gtk_window_set_transient_for (shortcuts, GTK_WINDOW (widget));
  gtk_window_set_modal (shortcuts, TRUE);
  gtk_window_present (shortcuts);
}

static void
care_window_dispose (GObject *object)
{
  CareWindow *self = CARE_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_WINDOW);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (care_window_parent_class)->dispose (object);
}

static void
care_window_class_init (CareWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/aftercare/Aftercare/care-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CareWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, sidebar_header);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, content);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, content_header);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, CareWindow, view_stack);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.new", NULL, win_new_cb);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, win_find_cb);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, win_back_cb);
  gtk_widget_class_install_action (widget_class, "win.previous", NULL, win_previous_cb);
  gtk_widget_class_install_action (widget_class, "win.next", NULL, win_next_cb);
  gtk_widget_class_install_action (widget_class, "win.today", NULL, win_today_cb);
  gtk_widget_class_install_action (widget_class, "win.show-view", "u", win_show_view_cb);
  gtk_widget_class_install_action (widget_class, "win.open-view", "s", win_open_view_cb);
  gtk_widget_class_install_action (widget_class, "win.show-record", "(ss)", win_show_record_cb);
  gtk_widget_class_install_action (widget_class, "win.new-in-view", "s", win_new_in_view_cb);
  gtk_widget_class_install_action (widget_class, "win.show-filtered", "(ss)", win_show_filtered_cb);
  gtk_widget_class_install_action (widget_class, "win.load-demo", NULL, win_load_demo_cb);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL,
                                   win_show_help_overlay_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.previous",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "win.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_ALT_MASK, "win.today", NULL);
  for (guint i = 0; i < 9; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK, "win.show-view",
                                         "u", i);
}

/* Below this width the views' sidebar folds away even where a view could
 * squeeze in beside it: a list and its detail need the room more than the
 * views' names do, and every view then folds alike. */
#define SIDEBAR_FOLD_WIDTH 720

static void
width_changed_cb (GObject *object, GParamSpec *pspec, gpointer data)
{
  CareWindow *self = CARE_WINDOW (object);
  int         width = 0, height = 0;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  adw_leaflet_set_can_unfold (self->leaflet, width <= 0 || width >= SIDEBAR_FOLD_WIDTH);
}

static void
care_window_init (CareWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self, "notify::default-width", G_CALLBACK (width_changed_cb), NULL);

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

CareWindow *
care_window_new (CareApplication *application, CareContext *context, const GError *open_error)
{
  CareWindow      *self = g_object_new (CARE_TYPE_WINDOW, "application", application, NULL);
  g_autofree char *last = NULL;

  if (context == NULL)
    {
      /* Nothing works without the store: say why instead of a broken window. */
      adw_status_page_set_description (self->error_page,
                                       open_error != NULL ? open_error->message : NULL);
      gtk_stack_set_visible_child_name (self->main_stack, "error");
      return self;
    }

  self->context = g_object_ref (context);

  /* The window comes back at the size the user left it. */
  g_settings_bind (care_context_get_settings (context), "window-width", self, "default-width",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (care_context_get_settings (context), "window-height", self, "default-height",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (care_context_get_settings (context), "window-maximized", self, "maximized",
                   G_SETTINGS_BIND_DEFAULT);

  build_sidebar (self);
  adw_header_bar_pack_start (self->sidebar_header,
                             care_sync_indicator_new (care_context_get_sync (context)));
  gtk_stack_set_visible_child_name (self->main_stack, "main");

  last = g_settings_get_string (care_context_get_settings (context), "last-view");
  show_view (self, view_info (last) != NULL ? last : views[0].name);

  return self;
}
