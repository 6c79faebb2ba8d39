/* care-server-store.c: the server's storage interface; SQLite and PostgreSQL implement it.
 *
 * The sync rules, roles, sign-in and calendar feeds are written once, in
 * care-server-sync.c and its neighbours, against the operations declared
 * here. Each operation is a domain step ("write this record at this
 * revision and give it the next commit sequence number", "the changes
 * after this cursor", "look this token up"), never a statement: the SQL of
 * each dialect lives only in care-server-store-sqlite.c and
 * care-server-store-pg.c, which also hold the connection and the schema
 * migrations. The base class keeps what both share: transaction nesting,
 * the instance id that makes cursors belong to one database, and the copy
 * from one store to another (`aftercare-server migrate`). */
#define G_LOG_DOMAIN "care-server-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "care-server-store.h"
#include "care-server-store-pg.h"
#include "care-server-store-sqlite.h"

typedef struct
{
  char    *instance_id;
  guint    depth;  /* nested care_server_store_begin() calls */
  gboolean failed; /* an inner level asked for a rollback */
} CareServerStorePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (CareServerStore, care_server_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (care_server_store_error_quark, care_server_store_error)

#define CLASS(self) CARE_SERVER_STORE_GET_CLASS (self)

static const char *const meta_columns[] = { "key", "value", NULL };
static const char *const users_columns[] = { "id",         "username", "role", "password_hash",
                                             "created_at", "staff_id", NULL };
static const char *const record_columns[] = { "entity",     "id",  "rev",        "deleted",
                                              "fields",     "seq", "created_at", "updated_at",
                                              "updated_by", NULL };
static const char *const ref_columns[] = { "entity",    "id",    "field", "target_entity",
                                           "target_id", "owned", NULL };
static const char *const tokens_columns[] = { "hash", "user_id", "expires_at", NULL };
static const char *const clients_columns[] = { "client_id", "user_id", "last_mutation_id", NULL };
static const char *const client_mutations_columns[] = { "client_id", "mutation_id", "result",
                                                        NULL };
static const char *const calendar_feeds_columns[] = { "id",         "token_hash", "staff_id",
                                                      "created_by", "created_at", NULL };
static const char *const login_throttle_columns[] = { "username", "address", "failures",
                                                      "last_failure_at", NULL };
static const char *const login_known_columns[] = { "username", "address", "last_success_at", NULL };

static const char *const login_recent_columns[] = { "id", "at", NULL };
static const char *const history_columns[] = { "id",      "entity",    "record_id", "op",
                                               "field",   "old_value", "new_value", "how",
                                               "user_id", "username",  "role",      "client_id",
                                               "at",      NULL };

static const CareServerStoreTableInfo tables[CARE_SERVER_STORE_N_TABLES] = {
  [CARE_SERVER_STORE_TABLE_META] = { "meta", meta_columns, "key" },
  [CARE_SERVER_STORE_TABLE_USERS] = { "users", users_columns, "id" },
  [CARE_SERVER_STORE_TABLE_RECORD] = { "record", record_columns, "seq" },
  [CARE_SERVER_STORE_TABLE_REF] = { "ref", ref_columns, "entity, id, field" },
  [CARE_SERVER_STORE_TABLE_TOKENS] = { "tokens", tokens_columns, "hash" },
  [CARE_SERVER_STORE_TABLE_CLIENTS] = { "clients", clients_columns, "client_id" },
  [CARE_SERVER_STORE_TABLE_CLIENT_MUTATIONS] = { "client_mutations", client_mutations_columns,
                                                 "client_id, mutation_id" },
  [CARE_SERVER_STORE_TABLE_CALENDAR_FEEDS] = { "calendar_feeds", calendar_feeds_columns, "id" },
  [CARE_SERVER_STORE_TABLE_LOGIN_THROTTLE] = { "login_throttle", login_throttle_columns,
                                               "username, address" },
  [CARE_SERVER_STORE_TABLE_LOGIN_KNOWN] = { "login_known", login_known_columns,
                                            "username, address" },
  [CARE_SERVER_STORE_TABLE_LOGIN_RECENT] = { "login_recent", login_recent_columns, "id" },
  [CARE_SERVER_STORE_TABLE_HISTORY] = { "history", history_columns, "id" },
};

const CareServerStoreTableInfo *
care_server_store_table_info (CareServerStoreTable table)
{
  g_return_val_if_fail (table < CARE_SERVER_STORE_N_TABLES, NULL);
  return &tables[table];
}

void
care_server_store_record_free (CareServerStoreRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->entity);
  g_free (record->id);
  g_free (record->fields);
  g_free (record->created_at);
  g_free (record->updated_at);
  g_free (record);
}

