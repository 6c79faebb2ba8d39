/* care-server-sync.c: applies pushed mutations with a three-way merge and serves the change feed.
 *
 * A push runs in write transactions of the store (each takes the
 * database's write lock as it begins, see care-server-store.h), a chunk of
 * mutations at a time; each mutation runs inside a savepoint, so a rejected one is undone alone and never blocks the rest.
 * Its result is stored in client_mutations in that same transaction, keyed
 * by (client_id, mutation_id): a retried push whose response was lost gets
 * the stored results back and changes nothing twice.
 *
 * Merge rules (per field of an update, each field sent as {from, to}):
 *   to == server value          nothing to do, not a conflict
 *   from == server value        the change lands
 *   otherwise                   conflict: the server keeps its value and
 *                               reports {field, server, client}
 * The fields that do not conflict still land, so one conflicting field never
 * loses a user's other edits. A delete whose base_rev is older than the
 * record is a conflict too: deleting would silently drop someone's edit. */
#define G_LOG_DOMAIN "care-server-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "care-clock.h"
#include "care-demo.h"
#include "care-json.h"
#include "care-server-sla.h"
#include "care-server-sync.h"
#include "care-store.h"

struct _CareServerSync
{
  GObject parent_instance;

  CareServerStore *store;   /* owned */
  GHashTable      *pushing; /* client id -> GQueue of GTasks waiting for its push */

  /* Who makes the mutation being applied, for its history; NULL outside
   * a push (data loaded by the server itself has no history). */
  const CareServerUser *actor;
  const char           *actor_client;
  gboolean              conflict_choice; /* the mutation settles a conflict */
  gboolean              history;         /* off only to measure what it costs */
};

/* A push is applied in chunks of this many mutations, and a chunk stops
 * early once it has taken this long, so that one main loop iteration
 * never spends long on one push. */
#define PUSH_CHUNK_MUTATIONS 100
#define PUSH_CHUNK_USEC      (20 * 1000)

G_DEFINE_FINAL_TYPE (CareServerSync, care_server_sync, G_TYPE_OBJECT)
G_DEFINE_QUARK (care_server_sync_error_quark, care_server_sync_error)

/* One stored record as the server holds it. */
typedef struct
{
  gboolean    found;
  gint64      rev;
  gboolean    deleted;
  CareRecord *record; /* NULL for a tombstone */
  char       *json;   /* the record's fields as stored, for its history */
} Stored;

static void
stored_clear (Stored *stored)
{
  g_clear_object (&stored->record);
  g_free (stored->json);
  memset (stored, 0, sizeof *stored);
}

/* What one mutation came to; turned into its JSON result. */
typedef struct
{
  const char *status; /* applied, merged, conflict, rejected */
  gint64      rev;
  JsonArray  *conflicts;
  const char *code; /* machine-readable reason for rejected and record-level conflicts */
  char       *message;
} Outcome;

static void
care_server_sync_dispose (GObject *object)
{
  CareServerSync *self = CARE_SERVER_SYNC (object);

  g_clear_object (&self->store);

  G_OBJECT_CLASS (care_server_sync_parent_class)->dispose (object);
}

static void
care_server_sync_finalize (GObject *object)
{
  CareServerSync *self = CARE_SERVER_SYNC (object);

  g_hash_table_unref (self->pushing);

  G_OBJECT_CLASS (care_server_sync_parent_class)->finalize (object);
}

static void
care_server_sync_class_init (CareServerSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = care_server_sync_dispose;
  object_class->finalize = care_server_sync_finalize;
}

static void
free_queue (gpointer queue)
{
  g_queue_free_full (queue, g_object_unref);
}

static void
care_server_sync_init (CareServerSync *self)
{
  self->pushing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_queue);
  /* Only tests/bench turns history off, to measure push throughput
   * without it; no deployment should. */
  self->history = g_getenv ("AFTERCARE_BENCH_NO_HISTORY") == NULL;
}

CareServerSync *
care_server_sync_new (CareServerStore *store)
{
  CareServerSync *self;

  g_return_val_if_fail (CARE_IS_SERVER_STORE (store), NULL);

  self = g_object_new (CARE_TYPE_SERVER_SYNC, NULL);
  self->store = g_object_ref (store);

  return self;
}

static void
reject (Outcome *outcome, const char *code, const char *message)
{
  outcome->status = "rejected";
  outcome->code = code;
  g_free (outcome->message);
  outcome->message = g_strdup (message);
}

static void
conflict (Outcome *outcome, const char *code, const char *message)
{
  outcome->status = "conflict";
  outcome->code = code;
  g_free (outcome->message);
  outcome->message = g_strdup (message);
}

static void
add_conflict (Outcome *outcome, const char *field, GVariant *server, GVariant *client)
{
  JsonObject *c = json_object_new ();

  json_object_set_string_member (c, "field", field);
  json_object_set_member (c, "server", care_json_from_value (server));
  json_object_set_member (c, "client", care_json_from_value (client));
  json_array_add_object_element (outcome->conflicts, c);
}

/* Loads a record; @stored->found is FALSE when the id was never seen. */
static gboolean
load_stored (
    CareServerSync *self, const CareEntity *entity, const char *id, Stored *stored, GError **error)
{
  g_autoptr (CareServerStoreRecord) row = NULL;
  g_autoptr (GError) local_error = NULL;

  memset (stored, 0, sizeof *stored);
  row = care_server_store_load_record (self->store, entity->name, id, &stored->found, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (row != NULL)
    {
      stored->rev = row->rev;
      stored->deleted = row->deleted;
      if (!stored->deleted)
        {
          g_autoptr (JsonNode) node = json_from_string (row->fields, NULL);

          stored->record = care_record_new_with_id (entity, id);
          stored->json = g_strdup (row->fields);
          if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
              !care_json_set_record (stored->record, json_node_get_object (node), &local_error))
            g_warning ("Stored %s %s does not match the schema: %s", entity->name, id,
                       local_error != NULL ? local_error->message : "not a JSON object");
        }
    }

  return TRUE;
}

/* A value as JSON text. Strings, the most common values, are written
 * here: a JSON generator for each field of each change cost more than
 * the history's own insert. */
static char *
value_json (GVariant *value)
{
  g_autoptr (JsonNode) node = NULL;

  if (value == NULL)
    return NULL;
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      const char *p = g_variant_get_string (value, NULL);
      GString    *out = g_string_sized_new (strlen (p) + 2);

      g_string_append_c (out, '"');
      for (; *p != '\0'; p++)
        {
          guchar c = (guchar) *p;

          if (c == '"' || c == '\\')
            {
              g_string_append_c (out, '\\');
              g_string_append_c (out, (char) c);
            }
          else if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
      g_string_append_c (out, '"');
      return g_string_free (out, FALSE);
    }
  node = care_json_from_value (value);
  return json_to_string (node, FALSE);
}

static char *
record_json (CareRecord *record)
{
  g_autoptr (JsonNode) node = NULL;

  if (record == NULL)
    return NULL;
  node = care_json_take_object (care_json_from_record (record));
  return json_to_string (node, FALSE);
}

