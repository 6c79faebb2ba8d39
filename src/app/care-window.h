/* care-window.h: the main window: a sidebar of views beside the current one. */
#pragma once

#include <adwaita.h>

#include "care-application.h"

G_BEGIN_DECLS

#define CARE_TYPE_WINDOW (care_window_get_type ())
G_DECLARE_FINAL_TYPE (CareWindow, care_window, CARE, WINDOW, AdwApplicationWindow)

CareWindow *care_window_new (CareApplication *application,
                             CareContext     *context,
                             const GError    *open_error);
void        care_window_load_demo (CareWindow *self,
                                   guint       n_customers);
void        care_window_show_view (CareWindow *self,
                                   const char *name);
GtkWidget  *care_window_get_view (CareWindow *self,
                                  const char *name);
gboolean    care_window_show_record (CareWindow *self,
                                     const char *entity,
                                     const char *id);
void        care_window_add_toast (CareWindow *self,
                                   AdwToast   *toast);

G_END_DECLS
