/* care-server-store.h: the server's storage interface; SQLite and PostgreSQL implement it. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CARE_SERVER_STORE_ERROR (care_server_store_error_quark ())

typedef enum
{
  CARE_SERVER_STORE_ERROR_FAILED,
  CARE_SERVER_STORE_ERROR_BUSY,
  CARE_SERVER_STORE_ERROR_CONSTRAINT,
  CARE_SERVER_STORE_ERROR_CORRUPT,
  CARE_SERVER_STORE_ERROR_TOO_NEW,
  CARE_SERVER_STORE_ERROR_UNREACHABLE, /* cannot connect to the database server */
  CARE_SERVER_STORE_ERROR_BAD_URI,     /* a --db that names no database */
  CARE_SERVER_STORE_ERROR_NOT_EMPTY,   /* migrate: the target already holds data */
  CARE_SERVER_STORE_ERROR_MISMATCH,    /* migrate: the copy does not match */
} CareServerStoreError;

/* One stored record: a live one, or a tombstone (fields NULL). */
typedef struct
{
  char    *entity;
  char    *id;
  gint64   rev;
  gboolean deleted;
  char    *fields; /* JSON object of every field; NULL for a tombstone */
  gint64   seq;
  char    *created_at;
  char    *updated_at;
} CareServerStoreRecord;

void care_server_store_record_free (CareServerStoreRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareServerStoreRecord, care_server_store_record_free)

/* A reference held by a live record (entity, id) in its field. */
typedef struct
{
  char    *entity;
  char    *id;
  char    *field;
  char    *target_entity;
  char    *target_id;
  gboolean owned;
} CareServerStoreRef;

void care_server_store_ref_free (CareServerStoreRef *ref);

/* A user account, without its password hash. */
typedef struct
{
  gint64 id;
  char  *username;
  char  *role;
  char  *staff_id; /* nullable */
} CareServerStoreUser;

void care_server_store_user_free (CareServerStoreUser *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareServerStoreUser, care_server_store_user_free)

/* A calendar feed; the token itself is never stored. */
typedef struct
{
  gint64 id;
  char  *staff_id;
  char  *created_at;
  gint64 created_by;
  char  *created_by_name;
} CareServerStoreFeed;

void care_server_store_feed_free (CareServerStoreFeed *feed);

/* One row of a record's history: a field's change, or a whole record's
 * creation or deletion (field NULL, the record's JSON as new or old value).
 * Values are JSON text, NULL for a value that was not set. Rows are only
 * ever appended, in the transaction of the change they describe. */
typedef struct
{
  gint64 id; /* given by the store; increasing */
  char  *entity;
  char  *record_id;
  char  *op;    /* create, update, delete */
  char  *field; /* nullable */
  char  *old_value;
  char  *new_value;
  char  *how; /* applied, merged, conflict_choice, cascade */
  gint64 user_id;
  char  *username;
  char  *role;
  char  *client_id; /* nullable: a change the server made itself */
  char  *at;
} CareServerStoreHistory;

void care_server_store_history_free (CareServerStoreHistory *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareServerStoreHistory, care_server_store_history_free)

/* The tables `migrate` copies, in an order that respects their references. */
typedef enum
{
  CARE_SERVER_STORE_TABLE_META,
  CARE_SERVER_STORE_TABLE_USERS,
  CARE_SERVER_STORE_TABLE_RECORD,
  CARE_SERVER_STORE_TABLE_REF,
  CARE_SERVER_STORE_TABLE_TOKENS,
  CARE_SERVER_STORE_TABLE_CLIENTS,
  CARE_SERVER_STORE_TABLE_CLIENT_MUTATIONS,
  CARE_SERVER_STORE_TABLE_CALENDAR_FEEDS,
  CARE_SERVER_STORE_TABLE_LOGIN_THROTTLE,
  CARE_SERVER_STORE_TABLE_LOGIN_KNOWN,
  CARE_SERVER_STORE_TABLE_LOGIN_RECENT,
  CARE_SERVER_STORE_TABLE_HISTORY,
  CARE_SERVER_STORE_N_TABLES
} CareServerStoreTable;

typedef struct
{
  const char        *name;
  const char *const *columns;  /* NULL-terminated */
  const char        *order_by; /* a unique key: both backends dump in this order */
} CareServerStoreTableInfo;

const CareServerStoreTableInfo *care_server_store_table_info (CareServerStoreTable table);

