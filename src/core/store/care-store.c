/* care-store.c: the local SQLite cache of every entity, with its outbox.
 *
 * Every user edit runs in one BEGIN IMMEDIATE transaction that writes the row
 * and appends its outbox mutation, so there is never a change the sync engine
 * does not know about, nor a mutation without its row. */
#define G_LOG_DOMAIN "care-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "care-clock.h"
#include "care-json.h"
#include "care-store-private.h"

struct _CareStore
{
  GObject parent_instance;

  char       *path;
  sqlite3    *db;
  GHashTable *statements; /* SQL text -> sqlite3_stmt */
  GHashTable *columns;    /* entity name -> INSERT statement text */
  char       *client_id;
  int         schema_version;

  guint          depth;   /* nested care_store_begin() calls */
  CareStoreBulk *bulk;    /* the bulk load under way (care-store-bulk.c), or NULL */
  GPtrArray     *watched; /* GCancellable (or NULL) per care_store_watch() */
  GHashTable    *changed; /* entity name -> id, or "" for many ids, until commit */
};

G_DEFINE_FINAL_TYPE (CareStore, care_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (care_store_error_quark, care_store_error)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
care_store_finalize (GObject *object)
{
  CareStore *self = CARE_STORE (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->columns, g_hash_table_unref);
  g_clear_pointer (&self->changed, g_hash_table_unref);
  g_clear_pointer (&self->bulk, care_store_bulk_free);
  g_clear_pointer (&self->watched, g_ptr_array_unref);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_free (self->path);
  g_free (self->client_id);

  G_OBJECT_CLASS (care_store_parent_class)->finalize (object);
}

static void
unref_watched (gpointer cancellable)
{
  if (cancellable != NULL)
    g_object_unref (cancellable);
}

static void
care_store_class_init (CareStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = care_store_finalize;

  /**
   * CareStore::changed:
   * @entity: the entity name, also the signal detail
   * @id: (nullable): the record id, or %NULL when many records changed
   *
   * Emitted after a transaction that changed records has committed.
   */
  signals[CHANGED] =
      g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0,
                    NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
care_store_init (CareStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
  self->columns = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  self->changed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->watched = g_ptr_array_new_with_free_func (unref_watched);
}

/* Whether @error says the caller cancelled: %G_IO_ERROR_CANCELLED, or
 * %CARE_STORE_ERROR_CANCELLED from a statement a cancellable interrupted.
 * Neither is shown to the user. */
gboolean
care_store_error_is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, CARE_STORE_ERROR, CARE_STORE_ERROR_CANCELLED);
}

/**
 * care_store_error_code_for_sqlite:
 * @rc: an SQLite result code, extended or not
 *
 * The one mapping of SQLite's result codes to error codes, for the client's
 * store and the server's SQLite database alike.
 *
 * Returns: the CARE_STORE_ERROR code @rc stands for
 */
CareStoreError
care_store_error_code_for_sqlite (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return CARE_STORE_ERROR_BUSY;
    case SQLITE_CONSTRAINT:
      return CARE_STORE_ERROR_CONSTRAINT;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return CARE_STORE_ERROR_CORRUPT;
    case SQLITE_INTERRUPT:
      return CARE_STORE_ERROR_CANCELLED;
    default:
      return CARE_STORE_ERROR_FAILED;
    }
}

/* Maps an SQLite result code to CARE_STORE_ERROR; always returns FALSE. */
gboolean
care_store_set_error (CareStore *self, int rc, GError **error)
{
  CareStoreError code = care_store_error_code_for_sqlite (rc);

  /* An interrupt is ours, not the connection's last error. */
  g_set_error (error, CARE_STORE_ERROR, code, _ ("Database error: %s"),
               self->db != NULL && code != CARE_STORE_ERROR_CANCELLED ? sqlite3_errmsg (self->db)
                                                                      : sqlite3_errstr (rc));
  return FALSE;
}

static int
progress_cb (gpointer user_data)
{
  CareStore *self = user_data;

  for (guint i = 0; i < self->watched->len; i++)
    if (g_cancellable_is_cancelled (g_ptr_array_index (self->watched, i)))
      return 1;
  return 0;
}

