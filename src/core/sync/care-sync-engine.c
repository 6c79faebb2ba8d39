/* care-sync-engine.c: pushes the outbox to aftercare-server and pulls its changes.
 *
 * The only code in Aftercare that talks HTTP. A sync pushes the outbox in
 * batches (each mutation keeps its outbox id, so a retried push is replayed
 * by the server, never applied twice), then pulls the change feed page by
 * page until the server has no more. Results and pages are applied by
 * care-sync-apply.c, one store transaction each.
 *
 * Once started, the engine syncs on its own: at start, a moment after local
 * edits, periodically, and when the network comes back. Failures the next
 * attempt may not meet (network, 5xx, 429) are retried with capped
 * exponential backoff and jitter; a refused token waits for a new one.
 * Being offline is a state like any other, not an error. */
#define G_LOG_DOMAIN "care-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "care-clock.h"
#include "care-json.h"
#include "care-store-private.h"
#include "care-sync-apply.h"
#include "care-sync-engine.h"

#define HTTP_CONFLICT    409
#define PUSH_BATCH_SIZE  200
#define PULL_PAGE_SIZE   500
#define DEBOUNCE_MS      2000
#define PERIODIC_SECONDS 300
#define MIN_RETRY_MS     2000
#define MAX_RETRY_MS     (5 * 60 * 1000)

struct _CareSyncEngine
{
  GObject parent_instance;

  /* Owned references */
  CareStore       *store;
  CareSyncHttp    *http;
  GCancellable    *cancellable; /* the current run */
  GNetworkMonitor *monitor;     /* the default one, referenced */
  GPtrArray       *waiting;     /* GTasks for the next run */
  GPtrArray       *running;     /* GTasks the current run completes */

  char      *server_url;
  char      *token;
  char      *username;
  char      *role;
  char      *staff_id; /* the staff record the user stands for, or NULL */
  char      *last_error;
  GDateTime *last_sync;

  CareSyncStatus status;
  guint          pending_count;
  guint          conflict_count;
  guint          rejected_count;
  guint          progress_applied;
  gboolean       progress_has_more;

  /* Scheduling */
  gboolean started;
  guint    debounce_id;
  guint    periodic_id;
  guint    retry_id;
  guint    failures;
  guint    retry_delay;    /* ms of the retry scheduled last */
  gint64   retry_after_ms; /* from the last 429/503, or 0 */
  gulong   changed_id;
  gulong   network_id;

  /* Tunables */
  guint batch_size;
  guint page_size;
  guint debounce_ms;
  guint periodic_seconds;
  guint min_retry_ms;
  guint max_retry_ms;
};

G_DEFINE_FINAL_TYPE (CareSyncEngine, care_sync_engine, G_TYPE_OBJECT)

GType
care_sync_status_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { CARE_SYNC_STATUS_IDLE, "CARE_SYNC_STATUS_IDLE", "idle" },
        { CARE_SYNC_STATUS_SYNCING, "CARE_SYNC_STATUS_SYNCING", "syncing" },
        { CARE_SYNC_STATUS_OFFLINE, "CARE_SYNC_STATUS_OFFLINE", "offline" },
        { CARE_SYNC_STATUS_ERROR, "CARE_SYNC_STATUS_ERROR", "error" },
        { CARE_SYNC_STATUS_SIGNED_OUT, "CARE_SYNC_STATUS_SIGNED_OUT", "signed-out" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("CareSyncStatus"), values);
      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

enum
{
  PROP_0,
  PROP_STORE,
  PROP_SERVER_URL,
  PROP_TOKEN,
  PROP_USERNAME,
  PROP_ROLE,
  PROP_STATUS,
  PROP_LAST_ERROR,
  PROP_PENDING_COUNT,
  PROP_CONFLICT_COUNT,
  PROP_REJECTED_COUNT,
  PROP_LAST_SYNC,
  PROP_PROGRESS_APPLIED,
  PROP_PROGRESS_HAS_MORE,
  PROP_BATCH_SIZE,
  PROP_PAGE_SIZE,
  PROP_DEBOUNCE_MS,
  PROP_PERIODIC_SECONDS,
  PROP_MIN_RETRY_MS,
  PROP_MAX_RETRY_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One run of push-then-pull; it keeps the engine alive until it ends. */
typedef struct
{
  CareSyncEngine *self;
  GCancellable   *cancellable;
  GPtrArray      *batch;      /* CareMutation being pushed */
  guint           batch_size; /* shrinks when the server refuses a whole batch */
  guint           n_applied;
  gboolean        cursor_reset;
  GArray         *links; /* handler ids on the waiting tasks' cancellables */
} Run;

static void run_next_push (Run *run);
static void run_next_pull (Run *run);
static void run_finish (Run *run, GError *error);
static void start_run (CareSyncEngine *self);

static void
cancel_run_cb (GCancellable *caller, GCancellable *run)
{
  g_cancellable_cancel (run);
}

static void
run_free (Run *run)
{
  g_clear_pointer (&run->links, g_array_unref);
  g_clear_pointer (&run->batch, g_ptr_array_unref);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->self);
  g_free (run);
}