void
care_server_store_history_free (CareServerStoreHistory *row)
{
  if (row == NULL)
    return;
  g_free (row->entity);
  g_free (row->record_id);
  g_free (row->op);
  g_free (row->field);
  g_free (row->old_value);
  g_free (row->new_value);
  g_free (row->how);
  g_free (row->username);
  g_free (row->role);
  g_free (row->client_id);
  g_free (row->at);
  g_free (row);
}

void
care_server_store_ref_free (CareServerStoreRef *ref)
{
  if (ref == NULL)
    return;
  g_free (ref->entity);
  g_free (ref->id);
  g_free (ref->field);
  g_free (ref->target_entity);
  g_free (ref->target_id);
  g_free (ref);
}

void
care_server_store_user_free (CareServerStoreUser *user)
{
  if (user == NULL)
    return;
  g_free (user->username);
  g_free (user->role);
  g_free (user->staff_id);
  g_free (user);
}

void
care_server_store_feed_free (CareServerStoreFeed *feed)
{
  if (feed == NULL)
    return;
  g_free (feed->staff_id);
  g_free (feed->created_at);
  g_free (feed->created_by_name);
  g_free (feed);
}

static void
care_server_store_finalize (GObject *object)
{
  CareServerStorePrivate *priv =
      care_server_store_get_instance_private (CARE_SERVER_STORE (object));

  g_free (priv->instance_id);

  G_OBJECT_CLASS (care_server_store_parent_class)->finalize (object);
}

static void
care_server_store_class_init (CareServerStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = care_server_store_finalize;
}

static void
care_server_store_init (CareServerStore *self)
{
}

/* Whether @db names a PostgreSQL database rather than an SQLite file. */
gboolean
care_server_store_is_uri (const char *db)
{
  return db != NULL && (g_str_has_prefix (db, "postgresql:") || g_str_has_prefix (db, "postgres:"));
}

/**
 * care_server_store_open:
 * @db: an SQLite file, or a `postgresql://` (or `postgres://`) URI
 *
 * Opens the store @db names and migrates its schema.
 *
 * Returns: (transfer full): the store, or NULL with a CARE_SERVER_STORE_ERROR
 */
CareServerStore *
care_server_store_open (const char *db, GError **error)
{
  g_return_val_if_fail (db != NULL, NULL);

  if (care_server_store_is_uri (db))
    return care_server_store_pg_new (db, error);

  if (strstr (db, "://") != NULL)
    {
      g_set_error (error, CARE_SERVER_STORE_ERROR, CARE_SERVER_STORE_ERROR_BAD_URI,
                   _ ("“%s” is neither a file nor a postgresql:// address"), db);
      return NULL;
    }

  return care_server_store_sqlite_new (db, error);
}

/* A random id chosen when the database was created; part of every cursor. */
const char *
care_server_store_get_instance_id (CareServerStore *self)
{
  CareServerStorePrivate *priv = care_server_store_get_instance_private (self);

  g_return_val_if_fail (CARE_IS_SERVER_STORE (self), NULL);
  return priv->instance_id;
}

/* For the backends, once they have read it. */
void
care_server_store_set_instance_id (CareServerStore *self, const char *instance_id)
{
  CareServerStorePrivate *priv = care_server_store_get_instance_private (self);

  g_free (priv->instance_id);
  priv->instance_id = g_strdup (instance_id);
}

/* A cheap "does the database answer", for health checks. */
gboolean
care_server_store_ping (CareServerStore *self, GError **error)
{
  g_return_val_if_fail (CARE_IS_SERVER_STORE (self), FALSE);
  return CLASS (self)->ping (self, error);
}

/* Opens a write transaction, or nests inside the open one. */
gboolean
care_server_store_begin (CareServerStore *self, GError **error)
{
  CareServerStorePrivate *priv = care_server_store_get_instance_private (self);

  g_return_val_if_fail (CARE_IS_SERVER_STORE (self), FALSE);

  if (priv->depth++ > 0)
    return TRUE;

  priv->failed = FALSE;
  if (!CLASS (self)->begin (self, error))
    {
      priv->depth = 0;
      return FALSE;
    }

  return TRUE;
}

