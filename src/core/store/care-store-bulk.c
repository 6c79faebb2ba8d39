/* care-store-bulk.c: loading many records at once (demo data, the initial
 * sync) into the local store.
 *
 * Rows arrive as already synced and write no outbox entries; the load is
 * one transaction with cached statements. Into an empty store it also
 * leaves out the secondary indexes and the search index while it fills,
 * and builds them once at the end. A GCancellable given to
 * care_store_bulk_begin() stops the load between rows, and the store's
 * progress handler interrupts a long step (an index build) in the middle;
 * either way the load rolls back. Set G_MESSAGES_DEBUG=care-store to see
 * the time of each step. */
#define G_LOG_DOMAIN "care-store"

#include "config.h"

#include "care-clock.h"
#include "care-store-private.h"

struct _CareStoreBulk
{
  GCancellable *cancellable; /* owned, nullable */
  gboolean      search;      /* the load touched what search indexes */
  GPtrArray    *indexes;     /* CREATE INDEX statements to run at the end */
  gboolean      journal;     /* the load left WAL for a rollback journal */
  gint64        start;       /* monotonic time of the start, for the debug log */
};

void
care_store_bulk_free (CareStoreBulk *bulk)
{
  if (bulk == NULL)
    return;

  g_clear_object (&bulk->cancellable);
  g_clear_pointer (&bulk->indexes, g_ptr_array_unref);
  g_free (bulk);
}

/* Runs one step of a bulk load and logs how long it took (G_MESSAGES_DEBUG). */
static gboolean
bulk_exec (CareStore *self, const char *sql, GError **error)
{
  gint64   t0 = g_get_monotonic_time ();
  gboolean ok = care_store_exec (self, sql, error);

  g_debug ("bulk: %.60s: %.2f s", sql, (g_get_monotonic_time () - t0) / 1e6);
  return ok;
}

/* Sets @empty to whether the store holds no customer yet, the test for a
 * load into an empty store. */
static gboolean
store_is_empty (CareStore *self, gboolean *empty, GError **error)
{
  sqlite3_stmt *stmt = care_store_prepare (self, "SELECT 1 FROM customer LIMIT 1", error);
  int           rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return care_store_set_error (self, rc, error);
  *empty = rc == SQLITE_DONE;
  return TRUE;
}

/* Into an empty store, the secondary indexes of the entity tables go for
 * the load and come back at its end: one sort per index instead of a
 * B-tree insert per row into pages all over the file. Dropped and created
 * in the load's transaction, so a failed load leaves them as they were. */
