/* care-bench-probe.c: timing of the real window, for tests/bench only.
 *
 * Off unless AFTERCARE_BENCH is set in the environment; then it writes one
 * JSON line starting with {"aftercare-bench": to standard output and quits
 * the application:
 *
 *   AFTERCARE_BENCH=startup  the time from the start of main() to the end
 *                            of the first frame that painted rows of the
 *                            customers list, and the wall clock then, so
 *                            a driver can measure from its own spawn;
 *   AFTERCARE_BENCH=scroll   after that frame, scrolls the customers list
 *                            by its vertical adjustment, 40 rows a frame,
 *                            through 10,000 rows, and reports each frame's
 *                            work (from "before-paint" to "after-paint" of
 *                            the frame clock), the CPU time this thread
 *                            spent on it (which leaves out waiting for a
 *                            CPU that other processes hold) and the
 *                            interval between frames, in milliseconds.
 *
 * Both report VmHWM, the peak resident memory of the process. Nothing here
 * runs, and nothing is connected, when the variable is unset. */
#define G_LOG_DOMAIN "care-bench-probe"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "care-bench-probe.h"
#include "care-view.h"

#define SCROLL_ROWS    10000
#define ROWS_PER_FRAME 40

typedef enum
{
  MODE_STARTUP,
  MODE_SCROLL,
} Mode;

typedef struct
{
  Mode            mode;
  GtkApplication *app;       /* unowned: lives as long as the process */
  GtkWidget      *window;    /* unowned */
  GtkWidget      *list_view; /* unowned, once found */
  GdkFrameClock  *clock;     /* unowned */
  gulong          before_id;
  gulong          after_id;
  gboolean        shown;
  guint           n_items;
  double          start_row_px; /* the adjustment's value when scrolling began */
  double          row_px;
  gint64          main_us; /* monotonic time at the start of main() */
  gint64          frame_start_us;
  double          frame_start_cpu_ms;
  gint64          last_frame_time_us;
  GArray         *work_ms;
  GArray         *cpu_ms;
  GArray         *interval_ms;
} Probe;

static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static long
peak_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char      *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmHWM:");
  return line != NULL ? strtol (line + 6, NULL, 10) : -1;
}

static void
append_array (GString *out, const char *name, GArray *values)
{
  g_string_append_printf (out, ", \"%s\": [", name);
  for (guint i = 0; i < values->len; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append (out, i > 0 ? ", " : "");
      g_string_append (
          out, g_ascii_formatd (buf, sizeof buf, "%.3f", g_array_index (values, double, i)));
    }
  g_string_append_c (out, ']');
}

static gboolean
in_customers_view (GtkWidget *widget)
{
  GtkWidget *view = gtk_widget_get_ancestor (widget, CARE_TYPE_VIEW);

  return view != NULL && g_strcmp0 (care_view_get_entity (CARE_VIEW (view)), "customer") == 0;
}

