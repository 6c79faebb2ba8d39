/* care-format.c: values shown to a user, in their locale.
 *
 * Storage keeps ISO 8601 in UTC; everything a user reads goes through here
 * (dates through care-date-format.c), so the locale and time zone are
 * applied in one place. */
#define G_LOG_DOMAIN "care-format"

#include "config.h"

#include <glib/gi18n.h>
#include <stdarg.h>
#include <string.h>

#include "care-format.h"

char *
care_format_value (const CareField *field, GVariant *value)
{
  if (value == NULL)
    return g_strdup ("");

  switch (field->type)
    {
    case CARE_FIELD_INT:
      return g_strdup_printf ("%'" G_GINT64_FORMAT, g_variant_get_int64 (value));
    case CARE_FIELD_BOOL:
      return g_strdup (g_variant_get_boolean (value) ? _ ("Yes") : _ ("No"));
    case CARE_FIELD_DATE:
      return care_format_date (g_variant_get_string (value, NULL));
    case CARE_FIELD_DATETIME:
      return care_format_datetime (g_variant_get_string (value, NULL));
    case CARE_FIELD_ENUM:
      return g_strdup (care_field_choice_label (field, g_variant_get_string (value, NULL)));
    case CARE_FIELD_TEXT:
    case CARE_FIELD_NOTE:
    case CARE_FIELD_EMAIL:
    case CARE_FIELD_PHONE:
    case CARE_FIELD_URL:
    case CARE_FIELD_REF:
    default:
      return g_strdup (g_variant_get_string (value, NULL));
    }
}

char *
care_format_record_field (CareRecord *record, const char *field)
{
  const CareField *f = care_entity_lookup_field (care_record_get_entity (record), field);

  g_return_val_if_fail (f != NULL, g_strdup (""));
  return care_format_value (f, care_record_get_value (record, field));
}

static char *
join_nonempty (const char *sep, ...)
{
  g_autoptr (GStrvBuilder) parts = g_strv_builder_new ();
  g_auto (GStrv) strv = NULL;
  va_list     args;
  const char *s;

  va_start (args, sep);
  while ((s = va_arg (args, const char *)) != (const char *) 1)
    if (s != NULL && s[0] != '\0')
      g_strv_builder_add (parts, s);
  va_end (args);

  strv = g_strv_builder_end (parts);
  return g_strjoinv (sep, strv);
}

#define END ((const char *) 1)

/* A name for any record, as lists and reference rows show it. Records
 * whose own fields do not name them borrow from a parent. */
char *
care_format_title (CareStore *store, CareRecord *record)
{
  const CareEntity *e = care_record_get_entity (record);
  const char       *name = e->name;

  if (g_str_equal (name, "training_session"))
    {
      g_autofree char *when = care_format_datetime (care_record_get_string (record, "start_at"));
      g_autofree char *course =
          care_format_reference (store, care_entity_lookup_field (e, "course_id"),
                                 care_record_get_string (record, "course_id"));
      return join_nonempty (" — ", course, when, END);
    }
  if (g_str_equal (name, "appointment") || g_str_equal (name, "warranty"))
    {
      g_autofree char *kind = care_format_record_field (record, "kind");
      g_autofree char *when = care_format_record_field (
          record, g_str_equal (name, "warranty") ? "end_date" : "start_at");
      return join_nonempty (" — ", kind, when, END);
    }
  if (g_str_equal (name, "enrolment"))
    return care_format_reference (store, care_entity_lookup_field (e, "contact_id"),
                                  care_record_get_string (record, "contact_id"));

  return g_strdup (care_record_get_title (record) != NULL ? care_record_get_title (record) : "");
}

/* A phone number as shown: its spaces and hyphens do not break, so that a
 * narrow row never wraps "01 42 68 53 00" in the middle of the number. */
char *
care_format_phone (const char *phone)
{
  GString *out;

  if (phone == NULL)
    return NULL;
  out = g_string_new (phone);
  g_string_replace (out, " ", "\u00a0", 0);
  g_string_replace (out, "-", "\u2011", 0);
  return g_string_free (out, FALSE);
}

