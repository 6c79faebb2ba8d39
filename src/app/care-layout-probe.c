/* care-layout-probe.c: reports cut text in the real window, for the UI tests only.
 *
 * Off unless AFTERCARE_LAYOUT_PROBE names a file. Then animations are off
 * (so that a leaflet has folded when the window has its new size), the
 * title buttons are GNOME's, and each
 * SIGUSR1 writes that file, replacing it at once, with one JSON object:
 *
 *   {"window": {"width", "height", "min-width"}, "toast": shown or not,
 *    "widest": ["Type#id min-width", ...] (what holds the window wide),
 *    "labels": n, "clipped": [{"text", "why", "path", "classes",
 *                               "tooltip", "width", "height",
 *                               "text-width", "text-height"}, ...]}
 *
 * A label counts as clipped when what it draws is less than its text:
 *   - "ellipsized": Pango replaced part of its text with "…" (the layout
 *     says so itself, after the label was allocated);
 *   - "too narrow" or "too short": its laid out text (at the width the
 *     label was given) is wider or taller than its allocation;
 *   - "outside <Type>": its allocation reaches beyond a container it is
 *     in, up to the nearest scrollable container (what lies beyond a
 *     scrolled window's edge is reached by scrolling, not cut).
 * This reads the toolkit's own layouts, so it is exact in every language;
 * the accessibility tree's extents only tell the allocation, not the
 * width the text needs. Only mapped labels count: what is on screen. */
#define G_LOG_DOMAIN "care-layout-probe"

#include "config.h"

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <signal.h>

#include "care-layout-probe.h"

typedef struct
{
  GtkApplication *app; /* unowned: lives as long as the process */
  char           *path;
  GdkFrameClock  *clock;    /* unowned: the window's, while a report waits */
  gulong          paint_id; /* a report waits for the next frame */
} Probe;

static gboolean
stops_clipping_walk (GtkWidget *ancestor)
{
  return GTK_IS_SCROLLED_WINDOW (ancestor) || GTK_IS_SCROLLABLE (ancestor) ||
         GTK_IS_NATIVE (ancestor);
}

/* The ancestor whose edge cuts @label, or NULL. */
static GtkWidget *
clipping_ancestor (GtkWidget *label)
{
  for (GtkWidget *a = gtk_widget_get_parent (label); a != NULL; a = gtk_widget_get_parent (a))
    {
      graphene_rect_t b;

      if (stops_clipping_walk (a))
        return NULL;
      if (!gtk_widget_compute_bounds (label, a, &b))
        continue;
      if (b.origin.x < -1 || b.origin.y < -1 ||
          b.origin.x + b.size.width > gtk_widget_get_width (a) + 1 ||
          b.origin.y + b.size.height > gtk_widget_get_height (a) + 1)
        return a;
    }
  return NULL;
}

/* Where the label is, outermost first: each ancestor that is one of
 * Aftercare's own widgets or has an id in its .ui file. */
static char *
label_path (GtkWidget *label)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  for (GtkWidget *w = label; w != NULL; w = gtk_widget_get_parent (w))
    {
      const char *type = G_OBJECT_TYPE_NAME (w);
      const char *id =
          GTK_IS_BUILDABLE (w) ? gtk_buildable_get_buildable_id (GTK_BUILDABLE (w)) : NULL;

      if (id != NULL)
        g_ptr_array_add (parts, g_strdup_printf ("%s#%s", type, id));
      else if (g_str_has_prefix (type, "Care") || w == label)
        g_ptr_array_add (parts, g_strdup (type));
    }
  for (guint i = parts->len; i > 0; i--)
    g_string_append_printf (out, "%s%s", i < parts->len ? " > " : "", (char *) parts->pdata[i - 1]);
  return g_string_free (out, FALSE);
}

static char *
label_classes (GtkWidget *label)
{
  g_auto (GStrv) classes = gtk_widget_get_css_classes (label);

  return g_strjoinv (" ", classes);
}

/* A tooltip on the label or the row or button around it: the full text is
 * then one hover away. */
static gboolean
has_tooltip (GtkWidget *label)
{
  GtkWidget *w = label;

  for (int i = 0; i < 4 && w != NULL; i++, w = gtk_widget_get_parent (w))
    if (gtk_widget_get_tooltip_text (w) != NULL || gtk_widget_get_tooltip_markup (w) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static void
check_label (GtkWidget *label, JsonBuilder *clipped, guint *n_labels)
{
  const char      *text = gtk_label_get_text (GTK_LABEL (label));
  int              width = gtk_widget_get_width (label);
  int              height = gtk_widget_get_height (label);
  PangoLayout     *layout;
  PangoRectangle   logical;
  GtkWidget       *cut_by;
  g_autofree char *why = NULL;

  if (text == NULL || is_blank (text) || width <= 0 || height <= 0)
    return;
  (*n_labels)++;
  layout = gtk_label_get_layout (GTK_LABEL (label));
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  if (pango_layout_is_ellipsized (layout))
    why = g_strdup ("ellipsized");
  else if (logical.width > width + 1)
    why = g_strdup ("too narrow");
  else if (logical.height > height + 1)
    why = g_strdup ("too short");
  else if ((cut_by = clipping_ancestor (label)) != NULL)
    why = g_strdup_printf ("outside %s", G_OBJECT_TYPE_NAME (cut_by));
  if (why == NULL)
    return;

  {
    g_autofree char *path = label_path (label);
    g_autofree char *classes = label_classes (label);

    json_builder_begin_object (clipped);
    json_builder_set_member_name (clipped, "text");
    json_builder_add_string_value (clipped, text);
    json_builder_set_member_name (clipped, "why");
    json_builder_add_string_value (clipped, why);
    json_builder_set_member_name (clipped, "path");
    json_builder_add_string_value (clipped, path);
    json_builder_set_member_name (clipped, "classes");
    json_builder_add_string_value (clipped, classes);
    json_builder_set_member_name (clipped, "tooltip");
    json_builder_add_boolean_value (clipped, has_tooltip (label));
    json_builder_set_member_name (clipped, "width");
    json_builder_add_int_value (clipped, width);
    json_builder_set_member_name (clipped, "height");
    json_builder_add_int_value (clipped, height);
    json_builder_set_member_name (clipped, "text-width");
    json_builder_add_int_value (clipped, logical.width);
    json_builder_set_member_name (clipped, "text-height");
    json_builder_add_int_value (clipped, logical.height);
    json_builder_end_object (clipped);
  }
}

static void
walk (GtkWidget *widget, JsonBuilder *clipped, guint *n_labels, gboolean *toast)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget))
    check_label (widget, clipped, n_labels);
  /* libadwaita's toast widget is private: known by its name only. */
  if (g_str_equal (G_OBJECT_TYPE_NAME (widget), "AdwToastWidget"))
    *toast = TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    walk (c, clipped, n_labels, toast);
}

