/* care-json-parse.c: parses JSON from the network with a nesting limit, refusing NUL characters.
 *
 * json-glib 1.6 cannot be handed hostile text as it is:
 *  - its parser recurses once per nested array or object with no limit, so
 *    100,000 "[" overflow the stack of the thread that parses;
 *  - it reads strings into C strings, so "Ada\u0000Evil" silently becomes
 *    "Ada";
 *  - its scanner (a GScanner) also takes comments, 'single-quoted' strings
 *    and hex numbers, so a cheap bracket count that does not know them can
 *    be fooled into skipping brackets the parser will see.
 * So the text is first checked here against strict JSON (RFC 8259) with an
 * iterative scanner that counts the depth, refuses \u0000 and lone
 * surrogates, and only then given to json-glib, which sees nothing but
 * strict JSON of bounded depth. */
#define G_LOG_DOMAIN "care-json-parse"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "care-json-parse.h"

G_DEFINE_QUARK (care_json_parse_error_quark, care_json_parse_error)

typedef struct
{
  const guchar *start;
  const guchar *p;
  const guchar *end;
} Scan;

static gboolean
syntax_error (Scan *scan, GError **error)
{
  g_set_error (error, CARE_JSON_PARSE_ERROR, CARE_JSON_PARSE_ERROR_SYNTAX,
               _ ("not valid JSON at byte %lu"), (gulong) (scan->p - scan->start));
  return FALSE;
}

static void
skip_space (Scan *scan)
{
  while (scan->p < scan->end &&
         (*scan->p == ' ' || *scan->p == '\t' || *scan->p == '\n' || *scan->p == '\r'))
    scan->p++;
}

static gboolean
expect_literal (Scan *scan, const char *literal, GError **error)
{
  for (const char *l = literal; *l != '\0'; l++, scan->p++)
    if (scan->p >= scan->end || *scan->p != (guchar) *l)
      return syntax_error (scan, error);
  return TRUE;
}

static gboolean
read_hex4 (Scan *scan, guint *out_value)
{
  guint value = 0;

  if (scan->end - scan->p < 4)
    return FALSE;

  for (int i = 0; i < 4; i++, scan->p++)
    {
      int digit = g_ascii_xdigit_value (*scan->p);

      if (digit < 0)
        return FALSE;
      value = value * 16 + (guint) digit;
    }

  *out_value = value;
  return TRUE;
}

/* A string, from just after its opening quote to just after its closing one. */
static gboolean
scan_string (Scan *scan, GError **error)
{
  while (scan->p < scan->end)
    {
      guchar c = *scan->p;
      guint  code;

      if (c == '"')
        {
          scan->p++;
          return TRUE;
        }

      /* Control characters must be escaped in JSON. */
      if (c < 0x20)
        return syntax_error (scan, error);

      if (c != '\\')
        {
          scan->p++;
          continue;
        }

      scan->p++;
      if (scan->p >= scan->end)
        return syntax_error (scan, error);

      c = *scan->p++;
      if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' ||
          c == 't')
        continue;
      if (c != 'u' || !read_hex4 (scan, &code))
        return syntax_error (scan, error);

      if (code == 0)
        {
          g_set_error (error, CARE_JSON_PARSE_ERROR, CARE_JSON_PARSE_ERROR_NUL,
                       _ ("a string holds a NUL character (\\u0000) at byte %lu"),
                       (gulong) (scan->p - scan->start - 6));
          return FALSE;
        }

      /* A string is Unicode text: a surrogate must come in a pair. */
      if (code >= 0xDC00 && code <= 0xDFFF)
        return syntax_error (scan, error);
      if (code >= 0xD800 && code <= 0xDBFF)
        {
          guint low;

          if (scan->end - scan->p < 2 || scan->p[0] != '\\' || scan->p[1] != 'u')
            return syntax_error (scan, error);
          scan->p += 2;
          if (!read_hex4 (scan, &low) || low < 0xDC00 || low > 0xDFFF)
            return syntax_error (scan, error);
        }
    }

  return syntax_error (scan, error);
}

static gboolean
scan_digits (Scan *scan)
{
  const guchar *first = scan->p;

  while (scan->p < scan->end && g_ascii_isdigit (*scan->p))
    scan->p++;
  return scan->p > first;
}

/* The text of a number (see scan_number()). */
static gboolean
scan_number_text (Scan *scan, GError **error)
{
  if (scan->p < scan->end && *scan->p == '-')
    scan->p++;

  if (scan->p < scan->end && *scan->p == '0')
    scan->p++;
  else if (!scan_digits (scan))
    return syntax_error (scan, error);

  if (scan->p < scan->end && *scan->p == '.')
    {
      scan->p++;
      if (!scan_digits (scan))
        return syntax_error (scan, error);
    }

  if (scan->p < scan->end && (*scan->p == 'e' || *scan->p == 'E'))
    {
      scan->p++;
      if (scan->p < scan->end && (*scan->p == '+' || *scan->p == '-'))
        scan->p++;
      if (!scan_digits (scan))
        return syntax_error (scan, error);
    }

  return TRUE;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, in range. json-glib 1.6
 * wraps an integer beyond 64 bits without a word (-12345678901234567890123
 * becomes 1, 9223372036854775808 becomes the most negative integer), and
 * reads 1E400 as infinity, which it prints back as "inf", not JSON: such
 * numbers are refused rather than stored as something nobody sent. */
static gboolean
scan_number (Scan *scan, GError **error)
{
  const guchar *start = scan->p;
  gboolean      integer;

  if (!scan_number_text (scan, error))
    return FALSE;

  {
    g_autofree char *text = g_strndup ((const char *) start, (gsize) (scan->p - start));

    integer = strpbrk (text, ".eE") == NULL;
    if (integer ? !g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, NULL, NULL)
                : isinf (g_ascii_strtod (text, NULL)))
      {
        g_set_error (error, CARE_JSON_PARSE_ERROR, CARE_JSON_PARSE_ERROR_SYNTAX,
                     _ ("a number at byte %lu is too large"), (gulong) (start - scan->start));
        return FALSE;
      }
  }

  return TRUE;
}

