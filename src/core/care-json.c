/* care-json.c: the one JSON codec of client and server: field values,
 * records, mutation ops, and strict reading of the wire's members.
 *
 * Strict both ways: a string field takes only a JSON string, an integer
 * field only a JSON integer, so "1" and 1 are never silently the same, and
 * an empty string is "not set", as in care_record_set_string(). The client
 * (outbox, sync) and the server (push, pull, storage) read and write every
 * value through here, so the two can never disagree on a value's form. */
#define G_LOG_DOMAIN "care-json"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "care-json.h"

const char *
care_mutation_op_to_string (CareMutationOp op)
{
  switch (op)
    {
    case CARE_MUTATION_CREATE:
      return "create";
    case CARE_MUTATION_UPDATE:
      return "update";
    case CARE_MUTATION_DELETE:
      return "delete";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
care_mutation_op_from_string (const char *text, CareMutationOp *out_op)
{
  static const CareMutationOp ops[] = { CARE_MUTATION_CREATE, CARE_MUTATION_UPDATE,
                                        CARE_MUTATION_DELETE };

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    if (g_strcmp0 (text, care_mutation_op_to_string (ops[i])) == 0)
      {
        *out_op = ops[i];
        return TRUE;
      }

  return FALSE;
}

static JsonNode *
member_of_type (JsonObject *object, const char *member, GType type)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

/* The string @member of @object, or %NULL when it is absent or not a string. */
const char *
care_json_get_string (JsonObject *object, const char *member)
{
  JsonNode *node = member_of_type (object, member, G_TYPE_STRING);

  return node != NULL ? json_node_get_string (node) : NULL;
}

/* Returns %FALSE (and leaves @out_value alone) unless @member is an integer. */
gboolean
care_json_get_int (JsonObject *object, const char *member, gint64 *out_value)
{
  JsonNode *node = member_of_type (object, member, G_TYPE_INT64);

  if (node == NULL)
    return FALSE;
  *out_value = json_node_get_int (node);
  return TRUE;
}

/* Returns %FALSE (and leaves @out_value alone) unless @member is a boolean. */
gboolean
care_json_get_bool (JsonObject *object, const char *member, gboolean *out_value)
{
  JsonNode *node = member_of_type (object, member, G_TYPE_BOOLEAN);

  if (node == NULL)
    return FALSE;
  *out_value = json_node_get_boolean (node);
  return TRUE;
}

/* Returns: (transfer none) (nullable): the object @member, if it is one. */
JsonObject *
care_json_get_object (JsonObject *object, const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Returns: (transfer none) (nullable): the array @member, if it is one. */
JsonArray *
care_json_get_array (JsonObject *object, const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* A node that owns @object (json_node_init_object() would add a reference). */
JsonNode *
care_json_take_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/* @object as compact JSON text; @object is not consumed. */
char *
care_json_object_to_string (JsonObject *object)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

/* A field value as JSON; %NULL ("not set") is null. */
JsonNode *
care_json_from_value (GVariant *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  if (value == NULL)
    json_node_init_null (node);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    json_node_set_int (node, g_variant_get_int64 (value));
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    json_node_set_boolean (node, g_variant_get_boolean (value));
  else
    json_node_set_string (node, g_variant_get_string (value, NULL));

  return node;
}

/**
 * care_json_read_value:
 * @node: (nullable): the JSON value; absent and null are "not set"
 * @out_value: (out) (transfer full) (nullable): the value, or %NULL
 *
 * Reads one JSON value as @field's type, checking the type only, not the
 * field's rules: for values that are only compared with what is stored,
 * such as an update's "from". Returns %FALSE for a value of another type.
 */
gboolean
care_json_read_value (const CareField *field, JsonNode *node, GVariant **out_value)
{
  const GVariantType *type = care_field_variant_type (field);

  g_return_val_if_fail (out_value != NULL, FALSE);
  *out_value = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (g_variant_type_equal (type, G_VARIANT_TYPE_INT64))
    {
      if (json_node_get_value_type (node) != G_TYPE_INT64)
        return FALSE;
      *out_value = g_variant_ref_sink (g_variant_new_int64 (json_node_get_int (node)));
    }
  else if (g_variant_type_equal (type, G_VARIANT_TYPE_BOOLEAN))
    {
      if (json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return FALSE;
      *out_value = g_variant_ref_sink (g_variant_new_boolean (json_node_get_boolean (node)));
    }
  else
    {
      const char      *text;
      g_autofree char *id = NULL;

      if (json_node_get_value_type (node) != G_TYPE_STRING)
        return FALSE;
      text = json_node_get_string (node);
      /* A reference is kept in the one form ids are stored in. */
      if (field->type == CARE_FIELD_REF)
        id = care_id_normalize (text);
      if (text[0] != '\0')
        *out_value = g_variant_ref_sink (g_variant_new_string (id != NULL ? id : text));
    }

  return TRUE;
}

/**
 * care_json_to_value:
 * @out_value: (out) (transfer full) (nullable): the value, or %NULL
 *
 * Reads one JSON value strictly and checks it against @field's rules.
 */
gboolean
care_json_to_value (const CareField *field, JsonNode *node, GVariant **out_value, GError **error)
{
  g_autoptr (GVariant) value = NULL;

  g_return_val_if_fail (out_value != NULL, FALSE);
  *out_value = NULL;

  if (!care_json_read_value (field, node, &value))
    {
      g_set_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_WRONG_TYPE,
                   _ ("%s: wrong type of value"), care_field_label (field));
      return FALSE;
    }

  if (!care_field_validate (field, value, error))
    return FALSE;

  *out_value = g_steal_pointer (&value);
  return TRUE;
}

/* The record's field values as a JSON object; unset fields are null. */
JsonObject *
care_json_from_record (CareRecord *record)
{
  const CareEntity *entity = care_record_get_entity (record);
  JsonObject       *object = json_object_new ();

  for (guint i = 0; i < entity->n_fields; i++)
    json_object_set_member (object, entity->fields[i].name,
                            care_json_from_value (care_record_get_value_at (record, i)));

  return object;
}

/* Sets the fields present in @fields; rejects unknown fields and bad values
 * and leaves the record untouched when anything is wrong. */
gboolean
care_json_set_record (CareRecord *record, JsonObject *fields, GError **error)
{
  const CareEntity     *entity;
  g_autofree GVariant **values = NULL;
  g_autofree gboolean  *present = NULL;
  g_autoptr (GList) members = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (CARE_IS_RECORD (record), FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);

  entity = care_record_get_entity (record);
  values = g_new0 (GVariant *, entity->n_fields);
  present = g_new0 (gboolean, entity->n_fields);

  members = json_object_get_members (fields);
  for (GList *l = members; ok && l != NULL; l = l->next)
    {
      const char *name = l->data;
      int         index = care_entity_field_index (entity, name);

      if (index < 0)
        {
          g_set_error (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_UNKNOWN_FIELD,
                       _ ("%s has no field “%s”"), entity->name, name);
          ok = FALSE;
        }
      else
        ok = care_json_to_value (&entity->fields[index], json_object_get_member (fields, name),
                                 &values[index], error);
      if (ok)
        present[index] = TRUE;
    }

  for (guint i = 0; i < entity->n_fields; i++)
    {
      if (ok && present[i])
        care_record_set_value_at (record, i, values[i]);
      g_clear_pointer (&values[i], g_variant_unref);
    }

  return ok;
}
