/* test-history.c: a record's history as the client reads it: server pages and the outbox. */
#include "config.h"

#include "care-history.h"
#include "care-outbox.h"

static JsonNode *
json (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static void
test_parse_page (void)
{
  g_autoptr (JsonNode) page =
      json ("{\"entity\": \"customer\", \"id\": \"x\", \"has_more\": true, \"next_cursor\": \"17\","
            " \"entries\": ["
            "  {\"cursor\": \"18\", \"at\": \"2026-03-02T10:15:00Z\", \"op\": \"update\","
            "   \"field\": \"name\", \"old\": \"Ada\", \"new\": \"Ada L.\", \"how\": \"merged\","
            "   \"user\": {\"id\": 3, \"username\": \"maria\", \"role\": \"agent\"}, "
            "\"client_id\": null},"
            "  {\"cursor\": \"17\", \"at\": \"2026-03-01T09:00:00Z\", \"op\": \"create\", "
            "\"field\": null,"
            "   \"old\": null, \"new\": {\"name\": \"Ada\"}, \"how\": \"applied\","
            "   \"user\": {\"id\": 3, \"username\": \"maria\", \"role\": \"agent\"}, "
            "\"client_id\": \"c\"}"
            "]}");
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char  *next = NULL;
  CareHistoryEntry *e;

  entries = care_history_parse_page (page, &next, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (next, ==, "17");

  e = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (e->op, ==, "update");
  g_assert_cmpstr (e->field, ==, "name");
  g_assert_cmpstr (json_node_get_string (e->old_value), ==, "Ada");
  g_assert_cmpstr (json_node_get_string (e->new_value), ==, "Ada L.");
  g_assert_cmpstr (e->how, ==, "merged");
  g_assert_cmpstr (e->username, ==, "maria");
  g_assert_cmpstr (e->role, ==, "agent");
  g_assert_false (care_history_entry_is_pending (e));

  e = g_ptr_array_index (entries, 1);
  g_assert_null (e->field);
  g_assert_null (e->old_value);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (e->new_value));
}

/* Anything but the documented shape is a protocol error, never a crash. */
static void
test_parse_hostile (void)
{
  const char *pages[] = {
    "[]",
    "\"entries\"",
    "{}",
    "{\"entries\": {}}",
    "{\"entries\": [1]}",
    "{\"entries\": [{}]}",
    "{\"entries\": [{\"at\": 1, \"op\": \"update\", \"how\": \"applied\", \"user\": {}}]}",
    "{\"entries\": [{\"at\": \"t\", \"op\": \"update\", \"how\": \"applied\"}]}",
    "{\"entries\": [{\"at\": \"t\", \"op\": \"update\", \"how\": \"applied\", \"user\": []}]}",
    "{\"entries\": [{\"at\": \"t\", \"op\": null, \"how\": \"applied\", \"user\": {}}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr (JsonNode) page = json (pages[i]);
      g_autoptr (GError) error = NULL;
      g_autofree char *next = NULL;
      g_autoptr (GPtrArray) entries = care_history_parse_page (page, &next, &error);

      g_test_message ("%s", pages[i]);
      g_assert_null (entries);
      g_assert_null (next);
      g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PROTOCOL);
    }

  {
    g_autoptr (GError) error = NULL;
    g_assert_null (care_history_parse_page (NULL, NULL, &error));
    g_assert_error (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PROTOCOL);
  }

  /* A last page: no cursor, even if one is sent. */
  {
    g_autoptr (JsonNode) page =
        json ("{\"entries\": [], \"has_more\": false, \"next_cursor\": \"5\"}");
    g_autofree char *next = NULL;
    g_autoptr (GPtrArray) entries = care_history_parse_page (page, &next, NULL);

    g_assert_nonnull (entries);
    g_assert_cmpuint (entries->len, ==, 0);
    g_assert_null (next);
  }
}

/* The outbox's edits of one record, newest first, one entry per field;
 * other records' edits stay out, and sent ones are gone. */
static void
test_pending (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CareStore) store = care_store_new (":memory:", &error);
  g_autoptr (CareRecord) ada = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (CareRecord) bob = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) all = NULL;
  CareHistoryEntry *e;

  g_assert_no_error (error);
  care_record_set_string (ada, "kind", "person");
  care_record_set_string (ada, "name", "Ada");
  g_assert_true (care_store_save (store, ada, &error));
  care_record_set_string (bob, "kind", "person");
  care_record_set_string (bob, "name", "Bob");
  g_assert_true (care_store_save (store, bob, &error));

  /* The creation goes out; then two fields change here. */
  all = care_outbox_list_pending (store, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      CareMutation *m = g_ptr_array_index (all, i);

      if (g_strcmp0 (m->record_id, care_record_get_id (ada)) == 0)
        g_assert_true (care_outbox_acknowledge (store, m->mutation_id, &error));
    }
  g_clear_pointer (&all, g_ptr_array_unref);
  care_record_set_string (ada, "name", "Ada L.");
  care_record_set_string (ada, "phone", "+1 555 0100");
  g_assert_true (care_store_save (store, ada, &error));

  entries = care_history_list_pending (store, "customer", care_record_get_id (ada), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  for (guint i = 0; i < entries->len; i++)
    {
      e = g_ptr_array_index (entries, i);
      g_assert_true (care_history_entry_is_pending (e));
      g_assert_cmpstr (e->op, ==, "update");
      g_assert_null (e->username);
      if (g_strcmp0 (e->field, "name") == 0)
        {
          g_assert_cmpstr (json_node_get_string (e->old_value), ==, "Ada");
          g_assert_cmpstr (json_node_get_string (e->new_value), ==, "Ada L.");
        }
      else
        {
          g_assert_cmpstr (e->field, ==, "phone");
          g_assert_true (e->old_value == NULL || JSON_NODE_HOLDS_NULL (e->old_value));
          g_assert_cmpstr (json_node_get_string (e->new_value), ==, "+1 555 0100");
        }
    }
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* Bob is still only created here: one entry with the whole record. */
  entries = care_history_list_pending (store, "customer", care_record_get_id (bob), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  e = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (e->op, ==, "create");
  g_assert_null (e->field);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (e->new_value));
  g_clear_pointer (&entries, g_ptr_array_unref);

  entries =
      care_history_list_pending (store, "customer", "00000000-0000-4000-8000-000000000000", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/history/parse-page", test_parse_page);
  g_test_add_func ("/history/parse-hostile", test_parse_hostile);
  g_test_add_func ("/history/pending", test_pending);

  return g_test_run ();
}
