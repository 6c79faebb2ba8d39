/* care-view.h: the base of every view in the window's sidebar, and what the
 * window asks of it. */
#pragma once

#include <adwaita.h>

#include "care-context.h"

G_BEGIN_DECLS

#define CARE_TYPE_VIEW (care_view_get_type ())
G_DECLARE_DERIVABLE_TYPE (CareView, care_view, CARE, VIEW, AdwBin)

/**
 * CareViewClass:
 * @get_header_start: (nullable): a widget the window packs at the start of
 *   its header bar while the view is shown (e.g. a "New" button)
 * @get_header_end: (nullable): likewise at the end (e.g. a search toggle)
 * @show_record: shows the record @id of the view's entity (see
 *   care_view_class_set_entity()), selected in its list where it can be
 * @show_filter: shows the list narrowed to exactly what a summary counts,
 *   the filter named by @filter (see care_view_show_filter())
 *
 * A view has a construct-only "context" property the base class holds.
 * Views also install, where they make sense, the widget actions "view.new"
 * (Ctrl+N) and "view.find" (Ctrl+F); the window forwards its shortcuts to
 * the visible view. To open a record in another view, a view activates
 * "win.show-record" with the entity and id, `(ss)`: views never call each
 * other.
 */
struct _CareViewClass
{
  AdwBinClass parent_class;

  GtkWidget *(*get_header_start) (CareView *self);
  GtkWidget *(*get_header_end) (CareView *self);
  void (*show_record) (CareView *self, const char *id);
  void (*show_filter) (CareView *self, const char *filter);

  /*< private >*/
  const char *entity;
  gpointer    padding[8];
};

void        care_view_class_set_entity (CareViewClass *klass, const char *entity);
const char *care_view_class_get_entity (CareViewClass *klass);

CareContext        *care_view_get_context (CareView *self);
CareStore          *care_view_get_store (CareView *self);
const char         *care_view_get_entity (CareView *self);
GtkWidget          *care_view_get_header_start (CareView *self);
GtkWidget          *care_view_get_header_end (CareView *self);
void                care_view_show_record (CareView *self, const char *id);
void                care_view_show_filter (CareView *self, const char *filter);
void                care_view_name_row (GtkWidget *child, const char *label);
void                care_view_name_drop_down (GtkDropDown *dropdown, const char *label);
GtkSingleSelection *care_view_bind_list (CareView    *self,
                                         GtkListView *list_view,
                                         GListModel  *model,
                                         GCallback    setup_cb,
                                         GCallback    bind_cb);
void                care_view_keep_selection (GtkSingleSelection *selection);
gboolean            care_view_selection_is_restoring (GtkSingleSelection *selection);
void                care_view_dispose_template (CareView *self, GType view_type);
GtkWidget          *care_view_new_header_button (CareView   *self,
                                                 const char *icon_name,
                                                 const char *label,
                                                 const char *tooltip,
                                                 const char *action_name);

GtkWindow *care_view_get_window (gpointer widget);
void       care_view_add_toast (gpointer widget, AdwToast *toast);
CareRecord *
care_view_load_record (gpointer widget, CareStore *store, const CareEntity *entity, const char *id);
void care_view_show_error (gpointer widget, const char *what, const GError *error);

G_END_DECLS