/* Helpers */

static void
set_status (CareSyncEngine *self, CareSyncStatus status)
{
  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static gboolean
replace_str (char **field, const char *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
set_last_error (CareSyncEngine *self, const char *message)
{
  if (replace_str (&self->last_error, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
set_progress (CareSyncEngine *self, guint applied, gboolean has_more)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->progress_applied != applied)
    {
      self->progress_applied = applied;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_APPLIED]);
    }
  if (self->progress_has_more != has_more)
    {
      self->progress_has_more = has_more;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_HAS_MORE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
update_count (CareSyncEngine *self, guint *field, guint value, int prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
update_counts (CareSyncEngine *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  update_count (self, &self->pending_count, care_store_outbox_count (self->store),
                PROP_PENDING_COUNT);
  update_count (self, &self->conflict_count, care_conflict_count (self->store),
                PROP_CONFLICT_COUNT);
  update_count (self, &self->rejected_count, care_outbox_count_rejected (self->store),
                PROP_REJECTED_COUNT);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
load_last_sync (CareSyncEngine *self)
{
  g_autofree char *text = care_store_get_meta (self->store, CARE_SYNC_LAST_SYNC_KEY);

  g_clear_pointer (&self->last_sync, g_date_time_unref);
  if (text != NULL)
    self->last_sync = g_date_time_new_from_iso8601 (text, NULL);
}

/* Without a server and a token there is nobody to sync with: that is the
 * "signed out" state, not idle, whatever happened before. */
static void
update_signed_out (CareSyncEngine *self)
{
  if (self->token == NULL || self->server_url == NULL)
    set_status (self, CARE_SYNC_STATUS_SIGNED_OUT);
  else if (self->status == CARE_SYNC_STATUS_SIGNED_OUT)
    {
      set_last_error (self, NULL);
      set_status (self, CARE_SYNC_STATUS_IDLE);
    }
}

/* Finishes a request and notes the wait the server asked for, if any. */
static JsonNode *
finish_request (CareSyncEngine *self, GAsyncResult *result, guint *out_status, GError **error)
{
  CareSyncHttpReply reply = { 0 };
  JsonNode         *node = care_sync_http_request_finish (self->http, result, &reply, error);

  /* A response without an answer (offline) says nothing about waiting. */
  if (reply.status != 0)
    self->retry_after_ms = reply.retry_after_ms;
  if (out_status != NULL)
    *out_status = reply.status;
  return node;
}

static void
cancel_source (guint *id)
{
  if (*id != 0)
    {
      g_source_remove (*id);
      *id = 0;
    }
}

/* Push */

static void
push_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Run            *run = user_data;
  CareSyncEngine *self = run->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) response = NULL;

  response = finish_request (self, result, NULL, &error);
  if (response == NULL)
    {
      /* A whole batch the server will not read (too large, or malformed):
       * narrow it down to the single mutation at fault and mark only that
       * one as refused, so it never blocks the queue. */
      if (g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_REFUSED))
        {
          CareMutation    *first = g_ptr_array_index (run->batch, 0);
          g_autofree char *reason = g_strdup (error->message);

          g_clear_error (&error);
          if (run->batch->len > 1)
            run->batch_size = MAX (1, run->batch->len / 2);
          else if (!care_outbox_reject (self->store, first->mutation_id, reason, &error))
            {
              run_finish (run, g_steal_pointer (&error));
              return;
            }
          run_next_push (run);
          return;
        }

      run_finish (run, g_steal_pointer (&error));
      return;
    }

  if (!care_sync_apply_push_results (self->store, run->batch, response, &error))
    {
      run_finish (run, g_steal_pointer (&error));
      return;
    }

  /* The batch went through: a smaller size chosen to isolate a refused
   * mutation grows back. */
  run->batch_size = MIN (self->batch_size, run->batch_size * 2);
  update_counts (self);
  run_next_push (run);
}

/* A delete whose record has an earlier mutation in the same batch waits
 * for the next one: its base_rev is only rebased onto that mutation's
 * result once the answer is in (see care-sync-apply.c). */
static void
cut_before_dependent_delete (GPtrArray *batch)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < batch->len; i++)
    {
      CareMutation *m = g_ptr_array_index (batch, i);

      if (m->op == CARE_MUTATION_DELETE && g_hash_table_contains (seen, m->record_id))
        {
          g_ptr_array_set_size (batch, i);
          return;
        }
      g_hash_table_add (seen, m->record_id);
    }
}

