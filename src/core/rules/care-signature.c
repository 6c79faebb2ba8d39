/* care-signature.c: a handwritten signature as strokes, stored as SVG path data.
 *
 * Why SVG path data rather than a PNG in base64: a signature is a few
 * strokes, and as "M x y L x y …" text it takes a few kilobytes where a PNG
 * of useful resolution takes tens once base64-encoded (a third more again);
 * it is vector, so the PDF prints it sharp at any size; it diffs and merges
 * as text through the sync; and it needs no image decoder. Only a tiny,
 * strictly parsed subset is accepted (absolute M and L with bounded decimal
 * numbers), so a hostile value can neither smuggle markup into a renderer
 * nor make one allocate without limit. */
#define G_LOG_DOMAIN "care-signature"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "care-signature.h"
#include "care-workflow.h"

struct _CareSignature
{
  GPtrArray *strokes; /* GArray of CareSignaturePoint, each with at least one point */
  guint      n_points;
};

G_DEFINE_BOXED_TYPE (CareSignature, care_signature, care_signature_copy, care_signature_free)

static void
free_stroke (gpointer stroke)
{
  g_array_unref (stroke);
}

CareSignature *
care_signature_new (void)
{
  CareSignature *self = g_new0 (CareSignature, 1);

  self->strokes = g_ptr_array_new_with_free_func (free_stroke);
  return self;
}

CareSignature *
care_signature_copy (CareSignature *self)
{
  CareSignature *copy = care_signature_new ();

  for (guint i = 0; i < self->strokes->len; i++)
    {
      GArray *s = g_ptr_array_index (self->strokes, i);
      GArray *c = g_array_sized_new (FALSE, FALSE, sizeof (CareSignaturePoint), s->len);

      g_array_append_vals (c, s->data, s->len);
      g_ptr_array_add (copy->strokes, c);
    }
  copy->n_points = self->n_points;
  return copy;
}

void
care_signature_free (CareSignature *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->strokes);
  g_free (self);
}

static gboolean
valid_point (double x, double y)
{
  return isfinite (x) && isfinite (y) && x >= 0 && y >= 0 && x <= CARE_SIGNATURE_MAX_COORD &&
         y <= CARE_SIGNATURE_MAX_COORD;
}

/* Starts a new stroke (pen down). FALSE when the point is out of range or
 * the signature is full; the capture then simply stops adding. */
gboolean
care_signature_begin_stroke (CareSignature *self, double x, double y)
{
  GArray            *stroke;
  CareSignaturePoint p = { x, y };

  g_return_val_if_fail (self != NULL, FALSE);

  if (!valid_point (x, y) || self->n_points >= CARE_SIGNATURE_MAX_POINTS)
    return FALSE;

  stroke = g_array_new (FALSE, FALSE, sizeof (CareSignaturePoint));
  g_array_append_val (stroke, p);
  g_ptr_array_add (self->strokes, stroke);
  self->n_points++;
  return TRUE;
}

/* Extends the current stroke; starts one when there is none. */
gboolean
care_signature_add_point (CareSignature *self, double x, double y)
{
  CareSignaturePoint p = { x, y };

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->strokes->len == 0)
    return care_signature_begin_stroke (self, x, y);
  if (!valid_point (x, y) || self->n_points >= CARE_SIGNATURE_MAX_POINTS)
    return FALSE;

  g_array_append_val (g_ptr_array_index (self->strokes, self->strokes->len - 1), p);
  self->n_points++;
  return TRUE;
}

gboolean
care_signature_is_empty (CareSignature *self)
{
  return self == NULL || self->strokes->len == 0;
}

guint
care_signature_get_n_strokes (CareSignature *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->strokes->len;
}

const CareSignaturePoint *
care_signature_get_stroke (CareSignature *self, guint index, guint *n_points)
{
  GArray *stroke;

  g_return_val_if_fail (self != NULL && index < self->strokes->len, NULL);

  stroke = g_ptr_array_index (self->strokes, index);
  if (n_points != NULL)
    *n_points = stroke->len;
  return (const CareSignaturePoint *) (gpointer) stroke->data;
}