/* Dumps of meta carry one more row, first: the last calendar feed id given
 * out, which a revoked feed's row no longer shows and no new feed may reuse. */
#define CARE_SERVER_STORE_FEED_ID_KEY "calendar_feeds_last_id"

/* One row of a table as text, NULL for SQL NULL, in the columns' order. */
typedef gboolean (*CareServerStoreRowFunc) (const char *const *values,
                                            gpointer           user_data,
                                            GError           **error);

#define CARE_TYPE_SERVER_STORE (care_server_store_get_type ())
G_DECLARE_DERIVABLE_TYPE (CareServerStore, care_server_store, CARE, SERVER_STORE, GObject)

struct _CareServerStoreClass
{
  GObjectClass parent_class;

  gboolean (*ping) (CareServerStore *self, GError **error);

  /* Transactions; the base class nests them by a depth counter. begin
   * opens a write transaction: on SQLite it takes the one write lock; on
   * PostgreSQL it marks where its commit sequence numbers will start, so
   * pulls stop below them until it ends. */
  gboolean (*begin) (CareServerStore *self, GError **error);
  gboolean (*commit) (CareServerStore *self, GError **error);
  void (*rollback) (CareServerStore *self);
  gboolean (*savepoint) (CareServerStore *self, GError **error);
  gboolean (*release) (CareServerStore *self, gboolean keep, GError **error);

  /* Records */
  CareServerStoreRecord *(*load_record) (CareServerStore *self,
                                         const char      *entity,
                                         const char      *id,
                                         gboolean        *out_found,
                                         GError         **error);
  gint64 (*write_record) (CareServerStore          *self,
                          const char               *entity,
                          const char               *id,
                          gint64                    rev,
                          const char               *fields,
                          gint64                    user_id,
                          const char               *now,
                          const CareServerStoreRef *refs,
                          guint                     n_refs,
                          GError                  **error);
  GPtrArray *(*list_referrers) (CareServerStore *self,
                                const char      *target_entity,
                                const char      *target_id,
                                GError         **error);
  gboolean (*unique_taken) (CareServerStore *self,
                            const char      *entity,
                            const char      *field,
                            const char      *value,
                            const char      *except_id,
                            gboolean        *out_taken,
                            GError         **error);
  GPtrArray *(*find_referring) (CareServerStore *self,
                                const char      *entity,
                                const char      *field,
                                const char      *target_entity,
                                const char      *target_id,
                                const char      *ends_after,
                                const char      *order_field,
                                guint            limit,
                                GError         **error);
  GPtrArray *(*changes_since) (CareServerStore *self, gint64 seq, guint limit, GError **error);
  char *(*first_live_with) (CareServerStore *self,
                            const char      *entity,
                            const char      *field,
                            const char      *value,
                            GError         **error);

  /* History: appended with each change, read a page at a time, newest
   * first, rows with ids below @before (0: from the newest). */
  gboolean (*add_history) (CareServerStore              *self,
                           const CareServerStoreHistory *rows,
                           guint                         n_rows,
                           GError                      **error);
  GPtrArray *(*list_history) (CareServerStore *self,
                              const char      *entity,
                              const char      *record_id,
                              gint64           before,
                              guint            limit,
                              GError         **error);

  /* Clients and their mutations' results */
  gboolean (*lock_client) (CareServerStore *self,
                           const char      *client_id,
                           gint64           user_id,
                           gint64          *out_owner,
                           gint64          *out_last,
                           GError         **error);
  gboolean (*set_client_last) (CareServerStore *self,
                               const char      *client_id,
                               gint64           last,
                               GError         **error);
  gboolean (*store_result) (CareServerStore *self,
                            const char      *client_id,
                            gint64           mutation_id,
                            const char      *result,
                            GError         **error);
  char *(*load_result) (CareServerStore *self,
                        const char      *client_id,
                        gint64           mutation_id,
                        GError         **error);

  /* Users and session tokens */
  gboolean (*add_user) (CareServerStore *self,
                        const char      *username,
                        const char      *role,
                        const char      *password_hash,
                        const char      *staff_id,
                        const char      *created_at,
                        GError         **error);
  CareServerStoreUser *(*find_user) (CareServerStore *self,
                                     const char      *username,
                                     char           **out_password_hash,
                                     GError         **error);
  gboolean (*add_token) (CareServerStore *self,
                         const char      *hash,
                         gint64           user_id,
                         gint64           expires_at,
                         gint64           now,
                         GError         **error);
  CareServerStoreUser *(*lookup_token) (CareServerStore *self,
                                        const char      *hash,
                                        gint64          *out_expires_at,
                                        GError         **error);
  gboolean (*delete_token) (CareServerStore *self, const char *hash, GError **error);