static void
history_row_clear (gpointer data)
{
  CareServerStoreHistory *row = data;

  g_free (row->field);
  g_free (row->old_value);
  g_free (row->new_value);
}

/* Appends the history of one change by the current actor: a record
 * created (@before NULL) or deleted (@after NULL) as one row holding the
 * whole record (@record_text, when its JSON is at hand), an update as one
 * row per field that differs. */
static gboolean
note_history (CareServerSync   *self,
              const CareEntity *entity,
              const char       *id,
              const char       *how,
              CareRecord       *before,
              CareRecord       *after,
              const char       *record_text,
              GError          **error)
{
  g_autoptr (GArray) rows = NULL;
  g_autofree char       *now = NULL;
  CareServerStoreHistory row = { 0 };

  if (!self->history || self->actor == NULL)
    return TRUE;

  now = care_clock_now_iso ();
  rows = g_array_new (FALSE, TRUE, sizeof (CareServerStoreHistory));
  g_array_set_clear_func (rows, history_row_clear);

  row.entity = (char *) entity->name;
  row.record_id = (char *) id;
  /* What a choice's delete takes along is still told as a cascade. */
  row.how =
      (char *) (self->conflict_choice && strcmp (how, "cascade") != 0 ? "conflict_choice" : how);
  row.user_id = self->actor->id;
  row.username = self->actor->username;
  row.role = (char *) care_server_role_to_string (self->actor->role);
  row.client_id = (char *) self->actor_client;
  row.at = now;

  if (before == NULL || after == NULL)
    {
      char *text = record_text != NULL ? g_strdup (record_text)
                                       : record_json (before != NULL ? before : after);

      row.op = (char *) (before == NULL ? "create" : "delete");
      row.old_value = before != NULL ? text : NULL;
      row.new_value = before == NULL ? text : NULL;
      g_array_append_val (rows, row);
    }
  else
    {
      g_autoptr (GPtrArray) diff = care_record_diff (before, after);

      row.op = (char *) "update";
      if (diff->len == 1)
        {
          const char *field = g_ptr_array_index (diff, 0);

          row.field = g_strdup (field);
          row.old_value = value_json (care_record_get_value (before, field));
          row.new_value = value_json (care_record_get_value (after, field));
          g_array_append_val (rows, row);
        }
      else if (diff->len > 1)
        {
          /* Several fields: one row, the old and new values as objects by
           * field (care_server_sync_history() tells them apart again).
           * One row and one index entry per change, however many fields. */
          GString *old_values = g_string_new ("{");
          GString *new_values = g_string_new ("{");

          for (guint i = 0; i < diff->len; i++)
            {
              const char      *field = g_ptr_array_index (diff, i);
              g_autofree char *from = value_json (care_record_get_value (before, field));
              g_autofree char *to = value_json (care_record_get_value (after, field));

              g_string_append_printf (old_values, "%s\"%s\":%s", i > 0 ? "," : "", field,
                                      from != NULL ? from : "null");
              g_string_append_printf (new_values, "%s\"%s\":%s", i > 0 ? "," : "", field,
                                      to != NULL ? to : "null");
            }
          g_string_append_c (old_values, '}');
          g_string_append_c (new_values, '}');
          row.old_value = g_string_free (old_values, FALSE);
          row.new_value = g_string_free (new_values, FALSE);
          g_array_append_val (rows, row);
        }
    }

  return care_server_store_add_history (
      self->store, (CareServerStoreHistory *) (gpointer) rows->data, rows->len, error);
}

/* Writes a record (or its tombstone when @record is NULL) at @rev, stamps it
 * with the next commit sequence number and refreshes its references. */
static gboolean
write_record (CareServerSync   *self,
              const CareEntity *entity,
              const char       *id,
              gint64            rev,
              CareRecord       *record,
              gint64            user_id,
              char            **out_json,
              GError          **error)
{
  gboolean ok;

  g_autofree char *now = care_clock_now_iso ();
  g_autofree char *json = NULL;
  g_autoptr (GArray) refs = g_array_new (FALSE, TRUE, sizeof (CareServerStoreRef));

  if (record != NULL)
    {
      g_autoptr (JsonNode) node = care_json_take_object (care_json_from_record (record));
      json = json_to_string (node, FALSE);

      for (guint i = 0; i < entity->n_fields; i++)
        {
          const CareField   *field = &entity->fields[i];
          GVariant          *value = care_record_get_value_at (record, i);
          CareServerStoreRef ref = { 0 };

          if (field->type != CARE_FIELD_REF || value == NULL)
            continue;

          ref.field = (char *) field->name;
          ref.target_entity = (char *) field->ref_entity;
          ref.target_id = (char *) g_variant_get_string (value, NULL);
          ref.owned = field->owned;
          g_array_append_val (refs, ref);
        }
    }

  ok = care_server_store_write_record (self->store, entity->name, id, rev, json, user_id, now,
                                       (const CareServerStoreRef *) (gpointer) refs->data,
                                       refs->len, error) >= 0;
  if (out_json != NULL)
    *out_json = g_steal_pointer (&json);
  return ok;
}

/* Checks that every reference @record holds (or, with @only, the fields
 * listed there) points at a live record. Returns FALSE only on database
 * errors; a broken reference sets @outcome to rejected. */
static gboolean
check_references (
    CareServerSync *self, CareRecord *record, GHashTable *only, Outcome *outcome, GError **error)
{
  const CareEntity *entity = care_record_get_entity (record);

  for (guint i = 0; i < entity->n_fields; i++)
    {
      const CareField *field = &entity->fields[i];
      GVariant        *value = care_record_get_value_at (record, i);
      Stored           target = { 0 };

      if (field->type != CARE_FIELD_REF || value == NULL)
        continue;
      if (only != NULL && !g_hash_table_contains (only, field->name))
        continue;

      if (!load_stored (self, care_schema_lookup (field->ref_entity),
                        g_variant_get_string (value, NULL), &target, error))
        return FALSE;

      if (!target.found || target.deleted)
        {
          g_autofree char *message = g_strdup_printf (
              _ ("%s: the %s %s does not exist or was deleted"), care_field_label (field),
              field->ref_entity, g_variant_get_string (value, NULL));
          reject (outcome, "missing_reference", message);
          stored_clear (&target);
          return TRUE;
        }
      stored_clear (&target);
    }

  return TRUE;
}

/* Enforces the entity's unique field among live records (a serial number
 * belongs to one product). */
static gboolean
check_unique (CareServerSync *self, CareRecord *record, Outcome *outcome, GError **error)
{
  const CareEntity *entity = care_record_get_entity (record);
  const char       *value;
  gboolean          taken = FALSE;

  if (entity->unique_field == NULL)
    return TRUE;

  value = care_record_get_string (record, entity->unique_field);
  if (value == NULL)
    return TRUE;

  if (!care_server_store_unique_taken (self->store, entity->name, entity->unique_field, value,
                                       care_record_get_id (record), &taken, error))
    return FALSE;

  if (taken)
    {
      const CareField *field = care_entity_lookup_field (entity, entity->unique_field);
      g_autofree char *message = g_strdup_printf (_ ("%s: “%s” is already used by another record"),
                                                  care_field_label (field), value);
      reject (outcome, "duplicate", message);
    }

  return TRUE;
}