static void
run_next_push (Run *run)
{
  CareSyncEngine *self = run->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) mutations = json_array_new ();
  g_autoptr (JsonNode) body = NULL;
  JsonObject *request;

  if (g_cancellable_set_error_if_cancelled (run->cancellable, &error))
    {
      run_finish (run, g_steal_pointer (&error));
      return;
    }

  g_clear_pointer (&run->batch, g_ptr_array_unref);
  run->batch = care_outbox_list_pending (self->store, run->batch_size, &error);
  if (run->batch == NULL)
    {
      run_finish (run, g_steal_pointer (&error));
      return;
    }

  cut_before_dependent_delete (run->batch);

  if (run->batch->len == 0)
    {
      run_next_pull (run);
      return;
    }

  for (guint i = 0; i < run->batch->len; i++)
    json_array_add_object_element (mutations,
                                   care_mutation_to_json (g_ptr_array_index (run->batch, i)));

  request = json_object_new ();
  json_object_set_string_member (request, "client_id", care_store_get_client_id (self->store));
  json_object_set_array_member (request, "mutations", g_steal_pointer (&mutations));
  body = care_json_take_object (request);

  g_debug ("Pushing %u mutations from %" G_GINT64_FORMAT, run->batch->len,
           ((CareMutation *) g_ptr_array_index (run->batch, 0))->mutation_id);

  care_sync_http_request_async (self->http, self->server_url, self->token, "POST",
                                "/api/v1/sync/push", body, run->cancellable, push_cb, run);
}

/* Pull */

static void
pull_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Run            *run = user_data;
  CareSyncEngine *self = run->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) response = NULL;
  gboolean has_more = FALSE;
  guint    n = 0;
  guint    status = 0;

  response = finish_request (self, result, &status, &error);
  if (response == NULL)
    {
      /* The cursor names another server database (restored, replaced):
       * pull everything again once; applying a change twice is harmless. */
      if (g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_REFUSED) &&
          status == HTTP_CONFLICT && !run->cursor_reset)
        {
          g_clear_error (&error);
          run->cursor_reset = TRUE;
          g_debug ("The server does not know our cursor: pulling from the beginning");
          if (!care_store_set_meta (self->store, CARE_SYNC_CURSOR_KEY, "", &error))
            {
              run_finish (run, g_steal_pointer (&error));
              return;
            }
          run_next_pull (run);
          return;
        }

      run_finish (run, g_steal_pointer (&error));
      return;
    }

  if (!care_sync_apply_pull_page (self->store, response, &has_more, &n, &error))
    {
      run_finish (run, g_steal_pointer (&error));
      return;
    }

  run->n_applied += n;
  set_progress (self, run->n_applied, has_more);

  if (has_more)
    run_next_pull (run);
  else
    run_finish (run, NULL);
}

static void
run_next_pull (Run *run)
{
  CareSyncEngine *self = run->self;
  g_autoptr (GError) error = NULL;
  g_autofree char *cursor = care_store_get_meta (self->store, CARE_SYNC_CURSOR_KEY);
  g_autofree char *escaped = g_uri_escape_string (cursor != NULL ? cursor : "", NULL, TRUE);
  g_autofree char *path = NULL;

  if (g_cancellable_set_error_if_cancelled (run->cancellable, &error))
    {
      run_finish (run, g_steal_pointer (&error));
      return;
    }

  path = g_strdup_printf ("/api/v1/sync/pull?limit=%u&cursor=%s", self->page_size, escaped);
  care_sync_http_request_async (self->http, self->server_url, self->token, "GET", path, NULL,
                                run->cancellable, pull_cb, run);
}

/* Scheduling */

static gboolean
retry_cb (gpointer user_data)
{
  CareSyncEngine *self = user_data;

  self->retry_id = 0;
  care_sync_engine_sync_soon (self);
  return G_SOURCE_REMOVE;
}