/**
 * care_store_watch:
 * @cancellable: (nullable): what may interrupt the statements run until
 *   the matching care_store_unwatch()
 *
 * Makes cancellation real: SQLite calls a progress handler every few
 * thousand virtual machine steps, and once @cancellable is cancelled the
 * statement running stops with SQLITE_INTERRUPT, which fails the call with
 * %CARE_STORE_ERROR_CANCELLED. Watches nest; %NULL watches nothing.
 */
void
care_store_watch (CareStore *self, GCancellable *cancellable)
{
  g_ptr_array_add (self->watched, cancellable != NULL ? g_object_ref (cancellable) : NULL);
  if (cancellable != NULL)
    sqlite3_progress_handler (self->db, CARE_STORE_PROGRESS_STEPS, progress_cb, self);
}

void
care_store_unwatch (CareStore *self)
{
  g_return_if_fail (self->watched->len > 0);

  g_ptr_array_set_size (self->watched, self->watched->len - 1);
  for (guint i = 0; i < self->watched->len; i++)
    if (g_ptr_array_index (self->watched, i) != NULL)
      return;
  sqlite3_progress_handler (self->db, 0, NULL, NULL);
}

sqlite3 *
care_store_get_db (CareStore *self)
{
  return self->db;
}

/* How many care_store_begin() calls are open. */
guint
care_store_get_depth (CareStore *self)
{
  return self->depth;
}

CareStoreBulk *
care_store_get_bulk (CareStore *self)
{
  return self->bulk;
}

void
care_store_set_bulk (CareStore *self, CareStoreBulk *bulk)
{
  g_clear_pointer (&self->bulk, care_store_bulk_free);
  self->bulk = bulk;
}

CareStoreBulk *
care_store_steal_bulk (CareStore *self)
{
  return g_steal_pointer (&self->bulk);
}