/* What holds the window wide: from the window down, each time the mapped
 * child that needs the most width, with that width. */
static void
add_widest_chain (JsonBuilder *b, GtkWidget *window)
{
  json_builder_begin_array (b);
  for (GtkWidget *w = window; w != NULL;)
    {
      GtkWidget  *widest = NULL;
      int         widest_min = -1, min = 0;
      const char *id =
          GTK_IS_BUILDABLE (w) ? gtk_buildable_get_buildable_id (GTK_BUILDABLE (w)) : NULL;
      g_autofree char *part = NULL;

      gtk_widget_measure (w, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      part =
          g_strdup_printf ("%s%s%s %d", G_OBJECT_TYPE_NAME (w), id ? "#" : "", id ? id : "", min);
      json_builder_add_string_value (b, part);
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
           c = gtk_widget_get_next_sibling (c))
        {
          if (!gtk_widget_get_mapped (c) || GTK_IS_NATIVE (c))
            continue;
          gtk_widget_measure (c, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
          if (min > widest_min)
            widest = c, widest_min = min;
        }
      w = widest;
    }
  json_builder_end_array (b);
}

static void
write_report (Probe *self)
{
  GtkWindow *window = gtk_application_get_active_window (self->app);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  guint            n_labels = 0;
  gboolean         toast = FALSE;
  int              min_width = 0;

  json_builder_begin_object (b);
  if (window != NULL)
    {
      gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL,
                          NULL, NULL);
      json_builder_set_member_name (b, "window");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "width");
      json_builder_add_int_value (b, gtk_widget_get_width (GTK_WIDGET (window)));
      json_builder_set_member_name (b, "height");
      json_builder_add_int_value (b, gtk_widget_get_height (GTK_WIDGET (window)));
      json_builder_set_member_name (b, "min-width");
      json_builder_add_int_value (b, min_width);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "widest");
      add_widest_chain (b, GTK_WIDGET (window));
    }
  json_builder_set_member_name (b, "clipped");
  json_builder_begin_array (b);
  if (window != NULL)
    walk (GTK_WIDGET (window), b, &n_labels, &toast);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "labels");
  json_builder_add_int_value (b, n_labels);
  json_builder_set_member_name (b, "toast");
  json_builder_add_boolean_value (b, toast);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  if (!g_file_set_contents (self->path, json, -1, &error))
    g_warning ("Could not write the layout report: %s", error->message);
}

static void
after_paint_cb (GdkFrameClock *clock, Probe *self)
{
  g_clear_signal_handler (&self->paint_id, self->clock);
  self->clock = NULL;
  write_report (self);
}

/* The report describes what a frame has laid out and painted: a label whose
 * text changed since is measured at its new size, not its old. */
static gboolean
report_cb (gpointer data)
{
  Probe     *self = data;
  GtkWindow *window = gtk_application_get_active_window (self->app);

  if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)))
    {
      write_report (self);
      return G_SOURCE_CONTINUE;
    }
  if (self->paint_id != 0)
    return G_SOURCE_CONTINUE;
  self->clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  self->paint_id = g_signal_connect (self->clock, "after-paint", G_CALLBACK (after_paint_cb), self);
  gtk_widget_queue_draw (GTK_WIDGET (window));
  return G_SOURCE_CONTINUE;
}

/* Without animations a leaflet folds at once when the window gets its new
 * width. The title buttons are GNOME's (its default button layout), not
 * the minimize and maximize buttons GTK shows where no desktop says. */
static void
startup_cb (GApplication *app, gpointer data)
{
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE,
                "gtk-decoration-layout", "appmenu:close", NULL);
}

void
care_layout_probe_install (GtkApplication *app)
{
  const char *path = g_getenv ("AFTERCARE_LAYOUT_PROBE");
  Probe      *self;

  if (path == NULL || path[0] == '\0')
    return;

  /* Freed with the process: the probe answers until the application quits. */
  self = g_new0 (Probe, 1);
  self->app = app;
  self->path = g_strdup (path);
  g_signal_connect_after (app, "startup", G_CALLBACK (startup_cb), NULL);
  g_unix_signal_add (SIGUSR1, report_cb, self);
}