/* The box around every point; FALSE for an empty signature. */
gboolean
care_signature_get_bounds (CareSignature *self, double *x0, double *y0, double *x1, double *y1)
{
  double ax = G_MAXDOUBLE, ay = G_MAXDOUBLE, bx = -G_MAXDOUBLE, by = -G_MAXDOUBLE;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->strokes->len == 0)
    return FALSE;

  for (guint i = 0; i < self->strokes->len; i++)
    {
      GArray *stroke = g_ptr_array_index (self->strokes, i);

      for (guint j = 0; j < stroke->len; j++)
        {
          CareSignaturePoint *p = &g_array_index (stroke, CareSignaturePoint, j);
          ax = MIN (ax, p->x);
          ay = MIN (ay, p->y);
          bx = MAX (bx, p->x);
          by = MAX (by, p->y);
        }
    }

  *x0 = ax;
  *y0 = ay;
  *x1 = bx;
  *y1 = by;
  return TRUE;
}

static void
append_number (GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* A tenth of a unit is below what a finger or stylus resolves. */
  g_ascii_formatd (buf, sizeof buf, "%.1f", round (v * 10) / 10);
  if (g_str_has_suffix (buf, ".0"))
    buf[strlen (buf) - 2] = '\0';
  g_string_append (s, buf);
}

/* The stored form: "M x y L x y L x y M …", NULL for an empty signature. */
char *
care_signature_to_path (CareSignature *self)
{
  GString *s;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->strokes->len == 0)
    return NULL;

  s = g_string_new (NULL);
  for (guint i = 0; i < self->strokes->len; i++)
    {
      GArray *stroke = g_ptr_array_index (self->strokes, i);

      for (guint j = 0; j < stroke->len; j++)
        {
          CareSignaturePoint *p = &g_array_index (stroke, CareSignaturePoint, j);

          if (s->len > 0)
            g_string_append_c (s, ' ');
          g_string_append (s, j == 0 ? "M" : "L");
          append_number (s, p->x);
          g_string_append_c (s, ' ');
          append_number (s, p->y);
        }
    }

  return g_string_free (s, FALSE);
}

static void
skip_separators (const char **p)
{
  while (**p == ' ' || **p == ',' || **p == '\n' || **p == '\t' || **p == '\r')
    (*p)++;
}

/* A plain decimal: digits, an optional fraction; no sign, exponent or hex. */
static gboolean
read_number (const char **p, double *out)
{
  const char *start = *p;
  const char *q = *p;
  char        buf[32];

  while (g_ascii_isdigit (*q))
    q++;
  if (*q == '.')
    {
      q++;
      while (g_ascii_isdigit (*q))
        q++;
    }
  if (q == start || (q == start + 1 && *start == '.') || (gsize) (q - start) >= sizeof buf)
    return FALSE;

  memcpy (buf, start, (gsize) (q - start));
  buf[q - start] = '\0';
  *out = g_ascii_strtod (buf, NULL);
  *p = q;
  return TRUE;
}

static CareSignature *
parse_failed (CareSignature *self, GError **error, const char *why)
{
  care_signature_free (self);
  /* TRANSLATORS: %s says what is wrong with the stored signature */
  g_set_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID,
               _ ("The signature is unreadable: %s"), why);
  return NULL;
}

/**
 * care_signature_parse:
 * @path: SVG path data made of absolute M and L commands
 *
 * Reads a stored signature. As in SVG, coordinate pairs after an M without
 * a new command continue the stroke. Anything else (other commands,
 * negative or huge numbers, too many points) is refused.
 */
CareSignature *
care_signature_parse (const char *path, GError **error)
{
  CareSignature *self = care_signature_new ();
  const char    *p = path;
  char           command = 0;

  if (path == NULL || !g_utf8_validate (path, -1, NULL))
    return parse_failed (self, error, _ ("not text"));

  skip_separators (&p);
  while (*p != '\0')
    {
      double x, y;

      if (*p == 'M' || *p == 'L')
        {
          command = *p++;
          skip_separators (&p);
        }
      if (command == 0 || (command == 'L' && self->strokes->len == 0))
        return parse_failed (self, error, _ ("it must start with a move"));

      if (!read_number (&p, &x))
        return parse_failed (self, error, _ ("a coordinate is not a plain number"));
      skip_separators (&p);
      if (!read_number (&p, &y))
        return parse_failed (self, error, _ ("a coordinate is not a plain number"));
      skip_separators (&p);

      if (!valid_point (x, y))
        return parse_failed (self, error, _ ("a point lies outside the drawing area"));
      if (self->n_points >= CARE_SIGNATURE_MAX_POINTS)
        return parse_failed (self, error, _ ("too many points"));

      if (command == 'M')
        {
          care_signature_begin_stroke (self, x, y);
          command = 'L'; /* further pairs continue the stroke */
        }
      else
        care_signature_add_point (self, x, y);
    }

  return self;
}
