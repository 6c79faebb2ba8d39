/* care-filter-bar.c: the bar above a list narrowed by a link from a summary.
 *
 * A list opened from "Open for 8 to 30 days (55)" shows those 55 rows only;
 * the bar says so, so the list is never mistaken for all of them, and its
 * button gives the whole list back. It emits "closed" for the view to drop
 * its narrowing; a view that changes its filters by other means hides it
 * with care_filter_bar_set_title (bar, NULL). */
#define G_LOG_DOMAIN "care-filter-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "care-filter-bar.h"

struct _CareFilterBar
{
  AdwBin parent_instance;

  /* Borrowed references */
  GtkRevealer *revealer;
  GtkLabel    *label;
  GtkWidget   *button;
};

G_DEFINE_FINAL_TYPE (CareFilterBar, care_filter_bar, ADW_TYPE_BIN)

enum
{
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
close_clicked_cb (GtkButton *button, CareFilterBar *self)
{
  care_filter_bar_set_title (self, NULL);
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
care_filter_bar_class_init (CareFilterBarClass *klass)
{
  /**
   * CareFilterBar::closed:
   *
   * The user asked for the whole list again.
   */
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 0);
}

static void
care_filter_bar_init (CareFilterBar *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon = gtk_image_new_from_icon_name ("view-list-symbolic");
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *button = gtk_button_new_with_mnemonic (_ ("Show _All"));
  GtkWidget *revealer = gtk_revealer_new ();

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_add_css_class (icon, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  /* GTK 4.8 names a button by its label with the underline otherwise. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Show All"), -1);
  g_signal_connect_object (button, "clicked", G_CALLBACK (close_clicked_cb), self, 0);

  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), button);
  gtk_revealer_set_child (GTK_REVEALER (revealer), box);
  gtk_revealer_set_transition_type (GTK_REVEALER (revealer),
                                    GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  adw_bin_set_child (ADW_BIN (self), revealer);

  self->revealer = GTK_REVEALER (revealer);
  self->label = GTK_LABEL (label);
  self->button = button;
}

GtkWidget *
care_filter_bar_new (void)
{
  return g_object_new (CARE_TYPE_FILTER_BAR, NULL);
}

/**
 * care_filter_bar_set_title:
 * @title: (nullable): what the list is narrowed to, e.g. "Open for 8 to 30
 *   days"; %NULL hides the bar
 */
void
care_filter_bar_set_title (CareFilterBar *self, const char *title)
{
  g_return_if_fail (CARE_IS_FILTER_BAR (self));

  gtk_label_set_text (self->label, title != NULL ? title : "");
  gtk_revealer_set_reveal_child (self->revealer, title != NULL);
  /* Said after the button's name, "Show All". */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, title != NULL ? title : "",
                                  -1);
}

/* What the list is narrowed to, or %NULL when it is not. */
const char *
care_filter_bar_get_title (CareFilterBar *self)
{
  g_return_val_if_fail (CARE_IS_FILTER_BAR (self), NULL);

  return gtk_revealer_get_reveal_child (self->revealer) ? gtk_label_get_text (self->label) : NULL;
}