/* Ends one level; the outermost level commits, or rolls back when any level
 * asked for it. */
gboolean
care_server_store_end (CareServerStore *self, gboolean commit, GError **error)
{
  CareServerStorePrivate *priv = care_server_store_get_instance_private (self);

  g_return_val_if_fail (CARE_IS_SERVER_STORE (self), FALSE);
  g_return_val_if_fail (priv->depth > 0, FALSE);

  if (!commit)
    priv->failed = TRUE;

  if (--priv->depth > 0)
    return TRUE;

  if (priv->failed)
    {
      CLASS (self)->rollback (self);
      if (commit)
        {
          g_set_error_literal (error, CARE_SERVER_STORE_ERROR, CARE_SERVER_STORE_ERROR_FAILED,
                               _ ("The transaction was rolled back"));
          return FALSE;
        }
      return TRUE;
    }

  if (!CLASS (self)->commit (self, error))
    {
      CLASS (self)->rollback (self);
      return FALSE;
    }

  return TRUE;
}

/* A savepoint inside the open transaction, so one mutation of a push can be
 * undone without losing the others. */
gboolean
care_server_store_savepoint (CareServerStore *self, GError **error)
{
  return CLASS (self)->savepoint (self, error);
}

gboolean
care_server_store_release (CareServerStore *self, gboolean keep, GError **error)
{
  return CLASS (self)->release (self, keep, error);
}

/**
 * care_server_store_load_record:
 * @out_found: (out): whether the id was ever seen (a tombstone counts)
 *
 * Returns: (transfer full) (nullable): the record or its tombstone; NULL
 *   when not found or on error
 */
CareServerStoreRecord *
care_server_store_load_record (
    CareServerStore *self, const char *entity, const char *id, gboolean *out_found, GError **error)
{
  gboolean               found = FALSE;
  CareServerStoreRecord *record = CLASS (self)->load_record (self, entity, id, &found, error);

  if (out_found != NULL)
    *out_found = found;
  return record;
}

/**
 * care_server_store_write_record:
 * @fields: (nullable): the record's fields as a JSON object, NULL for a tombstone
 * @refs: the references the record holds (none for a tombstone)
 *
 * Writes a record at @rev, stamps it with the next commit sequence number
 * and replaces its references. Inside a transaction.
 *
 * Returns: the sequence number; 0 when the backend sends the write with
 *   the transaction's next statement (PostgreSQL), where an error of its
 *   own then shows; or -1 on error
 */
gint64
care_server_store_write_record (CareServerStore          *self,
                                const char               *entity,
                                const char               *id,
                                gint64                    rev,
                                const char               *fields,
                                gint64                    user_id,
                                const char               *now,
                                const CareServerStoreRef *refs,
                                guint                     n_refs,
                                GError                  **error)
{
  return CLASS (self)->write_record (self, entity, id, rev, fields, user_id, now, refs, n_refs,
                                     error);
}

/* The references that point at a record, as CareServerStoreRef. */
GPtrArray *
care_server_store_list_referrers (CareServerStore *self,
                                  const char      *target_entity,
                                  const char      *target_id,
                                  GError         **error)
{
  return CLASS (self)->list_referrers (self, target_entity, target_id, error);
}

/* Whether another live record of @entity than @except_id holds @value in
 * its unique @field (a name from care-schema.c, never from a request). */
gboolean
care_server_store_unique_taken (CareServerStore *self,
                                const char      *entity,
                                const char      *field,
                                const char      *value,
                                const char      *except_id,
                                gboolean        *out_taken,
                                GError         **error)
{
  *out_taken = FALSE;
  return CLASS (self)->unique_taken (self, entity, field, value, except_id, out_taken, error);
}

/* The live records of @entity whose reference @field points at
 * @target_id, ordered by @order_field then id; with @ends_after, only those
 * whose end_at is at or after it. */
GPtrArray *
care_server_store_find_referring (CareServerStore *self,
                                  const char      *entity,
                                  const char      *field,
                                  const char      *target_entity,
                                  const char      *target_id,
                                  const char      *ends_after,
                                  const char      *order_field,
                                  guint            limit,
                                  GError         **error)
{
  return CLASS (self)->find_referring (self, entity, field, target_entity, target_id, ends_after,
                                       order_field, limit, error);
}

/**
 * care_server_store_changes_since:
 *
 * The changes after commit sequence number @seq, in sequence order, at most
 * @limit. Never one that a transaction still in flight could precede: on
 * SQLite writers take turns, on PostgreSQL the page stops below the oldest
 * sequence number still in flight.
 *
 * Returns: (transfer full) (element-type CareServerStoreRecord): the changes
 */