/* Capped exponential backoff with "equal jitter" (half fixed, half random),
 * so many clients that lost the server together do not return together. */
static void
schedule_retry (CareSyncEngine *self)
{
  guint64 delay = self->min_retry_ms;

  if (!self->started)
    return;

  for (guint i = 1; i < self->failures && delay < self->max_retry_ms; i++)
    delay *= 2;
  delay = MIN (delay, self->max_retry_ms);
  delay = delay / 2 + (guint64) g_random_double_range (0, (double) delay / 2);
  if (self->retry_after_ms > 0)
    delay = MAX (delay, (guint64) self->retry_after_ms);

  self->retry_delay = (guint) delay;
  cancel_source (&self->retry_id);
  self->retry_id = g_timeout_add ((guint) delay, retry_cb, self);
  g_debug ("Retrying in %u ms (failure %u)", self->retry_delay, self->failures);
}

static gboolean
debounce_cb (gpointer user_data)
{
  CareSyncEngine *self = user_data;

  self->debounce_id = 0;
  care_sync_engine_sync_soon (self);
  return G_SOURCE_REMOVE;
}

static void
debounce (CareSyncEngine *self)
{
  cancel_source (&self->debounce_id);
  self->debounce_id = g_timeout_add (self->debounce_ms, debounce_cb, self);
}

static gboolean
periodic_cb (gpointer user_data)
{
  CareSyncEngine *self = user_data;

  /* Signed out, a timer has nothing to offer: a sign-in starts a sync. */
  if (self->status != CARE_SYNC_STATUS_SIGNED_OUT)
    care_sync_engine_sync_soon (self);
  return G_SOURCE_CONTINUE;
}

static void
network_changed_cb (GNetworkMonitor *monitor, gboolean available, CareSyncEngine *self)
{
  if (!available || self->running != NULL)
    return;

  /* Back in range: no reason to wait out the backoff. */
  if (self->status == CARE_SYNC_STATUS_OFFLINE || self->status == CARE_SYNC_STATUS_ERROR)
    {
      self->failures = 0;
      cancel_source (&self->retry_id);
      care_sync_engine_sync_soon (self);
    }
}

static void
store_changed_cb (CareStore *store, const char *entity, const char *id, CareSyncEngine *self)
{
  update_counts (self);

  /* Only user edits (a record entity) schedule a sync; the engine's own
   * writes to the outbox and conflicts must not start another run. */
  if (self->started && self->running == NULL && self->pending_count > 0 &&
      care_schema_lookup (entity) != NULL && self->status != CARE_SYNC_STATUS_SIGNED_OUT)
    debounce (self);
}

/* Runs */

static void
run_finish (Run *run, GError *error)
{
  CareSyncEngine *self = g_object_ref (run->self);
  g_autoptr (GPtrArray) tasks = g_steal_pointer (&self->running);
  g_autoptr (GError) owned_error = error;

  g_clear_object (&self->cancellable);

  if (error == NULL)
    {
      g_autofree char *now = care_clock_now_iso ();
      g_autoptr (GError) meta_error = NULL;

      if (!care_store_set_meta (self->store, CARE_SYNC_LAST_SYNC_KEY, now, &meta_error))
        g_warning ("Could not note the sync time: %s", meta_error->message);
      load_last_sync (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);

      self->failures = 0;
      self->retry_delay = 0;
      cancel_source (&self->retry_id);
      set_last_error (self, NULL);
      set_status (self, CARE_SYNC_STATUS_IDLE);
      update_signed_out (self);
      g_debug ("Synced: %u changes pulled", run->n_applied);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_status (self, CARE_SYNC_STATUS_IDLE);
      update_signed_out (self);
    }
  else if (g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED) ||
           g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_NOT_CONFIGURED))
    {
      /* Retrying cannot help until someone signs in. */
      set_last_error (self, error->message);
      set_status (self, CARE_SYNC_STATUS_SIGNED_OUT);
    }
  else
    {
      g_debug ("Sync failed: %s", error->message);
      self->failures++;
      set_last_error (self, error->message);
      set_status (self, g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_NETWORK)
                            ? CARE_SYNC_STATUS_OFFLINE
                            : CARE_SYNC_STATUS_ERROR);
      schedule_retry (self);
    }

  update_counts (self);
  set_progress (self, run->n_applied, FALSE);
  for (guint i = 0; tasks != NULL && i < tasks->len && i < run->links->len; i++)
    if (g_array_index (run->links, gulong, i) != 0)
      g_cancellable_disconnect (g_task_get_cancellable (g_ptr_array_index (tasks, i)),
                                g_array_index (run->links, gulong, i));
  run_free (run);

  for (guint i = 0; tasks != NULL && i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);

      if (g_task_return_error_if_cancelled (task))
        continue;
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }

  /* Requests that came in during the run, or edits made meanwhile. */
  if (self->waiting->len > 0)
    start_run (self);
  else if (error == NULL && self->started && self->pending_count > 0)
    debounce (self);

  g_object_unref (self);
}