/* A cached statement, reset and with its bindings cleared. */
sqlite3_stmt *
care_store_prepare (CareStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int           rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      care_store_set_error (self, rc, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

gboolean
care_store_exec (CareStore *self, const char *sql, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  return rc == SQLITE_OK || care_store_set_error (self, rc, error);
}

/* Steps a statement that returns no rows, then resets it. */
gboolean
care_store_step_done (CareStore *self, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || care_store_set_error (self, rc, error);
}

void
care_store_bind_value (sqlite3_stmt *stmt, int index, GVariant *value)
{
  if (value == NULL)
    sqlite3_bind_null (stmt, index);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    sqlite3_bind_int64 (stmt, index, g_variant_get_int64 (value));
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    sqlite3_bind_int (stmt, index, g_variant_get_boolean (value) ? 1 : 0);
  else
    {
      gsize       len;
      const char *s = g_variant_get_string (value, &len);
      sqlite3_bind_text (stmt, index, s, (int) len, SQLITE_TRANSIENT);
    }
}

GVariant *
care_store_column_value (sqlite3_stmt *stmt, int column, const CareField *field)
{
  const GVariantType *type = care_field_variant_type (field);

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  if (g_variant_type_equal (type, G_VARIANT_TYPE_INT64))
    return g_variant_new_int64 (sqlite3_column_int64 (stmt, column));
  if (g_variant_type_equal (type, G_VARIANT_TYPE_BOOLEAN))
    return g_variant_new_boolean (sqlite3_column_int (stmt, column) != 0);
  return g_variant_new_string ((const char *) sqlite3_column_text (stmt, column));
}

/* "id, rev, sync_state, created_at, updated_at, <fields…>, seq": the order
 * care_store_row_to_record() reads. */
const char *
care_store_record_columns (const CareEntity *entity)
{
  static GHashTable *cache;
  static GMutex      lock;
  const char        *columns;

  g_mutex_lock (&lock);
  if (cache == NULL)
    cache = g_hash_table_new (g_str_hash, g_str_equal);

  columns = g_hash_table_lookup (cache, entity->name);
  if (columns == NULL)
    {
      GString *s = g_string_new (NULL);

      g_string_append_printf (s, "%s.id, %s.rev, %s.sync_state, %s.created_at, %s.updated_at",
                              entity->name, entity->name, entity->name, entity->name, entity->name);
      for (guint i = 0; i < entity->n_fields; i++)
        g_string_append_printf (s, ", %s.%s", entity->name, entity->fields[i].name);
      /* Last, so callers that read the fields by position are not disturbed. */
      g_string_append_printf (s, ", %s.seq", entity->name);

      columns = g_string_free (s, FALSE);
      g_hash_table_insert (cache, (gpointer) entity->name, (gpointer) columns);
    }
  g_mutex_unlock (&lock);

  return columns;
}

CareRecord *
care_store_row_to_record (const CareEntity *entity, sqlite3_stmt *stmt)
{
  CareRecord *record =
      care_record_new_with_id (entity, (const char *) sqlite3_column_text (stmt, 0));

  care_record_set_rev (record, sqlite3_column_int64 (stmt, 1));
  care_record_set_sync_state (record, (CareSyncState) sqlite3_column_int (stmt, 2));
  care_record_set_timestamps (record, (const char *) sqlite3_column_text (stmt, 3),
                              (const char *) sqlite3_column_text (stmt, 4));
  for (guint i = 0; i < entity->n_fields; i++)
    care_record_set_value_at (record, i,
                              care_store_column_value (stmt, (int) i + 5, &entity->fields[i]));
  if (sqlite3_column_count (stmt) > (int) entity->n_fields + 5)
    care_record_set_seq (record, sqlite3_column_int64 (stmt, (int) entity->n_fields + 5));

  return record;
}

/* Transactions nest by a depth counter: only the outermost level talks to
 * SQLite, and it always starts with BEGIN IMMEDIATE, where SQLITE_BUSY is
 * still safe to retry (busy_timeout does that). */
gboolean
care_store_begin (CareStore *self, GError **error)
{
  if (self->depth == 0 && !care_store_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  self->depth++;
  return TRUE;
}

void
care_store_note_change (CareStore *self, const char *entity, const char *id)
{
  const char *known = g_hash_table_lookup (self->changed, entity);

  /* One id is reported as such; two or more become "many" (""). */
  if (known == NULL)
    g_hash_table_insert (self->changed, g_strdup (entity), g_strdup (id != NULL ? id : ""));
  else if (known[0] != '\0' && g_strcmp0 (known, id) != 0)
    g_hash_table_insert (self->changed, g_strdup (entity), g_strdup (""));
}

static void
emit_changes (CareStore *self)
{
  g_autoptr (GHashTable) changed = g_steal_pointer (&self->changed);
  GHashTableIter iter;
  gpointer       key, value;

  self->changed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_hash_table_iter_init (&iter, changed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *id = value;
      g_signal_emit (self, signals[CHANGED], g_quark_from_string (key), key, id[0] ? id : NULL);
    }
}

gboolean
care_store_end (CareStore *self, gboolean commit, GError **error)
{
  g_return_val_if_fail (self->depth > 0, FALSE);

  if (--self->depth > 0)
    return TRUE;

  if (commit)
    {
      if (!care_store_exec (self, "COMMIT", error))
        {
          care_store_exec (self, "ROLLBACK", NULL);
          g_hash_table_remove_all (self->changed);
          return FALSE;
        }
      emit_changes (self);
      return TRUE;
    }

  g_hash_table_remove_all (self->changed);
  return care_store_exec (self, "ROLLBACK", error);
}

/* Runs @func in a write transaction; any error from it rolls everything back. */
gboolean
care_store_write (CareStore *self, CareStoreWriteFunc func, gpointer user_data, GError **error)
{
  g_return_val_if_fail (CARE_IS_STORE (self), FALSE);

  if (!care_store_begin (self, error))
    return FALSE;

  if (!func (self, user_data, error))
    {
      care_store_end (self, FALSE, NULL);
      return FALSE;
    }

  return care_store_end (self, TRUE, error);
}

static int
read_user_version (CareStore *self)
{
  sqlite3_stmt *stmt = care_store_prepare (self, "PRAGMA user_version", NULL);
  int           version = -1;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);

  return version;
}

/* Runs every pending migration in one transaction: a failure leaves the
 * file exactly as it was. A file from a newer Aftercare is refused. */
static gboolean
migrate (CareStore *self, GError **error)
{
  guint            latest = g_strv_length ((char **) care_store_migrations);
  int              version = read_user_version (self);
  g_autofree char *set_version = NULL;

  if (version < 0)
    return care_store_set_error (self, sqlite3_errcode (self->db), error);

  if ((guint) version > latest)
    {
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_TOO_NEW,
                   _ ("The data file was written by a newer version of Aftercare (schema %d, this "
                      "version knows %u)"),
                   version, latest);
      return FALSE;
    }

  if ((guint) version < latest)
    {
      if (!care_store_begin (self, error))
        return FALSE;

      for (guint v = (guint) version; v < latest; v++)
        {
          g_debug ("Migrating %s to schema %u", self->path, v + 1);
          if (!care_store_exec (self, care_store_migrations[v], error))
            {
              care_store_end (self, FALSE, NULL);
              g_prefix_error (error, _ ("Could not upgrade the data file to schema %u: "), v + 1);
              return FALSE;
            }
        }

      /* PRAGMA takes no bound parameters; latest is our own constant. */
      set_version = g_strdup_printf ("PRAGMA user_version = %u", latest);
      if (!care_store_exec (self, set_version, error) || !care_store_end (self, TRUE, error))
        return FALSE;
    }

  self->schema_version = (int) latest;
  return TRUE;
}

static gboolean
ensure_client_id (CareStore *self, GError **error)
{
  self->client_id = care_store_get_meta (self, "client_id");
  if (self->client_id == NULL)
    {
      self->client_id = g_uuid_string_random ();
      return care_store_set_meta (self, "client_id", self->client_id, error);
    }
  return TRUE;
}

/**
 * care_store_new:
 * @path: a file name, or ":memory:"
 *
 * Opens (creating if needed) and migrates a local store.
 */
CareStore *
care_store_new (const char *path, GError **error)
{
  g_autoptr (CareStore) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (CARE_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      care_store_set_error (self, rc, error);
      g_prefix_error (error, _ ("Could not open “%s”: "), path);
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);
  if (!care_store_register_search_functions (self->db))
    {
      care_store_set_error (self, sqlite3_errcode (self->db), error);
      g_prefix_error (error, _ ("Could not open “%s”: "), path);
      return NULL;
    }

  if (!care_store_exec (self, "PRAGMA foreign_keys = ON", error) ||
      !care_store_exec (self, "PRAGMA journal_mode = WAL", error) ||
      !care_store_exec (self, "PRAGMA synchronous = NORMAL", error) || !migrate (self, error) ||
      !ensure_client_id (self, error))
    {
      g_prefix_error (error, _ ("Could not open “%s”: "), path);
      return NULL;
    }

  return g_steal_pointer (&self);
}

const char *
care_store_get_path (CareStore *self)
{
  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  return self->path;
}

/* The UUID that names this store to the server's mutation log. */
const char *
care_store_get_client_id (CareStore *self)
{
  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  return self->client_id;
}

int
care_store_get_schema_version (CareStore *self)
{
  g_return_val_if_fail (CARE_IS_STORE (self), 0);
  return self->schema_version;
}

char *
care_store_get_meta (CareStore *self, const char *key)
{
  sqlite3_stmt *stmt = care_store_prepare (self, "SELECT value FROM meta WHERE key = ?", NULL);
  char         *value = NULL;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  return value;
}

gboolean
care_store_set_meta (CareStore *self, const char *key, const char *value, GError **error)
{
  sqlite3_stmt *stmt =
      care_store_prepare (self, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return care_store_step_done (self, stmt, error);
}

/* Loads a row whatever its sync state (deleted rows too), or NULL. */
static CareRecord *
load_any (CareStore *self, const CareEntity *entity, const char *id, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM %s WHERE id = ?",
                                          care_store_record_columns (entity), entity->name);
  sqlite3_stmt    *stmt = care_store_prepare (self, sql, error);
  CareRecord      *record = NULL;
  int              rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    record = care_store_row_to_record (entity, stmt);
  else if (rc != SQLITE_DONE)
    care_store_set_error (self, rc, error);
  sqlite3_reset (stmt);

  return record;
}

CareRecord *
care_store_load (CareStore *self, const CareEntity *entity, const char *id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (CareRecord) record = NULL;

  g_return_val_if_fail (CARE_IS_STORE (self), NULL);
  g_return_val_if_fail (entity != NULL && id != NULL, NULL);

  record = load_any (self, entity, id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (record == NULL || care_record_get_sync_state (record) == CARE_SYNC_STATE_DELETED)
    {
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND,
                   _ ("The %s no longer exists"), g_dgettext (GETTEXT_PACKAGE, entity->label));
      return NULL;
    }

  return g_steal_pointer (&record);
}

static gboolean
live_row_exists (CareStore  *self,
                 const char *table,
                 const char *field,
                 const char *value,
                 const char *except_id,
                 gboolean   *exists,
                 GError    **error)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT 1 FROM %s WHERE %s = ? AND id IS NOT ? AND " CARE_SQL_LIVE " LIMIT 1", table, field);
  sqlite3_stmt *stmt = care_store_prepare (self, sql, error);
  int           rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, except_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return care_store_set_error (self, rc, error);

  *exists = rc == SQLITE_ROW;
  return TRUE;
}

