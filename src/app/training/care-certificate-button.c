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

#include "care-attendance.h"
#include "care-certificate-button.h"
#include "care-pdf.h"
#include "care-view.h"

struct _CareCertificateButton
{
  GtkButton parent_instance;

  /* Owned references */
  CareContext          *context;
  char                 *contact_id;
  char                 *course_id;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (CareCertificateButton, care_certificate_button, GTK_TYPE_BUTTON)

/* Helpers */

static CareStore *
store (CareCertificateButton *self)
{
  return care_context_get_store (self->context);
}

static char *
record_string (CareCertificateButton *self,
               const char            *entity,
               const char            *id,
               const char            *field)
{
  g_autoptr (CareRecord) record = care_store_load (store (self), care_schema_lookup (entity), id, NULL);

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
    why = g_strdup_printf (ngettext ("A certificate needs every session attended: %u of %u session so far",
                                     "A certificate needs every session attended: %u of %u sessions so far",
                                     attendance.n_sessions),
                           attendance.n_attended, attendance.n_sessions);

  gtk_widget_set_sensitive (GTK_WIDGET (self), completed);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), completed ? _ ("Save the certificate of attendance as a PDF") : why);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  completed ? _ ("Save the certificate of attendance as a PDF") : why, -1);
}

static void
save (CareCertificateButton *self,
      GFile                 *file)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *company = g_settings_get_string (care_context_get_settings (self->context), "company-name");
  g_autofree char *message = NULL;
  g_autofree char *basename = g_file_get_basename (file);
  CarePdfOptions   options = { .company_name = company };

  if (care_pdf_write_certificate (store (self), self->contact_id, self->course_id, &options, file, &error))
    /* TRANSLATORS: a toast: "Certificate saved as Certificate - Ana Costa.pdf" */
    message = g_strdup_printf (_ ("Certificate saved as %s"), basename);
  else
    message = g_strdup_printf (_ ("The certificate could not be saved: %s"), error->message);
  care_view_add_toast (self, adw_toast_new (message));
}

/* Callbacks */

static void
chooser_response_cb (GtkNativeDialog       *chooser,
                     int                    response,
                     CareCertificateButton *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        save (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
care_certificate_button_clicked (GtkButton *button)
{
  CareCertificateButton *self = CARE_CERTIFICATE_BUTTON (button);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = record_string (self, "contact", self->contact_id, "name");
  g_autofree char *title = record_string (self, "training_course", self->course_id, "title");
  g_autofree char *file_name = NULL;

  if (self->chooser != NULL)
    return;

  /* TRANSLATORS: the suggested file name: "Certificate - Ana Costa - LedgerOne Basics.pdf" */
  file_name = g_strdup_printf (_ ("Certificate - %s - %s.pdf"), name != NULL ? name : "", title != NULL ? title : "");
  g_strdelimit (file_name, "/\\", '-');

  self->chooser = gtk_file_chooser_native_new (_ ("Save Certificate"), care_view_get_window (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _ ("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), file_name);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Overrides */

static void
care_certificate_button_dispose (GObject *object)
{
  CareCertificateButton *self = CARE_CERTIFICATE_BUTTON (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
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
care_certificate_button_new (CareContext *context,
                             const char  *contact_id,
                             const char  *course_id)
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

  name = record_string (self, "contact", contact_id, "name");
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
