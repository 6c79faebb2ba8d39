/* care-server-login-queue.c: runs password checks a few at a time, fairly between client addresses.
 *
 * A password check is slow and takes 64 MiB on purpose, so only a few run
 * at once. They used to be first come, first served, with a 503 for
 * whoever came when all were busy: eight clients flooding junk sign-ins
 * made every real sign-in fail. Checks now wait in a queue per client
 * address, and a free slot goes to the addresses in turn, so a flood from
 * one address delays others by one check each at most; each address may
 * have only a few checks waiting (more are answered 503 for that address
 * alone), and the queue as a whole is bounded. */
#define G_LOG_DOMAIN "care-server"

#include "config.h"

#include <string.h>

#include "care-server-auth.h"
#include "care-server-login-queue.h"

typedef struct
{
  char  *client;
  char  *password_hash; /* NULL for an unknown user: still hashed, for the same timing */
  char  *password;
  GTask *task; /* the caller's */
} Check;

struct _CareServerLoginQueue
{
  GObject parent_instance;

  GHashTable *waiting; /* client -> GQueue of Check */
  GQueue      turns;   /* clients with checks waiting, in the order they are served */
  guint       n_waiting;
  guint       n_running;
};

G_DEFINE_FINAL_TYPE (CareServerLoginQueue, care_server_login_queue, G_TYPE_OBJECT)

static void
check_free (Check *check)
{
  g_free (check->client);
  g_free (check->password_hash);
  if (check->password != NULL)
    {
      memset (check->password, 0, strlen (check->password));
      g_free (check->password);
    }
  g_clear_object (&check->task);
  g_free (check);
}

static void
free_waiting (gpointer data)
{
  g_queue_free_full (data, (GDestroyNotify) check_free);
}

static void
care_server_login_queue_finalize (GObject *object)
{
  CareServerLoginQueue *self = CARE_SERVER_LOGIN_QUEUE (object);

  g_hash_table_unref (self->waiting);
  g_queue_clear_full (&self->turns, g_free);

  G_OBJECT_CLASS (care_server_login_queue_parent_class)->finalize (object);
}

static void
care_server_login_queue_class_init (CareServerLoginQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = care_server_login_queue_finalize;
}

static void
care_server_login_queue_init (CareServerLoginQueue *self)
{
  self->waiting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_waiting);
  g_queue_init (&self->turns);
}

CareServerLoginQueue *
care_server_login_queue_new (void)
{
  return g_object_new (CARE_TYPE_SERVER_LOGIN_QUEUE, NULL);
}

static void
check_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  Check *check = task_data;

  g_task_return_boolean (task,
                         care_server_auth_verify_password (check->password_hash, check->password));
}

static void run_next (CareServerLoginQueue *self);

static void
check_done_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  CareServerLoginQueue *self = CARE_SERVER_LOGIN_QUEUE (source_object);
  Check                *check = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  gboolean matches;

  self->n_running--;
  matches = g_task_propagate_boolean (G_TASK (result), &error);
  if (error != NULL)
    g_task_return_error (check->task, g_steal_pointer (&error));
  else
    g_task_return_boolean (check->task, matches);

  run_next (self);
}

/* Starts checks while slots are free, taking the clients in turn. */
static void
run_next (CareServerLoginQueue *self)
{
  while (self->n_running < CARE_SERVER_LOGIN_RUNNING && self->turns.length > 0)
    {
      g_autofree char *client = g_queue_pop_head (&self->turns);
      GQueue          *queue = g_hash_table_lookup (self->waiting, client);
      Check           *check = g_queue_pop_head (queue);
      g_autoptr (GTask) task = NULL;

      self->n_waiting--;
      if (queue->length > 0)
        g_queue_push_tail (&self->turns, g_steal_pointer (&client));
      else
        g_hash_table_remove (self->waiting, client);

      /* A client that gave up meanwhile (the server shutting down) is
       * not worth 64 MiB. */
      if (g_task_return_error_if_cancelled (check->task))
        {
          check_free (check);
          continue;
        }

      self->n_running++;
      task = g_task_new (self, NULL, check_done_cb, NULL);
      g_task_set_source_tag (task, run_next);
      g_task_set_task_data (task, check, (GDestroyNotify) check_free);
      g_task_run_in_thread (task, check_thread);
    }
}

/**
 * care_server_login_queue_check_async:
 * @client: the client's address
 * @password_hash: (nullable): the stored hash, %NULL if there is no such user
 * @password: the password to check
 *
 * Queues a password check.
 *
 * Returns: %FALSE, without calling @callback, if @client already has as
 *   many checks waiting as it may, or the queue is full
 */
gboolean
care_server_login_queue_check_async (CareServerLoginQueue *self,
                                     const char           *client,
                                     const char           *password_hash,
                                     const char           *password,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  GQueue *queue;
  Check  *check;

  g_return_val_if_fail (CARE_IS_SERVER_LOGIN_QUEUE (self), FALSE);

  queue = g_hash_table_lookup (self->waiting, client);
  if (self->n_waiting >= CARE_SERVER_LOGIN_WAITING ||
      (queue != NULL && queue->length >= CARE_SERVER_LOGIN_WAITING_PER_CLIENT))
    return FALSE;

  if (queue == NULL)
    {
      queue = g_queue_new ();
      g_hash_table_insert (self->waiting, g_strdup (client), queue);
      g_queue_push_tail (&self->turns, g_strdup (client));
    }

  check = g_new0 (Check, 1);
  check->client = g_strdup (client);
  check->password_hash = g_strdup (password_hash);
  check->password = g_strdup (password);
  check->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (check->task, care_server_login_queue_check_async);
  g_queue_push_tail (queue, check);
  self->n_waiting++;

  run_next (self);
  return TRUE;
}

/* Returns: whether the password matched */
gboolean
care_server_login_queue_check_finish (CareServerLoginQueue *self,
                                      GAsyncResult         *result,
                                      GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

guint
care_server_login_queue_get_n_running (CareServerLoginQueue *self)
{
  g_return_val_if_fail (CARE_IS_SERVER_LOGIN_QUEUE (self), 0);
  return self->n_running;
}

guint
care_server_login_queue_get_n_waiting (CareServerLoginQueue *self)
{
  g_return_val_if_fail (CARE_IS_SERVER_LOGIN_QUEUE (self), 0);
  return self->n_waiting;
}
