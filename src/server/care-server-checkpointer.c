/* care-server-checkpointer.c: copies the SQLite write-ahead log into the database off the main thread.
 *
 * In WAL mode a commit only appends to the log; every 1,000 pages the
 * committing connection copies the log back into the database file and
 * syncs both (a checkpoint). That connection is the server's main thread,
 * which also reads and answers every request: under a thousand clients
 * pushing, it spent most of its time waiting for those syncs, and every
 * request waited with it. Here the main connection's automatic checkpoints
 * are turned off and a thread with a connection of its own checkpoints
 * instead, once a second. A
 * passive checkpoint never blocks the writer or the readers; it copies
 * what no reader still needs, and the log starts over from its beginning
 * once all of it was copied (the writer then syncs the log's header, a
 * small sync left on the main thread). Synchronous=NORMAL is unchanged: a commit is
 * durable against a crash of the process, and the log is synced at each
 * checkpoint, as before.
 *
 * SQLite only: a database server does this itself. */
#define G_LOG_DOMAIN "care-server"

#include "config.h"

#include "care-server-checkpointer.h"

#define INTERVAL_USEC G_USEC_PER_SEC

struct _CareServerCheckpointer
{
  CareServerDb *db; /* the thread's own connection */
  GThread      *thread;
  GMutex        lock;
  GCond         cond;
  gboolean      stopping;
};

static gpointer
checkpoint_thread (gpointer data)
{
  CareServerCheckpointer *self = data;

  g_mutex_lock (&self->lock);
  while (!self->stopping)
    {
      gint64 until = g_get_monotonic_time () + INTERVAL_USEC;
      g_autoptr (GError) error = NULL;

      while (!self->stopping && g_cond_wait_until (&self->cond, &self->lock, until))
        ;
      if (self->stopping)
        break;

      g_mutex_unlock (&self->lock);
      if (!care_server_db_exec (self->db, "PRAGMA wal_checkpoint(PASSIVE)", &error))
        g_debug ("Checkpoint failed: %s", error->message);
      g_mutex_lock (&self->lock);
    }
  g_mutex_unlock (&self->lock);

  return NULL;
}

/**
 * care_server_checkpointer_start:
 * @db: the main connection; its automatic checkpoints are turned off
 *
 * Returns: (transfer full): the checkpointer, to stop with
 *   care_server_checkpointer_stop() before @db is closed
 */
CareServerCheckpointer *
care_server_checkpointer_start (CareServerDb *db, GError **error)
{
  CareServerCheckpointer *self;
  g_autoptr (CareServerDb) own = NULL;

  g_return_val_if_fail (CARE_IS_SERVER_DB (db), NULL);

  own = care_server_db_new (care_server_db_get_path (db), error);
  if (own == NULL || !care_server_db_exec (db, "PRAGMA wal_autocheckpoint = 0", error))
    return NULL;

  self = g_new0 (CareServerCheckpointer, 1);
  self->db = g_steal_pointer (&own);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->thread = g_thread_new ("checkpoint", checkpoint_thread, self);

  return self;
}

/* Stops the thread after one last checkpoint, and frees @self. */
void
care_server_checkpointer_stop (CareServerCheckpointer *self)
{
  if (self == NULL)
    return;

  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);

  care_server_db_exec (self->db, "PRAGMA wal_checkpoint(PASSIVE)", NULL);
  g_clear_object (&self->db);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}
