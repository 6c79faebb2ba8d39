/* care-chart.c: a small bar or line chart of one or two series, drawn in the widget's colors.
 *
 * The chart draws with the widget's foreground color and the theme's
 * accent, so it follows the light and dark styles; axis labels thin out
 * when the chart is too narrow to show them all. It is an image to
 * assistive technologies: the page that shows it gives it a name and a
 * description that says in words what the bars say. */
#define G_LOG_DOMAIN "care-chart"

#include "config.h"

#include <math.h>

#include "care-chart.h"

#define MAX_SERIES  2
#define PLOT_HEIGHT 120
#define LABEL_GAP   6
#define LEGEND_GAP  8

struct _CareChart
{
  GtkWidget parent_instance;

  CareChartMode mode;
  guint         n_points;
  guint         n_series;
  char        **labels;
  char        **series_names;
  double       *values; /* n_series rows of n_points; NAN is a gap */
  double        min;
  double        max; /* NAN: from the data */
};

G_DEFINE_FINAL_TYPE (CareChart, care_chart, GTK_TYPE_WIDGET)

/* Helpers */

static PangoLayout *
small_layout (CareChart *self, const char *text)
{
  PangoLayout   *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (0.8));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

static int
layout_height (CareChart *self)
{
  g_autoptr (PangoLayout) layout = small_layout (self, "0");
  int height;

  pango_layout_get_pixel_size (layout, NULL, &height);
  return height;
}

static void
get_colors (CareChart *self, GdkRGBA *fg, GdkRGBA *accent)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

  gtk_style_context_get_color (context, fg);
  if (!gtk_style_context_lookup_color (context, "accent_color", accent))
    *accent = (GdkRGBA){ 0.21, 0.52, 0.89, 1.0 };
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
series_color (guint series, const GdkRGBA *fg, const GdkRGBA *accent, GdkRGBA *out)
{
  *out = series == 0 ? *accent : *fg;
  if (series > 0)
    out->alpha *= 0.45;
}

/* A round number at or above @value, so the top grid line reads well. */
static double
nice_ceiling (double value)
{
  double magnitude, fraction;

  if (value <= 0)
    return 1;
  magnitude = pow (10, floor (log10 (value)));
  fraction = value / magnitude;
  if (fraction <= 1)
    return magnitude;
  if (fraction <= 2)
    return 2 * magnitude;
  if (fraction <= 5)
    return 5 * magnitude;
  return 10 * magnitude;
}

static void
value_range (CareChart *self, double *min, double *max)
{
  double top = 0;

  for (guint i = 0; i < self->n_series * self->n_points; i++)
    if (!isnan (self->values[i]))
      top = MAX (top, self->values[i]);

  *min = isnan (self->max) ? 0 : self->min;
  *max = isnan (self->max) ? nice_ceiling (top) : self->max;
  if (*max <= *min)
    *max = *min + 1;
}

static char *
format_value (double value)
{
  if (fabs (value - round (value)) < 1e-9)
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%.1f", value);
}

static void
draw_text (cairo_t *cr, PangoLayout *layout, double x, double y, const GdkRGBA *color)
{
  cairo_move_to (cr, x, y);
  gdk_cairo_set_source_rgba (cr, color);
  pango_cairo_show_layout (cr, layout);
}

static int
legend_height (CareChart *self)
{
  return self->n_series > 1 ? layout_height (self) + LEGEND_GAP : 0;
}

/* Overrides */

static void
care_chart_measure (GtkWidget     *widget,
                    GtkOrientation orientation,
                    int            for_size,
                    int           *minimum,
                    int           *natural,
                    int           *minimum_baseline,
                    int           *natural_baseline)
{
  CareChart *self = CARE_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = 360;
    }
  else
    {
      *minimum = *natural = PLOT_HEIGHT + layout_height (self) + LABEL_GAP + legend_height (self);
    }
}

