/* care-view.c: the base of every view in the window's sidebar, and what the
 * window asks of it.
 *
 * The base holds what every view needs and none should write again: the
 * context, the header buttons' wiring, and the way a message reaches the
 * user. It knows nothing of the window: toasts find the window's toast
 * overlay through the widget tree, and records in other views are opened
 * through the "win.show-record" action. */
#define G_LOG_DOMAIN "care-view"

#include "config.h"

#include "care-toast-log.h"
#include "care-view.h"

typedef struct
{
  CareContext *context;    /* owned */
  AdwToast    *last_toast; /* weak: the view's last plain toast still up */
} CareViewPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (CareView, care_view, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Helpers */

static AdwToastOverlay *
window_toast_overlay (GtkWindow *window)
{
  GtkWidget *content;

  if (ADW_IS_APPLICATION_WINDOW (window))
    content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  else if (ADW_IS_WINDOW (window))
    content = adw_window_get_content (ADW_WINDOW (window));
  else
    content = gtk_window_get_child (window);

  return ADW_IS_TOAST_OVERLAY (content) ? ADW_TOAST_OVERLAY (content) : NULL;
}

/* The toast overlay around @widget; for a widget in a dialog without one,
 * the overlay of the window the dialog belongs to. */
static AdwToastOverlay *
find_toast_overlay (GtkWidget *widget)
{
  GtkWidget *ancestor = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  GtkRoot   *root = gtk_widget_get_root (widget);
  GtkWindow *window = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;

  if (ancestor != NULL)
    return ADW_TOAST_OVERLAY (ancestor);

  for (; window != NULL; window = gtk_window_get_transient_for (window))
    {
      AdwToastOverlay *overlay = window_toast_overlay (window);

      if (overlay != NULL)
        return overlay;
    }

  return NULL;
}

/* The button sits in the window's header bar, outside the view: the
 * action is looked up from the view. */
static void
header_button_clicked_cb (GtkButton *button, CareView *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self),
                              g_object_get_data (G_OBJECT (button), "care-view-action"), NULL);
}

/* GObject */

static void
care_view_dispose (GObject *object)
{
  CareViewPrivate *priv = care_view_get_instance_private (CARE_VIEW (object));

  g_clear_weak_pointer (&priv->last_toast);
  g_clear_object (&priv->context);

  G_OBJECT_CLASS (care_view_parent_class)->dispose (object);
}

static void
care_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CareViewPrivate *priv = care_view_get_instance_private (CARE_VIEW (object));

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, priv->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CareViewPrivate *priv = care_view_get_instance_private (CARE_VIEW (object));

  switch (prop_id)
    {
    case PROP_CONTEXT:
      priv->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* libadwaita 1.2 cuts a preferences group's title to one line ("Garanties
 * expirant dans les 30 prochains…"); a heading wraps instead. The title's
 * label is the group's own, the one "heading" label in its header (a
 * detail may set the title after the view is shown). */
static void
wrap_group_titles (GtkWidget *widget)
{
  if (ADW_IS_PREFERENCES_GROUP (widget))
    {
      GtkWidget *w = gtk_widget_get_first_child (widget);

      while (w != NULL)
        {
          if (GTK_IS_LABEL (w) && gtk_widget_has_css_class (w, "heading"))
            {
              gtk_label_set_ellipsize (GTK_LABEL (w), PANGO_ELLIPSIZE_NONE);
              gtk_label_set_wrap (GTK_LABEL (w), TRUE);
              gtk_label_set_wrap_mode (GTK_LABEL (w), PANGO_WRAP_WORD_CHAR);
              break;
            }
          /* Depth first through the group's header, not into its rows. */
          if (gtk_widget_get_first_child (w) != NULL && !GTK_IS_LIST_BOX (w))
            w = gtk_widget_get_first_child (w);
          else
            {
              while (w != widget && gtk_widget_get_next_sibling (w) == NULL)
                w = gtk_widget_get_parent (w);
              w = w == widget ? NULL : gtk_widget_get_next_sibling (w);
            }
        }
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    wrap_group_titles (c);
}

static void
care_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (care_view_parent_class)->map (widget);
  /* On each map: details fill their groups after the view is built. */
  wrap_group_titles (widget);
}

