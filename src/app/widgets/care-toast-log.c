/* care-toast-log.c: a record of the toasts shown, for tests.
 *
 * A toast is gone after a few seconds, and a test that reads the window
 * through the accessibility bus on a busy machine may look too late. With
 * AFTERCARE_TOAST_LOG naming a file, every toast's title is appended to it
 * as one line, so a test waits for what was shown rather than for luck.
 * Without the variable this does nothing. */
#define G_LOG_DOMAIN "care-toast-log"

#include "config.h"

#include <stdio.h>

#include "care-toast-log.h"

void
care_toast_log (AdwToast *toast)
{
  const char      *path = g_getenv ("AFTERCARE_TOAST_LOG");
  g_autofree char *line = NULL;
  FILE            *file;

  if (path == NULL || path[0] == '\0')
    return;
  /* One line per toast: a title that wraps is joined. */
  line = g_strdelimit (g_strdup_printf ("%s", adw_toast_get_title (toast)), "\n", ' ');
  file = fopen (path, "a");
  if (file == NULL)
    return;
  fprintf (file, "%s\n", line);
  fclose (file);
}
