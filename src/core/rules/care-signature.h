/* care-signature.h: a handwritten signature as strokes, stored as SVG path data. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Coordinates are in any unit the capture used (e.g. widget pixels): the
 * renderers scale the drawing to fit their box. */
#define CARE_SIGNATURE_MAX_COORD  100000.0
#define CARE_SIGNATURE_MAX_POINTS 20000

typedef struct
{
  double x;
  double y;
} CareSignaturePoint;

typedef struct _CareSignature CareSignature;

#define CARE_TYPE_SIGNATURE (care_signature_get_type ())

GType          care_signature_get_type (void) G_GNUC_CONST;
CareSignature *care_signature_new (void);
CareSignature *care_signature_copy (CareSignature *self);
void           care_signature_free (CareSignature *self);

CareSignature *care_signature_parse (const char *path, GError **error);
char          *care_signature_to_path (CareSignature *self);

gboolean care_signature_begin_stroke (CareSignature *self, double x, double y);
gboolean care_signature_add_point (CareSignature *self, double x, double y);
gboolean care_signature_is_empty (CareSignature *self);
guint    care_signature_get_n_strokes (CareSignature *self);
const CareSignaturePoint *
care_signature_get_stroke (CareSignature *self, guint index, guint *n_points);
gboolean
care_signature_get_bounds (CareSignature *self, double *x0, double *y0, double *x1, double *y1);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareSignature, care_signature_free)

G_END_DECLS