static void
care_view_class_init (CareViewClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->map = care_view_map;

  object_class->dispose = care_view_dispose;
  object_class->get_property = care_view_get_property;
  object_class->set_property = care_view_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, CARE_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_view_init (CareView *self)
{
}

/* Public API */

/**
 * care_view_class_set_entity:
 * @entity: the schema name of the entity whose records the view shows
 *
 * Makes the view the home of @entity: "win.show-record" for that entity
 * shows this view and calls its show_record().
 */
void
care_view_class_set_entity (CareViewClass *klass, const char *entity)
{
  g_return_if_fail (CARE_IS_VIEW_CLASS (klass));

  klass->entity = g_intern_string (entity);
}

const char *
care_view_class_get_entity (CareViewClass *klass)
{
  g_return_val_if_fail (CARE_IS_VIEW_CLASS (klass), NULL);

  return klass->entity;
}

CareContext *
care_view_get_context (CareView *self)
{
  CareViewPrivate *priv;

  g_return_val_if_fail (CARE_IS_VIEW (self), NULL);

  priv = care_view_get_instance_private (self);
  return priv->context;
}

CareStore *
care_view_get_store (CareView *self)
{
  CareContext *context = care_view_get_context (self);

  return context != NULL ? care_context_get_store (context) : NULL;
}

/* The entity the view shows records of, or %NULL. */
const char *
care_view_get_entity (CareView *self)
{
  g_return_val_if_fail (CARE_IS_VIEW (self), NULL);

  return CARE_VIEW_GET_CLASS (self)->entity;
}

GtkWidget *
care_view_get_header_start (CareView *self)
{
  CareViewClass *klass;

  g_return_val_if_fail (CARE_IS_VIEW (self), NULL);

  klass = CARE_VIEW_GET_CLASS (self);
  return klass->get_header_start != NULL ? klass->get_header_start (self) : NULL;
}

GtkWidget *
care_view_get_header_end (CareView *self)
{
  CareViewClass *klass;

  g_return_val_if_fail (CARE_IS_VIEW (self), NULL);

  klass = CARE_VIEW_GET_CLASS (self);
  return klass->get_header_end != NULL ? klass->get_header_end (self) : NULL;
}

void
care_view_show_record (CareView *self, const char *id)
{
  CareViewClass *klass;

  g_return_if_fail (CARE_IS_VIEW (self));
  g_return_if_fail (id != NULL);

  klass = CARE_VIEW_GET_CLASS (self);
  if (klass->show_record != NULL)
    klass->show_record (self, id);
}

/**
 * care_view_name_row:
 * @child: the widget a list item factory set as a #GtkListItem's child
 * @label: what a screen reader says for the row
 *
 * Names the row of a list view, the node screen readers walk. GTK 4.8 has
 * no accessible properties on #GtkListItem; the row widget is @child's
 * parent once the item is set up, and @child itself before.
 */
void
care_view_name_row (GtkWidget *child, const char *label)
{
  GtkWidget *row;

  g_return_if_fail (GTK_IS_WIDGET (child));

  row = gtk_widget_get_parent (child);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row != NULL ? row : child),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label != NULL ? label : "", -1);
}

/**
 * care_view_name_drop_down:
 * @label: what the drop-down chooses, e.g. "Technician"
 *
 * Gives the button inside @dropdown the name the drop-down has: GTK 4.8
 * leaves it unnamed, and screen readers then say "GtkToggleButton".
 */