  /* Sign-in throttling; '' stands for any username or address */
  gboolean (*throttle_get) (CareServerStore *self,
                            const char      *username,
                            const char      *address,
                            gint64          *out_failures,
                            gint64          *out_last,
                            GError         **error);
  gboolean (*throttle_bump) (CareServerStore *self,
                             const char      *username,
                             const char      *address,
                             gint64           now,
                             gint64           window_start,
                             GError         **error);
  gboolean (*throttle_success) (
      CareServerStore *self, const char *username, const char *address, gint64 now, GError **error);
  gboolean (*is_known) (CareServerStore *self,
                        const char      *username,
                        const char      *address,
                        gint64           since,
                        gboolean        *out_known,
                        GError         **error);
  gboolean (*throttle_prune) (CareServerStore *self,
                              gint64           named_before,
                              gint64           any_before,
                              gint64           known_before,
                              gint64           recent_before,
                              GError         **error);
  gboolean (*recent_failure_add) (CareServerStore *self, gint64 now, GError **error);
  gboolean (*recent_failure_take_back) (CareServerStore *self, GError **error);
  gboolean (*recent_failures) (CareServerStore *self,
                               gint64           since,
                               guint            limit,
                               gint64          *out_count,
                               gint64          *out_oldest,
                               GError         **error);

  /* Calendar feeds */
  gint64 (*add_feed) (CareServerStore *self,
                      const char      *token_hash,
                      const char      *staff_id,
                      gint64           created_by,
                      const char      *created_at,
                      GError         **error);
  char *(*lookup_feed) (CareServerStore *self, const char *token_hash, GError **error);
  CareServerStoreFeed *(*get_feed) (CareServerStore *self, gint64 id, GError **error);
  gboolean (*delete_feed) (CareServerStore *self, gint64 id, GError **error);
  GPtrArray *(*list_feeds) (CareServerStore *self, GError **error);

  /* Copying a whole database (migrate) */
  gboolean (*is_empty) (CareServerStore *self, gboolean *out_empty, GError **error);
  gboolean (*dump) (CareServerStore       *self,
                    CareServerStoreTable   table,
                    CareServerStoreRowFunc func,
                    gpointer               user_data,
                    GError               **error);
  gboolean (*load) (CareServerStore     *self,
                    CareServerStoreTable table,
                    const char *const   *values,
                    GError             **error);
  gboolean (*finish_load) (CareServerStore *self, GError **error);
};

GQuark care_server_store_error_quark (void);

gboolean         care_server_store_is_uri (const char *db);
CareServerStore *care_server_store_open (const char *db, GError **error);

const char *care_server_store_get_instance_id (CareServerStore *self);
void        care_server_store_set_instance_id (CareServerStore *self, const char *instance_id);

gboolean care_server_store_ping (CareServerStore *self, GError **error);
gboolean care_server_store_begin (CareServerStore *self, GError **error);
gboolean care_server_store_end (CareServerStore *self, gboolean commit, GError **error);
gboolean care_server_store_savepoint (CareServerStore *self, GError **error);
gboolean care_server_store_release (CareServerStore *self, gboolean keep, GError **error);

CareServerStoreRecord *care_server_store_load_record (
    CareServerStore *self, const char *entity, const char *id, gboolean *out_found, GError **error);
gint64     care_server_store_write_record (CareServerStore          *self,
                                           const char               *entity,
                                           const char               *id,
                                           gint64                    rev,
                                           const char               *fields,
                                           gint64                    user_id,
                                           const char               *now,
                                           const CareServerStoreRef *refs,
                                           guint                     n_refs,
                                           GError                  **error);
GPtrArray *care_server_store_list_referrers (CareServerStore *self,
                                             const char      *target_entity,
                                             const char      *target_id,
                                             GError         **error);
gboolean   care_server_store_unique_taken (CareServerStore *self,
                                           const char      *entity,
                                           const char      *field,
                                           const char      *value,
                                           const char      *except_id,
                                           gboolean        *out_taken,
                                           GError         **error);
GPtrArray *care_server_store_find_referring (CareServerStore *self,
                                             const char      *entity,
                                             const char      *field,
                                             const char      *target_entity,
                                             const char      *target_id,
                                             const char      *ends_after,
                                             const char      *order_field,
                                             guint            limit,
                                             GError         **error);
