/* care-record.c: one record of any entity, its values keyed by the schema.
 *
 * One generic type driven by the field tables in care-schema.c rather than a
 * hand-written class per entity: storage, sync, JSON and validation all walk
 * the same table, so adding a field is one line there plus a migration. */
#define G_LOG_DOMAIN "care-record"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "care-record.h"

struct _CareRecord
{
  GObject parent_instance;

  const CareEntity *entity;
  char             *id;
  gint64            seq; /* the local row number, 0 if not stored; orders ties in lists */
  gint64            rev;
  CareSyncState     sync_state;
  char             *created_at;
  char             *updated_at;
  GVariant        **values; /* n_fields, NULL = not set */
};

G_DEFINE_FINAL_TYPE (CareRecord, care_record, G_TYPE_OBJECT)

static void
care_record_finalize (GObject *object)
{
  CareRecord *self = CARE_RECORD (object);

  if (self->values != NULL)
    for (guint i = 0; i < self->entity->n_fields; i++)
      g_clear_pointer (&self->values[i], g_variant_unref);

  g_free (self->values);
  g_free (self->id);
  g_free (self->created_at);
  g_free (self->updated_at);

  G_OBJECT_CLASS (care_record_parent_class)->finalize (object);
}

static void
care_record_class_init (CareRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = care_record_finalize;
}

static void
care_record_init (CareRecord *self)
{
  self->sync_state = CARE_SYNC_STATE_CREATED;
}