/* References must point at live records, but only those the edit sets: a
 * record whose parent was deleted elsewhere can still be edited. */
static gboolean
check_references (CareStore *self, CareRecord *record, CareRecord *existing, GError **error)
{
  const CareEntity *e = care_record_get_entity (record);

  for (guint i = 0; i < e->n_fields; i++)
    {
      const CareField *f = &e->fields[i];
      GVariant        *v = care_record_get_value_at (record, i);
      gboolean         exists = FALSE;

      if (f->type != CARE_FIELD_REF || v == NULL)
        continue;
      if (existing != NULL && care_record_get_value_at (existing, i) != NULL &&
          g_variant_equal (v, care_record_get_value_at (existing, i)))
        continue;

      if (!live_row_exists (self, f->ref_entity, "id", g_variant_get_string (v, NULL), NULL,
                            &exists, error))
        return FALSE;
      if (!exists)
        {
          g_set_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_MISSING_REFERENCE,
                       _ ("%s: the selected record does not exist"), care_field_label (f));
          return FALSE;
        }
    }

  if (e->unique_field != NULL)
    {
      const char *v = care_record_get_string (record, e->unique_field);
      gboolean    exists = FALSE;

      if (v != NULL && !live_row_exists (self, e->name, e->unique_field, v,
                                         care_record_get_id (record), &exists, error))
        return FALSE;
      if (exists)
        {
          g_set_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_INVALID,
                       _ ("%s: “%s” is already registered"),
                       care_field_label (care_entity_lookup_field (e, e->unique_field)), v);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
append_outbox (CareStore     *self,
               const char    *entity,
               const char    *id,
               CareMutationOp op,
               gint64         base_rev,
               JsonObject    *fields,
               const char    *now,
               GError       **error)
{
  sqlite3_stmt    *stmt;
  g_autofree char *json = care_json_object_to_string (fields);

  stmt = care_store_prepare (
      self,
      "INSERT INTO outbox (entity, record_id, op, base_rev, fields, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, care_mutation_op_to_string (op), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, base_rev);
  sqlite3_bind_text (stmt, 5, json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, now, -1, SQLITE_STATIC);
  return care_store_step_done (self, stmt, error);
}

static const char *
insert_sql (CareStore *self, const CareEntity *e)
{
  const char *sql = g_hash_table_lookup (self->columns, e->name);

  if (sql == NULL)
    {
      GString *s = g_string_new (NULL);

      g_string_append_printf (s, "INSERT INTO %s (id, rev, sync_state, created_at, updated_at",
                              e->name);
      for (guint i = 0; i < e->n_fields; i++)
        g_string_append_printf (s, ", %s", e->fields[i].name);
      g_string_append (s, ") VALUES (?, ?, ?, ?, ?");
      for (guint i = 0; i < e->n_fields; i++)
        g_string_append (s, ", ?");
      g_string_append_c (s, ')');

      sql = g_string_free (s, FALSE);
      g_hash_table_insert (self->columns, (gpointer) e->name, (gpointer) sql);
    }

  return sql;
}

/* Inserts @record's row as it is: its rev, sync state and timestamps. */
gboolean
care_store_insert_row (CareStore *self, CareRecord *record, GError **error)
{
  const CareEntity *e = care_record_get_entity (record);
  sqlite3_stmt     *stmt;
  int               col = 6;

  stmt = care_store_prepare (self, insert_sql (self, e), error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, care_record_get_id (record), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, care_record_get_rev (record));
  sqlite3_bind_int (stmt, 3, care_record_get_sync_state (record));
  sqlite3_bind_text (stmt, 4, care_record_get_created_at (record), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, care_record_get_updated_at (record), -1, SQLITE_TRANSIENT);
  for (guint i = 0; i < e->n_fields; i++)
    care_store_bind_value (stmt, col++, care_record_get_value_at (record, i));

  return care_store_step_done (self, stmt, error);
}

static gboolean
create_record (CareStore *self, CareRecord *record, const char *now, GError **error)
{
  const CareEntity *e = care_record_get_entity (record);
  g_autoptr (JsonObject) fields = json_object_new ();

  care_record_set_rev (record, 0);
  care_record_set_sync_state (record, CARE_SYNC_STATE_CREATED);
  care_record_set_timestamps (record, now, now);

  for (guint i = 0; i < e->n_fields; i++)
    if (care_record_get_value_at (record, i) != NULL)
      json_object_set_member (fields, e->fields[i].name,
                              care_json_from_value (care_record_get_value_at (record, i)));

  return care_store_insert_row (self, record, error) &&
         append_outbox (self, e->name, care_record_get_id (record), CARE_MUTATION_CREATE, 0, fields,
                        now, error);
}

static gboolean
update_record (CareStore  *self,
               CareRecord *record,
               CareRecord *existing,
               GPtrArray  *changed,
               const char *now,
               GError    **error)
{
  const CareEntity *e = care_record_get_entity (record);
  g_autoptr (JsonObject) fields = json_object_new ();
  g_autoptr (GString) sql = g_string_new (NULL);
  CareSyncState state = care_record_get_sync_state (existing);
  sqlite3_stmt *stmt;
  int           col = 1;

  /* A record the server has never seen stays "created". */
  if (state != CARE_SYNC_STATE_CREATED)
    state = CARE_SYNC_STATE_MODIFIED;

  g_string_append_printf (sql, "UPDATE %s SET sync_state = ?, updated_at = ?", e->name);
  for (guint i = 0; i < changed->len; i++)
    g_string_append_printf (sql, ", %s = ?", (const char *) g_ptr_array_index (changed, i));
  g_string_append (sql, " WHERE id = ?");

  stmt = care_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, col++, state);
  sqlite3_bind_text (stmt, col++, now, -1, SQLITE_STATIC);
  for (guint i = 0; i < changed->len; i++)
    {
      const char *name = g_ptr_array_index (changed, i);
      g_autoptr (JsonObject) change = json_object_new ();

      care_store_bind_value (stmt, col++, care_record_get_value (record, name));
      json_object_set_member (change, "from",
                              care_json_from_value (care_record_get_value (existing, name)));
      json_object_set_member (change, "to",
                              care_json_from_value (care_record_get_value (record, name)));
      json_object_set_object_member (fields, name, g_steal_pointer (&change));
    }
  sqlite3_bind_text (stmt, col, care_record_get_id (record), -1, SQLITE_TRANSIENT);

  if (!care_store_step_done (self, stmt, error))
    return FALSE;

  care_record_set_rev (record, care_record_get_rev (existing));
  care_record_set_sync_state (record, state);
  care_record_set_timestamps (record, care_record_get_created_at (existing), now);

  return append_outbox (self, e->name, care_record_get_id (record), CARE_MUTATION_UPDATE,
                        care_record_get_rev (existing), fields, now, error);
}

static gboolean
save_in_transaction (CareStore *self, gpointer user_data, GError **error)
{
  CareRecord       *record = user_data;
  const CareEntity *e = care_record_get_entity (record);
  g_autoptr (CareRecord) existing = NULL;
  g_autoptr (GPtrArray) changed = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *now = care_clock_now_iso ();

  existing = load_any (self, e, care_record_get_id (record), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (existing != NULL && care_record_get_sync_state (existing) == CARE_SYNC_STATE_DELETED)
    {
      g_set_error (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND, _ ("The %s was deleted"),
                   g_dgettext (GETTEXT_PACKAGE, e->label));
      return FALSE;
    }

  if (!check_references (self, record, existing, error))
    return FALSE;

  if (existing == NULL)
    {
      if (!create_record (self, record, now, error))
        return FALSE;
    }
  else
    {
      changed = care_record_diff (existing, record);
      if (changed->len == 0)
        return TRUE;
      if (!update_record (self, record, existing, changed, now, error))
        return FALSE;
    }

  care_store_note_change (self, e->name, care_record_get_id (record));
  return TRUE;
}

/**
 * care_store_save:
 *
 * Validates @record, then inserts or updates it together with its outbox
 * mutation. On success the record's rev, state and timestamps are updated.
 * Saving an unchanged record writes nothing.
 */
gboolean
care_store_save (CareStore *self, CareRecord *record, GError **error)
{
  g_return_val_if_fail (CARE_IS_STORE (self), FALSE);
  g_return_val_if_fail (CARE_IS_RECORD (record), FALSE);

  if (!care_record_validate (record, NULL, error))
    return FALSE;

  return care_store_write (self, save_in_transaction, record, error);
}

static gboolean delete_recursive (
    CareStore *self, const CareEntity *entity, const char *id, const char *now, GError **error);

/* Records owned by the one being deleted go first, each with its own
 * mutation, so the server never holds children of a deleted parent. */
static gboolean
delete_children (
    CareStore *self, const CareEntity *entity, const char *id, const char *now, GError **error)
{
  guint                    n_entities;
  const CareEntity *const *all = care_schema_entities (&n_entities);

  for (guint i = 0; i < n_entities; i++)
    for (guint j = 0; j < all[i]->n_fields; j++)
      {
        const CareField *f = &all[i]->fields[j];
        g_autofree char *sql = NULL;
        g_autoptr (GPtrArray) ids = NULL;
        sqlite3_stmt *stmt;
        int           rc;

        if (f->type != CARE_FIELD_REF || !f->owned || !g_str_equal (f->ref_entity, entity->name))
          continue;

        sql = g_strdup_printf ("SELECT id FROM %s WHERE %s = ? AND " CARE_SQL_LIVE, all[i]->name,
                               f->name);
        stmt = care_store_prepare (self, sql, error);
        if (stmt == NULL)
          return FALSE;

        ids = g_ptr_array_new_with_free_func (g_free);
        sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
        while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
          g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
        sqlite3_reset (stmt);
        if (rc != SQLITE_DONE)
          return care_store_set_error (self, rc, error);

        for (guint k = 0; k < ids->len; k++)
          if (!delete_recursive (self, all[i], g_ptr_array_index (ids, k), now, error))
            return FALSE;
      }

  return TRUE;
}

static gboolean
delete_recursive (
    CareStore *self, const CareEntity *entity, const char *id, const char *now, GError **error)
{
  g_autoptr (CareRecord) existing = NULL;
  g_autoptr (JsonObject) none = json_object_new ();
  g_autofree char *sql = NULL;
  sqlite3_stmt    *stmt;

  existing = care_store_load (self, entity, id, error);
  if (existing == NULL)
    return FALSE;

  if (!delete_children (self, entity, id, now, error))
    return FALSE;

  /* The row stays as a tombstone until the server acknowledges the delete. */
  sql = g_strdup_printf ("UPDATE %s SET sync_state = ?, updated_at = ? WHERE id = ?", entity->name);
  stmt = care_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, CARE_SYNC_STATE_DELETED);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_TRANSIENT);
  if (!care_store_step_done (self, stmt, error))
    return FALSE;

  care_store_note_change (self, entity->name, id);
  return append_outbox (self, entity->name, id, CARE_MUTATION_DELETE,
                        care_record_get_rev (existing), none, now, error);
}

