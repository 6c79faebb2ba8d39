/* test-credentials.c: the token goes to the keyring and back, per server and user. */
#include "config.h"

#include "care-credentials.h"

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static char *
lookup (const char *server, const char *user)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  char *token;

  care_credentials_lookup_async (server, user, NULL, done_cb, &result);
  token = care_credentials_lookup_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  return token;
}

static void
test_round_trip (void)
{
  g_autoptr (GAsyncResult) stored = NULL;
  g_autoptr (GAsyncResult) cleared = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *other = NULL;
  g_autofree char *gone = NULL;

  care_credentials_store_async ("https://care.example:8443", "ana", "tok-123", NULL, done_cb,
                                &stored);
  g_assert_true (care_credentials_store_finish (wait_result (&stored), &error));
  g_assert_no_error (error);

  token = lookup ("https://care.example:8443", "ana");
  g_assert_cmpstr (token, ==, "tok-123");
  other = lookup ("https://care.example:8443", "marc");
  g_assert_null (other);

  care_credentials_clear_async ("https://care.example:8443", "ana", NULL, done_cb, &cleared);
  g_assert_true (care_credentials_clear_finish (wait_result (&cleared), &error));
  gone = lookup ("https://care.example:8443", "ana");
  g_assert_null (gone);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("GNOME_KEYRING_CONTROL") == NULL)
    {
      g_test_skip ("no keyring in this session");
      return g_test_run ();
    }

  g_test_add_func ("/credentials/round-trip", test_round_trip);
  return g_test_run ();
}
