/* care-file-job.c: choose a file, then run an async job on it.
 *
 * Import, export and calendar files all ask the same: a native file
 * chooser over the window, then work that must not freeze it, then a
 * result or an error the user can read. The job belongs to a widget: when
 * the widget goes, the work is cancelled and nothing calls back into it. */
#define G_LOG_DOMAIN "care-file-job"

#include "config.h"

#include <glib/gi18n.h>

#include "care-file-job.h"
#include "care-view.h"

struct _CareFileJob
{
  GObject parent_instance;

  /* Borrowed references */
  GtkWidget *widget; /* weak: cleared when it is disposed */

  /* Owned references */
  GtkFileChooserNative *native;
  GCancellable         *cancellable;
  GFile                *file;
  GHashTable           *filter_ids; /* GtkFileFilter → id */

  CareFileJobStartFunc start;
  CareFileJobDoneFunc  done;
  gpointer             user_data;
  int                  filter_id;
};

G_DEFINE_FINAL_TYPE (CareFileJob, care_file_job, G_TYPE_OBJECT)

/* Ends a run: the reference taken by care_file_job_run() goes. */
static void
finish_run (CareFileJob *self, GAsyncResult *result)
{
  if (self->widget != NULL && self->done != NULL)
    self->done (self, result, self->user_data);
  g_object_unref (self);
}

static void
job_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  finish_run (CARE_FILE_JOB (user_data), result);
}

static void
widget_gone_cb (gpointer data, GObject *where_the_widget_was)
{
  CareFileJob *self = data;

  self->widget = NULL;
  g_cancellable_cancel (self->cancellable);

  /* A chooser still open never answers once destroyed: end the run here.
   * A job already started ends when its cancelled work reports back. */
  if (self->native != NULL && self->start != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->native, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->native));
      g_clear_object (&self->native);
      finish_run (self, NULL);
    }
}

static void
native_response_cb (GtkNativeDialog *native, int response, CareFileJob *self)
{
  GtkFileFilter *filter;

  g_debug ("The chooser answered %d", response);
  if (response == GTK_RESPONSE_ACCEPT && self->widget != NULL)
    {
      self->file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (native));
      if (filter != NULL && g_hash_table_contains (self->filter_ids, filter))
        self->filter_id = GPOINTER_TO_INT (g_hash_table_lookup (self->filter_ids, filter));
    }

  g_signal_handlers_disconnect_by_data (native, self);
  gtk_native_dialog_destroy (native);
  g_clear_object (&self->native);

  if (self->file == NULL)
    {
      finish_run (self, NULL);
      return;
    }

  g_debug ("Chose %s", g_file_peek_path (self->file));
  self->start (self, self->file, self->cancellable, job_done_cb, self);
}

static void
care_file_job_dispose (GObject *object)
{
  CareFileJob *self = CARE_FILE_JOB (object);

  if (self->widget != NULL)
    {
      g_object_weak_unref (G_OBJECT (self->widget), widget_gone_cb, self);
      self->widget = NULL;
    }
  if (self->native != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->native, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->native));
    }
  g_clear_object (&self->native);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->file);
  g_clear_pointer (&self->filter_ids, g_hash_table_unref);

  G_OBJECT_CLASS (care_file_job_parent_class)->dispose (object);
}

static void
care_file_job_class_init (CareFileJobClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = care_file_job_dispose;
}

static void
care_file_job_init (CareFileJob *self)
{
  self->cancellable = g_cancellable_new ();
  self->filter_ids = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->filter_id = -1;
}

/**
 * care_file_job_new:
 * @widget: the widget the work is for; the chooser is modal over its window
 * @action: %GTK_FILE_CHOOSER_ACTION_OPEN or %GTK_FILE_CHOOSER_ACTION_SAVE
 */
CareFileJob *
care_file_job_new (GtkWidget           *widget,
                   GtkFileChooserAction action,
                   const char          *title,
                   const char          *accept_label)
{
  CareFileJob *self;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  self = g_object_new (CARE_TYPE_FILE_JOB, NULL);
  self->widget = widget;
  g_object_weak_ref (G_OBJECT (widget), widget_gone_cb, self);
  self->native = gtk_file_chooser_native_new (title, care_view_get_window (widget), action,
                                              accept_label, _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->native), TRUE);
  return self;
}