GPtrArray *
care_server_store_changes_since (CareServerStore *self, gint64 seq, guint limit, GError **error)
{
  return CLASS (self)->changes_since (self, seq, limit, error);
}

/* Appends @rows to the history, inside the caller's transaction. */
gboolean
care_server_store_add_history (CareServerStore              *self,
                               const CareServerStoreHistory *rows,
                               guint                         n_rows,
                               GError                      **error)
{
  if (n_rows == 0)
    return TRUE;
  return CLASS (self)->add_history (self, rows, n_rows, error);
}

/**
 * care_server_store_list_history:
 * @before: only rows with a lower id; 0 for the newest
 *
 * A page of one record's history, newest first, at most @limit rows.
 *
 * Returns: (transfer full) (element-type CareServerStoreHistory): the rows
 */
GPtrArray *
care_server_store_list_history (CareServerStore *self,
                                const char      *entity,
                                const char      *record_id,
                                gint64           before,
                                guint            limit,
                                GError         **error)
{
  return CLASS (self)->list_history (self, entity, record_id, before, limit, error);
}

/* The id of the oldest live @entity whose @field is @value, or NULL. */
char *
care_server_store_first_live_with (
    CareServerStore *self, const char *entity, const char *field, const char *value, GError **error)
{
  return CLASS (self)->first_live_with (self, entity, field, value, error);
}

/**
 * care_server_store_lock_client:
 * @out_owner: (out): the user the client id is bound to
 * @out_last: (out): its last acknowledged mutation id
 *
 * Binds @client_id to @user_id unless it is bound already, and holds the
 * client until the transaction ends: pushes of one client through any
 * number of server processes are applied one after the other.
 */
gboolean
care_server_store_lock_client (CareServerStore *self,
                               const char      *client_id,
                               gint64           user_id,
                               gint64          *out_owner,
                               gint64          *out_last,
                               GError         **error)
{
  return CLASS (self)->lock_client (self, client_id, user_id, out_owner, out_last, error);
}

gboolean
care_server_store_set_client_last (CareServerStore *self,
                                   const char      *client_id,
                                   gint64           last,
                                   GError         **error)
{
  return CLASS (self)->set_client_last (self, client_id, last, error);
}

gboolean
care_server_store_store_result (CareServerStore *self,
                                const char      *client_id,
                                gint64           mutation_id,
                                const char      *result,
                                GError         **error)
{
  return CLASS (self)->store_result (self, client_id, mutation_id, result, error);
}

/* The stored result of a mutation as JSON, or NULL (never seen, or error). */
char *
care_server_store_load_result (CareServerStore *self,
                               const char      *client_id,
                               gint64           mutation_id,
                               GError         **error)
{
  return CLASS (self)->load_result (self, client_id, mutation_id, error);
}

/* Fails with CONSTRAINT when the username is taken. */
gboolean
care_server_store_add_user (CareServerStore *self,
                            const char      *username,
                            const char      *role,
                            const char      *password_hash,
                            const char      *staff_id,
                            const char      *created_at,
                            GError         **error)
{
  return CLASS (self)->add_user (self, username, role, password_hash, staff_id, created_at, error);
}

/* NULL without an error when there is no such user. */
CareServerStoreUser *
care_server_store_find_user (CareServerStore *self,
                             const char      *username,
                             char           **out_password_hash,
                             GError         **error)
{
  return CLASS (self)->find_user (self, username, out_password_hash, error);
}

/* Stores a token's hash, dropping expired ones on the way. */
gboolean
care_server_store_add_token (CareServerStore *self,
                             const char      *hash,
                             gint64           user_id,
                             gint64           expires_at,
                             gint64           now,
                             GError         **error)
{
  return CLASS (self)->add_token (self, hash, user_id, expires_at, now, error);
}

/* The user of a token hash, NULL without an error when unknown. */
CareServerStoreUser *
care_server_store_lookup_token (CareServerStore *self,
                                const char      *hash,
                                gint64          *out_expires_at,
                                GError         **error)
{
  return CLASS (self)->lookup_token (self, hash, out_expires_at, error);
}

gboolean
care_server_store_delete_token (CareServerStore *self, const char *hash, GError **error)
{
  return CLASS (self)->delete_token (self, hash, error);
}