static gboolean tombstone (CareServerSync   *self,
                           const CareEntity *entity,
                           const char       *id,
                           gint64            rev,
                           gint64            user_id,
                           GError          **error);

/* Whatever pointed at a deleted record follows it: records it owns become
 * tombstones too, optional references to it are cleared. Each is a change
 * of its own, so pulls carry it. */
static gboolean
cascade (
    CareServerSync *self, const CareEntity *entity, const char *id, gint64 user_id, GError **error)
{
  g_autoptr (GPtrArray) rows = NULL;

  rows = care_server_store_list_referrers (self->store, entity->name, id, error);
  if (rows == NULL)
    return FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      CareServerStoreRef *row = g_ptr_array_index (rows, i);
      const CareEntity   *child_entity = care_schema_lookup (row->entity);
      Stored              child = { 0 };
      gboolean            ok = TRUE;

      if (child_entity == NULL)
        continue;
      if (!load_stored (self, child_entity, row->id, &child, error))
        return FALSE;

      /* An earlier row of this loop may already have deleted it. */
      if (child.found && !child.deleted)
        {
          const CareField *field = care_entity_lookup_field (child_entity, row->field);

          /* A required reference cannot be cleared: the record goes too. */
          if (row->owned || field == NULL || field->required)
            ok = note_history (self, child_entity, row->id, "cascade", child.record, NULL,
                               child.json, error) &&
                 tombstone (self, child_entity, row->id, child.rev + 1, user_id, error);
          else
            {
              g_autoptr (CareRecord) cleared = care_record_copy (child.record);

              care_record_set_value (cleared, row->field, NULL);
              ok = note_history (self, child_entity, row->id, "cascade", child.record, cleared,
                                 NULL, error) &&
                   write_record (self, child_entity, row->id, child.rev + 1, cleared, user_id, NULL,
                                 error);
            }
        }
      stored_clear (&child);
      if (!ok)
        return FALSE;
    }

  return TRUE;
}

static gboolean
tombstone (CareServerSync   *self,
           const CareEntity *entity,
           const char       *id,
           gint64            rev,
           gint64            user_id,
           GError          **error)
{
  return write_record (self, entity, id, rev, NULL, user_id, NULL, error) &&
         cascade (self, entity, id, user_id, error);
}

static gboolean
apply_create (CareServerSync   *self,
              const CareEntity *entity,
              const char       *id,
              JsonObject       *fields,
              gint64            user_id,
              Outcome          *outcome,
              GError          **error)
{
  g_autoptr (CareRecord) record = care_record_new_with_id (entity, id);
  g_autoptr (GError) invalid = NULL;
  g_autofree char *json = NULL;
  Stored           existing = { 0 };
  gboolean         ok = TRUE;

  if (!care_json_set_record (record, fields, &invalid) ||
      !care_record_validate (record, NULL, &invalid))
    {
      reject (outcome, "invalid", invalid->message);
      return TRUE;
    }

  if (!load_stored (self, entity, id, &existing, error))
    return FALSE;

  if (existing.found)
    {
      outcome->rev = existing.rev;
      if (existing.deleted)
        /* Ids are never reused: a stale create must not bring a deleted record back. */
        conflict (outcome, "deleted", _ ("A record with this id was deleted on the server"));
      else
        {
          g_autoptr (GPtrArray) diff = care_record_diff (existing.record, record);

          if (diff->len == 0)
            outcome->status = "applied";
          else
            {
              for (guint i = 0; i < diff->len; i++)
                add_conflict (outcome, g_ptr_array_index (diff, i),
                              care_record_get_value (existing.record, g_ptr_array_index (diff, i)),
                              care_record_get_value (record, g_ptr_array_index (diff, i)));
              conflict (outcome, "exists",
                        _ ("A different record with this id already exists on the server"));
            }
        }
      stored_clear (&existing);
      return TRUE;
    }

  if (!check_references (self, record, NULL, outcome, error))
    return FALSE;
  if (outcome->status == NULL && !check_unique (self, record, outcome, error))
    return FALSE;
  if (outcome->status != NULL)
    return TRUE;

  ok = write_record (self, entity, id, 1, record, user_id, &json, error) &&
       note_history (self, entity, id, "applied", NULL, record, json, error);
  outcome->status = "applied";
  outcome->rev = 1;

  return ok;
}

static gboolean
apply_update (CareServerSync   *self,
              const CareEntity *entity,
              const char       *id,
              gint64            base_rev,
              JsonObject       *fields,
              gint64            user_id,
              Outcome          *outcome,
              GError          **error)
{
  g_autoptr (GHashTable) changed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (CareRecord) merged = NULL;
  g_autoptr (GList) members = NULL;
  g_autoptr (GError) invalid = NULL;
  Stored   existing = { 0 };
  gboolean ok = TRUE;

  if (!load_stored (self, entity, id, &existing, error))
    return FALSE;

  if (!existing.found)
    {
      reject (outcome, "not_found", _ ("There is no such record on the server"));
      return TRUE;
    }

  outcome->rev = existing.rev;
  if (existing.deleted)
    {
      conflict (outcome, "deleted", _ ("The record was deleted on the server"));
      stored_clear (&existing);
      return TRUE;
    }

  merged = care_record_copy (existing.record);
  members = json_object_get_members (fields);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char      *name = l->data;
      const CareField *field = care_entity_lookup_field (entity, name);
      JsonNode        *change = json_object_get_member (fields, name);
      JsonObject      *change_obj;
      g_autoptr (GVariant) from = NULL;
      g_autoptr (GVariant) to = NULL;
      GVariant *current;

      if (field == NULL)
        {
          g_autofree char *message =
              g_strdup_printf (_ ("%s has no field “%s”"), entity->name, name);
          reject (outcome, "invalid", message);
          break;
        }

      if (!JSON_NODE_HOLDS_OBJECT (change) ||
          !json_object_has_member ((change_obj = json_node_get_object (change)), "from") ||
          !json_object_has_member (change_obj, "to") || json_object_get_size (change_obj) != 2)
        {
          g_autofree char *message =
              g_strdup_printf (_ ("%s: an update sends {\"from\": …, \"to\": …}"), name);
          reject (outcome, "invalid", message);
          break;
        }

      if (!care_json_to_value (field, json_object_get_member (change_obj, "to"), &to, &invalid))
        {
          reject (outcome, "invalid", invalid->message);
          break;
        }

      /* "from" is only compared with what the server holds: its type is
       * checked, not the field's rules. */
      if (!care_json_read_value (field, json_object_get_member (change_obj, "from"), &from))
        {
          g_autofree char *message =
              g_strdup_printf (_ ("%s: wrong type of value"), care_field_label (field));
          reject (outcome, "invalid", message);
          break;
        }

      current = care_record_get_value (existing.record, name);
      if (care_value_equal (to, current))
        continue;

      if (care_value_equal (from, current))
        {
          care_record_set_value (merged, name, to);
          g_hash_table_add (changed, (gpointer) field->name);
        }
      else
        add_conflict (outcome, name, current, to);
    }

  if (outcome->status != NULL)
    goto out;

  if (g_hash_table_size (changed) > 0)
    {
      const char *bad_field = NULL;

      /* The merge of two valid edits can still break a rule across fields
       * (an end before a start): then the whole mutation is refused. */
      if (!care_record_validate (merged, &bad_field, &invalid))
        {
          reject (outcome, "invalid", invalid->message);
          goto out;
        }

      if (!check_references (self, merged, changed, outcome, error))
        {
          ok = FALSE;
          goto out;
        }
      if (outcome->status == NULL && entity->unique_field != NULL &&
          g_hash_table_contains (changed, entity->unique_field) &&
          !check_unique (self, merged, outcome, error))
        {
          ok = FALSE;
          goto out;
        }
      if (outcome->status != NULL)
        goto out;

      if (!write_record (self, entity, id, existing.rev + 1, merged, user_id, NULL, error) ||
          !note_history (self, entity, id, base_rev == existing.rev ? "applied" : "merged",
                         existing.record, merged, NULL, error))
        {
          ok = FALSE;
          goto out;
        }
      outcome->rev = existing.rev + 1;
    }

  if (json_array_get_length (outcome->conflicts) > 0)
    conflict (outcome, "fields", _ ("Some fields were changed on the server to other values"));
  else
    outcome->status = base_rev == existing.rev ? "applied" : "merged";