/* Adds a filter matching @suffixes (without dots); the first one added is
 * selected. care_file_job_get_filter_id() tells which one the user chose. */
void
care_file_job_add_filter (CareFileJob *self, int id, const char *name, const char *const *suffixes)
{
  care_file_job_add_mime_filter (self, id, name, NULL, suffixes);
}

/* Like care_file_job_add_filter(), also matching files of @mime_type. */
void
care_file_job_add_mime_filter (
    CareFileJob *self, int id, const char *name, const char *mime_type, const char *const *suffixes)
{
  GtkFileFilter *filter;

  g_return_if_fail (CARE_IS_FILE_JOB (self));
  g_return_if_fail (self->native != NULL);

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, name);
  if (mime_type != NULL)
    gtk_file_filter_add_mime_type (filter, mime_type);
  for (guint i = 0; suffixes[i] != NULL; i++)
    gtk_file_filter_add_suffix (filter, suffixes[i]);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->native), filter);
  g_hash_table_insert (self->filter_ids, filter, GINT_TO_POINTER (id));
}

void
care_file_job_set_current_name (CareFileJob *self, const char *name)
{
  g_return_if_fail (CARE_IS_FILE_JOB (self));
  g_return_if_fail (self->native != NULL);

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->native), name);
}

/**
 * care_file_job_run:
 * @start: starts the work once a file is chosen
 * @done: (nullable): receives its result
 *
 * Shows the chooser. The job keeps itself alive until @done has run, so
 * the caller may drop its reference at once.
 */
void
care_file_job_run (CareFileJob         *self,
                   CareFileJobStartFunc start,
                   CareFileJobDoneFunc  done,
                   gpointer             user_data)
{
  g_return_if_fail (CARE_IS_FILE_JOB (self));
  g_return_if_fail (self->native != NULL && start != NULL);

  self->start = start;
  self->done = done;
  self->user_data = user_data;

  g_object_ref (self);
  g_signal_connect (self->native, "response", G_CALLBACK (native_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->native));
}

/* The widget the job is for, or NULL once it is gone. */
GtkWidget *
care_file_job_get_widget (CareFileJob *self)
{
  g_return_val_if_fail (CARE_IS_FILE_JOB (self), NULL);

  return self->widget;
}

/* The id of the filter shown when the user accepted, or -1. */
int
care_file_job_get_filter_id (CareFileJob *self)
{
  g_return_val_if_fail (CARE_IS_FILE_JOB (self), -1);

  return self->filter_id;
}

/* The chosen file's name as a user knows it, for messages. */
char *
care_file_job_get_display_name (CareFileJob *self)
{
  g_return_val_if_fail (CARE_IS_FILE_JOB (self), NULL);

  if (self->file == NULL)
    return g_strdup ("");
  if (g_file_peek_path (self->file) != NULL)
    return g_filename_display_basename (g_file_peek_path (self->file));
  return g_file_get_basename (self->file);
}

/* Whether the chosen file's name ends in "." and one of @suffixes, in any case. */
gboolean
care_file_job_has_suffix (CareFileJob *self, const char *const *suffixes)
{
  g_autofree char *base = NULL;
  g_autofree char *lower = NULL;

  g_return_val_if_fail (CARE_IS_FILE_JOB (self), FALSE);

  if (self->file == NULL)
    return FALSE;

  base = g_file_get_basename (self->file);
  lower = g_utf8_strdown (base, -1);
  for (guint i = 0; suffixes[i] != NULL; i++)
    {
      g_autofree char *dotted = g_strconcat (".", suffixes[i], NULL);

      if (g_str_has_suffix (lower, dotted))
        return TRUE;
    }
  return FALSE;
}

/* Tells the user what went wrong in a dialog over the window, which stays
 * until read: a file left unchanged is worth more than a passing toast.
 * A cancelled job is not an error and shows nothing. */
void
care_file_job_show_error (CareFileJob *self, const char *heading, const GError *error)
{
  GtkWidget *dialog;

  g_return_if_fail (CARE_IS_FILE_JOB (self));

  g_debug ("%s: %s", heading, error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->widget == NULL)
    return;

  dialog = adw_message_dialog_new (care_view_get_window (self->widget), heading, error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}
