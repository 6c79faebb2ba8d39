/* care-certificate-button.h: saves a participant's certificate of attendance as a PDF. */
#pragma once

#include <gtk/gtk.h>

#include "care-context.h"

G_BEGIN_DECLS

#define CARE_TYPE_CERTIFICATE_BUTTON (care_certificate_button_get_type ())
G_DECLARE_FINAL_TYPE (
    CareCertificateButton, care_certificate_button, CARE, CERTIFICATE_BUTTON, GtkButton)

GtkWidget *
care_certificate_button_new (CareContext *context, const char *contact_id, const char *course_id);
void care_certificate_button_update (CareCertificateButton *self);

G_END_DECLS