typedef struct
{
  const CareEntity *entity;
  const char       *id;
} DeleteData;

static gboolean
delete_in_transaction (CareStore *self, gpointer user_data, GError **error)
{
  DeleteData      *data = user_data;
  g_autofree char *now = care_clock_now_iso ();

  return delete_recursive (self, data->entity, data->id, now, error);
}

/**
 * care_store_delete:
 *
 * Deletes a record and every record it owns (a customer's contacts,
 * products, cases…), each with its outbox mutation, in one transaction.
 */
gboolean
care_store_delete (CareStore *self, const CareEntity *entity, const char *id, GError **error)
{
  DeleteData data = { entity, id };

  g_return_val_if_fail (CARE_IS_STORE (self), FALSE);
  g_return_val_if_fail (entity != NULL && id != NULL, FALSE);

  return care_store_write (self, delete_in_transaction, &data, error);
}

static void
bind_params (sqlite3_stmt *stmt, GPtrArray *params)
{
  for (guint i = 0; i < params->len; i++)
    care_store_bind_value (stmt, (int) i + 1, g_ptr_array_index (params, i));
}

/* Runs @sql, a count with @params and, when @limit is not negative, the
 * limit bound after them; returns the count, or 0 on error. */
static guint
count_rows (CareStore    *self,
            const char   *sql,
            GPtrArray    *params,
            gint64        limit,
            GCancellable *cancellable,
            GError      **error)
{
  sqlite3_stmt *stmt = care_store_prepare (self, sql, error);
  guint         count = 0;
  int           rc;

  if (stmt == NULL)
    return 0;

  bind_params (stmt, params);
  if (limit >= 0)
    sqlite3_bind_int64 (stmt, (int) params->len + 1, limit);
  care_store_watch (self, cancellable);
  rc = sqlite3_step (stmt);
  care_store_unwatch (self);
  if (rc == SQLITE_ROW)
    count = (guint) sqlite3_column_int64 (stmt, 0);
  else
    care_store_set_error (self, rc, error);
  sqlite3_reset (stmt);

  return count;
}