CareRecord *
care_record_new_with_id (const CareEntity *entity, const char *id)
{
  CareRecord *self;

  g_return_val_if_fail (entity != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  self = g_object_new (CARE_TYPE_RECORD, NULL);
  self->entity = entity;
  self->id = g_strdup (id);
  self->values = g_new0 (GVariant *, entity->n_fields);

  return self;
}

/* A new record with a fresh random UUID, made without asking any server. */
CareRecord *
care_record_new (const CareEntity *entity)
{
  g_autofree char *id = g_uuid_string_random ();

  return care_record_new_with_id (entity, id);
}

CareRecord *
care_record_copy (CareRecord *self)
{
  CareRecord *copy;

  g_return_val_if_fail (CARE_IS_RECORD (self), NULL);

  copy = care_record_new_with_id (self->entity, self->id);
  copy->seq = self->seq;
  copy->rev = self->rev;
  copy->sync_state = self->sync_state;
  copy->created_at = g_strdup (self->created_at);
  copy->updated_at = g_strdup (self->updated_at);
  for (guint i = 0; i < self->entity->n_fields; i++)
    if (self->values[i] != NULL)
      copy->values[i] = g_variant_ref (self->values[i]);

  return copy;
}

const CareEntity *
care_record_get_entity (CareRecord *self)
{
  g_return_val_if_fail (CARE_IS_RECORD (self), NULL);
  return self->entity;
}

const char *
care_record_get_id (CareRecord *self)
{
  g_return_val_if_fail (CARE_IS_RECORD (self), NULL);
  return self->id;
}

gint64
care_record_get_seq (CareRecord *self)
{
  g_return_val_if_fail (CARE_IS_RECORD (self), 0);
  return self->seq;
}

void
care_record_set_seq (CareRecord *self, gint64 seq)
{
  g_return_if_fail (CARE_IS_RECORD (self));
  self->seq = seq;
}

gint64
care_record_get_rev (CareRecord *self)
{
  g_return_val_if_fail (CARE_IS_RECORD (self), 0);
  return self->rev;
}

void
care_record_set_rev (CareRecord *self, gint64 rev)
{
  g_return_if_fail (CARE_IS_RECORD (self));
  self->rev = rev;
}

CareSyncState
care_record_get_sync_state (CareRecord *self)
{
  g_return_val_if_fail (CARE_IS_RECORD (self), CARE_SYNC_STATE_SYNCED);
  return self->sync_state;
}

void
care_record_set_sync_state (CareRecord *self, CareSyncState state)
{
  g_return_if_fail (CARE_IS_RECORD (self));
  self->sync_state = state;
}

const char *
care_record_get_created_at (CareRecord *self)
{
  g_return_val_if_fail (CARE_IS_RECORD (self), NULL);
  return self->created_at;
}

const char *
care_record_get_updated_at (CareRecord *self)
{
  g_return_val_if_fail (CARE_IS_RECORD (self), NULL);
  return self->updated_at;
}

void
care_record_set_timestamps (CareRecord *self, const char *created_at, const char *updated_at)
{
  g_return_if_fail (CARE_IS_RECORD (self));
  g_free (self->created_at);
  g_free (self->updated_at);
  self->created_at = g_strdup (created_at);
  self->updated_at = g_strdup (updated_at);
}

static int
field_index_or_warn (CareRecord *self, const char *field)
{
  int idx = care_entity_field_index (self->entity, field);

  if (idx < 0)
    g_critical ("Entity %s has no field %s", self->entity->name, field);

  return idx;
}

GVariant *
care_record_get_value_at (CareRecord *self, guint index)
{
  g_return_val_if_fail (CARE_IS_RECORD (self), NULL);
  g_return_val_if_fail (index < self->entity->n_fields, NULL);
  return self->values[index];
}

/* Returns the value (borrowed) or NULL when the field is not set. */
GVariant *
care_record_get_value (CareRecord *self, const char *field)
{
  int idx;

  g_return_val_if_fail (CARE_IS_RECORD (self), NULL);

  idx = field_index_or_warn (self, field);
  return idx < 0 ? NULL : self->values[idx];
}

void
care_record_set_value_at (CareRecord *self, guint index, GVariant *value)
{
  g_return_if_fail (CARE_IS_RECORD (self));
  g_return_if_fail (index < self->entity->n_fields);

  if (value != NULL)
    g_variant_ref_sink (value);
  g_clear_pointer (&self->values[index], g_variant_unref);
  self->values[index] = value;
}

/* Sets a field; a floating @value is sunk; NULL unsets the field. */
void
care_record_set_value (CareRecord *self, const char *field, GVariant *value)
{
  int idx;

  g_return_if_fail (CARE_IS_RECORD (self));

  idx = field_index_or_warn (self, field);
  if (idx < 0)
    {
      if (value != NULL)
        g_variant_unref (g_variant_ref_sink (value));
      return;
    }

  care_record_set_value_at (self, (guint) idx, value);
}

const char *
care_record_get_string (CareRecord *self, const char *field)
{
  GVariant *v = care_record_get_value (self, field);

  if (v == NULL || !g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    return NULL;

  return g_variant_get_string (v, NULL);
}

/* An empty string unsets the field, so "" and NULL never mean two things. */
void
care_record_set_string (CareRecord *self, const char *field, const char *value)
{
  care_record_set_value (self, field,
                         value != NULL && value[0] != '\0' ? g_variant_new_string (value) : NULL);
}

gint64
care_record_get_int (CareRecord *self, const char *field, gint64 fallback)
{
  GVariant *v = care_record_get_value (self, field);

  if (v == NULL || !g_variant_is_of_type (v, G_VARIANT_TYPE_INT64))
    return fallback;

  return g_variant_get_int64 (v);
}

void
care_record_set_int (CareRecord *self, const char *field, gint64 value)
{
  care_record_set_value (self, field, g_variant_new_int64 (value));
}

gboolean
care_record_get_bool (CareRecord *self, const char *field)
{
  GVariant *v = care_record_get_value (self, field);

  return v != NULL && g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean (v);
}

void
care_record_set_bool (CareRecord *self, const char *field, gboolean value)
{
  care_record_set_value (self, field, g_variant_new_boolean (value));
}

const char *
care_record_get_title (CareRecord *self)
{
  g_return_val_if_fail (CARE_IS_RECORD (self), NULL);
  return care_record_get_string (self, self->entity->title_field);
}

/* Checks every field, then the entity's rules. On failure @bad_field names
 * the first field that is wrong, so an editor can point at it. */
gboolean
care_record_validate (CareRecord *self, const char **bad_field, GError **error)
{
  const CareEntity *e;

  g_return_val_if_fail (CARE_IS_RECORD (self), FALSE);

  e = self->entity;
  if (bad_field != NULL)
    *bad_field = NULL;

  for (guint i = 0; i < e->n_fields; i++)
    if (!care_field_validate (&e->fields[i], self->values[i], error))
      {
        if (bad_field != NULL)
          *bad_field = e->fields[i].name;
        return FALSE;
      }

  if (e->range_start != NULL)
    {
      const char *start = care_record_get_string (self, e->range_start);
      const char *end = care_record_get_string (self, e->range_end);

      /* Both are ISO 8601 in one canonical form, so text order is time order. */
      if (start != NULL && end != NULL && strcmp (end, start) < 0)
        {
          const CareField *f = care_entity_lookup_field (e, e->range_end);
          if (bad_field != NULL)
            *bad_field = e->range_end;
          g_set_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_OUT_OF_RANGE,
                       /* TRANSLATORS: e.g. "End: must not be before Start" */
                       _ ("%s: must not be before %s"), care_field_label (f),
                       care_field_label (care_entity_lookup_field (e, e->range_start)));
          return FALSE;
        }
    }

  if (e->exactly_one != NULL)
    {
      g_autoptr (GString) names = g_string_new (NULL);
      guint n_set = 0;

      for (guint i = 0; e->exactly_one[i] != NULL; i++)
        {
          const CareField *f = care_entity_lookup_field (e, e->exactly_one[i]);

          n_set += care_record_get_value (self, e->exactly_one[i]) != NULL;
          if (names->len > 0)
            g_string_append (names, ", ");
          g_string_append (names, care_field_label (f));
        }

      if (n_set != 1)
        {
          if (bad_field != NULL)
            *bad_field = e->exactly_one[0];
          g_set_error (
              error, CARE_VALIDATION_ERROR,
              n_set == 0 ? CARE_VALIDATION_ERROR_REQUIRED : CARE_VALIDATION_ERROR_INVALID,
              /* TRANSLATORS: %s is a list of field names, e.g. "Service case, Appointment" */
              _ ("Set exactly one of: %s"), names->str);
          return FALSE;
        }
    }

  return TRUE;
}

/* Whether two field values are the same; %NULL ("not set") equals only %NULL. */
gboolean
care_value_equal (GVariant *a, GVariant *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_variant_equal (a, b);
}

/* The names of the fields whose values differ between two records of one entity. */
GPtrArray *
care_record_diff (CareRecord *self, CareRecord *other)
{
  GPtrArray *changed = g_ptr_array_new ();

  g_return_val_if_fail (CARE_IS_RECORD (self), changed);
  g_return_val_if_fail (CARE_IS_RECORD (other), changed);
  g_return_val_if_fail (self->entity == other->entity, changed);

  for (guint i = 0; i < self->entity->n_fields; i++)
    if (!care_value_equal (self->values[i], other->values[i]))
      g_ptr_array_add (changed, (gpointer) self->entity->fields[i].name);

  return changed;
}
