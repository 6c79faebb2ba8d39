/* care-server-throttle.c: slows down password guessing without letting a stranger lock anyone out.
 *
 * Failed sign-ins used to be counted per user name only: one guess at each
 * of 100 names went unthrottled, while anyone could lock a known user out
 * (after five wrong guesses, the right password got 429 too). Failures are
 * now counted three ways, each allowing a few free failures and then
 * making every further attempt wait 1, 2, 4, ... seconds (at most 15
 * minutes) after the last failure:
 *  - per user name and client address: the guesser at one address;
 *  - per client address, any names, over an hour: spraying many names;
 *  - per user name, any addresses, over a day: many addresses guessing
 *    one name. This one holds back only addresses that have themselves
 *    failed for that name, so a client that never failed still passes.
 * And server-wide, beyond 300 failures in five minutes, sign-ins wait a
 * minute. A user name is "known" from an address where it signed in
 * within 30 days: there only the first count applies, so the real user's
 * usual computer keeps working through any attack from elsewhere, and
 * only their own failures slow it down.
 *
 * Rows are small (user names are validated before anything is counted)
 * and expire: a row older than its window is pruned. The server-wide count is
 * the latest failure times (login_recent). All of it is in the database,
 * so servers sharing one count together, whichever gets the request. */
#define G_LOG_DOMAIN "care-server-throttle"

#include "config.h"

#include "care-clock.h"
#include "care-server-throttle.h"

#define PAIR_WINDOW    (24 * 60 * 60)
#define ADDRESS_WINDOW (60 * 60)
#define NAME_WINDOW    (24 * 60 * 60)
#define KNOWN_WINDOW   (CARE_SERVER_THROTTLE_KNOWN_DAYS * 24 * 60 * 60)
/* Pruning runs with the notes, but not more often than this. */
#define PRUNE_INTERVAL 60

struct _CareServerThrottle
{
  GObject parent_instance;

  CareServerStore *store; /* owned */
  gint64           pruned_at;
};

G_DEFINE_FINAL_TYPE (CareServerThrottle, care_server_throttle, G_TYPE_OBJECT)

static void
care_server_throttle_dispose (GObject *object)
{
  CareServerThrottle *self = CARE_SERVER_THROTTLE (object);

  g_clear_object (&self->store);

  G_OBJECT_CLASS (care_server_throttle_parent_class)->dispose (object);
}

static void
care_server_throttle_class_init (CareServerThrottleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = care_server_throttle_dispose;
}

static void
care_server_throttle_init (CareServerThrottle *self)
{
}

CareServerThrottle *
care_server_throttle_new (CareServerStore *store)
{
  CareServerThrottle *self;

  g_return_val_if_fail (CARE_IS_SERVER_STORE (store), NULL);

  self = g_object_new (CARE_TYPE_SERVER_THROTTLE, NULL);
  self->store = g_object_ref (store);

  return self;
}

/* The failures counted under (@username, @address), "" standing for any;
 * none once the row is older than @window. */
static gint64
failures (CareServerThrottle *self,
          const char         *username,
          const char         *address,
          gint64              window,
          gint64              now,
          gint64             *out_last)
{
  g_autoptr (GError) error = NULL;
  gint64 n = 0, last = 0;

  *out_last = 0;
  if (!care_server_store_throttle_get (self->store, username, address, &n, &last, &error))
    {
      g_warning ("Cannot read the failed sign-ins: %s", error->message);
      return 0;
    }
  if (last <= now - window)
    return 0;

  *out_last = last;
  return n;
}

/* Seconds still to wait after @n failures, the last at @last. */
static gint64
wait_for (gint64 n, gint64 last, guint free_failures, gint64 now)
{
  gint64 over = n - free_failures;
  gint64 delay;

  if (over < 0)
    return 0;

  delay = over >= 10 ? CARE_SERVER_THROTTLE_MAX_DELAY
                     : MIN ((gint64) 1 << over, CARE_SERVER_THROTTLE_MAX_DELAY);
  return last + delay - now;
}

static gboolean
is_known (CareServerThrottle *self, const char *username, const char *address, gint64 now)
{
  g_autoptr (GError) error = NULL;
  gboolean known = FALSE;

  if (!care_server_store_is_known (self->store, username, address, now - KNOWN_WINDOW, &known,
                                   &error))
    g_warning ("Cannot read the known sign-ins: %s", error->message);

  return known;
}

/* Seconds until the server-wide count is back under its limit, or 0: the
 * oldest of the latest CARE_SERVER_THROTTLE_GLOBAL_FREE failures must be
 * older than the window. */
static gint64
global_wait (CareServerThrottle *self, gint64 now)
{
  g_autoptr (GError) error = NULL;
  gint64 count = 0, oldest = 0;

  if (!care_server_store_recent_failures (self->store, now - CARE_SERVER_THROTTLE_GLOBAL_WINDOW,
                                          CARE_SERVER_THROTTLE_GLOBAL_FREE, &count, &oldest,
                                          &error))
    {
      g_warning ("Cannot read the failed sign-ins: %s", error->message);
      return 0;
    }
  if (count < CARE_SERVER_THROTTLE_GLOBAL_FREE)
    return 0;

  return MIN (oldest + CARE_SERVER_THROTTLE_GLOBAL_WINDOW - now, CARE_SERVER_THROTTLE_GLOBAL_WAIT);
}