gboolean
care_server_store_throttle_get (CareServerStore *self,
                                const char      *username,
                                const char      *address,
                                gint64          *out_failures,
                                gint64          *out_last,
                                GError         **error)
{
  *out_failures = 0;
  *out_last = 0;
  return CLASS (self)->throttle_get (self, username, address, out_failures, out_last, error);
}

/* Counts a failure under (@username, @address), starting again from one
 * when the last was before @window_start. */
gboolean
care_server_store_throttle_bump (CareServerStore *self,
                                 const char      *username,
                                 const char      *address,
                                 gint64           now,
                                 gint64           window_start,
                                 GError         **error)
{
  return CLASS (self)->throttle_bump (self, username, address, now, window_start, error);
}

/* A sign-in succeeded: clears the pair's count, takes one failure back
 * from the name's and the address's, and notes the name as known there. */
gboolean
care_server_store_throttle_success (
    CareServerStore *self, const char *username, const char *address, gint64 now, GError **error)
{
  return CLASS (self)->throttle_success (self, username, address, now, error);
}

gboolean
care_server_store_is_known (CareServerStore *self,
                            const char      *username,
                            const char      *address,
                            gint64           since,
                            gboolean        *out_known,
                            GError         **error)
{
  *out_known = FALSE;
  return CLASS (self)->is_known (self, username, address, since, out_known, error);
}

gboolean
care_server_store_throttle_prune (CareServerStore *self,
                                  gint64           named_before,
                                  gint64           any_before,
                                  gint64           known_before,
                                  gint64           recent_before,
                                  GError         **error)
{
  return CLASS (self)->throttle_prune (self, named_before, any_before, known_before, recent_before,
                                       error);
}

/* Notes a failed sign-in (any name, any address) for the server-wide count,
 * which every server process shares. */
gboolean
care_server_store_recent_failure_add (CareServerStore *self, gint64 now, GError **error)
{
  return CLASS (self)->recent_failure_add (self, now, error);
}

/* Takes the latest failure back (a sign-in that succeeded after all). */
gboolean
care_server_store_recent_failure_take_back (CareServerStore *self, GError **error)
{
  return CLASS (self)->recent_failure_take_back (self, error);
}

/* How many of the latest @limit failures came after @since, and the oldest
 * of those. */
gboolean
care_server_store_recent_failures (CareServerStore *self,
                                   gint64           since,
                                   guint            limit,
                                   gint64          *out_count,
                                   gint64          *out_oldest,
                                   GError         **error)
{
  *out_count = 0;
  *out_oldest = 0;
  return CLASS (self)->recent_failures (self, since, limit, out_count, out_oldest, error);
}

/* Returns the new feed's id, never reused, or -1 on error. */
gint64
care_server_store_add_feed (CareServerStore *self,
                            const char      *token_hash,
                            const char      *staff_id,
                            gint64           created_by,
                            const char      *created_at,
                            GError         **error)
{
  return CLASS (self)->add_feed (self, token_hash, staff_id, created_by, created_at, error);
}

/* The staff id of a feed token's hash, or NULL (no error: no such feed). */
char *
care_server_store_lookup_feed (CareServerStore *self, const char *token_hash, GError **error)
{
  return CLASS (self)->lookup_feed (self, token_hash, error);
}

CareServerStoreFeed *
care_server_store_get_feed (CareServerStore *self, gint64 id, GError **error)
{
  return CLASS (self)->get_feed (self, id, error);
}

gboolean
care_server_store_delete_feed (CareServerStore *self, gint64 id, GError **error)
{
  return CLASS (self)->delete_feed (self, id, error);
}

/* Every feed, oldest first, as CareServerStoreFeed. */
GPtrArray *
care_server_store_list_feeds (CareServerStore *self, GError **error)
{
  return CLASS (self)->list_feeds (self, error);
}

/* Copying: each row of a table is hashed as it passes, so source and
 * target can be compared table by table. */
typedef struct
{
  CareServerStore     *to; /* NULL when only hashing */
  CareServerStoreTable table;
  GChecksum           *checksum;
  guint64              n_rows;
} CopyState;

