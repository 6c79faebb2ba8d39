/* care-server-calendar.c: iCalendar feeds of staff members and the feed tokens to subscribe to them.
 *
 * A feed holds the appointments a staff member is the technician of and the
 * training sessions they teach, from CARE_SERVER_CALENDAR_PAST_DAYS ago
 * onwards. It is written by care_ical_export_feed(), the same code the
 * desktop client exports with, reading the server's record table through a
 * CareIcalResolver; references are followed through the indexed ref table,
 * never by scanning JSON.
 *
 * Calendar programs (GNOME Calendar, Evolution) subscribe to a plain URL and
 * send no Authorization header, so a feed can also be reached through a
 * feed token: 32 random bytes in the URL, stored only as a SHA-256, valid
 * until revoked. Whoever may manage a staff member's feeds (agents and
 * admins for everyone, anyone for the staff record their login stands for)
 * may create and revoke them.
 *
 * The validator: every record the feed was built from (events, customers,
 * products, cases, staff, courses, enrolments, contacts) is noted with its
 * commit sequence number. The entity tag is the highest of them plus a hash
 * over the whole (entity, id, seq) list, so it changes when any of those
 * records changes and also when one drops out (deleted, reassigned, or
 * older than the window), which the highest seq alone would not show. */
#define G_LOG_DOMAIN "care-server-calendar"

#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "care-clock.h"
#include "care-ical.h"
#include "care-json.h"
#include "care-server-calendar.h"

#define TOKEN_BYTES 32

struct _CareServerCalendar
{
  GObject parent_instance;

  /* Owned references */
  CareServerStore *store;
};

G_DEFINE_FINAL_TYPE (CareServerCalendar, care_server_calendar, G_TYPE_OBJECT)
G_DEFINE_QUARK (care_server_calendar_error_quark, care_server_calendar_error)

/* The state of one rendering, the user data of its resolver. */
typedef struct
{
  CareServerCalendar *self;
  GHashTable         *cache; /* "entity/id" -> CareRecord, or NULL for a missing record */
  GHashTable         *used;  /* "entity/id" -> Used */
  GError             *error; /* the first database error the resolver met */
} Render;

typedef struct
{
  gint64 seq;
  char  *updated_at;
} Used;

static void
used_free (gpointer data)
{
  Used *used = data;

  g_free (used->updated_at);
  g_free (used);
}

static void
unref_nullable (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
render_clear (Render *render)
{
  g_clear_pointer (&render->cache, g_hash_table_unref);
  g_clear_pointer (&render->used, g_hash_table_unref);
  g_clear_error (&render->error);
}

static char *
record_key (const CareEntity *entity, const char *id)
{
  return g_strconcat (entity->name, "/", id, NULL);
}

static char *
hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static gboolean
valid_token (const char *token)
{
  if (token == NULL || strlen (token) != TOKEN_BYTES * 2)
    return FALSE;

  for (const char *p = token; *p; p++)
    if (!g_ascii_isdigit (*p) && (*p < 'a' || *p > 'f'))
      return FALSE;

  return TRUE;
}

static char *
utc_text (gint64 unix_time)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (unix_time);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* Builds a record from a stored one and notes it as used; NULL when its
 * JSON does not match the schema. */
static CareRecord *
take_row (Render *render, const CareEntity *entity, CareServerStoreRecord *row)
{
  const char *id = row->id;
  g_autoptr (CareRecord) record = care_record_new_with_id (entity, id);
  g_autoptr (JsonNode) node = row->fields != NULL ? json_from_string (row->fields, NULL) : NULL;
  g_autoptr (GError) error = NULL;
  Used *used;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      !care_json_set_record (record, json_node_get_object (node), &error))
    {
      g_warning ("Stored %s %s does not match the schema: %s", entity->name, id,
                 error != NULL ? error->message : "not a JSON object");
      return NULL;
    }

  care_record_set_rev (record, row->rev);
  care_record_set_timestamps (record, row->created_at, row->updated_at);

  used = g_new0 (Used, 1);
  used->seq = row->seq;
  used->updated_at = g_strdup (row->updated_at);
  g_hash_table_replace (render->used, record_key (entity, id), used);

  return g_steal_pointer (&record);
}

