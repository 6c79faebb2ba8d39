/* care-signature-pad.h: a box the customer signs in with a mouse, pen or finger. */
#pragma once

#include <gtk/gtk.h>

#include "care-signature.h"

G_BEGIN_DECLS

#define CARE_TYPE_SIGNATURE_PAD (care_signature_pad_get_type ())
G_DECLARE_FINAL_TYPE (CareSignaturePad, care_signature_pad, CARE, SIGNATURE_PAD, GtkWidget)

CareSignature *care_signature_pad_get_signature (CareSignaturePad *self);
void           care_signature_pad_set_signature (CareSignaturePad *self, CareSignature *signature);
gboolean       care_signature_pad_is_empty (CareSignaturePad *self);
void           care_signature_pad_clear (CareSignaturePad *self);

G_END_DECLS