out:
  stored_clear (&existing);
  return ok;
}

static gboolean
apply_delete (CareServerSync   *self,
              const CareEntity *entity,
              const char       *id,
              gint64            base_rev,
              gint64            user_id,
              Outcome          *outcome,
              GError          **error)
{
  Stored   existing = { 0 };
  gboolean ok = TRUE;

  if (!load_stored (self, entity, id, &existing, error))
    return FALSE;

  if (!existing.found)
    reject (outcome, "not_found", _ ("There is no such record on the server"));
  else if (existing.deleted)
    {
      outcome->rev = existing.rev;
      conflict (outcome, "deleted", _ ("The record was already deleted on the server"));
    }
  else if (base_rev != existing.rev)
    {
      outcome->rev = existing.rev;
      conflict (outcome, "changed",
                _ ("The record was changed on the server since it was last synchronised; it was "
                   "not deleted"));
    }
  else
    {
      ok =
          note_history (self, entity, id, "applied", existing.record, NULL, existing.json, error) &&
          tombstone (self, entity, id, existing.rev + 1, user_id, error);
      outcome->status = "applied";
      outcome->rev = existing.rev + 1;
    }

  stored_clear (&existing);
  return ok;
}

/* Applies one mutation. Returns FALSE only for database errors, which abort
 * the whole push; everything wrong with the mutation itself is its outcome. */
static gboolean
apply_mutation (CareServerSync       *self,
                const CareServerUser *user,
                JsonObject           *mutation,
                Outcome              *outcome,
                GError              **error)
{
  const char       *entity_name = care_json_get_string (mutation, "entity");
  g_autofree char  *id = care_id_normalize (care_json_get_string (mutation, "id"));
  const char       *op_name = care_json_get_string (mutation, "op");
  JsonNode         *fields_node = json_object_get_member (mutation, "fields");
  const CareEntity *entity;
  CareMutationOp    op;
  gint64            base_rev = 0;

  entity = care_schema_lookup (entity_name);
  if (entity == NULL)
    {
      g_autofree char *message =
          g_strdup_printf (_ ("Unknown entity “%s”"), entity_name != NULL ? entity_name : "");
      reject (outcome, "invalid", message);
      return TRUE;
    }

  if (id == NULL)
    {
      reject (outcome, "invalid", _ ("The record id is not a UUID"));
      return TRUE;
    }

  if (!care_mutation_op_from_string (op_name, &op))
    {
      reject (outcome, "invalid", _ ("The operation is not one of create, update or delete"));
      return TRUE;
    }

  if (!care_server_role_allows (user->role, entity->name, op))
    {
      g_autofree char *message =
          g_strdup_printf (_ ("Forbidden: the %s role may not %s a %s"),
                           care_server_role_to_string (user->role), op_name, entity->name);
      reject (outcome, "forbidden", message);
      return TRUE;
    }

  if (json_object_has_member (mutation, "base_rev") &&
      (!care_json_get_int (mutation, "base_rev", &base_rev) || base_rev < 0))
    {
      reject (outcome, "invalid", _ ("base_rev is not a revision number"));
      return TRUE;
    }

  if (op != CARE_MUTATION_CREATE && !json_object_has_member (mutation, "base_rev"))
    {
      reject (outcome, "invalid", _ ("An update or delete needs base_rev"));
      return TRUE;
    }

  if (op != CARE_MUTATION_DELETE && (fields_node == NULL || !JSON_NODE_HOLDS_OBJECT (fields_node)))
    {
      reject (outcome, "invalid", _ ("A create or update needs a fields object"));
      return TRUE;
    }

  /* Optional: the user chose this value to settle a conflict. It changes
   * nothing but how the history tells the change. */
  if (json_object_has_member (mutation, "conflict_choice"))
    {
      JsonNode *choice = json_object_get_member (mutation, "conflict_choice");

      if (!JSON_NODE_HOLDS_VALUE (choice) || json_node_get_value_type (choice) != G_TYPE_BOOLEAN)
        {
          reject (outcome, "invalid", _ ("conflict_choice is not true or false"));
          return TRUE;
        }
      self->conflict_choice = json_node_get_boolean (choice);
    }

  switch (op)
    {
    case CARE_MUTATION_CREATE:
      return apply_create (self, entity, id, json_node_get_object (fields_node), user->id, outcome,
                           error);
    case CARE_MUTATION_UPDATE:
      return apply_update (self, entity, id, base_rev, json_node_get_object (fields_node), user->id,
                           outcome, error);
    case CARE_MUTATION_DELETE:
    default:
      return apply_delete (self, entity, id, base_rev, user->id, outcome, error);
    }
}

static JsonObject *
outcome_to_json (gint64 mutation_id, Outcome *outcome)
{
  JsonObject *result = json_object_new ();

  json_object_set_int_member (result, "mutation_id", mutation_id);
  json_object_set_string_member (result, "status", outcome->status);
  json_object_set_int_member (result, "rev", outcome->rev);
  json_object_set_array_member (result, "conflicts", json_array_ref (outcome->conflicts));
  if (outcome->message != NULL)
    json_object_set_string_member (result, "error", outcome->message);
  else
    json_object_set_null_member (result, "error");
  if (outcome->code != NULL)
    json_object_set_string_member (result, "code", outcome->code);
  else
    json_object_set_null_member (result, "code");

  return result;
}