/* Resolver: one live record by id, cached (many appointments share a customer). */
static CareRecord *
resolver_lookup (const CareEntity *entity, const char *id, gpointer user_data)
{
  Render          *render = user_data;
  g_autofree char *key = record_key (entity, id);
  g_autoptr (CareServerStoreRecord) row = NULL;
  CareRecord *record = NULL;
  gpointer    cached;

  if (g_hash_table_lookup_extended (render->cache, key, NULL, &cached))
    return cached != NULL ? g_object_ref (cached) : NULL;

  row = care_server_store_load_record (render->self->store, entity->name, id, NULL,
                                       render->error == NULL ? &render->error : NULL);
  if (row != NULL && !row->deleted)
    record = take_row (render, entity, row);

  g_hash_table_insert (render->cache, g_steal_pointer (&key),
                       record != NULL ? g_object_ref (record) : NULL);
  return record;
}

/* The live records of @entity whose reference @field points at @target_id,
 * ordered by @order_field; with @since, only those ending at or after it. */
static GPtrArray *
find_referring (Render           *render,
                const CareEntity *entity,
                const char       *field,
                const char       *target_id,
                const char       *order_field,
                const char       *since,
                guint             limit)
{
  const CareField *ref = care_entity_lookup_field (entity, field);
  GPtrArray       *found = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) rows = NULL;

  g_return_val_if_fail (ref != NULL && ref->type == CARE_FIELD_REF, found);

  rows = care_server_store_find_referring (render->self->store, entity->name, field,
                                           ref->ref_entity, target_id, since, order_field, limit,
                                           render->error == NULL ? &render->error : NULL);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      CareRecord *record = take_row (render, entity, g_ptr_array_index (rows, i));

      if (record != NULL)
        g_ptr_array_add (found, record);
    }

  return found;
}

/* Resolver: the enrolments of a session, oldest first. */
static GPtrArray *
resolver_find (const CareEntity *entity, const char *field, const char *value, gpointer user_data)
{
  const char *order = entity->title_field;

  /* An entity's first time field orders it (enrolled_at), as on the client. */
  for (guint i = 0; i < entity->n_fields; i++)
    if (entity->fields[i].type == CARE_FIELD_DATETIME)
      {
        order = entity->fields[i].name;
        break;
      }

  return find_referring (user_data, entity, field, value, order, NULL, CARE_ICAL_FEED_MAX_EVENTS);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The weak entity tag and the latest change of every record used. */
static void
compute_validators (Render *render, CareServerCalendarFeed *feed)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree gpointer *keys = NULL;
  guint                n_keys = 0;

  /* A new server version may write the same records differently. */
  g_checksum_update (checksum, (const guchar *) PACKAGE_VERSION "\n", -1);

  keys = g_hash_table_get_keys_as_array (render->used, &n_keys);
  qsort (keys, n_keys, sizeof (gpointer), compare_strings);
  for (guint i = 0; i < n_keys; i++)
    {
      Used            *used = g_hash_table_lookup (render->used, keys[i]);
      g_autofree char *line =
          g_strdup_printf ("%s %" G_GINT64_FORMAT "\n", (const char *) keys[i], used->seq);

      g_checksum_update (checksum, (const guchar *) line, -1);
      if (used->seq > feed->max_seq)
        {
          feed->max_seq = used->seq;
          g_free (feed->last_modified);
          feed->last_modified = g_strdup (used->updated_at);
        }
    }

  feed->etag = g_strdup_printf ("W/\"%" G_GINT64_FORMAT "-%.16s\"", feed->max_seq,
                                g_checksum_get_string (checksum));
}