static gboolean
drop_entity_indexes (CareStore *self, CareStoreBulk *bulk, GError **error)
{
  sqlite3_stmt *stmt;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gboolean empty = FALSE;
  int      rc;

  if (!store_is_empty (self, &empty, error))
    return FALSE;
  if (!empty)
    return TRUE;

  /* UNIQUE constraints' own indexes have no SQL and stay. */
  stmt = care_store_prepare (
      self,
      "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL",
      error);
  if (stmt == NULL)
    return FALSE;
  bulk->indexes = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (care_schema_lookup ((const char *) sqlite3_column_text (stmt, 1)) != NULL)
      {
        g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
        g_ptr_array_add (bulk->indexes, g_strdup ((const char *) sqlite3_column_text (stmt, 2)));
      }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return care_store_set_error (self, rc, error);

  for (guint i = 0; i < names->len; i++)
    {
      /* %w quotes an identifier; the names come from sqlite_schema. */
      char *sql =
          sqlite3_mprintf ("DROP INDEX \"%w\"", (const char *) g_ptr_array_index (names, i));
      gboolean ok = care_store_exec (self, sql, error);

      sqlite3_free (sql);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
create_entity_indexes (CareStore *self, CareStoreBulk *bulk, GError **error)
{
  g_autoptr (GPtrArray) indexes = g_steal_pointer (&bulk->indexes);

  for (guint i = 0; indexes != NULL && i < indexes->len; i++)
    if (!bulk_exec (self, g_ptr_array_index (indexes, i), error))
      return FALSE;
  return TRUE;
}

/* Into an empty store the load leaves WAL for a rollback journal: SQLite
 * journals only the pages that existed before the transaction, so the new
 * rows are written once, into the database file, instead of into the WAL
 * and again at the checkpoint. The journal stays on disk and synced, so a
 * failed or interrupted load is still rolled back (by ROLLBACK, or by the
 * next open finding the hot journal) to the empty store it started from.
 * Leaving WAL needs the only connection to the file; when another one is
 * open (the window's, while a worker thread loads) the load stays in WAL. */
static void
bulk_leave_wal (CareStore *self, CareStoreBulk *bulk)
{
  sqlite3_stmt *stmt;
  int           rc;

  bulk->journal = FALSE;
  rc = sqlite3_prepare_v2 (care_store_get_db (self), "PRAGMA journal_mode = TRUNCATE", -1, &stmt,
                           NULL);
  if (rc != SQLITE_OK)
    return;
  rc = sqlite3_step (stmt);
  bulk->journal =
      rc == SQLITE_ROW &&
      g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "truncate") == 0;
  sqlite3_finalize (stmt);
  g_debug ("bulk: %s", bulk->journal ? "rollback journal" : "WAL (the file is shared)");
}

static void
bulk_return_to_wal (CareStore *self, CareStoreBulk *bulk)
{
  if (!bulk->journal)
    return;
  bulk->journal = FALSE;
  if (!care_store_exec (self, "PRAGMA journal_mode = WAL", NULL))
    g_warning ("Could not return “%s” to WAL: %s", care_store_get_path (self),
               sqlite3_errmsg (care_store_get_db (self)));
}

/* Ends the load that failed in its first steps. */
static gboolean
bulk_abandon (CareStore *self, CareStoreBulk *bulk, gboolean in_transaction)
{
  if (in_transaction)
    care_store_end (self, FALSE, NULL);
  care_store_unwatch (self);
  bulk_return_to_wal (self, bulk);
  care_store_bulk_free (care_store_steal_bulk (self));
  return FALSE;
}

/**
 * care_store_bulk_begin:
 * @cancellable: (nullable): stops the load; a cancelled load rolls back
 *   and fails with %CARE_STORE_ERROR_CANCELLED
 *
 * Starts loading records that arrive as already synced (demo data, the
 * initial sync): care_store_bulk_insert() for each, care_store_bulk_end()
 * to finish. All in one transaction, without outbox entries.
 */
gboolean
care_store_bulk_begin (CareStore *self, GCancellable *cancellable, GError **error)
{
  CareStoreBulk *bulk;

  g_return_val_if_fail (CARE_IS_STORE (self), FALSE);
  g_return_val_if_fail (care_store_get_bulk (self) == NULL, FALSE);

  bulk = g_new0 (CareStoreBulk, 1);
  bulk->start = g_get_monotonic_time ();
  bulk->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  care_store_set_bulk (self, bulk);
  care_store_watch (self, cancellable);

  /* Random UUID keys touch pages all over the id index: keep them in
   * memory for the load instead of spilling to the WAL and reading back. */
  if (!care_store_exec (self, "PRAGMA cache_size = -131072", error))
    return bulk_abandon (self, bulk, FALSE);

  if (care_store_get_depth (self) == 0)
    {
      gboolean empty = FALSE;

      if (!store_is_empty (self, &empty, error))
        return bulk_abandon (self, bulk, FALSE);
      if (empty)
        bulk_leave_wal (self, bulk);
    }

  if (!care_store_begin (self, error))
    return bulk_abandon (self, bulk, FALSE);

  /* Inserted and deleted inside the one transaction: no other connection
   * ever sees it, and a crash rolls it back with the load. */
  if (!care_store_exec (
          self, "INSERT OR REPLACE INTO meta (key, value) VALUES ('bulk_loading', '1')", error) ||
      !drop_entity_indexes (self, bulk, error))
    return bulk_abandon (self, bulk, TRUE);

  return TRUE;
}

gboolean
care_store_bulk_insert (CareStore *self, CareRecord *record, GError **error)
{
  CareStoreBulk    *bulk = care_store_get_bulk (self);
  const CareEntity *e = care_record_get_entity (record);

  g_return_val_if_fail (bulk != NULL, FALSE);

  /* One row is too short for the progress handler to see: ask here. */
  if (g_cancellable_is_cancelled (bulk->cancellable))
    return care_store_set_error (self, SQLITE_INTERRUPT, error);

  if (care_record_get_created_at (record) == NULL)
    {
      g_autofree char *now = care_clock_now_iso ();
      care_record_set_timestamps (record, now, now);
    }

  if (!care_store_insert_row (self, record, error))
    return FALSE;

  if (care_entity_is_searchable (e))
    bulk->search = TRUE;

  care_store_note_change (self, e->name, NULL);
  return TRUE;
}

/* One pass over the search view beats re-indexing a customer per child;
 * it reads contacts and products by customer, so the entity indexes come
 * first. Merging the index into one segment makes every search cheaper
 * after, and as that merge rewrites it all anyway, the merges FTS5 does
 * while it fills (automerge) are put off until then; crisismerge still
 * bounds the number of segments. The defaults come back for the edits that
 * follow. */
static gboolean
rebuild_search_index (CareStore *self, GError **error)
{
  static const char *const steps[] = {
    "DELETE FROM customer_fts",
    "INSERT INTO customer_fts (customer_fts, rank) VALUES ('automerge', 0)",
    "INSERT INTO customer_fts (customer_fts, rank) VALUES ('crisismerge', 64)",
    "INSERT INTO customer_fts (rowid, name, ident, serial, contact) "
    "SELECT seq, name, ident, serial, contact FROM customer_search_body",
    "INSERT INTO customer_fts (customer_fts) VALUES ('optimize')",
    "DELETE FROM customer_name_fts",
    "INSERT INTO customer_name_fts (rowid, name) SELECT seq, coalesce(name, '') FROM customer",
    "INSERT INTO customer_name_fts (customer_name_fts) VALUES ('optimize')",
    "INSERT INTO customer_fts (customer_fts, rank) VALUES ('automerge', 4)",
    "INSERT INTO customer_fts (customer_fts, rank) VALUES ('crisismerge', 16)",
  };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (!bulk_exec (self, steps[i], error))
      return FALSE;
  return TRUE;
}

/* Ends the load: with @commit, the indexes are built and everything is
 * committed; without, or when that fails, nothing of the load stays. */
gboolean
care_store_bulk_end (CareStore *self, gboolean commit, GError **error)
{
  g_autoptr (CareStoreBulk) bulk = care_store_steal_bulk (self);
  gboolean rebuild;
  gboolean ok;

  g_return_val_if_fail (bulk != NULL, FALSE);

  rebuild = commit && bulk->search;
  g_debug ("bulk: rows: %.2f s", (g_get_monotonic_time () - bulk->start) / 1e6);

  if (!commit)
    g_clear_pointer (&bulk->indexes, g_ptr_array_unref);
  if (!care_store_exec (self, "DELETE FROM meta WHERE key = 'bulk_loading'", error) ||
      !create_entity_indexes (self, bulk, error) ||
      (rebuild && !rebuild_search_index (self, error)))
    {
      care_store_end (self, FALSE, NULL);
      care_store_unwatch (self);
      bulk_return_to_wal (self, bulk);
      return FALSE;
    }

  {
    gint64 t0 = g_get_monotonic_time ();
    ok = care_store_end (self, commit, error);
    g_debug ("bulk: %s: %.2f s", commit ? "commit" : "rollback",
             (g_get_monotonic_time () - t0) / 1e6);
  }
  care_store_unwatch (self);
  bulk_return_to_wal (self, bulk);
  g_debug ("bulk: total: %.2f s", (g_get_monotonic_time () - bulk->start) / 1e6);
  if (!ok)
    return FALSE;

  return care_store_exec (self, "PRAGMA cache_size = -2000", error);
}
