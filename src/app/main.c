/* main.c: starts Aftercare. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "care-application.h"
#include "care-bench-probe.h"
#include "care-layout-probe.h"

int
main (int argc, char *argv[])
{
  gint64 main_us = g_get_monotonic_time ();
  g_autoptr (CareApplication) app = NULL;

  const char *localedir = g_getenv ("AFTERCARE_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* An uninstalled build (meson devenv, the tests) reads its own catalogs. */
  bindtextdomain (GETTEXT_PACKAGE,
                  localedir != NULL && localedir[0] != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_ ("Aftercare"));
  app = care_application_new ();
  /* Does nothing unless AFTERCARE_BENCH is set (tests/bench). */
  care_bench_probe_install (GTK_APPLICATION (app), main_us);
  /* Does nothing unless AFTERCARE_LAYOUT_PROBE is set (tests/ui). */
  care_layout_probe_install (GTK_APPLICATION (app));

  return g_application_run (G_APPLICATION (app), argc, argv);
}