/**
 * care_server_throttle_check:
 * @username: (nullable): a valid user name, or %NULL for an invalid one
 *   (only the address and server-wide counts apply)
 * @address: the client's address
 * @out_retry_after: (out): seconds to wait when refused
 *
 * Returns: whether @username may try a password from @address now
 */
gboolean
care_server_throttle_check (CareServerThrottle *self,
                            const char         *username,
                            const char         *address,
                            guint              *out_retry_after)
{
  gint64 now = care_clock_now_unix ();
  gint64 last, pair, wait;

  g_return_val_if_fail (CARE_IS_SERVER_THROTTLE (self), FALSE);

  if (username != NULL)
    {
      pair = failures (self, username, address, PAIR_WINDOW, now, &last);
      wait = wait_for (pair, last, CARE_SERVER_THROTTLE_PAIR_FREE, now);
    }
  else
    pair = wait = 0;

  if (username == NULL || !is_known (self, username, address, now))
    {
      gint64 n = failures (self, "", address, ADDRESS_WINDOW, now, &last);

      wait = MAX (wait, wait_for (n, last, CARE_SERVER_THROTTLE_ADDRESS_FREE, now));
      if (pair > 0)
        {
          n = failures (self, username, "", NAME_WINDOW, now, &last);
          wait = MAX (wait, wait_for (n, last, CARE_SERVER_THROTTLE_NAME_FREE, now));
        }
      wait = MAX (wait, global_wait (self, now));
    }

  *out_retry_after = wait > 0 ? (guint) wait : 0;
  return wait <= 0;
}

static void
bump (
    CareServerThrottle *self, const char *username, const char *address, gint64 window, gint64 now)
{
  g_autoptr (GError) error = NULL;

  care_server_store_throttle_bump (self->store, username, address, now, now - window, &error);
  if (error != NULL)
    g_warning ("Cannot count a failed sign-in: %s", error->message);
}

static void
maybe_prune (CareServerThrottle *self, gint64 now)
{
  if (now - self->pruned_at < PRUNE_INTERVAL)
    return;
  care_server_throttle_prune (self);
}

/**
 * care_server_throttle_note_attempt:
 * @username: (nullable): a valid user name, or %NULL for an invalid one
 *   (counted against the address only; it is not stored)
 *
 * Counts an attempt as failed. The server counts every attempt before its
 * password is checked, so that attempts sent at once cannot all slip past
 * the throttle while they wait; care_server_throttle_note_success() takes
 * a successful one back.
 */
void
care_server_throttle_note_attempt (CareServerThrottle *self,
                                   const char         *username,
                                   const char         *address)
{
  gint64 now = care_clock_now_unix ();

  g_return_if_fail (CARE_IS_SERVER_THROTTLE (self));

  bump (self, "", address, ADDRESS_WINDOW, now);
  if (username != NULL)
    {
      bump (self, username, address, PAIR_WINDOW, now);
      bump (self, username, "", NAME_WINDOW, now);
    }

  {
    g_autoptr (GError) error = NULL;

    if (!care_server_store_recent_failure_add (self->store, now, &error))
      g_warning ("Cannot count a failed sign-in: %s", error->message);
  }

  maybe_prune (self, now);
}

/* A sign-in succeeded: its attempt was not a failure after all, and the
 * user name is known from this address from now on. */
void
care_server_throttle_note_success (CareServerThrottle *self,
                                   const char         *username,
                                   const char         *address)
{
  g_autoptr (GError) error = NULL;
  gint64 now = care_clock_now_unix ();

  g_return_if_fail (CARE_IS_SERVER_THROTTLE (self));

  /* The server-wide count takes one failure back too (the latest, as
   * good as this attempt's for a count over minutes). The address and
   * the name keep their other failures; a row left with none goes. */
  if (care_server_store_recent_failure_take_back (self->store, &error))
    care_server_store_throttle_success (self->store, username, address, now, &error);
  if (error != NULL)
    g_warning ("Cannot record a sign-in: %s", error->message);

  maybe_prune (self, now);
}

/* Deletes the rows whose window has passed. */
void
care_server_throttle_prune (CareServerThrottle *self)
{
  g_autoptr (GError) error = NULL;
  gint64 now = care_clock_now_unix ();

  g_return_if_fail (CARE_IS_SERVER_THROTTLE (self));

  self->pruned_at = now;
  care_server_store_throttle_prune (self->store, now - MAX (PAIR_WINDOW, NAME_WINDOW),
                                    now - ADDRESS_WINDOW, now - KNOWN_WINDOW,
                                    now - CARE_SERVER_THROTTLE_GLOBAL_WINDOW, &error);

  if (error != NULL)
    g_warning ("Cannot prune old sign-in records: %s", error->message);
}