static gboolean
store_result (CareServerSync *self,
              const char     *client_id,
              gint64          mutation_id,
              JsonObject     *result,
              GError        **error)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), result);
  g_autofree char *json = json_to_string (node, FALSE);

  return care_server_store_store_result (self->store, client_id, mutation_id, json, error);
}

static JsonObject *
replay_result (CareServerSync *self, const char *client_id, gint64 mutation_id, GError **error)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *json =
      care_server_store_load_result (self->store, client_id, mutation_id, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (json != NULL)
    node = json_from_string (json, NULL);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return json_object_ref (json_node_get_object (node));

  /* An id below the client's high-water mark that was never pushed: the
   * client skipped it. Nothing was applied, and nothing ever will be. */
  {
    Outcome     outcome = { .conflicts = json_array_new () };
    JsonObject *result;

    reject (&outcome, "stale", _ ("This mutation id is below one the server already acknowledged"));
    result = outcome_to_json (mutation_id, &outcome);
    json_array_unref (outcome.conflicts);
    g_free (outcome.message);
    return result;
  }
}

/* Checks the shape of the request before anything is applied, so a broken
 * batch changes nothing. */
static gboolean
check_push (JsonNode *request, char **out_client_id, JsonArray **out_mutations, GError **error)
{
  JsonObject *obj;
  JsonNode   *mutations;
  const char *client_id;
  gint64      previous = 0;

  if (!JSON_NODE_HOLDS_OBJECT (request))
    {
      g_set_error_literal (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_MALFORMED,
                           _ ("The request body must be a JSON object"));
      return FALSE;
    }

  obj = json_node_get_object (request);
  client_id = care_json_get_string (obj, "client_id");
  mutations = json_object_get_member (obj, "mutations");

  if (client_id == NULL || mutations == NULL || !JSON_NODE_HOLDS_ARRAY (mutations))
    {
      g_set_error_literal (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_MALFORMED,
                           _ ("A push needs a client_id string and a mutations array"));
      return FALSE;
    }

  if (!g_uuid_string_is_valid (client_id))
    {
      g_set_error_literal (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_INVALID,
                           _ ("client_id is not a UUID"));
      return FALSE;
    }

  if (json_array_get_length (json_node_get_array (mutations)) > CARE_SERVER_SYNC_MAX_MUTATIONS)
    {
      g_set_error (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_TOO_LARGE,
                   _ ("A push holds at most %d mutations"), CARE_SERVER_SYNC_MAX_MUTATIONS);
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (mutations)); i++)
    {
      JsonNode *m = json_array_get_element (json_node_get_array (mutations), i);
      gint64    mutation_id;

      if (!JSON_NODE_HOLDS_OBJECT (m) ||
          !care_json_get_int (json_node_get_object (m), "mutation_id", &mutation_id))
        {
          g_set_error (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_MALFORMED,
                       _ ("Mutation %u is not an object with an integer mutation_id"), i);
          return FALSE;
        }

      if (mutation_id <= previous)
        {
          g_set_error (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_INVALID,
                       _ ("Mutation ids must be positive and increasing (mutation %u)"), i);
          return FALSE;
        }
      previous = mutation_id;
    }

  *out_client_id = care_id_normalize (client_id);
  *out_mutations = json_node_get_array (mutations);
  return TRUE;
}

/* Binds a client id to the first user who pushes with it and returns its
 * last acknowledged mutation id. */
static gboolean
claim_client (CareServerSync       *self,
              const CareServerUser *user,
              const char           *client_id,
              gint64               *out_last,
              GError              **error)
{
  gint64 owner = -1;

  if (!care_server_store_lock_client (self->store, client_id, user->id, &owner, out_last, error))
    return FALSE;

  if (owner != user->id)
    {
      g_set_error_literal (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_CONFLICT,
                           _ ("This client id belongs to another user; a new local database "
                              "gets a new client id"));
      return FALSE;
    }

  return TRUE;
}

/* A push being applied, a chunk at a time (see push_job_step()). */
typedef struct
{
  CareServerSync *self;      /* owned */
  CareServerUser *user;      /* owned */
  JsonNode       *request;   /* owned */
  JsonArray      *mutations; /* borrowed from request */
  char           *client_id; /* in lower case */
  JsonArray      *results;   /* owned */
  guint           next;      /* the index of the next mutation to apply */
  gint64          last;      /* the client's last acknowledged mutation id */
} PushJob;

static void
push_job_free (gpointer data)
{
  PushJob *job = data;

  g_clear_object (&job->self);
  care_server_user_free (job->user);
  g_clear_pointer (&job->request, json_node_unref);
  g_free (job->client_id);
  g_clear_pointer (&job->results, json_array_unref);
  g_free (job);
}

static PushJob *
push_job_new (CareServerSync *self, const CareServerUser *user, JsonNode *request, GError **error)
{
  g_autofree char *client_id = NULL;
  JsonArray       *mutations = NULL;
  PushJob         *job;

  if (!check_push (request, &client_id, &mutations, error))
    return NULL;

  job = g_new0 (PushJob, 1);
  job->self = g_object_ref (self);
  job->user = care_server_user_copy (user);
  job->request = json_node_ref (request);
  job->mutations = mutations;
  job->client_id = g_steal_pointer (&client_id);
  job->results = json_array_new ();

  return job;
}

static gboolean
push_job_done (PushJob *job)
{
  return job->next >= json_array_get_length (job->mutations);
}

/* Applies the next mutations of @job in one transaction: at most
 * @max_mutations, and no more once @budget_usec has passed (the first is
 * always applied). Each mutation commits with its stored result, so a
 * push cut short by a failure or a crash between chunks is safe to retry:
 * the chunks already committed are replayed, never applied twice. */