static gboolean
copy_row_cb (const char *const *values, gpointer user_data, GError **error)
{
  CopyState                      *state = user_data;
  const CareServerStoreTableInfo *info = &tables[state->table];

  for (guint i = 0; info->columns[i] != NULL; i++)
    {
      /* NULL and '' must hash apart: a length prefix, -1 for NULL. */
      char prefix[32];

      g_snprintf (prefix, sizeof prefix, "%" G_GSSIZE_FORMAT ":",
                  values[i] != NULL ? (gssize) strlen (values[i]) : (gssize) -1);
      g_checksum_update (state->checksum, (const guchar *) prefix, -1);
      if (values[i] != NULL)
        g_checksum_update (state->checksum, (const guchar *) values[i], -1);
    }
  state->n_rows++;

  if (state->to != NULL)
    return CLASS (state->to)->load (state->to, state->table, values, error);
  return TRUE;
}

static gboolean
summarize (CareServerStore     *store,
           CareServerStore     *copy_to,
           CareServerStoreTable table,
           guint64             *out_rows,
           char               **out_checksum,
           GError             **error)
{
  CopyState state = { copy_to, table, g_checksum_new (G_CHECKSUM_SHA256), 0 };
  gboolean  ok = CLASS (store)->dump (store, table, copy_row_cb, &state, error);

  *out_rows = state.n_rows;
  *out_checksum = g_strdup (g_checksum_get_string (state.checksum));
  g_checksum_free (state.checksum);
  return ok;
}

/**
 * care_server_store_copy:
 * @from: the store to copy
 * @to: an empty store
 * @report: (nullable): gets a line per table: name, rows, checksum
 *
 * Copies every table of @from into @to in one transaction of @to, keeping
 * ids, revisions, commit sequence numbers and the instance id (so clients'
 * cursors stay valid), then reads @to back and compares each table's row
 * count and SHA-256 with @from's. A target that holds anything is refused
 * before anything is written; a failed check rolls the copy back.
 */
gboolean
care_server_store_copy (CareServerStore *from, CareServerStore *to, GString *report, GError **error)
{
  gboolean empty = FALSE;

  g_return_val_if_fail (CARE_IS_SERVER_STORE (from), FALSE);
  g_return_val_if_fail (CARE_IS_SERVER_STORE (to), FALSE);

  if (!CLASS (to)->is_empty (to, &empty, error))
    return FALSE;
  if (!empty)
    {
      g_set_error_literal (error, CARE_SERVER_STORE_ERROR, CARE_SERVER_STORE_ERROR_NOT_EMPTY,
                           _ ("The target database is not empty; migrate only copies into a new "
                              "database"));
      return FALSE;
    }

  /* The source is read in one transaction too, so the copy is one moment of it. */
  if (!care_server_store_begin (from, error))
    return FALSE;
  if (!care_server_store_begin (to, error))
    {
      care_server_store_end (from, FALSE, NULL);
      return FALSE;
    }

  for (guint t = 0; t < CARE_SERVER_STORE_N_TABLES; t++)
    {
      g_autofree char *sum_from = NULL;
      guint64          n_from = 0;

      if (!summarize (from, to, t, &n_from, &sum_from, error))
        goto failed;
      if (t == CARE_SERVER_STORE_N_TABLES - 1 && !CLASS (to)->finish_load (to, error))
        goto failed;
    }

  for (guint t = 0; t < CARE_SERVER_STORE_N_TABLES; t++)
    {
      g_autofree char *sum_from = NULL;
      g_autofree char *sum_to = NULL;
      guint64          n_from = 0, n_to = 0;

      if (!summarize (from, NULL, t, &n_from, &sum_from, error) ||
          !summarize (to, NULL, t, &n_to, &sum_to, error))
        goto failed;

      if (n_from != n_to || strcmp (sum_from, sum_to) != 0)
        {
          g_autofree char *rows_from = g_strdup_printf ("%" G_GUINT64_FORMAT, n_from);
          g_autofree char *rows_to = g_strdup_printf ("%" G_GUINT64_FORMAT, n_to);

          g_set_error (error, CARE_SERVER_STORE_ERROR, CARE_SERVER_STORE_ERROR_MISMATCH,
                       _ ("The copy of the table %s does not match (%s rows, %s copied); nothing "
                          "was copied"),
                       tables[t].name, rows_from, rows_to);
          goto failed;
        }
      if (report != NULL)
        g_string_append_printf (report, "%s\t%" G_GUINT64_FORMAT "\t%s\n", tables[t].name, n_from,
                                sum_from);
    }

  care_server_store_end (from, TRUE, NULL);
  return care_server_store_end (to, TRUE, error);

failed:
  care_server_store_end (to, FALSE, NULL);
  care_server_store_end (from, FALSE, NULL);
  return FALSE;
}
