/* fuzz-sync.c: a fuzz target for the JSON a client sends, the push envelope and the push and pull handlers.
 *
 * The first byte of an input picks what the rest is:
 *   'P'  a push body: parsed as the server parses bodies, applied as the
 *        push of an admin, then a page is pulled and checked to be JSON
 *        that parses back;
 *   'G'  the query of a pull (cursor=...&limit=...);
 *   else JSON for care_json_parse_bounded() alone, whose result must
 *        print and parse back to an equal value.
 * The database lives in memory with a few records to refer to, and each
 * input runs in a transaction that is rolled back, so every input meets
 * the same state and a crash reproduces from its input alone. Criticals
 * and warnings are fatal: they are bugs too. Built with libFuzzer when
 * clang is there (tests/fuzz/meson.build); otherwise fuzz-replay.c runs
 * the corpus through it. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "care-clock.h"
#include "care-json-parse.h"
#include "care-server-store-sqlite.h"
#include "care-server-sync.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static CareServerDb    *db;
static CareServerStore *store;
static CareServerSync  *sync_;
static CareServerUser   admin = { 1, (char *) "fuzz", CARE_SERVER_ROLE_ADMIN, NULL };

/* What pushes may refer to: a customer with a product (serial SN-1), an
 * appointment and a staff member, under ids short enough to find. */
static const char seed[] =
    "{\"client_id\": \"00000000-0000-4000-8000-00000000c11e\", \"mutations\": ["
    "{\"mutation_id\": 1, \"entity\": \"customer\", \"id\": "
    "\"00000000-0000-4000-8000-000000000001\","
    " \"op\": \"create\", \"fields\": {\"kind\": \"company\", \"name\": \"Seed\"}},"
    "{\"mutation_id\": 2, \"entity\": \"product\", \"id\": "
    "\"00000000-0000-4000-8000-000000000002\","
    " \"op\": \"create\", \"fields\": {\"customer_id\": \"00000000-0000-4000-8000-000000000001\","
    " \"serial\": \"SN-1\", \"name\": \"Printer\"}},"
    "{\"mutation_id\": 3, \"entity\": \"staff\", \"id\": \"00000000-0000-4000-8000-000000000003\","
    " \"op\": \"create\", \"fields\": {\"name\": \"Tess\", \"role\": \"technician\"}},"
    "{\"mutation_id\": 4, \"entity\": \"appointment\", \"id\": "
    "\"00000000-0000-4000-8000-000000000004\","
    " \"op\": \"create\", \"fields\": {\"kind\": \"repair\", \"customer_id\":"
    " \"00000000-0000-4000-8000-000000000001\", \"start_at\": \"2027-01-15T09:00:00Z\","
    " \"end_at\": \"2027-01-15T10:00:00Z\", \"status\": \"planned\"}}]}";

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autoptr (GDateTime) instant = g_date_time_new_utc (2027, 1, 15, 12, 0, 0);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) response = NULL;
  g_autoptr (GError) error = NULL;

  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  care_clock_freeze (instant);

  db = care_server_db_new (":memory:", &error);
  g_assert_no_error (error);
  care_server_db_exec (db,
                       "INSERT INTO users (id, username, role, password_hash, created_at) "
                       "VALUES (1, 'fuzz', 'admin', 'x', '2027-01-15T12:00:00Z')",
                       &error);
  g_assert_no_error (error);
  store = care_server_store_sqlite_new_for_db (db);
  sync_ = care_server_sync_new (store);

  node = care_json_parse_bounded (seed, strlen (seed), CARE_JSON_MAX_DEPTH, &error);
  g_assert_no_error (error);
  response = care_server_sync_push (sync_, &admin, node, &error);
  g_assert_no_error (error);

  return 0;
}

/* An answer of the server must be JSON the client parses back. */
static void
check_answer (JsonNode *answer)
{
  g_autofree char *text = json_to_string (answer, FALSE);
  g_autoptr (JsonNode) back = NULL;
  g_autoptr (GError) error = NULL;

  back = care_json_parse_bounded (text, strlen (text), CARE_JSON_MAX_DEPTH, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (answer, back));
}

static void
fuzz_push (const char *data, gsize size)
{
  g_autoptr (JsonNode) request = NULL;
  g_autoptr (JsonNode) response = NULL;
  g_autoptr (JsonNode) page = NULL;
  g_autoptr (GError) error = NULL;

  request = care_json_parse_bounded (data, size, CARE_JSON_MAX_DEPTH, &error);
  if (request == NULL)
    {
      g_assert_true (error->domain == CARE_JSON_PARSE_ERROR);
      return;
    }

  g_assert_true (care_server_store_begin (store, NULL));
  response = care_server_sync_push (sync_, &admin, request, &error);
  if (response != NULL)
    check_answer (response);
  else
    g_assert_true (error->domain == CARE_SERVER_SYNC_ERROR ||
                   error->domain == CARE_SERVER_DB_ERROR);
  g_clear_error (&error);

  page = care_server_sync_pull (sync_, NULL, CARE_SERVER_SYNC_MAX_LIMIT, &error);
  g_assert_no_error (error);
  check_answer (page);
  care_server_store_end (store, FALSE, NULL);
}

static void
fuzz_pull (const char *data, gsize size)
{
  g_autofree char *query = g_strndup (data, size);
  g_autoptr (JsonNode) page = NULL;
  g_autoptr (GError) error = NULL;

  /* A query is text up to its first NUL, as in a URL. */
  page = care_server_sync_pull_query (sync_, query, &error);
  if (page != NULL)
    check_answer (page);
  else
    g_assert_true (error->domain == CARE_SERVER_SYNC_ERROR);
}

/* json-glib 1.6 prints some doubles as no JSON ("5e+18.0"); no answer of
 * the server holds a double (no field is one), so documents with doubles
 * are not printed back. */
static gboolean
has_double (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node))
    return json_node_get_value_type (node) == G_TYPE_DOUBLE;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (has_double (json_array_get_element (array, i)))
          return TRUE;
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr (GList) members = json_object_get_values (json_node_get_object (node));

      for (GList *l = members; l != NULL; l = l->next)
        if (has_double (l->data))
          return TRUE;
    }

  return FALSE;
}

static void
fuzz_parse (const char *data, gsize size)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  node = care_json_parse_bounded (data, size, CARE_JSON_MAX_DEPTH, &error);
  if (node == NULL)
    g_assert_true (error->domain == CARE_JSON_PARSE_ERROR);
  else if (!has_double (node))
    check_answer (node);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text = (const char *) data + 1;

  if (size == 0)
    return 0;

  switch (data[0])
    {
    case 'P':
      fuzz_push (text, size - 1);
      break;
    case 'G':
      fuzz_pull (text, size - 1);
      break;
    default:
      fuzz_parse (text, size - 1);
      break;
    }

  return 0;
}