static gboolean
push_job_step (PushJob *job, guint max_mutations, gint64 budget_usec, GError **error)
{
  CareServerSync *self = job->self;
  gint64          started = g_get_monotonic_time ();

  if (!care_server_store_begin (self->store, error))
    return FALSE;

  /* Read again for each chunk: another push of this client may not run
   * in between (pushes of one client are queued), but a user may be gone. */
  if (!claim_client (self, job->user, job->client_id, &job->last, error))
    goto failed;

  for (guint n = 0; !push_job_done (job) && n < max_mutations; n++, job->next++)
    {
      JsonObject *mutation = json_array_get_object_element (job->mutations, job->next);
      gint64      mutation_id = json_object_get_int_member (mutation, "mutation_id");
      Outcome     outcome = { .conflicts = json_array_new () };
      JsonObject *result;
      gboolean    ok;

      if (n > 0 && g_get_monotonic_time () - started > budget_usec)
        {
          json_array_unref (outcome.conflicts);
          break;
        }

      if (mutation_id <= job->last)
        {
          json_array_unref (outcome.conflicts);
          result = replay_result (self, job->client_id, mutation_id, error);
          if (result == NULL)
            goto failed;
          json_array_add_object_element (job->results, result);
          continue;
        }

      self->actor = job->user;
      self->actor_client = job->client_id;
      self->conflict_choice = FALSE;
      ok = care_server_store_savepoint (self->store, error) &&
           apply_mutation (self, job->user, mutation, &outcome, error);
      self->actor = NULL;
      self->actor_client = NULL;
      self->conflict_choice = FALSE;
      if (ok)
        {
          g_assert (outcome.status != NULL);
          ok = care_server_store_release (self->store, g_strcmp0 (outcome.status, "rejected") != 0,
                                          error);
        }
      if (ok)
        {
          result = outcome_to_json (mutation_id, &outcome);
          ok = store_result (self, job->client_id, mutation_id, result, error);
          json_array_add_object_element (job->results, result);
        }

      json_array_unref (outcome.conflicts);
      g_free (outcome.message);
      if (!ok)
        goto failed;

      job->last = mutation_id;
    }

  if (!care_server_store_set_client_last (self->store, job->client_id, job->last, error))
    goto failed;

  return care_server_store_end (self->store, TRUE, error);

failed:
  care_server_store_end (self->store, FALSE, NULL);
  return FALSE;
}

static JsonNode *
push_job_response (PushJob *job)
{
  JsonObject *response = json_object_new ();

  json_object_set_array_member (response, "results", json_array_ref (job->results));
  json_object_set_int_member (response, "last_mutation_id", job->last);
  return care_json_take_object (response);
}

/**
 * care_server_sync_push:
 *
 * Applies a push at once, blocking until the last mutation; for callers
 * without a main loop to share (tests, fuzzing). The server uses
 * care_server_sync_push_async().
 */
JsonNode *
care_server_sync_push (CareServerSync       *self,
                       const CareServerUser *user,
                       JsonNode             *request,
                       GError              **error)
{
  PushJob  *job;
  JsonNode *response = NULL;

  g_return_val_if_fail (CARE_IS_SERVER_SYNC (self), NULL);
  g_return_val_if_fail (user != NULL, NULL);

  job = push_job_new (self, user, request, error);
  if (job == NULL)
    return NULL;

  while (!push_job_done (job))
    if (!push_job_step (job, PUSH_CHUNK_MUTATIONS, G_MAXINT64, error))
      goto out;

  /* An empty push still binds the client id to the user. */
  if (json_array_get_length (job->mutations) == 0 &&
      !push_job_step (job, PUSH_CHUNK_MUTATIONS, G_MAXINT64, error))
    goto out;

  response = push_job_response (job);

out:
  push_job_free (job);
  return response;
}

static void push_start_next (CareServerSync *self, const char *client_id);

