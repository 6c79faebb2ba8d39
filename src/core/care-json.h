/* care-json.h: the one JSON codec of client and server: field values,
 * records, mutation ops, and strict reading of the wire's members. */
#pragma once

#include <json-glib/json-glib.h>

#include "care-record.h"

G_BEGIN_DECLS

/**
 * CareMutationOp:
 *
 * What a mutation does to its record, as the outbox stores it and the
 * protocol sends it ("create", "update", "delete"). Bit values, so a set
 * of them (what a role may do) is one mask.
 */
typedef enum
{
  CARE_MUTATION_CREATE = 1 << 0,
  CARE_MUTATION_UPDATE = 1 << 1,
  CARE_MUTATION_DELETE = 1 << 2,
} CareMutationOp;

const char *care_mutation_op_to_string (CareMutationOp op);
gboolean    care_mutation_op_from_string (const char *text, CareMutationOp *out_op);

/* Members, read strictly: a member of another JSON type is as absent. */
const char *care_json_get_string (JsonObject *object, const char *member);
gboolean    care_json_get_int (JsonObject *object, const char *member, gint64 *out_value);
gboolean    care_json_get_bool (JsonObject *object, const char *member, gboolean *out_value);
JsonObject *care_json_get_object (JsonObject *object, const char *member);
JsonArray  *care_json_get_array (JsonObject *object, const char *member);

JsonNode *care_json_take_object (JsonObject *object);
char     *care_json_object_to_string (JsonObject *object);

/* Field values and records */
JsonNode *care_json_from_value (GVariant *value);
gboolean  care_json_read_value (const CareField *field, JsonNode *node, GVariant **out_value);
gboolean
care_json_to_value (const CareField *field, JsonNode *node, GVariant **out_value, GError **error);
JsonObject *care_json_from_record (CareRecord *record);
gboolean    care_json_set_record (CareRecord *record, JsonObject *fields, GError **error);

G_END_DECLS