static void
start_run (CareSyncEngine *self)
{
  Run *run;

  g_assert (self->running == NULL);

  self->running = g_steal_pointer (&self->waiting);
  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  cancel_source (&self->debounce_id);

  run = g_new0 (Run, 1);
  run->self = g_object_ref (self);
  run->cancellable = g_cancellable_new ();
  run->links = g_array_new (FALSE, FALSE, sizeof (gulong));

  /* A caller's cancellable stops the run it waits for. */
  for (guint i = 0; i < self->running->len; i++)
    {
      GCancellable *cancellable = g_task_get_cancellable (g_ptr_array_index (self->running, i));
      gulong        id = 0;

      if (cancellable != NULL)
        id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_run_cb),
                                    g_object_ref (run->cancellable), g_object_unref);
      g_array_append_val (run->links, id);
    }
  run->batch_size = self->batch_size;
  self->cancellable = g_object_ref (run->cancellable);

  if (self->server_url == NULL)
    {
      run_finish (run, g_error_new_literal (CARE_SYNC_ERROR, CARE_SYNC_ERROR_NOT_CONFIGURED,
                                            _ ("No server is set up")));
      return;
    }
  if (self->token == NULL)
    {
      run_finish (run, g_error_new_literal (CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED,
                                            _ ("Sign in to synchronise")));
      return;
    }

  set_status (self, CARE_SYNC_STATUS_SYNCING);
  set_progress (self, 0, FALSE);
  run_next_push (run);
}

/* Sign in */