static gboolean
push_idle_cb (gpointer user_data)
{
  GTask          *task = user_data;
  PushJob        *job = g_task_get_task_data (task);
  CareServerSync *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autofree char *client_id = g_strdup (job->client_id);
  gboolean         first = job->next == 0;

  if (g_task_return_error_if_cancelled (task))
    goto finished;

  if ((!push_job_done (job) || first) &&
      !push_job_step (job, PUSH_CHUNK_MUTATIONS, PUSH_CHUNK_USEC, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      goto finished;
    }

  if (!push_job_done (job))
    return G_SOURCE_CONTINUE;

  g_task_return_pointer (task, push_job_response (job), (GDestroyNotify) json_node_unref);

finished:
  push_start_next (self, client_id);
  return G_SOURCE_REMOVE;
}

static void
push_start (GTask *task)
{
  GSource *source = g_idle_source_new ();

  /* The same priority as libsoup's I/O: each main loop iteration then
   * serves every connection that is ready and applies one chunk of each
   * push, so no request waits for a whole push, and under load pushes
   * are not starved either. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, push_idle_cb, g_object_ref (task), g_object_unref);
  g_source_set_static_name (source, "[aftercare] push");
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

/* Starts the push queued next for @client_id, if any. */
static void
push_start_next (CareServerSync *self, const char *client_id)
{
  GQueue *queue = g_hash_table_lookup (self->pushing, client_id);
  GTask  *next;

  g_assert (queue != NULL);
  next = g_queue_pop_head (queue);
  if (next == NULL)
    {
      g_hash_table_remove (self->pushing, client_id);
      return;
    }

  push_start (next);
  g_object_unref (next);
}

/**
 * care_server_sync_push_async:
 *
 * Applies a push from the main loop, a chunk of mutations per iteration
 * (each chunk its own transaction), so other requests are served while a
 * large push is applied. Pushes of one client id run one after the
 * other, in the order they came: a second push of a client, say a retry
 * after a timeout, must see what the first one acknowledged.
 */
void
care_server_sync_push_async (CareServerSync       *self,
                             const CareServerUser *user,
                             JsonNode             *request,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  PushJob *job;
  GQueue  *queue;

  g_return_if_fail (CARE_IS_SERVER_SYNC (self));
  g_return_if_fail (user != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, care_server_sync_push_async);

  job = push_job_new (self, user, request, &error);
  if (job == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_set_task_data (task, job, push_job_free);

  queue = g_hash_table_lookup (self->pushing, job->client_id);
  if (queue != NULL)
    {
      g_queue_push_tail (queue, g_steal_pointer (&task));
      return;
    }

  g_hash_table_insert (self->pushing, g_strdup (job->client_id), g_queue_new ());
  push_start (task);
}

JsonNode *
care_server_sync_push_finish (CareServerSync *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
format_cursor (CareServerSync *self, gint64 seq)
{
  return g_strdup_printf ("%.8s.%" G_GINT64_FORMAT, care_server_store_get_instance_id (self->store),
                          seq);
}

/* A cursor is "<first 8 characters of the database id>.<seq>". The prefix
 * catches a cursor from another database, which would otherwise skip or
 * repeat records without anyone noticing. */
static gboolean
parse_cursor (CareServerSync *self, const char *cursor, gint64 *out_seq, GError **error)
{
  const char *instance = care_server_store_get_instance_id (self->store);
  const char *dot;
  guint64     seq;

  *out_seq = 0;
  if (cursor == NULL || cursor[0] == '\0')
    return TRUE;

  dot = strchr (cursor, '.');
  if (dot == NULL || dot - cursor != 8 ||
      !g_ascii_string_to_unsigned (dot + 1, 10, 0, G_MAXINT64, &seq, NULL))
    {
      g_set_error_literal (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_MALFORMED,
                           _ ("The cursor is not one this server gave out"));
      return FALSE;
    }

  if (strncmp (cursor, instance, 8) != 0)
    {
      g_set_error_literal (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_CONFLICT,
                           _ ("The cursor belongs to another server database; pull again from the "
                              "beginning"));
      return FALSE;
    }

  *out_seq = (gint64) seq;
  return TRUE;
}

/* @text as a JSON string. Only the server's own text goes here (entity
 * names, normalised ids, cursors), but escaped all the same. */
static void
append_json_string (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

/**
 * care_server_sync_pull_text:
 *
 * One page of changes after @cursor, written out as the pull's JSON answer.
 *
 * Each record's fields are stored as the JSON text this server wrote
 * (write_record ()), so they go into the answer as they are: parsing them
 * into nodes and writing them out again was most of a pull's work.
 */
char *
care_server_sync_pull_text (CareServerSync *self, const char *cursor, guint limit, GError **error)
{
  g_autoptr (GPtrArray) rows = NULL;
  g_autofree char *next_cursor = NULL;
  GString         *out;
  gint64           seq, last_seq;
  gboolean         has_more = FALSE;
  guint            n = 0;
  gsize            bytes = 0;
  gint64           now = care_clock_now_unix ();

  g_return_val_if_fail (CARE_IS_SERVER_SYNC (self), NULL);

  if (!parse_cursor (self, cursor, &seq, error))
    return NULL;

  limit = CLAMP (limit, 1, CARE_SERVER_SYNC_MAX_LIMIT);
  last_seq = seq;

  /* One more row than asked tells whether there is more. The store hands
   * out no change that a transaction still in flight could precede, so no
   * change slips in behind the cursor (see care_server_store_changes_since()). */
  rows = care_server_store_changes_since (self->store, seq, limit + 1, error);
  if (rows == NULL)
    return NULL;

  out = g_string_sized_new (4096);
  g_string_append (out, "{\"changes\":[");
  for (guint i = 0; i < rows->len; i++)
    {
      CareServerStoreRecord *row = g_ptr_array_index (rows, i);
      /* The stored fields plus room for the entity, id, rev and flags,
       * and a case's timers. */
      gsize size = (row->fields != NULL ? strlen (row->fields) : 0) + 200 +
                   (g_strcmp0 (row->entity, "service_case") == 0 ? 600 : 0);

      if (n == limit || (n > 0 && bytes + size > CARE_SERVER_SYNC_MAX_PAGE_BYTES))
        {
          has_more = TRUE;
          break;
        }
      bytes += size;

      if (n > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"entity\":");
      append_json_string (out, row->entity);
      g_string_append (out, ",\"id\":");
      append_json_string (out, row->id);
      g_string_append_printf (out,
                              ",\"rev\":%" G_GINT64_FORMAT ",\"deleted\":%s,\"fields\":", row->rev,
                              row->deleted ? "true" : "false");
      /* Anything but an object (a tombstone's NULL) is sent as null. */
      if (row->fields != NULL && row->fields[0] == '{')
        g_string_append (out, row->fields);
      else
        g_string_append (out, "null");
      /* A live case carries its timers, computed as every client does. */
      if (!row->deleted && g_strcmp0 (row->entity, "service_case") == 0)
        {
          g_autoptr (JsonNode) sla = care_server_sla_for_case (self->store, row, now, error);
          g_autofree char *sla_text = NULL;

          if (sla == NULL)
            {
              g_string_free (out, TRUE);
              return NULL;
            }
          sla_text = json_to_string (sla, FALSE);
          g_string_append (out, ",\"sla\":");
          g_string_append (out, sla_text);
        }
      g_string_append_c (out, '}');

      last_seq = row->seq;
      n++;
    }

  next_cursor = format_cursor (self, last_seq);
  g_string_append (out, "],\"next_cursor\":");
  append_json_string (out, next_cursor);
  g_string_append_printf (out, ",\"has_more\":%s}", has_more ? "true" : "false");

  return g_string_free (out, FALSE);
}

/* The same page as a JSON tree, for callers that read it (tests, fuzzing). */
JsonNode *
care_server_sync_pull (CareServerSync *self, const char *cursor, guint limit, GError **error)
{
  g_autofree char *text = care_server_sync_pull_text (self, cursor, limit, error);

  if (text == NULL)
    return NULL;
  return json_from_string (text, error);
}

/**
 * care_server_sync_pull_query_text:
 * @query: (nullable): the query of a pull request, "cursor=...&limit=..."
 *
 * Reads a pull request's parameters, then pulls: a query that cannot be
 * read, or a limit that is not a whole number, is MALFORMED.
 */
char *
care_server_sync_pull_query_text (CareServerSync *self, const char *query, GError **error)
{
  g_autoptr (GHashTable) params = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *limit_text;
  guint64     limit = CARE_SERVER_SYNC_DEFAULT_LIMIT;

  g_return_val_if_fail (CARE_IS_SERVER_SYNC (self), NULL);

  if (query != NULL)
    {
      params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, &local_error);
      if (params == NULL)
        {
          g_set_error_literal (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_MALFORMED,
                               local_error->message);
          return NULL;
        }
    }

  limit_text = params != NULL ? g_hash_table_lookup (params, "limit") : NULL;
  if (limit_text != NULL &&
      !g_ascii_string_to_unsigned (limit_text, 10, 0, G_MAXUINT32, &limit, NULL))
    {
      g_set_error_literal (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_MALFORMED,
                           _ ("limit is not a whole number"));
      return NULL;
    }

  return care_server_sync_pull_text (
      self, params != NULL ? g_hash_table_lookup (params, "cursor") : NULL, (guint) limit, error);
}

/* The same as a JSON tree, for callers that read it (fuzzing). */
JsonNode *
care_server_sync_pull_query (CareServerSync *self, const char *query, GError **error)
{
  g_autofree char *text = care_server_sync_pull_query_text (self, query, error);

  if (text == NULL)
    return NULL;
  return json_from_string (text, error);
}

static JsonNode *
history_value (const char *json)
{
  JsonNode *node = json != NULL ? json_from_string (json, NULL) : NULL;

  return node != NULL ? node : json_node_init_null (json_node_alloc ());
}

static JsonObject *
history_entry (const CareServerStoreHistory *row,
               const char                   *field,
               JsonNode                     *old_value,
               JsonNode                     *new_value)
{
  JsonObject      *entry = json_object_new ();
  JsonObject      *user = json_object_new ();
  g_autofree char *cursor = g_strdup_printf ("%" G_GINT64_FORMAT, row->id);

  json_object_set_string_member (entry, "cursor", cursor);
  json_object_set_string_member (entry, "at", row->at);
  json_object_set_string_member (entry, "op", row->op);
  if (field != NULL)
    json_object_set_string_member (entry, "field", field);
  else
    json_object_set_null_member (entry, "field");
  json_object_set_member (entry, "old", old_value);
  json_object_set_member (entry, "new", new_value);
  json_object_set_string_member (entry, "how", row->how);
  json_object_set_int_member (user, "id", row->user_id);
  json_object_set_string_member (user, "username", row->username);
  json_object_set_string_member (user, "role", row->role);
  json_object_set_object_member (entry, "user", user);
  if (row->client_id != NULL)
    json_object_set_string_member (entry, "client_id", row->client_id);
  else
    json_object_set_null_member (entry, "client_id");
  return entry;
}

/* Adds the entries of one row: an update of several fields is stored as
 * one row whose values are objects by field, and told as an entry per
 * field, in the schema's order, each with the row's cursor. */
static void
add_history_entries (JsonArray *entries, const CareServerStoreHistory *row)
{
  g_autoptr (JsonNode) old_values = NULL;
  g_autoptr (JsonNode) new_values = NULL;
  g_autoptr (GList) members = NULL;

  if (g_strcmp0 (row->op, "update") != 0 || row->field != NULL)
    {
      json_array_add_object_element (entries,
                                     history_entry (row, row->field, history_value (row->old_value),
                                                    history_value (row->new_value)));
      return;
    }

  old_values = history_value (row->old_value);
  new_values = history_value (row->new_value);
  if (!JSON_NODE_HOLDS_OBJECT (old_values) || !JSON_NODE_HOLDS_OBJECT (new_values))
    return;

  members = json_object_get_members (json_node_get_object (new_values));
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *from = json_object_get_member (json_node_get_object (old_values), l->data);
      JsonNode *to = json_object_get_member (json_node_get_object (new_values), l->data);

      json_array_add_object_element (
          entries, history_entry (row, l->data,
                                  from != NULL ? json_node_copy (from)
                                               : json_node_init_null (json_node_alloc ()),
                                  json_node_copy (to)));
    }
}

/**
 * care_server_sync_history:
 * @query: (nullable): "cursor=...&limit=..."
 *
 * A page of one record's history, newest first. An entity that is not in
 * the schema, an id that is not a UUID or a bad cursor or limit is
 * MALFORMED; a record the server never had is NOT_FOUND (a deleted one
 * keeps its history).
 */
JsonNode *
care_server_sync_history (CareServerSync *self,
                          const char     *entity_name,
                          const char     *id,
                          const char     *query,
                          GError        **error)
{
  g_autoptr (GHashTable) params = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (CareServerStoreRecord) record = NULL;
  g_autofree char  *normalized = NULL;
  const CareEntity *entity;
  const char       *text;
  JsonArray        *entries;
  JsonObject       *response;
  guint64           limit = CARE_SERVER_SYNC_HISTORY_DEFAULT_LIMIT;
  guint64           before = 0;
  gboolean          found = FALSE;

  g_return_val_if_fail (CARE_IS_SERVER_SYNC (self), NULL);

  entity = entity_name != NULL ? care_schema_lookup (entity_name) : NULL;
  if (entity == NULL)
    {
      g_set_error (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_MALFORMED,
                   _ ("Unknown entity “%s”"), entity_name != NULL ? entity_name : "");
      return NULL;
    }

  normalized = id != NULL ? care_id_normalize (id) : NULL;
  if (normalized == NULL)
    {
      g_set_error_literal (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_MALFORMED,
                           _ ("The record id is not a UUID"));
      return NULL;
    }

  if (query != NULL)
    {
      params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, &local_error);
      if (params == NULL)
        {
          g_set_error_literal (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_MALFORMED,
                               local_error->message);
          return NULL;
        }
    }

  text = params != NULL ? g_hash_table_lookup (params, "limit") : NULL;
  if (text != NULL &&
      !g_ascii_string_to_unsigned (text, 10, 1, CARE_SERVER_SYNC_HISTORY_MAX_LIMIT, &limit, NULL))
    {
      g_set_error (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_MALFORMED,
                   _ ("limit is not a whole number from 1 to %d"),
                   CARE_SERVER_SYNC_HISTORY_MAX_LIMIT);
      return NULL;
    }

  text = params != NULL ? g_hash_table_lookup (params, "cursor") : NULL;
  if (text != NULL && text[0] != '\0' &&
      !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &before, NULL))
    {
      g_set_error_literal (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_MALFORMED,
                           _ ("The cursor is not one this server gave out"));
      return NULL;
    }

  record =
      care_server_store_load_record (self->store, entity->name, normalized, &found, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!found)
    {
      g_set_error_literal (error, CARE_SERVER_SYNC_ERROR, CARE_SERVER_SYNC_ERROR_NOT_FOUND,
                           _ ("There is no such record on the server"));
      return NULL;
    }

  /* One more row than asked tells whether there is more. */
  rows = care_server_store_list_history (self->store, entity->name, normalized, (gint64) before,
                                         (guint) limit + 1, error);
  if (rows == NULL)
    return NULL;

  entries = json_array_new ();
  for (guint i = 0; i < rows->len && i < limit; i++)
    add_history_entries (entries, g_ptr_array_index (rows, i));

  response = json_object_new ();
  json_object_set_string_member (response, "entity", entity->name);
  json_object_set_string_member (response, "id", normalized);
  json_object_set_array_member (response, "entries", entries);
  json_object_set_boolean_member (response, "has_more", rows->len > limit);
  if (rows->len > limit)
    {
      const CareServerStoreHistory *last = g_ptr_array_index (rows, limit - 1);
      g_autofree char              *cursor = g_strdup_printf ("%" G_GINT64_FORMAT, last->id);

      json_object_set_string_member (response, "next_cursor", cursor);
    }
  else
    json_object_set_null_member (response, "next_cursor");

  return care_json_take_object (response);
}

/* Stores a record as is, at rev 1 (or the next rev when it exists); for
 * loading data such as the demo set inside the caller's transaction. */
gboolean
care_server_sync_import (CareServerSync *self, CareRecord *record, GError **error)
{
  const CareEntity *entity;
  const char       *bad_field = NULL;
  Stored            existing = { 0 };
  gint64            rev;

  g_return_val_if_fail (CARE_IS_SERVER_SYNC (self), FALSE);
  g_return_val_if_fail (CARE_IS_RECORD (record), FALSE);

  if (!care_record_validate (record, &bad_field, error))
    return FALSE;

  entity = care_record_get_entity (record);
  if (!load_stored (self, entity, care_record_get_id (record), &existing, error))
    return FALSE;
  rev = existing.found ? existing.rev + 1 : 1;
  stored_clear (&existing);

  return write_record (self, entity, care_record_get_id (record), rev, record, 0, NULL, error);
}

static gboolean
demo_sink (CareRecord *record, gpointer user_data, GError **error)
{
  gpointer *data = user_data;

  (*(guint64 *) data[1])++;
  return care_server_sync_import (data[0], record, error);
}

/* Loads the deterministic demo dataset in one transaction. */
gboolean
care_server_sync_fill_demo (CareServerSync *self,
                            guint           n_customers,
                            guint64        *out_n_records,
                            GError        **error)
{
  CareDemoOptions options;
  guint64         n = 0;
  gpointer        data[2] = { self, &n };

  g_return_val_if_fail (CARE_IS_SERVER_SYNC (self), FALSE);

  care_demo_options_init (&options, n_customers);

  if (!care_server_store_begin (self->store, error))
    return FALSE;

  if (!care_demo_generate (&options, demo_sink, data, error))
    {
      care_server_store_end (self->store, FALSE, NULL);
      return FALSE;
    }

  if (out_n_records != NULL)
    *out_n_records = n;

  return care_server_store_end (self->store, TRUE, error);
}
