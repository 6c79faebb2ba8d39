/* care-view.c: what the window asks of each view in its sidebar. */
#include "config.h"

#include "care-view.h"

G_DEFINE_INTERFACE (CareView, care_view, GTK_TYPE_WIDGET)

static void
care_view_default_init (CareViewInterface *iface)
{
  g_object_interface_install_property (iface,
                                       g_param_spec_object ("context", NULL, NULL, CARE_TYPE_CONTEXT,
                                                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY
                                                            | G_PARAM_STATIC_STRINGS));
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