/* A second line that tells two records with one name apart. */
char *
care_format_subtitle (CareRecord *record)
{
  const char *name = care_record_get_entity (record)->name;

  if (g_str_equal (name, "customer") || g_str_equal (name, "contact"))
    /* Only contacts have a role: asking a customer for one is a critical. */
    {
      g_autofree char *phone = care_format_phone (care_record_get_string (record, "phone"));

      return join_nonempty (
          " · ", g_str_equal (name, "contact") ? care_record_get_string (record, "role") : NULL,
          care_record_get_string (record, "email"), phone, END);
    }
  if (g_str_equal (name, "product"))
    return join_nonempty (" · ", care_record_get_string (record, "serial"),
                          care_record_get_string (record, "model"), END);
  if (g_str_equal (name, "staff"))
    {
      g_autofree char *role = care_format_record_field (record, "role");
      return join_nonempty (" · ", role, care_record_get_string (record, "email"), END);
    }
  if (g_str_equal (name, "service_case"))
    {
      g_autofree char *status = care_format_record_field (record, "status");
      g_autofree char *opened = care_format_record_field (record, "opened_at");
      return join_nonempty (" · ", status, opened, END);
    }

  return g_strdup ("");
}

/* The title of the record a reference field points at, or a note that it
 * is gone (deleted elsewhere, or not synced yet). */
char *
care_format_reference (CareStore *store, const CareField *field, const char *id)
{
  g_autoptr (CareRecord) target = NULL;

  if (id == NULL)
    return g_strdup ("");

  target = care_store_load (store, care_schema_lookup (field->ref_entity), id, NULL);
  if (target == NULL)
    return g_strdup (_ ("(no longer available)"));

  return care_format_title (store, target);
}

/* The record @record's reference @field points at, or %NULL when the
 * field is empty or the record is gone. */
CareRecord *
care_format_load_reference (CareStore *store, CareRecord *record, const char *field)
{
  const CareField *f = care_entity_lookup_field (care_record_get_entity (record), field);
  const char      *id = care_record_get_string (record, field);

  if (id == NULL)
    return NULL;
  return care_store_load (store, care_schema_lookup (f->ref_entity), id, NULL);
}

/* Like care_format_reference() for @record's reference @field, but %NULL
 * when the field is empty, so a caller can leave the name out. */
char *
care_format_record_reference (CareStore *store, CareRecord *record, const char *field)
{
  const char *id = care_record_get_string (record, field);

  if (id == NULL)
    return NULL;
  return care_format_reference (
      store, care_entity_lookup_field (care_record_get_entity (record), field), id);
}

/* Languages a customer is likely to speak, by ISO 639-1 code. */
static const struct
{
  const char *code;
  const char *name; /* N_() */
} languages[] = {
  { "bg", N_ ("Bulgarian") },  { "cs", N_ ("Czech") },     { "de", N_ ("German") },
  { "el", N_ ("Greek") },      { "en", N_ ("English") },   { "es", N_ ("Spanish") },
  { "fr", N_ ("French") },     { "hr", N_ ("Croatian") },  { "hu", N_ ("Hungarian") },
  { "it", N_ ("Italian") },    { "nl", N_ ("Dutch") },     { "pl", N_ ("Polish") },
  { "pt", N_ ("Portuguese") }, { "ro", N_ ("Romanian") },  { "ru", N_ ("Russian") },
  { "sk", N_ ("Slovak") },     { "sl", N_ ("Slovenian") }, { "sr", N_ ("Serbian") },
  { "uk", N_ ("Ukrainian") },
};

/**
 * care_format_language:
 * @code: (nullable): a language as stored, e.g. "fr" or "pt-BR"
 *
 * Returns: the language's name in the user's language ("French"), or
 * @code itself when it names no language known here.
 */
const char *
care_format_language (const char *code)
{
  if (code == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      gsize n = strlen (languages[i].code);

      /* The language of a regional variant: "pt-BR", "pt_BR". */
      if (g_ascii_strncasecmp (code, languages[i].code, n) == 0 &&
          (code[n] == '\0' || code[n] == '-' || code[n] == '_'))
        return _ (languages[i].name);
    }
  return code;
}