static void
care_server_calendar_dispose (GObject *object)
{
  CareServerCalendar *self = CARE_SERVER_CALENDAR (object);

  g_clear_object (&self->store);

  G_OBJECT_CLASS (care_server_calendar_parent_class)->dispose (object);
}

static void
care_server_calendar_class_init (CareServerCalendarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = care_server_calendar_dispose;

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
}

static void
care_server_calendar_init (CareServerCalendar *self)
{
}

void
care_server_calendar_feed_free (CareServerCalendarFeed *feed)
{
  if (feed == NULL)
    return;

  g_free (feed->body);
  g_free (feed->etag);
  g_free (feed->last_modified);
  g_free (feed);
}

CareServerCalendar *
care_server_calendar_new (CareServerStore *store)
{
  CareServerCalendar *self;

  g_return_val_if_fail (CARE_IS_SERVER_STORE (store), NULL);

  self = g_object_new (CARE_TYPE_SERVER_CALENDAR, NULL);
  self->store = g_object_ref (store);

  return self;
}

/**
 * care_server_calendar_render:
 * @now: the current time (seconds since the epoch); the window starts
 *   CARE_SERVER_CALENDAR_PAST_DAYS before it
 *
 * The feed of the staff member @staff_id: their appointments (as technician)
 * and the training sessions they teach. Fails with NOT_FOUND when there is
 * no live staff record @staff_id.
 */
CareServerCalendarFeed *
care_server_calendar_render (CareServerCalendar *self,
                             const char         *staff_id,
                             gint64              now,
                             GError            **error)
{
  g_autoptr (CareServerCalendarFeed) feed = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) sessions = NULL;
  g_autoptr (CareRecord) staff = NULL;
  g_autofree char *since = NULL;
  g_autofree char *name = NULL;
  CareIcalResolver resolver;
  Render           render = { 0 };

  g_return_val_if_fail (CARE_IS_SERVER_CALENDAR (self), NULL);
  g_return_val_if_fail (staff_id != NULL, NULL);

  render.self = self;
  render.cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, unref_nullable);
  render.used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, used_free);
  resolver.lookup = resolver_lookup;
  resolver.find = resolver_find;
  resolver.user_data = &render;

  if (g_uuid_string_is_valid (staff_id))
    staff = resolver_lookup (care_schema_entity (CARE_ENTITY_STAFF), staff_id, &render);
  if (staff == NULL)
    {
      if (render.error != NULL)
        g_propagate_error (error, g_steal_pointer (&render.error));
      else
        g_set_error_literal (error, CARE_SERVER_CALENDAR_ERROR,
                             CARE_SERVER_CALENDAR_ERROR_NOT_FOUND,
                             _ ("There is no staff member with this id"));
      render_clear (&render);
      return NULL;
    }

  since = utc_text (now - (gint64) CARE_SERVER_CALENDAR_PAST_DAYS * 24 * 60 * 60);
  events = find_referring (&render, care_schema_entity (CARE_ENTITY_APPOINTMENT), "technician_id",
                           staff_id, "start_at", since, CARE_ICAL_FEED_MAX_EVENTS);
  sessions = find_referring (
      &render, care_schema_entity (CARE_ENTITY_TRAINING_SESSION), "trainer_id", staff_id,
      "start_at", since, CARE_ICAL_FEED_MAX_EVENTS - MIN (events->len, CARE_ICAL_FEED_MAX_EVENTS));
  g_ptr_array_extend_and_steal (events, g_steal_pointer (&sessions));

  feed = g_new0 (CareServerCalendarFeed, 1);
  /* TRANSLATORS: the name of a subscribed calendar; %s is a staff member */
  name = g_strdup_printf (_ ("Aftercare: %s"), care_record_get_string (staff, "name"));
  feed->body = care_ical_export_feed (name, events, &resolver, error);

  if (render.error != NULL)
    {
      g_clear_pointer (&feed->body, g_free);
      g_clear_error (error);
      g_propagate_error (error, g_steal_pointer (&render.error));
    }
  if (feed->body == NULL)
    {
      render_clear (&render);
      return NULL;
    }

  compute_validators (&render, feed);
  render_clear (&render);

  return g_steal_pointer (&feed);
}