/* Checks that @scan holds exactly one strict JSON value nested at most
 * @max_depth deep. Iterative: the containers open are a stack of bytes,
 * '{' or '[', so no input can make this recurse. */
static gboolean
scan_document (Scan *scan, guint max_depth, GError **error)
{
  g_autoptr (GByteArray) stack = g_byte_array_new ();

value:
  skip_space (scan);
  if (scan->p >= scan->end)
    return syntax_error (scan, error);

  switch (*scan->p)
    {
    case '{':
    case '[':
      if (stack->len >= max_depth)
        {
          g_set_error (error, CARE_JSON_PARSE_ERROR, CARE_JSON_PARSE_ERROR_TOO_DEEP,
                       _ ("arrays and objects are nested deeper than %u levels"), max_depth);
          return FALSE;
        }
      g_byte_array_append (stack, scan->p, 1);
      scan->p++;
      skip_space (scan);
      if (scan->p < scan->end && *scan->p == (stack->data[stack->len - 1] == '{' ? '}' : ']'))
        {
          scan->p++;
          g_byte_array_set_size (stack, stack->len - 1);
          goto after_value;
        }
      if (stack->data[stack->len - 1] == '[')
        goto value;
      goto key;
    case '"':
      scan->p++;
      if (!scan_string (scan, error))
        return FALSE;
      goto after_value;
    case 't':
      if (!expect_literal (scan, "true", error))
        return FALSE;
      goto after_value;
    case 'f':
      if (!expect_literal (scan, "false", error))
        return FALSE;
      goto after_value;
    case 'n':
      if (!expect_literal (scan, "null", error))
        return FALSE;
      goto after_value;
    default:
      if (*scan->p != '-' && !g_ascii_isdigit (*scan->p))
        return syntax_error (scan, error);
      if (!scan_number (scan, error))
        return FALSE;
      goto after_value;
    }

key:
  skip_space (scan);
  if (scan->p >= scan->end || *scan->p != '"')
    return syntax_error (scan, error);
  scan->p++;
  if (!scan_string (scan, error))
    return FALSE;
  skip_space (scan);
  if (scan->p >= scan->end || *scan->p != ':')
    return syntax_error (scan, error);
  scan->p++;
  goto value;

after_value:
  skip_space (scan);
  if (stack->len == 0)
    return scan->p == scan->end || syntax_error (scan, error);
  if (scan->p >= scan->end)
    return syntax_error (scan, error);

  if (*scan->p == ',')
    {
      scan->p++;
      if (stack->data[stack->len - 1] == '[')
        goto value;
      goto key;
    }

  if (*scan->p == (stack->data[stack->len - 1] == '{' ? '}' : ']'))
    {
      scan->p++;
      g_byte_array_set_size (stack, stack->len - 1);
      goto after_value;
    }

  return syntax_error (scan, error);
}

/**
 * care_json_parse_bounded:
 * @data: the text, not necessarily NUL-terminated
 * @len: its length in bytes
 * @max_depth: how deep arrays and objects may nest (CARE_JSON_MAX_DEPTH)
 * @error: a CARE_JSON_PARSE_ERROR
 *
 * Parses one strict JSON document (RFC 8259) without trusting it: invalid
 * UTF-8, NUL characters, lone surrogates, nesting deeper than @max_depth
 * and anything json-glib accepts beyond JSON (comments, single quotes, hex
 * numbers) are refused before json-glib's recursive parser sees the text.
 *
 * Returns: (transfer full): the root node, or %NULL with @error set
 */
JsonNode *
care_json_parse_bounded (const char *data, gsize len, guint max_depth, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local_error = NULL;
  Scan      scan = { (const guchar *) data, (const guchar *) data, (const guchar *) data + len };
  JsonNode *root;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  /* With a length, g_utf8_validate_len() also refuses NUL bytes. */
  if (len > 0 && !g_utf8_validate_len (data, len, NULL))
    {
      g_set_error_literal (error, CARE_JSON_PARSE_ERROR, CARE_JSON_PARSE_ERROR_NOT_UTF8,
                           _ ("the text is not valid UTF-8"));
      return NULL;
    }

  skip_space (&scan);
  if (scan.p == scan.end)
    {
      g_set_error_literal (error, CARE_JSON_PARSE_ERROR, CARE_JSON_PARSE_ERROR_EMPTY,
                           _ ("there is no JSON value"));
      return NULL;
    }

  scan.p = scan.start;
  if (!scan_document (&scan, max_depth, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local_error))
    {
      g_set_error (error, CARE_JSON_PARSE_ERROR, CARE_JSON_PARSE_ERROR_SYNTAX, "%s",
                   local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, CARE_JSON_PARSE_ERROR, CARE_JSON_PARSE_ERROR_EMPTY,
                           _ ("there is no JSON value"));
      return NULL;
    }

  return json_node_ref (root);
}