void
care_view_name_drop_down (GtkDropDown *dropdown, const char *label)
{
  g_return_if_fail (GTK_IS_DROP_DOWN (dropdown));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (dropdown)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
}

/**
 * care_view_show_filter:
 * @filter: a name the view knows (e.g. "case-age-2")
 *
 * Shows the view's list narrowed to exactly the rows a summary elsewhere
 * counts, for links from those summaries ("win.show-filtered"). A view
 * that does not know @filter shows its list as it is.
 */
void
care_view_show_filter (CareView *self, const char *filter)
{
  CareViewClass *klass;

  g_return_if_fail (CARE_IS_VIEW (self));
  g_return_if_fail (filter != NULL);

  klass = CARE_VIEW_GET_CLASS (self);
  if (klass->show_filter != NULL)
    klass->show_filter (self, filter);
  else
    g_warning ("%s has no filter %s", G_OBJECT_TYPE_NAME (self), filter);
}

/**
 * care_view_new_header_button:
 * @label: what a screen reader says, e.g. "New Warranty"
 * @tooltip: the tooltip, with the shortcut, e.g. "New Warranty (Ctrl+N)"
 * @action_name: the action the button activates on the view, e.g. "view.new"
 *
 * Returns: (transfer full): a button for the window's header bar, owned by
 *   the caller (it lives in the header bar only while the view is shown).
 */
GtkWidget *
care_view_new_header_button (CareView   *self,
                             const char *icon_name,
                             const char *label,
                             const char *tooltip,
                             const char *action_name)
{
  GtkWidget *button;

  g_return_val_if_fail (CARE_IS_VIEW (self), NULL);

  button = g_object_ref_sink (gtk_button_new_from_icon_name (icon_name));
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  g_object_set_data_full (G_OBJECT (button), "care-view-action", g_strdup (action_name), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (header_button_clicked_cb), self, 0);
  return button;
}

/**
 * care_view_dispose_template:
 * @view_type: the type whose template to dispose
 *
 * What a view's dispose calls instead of gtk_widget_dispose_template(): the
 * template's root widget is also the bin's child, and disposing the template
 * unparents it behind AdwBin's back, which would leave the bin holding a
 * freed child.
 */
void
care_view_dispose_template (CareView *self, GType view_type)
{
  g_return_if_fail (CARE_IS_VIEW (self));

  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), view_type);
}

/**
 * care_view_bind_list:
 * @model: (transfer none): the rows
 * @setup_cb: the factory's "setup" handler; it gets the view as user data
 * @bind_cb: the factory's "bind" handler, likewise
 *
 * Shows @model in @list_view the way every view's list works: one row at
 * most selected, none at first, and the selection may be cleared; see
 * care_view_keep_selection() for keeping it across reloads.
 *
 * Returns: (transfer full): the selection over @model that @list_view shows
 */
/* How far down a reloaded list the kept row is looked for. */
#define KEEP_SCAN_LIMIT 500

/* What keeps a list's selection across a reload: a store change (an edit,
 * a workflow step, a sync) reloads the whole list, which removes every row
 * and with it the selection. */
typedef struct
{
  GtkSingleSelection *selection; /* unowned: it owns this */
  char               *id;        /* the selected record's */
  gboolean            changing;  /* inside the model's items-changed */
  gboolean            restoring; /* selecting the kept row again */
  gboolean            enabled;   /* see care_view_keep_selection() */
  guint               settle_id; /* holds a reference on the selection */
} KeptSelection;

static void
kept_selection_free (gpointer data)
{
  KeptSelection *kept = data;

  g_free (kept->id);
  g_free (kept);
}

static void
kept_selected_cb (GtkSingleSelection *selection, GParamSpec *pspec, KeptSelection *kept)
{
  gpointer item = gtk_single_selection_get_selected_item (selection);

  /* A row the list lost while it changed is kept; one the user or the
   * view unselected is not. */
  if (item == NULL && kept->changing)
    return;
  g_free (kept->id);
  kept->id = CARE_IS_RECORD (item) ? g_strdup (care_record_get_id (item)) : NULL;
}