/* Agents and admins manage every staff member's feeds; anyone manages the
 * feeds of the staff record their login stands for. */
gboolean
care_server_calendar_may_manage (const CareServerUser *user, const char *staff_id)
{
  g_return_val_if_fail (user != NULL, FALSE);

  if (user->role == CARE_SERVER_ROLE_AGENT || user->role == CARE_SERVER_ROLE_ADMIN)
    return TRUE;

  return user->staff_id != NULL && staff_id != NULL &&
         g_ascii_strcasecmp (user->staff_id, staff_id) == 0;
}

static gboolean
staff_is_live (CareServerCalendar *self, const char *staff_id, GError **error)
{
  g_autoptr (CareServerStoreRecord) staff = NULL;
  g_autoptr (GError) local_error = NULL;

  staff = care_server_store_load_record (self->store, "staff", staff_id, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (staff != NULL && !staff->deleted)
    return TRUE;

  g_set_error_literal (error, CARE_SERVER_CALENDAR_ERROR, CARE_SERVER_CALENDAR_ERROR_INVALID,
                       _ ("There is no staff member with this id"));
  return FALSE;
}

static JsonObject *
feed_object (gint64 id, const char *staff_id, const char *created_at, const char *created_by)
{
  JsonObject *obj = json_object_new ();

  json_object_set_int_member (obj, "id", id);
  json_object_set_string_member (obj, "staff_id", staff_id);
  json_object_set_string_member (obj, "created_at", created_at);
  json_object_set_string_member (obj, "created_by", created_by);
  return obj;
}

/**
 * care_server_calendar_create_feed:
 * @out_token: (out): the feed token, to be put in the URL; it is not kept
 *
 * Returns: (transfer full): the feed as {"id", "staff_id", "created_at",
 *   "created_by"}, or NULL with INVALID (not a live staff record) or
 *   FORBIDDEN (see care_server_calendar_may_manage()).
 */
JsonObject *
care_server_calendar_create_feed (CareServerCalendar   *self,
                                  const CareServerUser *user,
                                  const char           *staff_id,
                                  char                **out_token,
                                  GError              **error)
{
  guint8           raw[TOKEN_BYTES];
  char             hex[TOKEN_BYTES * 2 + 1];
  g_autofree char *hash = NULL;
  g_autofree char *now = NULL;
  gint64           id;

  g_return_val_if_fail (CARE_IS_SERVER_CALENDAR (self), NULL);
  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (out_token != NULL, NULL);

  if (staff_id == NULL || !g_uuid_string_is_valid (staff_id))
    {
      g_set_error_literal (error, CARE_SERVER_CALENDAR_ERROR, CARE_SERVER_CALENDAR_ERROR_INVALID,
                           _ ("staff_id is not the id of a staff record (a UUID)"));
      return NULL;
    }

  if (!care_server_calendar_may_manage (user, staff_id))
    {
      g_set_error_literal (error, CARE_SERVER_CALENDAR_ERROR, CARE_SERVER_CALENDAR_ERROR_FORBIDDEN,
                           _ ("Your role may only create calendar feeds for yourself"));
      return NULL;
    }

  if (!staff_is_live (self, staff_id, error))
    return NULL;

  randombytes_buf (raw, sizeof raw);
  sodium_bin2hex (hex, sizeof hex, raw, sizeof raw);
  sodium_memzero (raw, sizeof raw);
  hash = hash_token (hex);
  now = utc_text (care_clock_now_unix ());

  id = care_server_store_add_feed (self->store, hash, staff_id, user->id, now, error);
  if (id < 0)
    return NULL;

  *out_token = g_strdup (hex);
  sodium_memzero (hex, sizeof hex);
  return feed_object (id, staff_id, now, user->username);
}

/**
 * care_server_calendar_lookup_feed:
 *
 * Returns: (transfer full): the staff id of the feed @token opens, or NULL
 *   with NOT_FOUND, whether the token is malformed, unknown or revoked.
 */
char *
care_server_calendar_lookup_feed (CareServerCalendar *self, const char *token, GError **error)
{
  g_autofree char *hash = NULL;
  g_autoptr (GError) local_error = NULL;
  char *staff_id = NULL;

  g_return_val_if_fail (CARE_IS_SERVER_CALENDAR (self), NULL);

  if (!valid_token (token))
    {
      g_set_error_literal (error, CARE_SERVER_CALENDAR_ERROR, CARE_SERVER_CALENDAR_ERROR_NOT_FOUND,
                           _ ("There is nothing at this address"));
      return NULL;
    }

  hash = hash_token (token);
  staff_id = care_server_store_lookup_feed (self->store, hash, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (staff_id == NULL)
    g_set_error_literal (error, CARE_SERVER_CALENDAR_ERROR, CARE_SERVER_CALENDAR_ERROR_NOT_FOUND,
                         _ ("There is nothing at this address"));
  return staff_id;
}

/**
 * care_server_calendar_revoke_feed:
 *
 * Deletes the feed @feed_id: its URL answers 404 from now on. Its creator
 * and whoever may manage the staff member's feeds may revoke it.
 */
gboolean
care_server_calendar_revoke_feed (CareServerCalendar   *self,
                                  const CareServerUser *user,
                                  gint64                feed_id,
                                  GError              **error)
{
  g_autofree char *staff_id = NULL;
  g_autoptr (GError) local_error = NULL;
  CareServerStoreFeed *feed;
  gint64               created_by = 0;

  g_return_val_if_fail (CARE_IS_SERVER_CALENDAR (self), FALSE);
  g_return_val_if_fail (user != NULL, FALSE);

  feed = care_server_store_get_feed (self->store, feed_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (feed != NULL)
    {
      staff_id = g_strdup (feed->staff_id);
      created_by = feed->created_by;
      care_server_store_feed_free (feed);
    }

  if (staff_id == NULL)
    {
      g_set_error_literal (error, CARE_SERVER_CALENDAR_ERROR, CARE_SERVER_CALENDAR_ERROR_NOT_FOUND,
                           _ ("There is no calendar feed with this id"));
      return FALSE;
    }

  if (created_by != user->id && !care_server_calendar_may_manage (user, staff_id))
    {
      g_set_error_literal (error, CARE_SERVER_CALENDAR_ERROR, CARE_SERVER_CALENDAR_ERROR_FORBIDDEN,
                           _ ("Your role may only revoke your own calendar feeds"));
      return FALSE;
    }

  return care_server_store_delete_feed (self->store, feed_id, error);
}

/**
 * care_server_calendar_list_feeds:
 *
 * Returns: (transfer full): the feeds @user may revoke, oldest first, as
 *   objects like care_server_calendar_create_feed() returns (no tokens:
 *   they are not kept).
 */
JsonArray *
care_server_calendar_list_feeds (CareServerCalendar   *self,
                                 const CareServerUser *user,
                                 GError              **error)
{
  g_autoptr (JsonArray) feeds = json_array_new ();
  g_autoptr (GPtrArray) rows = NULL;

  g_return_val_if_fail (CARE_IS_SERVER_CALENDAR (self), NULL);
  g_return_val_if_fail (user != NULL, NULL);

  rows = care_server_store_list_feeds (self->store, error);
  if (rows == NULL)
    return NULL;

  for (guint i = 0; i < rows->len; i++)
    {
      CareServerStoreFeed *feed = g_ptr_array_index (rows, i);

      if (feed->created_by != user->id && !care_server_calendar_may_manage (user, feed->staff_id))
        continue;

      json_array_add_object_element (
          feeds, feed_object (feed->id, feed->staff_id, feed->created_at, feed->created_by_name));
    }

  return g_steal_pointer (&feeds);
}
