/* care-schema.h: the one place that defines every entity and its fields. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CARE_VALIDATION_ERROR (care_validation_error_quark ())

typedef enum
{
  CARE_VALIDATION_ERROR_REQUIRED,
  CARE_VALIDATION_ERROR_TOO_LONG,
  CARE_VALIDATION_ERROR_INVALID,
  CARE_VALIDATION_ERROR_OUT_OF_RANGE,
  CARE_VALIDATION_ERROR_UNKNOWN_FIELD,
  CARE_VALIDATION_ERROR_WRONG_TYPE,
  CARE_VALIDATION_ERROR_MISSING_REFERENCE,
} CareValidationError;

typedef enum
{
  CARE_FIELD_TEXT, /* one line of text */
  CARE_FIELD_NOTE, /* multi-line text */
  CARE_FIELD_EMAIL,
  CARE_FIELD_PHONE,
  CARE_FIELD_URL,
  CARE_FIELD_INT,
  CARE_FIELD_BOOL,
  CARE_FIELD_DATE,     /* "YYYY-MM-DD" */
  CARE_FIELD_DATETIME, /* "YYYY-MM-DDTHH:MM:SSZ", always UTC */
  CARE_FIELD_ENUM,     /* one of the field's choices */
  CARE_FIELD_REF,      /* the UUID of a record of ref_entity */
} CareFieldType;

typedef struct _CareEntity CareEntity;

/**
 * CareFieldRule:
 * @normalize: (nullable): turns what a user typed into the stored form;
 *   returns a new string
 * @check: returns %NULL for a valid value, else why it is not, translated,
 *   as the end of "Field: why"
 * @description: the rule in English, for the protocol reference
 *
 * A text field's rule of its own beyond its type's, such as a checksum.
 * Client and server both apply it, as every other rule of the schema.
 */
typedef struct
{
  char *(*normalize) (const char *text);
  const char *(*check) (const char *value);
  const char *description;
} CareFieldRule;

/* Handles for the entities, in the schema's order (parents first). */
typedef enum
{
  CARE_ENTITY_STAFF,
  CARE_ENTITY_CUSTOMER,
  CARE_ENTITY_CONTACT,
  CARE_ENTITY_PRODUCT,
  CARE_ENTITY_WARRANTY,
  CARE_ENTITY_WORKING_CALENDAR,
  CARE_ENTITY_CALENDAR_CLOSURE,
  CARE_ENTITY_SLA_POLICY,
  CARE_ENTITY_SERVICE_CASE,
  CARE_ENTITY_APPOINTMENT,
  CARE_ENTITY_TRAINING_COURSE,
  CARE_ENTITY_TRAINING_SESSION,
  CARE_ENTITY_ENROLMENT,
  CARE_ENTITY_CALL_LOG,
  CARE_ENTITY_VISIT_REPORT,
  CARE_ENTITY_PART_USAGE,
  CARE_ENTITY_MAINTENANCE_PLAN,
  CARE_ENTITY_MAINTENANCE_VISIT,
  CARE_ENTITY_RMA,
  CARE_ENTITY_SURVEY,
  CARE_ENTITY_CASE_STATUS_CHANGE,
  CARE_ENTITY_ATTACHMENT,
  CARE_N_ENTITIES
} CareEntityId;

typedef struct
{
  const char          *name;  /* column and JSON name */
  const char          *label; /* N_() marked; translate with _() */
  CareFieldType        type;
  gboolean             required;
  gint64               max;            /* characters for text, upper bound for ints */
  gint64               min;            /* lower bound for ints */
  const char *const   *choices;        /* CARE_FIELD_ENUM: NULL-terminated keys */
  const char *const   *choice_labels;  /* N_() or NC_() marked, parallel to choices */
  const char          *choice_context; /* the NC_() context of choice_labels, or NULL */
  const char          *ref_entity;     /* CARE_FIELD_REF: the entity name */
  gboolean             owned;          /* CARE_FIELD_REF: deleting the parent deletes this record */
  gboolean             searchable;     /* the customer search finds the customer by it */
  const CareFieldRule *rule;           /* optional: a rule of the field's own */
} CareField;

struct _CareEntity
{
  const char        *name;        /* snake_case singular: table name and sync entity name */
  const char        *label;       /* N_() marked, singular */
  const char        *title_field; /* the field that names a record in lists */
  const char        *range_start; /* optional: a field that must not come after range_end */
  const char        *range_end;
  const char        *unique_field; /* optional: a field whose value is unique among live records */
  const CareField   *fields;
  guint              n_fields;
  const char *const *exactly_one; /* optional: fields of which exactly one must be set */
};

GQuark care_validation_error_quark (void);

const CareEntity        *care_schema_entity (CareEntityId id);
const CareField         *care_schema_field (CareEntityId id, const char *name);
const CareEntity        *care_schema_lookup (const char *entity_name);
const CareEntity *const *care_schema_entities (guint *n_entities);

const CareField *care_entity_lookup_field (const CareEntity *entity, const char *field_name);
int              care_entity_field_index (const CareEntity *entity, const char *field_name);

const char         *care_field_choice_label (const CareField *field, const char *choice);
const GVariantType *care_field_variant_type (const CareField *field);
gboolean            care_field_is_text (const CareField *field);
gboolean            care_entity_is_searchable (const CareEntity *entity);
const char         *care_field_label (const CareField *field);

gboolean
care_field_parse (const CareField *field, const char *text, GVariant **out_value, GError **error);
gboolean care_field_validate (const CareField *field, GVariant *value, GError **error);
char    *care_field_normalize_datetime (const char *text);
char    *care_id_normalize (const char *text);

/* The largest amount of money a record holds, in cents (100 billion). */
#define CARE_MAX_CENTS G_GINT64_CONSTANT (10000000000000)

G_END_DECLS
