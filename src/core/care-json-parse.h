/* care-json-parse.h: parses JSON from the network with a nesting limit, refusing NUL characters. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CARE_JSON_PARSE_ERROR (care_json_parse_error_quark ())

typedef enum
{
  CARE_JSON_PARSE_ERROR_EMPTY,    /* nothing but white space */
  CARE_JSON_PARSE_ERROR_NOT_UTF8, /* not UTF-8, or a NUL byte */
  CARE_JSON_PARSE_ERROR_TOO_DEEP, /* arrays and objects nested deeper than allowed */
  CARE_JSON_PARSE_ERROR_NUL,      /* a \u0000 escape in a string */
  CARE_JSON_PARSE_ERROR_SYNTAX,   /* not JSON */
} CareJsonParseError;

/* Deep enough for any document of the protocol (a push nests 5 levels),
 * shallow enough that json-glib's recursive parser never nears the end of
 * a thread's stack. */
#define CARE_JSON_MAX_DEPTH 64

GQuark care_json_parse_error_quark (void);

JsonNode *care_json_parse_bounded (const char *data, gsize len, guint max_depth, GError **error);

G_END_DECLS