/* Runs before the selection sees the change. */
static void
kept_items_changing_cb (
    GListModel *model, guint position, guint removed, guint added, GtkSingleSelection *selection)
{
  KeptSelection *kept = g_object_get_data (G_OBJECT (selection), "care-kept-selection");

  kept->changing = TRUE;
}

/* Once the list has settled: a kept row that did not come back is lost,
 * and the view hears of it as of any unselection (its detail empties). */
static gboolean
kept_settled_cb (gpointer user_data)
{
  GtkSingleSelection *selection = user_data;
  KeptSelection      *kept = g_object_get_data (G_OBJECT (selection), "care-kept-selection");

  kept->settle_id = 0;
  if (kept->id != NULL &&
      gtk_single_selection_get_selected (selection) == GTK_INVALID_LIST_POSITION)
    {
      g_clear_pointer (&kept->id, g_free);
      g_object_notify (G_OBJECT (selection), "selected-item");
    }
  return G_SOURCE_REMOVE;
}

/* Runs after it: the kept record selected again where it is now. A reload
 * removes every row, then adds the new ones: the first half only waits. */
static void
kept_items_changed_cb (
    GListModel *model, guint position, guint removed, guint added, GtkSingleSelection *selection)
{
  KeptSelection *kept = g_object_get_data (G_OBJECT (selection), "care-kept-selection");
  guint          n;

  kept->changing = FALSE;
  if (!kept->enabled || kept->id == NULL ||
      gtk_single_selection_get_selected (kept->selection) != GTK_INVALID_LIST_POSITION)
    return;

  n = added > 0 ? MIN (g_list_model_get_n_items (model), KEEP_SCAN_LIMIT) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (model, i);

      if (CARE_IS_RECORD (item) &&
          g_strcmp0 (care_record_get_id (CARE_RECORD (item)), kept->id) == 0)
        {
          kept->restoring = TRUE;
          gtk_single_selection_set_selected (kept->selection, i);
          kept->restoring = FALSE;
          return;
        }
    }

  if (kept->settle_id == 0)
    kept->settle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, kept_settled_cb,
                                       g_object_ref (selection), g_object_unref);
}

GtkSingleSelection *
care_view_bind_list (CareView    *self,
                     GtkListView *list_view,
                     GListModel  *model,
                     GCallback    setup_cb,
                     GCallback    bind_cb)
{
  GtkSingleSelection *selection;
  GtkListItemFactory *factory;

  g_return_val_if_fail (CARE_IS_VIEW (self), NULL);
  g_return_val_if_fail (GTK_IS_LIST_VIEW (list_view), NULL);

  KeptSelection *kept = g_new0 (KeptSelection, 1);

  selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  kept->selection = selection;
  g_object_set_data_full (G_OBJECT (selection), "care-kept-selection", kept, kept_selection_free);
  /* Around the selection's own handler: it connects when given the model. */
  g_signal_connect_object (model, "items-changed", G_CALLBACK (kept_items_changing_cb), selection,
                           0);
  gtk_single_selection_set_model (selection, model);
  g_signal_connect_object (model, "items-changed", G_CALLBACK (kept_items_changed_cb), selection,
                           0);
  g_signal_connect (selection, "notify::selected-item", G_CALLBACK (kept_selected_cb), kept);
  gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", setup_cb, self, 0);
  g_signal_connect_object (factory, "bind", bind_cb, self, 0);
  gtk_list_view_set_factory (list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (list_view, GTK_SELECTION_MODEL (selection));

  return selection;
}

/**
 * care_view_keep_selection:
 * @selection: a selection from care_view_bind_list()
 *
 * Keeps the selected row selected when the list reloads (an edit, a
 * workflow step, a sync), as long as its record is among the first rows
 * of the list. The customers list keeps its own: a search there reloads
 * at every key, and must not read rows to look for it.
 */
void
care_view_keep_selection (GtkSingleSelection *selection)
{
  KeptSelection *kept = g_object_get_data (G_OBJECT (selection), "care-kept-selection");

  g_return_if_fail (kept != NULL);

  kept->enabled = TRUE;
}

/**
 * care_view_selection_is_restoring:
 * @selection: a selection from care_view_bind_list()
 *
 * Whether @selection changes only because its list reloads: it loses its
 * row as the old rows go, and selects it again as the new ones come. A
 * view leaves its detail as it is then (its store handler refreshes it)
 * and does not move (a narrow window stays on the list being read).
 */
gboolean
care_view_selection_is_restoring (GtkSingleSelection *selection)
{
  KeptSelection *kept = g_object_get_data (G_OBJECT (selection), "care-kept-selection");

  return kept != NULL && (kept->restoring || kept->changing);
}

/* The window a view (or any widget in it) is shown in, for dialogs. */
GtkWindow *
care_view_get_window (gpointer widget)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (widget));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/**
 * care_view_add_toast:
 * @widget: a widget in the window, or in a dialog over it
 * @toast: (transfer floating): the toast
 *
 * Shows @toast in the window. From a view (or a widget in one), a newer
 * toast replaces the view's last one rather than queueing behind it: a queue
 * of stale outcomes would tell the story late. A toast with a button (an
 * undo) is never replaced, so the button stays in reach.
 */
