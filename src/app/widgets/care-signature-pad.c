/* care-signature-pad.c: a box the customer signs in with a mouse, pen or finger.
 *
 * A drag gesture turns each press-move-release into one stroke of a
 * CareSignature, in widget pixels; the renderers scale it later. A drag
 * gesture rather than a stylus gesture: it gets mouse, touch and pen alike
 * (GTK emulates pointer events for a pen), and signing must work with all.
 * The pad itself takes no keyboard focus (nobody can sign with keys); its
 * Clear button does. A signature loaded from another device whose pad was
 * larger is drawn scaled down to fit. Emits "changed" after each stroke and
 * when cleared. */
#define G_LOG_DOMAIN "care-signature-pad"

#include "config.h"

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "care-signature-pad.h"

#define PAD_MIN_WIDTH  280
#define PAD_MIN_HEIGHT 160
#define PAD_PADDING    6

struct _CareSignaturePad
{
  GtkWidget parent_instance;

  /* Owned references */
  CareSignature *signature;
  GtkWidget     *clear_button; /* child */
  GtkWidget     *placeholder;  /* child */

  double   start_x;
  double   start_y;
  gboolean stroking;
};

G_DEFINE_FINAL_TYPE (CareSignaturePad, care_signature_pad, GTK_TYPE_WIDGET)