static void
sign_in_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CareSyncEngine *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) response = NULL;
  JsonObject *obj;
  JsonObject *user;
  const char *token;

  response = finish_request (self, result, NULL, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  obj = JSON_NODE_HOLDS_OBJECT (response) ? json_node_get_object (response) : NULL;
  token = care_json_get_string (obj, "token");
  user = care_json_get_object (obj, "user");

  if (token == NULL || user == NULL)
    {
      g_task_return_new_error (
          task, CARE_SYNC_ERROR, CARE_SYNC_ERROR_PROTOCOL,
          _ ("The server sent an answer this version does not understand (%s)"), "session");
      return;
    }

  if (replace_str (&self->username,
                   json_object_get_string_member_with_default (user, "username", NULL)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
  if (replace_str (&self->role, json_object_get_string_member_with_default (user, "role", NULL)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
  g_free (self->staff_id);
  self->staff_id = g_strdup (json_object_get_string_member_with_default (user, "staff_id", NULL));
  care_sync_engine_set_token (self, token);

  g_task_return_boolean (task, TRUE);
}

/* GObject */

static void
care_sync_engine_dispose (GObject *object)
{
  CareSyncEngine *self = CARE_SYNC_ENGINE (object);

  care_sync_engine_stop (self);
  if (self->changed_id != 0)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->http);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (care_sync_engine_parent_class)->dispose (object);
}

static void
care_sync_engine_finalize (GObject *object)
{
  CareSyncEngine *self = CARE_SYNC_ENGINE (object);

  g_clear_pointer (&self->waiting, g_ptr_array_unref);
  g_free (self->server_url);
  g_free (self->token);
  g_free (self->username);
  g_free (self->role);
  g_free (self->staff_id);
  g_free (self->last_error);
  g_clear_pointer (&self->last_sync, g_date_time_unref);

  G_OBJECT_CLASS (care_sync_engine_parent_class)->finalize (object);
}

static void
care_sync_engine_constructed (GObject *object)
{
  CareSyncEngine *self = CARE_SYNC_ENGINE (object);

  G_OBJECT_CLASS (care_sync_engine_parent_class)->constructed (object);

  g_assert (CARE_IS_STORE (self->store));

  self->changed_id = g_signal_connect (self->store, "changed", G_CALLBACK (store_changed_cb), self);
  load_last_sync (self);
  update_counts (self);
}

static void
care_sync_engine_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CareSyncEngine *self = CARE_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_ROLE:
      g_value_set_string (value, self->role);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_PENDING_COUNT:
      g_value_set_uint (value, self->pending_count);
      break;
    case PROP_CONFLICT_COUNT:
      g_value_set_uint (value, self->conflict_count);
      break;
    case PROP_REJECTED_COUNT:
      g_value_set_uint (value, self->rejected_count);
      break;
    case PROP_LAST_SYNC:
      g_value_set_boxed (value, self->last_sync);
      break;
    case PROP_PROGRESS_APPLIED:
      g_value_set_uint (value, self->progress_applied);
      break;
    case PROP_PROGRESS_HAS_MORE:
      g_value_set_boolean (value, self->progress_has_more);
      break;
    case PROP_BATCH_SIZE:
      g_value_set_uint (value, self->batch_size);
      break;
    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;
    case PROP_DEBOUNCE_MS:
      g_value_set_uint (value, self->debounce_ms);
      break;
    case PROP_PERIODIC_SECONDS:
      g_value_set_uint (value, self->periodic_seconds);
      break;
    case PROP_MIN_RETRY_MS:
      g_value_set_uint (value, self->min_retry_ms);
      break;
    case PROP_MAX_RETRY_MS:
      g_value_set_uint (value, self->max_retry_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_sync_engine_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CareSyncEngine *self = CARE_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SERVER_URL:
      care_sync_engine_set_server_url (self, g_value_get_string (value));
      break;
    case PROP_TOKEN:
      care_sync_engine_set_token (self, g_value_get_string (value));
      break;
    case PROP_BATCH_SIZE:
      self->batch_size = g_value_get_uint (value);
      break;
    case PROP_PAGE_SIZE:
      self->page_size = g_value_get_uint (value);
      break;
    case PROP_DEBOUNCE_MS:
      self->debounce_ms = g_value_get_uint (value);
      break;
    case PROP_PERIODIC_SECONDS:
      self->periodic_seconds = g_value_get_uint (value);
      break;
    case PROP_MIN_RETRY_MS:
      self->min_retry_ms = g_value_get_uint (value);
      break;
    case PROP_MAX_RETRY_MS:
      self->max_retry_ms = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_sync_engine_class_init (CareSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags   ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags   rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = care_sync_engine_constructed;
  object_class->dispose = care_sync_engine_dispose;
  object_class->finalize = care_sync_engine_finalize;
  object_class->get_property = care_sync_engine_get_property;
  object_class->set_property = care_sync_engine_set_property;

  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, CARE_TYPE_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_URL] = g_param_spec_string ("server-url", NULL, NULL, NULL, rw);
  properties[PROP_TOKEN] = g_param_spec_string ("token", NULL, NULL, NULL, rw);
  properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL, ro);
  properties[PROP_ROLE] = g_param_spec_string ("role", NULL, NULL, NULL, ro);
  properties[PROP_STATUS] =
      g_param_spec_enum ("status", NULL, NULL, CARE_TYPE_SYNC_STATUS, CARE_SYNC_STATUS_IDLE, ro);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, ro);
  properties[PROP_PENDING_COUNT] =
      g_param_spec_uint ("pending-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_CONFLICT_COUNT] =
      g_param_spec_uint ("conflict-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_REJECTED_COUNT] =
      g_param_spec_uint ("rejected-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_LAST_SYNC] = g_param_spec_boxed ("last-sync", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_PROGRESS_APPLIED] =
      g_param_spec_uint ("progress-applied", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_PROGRESS_HAS_MORE] =
      g_param_spec_boolean ("progress-has-more", NULL, NULL, FALSE, ro);
  properties[PROP_BATCH_SIZE] = g_param_spec_uint ("batch-size", NULL, NULL, 1, 10000,
                                                   PUSH_BATCH_SIZE, rw | G_PARAM_CONSTRUCT);
  properties[PROP_PAGE_SIZE] =
      g_param_spec_uint ("page-size", NULL, NULL, 1, 1000, PULL_PAGE_SIZE, rw | G_PARAM_CONSTRUCT);
  properties[PROP_DEBOUNCE_MS] = g_param_spec_uint ("debounce-ms", NULL, NULL, 0, G_MAXUINT,
                                                    DEBOUNCE_MS, rw | G_PARAM_CONSTRUCT);
  properties[PROP_PERIODIC_SECONDS] = g_param_spec_uint (
      "periodic-seconds", NULL, NULL, 1, G_MAXUINT, PERIODIC_SECONDS, rw | G_PARAM_CONSTRUCT);
  properties[PROP_MIN_RETRY_MS] = g_param_spec_uint ("min-retry-ms", NULL, NULL, 1, G_MAXUINT,
                                                     MIN_RETRY_MS, rw | G_PARAM_CONSTRUCT);
  properties[PROP_MAX_RETRY_MS] = g_param_spec_uint ("max-retry-ms", NULL, NULL, 1, G_MAXUINT,
                                                     MAX_RETRY_MS, rw | G_PARAM_CONSTRUCT);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_sync_engine_init (CareSyncEngine *self)
{
  self->http = care_sync_http_new ();
  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  self->status = CARE_SYNC_STATUS_SIGNED_OUT;
}

/* Public API */

CareSyncEngine *
care_sync_engine_new (CareStore *store)
{
  g_return_val_if_fail (CARE_IS_STORE (store), NULL);

  return g_object_new (CARE_TYPE_SYNC_ENGINE, "store", store, NULL);
}

CareStore *
care_sync_engine_get_store (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), NULL);
  return self->store;
}

const char *
care_sync_engine_get_server_url (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), NULL);
  return self->server_url;
}

/**
 * care_sync_engine_set_server_url:
 * @url: (nullable): e.g. "https://care.example.com"; %NULL turns sync off
 */
void
care_sync_engine_set_server_url (CareSyncEngine *self, const char *url)
{
  g_autofree char *normalized = NULL;

  g_return_if_fail (CARE_IS_SYNC_ENGINE (self));

  if (url != NULL && url[0] != '\0')
    {
      gsize len;

      normalized = g_strstrip (g_strdup (url));
      len = strlen (normalized);
      while (len > 0 && normalized[len - 1] == '/')
        normalized[--len] = '\0';
    }

  if (replace_str (&self->server_url,
                   normalized != NULL && normalized[0] != '\0' ? normalized : NULL))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
      update_signed_out (self);
    }
}

