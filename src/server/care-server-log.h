/* care-server-log.h: keeps secrets (session and feed tokens) out of the server's log. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *care_server_log_redact (const char *text);
char *care_server_log_path (const char *path);
void  care_server_log_install (void);

G_END_DECLS