void
care_view_add_toast (gpointer widget, AdwToast *toast)
{
  AdwToastOverlay *overlay;
  GtkWidget       *view;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (ADW_IS_TOAST (toast));

  overlay = find_toast_overlay (GTK_WIDGET (widget));
  if (overlay == NULL)
    {
      g_object_unref (g_object_ref_sink (toast));
      return;
    }

  view = CARE_IS_VIEW (widget) ? widget : gtk_widget_get_ancestor (widget, CARE_TYPE_VIEW);
  if (view != NULL)
    {
      CareViewPrivate *priv = care_view_get_instance_private (CARE_VIEW (view));

      if (priv->last_toast != NULL && adw_toast_get_button_label (priv->last_toast) == NULL)
        adw_toast_dismiss (priv->last_toast);
      g_set_weak_pointer (&priv->last_toast, toast);
    }

  care_toast_log (toast);
  adw_toast_overlay_add_toast (overlay, toast);
}

/**
 * care_view_load_record:
 * @widget: a widget in the window, where a failure is told
 * @id: (nullable): the record's id
 *
 * Loads a record to show. A record that no longer exists (or no @id) gives
 * %NULL quietly, for the caller to show as gone, as another device may
 * have deleted it; any other failure is told to the user as well.
 *
 * Returns: (transfer full) (nullable): the record
 */
CareRecord *
care_view_load_record (gpointer widget, CareStore *store, const CareEntity *entity, const char *id)
{
  g_autoptr (GError) error = NULL;
  CareRecord *record;

  if (id == NULL)
    return NULL;

  record = care_store_load (store, entity, id, &error);
  if (record == NULL && !g_error_matches (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND))
    care_view_show_error (widget, NULL, error);
  return record;
}

/**
 * care_view_show_error:
 * @what: (nullable): what failed, e.g. "Could not save"
 *
 * Tells the user that something failed and why, in a toast; a cancelled
 * operation is what the user asked for and is not shown.
 */
void
care_view_show_error (gpointer widget, const char *what, const GError *error)
{
  g_autofree char *message = NULL;

  g_return_if_fail (error != NULL);

  if (care_store_error_is_cancelled (error))
    return;

  message =
      what != NULL ? g_strdup_printf ("%s: %s", what, error->message) : g_strdup (error->message);
  care_view_add_toast (widget, adw_toast_new (message));
}
