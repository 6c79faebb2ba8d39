/* test-json-parse.c: the bounded JSON parser every network body goes through. */
#include "config.h"

#include <string.h>

#include "care-json-parse.h"

static JsonNode *
parse (const char *text, GError **error)
{
  return care_json_parse_bounded (text, strlen (text), CARE_JSON_MAX_DEPTH, error);
}

static void
assert_refused (const char *text, int code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = parse (text, &error);
  g_autofree char *shown = g_strescape (text, NULL);

  /* Escaped: the TAP output must stay UTF-8 text. */
  g_test_message ("%.60s", shown);
  g_assert_null (node);
  g_assert_error (error, CARE_JSON_PARSE_ERROR, code);
}

/* "[" * n + "]" * n, or the same with objects. */
static char *
nested (guint n, gboolean objects)
{
  GString *s = g_string_sized_new (n * 6 + 2);

  for (guint i = 0; i < n; i++)
    g_string_append (s, objects ? "{\"a\":" : "[");
  g_string_append (s, "1");
  for (guint i = 0; i < n; i++)
    g_string_append_c (s, objects ? '}' : ']');

  return g_string_free (s, FALSE);
}

static void
test_valid (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  JsonObject *obj;

  node = parse (" {\"a\": [1, -0.5e+3, 1e308, true, false, null, \"x\\\"\\\\\\/\\b\\f\\n\\r\\t\"],"
                " \"b\": {}, \"c\": []}\r\n",
                &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  obj = json_node_get_object (node);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj, "a")), ==, 7);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (obj, "a"), 6), ==,
                   "x\"\\/\b\f\n\r\t");
}

/* The extremes of a 64-bit integer are read exactly. */
static void
test_integers (void)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  JsonArray *array;

  node = parse ("[9223372036854775807, -9223372036854775808, -0, 0]", &error);
  g_assert_no_error (error);
  array = json_node_get_array (node);
  g_assert_cmpint (json_array_get_int_element (array, 0), ==, G_MAXINT64);
  g_assert_cmpint (json_array_get_int_element (array, 1), ==, G_MININT64);
  g_assert_cmpint (json_array_get_int_element (array, 2), ==, 0);
}

static void
test_depth (void)
{
  g_autofree char *at_limit = nested (CARE_JSON_MAX_DEPTH, FALSE);
  g_autofree char *over = nested (CARE_JSON_MAX_DEPTH + 1, FALSE);
  g_autofree char *objects_over = nested (CARE_JSON_MAX_DEPTH + 1, TRUE);
  g_autofree char *huge = nested (100000, FALSE);
  g_autofree char *huge_objects = nested (100000, TRUE);
  g_autofree char *unclosed = g_strnfill (100000, '[');
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  node = parse (at_limit, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);

  assert_refused (over, CARE_JSON_PARSE_ERROR_TOO_DEEP);
  assert_refused (objects_over, CARE_JSON_PARSE_ERROR_TOO_DEEP);
  /* What crashed json-glib 1.6 by stack overflow: refused before it parses. */
  assert_refused (huge, CARE_JSON_PARSE_ERROR_TOO_DEEP);
  assert_refused (huge_objects, CARE_JSON_PARSE_ERROR_TOO_DEEP);
  assert_refused (unclosed, CARE_JSON_PARSE_ERROR_TOO_DEEP);
}

static void
test_nul (void)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  assert_refused ("{\"name\": \"Ada\\u0000Evil\"}", CARE_JSON_PARSE_ERROR_NUL);
  assert_refused ("{\"Ada\\u0000\": 1}", CARE_JSON_PARSE_ERROR_NUL);
  assert_refused ("[\"\\u0000\"]", CARE_JSON_PARSE_ERROR_NUL);

  /* A NUL byte is not UTF-8 text at all. */
  {
    const char text[] = "[\"Ada\0Evil\"]";
    g_autoptr (JsonNode) raw = care_json_parse_bounded (text, sizeof text - 1, 8, &error);

    g_assert_null (raw);
    g_assert_error (error, CARE_JSON_PARSE_ERROR, CARE_JSON_PARSE_ERROR_NOT_UTF8);
    g_clear_error (&error);
  }

  /* An escaped backslash before "u0000" is just text. */
  node = parse ("[\"\\\\u0000\"]", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (node), 0), ==, "\\u0000");
}

static void
test_unicode (void)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  node = parse ("[\"\\u00e9\\ud83d\\ude00\", \"é😀\"]", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (node), 0), ==, "é😀");
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (node), 1), ==, "é😀");

  /* A lone surrogate is no character: json-glib would write invalid UTF-8. */
  assert_refused ("[\"\\ud83d\"]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[\"\\ude00\"]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[\"\\ud83d\\u0041\"]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[\"\xc3\x28\"]", CARE_JSON_PARSE_ERROR_NOT_UTF8);
}

/* What json-glib's scanner takes beyond JSON is refused: a comment or a
 * single-quoted string could otherwise hide brackets from the depth count. */
static void
test_not_json (void)
{
  g_autofree char *hidden = NULL;
  g_autofree char *deep = nested (1000, FALSE);

  hidden = g_strconcat ("/* \" */ ", deep, NULL);
  assert_refused (hidden, CARE_JSON_PARSE_ERROR_SYNTAX);
  g_free (hidden);
  hidden = g_strconcat ("['\"', ", deep, "]", NULL);
  assert_refused (hidden, CARE_JSON_PARSE_ERROR_SYNTAX);

  assert_refused ("// comment\n[1]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("['single']", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[0x10]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[01]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[1.]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[.5]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[-]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[1e]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[tru]", CARE_JSON_PARSE_ERROR_SYNTAX);
  /* Found by fuzzing: json-glib reads these as infinity (and prints "inf"),
   * or wraps them (the first would be stored as 1). */
  assert_refused ("[1E400]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[-1e999]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("{\"quantity\": -12345678901234567890123}", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[9223372036854775808]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[-9223372036854775809]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[1,]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("{\"a\":1,}", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("{\"a\" 1}", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("{1: 1}", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[1] [2]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[\"tab\there\"]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[\"\\x41\"]", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("[\"unterminated", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("{\"a\": 1", CARE_JSON_PARSE_ERROR_SYNTAX);
  assert_refused ("", CARE_JSON_PARSE_ERROR_EMPTY);
  assert_refused (" \r\n\t ", CARE_JSON_PARSE_ERROR_EMPTY);
}

/* The text need not end in NUL: only @len bytes are read. */
static void
test_length (void)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  const char *text = "[1, 2]garbage that is not read";

  node = care_json_parse_bounded (text, 6, CARE_JSON_MAX_DEPTH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 2);

  g_clear_pointer (&node, json_node_unref);
  node = care_json_parse_bounded ("[[1]]", 5, 1, &error);
  g_assert_null (node);
  g_assert_error (error, CARE_JSON_PARSE_ERROR, CARE_JSON_PARSE_ERROR_TOO_DEEP);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-parse/valid", test_valid);
  g_test_add_func ("/json-parse/integers", test_integers);
  g_test_add_func ("/json-parse/depth", test_depth);
  g_test_add_func ("/json-parse/nul", test_nul);
  g_test_add_func ("/json-parse/unicode", test_unicode);
  g_test_add_func ("/json-parse/not-json", test_not_json);
  g_test_add_func ("/json-parse/length", test_length);

  return g_test_run ();
}
