/* care-certificate-button.c: saves a participant's certificate of attendance as a PDF.
 *
 * The button is sensitive only for a participant who attended every
 * session of the course they were confirmed in; otherwise its tooltip and
 * accessible description say how far they got. The training view builds
 * new buttons when enrolments change, and has a button check again when it
 * records an attendance itself, so ticking the last box enables it. */
#define G_LOG_DOMAIN "care-certificate-button"

#include "config.h"

#include <glib/gi18n.h>

#include "care-company.h"
#include "care-attendance.h"
#include "care-certificate-button.h"
#include "care-file-job.h"
#include "care-pdf.h"
#include "care-view.h"

struct _CareCertificateButton
{
  GtkButton parent_instance;

  /* Owned references */
  CareContext *context;
  char        *contact_id;
  char        *course_id;

  /* Borrowed references */
  CareFileJob *job; /* weak: the chooser or the save under way */
};

G_DEFINE_FINAL_TYPE (CareCertificateButton, care_certificate_button, GTK_TYPE_BUTTON)

/* Helpers */

static CareStore *
store (CareCertificateButton *self)
{
  return care_context_get_store (self->context);
}

static char *
record_string (CareCertificateButton *self, CareEntityId entity, const char *id, const char *field)
{
  g_autoptr (CareRecord) record =
      care_view_load_record (self, store (self), care_schema_entity (entity), id);

  return record != NULL ? g_strdup (care_record_get_string (record, field)) : NULL;
}

static void
update (CareCertificateButton *self)
{
  g_auto (CareAttendance) attendance = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *why = NULL;
  gboolean         completed = FALSE;

  if (!care_attendance_check (store (self), self->contact_id, self->course_id, &attendance, &error))
    why = g_strdup_printf (_ ("The attendance could not be read: %s"), error->message);
  else if (!(completed = care_attendance_completed (&attendance)))
    /* TRANSLATORS: why the Certificate button is disabled */
    why = g_strdup_printf (
        ngettext ("A certificate needs every session attended: %u of %u session so far",
                  "A certificate needs every session attended: %u of %u sessions so far",
                  attendance.n_sessions),
        attendance.n_attended, attendance.n_sessions);

  gtk_widget_set_sensitive (GTK_WIDGET (self), completed);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               completed ? _ ("Save the certificate of attendance as a PDF") : why);
  gtk_accessible_update_property (
      GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
      completed ? _ ("Save the certificate of attendance as a PDF") : why, -1);
}

static const char *const pdf_suffixes[] = { "pdf", NULL };

static void
save_start (CareFileJob        *job,
            GFile              *file,
            GCancellable       *cancellable,
            GAsyncReadyCallback callback,
            gpointer            callback_data)
{
  CareCertificateButton *self = CARE_CERTIFICATE_BUTTON (care_file_job_get_widget (job));
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, callback_data);
  g_autoptr (GError) error = NULL;
  g_autoptr (CareCompany) company = care_company_load (care_context_get_settings (self->context));
  CarePdfOptions options = { 0 };

  care_company_apply (company, &options);
  g_task_set_source_tag (task, save_start);
  g_task_set_task_data (task, g_file_get_basename (file), g_free);
  if (care_pdf_write_certificate (store (self), self->contact_id, self->course_id, &options, file,
                                  &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/* Callbacks */

static void
save_done (CareFileJob *job, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  const char      *basename;

  if (result == NULL)
    return;

  basename = g_task_get_task_data (G_TASK (result));
  if (g_task_propagate_boolean (G_TASK (result), &error))
    /* TRANSLATORS: a toast: "Certificate saved as Certificate - Ana Costa.pdf" */
    message = g_strdup_printf (_ ("Certificate saved as %s"), basename);
  else
    message = g_strdup_printf (_ ("The certificate could not be saved: %s"), error->message);
  care_view_add_toast (care_file_job_get_widget (job), adw_toast_new (message));
}

static void
save_certificate (GObject *owner)
{
  CareCertificateButton *self = CARE_CERTIFICATE_BUTTON (owner);
  g_autoptr (CareFileJob) job = NULL;
  g_autofree char *name = record_string (self, CARE_ENTITY_CONTACT, self->contact_id, "name");
  g_autofree char *title =
      record_string (self, CARE_ENTITY_TRAINING_COURSE, self->course_id, "title");
  g_autofree char *file_name = NULL;

  if (self->job != NULL)
    return;

  /* TRANSLATORS: the suggested file name: "Certificate - Ana Costa - LedgerOne Basics.pdf" */
  file_name = g_strdup_printf (_ ("Certificate - %s - %s.pdf"), name != NULL ? name : "",
                               title != NULL ? title : "");
  g_strdelimit (file_name, "/\\", '-');

  job = care_file_job_new (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_SAVE, _ ("Save Certificate"),
                           _ ("_Save"));
  care_file_job_add_mime_filter (job, 0, _ ("PDF documents"), "application/pdf", pdf_suffixes);
  care_file_job_set_current_name (job, file_name);
  g_set_weak_pointer (&self->job, job);
  care_file_job_run (job, save_start, save_done, NULL);
}

static void
care_certificate_button_clicked (GtkButton *button)
{
  CareCertificateButton *self = CARE_CERTIFICATE_BUTTON (button);

  if (self->job != NULL)
    return;
  care_company_ask_once (GTK_WIDGET (self), care_context_get_settings (self->context),
                         G_OBJECT (self), save_certificate);
}

/* Overrides */

static void
care_certificate_button_dispose (GObject *object)
{
  CareCertificateButton *self = CARE_CERTIFICATE_BUTTON (object);

  g_clear_weak_pointer (&self->job);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (care_certificate_button_parent_class)->dispose (object);
}

static void
care_certificate_button_finalize (GObject *object)
{
  CareCertificateButton *self = CARE_CERTIFICATE_BUTTON (object);

  g_free (self->contact_id);
  g_free (self->course_id);

  G_OBJECT_CLASS (care_certificate_button_parent_class)->finalize (object);
}

static void
care_certificate_button_class_init (CareCertificateButtonClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkButtonClass *button_class = GTK_BUTTON_CLASS (klass);

  object_class->dispose = care_certificate_button_dispose;
  object_class->finalize = care_certificate_button_finalize;
  button_class->clicked = care_certificate_button_clicked;
}

static void
care_certificate_button_init (CareCertificateButton *self)
{
  gtk_button_set_label (GTK_BUTTON (self), _ ("Certificate…"));
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self), "flat");
}

/* Public API */

GtkWidget *
care_certificate_button_new (CareContext *context, const char *contact_id, const char *course_id)
{
  CareCertificateButton *self;
  g_autofree char       *name = NULL;
  g_autofree char       *label = NULL;

  g_return_val_if_fail (CARE_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (contact_id != NULL && course_id != NULL, NULL);

  self = g_object_new (CARE_TYPE_CERTIFICATE_BUTTON, NULL);
  self->context = g_object_ref (context);
  self->contact_id = g_strdup (contact_id);
  self->course_id = g_strdup (course_id);

  name = record_string (self, CARE_ENTITY_CONTACT, contact_id, "name");
  /* TRANSLATORS: the accessible name of a button: "Certificate of Ana Costa" */
  label = g_strdup_printf (_ ("Certificate of %s"), name != NULL ? name : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);

  update (self);
  return GTK_WIDGET (self);
}

/* Checks the attendance again, after it was recorded. */
void
care_certificate_button_update (CareCertificateButton *self)
{
  g_return_if_fail (CARE_IS_CERTIFICATE_BUTTON (self));

  update (self);
}