const char *
care_sync_engine_get_token (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), NULL);
  return self->token;
}

/**
 * care_sync_engine_set_token:
 * @token: (nullable): the bearer token from a sign-in (the application
 *   keeps it in the keyring), or %NULL
 */
void
care_sync_engine_set_token (CareSyncEngine *self, const char *token)
{
  g_return_if_fail (CARE_IS_SYNC_ENGINE (self));

  if (token != NULL && token[0] == '\0')
    token = NULL;
  if (!replace_str (&self->token, token))
    return;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
  if (token != NULL && self->status == CARE_SYNC_STATUS_SIGNED_OUT)
    {
      set_last_error (self, NULL);
      set_status (self, CARE_SYNC_STATUS_IDLE);
    }
  if (token != NULL && self->started)
    care_sync_engine_sync_soon (self);
}

const char *
care_sync_engine_get_username (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), NULL);
  return self->username;
}

const char *
care_sync_engine_get_role (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), NULL);
  return self->role;
}

/* The staff record of the user who signed in on this run, if the server
 * links one: a technician's own appointments. */
const char *
care_sync_engine_get_staff_id (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), NULL);
  return self->staff_id;
}

CareSyncStatus
care_sync_engine_get_status (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), CARE_SYNC_STATUS_IDLE);
  return self->status;
}

/* Why the last sync failed, for a tooltip; %NULL after a success. */
const char *
care_sync_engine_get_last_error (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), NULL);
  return self->last_error;
}

guint
care_sync_engine_get_pending_count (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), 0);
  return self->pending_count;
}

guint
care_sync_engine_get_conflict_count (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), 0);
  return self->conflict_count;
}

guint
care_sync_engine_get_rejected_count (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), 0);
  return self->rejected_count;
}

/* When the last sync succeeded (a clock for display only), or %NULL. */
GDateTime *
care_sync_engine_get_last_sync (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), NULL);
  return self->last_sync;
}

/* Changes pulled so far in the current (or last) sync. */
guint
care_sync_engine_get_progress_applied (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), 0);
  return self->progress_applied;
}

gboolean
care_sync_engine_get_progress_has_more (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), FALSE);
  return self->progress_has_more;
}

/* The delay of the retry scheduled after the last failure, in ms; 0 if none. */
guint
care_sync_engine_get_retry_delay (CareSyncEngine *self)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), 0);
  return self->retry_id != 0 ? self->retry_delay : 0;
}