static GtkWidget *
find_customers_list (GtkWidget *widget)
{
  if (GTK_IS_LIST_VIEW (widget) && in_customers_view (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_customers_list (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Rows are on screen: the list is mapped, has items, and its first row
 * widget was given content by the factory. */
static gboolean
rows_shown (Probe *self)
{
  GtkSelectionModel *model;
  GtkWidget         *row;

  if (self->list_view == NULL)
    self->list_view = find_customers_list (self->window);
  if (self->list_view == NULL || !gtk_widget_get_mapped (self->list_view))
    return FALSE;

  model = gtk_list_view_get_model (GTK_LIST_VIEW (self->list_view));
  if (model == NULL || (self->n_items = g_list_model_get_n_items (G_LIST_MODEL (model))) == 0)
    return FALSE;

  for (row = gtk_widget_get_first_child (self->list_view); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (gtk_widget_get_mapped (row) && gtk_widget_get_first_child (row) != NULL)
      return TRUE;
  return FALSE;
}

static GtkAdjustment *
vadjustment (Probe *self)
{
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
}

static void
finish (Probe *self)
{
  g_autoptr (GString) out = g_string_new ("{\"aftercare-bench\": ");
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_clear_signal_handler (&self->before_id, self->clock);
  g_clear_signal_handler (&self->after_id, self->clock);

  if (self->mode == MODE_SCROLL)
    {
      GtkAdjustment *adj = vadjustment (self);
      double         rows = self->row_px > 0
                                ? (gtk_adjustment_get_value (adj) - self->start_row_px) / self->row_px
                                : 0;

      g_string_append_printf (out, "\"scroll\", \"rows\": %.0f, \"frames\": %u", rows,
                              self->work_ms->len);
      append_array (out, "work_ms", self->work_ms);
      append_array (out, "cpu_ms", self->cpu_ms);
      append_array (out, "interval_ms", self->interval_ms);
    }
  else
    g_string_append_printf (
        out, "\"first-frame\", \"since_main_ms\": %s, \"wall_us\": %" G_GINT64_FORMAT,
        g_ascii_formatd (buf, sizeof buf, "%.1f",
                         (g_get_monotonic_time () - self->main_us) / 1000.0),
        g_get_real_time ());
  g_string_append_printf (out, ", \"n_items\": %u, \"vmhwm_kb\": %ld}\n", self->n_items,
                          peak_rss_kb ());
  fputs (out->str, stdout);
  fflush (stdout);

  g_application_quit (G_APPLICATION (self->app));
}

static gboolean
scroll_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  Probe         *self = user_data;
  GtkAdjustment *adj = vadjustment (self);
  double         target = self->start_row_px + SCROLL_ROWS * self->row_px;
  double         max = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
  double         next =
      MIN (gtk_adjustment_get_value (adj) + ROWS_PER_FRAME * self->row_px, MIN (target, max));

  if (gtk_adjustment_get_value (adj) >= MIN (target, max) - 0.5)
    {
      finish (self);
      return G_SOURCE_REMOVE;
    }

  gtk_adjustment_set_value (adj, next);
  return G_SOURCE_CONTINUE;
}

static void
before_paint_cb (GdkFrameClock *clock, Probe *self)
{
  self->frame_start_us = g_get_monotonic_time ();
  self->frame_start_cpu_ms = thread_cpu_ms ();
}

static void
after_paint_cb (GdkFrameClock *clock, Probe *self)
{
  gint64 frame_time = gdk_frame_clock_get_frame_time (clock);

  if (!self->shown)
    {
      GtkAdjustment *adj;

      if (!rows_shown (self))
        return;
      self->shown = TRUE;

      if (self->mode == MODE_STARTUP)
        {
          finish (self);
          return;
        }

      adj = vadjustment (self);
      self->row_px = gtk_adjustment_get_upper (adj) / MAX (1u, self->n_items);
      self->start_row_px = gtk_adjustment_get_value (adj);
      self->last_frame_time_us = frame_time;
      gtk_widget_add_tick_callback (self->list_view, scroll_tick_cb, self, NULL);
      return;
    }

  {
    double work = (g_get_monotonic_time () - self->frame_start_us) / 1000.0;
    double interval = (frame_time - self->last_frame_time_us) / 1000.0;
    double cpu = thread_cpu_ms () - self->frame_start_cpu_ms;

    g_array_append_val (self->work_ms, work);
    g_array_append_val (self->interval_ms, interval);
    g_array_append_val (self->cpu_ms, cpu);
    self->last_frame_time_us = frame_time;
  }
}

static void
window_realize_cb (GtkWidget *window, Probe *self)
{
  if (self->clock != NULL)
    return;
  self->clock = gtk_widget_get_frame_clock (window);
  self->before_id =
      g_signal_connect (self->clock, "before-paint", G_CALLBACK (before_paint_cb), self);
  self->after_id = g_signal_connect (self->clock, "after-paint", G_CALLBACK (after_paint_cb), self);
}

static void
window_added_cb (GtkApplication *app, GtkWindow *window, Probe *self)
{
  /* The main window is the first; dialogs come later, if at all. */
  if (self->window != NULL)
    return;
  self->window = GTK_WIDGET (window);
  g_signal_connect (window, "realize", G_CALLBACK (window_realize_cb), self);
}

void
care_bench_probe_install (GtkApplication *app, gint64 main_us)
{
  const char *mode = g_getenv ("AFTERCARE_BENCH");
  Probe      *self;

  if (mode == NULL || mode[0] == '\0')
    return;

  self = g_new0 (Probe, 1);
  if (g_str_equal (mode, "startup"))
    self->mode = MODE_STARTUP;
  else if (g_str_equal (mode, "scroll"))
    self->mode = MODE_SCROLL;
  else
    {
      g_printerr ("AFTERCARE_BENCH must be “startup” or “scroll”\n");
      g_free (self);
      return;
    }

  self->app = app;
  self->main_us = main_us;
  self->work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  self->cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  self->interval_ms = g_array_new (FALSE, FALSE, sizeof (double));
  /* Freed with the process: the probe watches until the application quits. */
  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), self);
}