static void
care_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  CareChart *self = CARE_CHART (widget);
  int        width = gtk_widget_get_width (widget);
  int        height = gtk_widget_get_height (widget);
  int        text_height = layout_height (self);
  GdkRGBA    fg, accent, grid, muted;
  double     min, max, plot_left, plot_top, plot_bottom, slot;
  int        axis_width = 0;
  guint      label_step = 1;
  cairo_t   *cr;

  if (self->n_points == 0 || width <= 0 || height <= 0)
    return;

  get_colors (self, &fg, &accent);
  grid = fg;
  grid.alpha *= 0.15;
  muted = fg;
  muted.alpha *= 0.7;
  value_range (self, &min, &max);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* Legend: a swatch and a name per series, along the top. */
  if (self->n_series > 1)
    {
      double x = 0;

      for (guint s = 0; s < self->n_series; s++)
        {
          g_autoptr (PangoLayout) layout = small_layout (self, self->series_names[s]);
          GdkRGBA color;
          int     w;

          series_color (s, &fg, &accent, &color);
          gdk_cairo_set_source_rgba (cr, &color);
          cairo_rectangle (cr, x, (text_height - 10) / 2.0, 10, 10);
          cairo_fill (cr);
          pango_layout_get_pixel_size (layout, &w, NULL);
          draw_text (cr, layout, x + 14, 0, &fg);
          x += 14 + w + 16;
        }
    }

  /* The scale: grid lines at the bottom, the middle and the top. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *text = format_value (min + (max - min) * i / 2.0);
      g_autoptr (PangoLayout) layout = small_layout (self, text);
      int w;

      pango_layout_get_pixel_size (layout, &w, NULL);
      axis_width = MAX (axis_width, w);
    }

  plot_left = axis_width + LABEL_GAP;
  plot_top = legend_height (self) + text_height / 2.0;
  plot_bottom = height - text_height - LABEL_GAP;
  slot = (width - plot_left) / self->n_points;

  cairo_set_line_width (cr, 1);
  for (guint i = 0; i < 3; i++)
    {
      double           value = min + (max - min) * i / 2.0;
      double           y = round (plot_bottom - (plot_bottom - plot_top) * i / 2.0) + 0.5;
      g_autofree char *text = format_value (value);
      g_autoptr (PangoLayout) layout = small_layout (self, text);
      int w;

      gdk_cairo_set_source_rgba (cr, &grid);
      cairo_move_to (cr, plot_left, y);
      cairo_line_to (cr, width, y);
      cairo_stroke (cr);
      pango_layout_get_pixel_size (layout, &w, NULL);
      draw_text (cr, layout, axis_width - w, y - text_height / 2.0, &muted);
    }

  /* Labels under the slots; every other one (or fewer) when they would touch. */
  for (guint p = 0; p < self->n_points; p++)
    {
      g_autoptr (PangoLayout) layout = small_layout (self, self->labels[p]);
      int w;

      pango_layout_get_pixel_size (layout, &w, NULL);
      while (label_step < self->n_points && (w + LABEL_GAP) > slot * label_step)
        label_step++;
    }
  for (guint p = 0; p < self->n_points; p++)
    {
      /* Counted from the last point, so the current period keeps its label. */
      if ((self->n_points - 1 - p) % label_step != 0)
        continue;
      {
        g_autoptr (PangoLayout) layout = small_layout (self, self->labels[p]);
        int w;

        pango_layout_get_pixel_size (layout, &w, NULL);
        draw_text (cr, layout, CLAMP (plot_left + slot * (p + 0.5) - w / 2.0, plot_left, width - w),
                   plot_bottom + LABEL_GAP, &muted);
      }
    }

  for (guint s = 0; s < self->n_series; s++)
    {
      GdkRGBA  color;
      gboolean drawing = FALSE;

      series_color (s, &fg, &accent, &color);
      gdk_cairo_set_source_rgba (cr, &color);

      for (guint p = 0; p < self->n_points; p++)
        {
          double value = self->values[s * self->n_points + p];
          double y, x;

          if (isnan (value))
            {
              drawing = FALSE;
              continue;
            }
          value = CLAMP (value, min, max);
          y = plot_bottom - (plot_bottom - plot_top) * (value - min) / (max - min);

          if (self->mode == CARE_CHART_BARS)
            {
              double group = MAX (slot * 0.7, 2);
              double bar = group / self->n_series;

              x = plot_left + slot * p + (slot - group) / 2 + bar * s;
              cairo_rectangle (cr, x, y, MAX (bar - (self->n_series > 1 ? 1 : 0), 1),
                               plot_bottom - y);
              cairo_fill (cr);
            }
          else
            {
              x = plot_left + slot * (p + 0.5);
              if (drawing)
                cairo_line_to (cr, x, y);
              else
                cairo_move_to (cr, x, y);
              drawing = TRUE;
            }
        }

      if (self->mode == CARE_CHART_LINE)
        {
          cairo_set_line_width (cr, 2);
          cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
          cairo_stroke (cr);

          /* A dot on each point, so a month alone between gaps still shows. */
          for (guint p = 0; p < self->n_points; p++)
            {
              double value = self->values[s * self->n_points + p];

              if (isnan (value))
                continue;
              value = CLAMP (value, min, max);
              cairo_arc (cr, plot_left + slot * (p + 0.5),
                         plot_bottom - (plot_bottom - plot_top) * (value - min) / (max - min), 3, 0,
                         2 * G_PI);
              cairo_fill (cr);
            }
        }
    }

  cairo_destroy (cr);
}

static void
care_chart_finalize (GObject *object)
{
  CareChart *self = CARE_CHART (object);

  g_strfreev (self->labels);
  g_strfreev (self->series_names);
  g_free (self->values);

  G_OBJECT_CLASS (care_chart_parent_class)->finalize (object);
}

static void
care_chart_class_init (CareChartClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = care_chart_finalize;
  widget_class->measure = care_chart_measure;
  widget_class->snapshot = care_chart_snapshot;

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
care_chart_init (CareChart *self)
{
  self->min = NAN;
  self->max = NAN;
}

/* Public API */

GtkWidget *
care_chart_new (CareChartMode mode)
{
  CareChart *self = g_object_new (CARE_TYPE_CHART, NULL);

  self->mode = mode;
  return GTK_WIDGET (self);
}

/**
 * care_chart_set_data:
 * @labels: (array length=n_points): what each point is, e.g. a month
 * @series_names: (array length=n_series): shown in a legend when there
 *   are two series
 * @values: (array): @n_series rows of @n_points values; NAN leaves a gap
 */
void
care_chart_set_data (CareChart         *self,
                     guint              n_points,
                     const char *const *labels,
                     guint              n_series,
                     const char *const *series_names,
                     const double      *values)
{
  g_return_if_fail (CARE_IS_CHART (self));
  g_return_if_fail (n_series >= 1 && n_series <= MAX_SERIES);

  g_strfreev (self->labels);
  g_strfreev (self->series_names);
  g_free (self->values);

  self->n_points = n_points;
  self->n_series = n_series;
  self->labels = g_strdupv ((char **) labels);
  self->series_names = g_strdupv ((char **) series_names);
  self->values = g_memdup2 (values, sizeof (double) * n_points * n_series);

  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* A fixed scale, e.g. 1 to 5 for a score; by default 0 to a round number above the data. */
void
care_chart_set_range (CareChart *self, double min, double max)
{
  g_return_if_fail (CARE_IS_CHART (self));

  self->min = min;
  self->max = max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
