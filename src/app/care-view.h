/* care-view.h: what the window asks of each view in its sidebar. */
#pragma once

#include <adwaita.h>

#include "care-context.h"

G_BEGIN_DECLS

#define CARE_TYPE_VIEW (care_view_get_type ())
G_DECLARE_INTERFACE (CareView, care_view, CARE, VIEW, GtkWidget)

/**
 * CareViewInterface:
 * @get_header_start: (nullable): a widget the window packs at the start of
 *   its header bar while the view is shown (e.g. a "New" button)
 * @get_header_end: (nullable): likewise at the end (e.g. a search toggle)
 *
 * Views also install, where they make sense, the widget actions "view.new"
 * (Ctrl+N) and "view.find" (Ctrl+F); the window forwards its shortcuts to the
 * visible view. A view has a construct-only "context" property.
 */
struct _CareViewInterface
{
  GTypeInterface parent_iface;

  GtkWidget *(*get_header_start) (CareView *self);
  GtkWidget *(*get_header_end) (CareView *self);
};

GtkWidget *care_view_get_header_start (CareView *self);
GtkWidget *care_view_get_header_end (CareView *self);

GtkWindow *care_view_get_window (gpointer widget);
void       care_view_add_toast (gpointer  widget,
                                AdwToast *toast);

G_END_DECLS
