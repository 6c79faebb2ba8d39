/* care-view.c: what the window asks of each view in its sidebar. */
#include "config.h"

#include "care-view.h"
#include "care-window.h"

G_DEFINE_INTERFACE (CareView, care_view, GTK_TYPE_WIDGET)

static void
care_view_default_init (CareViewInterface *iface)
{
  g_object_interface_install_property (iface,
                                       g_param_spec_object ("context", NULL, NULL, CARE_TYPE_CONTEXT,
                                                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
}

GtkWidget *
care_view_get_header_start (CareView *self)
{
  CareViewInterface *iface;

  g_return_val_if_fail (CARE_IS_VIEW (self), NULL);
  iface = CARE_VIEW_GET_IFACE (self);
  return iface->get_header_start != NULL ? iface->get_header_start (self) : NULL;
}

GtkWidget *
care_view_get_header_end (CareView *self)
{
  CareViewInterface *iface;

  g_return_val_if_fail (CARE_IS_VIEW (self), NULL);
  iface = CARE_VIEW_GET_IFACE (self);
  return iface->get_header_end != NULL ? iface->get_header_end (self) : NULL;
}

/* The window a view (or any widget in it) is shown in, for dialogs. */
GtkWindow *
care_view_get_window (gpointer widget)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (widget));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* Shows @toast (floating, consumed) in the main window, if the widget is in it. */
void
care_view_add_toast (gpointer  widget,
                     AdwToast *toast)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (widget));

  if (CARE_IS_WINDOW (root))
    care_window_add_toast (CARE_WINDOW (root), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}