/**
 * care_sync_engine_sign_in_async:
 *
 * Asks the server for a token; on success the engine uses it at once and
 * care_sync_engine_get_token() returns it for the keyring.
 */
void
care_sync_engine_sign_in_async (CareSyncEngine     *self,
                                const char         *username,
                                const char         *password,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonNode) body = NULL;
  JsonObject *obj;

  g_return_if_fail (CARE_IS_SYNC_ENGINE (self));
  g_return_if_fail (username != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, care_sync_engine_sign_in_async);

  if (self->server_url == NULL)
    {
      g_task_return_new_error (task, CARE_SYNC_ERROR, CARE_SYNC_ERROR_NOT_CONFIGURED,
                               _ ("No server is set up"));
      return;
    }

  obj = json_object_new ();
  json_object_set_string_member (obj, "username", username);
  json_object_set_string_member (obj, "password", password);
  body = care_json_take_object (obj);

  /* No token: signing in is how to get one. */
  care_sync_http_request_async (self->http, self->server_url, NULL, "POST", "/api/v1/session", body,
                                cancellable, sign_in_cb, g_steal_pointer (&task));
}

gboolean
care_sync_engine_sign_in_finish (CareSyncEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Forgets the token; local data and the outbox stay for the next sign-in. */
void
care_sync_engine_sign_out (CareSyncEngine *self)
{
  g_return_if_fail (CARE_IS_SYNC_ENGINE (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  care_sync_engine_set_token (self, NULL);
  g_clear_pointer (&self->staff_id, g_free);
  cancel_source (&self->retry_id);
  set_status (self, CARE_SYNC_STATUS_SIGNED_OUT);
}

/**
 * care_sync_engine_sync_async:
 *
 * Pushes every pending mutation, then pulls until the server has no more
 * changes. A call while a sync runs is served by one more run after it, so
 * edits made meanwhile are included.
 */
void
care_sync_engine_sync_async (CareSyncEngine     *self,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (CARE_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, care_sync_engine_sync_async);
  g_ptr_array_add (self->waiting, task);

  if (self->running == NULL)
    start_run (self);
}

gboolean
care_sync_engine_sync_finish (CareSyncEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Asks for a sync without waiting for it; coalesces with a running one. */
void
care_sync_engine_sync_soon (CareSyncEngine *self)
{
  g_return_if_fail (CARE_IS_SYNC_ENGINE (self));

  cancel_source (&self->debounce_id);
  if (self->running != NULL && self->waiting->len > 0)
    return;
  care_sync_engine_sync_async (self, NULL, NULL, NULL);
}

/**
 * care_sync_engine_start:
 *
 * Syncs now, then on its own: after local edits, every few minutes, when
 * the network comes back, and after failures with backoff.
 */
void
care_sync_engine_start (CareSyncEngine *self)
{
  g_return_if_fail (CARE_IS_SYNC_ENGINE (self));

  if (self->started)
    return;
  self->started = TRUE;

  self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_id =
      g_signal_connect (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
  self->periodic_id = g_timeout_add_seconds (self->periodic_seconds, periodic_cb, self);

  if (self->token != NULL && self->server_url != NULL)
    care_sync_engine_sync_soon (self);
}

/* Stops scheduling and cancels a sync in flight. */
void
care_sync_engine_stop (CareSyncEngine *self)
{
  g_return_if_fail (CARE_IS_SYNC_ENGINE (self));

  self->started = FALSE;
  cancel_source (&self->debounce_id);
  cancel_source (&self->periodic_id);
  cancel_source (&self->retry_id);
  if (self->monitor != NULL)
    g_clear_signal_handler (&self->network_id, self->monitor);
  g_clear_object (&self->monitor);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/* Settles a conflict (see care_conflict_resolve()) and syncs the choice. */
gboolean
care_sync_engine_resolve_conflict (CareSyncEngine    *self,
                                   gint64             conflict_id,
                                   CareConflictChoice choice,
                                   GError           **error)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), FALSE);

  if (!care_conflict_resolve (self->store, conflict_id, choice, error))
    return FALSE;

  update_counts (self);
  return TRUE;
}

/* Forgets a refused mutation (see care_outbox_discard_rejected()). */
gboolean
care_sync_engine_discard_rejected (CareSyncEngine *self, gint64 mutation_id, GError **error)
{
  g_return_val_if_fail (CARE_IS_SYNC_ENGINE (self), FALSE);

  if (!care_outbox_discard_rejected (self->store, mutation_id, error))
    return FALSE;

  update_counts (self);
  return TRUE;
}