/**
 * care_store_count:
 * @cancellable: (nullable): interrupts a long count
 *
 * Counts the rows of @query; 0 on error.
 */
guint
care_store_count (CareStore *self, CareQuery *query, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) params = NULL;
  g_autofree char *sql = care_query_to_sql (query, "count(*)", FALSE, &params);

  return count_rows (self, sql, params, -1, cancellable, error);
}

/**
 * care_store_count_upto:
 * @cancellable: (nullable): interrupts a long count
 *
 * Counts the rows of @query, but stops at @limit: a search that matches
 * half a million customers costs as much to count as one that matches
 * @limit, since the rows come straight from the search index as it finds
 * them. Returns @limit when there may be more.
 */
guint
care_store_count_upto (
    CareStore *self, CareQuery *query, guint limit, GCancellable *cancellable, GError **error)
{
  g_autoptr (CareQuery) stream = care_query_copy (query);
  g_autoptr (GPtrArray) params = NULL;
  g_autofree char *inner = NULL;
  g_autofree char *sql = NULL;

  care_query_set_match (stream, CARE_QUERY_MATCH_STREAM);
  inner = care_query_to_sql (stream, "1", FALSE, &params);
  sql = g_strconcat ("SELECT count(*) FROM (", inner, " LIMIT ?)", NULL);

  return count_rows (self, sql, params, limit, cancellable, error);
}

