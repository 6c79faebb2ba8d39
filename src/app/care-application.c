/* care-application.c: the Aftercare application: options, the store, windows. */
#define G_LOG_DOMAIN "care-application"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>

#include "care-application.h"
#include "care-preferences-window.h"
#include "care-reminder-notifier.h"
#include "care-sla-page.h"
#include "care-sync-page.h"
#include "care-window.h"

#define DEFAULT_DEMO_SIZE 2000

struct _CareApplication
{
  AdwApplication parent_instance;

  /* Owned references */
  CareContext          *context;
  CareReminderNotifier *notifier;
  GError               *open_error; /* why the store could not be opened, shown in the window */

  /* Options */
  char    *data_dir;
  gboolean demo;
  int      demo_size;
};

G_DEFINE_FINAL_TYPE (CareApplication, care_application, ADW_TYPE_APPLICATION)

static const GOptionEntry options[] = {
  { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, NULL,
    N_ ("Keep data in DIRECTORY instead of the default place"), N_ ("DIRECTORY") },
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Open the demo data set, created on first use"),
    NULL },
  { "demo-size", 0, 0, G_OPTION_ARG_INT, NULL, N_ ("Number of demo customers (with --demo)"),
    N_ ("COUNT") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Show the version and exit"), NULL },
  { NULL }
};

static char *
resolve_data_dir (CareApplication *self)
{
  const char *env = g_getenv ("AFTERCARE_DATA_DIR");

  if (self->data_dir != NULL)
    return g_strdup (self->data_dir);
  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "aftercare", NULL);
}

static void
open_store (CareApplication *self)
{
  g_autofree char *dir = resolve_data_dir (self);
  g_autofree char *path = g_build_filename (dir, self->demo ? "demo.db" : "aftercare.db", NULL);
  g_autoptr (GSettings) settings = g_settings_new ("io.github.aftercare.Aftercare");
  g_autoptr (CareStore) store = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (&self->open_error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _ ("Could not create the folder “%s”: %s"), dir, g_strerror (saved));
      return;
    }

  store = care_store_new (path, &self->open_error);
  if (store != NULL)
    self->context = care_context_new (store, settings);
}

static gint
care_application_handle_local_options (GApplication *app, GVariantDict *opts)
{
  CareApplication *self = CARE_APPLICATION (app);

  if (g_variant_dict_contains (opts, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }

  g_variant_dict_lookup (opts, "data-dir", "^ay", &self->data_dir);
  self->demo = g_variant_dict_contains (opts, "demo");
  if (!g_variant_dict_lookup (opts, "demo-size", "i", &self->demo_size))
    self->demo_size = DEFAULT_DEMO_SIZE;

  if (self->demo_size < 1 || self->demo_size > 2000000)
    {
      g_printerr (_ ("--demo-size must be between 1 and 2000000\n"));
      return 2;
    }

  return -1;
}

static void
app_quit_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
app_about_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char     *developers[] = { _ ("The Aftercare developers"), NULL };
  GtkWidget      *about;

  about = g_object_new (
      ADW_TYPE_ABOUT_WINDOW, "transient-for", gtk_application_get_active_window (app),
      "application-name", _ ("Aftercare"), "application-icon", APPLICATION_ID, "version",
      PACKAGE_VERSION, "developer-name", _ ("The Aftercare developers"), "developers", developers,
      "comments",
      _ ("Keep the promises made after a sale: warranties, service cases, visits and training."),
      "license-type", GTK_LICENSE_GPL_3_0,
      /* TRANSLATORS: your name, to be shown in the About window */
      "translator-credits", _ ("translator-credits"), NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
app_preferences_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  CareApplication *self = CARE_APPLICATION (user_data);
  g_autoptr (GSettings) settings = NULL;
  CarePreferencesWindow *window;

  /* The context's settings when the store opened; the schema either way. */
  if (self->context != NULL)
    settings = g_object_ref (care_context_get_settings (self->context));
  else
    settings = g_settings_new ("io.github.aftercare.Aftercare");

  window = care_preferences_window_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                        settings);
  /* Signing in needs the store's sync engine: no page without a store. */
  if (self->context != NULL)
    adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window),
                                ADW_PREFERENCES_PAGE (care_sync_page_new (
                                    care_context_get_account (self->context), settings)));
  /* Service levels are the admins' to set: the server refuses anyone
   * else's change, so a signed-in agent is not offered the page. A store
   * that syncs with no server is its user's own. */
  if (self->context != NULL)
    {
      CareSyncEngine *engine = care_context_get_sync (self->context);

      if (care_sync_engine_get_token (engine) == NULL ||
          g_strcmp0 (care_sync_engine_get_role (engine), "admin") == 0)
        adw_preferences_window_add (
            ADW_PREFERENCES_WINDOW (window),
            ADW_PREFERENCES_PAGE (care_sla_page_new (care_context_get_store (self->context))));
    }
  gtk_window_present (GTK_WINDOW (window));
}

static const GActionEntry app_actions[] = {
  { "quit", app_quit_cb },
  { "preferences", app_preferences_cb },
  { "about", app_about_cb },
};

static void
care_application_startup (GApplication *app)
{
  CareApplication   *self = CARE_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (care_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay",
                                         shortcuts_accels);

  open_store (self);
  if (self->context != NULL)
    self->notifier = care_reminder_notifier_new (GTK_APPLICATION (app), self->context);
}

static void
care_application_activate (GApplication *app)
{
  CareApplication *self = CARE_APPLICATION (app);
  GtkWindow       *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (care_window_new (self, self->context, self->open_error));
      if (self->demo && self->context != NULL)
        care_window_load_demo (CARE_WINDOW (window), (guint) self->demo_size);
      /* Sync starts with the window: the UI never waits for it. */
      if (self->context != NULL)
        care_account_restore (care_context_get_account (self->context));
    }

  gtk_window_present (window);
}

static void
care_application_dispose (GObject *object)
{
  CareApplication *self = CARE_APPLICATION (object);

  g_clear_object (&self->notifier);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (care_application_parent_class)->dispose (object);
}

static void
care_application_finalize (GObject *object)
{
  CareApplication *self = CARE_APPLICATION (object);

  g_clear_error (&self->open_error);
  g_free (self->data_dir);

  G_OBJECT_CLASS (care_application_parent_class)->finalize (object);
}

static void
care_application_class_init (CareApplicationClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = care_application_dispose;
  object_class->finalize = care_application_finalize;
  app_class->handle_local_options = care_application_handle_local_options;
  app_class->startup = care_application_startup;
  app_class->activate = care_application_activate;
}

static void
care_application_init (CareApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_summary (
      G_APPLICATION (self), _ ("After-sales customer care: customers, warranties, service cases, "
                               "appointments and training."));
}

CareApplication *
care_application_new (void)
{
  return g_object_new (CARE_TYPE_APPLICATION, "application-id", APPLICATION_ID,
                       "resource-base-path", "/io/github/aftercare/Aftercare", "flags",
                       G_APPLICATION_DEFAULT_FLAGS, NULL);
}