enum
{
  CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
update_state (CareSignaturePad *self)
{
  gboolean empty = care_signature_is_empty (self->signature);

  gtk_widget_set_visible (self->placeholder, empty);
  gtk_widget_set_sensitive (self->clear_button, !empty);
}

/* The factor that fits the signature in the pad; 1 when it fits already. */
static double
fit_scale (CareSignaturePad *self)
{
  double x0, y0, x1, y1;
  int    width = gtk_widget_get_width (GTK_WIDGET (self));
  int    height = gtk_widget_get_height (GTK_WIDGET (self));

  if (width <= 0 || height <= 0 ||
      !care_signature_get_bounds (self->signature, &x0, &y0, &x1, &y1) || x1 <= 0 || y1 <= 0)
    return 1.0;
  return MIN (1.0, MIN (width / MAX (x1, 1.0), height / MAX (y1, 1.0)));
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, CareSignaturePad *self)
{
  double scale = fit_scale (self);

  self->start_x = x / scale;
  self->start_y = y / scale;
  self->stroking = care_signature_begin_stroke (self->signature, self->start_x, self->start_y);
  if (!self->stroking)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  update_state (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_update_cb (GtkGestureDrag *gesture, double offset_x, double offset_y, CareSignaturePad *self)
{
  double scale = fit_scale (self);
  double x =
      CLAMP (self->start_x + offset_x / scale, 0, gtk_widget_get_width (GTK_WIDGET (self)) / scale);
  double y = CLAMP (self->start_y + offset_y / scale, 0,
                    gtk_widget_get_height (GTK_WIDGET (self)) / scale);

  /* A full signature stops taking points; the strokes so far stay. A pen
   * leaving the pad draws along its edge, as on a sheet on a table. */
  if (self->stroking && care_signature_add_point (self->signature, x, y))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end_cb (GtkGestureDrag *gesture, double offset_x, double offset_y, CareSignaturePad *self)
{
  if (!self->stroking)
    return;
  self->stroking = FALSE;
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
clear_clicked_cb (GtkButton *button, CareSignaturePad *self)
{
  care_signature_pad_clear (self);
}

static void
care_signature_pad_measure (GtkWidget     *widget,
                            GtkOrientation orientation,
                            int            for_size,
                            int           *minimum,
                            int           *natural,
                            int           *minimum_baseline,
                            int           *natural_baseline)
{
  CareSignaturePad *self = CARE_SIGNATURE_PAD (widget);
  int               button_min, button_nat, label_min, label_nat;

  gtk_widget_measure (self->clear_button, orientation, -1, &button_min, &button_nat, NULL, NULL);
  gtk_widget_measure (self->placeholder, orientation, -1, &label_min, &label_nat, NULL, NULL);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = MAX (PAD_MIN_WIDTH, button_nat + label_nat + 4 * PAD_PADDING);
  else
    *minimum = *natural = MAX (PAD_MIN_HEIGHT, button_nat + label_nat + 4 * PAD_PADDING);
}

static void
care_signature_pad_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  CareSignaturePad *self = CARE_SIGNATURE_PAD (widget);
  GtkRequisition    button, label;

  gtk_widget_get_preferred_size (self->clear_button, NULL, &button);
  gtk_widget_get_preferred_size (self->placeholder, NULL, &label);
  gtk_widget_size_allocate (self->clear_button,
                            &(GtkAllocation){ width - button.width - PAD_PADDING, PAD_PADDING,
                                              button.width, button.height },
                            -1);
  gtk_widget_size_allocate (
      self->placeholder,
      &(GtkAllocation){ 3 * PAD_PADDING, height - label.height - 3 * PAD_PADDING,
                        MIN (label.width, width - 6 * PAD_PADDING), label.height },
      -1);
}

static void
care_signature_pad_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  CareSignaturePad *self = CARE_SIGNATURE_PAD (widget);
  int               width = gtk_widget_get_width (widget);
  int               height = gtk_widget_get_height (widget);
  double            scale = fit_scale (self);
  GdkRGBA           color;
  cairo_t          *cr;

  /* GTK 4.8 has no gtk_widget_get_color () yet. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* The line to sign on, faint, as on paper. */
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, color.alpha * 0.25);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 3 * PAD_PADDING, height - 0.3 * height + 0.5);
  cairo_line_to (cr, width - 3 * PAD_PADDING, height - 0.3 * height + 0.5);
  cairo_stroke (cr);

  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_line_width (cr, 2.2);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_scale (cr, scale, scale);
  for (guint i = 0; i < care_signature_get_n_strokes (self->signature); i++)
    {
      guint                     n;
      const CareSignaturePoint *p = care_signature_get_stroke (self->signature, i, &n);

      cairo_move_to (cr, p[0].x, p[0].y);
      if (n == 1) /* a dot */
        cairo_rel_line_to (cr, 0.1, 0);
      for (guint j = 1; j < n; j++)
        cairo_line_to (cr, p[j].x, p[j].y);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);

  gtk_widget_snapshot_child (widget, self->placeholder, snapshot);
  gtk_widget_snapshot_child (widget, self->clear_button, snapshot);
}

static void
care_signature_pad_dispose (GObject *object)
{
  CareSignaturePad *self = CARE_SIGNATURE_PAD (object);

  g_clear_pointer (&self->clear_button, gtk_widget_unparent);
  g_clear_pointer (&self->placeholder, gtk_widget_unparent);
  G_OBJECT_CLASS (care_signature_pad_parent_class)->dispose (object);
}

static void
care_signature_pad_finalize (GObject *object)
{
  CareSignaturePad *self = CARE_SIGNATURE_PAD (object);

  g_clear_pointer (&self->signature, care_signature_free);
  G_OBJECT_CLASS (care_signature_pad_parent_class)->finalize (object);
}

static void
care_signature_pad_class_init (CareSignaturePadClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_signature_pad_dispose;
  object_class->finalize = care_signature_pad_finalize;
  widget_class->measure = care_signature_pad_measure;
  widget_class->size_allocate = care_signature_pad_size_allocate;
  widget_class->snapshot = care_signature_pad_snapshot;

  /**
   * CareSignaturePad::changed:
   *
   * A stroke was added or the signature was cleared or replaced.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "signaturepad");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
care_signature_pad_init (CareSignaturePad *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->signature = care_signature_new ();

  gtk_widget_add_css_class (GTK_WIDGET (self), "card");
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  self->placeholder = gtk_label_new (_ ("Sign here"));
  gtk_widget_add_css_class (self->placeholder, "dim-label");
  gtk_label_set_ellipsize (GTK_LABEL (self->placeholder), PANGO_ELLIPSIZE_END);
  gtk_widget_set_parent (self->placeholder, GTK_WIDGET (self));

  self->clear_button = gtk_button_new_with_mnemonic (_ ("C_lear"));
  gtk_widget_add_css_class (self->clear_button, "flat");
  gtk_widget_set_tooltip_text (self->clear_button, _ ("Clear the signature"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->clear_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Clear Signature"), -1);
  g_signal_connect (self->clear_button, "clicked", G_CALLBACK (clear_clicked_cb), self);
  gtk_widget_set_parent (self->clear_button, GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Customer signature"), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _ ("Sign with a mouse, a pen or a finger"), -1);

  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (drag), FALSE);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  update_state (self);
}

/* Returns: (transfer none): the signature as drawn so far. */
CareSignature *
care_signature_pad_get_signature (CareSignaturePad *self)
{
  g_return_val_if_fail (CARE_IS_SIGNATURE_PAD (self), NULL);
  return self->signature;
}

/* Shows a copy of @signature (NULL: none); emits "changed". */
void
care_signature_pad_set_signature (CareSignaturePad *self, CareSignature *signature)
{
  g_return_if_fail (CARE_IS_SIGNATURE_PAD (self));

  g_clear_pointer (&self->signature, care_signature_free);
  self->signature = signature != NULL ? care_signature_copy (signature) : care_signature_new ();
  self->stroking = FALSE;
  update_state (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
care_signature_pad_is_empty (CareSignaturePad *self)
{
  g_return_val_if_fail (CARE_IS_SIGNATURE_PAD (self), TRUE);
  return care_signature_is_empty (self->signature);
}

void
care_signature_pad_clear (CareSignaturePad *self)
{
  care_signature_pad_set_signature (self, NULL);
}