GPtrArray *
care_server_store_changes_since (CareServerStore *self, gint64 seq, guint limit, GError **error);
char *care_server_store_first_live_with (CareServerStore *self,
                                         const char      *entity,
                                         const char      *field,
                                         const char      *value,
                                         GError         **error);

gboolean   care_server_store_add_history (CareServerStore              *self,
                                          const CareServerStoreHistory *rows,
                                          guint                         n_rows,
                                          GError                      **error);
GPtrArray *care_server_store_list_history (CareServerStore *self,
                                           const char      *entity,
                                           const char      *record_id,
                                           gint64           before,
                                           guint            limit,
                                           GError         **error);

gboolean care_server_store_lock_client (CareServerStore *self,
                                        const char      *client_id,
                                        gint64           user_id,
                                        gint64          *out_owner,
                                        gint64          *out_last,
                                        GError         **error);
gboolean care_server_store_set_client_last (CareServerStore *self,
                                            const char      *client_id,
                                            gint64           last,
                                            GError         **error);
gboolean care_server_store_store_result (CareServerStore *self,
                                         const char      *client_id,
                                         gint64           mutation_id,
                                         const char      *result,
                                         GError         **error);
char    *care_server_store_load_result (CareServerStore *self,
                                        const char      *client_id,
                                        gint64           mutation_id,
                                        GError         **error);

gboolean             care_server_store_add_user (CareServerStore *self,
                                                 const char      *username,
                                                 const char      *role,
                                                 const char      *password_hash,
                                                 const char      *staff_id,
                                                 const char      *created_at,
                                                 GError         **error);
CareServerStoreUser *care_server_store_find_user (CareServerStore *self,
                                                  const char      *username,
                                                  char           **out_password_hash,
                                                  GError         **error);
gboolean             care_server_store_add_token (CareServerStore *self,
                                                  const char      *hash,
                                                  gint64           user_id,
                                                  gint64           expires_at,
                                                  gint64           now,
                                                  GError         **error);
CareServerStoreUser *care_server_store_lookup_token (CareServerStore *self,
                                                     const char      *hash,
                                                     gint64          *out_expires_at,
                                                     GError         **error);
gboolean care_server_store_delete_token (CareServerStore *self, const char *hash, GError **error);

gboolean care_server_store_throttle_get (CareServerStore *self,
                                         const char      *username,
                                         const char      *address,
                                         gint64          *out_failures,
                                         gint64          *out_last,
                                         GError         **error);
gboolean care_server_store_throttle_bump (CareServerStore *self,
                                          const char      *username,
                                          const char      *address,
                                          gint64           now,
                                          gint64           window_start,
                                          GError         **error);
gboolean care_server_store_throttle_success (
    CareServerStore *self, const char *username, const char *address, gint64 now, GError **error);
gboolean care_server_store_is_known (CareServerStore *self,
                                     const char      *username,
                                     const char      *address,
                                     gint64           since,
                                     gboolean        *out_known,
                                     GError         **error);
gboolean care_server_store_throttle_prune (CareServerStore *self,
                                           gint64           named_before,
                                           gint64           any_before,
                                           gint64           known_before,
                                           gint64           recent_before,
                                           GError         **error);
gboolean care_server_store_recent_failure_add (CareServerStore *self, gint64 now, GError **error);
gboolean care_server_store_recent_failure_take_back (CareServerStore *self, GError **error);
gboolean care_server_store_recent_failures (CareServerStore *self,
                                            gint64           since,
                                            guint            limit,
                                            gint64          *out_count,
                                            gint64          *out_oldest,
                                            GError         **error);

gint64 care_server_store_add_feed (CareServerStore *self,
                                   const char      *token_hash,
                                   const char      *staff_id,
                                   gint64           created_by,
                                   const char      *created_at,
                                   GError         **error);
char *care_server_store_lookup_feed (CareServerStore *self, const char *token_hash, GError **error);
CareServerStoreFeed *care_server_store_get_feed (CareServerStore *self, gint64 id, GError **error);
gboolean   care_server_store_delete_feed (CareServerStore *self, gint64 id, GError **error);
GPtrArray *care_server_store_list_feeds (CareServerStore *self, GError **error);

gboolean care_server_store_copy (CareServerStore *from,
                                 CareServerStore *to,
                                 GString         *report,
                                 GError         **error);

G_END_DECLS
