/* care-file-job.h: choose a file, then run an async job on it. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CARE_TYPE_FILE_JOB (care_file_job_get_type ())
G_DECLARE_FINAL_TYPE (CareFileJob, care_file_job, CARE, FILE_JOB, GObject)

/* Starts the work on the chosen @file; it reports to @callback. */
typedef void (*CareFileJobStartFunc) (CareFileJob        *job,
                                      GFile              *file,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            callback_data);
/* Called once per run while the widget lives: @result is NULL when the user
 * chose no file, else the result to pass to the job's _finish(). */
typedef void (*CareFileJobDoneFunc) (CareFileJob *job, GAsyncResult *result, gpointer user_data);

CareFileJob *care_file_job_new (GtkWidget           *widget,
                                GtkFileChooserAction action,
                                const char          *title,
                                const char          *accept_label);
void
care_file_job_add_filter (CareFileJob *self, int id, const char *name, const char *const *suffixes);
void care_file_job_add_mime_filter (CareFileJob       *self,
                                    int                id,
                                    const char        *name,
                                    const char        *mime_type,
                                    const char *const *suffixes);
void care_file_job_set_current_name (CareFileJob *self, const char *name);
void care_file_job_run (CareFileJob         *self,
                        CareFileJobStartFunc start,
                        CareFileJobDoneFunc  done,
                        gpointer             user_data);

GtkWidget *care_file_job_get_widget (CareFileJob *self);
int        care_file_job_get_filter_id (CareFileJob *self);
char      *care_file_job_get_display_name (CareFileJob *self);
gboolean   care_file_job_has_suffix (CareFileJob *self, const char *const *suffixes);
void       care_file_job_show_error (CareFileJob *self, const char *heading, const GError *error);

G_END_DECLS
