/* care-toast-log.h: a record of the toasts shown, for tests. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void care_toast_log (AdwToast *toast);

G_END_DECLS