/**
 * care_store_find:
 * @cancellable: (nullable): interrupts a long search or sort
 *
 * Returns up to @limit records of @query from @offset, in its order.
 */
GPtrArray *
care_store_find (CareStore    *self,
                 CareQuery    *query,
                 guint         offset,
                 guint         limit,
                 GCancellable *cancellable,
                 GError      **error)
{
  const CareEntity *e = care_query_get_entity (query);
  g_autoptr (GPtrArray) params = NULL;
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *select = care_query_to_sql (query, care_store_record_columns (e), TRUE, &params);
  g_autofree char *sql = g_strconcat (select, " LIMIT ? OFFSET ?", NULL);
  sqlite3_stmt    *stmt = care_store_prepare (self, sql, error);
  int              rc;

  if (stmt == NULL)
    return NULL;

  bind_params (stmt, params);
  sqlite3_bind_int64 (stmt, (int) params->len + 1, limit);
  sqlite3_bind_int64 (stmt, (int) params->len + 2, offset);
  care_store_watch (self, cancellable);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (records, care_store_row_to_record (e, stmt));
  care_store_unwatch (self);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      care_store_set_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&records);
}

/* The result of @sql, a count of the store's own tables; 0 on error, for
 * the counts that badges and indicators show. */
guint
care_store_count_sql (CareStore *self, const char *sql)
{
  sqlite3_stmt *stmt = care_store_prepare (self, sql, NULL);
  guint         count = 0;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    count = (guint) sqlite3_column_int64 (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);

  return count;
}

guint
care_store_outbox_count (CareStore *self)
{
  return care_store_count_sql (self, "SELECT count(*) FROM outbox WHERE state = 'pending'");
}

/* Tells every listener that anything may have changed, after another
 * connection (a bulk load in a worker thread) wrote to the same file. */
void
care_store_emit_changed_all (CareStore *self)
{
  guint                    n;
  const CareEntity *const *all = care_schema_entities (&n);

  g_return_if_fail (CARE_IS_STORE (self));

  for (guint i = 0; i < n; i++)
    g_signal_emit (self, signals[CHANGED], g_quark_from_string (all[i]->name), all[i]->name, NULL);
}
