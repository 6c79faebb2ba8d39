/* care-vcard.c: customers and their contacts as vCard 4.0 (RFC 6350).
 *
 * Mapping: every customer is one card, KIND:org for a company and
 * KIND:individual for a person, UID urn:uuid:<id>. Each contact is a card of
 * its own (KIND:individual, with ORG naming the company when the customer is
 * one), right after its customer. The customer's card lists its contacts as
 * RELATED;TYPE=contact:urn:uuid:<contact id>, PREF=1 marking the primary
 * one; that link, not ORG, tells the importer which cards are contacts.
 * The free-text address is the street part of ADR. vCard has no property
 * for a tax number: it travels as X-AFTERCARE-TAX-NUMBER, in the stored
 * form (country code first), and other programs keep it as they keep any
 * extension they do not know. Import also reads vCard
 * 3.0 (as Evolution and most phones write it); 2.1 is refused per card. */
#define G_LOG_DOMAIN "care-vcard"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "care-vcard.h"

#define FOLD_OCTETS  75
#define CONTACTS_MAX 1000
#define EXPORT_PAGE  200

typedef struct
{
  char      *name;   /* upper case, group dropped */
  GPtrArray *params; /* "NAME=value" pairs as name, value, name, value… */
  char      *value;  /* raw, still escaped */
} Property;

typedef struct
{
  guint       line;
  GPtrArray  *props; /* of Property */
  const char *error;
  char       *id;
  gboolean    is_contact;
  gboolean    primary;
  const char *customer_id; /* for contacts: the customer card's id */
  guint       customer_line;
  gboolean    saved;
} Card;

/* Writing */

/* Folds @line at 75 octets, never inside a UTF-8 sequence (RFC 6350 3.2). */
static void
append_folded (GString *out, const char *line)
{
  const char *p = line;
  gsize       len = strlen (line);
  gsize       limit = FOLD_OCTETS;

  while (len > limit)
    {
      gsize cut = limit;

      while (cut > 0 && (p[cut] & 0xC0) == 0x80)
        cut--;
      g_string_append_len (out, p, cut);
      g_string_append (out, "\r\n ");
      p += cut;
      len -= cut;
      limit = FOLD_OCTETS - 1; /* the leading space counts */
    }
  g_string_append_len (out, p, len);
  g_string_append (out, "\r\n");
}

static void
append_escaped (GString *out, const char *text)
{
  for (const char *p = text; *p; p++)
    switch (*p)
      {
      case '\\':
        g_string_append (out, "\\\\");
        break;
      case ',':
        g_string_append (out, "\\,");
        break;
      case ';':
        g_string_append (out, "\\;");
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      case '\r':
        break;
      default:
        g_string_append_c (out, *p);
      }
}

/* One property: @params is written as is (constants only), @value escaped
 * as TEXT between @prefix and @suffix (structured values' other parts). */
static void
append_prop (GString    *out,
             const char *name,
             const char *params,
             const char *prefix,
             const char *value,
             const char *suffix)
{
  g_autoptr (GString) line = NULL;

  if (value == NULL || *value == '\0')
    return;

  line = g_string_new (name);
  if (params != NULL)
    g_string_append (line, params);
  g_string_append_c (line, ':');
  if (prefix != NULL)
    g_string_append (line, prefix);
  append_escaped (line, value);
  if (suffix != NULL)
    g_string_append (line, suffix);
  append_folded (out, line->str);
}

static void
append_raw (GString *out, const char *name, const char *value)
{
  g_autofree char *line = g_strconcat (name, ":", value, NULL);

  append_folded (out, line);
}

static void
append_card_start (GString *out, CareRecord *record, const char *kind)
{
  g_autofree char *uid = g_strconcat ("urn:uuid:", care_record_get_id (record), NULL);

  append_raw (out, "BEGIN", "VCARD");
  append_raw (out, "VERSION", "4.0");
  append_raw (out, "PRODID", "-//Aftercare//Aftercare " PACKAGE_VERSION "//EN");
  append_raw (out, "UID", uid);
  append_raw (out, "KIND", kind);
}

static void
append_card_end (GString *out, CareRecord *record)
{
  const char *updated = care_record_get_updated_at (record);

  /* REV is a timestamp in basic format: 20260102T030405Z. */
  if (updated != NULL)
    {
      g_autoptr (GString) rev = g_string_new (updated);

      g_string_replace (rev, "-", "", 0);
      g_string_replace (rev, ":", "", 0);
      append_raw (out, "REV", rev->str);
    }
  append_raw (out, "END", "VCARD");
}

/**
 * care_vcard_append_customer:
 * @contacts: (element-type CareRecord): the customer's contacts
 *
 * Appends the card of @customer and one card per contact. Store-agnostic,
 * so the server can serve the same output.
 */
void
care_vcard_append_customer (GString *out, CareRecord *customer, GPtrArray *contacts)
{
  gboolean    company = g_strcmp0 (care_record_get_string (customer, "kind"), "company") == 0;
  const char *name = care_record_get_string (customer, "name");

  append_card_start (out, customer, company ? "org" : "individual");
  append_prop (out, "FN", NULL, NULL, name, NULL);
  if (company)
    append_prop (out, "ORG", NULL, NULL, name, NULL);
  append_prop (out, "EMAIL", NULL, NULL, care_record_get_string (customer, "email"), NULL);
  append_prop (out, "TEL", NULL, NULL, care_record_get_string (customer, "phone"), NULL);
  append_prop (out, "ADR", NULL, ";;", care_record_get_string (customer, "address"), ";;;;");
  append_prop (out, "X-AFTERCARE-TAX-NUMBER", NULL, NULL,
               care_record_get_string (customer, "tax_number"), NULL);
  append_prop (out, "LANG", NULL, NULL, care_record_get_string (customer, "language"), NULL);
  append_prop (out, "NOTE", NULL, NULL, care_record_get_string (customer, "notes"), NULL);
  for (guint i = 0; contacts != NULL && i < contacts->len; i++)
    {
      CareRecord      *contact = g_ptr_array_index (contacts, i);
      g_autofree char *uri = g_strconcat ("urn:uuid:", care_record_get_id (contact), NULL);

      append_prop (out, "RELATED",
                   care_record_get_bool (contact, "is_primary") ? ";TYPE=contact;PREF=1"
                                                                : ";TYPE=contact",
                   NULL, uri, NULL);
    }
  append_card_end (out, customer);

  for (guint i = 0; contacts != NULL && i < contacts->len; i++)
    {
      CareRecord *contact = g_ptr_array_index (contacts, i);

      append_card_start (out, contact, "individual");
      append_prop (out, "FN", NULL, NULL, care_record_get_string (contact, "name"), NULL);
      if (company)
        append_prop (out, "ORG", NULL, NULL, name, NULL);
      append_prop (out, "ROLE", NULL, NULL, care_record_get_string (contact, "role"), NULL);
      append_prop (out, "EMAIL", NULL, NULL, care_record_get_string (contact, "email"), NULL);
      append_prop (out, "TEL", NULL, NULL, care_record_get_string (contact, "phone"), NULL);
      append_card_end (out, contact);
    }
}

/* Writes the customers of @customers (a customer query) with their contacts. */
gboolean
care_vcard_export (CareStore     *store,
                   CareQuery     *customers,
                   GOutputStream *stream,
                   GCancellable  *cancellable,
                   GError       **error)
{
  const CareEntity *contact_entity = care_schema_entity (CARE_ENTITY_CONTACT);
  g_autoptr (GString) out = g_string_new (NULL);

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (
      care_query_get_entity (customers) == care_schema_entity (CARE_ENTITY_CUSTOMER), FALSE);

  for (guint offset = 0;; offset += EXPORT_PAGE)
    {
      g_autoptr (GPtrArray) page =
          care_store_find (store, customers, offset, EXPORT_PAGE, cancellable, error);

      if (page == NULL)
        return FALSE;

      for (guint i = 0; i < page->len; i++)
        {
          CareRecord *customer = g_ptr_array_index (page, i);
          g_autoptr (CareQuery) q = care_query_new (contact_entity);
          g_autoptr (GPtrArray) contacts = NULL;

          care_query_add_string (q, "customer_id", CARE_QUERY_EQ, care_record_get_id (customer));
          care_query_set_order (q, "name", FALSE);
          contacts = care_store_find (store, q, 0, CONTACTS_MAX, cancellable, error);
          if (contacts == NULL)
            return FALSE;
          care_vcard_append_customer (out, customer, contacts);
        }

      if (!g_output_stream_write_all (stream, out->str, out->len, NULL, cancellable, error))
        return FALSE;
      g_string_truncate (out, 0);

      if (page->len < EXPORT_PAGE)
        break;
    }

  return TRUE;
}

/* Reading */

static void
property_free (gpointer data)
{
  Property *p = data;

  g_free (p->name);
  g_ptr_array_unref (p->params);
  g_free (p->value);
  g_free (p);
}

static void
card_free (gpointer data)
{
  Card *c = data;

  g_ptr_array_unref (c->props);
  g_free (c->id);
  g_free (c);
}

/* RFC 6868: ^n newline, ^' double quote, ^^ caret. */
static char *
decode_param (const char *start, gsize len)
{
  GString *s = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    {
      if (start[i] == '^' && i + 1 < len && strchr ("n'^", start[i + 1]) != NULL)
        {
          char n = start[++i];
          g_string_append_c (s, n == 'n' ? '\n' : n == '\'' ? '"' : '^');
        }
      else
        g_string_append_c (s, start[i]);
    }

  return g_string_free (s, FALSE);
}

/* Parses "group.NAME;P=v,"w";Q=x:value". Returns NULL for a line that is
 * not a property. */
static Property *
parse_property (const char *line)
{
  g_autoptr (GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  const char *p = line;
  const char *name_start = line;
  Property   *prop;

  while (g_ascii_isalnum (*p) || *p == '-' || *p == '.')
    {
      if (*p == '.')
        name_start = p + 1;
      p++;
    }
  if (p == name_start || (*p != ';' && *p != ':'))
    return NULL;

  prop = g_new0 (Property, 1);
  prop->name = g_ascii_strup (name_start, p - name_start);

  while (*p == ';')
    {
      const char      *pname = ++p;
      g_autofree char *key = NULL;

      while (*p && *p != '=' && *p != ';' && *p != ':')
        p++;
      key = g_ascii_strup (pname, p - pname);

      if (*p != '=')
        {
          /* vCard 2.1 style bare parameter ("TEL;WORK:"): a TYPE. */
          g_ptr_array_add (params, g_strdup ("TYPE"));
          g_ptr_array_add (params, g_steal_pointer (&key));
          continue;
        }

      do
        {
          const char *v = ++p;

          if (*v == '"')
            {
              const char *close = strchr (v + 1, '"');

              if (close == NULL)
                {
                  property_free (prop);
                  return NULL;
                }
              g_ptr_array_add (params, g_strdup (key));
              g_ptr_array_add (params, decode_param (v + 1, close - v - 1));
              p = close + 1;
            }
          else
            {
              while (*p && *p != ',' && *p != ';' && *p != ':')
                p++;
              g_ptr_array_add (params, g_strdup (key));
              g_ptr_array_add (params, decode_param (v, p - v));
            }
        }
      while (*p == ',');
    }

  if (*p != ':')
    {
      prop->params = g_steal_pointer (&params);
      property_free (prop);
      return NULL;
    }

  prop->params = g_steal_pointer (&params);
  prop->value = g_strdup (p + 1);
  return prop;
}

static char *
unescape_text (const char *s, gsize len)
{
  GString *out = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    {
      if (s[i] == '\\' && i + 1 < len)
        {
          char n = s[++i];
          g_string_append_c (out, (n == 'n' || n == 'N') ? '\n' : n);
        }
      else
        g_string_append_c (out, s[i]);
    }

  return g_string_free (out, FALSE);
}

/* Splits a structured value on unescaped semicolons. */
static GStrv
split_structured (const char *value)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  const char *start = value;

  for (const char *p = value;; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          p++;
          continue;
        }
      if (*p == ';' || *p == '\0')
        {
          g_autofree char *part = unescape_text (start, p - start);

          g_strv_builder_add (b, part);
          if (*p == '\0')
            break;
          start = p + 1;
        }
    }

  return g_strv_builder_end (b);
}

/* Parameter values may be lists ("TYPE=contact,colleague" or quoted). */
static gboolean
has_param (Property *prop, const char *name, const char *value)
{
  for (guint i = 0; i + 1 < prop->params->len; i += 2)
    {
      g_auto (GStrv) values = NULL;

      if (!g_str_equal (g_ptr_array_index (prop->params, i), name))
        continue;
      values = g_strsplit (g_ptr_array_index (prop->params, i + 1), ",", -1);
      for (guint j = 0; values[j] != NULL; j++)
        if (g_ascii_strcasecmp (g_strstrip (values[j]), value) == 0)
          return TRUE;
    }
  return FALSE;
}

static guint
pref_of (Property *prop)
{
  for (guint i = 0; i + 1 < prop->params->len; i += 2)
    if (g_str_equal (g_ptr_array_index (prop->params, i), "PREF"))
      {
        guint64 v;
        if (g_ascii_string_to_unsigned (g_ptr_array_index (prop->params, i + 1), 10, 1, 100, &v,
                                        NULL))
          return (guint) v;
      }

  /* vCard 3.0 says TYPE=pref. */
  return has_param (prop, "TYPE", "pref") ? 1 : 101;
}

/* The most preferred property called @name, or NULL. */
static Property *
find_prop (Card *card, const char *name)
{
  Property *best = NULL;

  for (guint i = 0; i < card->props->len; i++)
    {
      Property *p = g_ptr_array_index (card->props, i);

      if (g_str_equal (p->name, name) && (best == NULL || pref_of (p) < pref_of (best)))
        best = p;
    }

  return best;
}

static char *
text_of (Card *card, const char *name)
{
  Property *p = find_prop (card, name);

  return p != NULL ? unescape_text (p->value, strlen (p->value)) : NULL;
}

static char *
address_of (Card *card)
{
  Property *p = find_prop (card, "ADR");
  g_auto (GStrv) parts = NULL;
  g_autoptr (GString) out = g_string_new (NULL);

  if (p == NULL)
    return NULL;

  parts = split_structured (p->value);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto (GStrv) lines = g_strsplit (g_strstrip (parts[i]), "\n", -1);

      for (guint j = 0; lines[j] != NULL; j++)
        {
          g_strstrip (lines[j]);
          if (lines[j][0] == '\0')
            continue;
          if (out->len > 0)
            g_string_append (out, ", ");
          g_string_append (out, lines[j]);
        }
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
phone_of (Card *card)
{
  g_autofree char *tel = text_of (card, "TEL");

  if (tel != NULL && g_ascii_strncasecmp (tel, "tel:", 4) == 0)
    return g_strdup (tel + 4);
  return g_steal_pointer (&tel);
}

static char *
notes_of (Card *card)
{
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; i < card->props->len; i++)
    {
      Property        *p = g_ptr_array_index (card->props, i);
      g_autofree char *text = NULL;

      if (!g_str_equal (p->name, "NOTE"))
        continue;
      text = unescape_text (p->value, strlen (p->value));
      if (out->len > 0)
        g_string_append (out, "\n\n");
      g_string_append (out, text);
    }

  return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

/* Finds why a card cannot be read, or NULL. */
static const char *
check_card (Card *card)
{
  g_autofree char *version = text_of (card, "VERSION");
  g_autofree char *kind = text_of (card, "KIND");

  if (card->error != NULL)
    return card->error;
  if (version == NULL || (!g_str_equal (version, "4.0") && !g_str_equal (version, "3.0")))
    return _ ("only vCard versions 3.0 and 4.0 can be imported");

  if (kind == NULL)
    kind = text_of (card, "X-ADDRESSBOOKSERVER-KIND");
  if (kind != NULL && g_ascii_strcasecmp (kind, "individual") != 0 &&
      g_ascii_strcasecmp (kind, "org") != 0)
    return _ ("only vCards of people and organisations can be imported");

  return NULL;
}

static gboolean
set_or_skip (
    CareRecord *record, const char *field, const char *text, Card *card, CareImportReport *report)
{
  g_autoptr (GError) error = NULL;

  if (care_import_set_text (record, field, text, &error))
    return TRUE;

  care_import_report_skip (report, card->line, error->message);
  return FALSE;
}

static gboolean
import_customer (CareStore *store, Card *card, CareImportReport *report, GError **error)
{
  g_autoptr (CareRecord) record =
      care_import_record_for (store, care_schema_entity (CARE_ENTITY_CUSTOMER), card->id, error);
  g_autofree char *kind = text_of (card, "KIND");
  g_autofree char *name = text_of (card, "FN");
  g_autofree char *email = text_of (card, "EMAIL");
  g_autofree char *phone = phone_of (card);
  g_autofree char *address = address_of (card);
  g_autofree char *tax_number = text_of (card, "X-AFTERCARE-TAX-NUMBER");
  g_autofree char *language = text_of (card, "LANG");
  g_autofree char *notes = notes_of (card);
  guint            skipped = care_import_report_get_n_skipped (report);

  if (record == NULL)
    return FALSE;

  if (kind == NULL)
    kind = text_of (card, "X-ADDRESSBOOKSERVER-KIND");
  if (name == NULL || *name == '\0')
    name = text_of (card, "ORG");
  if (name == NULL || *name == '\0')
    {
      care_import_report_skip (report, card->line, _ ("the vCard has no name (FN)"));
      return TRUE;
    }

  if (set_or_skip (record, "kind",
                   kind != NULL && g_ascii_strcasecmp (kind, "org") == 0 ? "company" : "person",
                   card, report) &&
      set_or_skip (record, "name", name, card, report) &&
      set_or_skip (record, "email", email, card, report) &&
      set_or_skip (record, "phone", phone, card, report) &&
      set_or_skip (record, "address", address, card, report) &&
      set_or_skip (record, "tax_number", tax_number, card, report) &&
      set_or_skip (record, "language", language, card, report) &&
      set_or_skip (record, "notes", notes, card, report))
    {
      if (!care_import_save (store, record, card->line, report, error))
        return FALSE;
    }

  card->saved = care_import_report_get_n_skipped (report) == skipped;
  return TRUE;
}

static gboolean
import_contact (CareStore *store, Card *card, CareImportReport *report, GError **error)
{
  g_autoptr (CareRecord) record =
      care_import_record_for (store, care_schema_entity (CARE_ENTITY_CONTACT), card->id, error);
  g_autofree char *name = text_of (card, "FN");
  g_autofree char *role = text_of (card, "ROLE");
  g_autofree char *email = text_of (card, "EMAIL");
  g_autofree char *phone = phone_of (card);

  if (record == NULL)
    return FALSE;

  if (role == NULL)
    role = text_of (card, "TITLE");
  if (name == NULL || *name == '\0')
    {
      care_import_report_skip (report, card->line, _ ("the vCard has no name (FN)"));
      return TRUE;
    }

  if (!set_or_skip (record, "customer_id", card->customer_id, card, report) ||
      !set_or_skip (record, "name", name, card, report) ||
      !set_or_skip (record, "role", role, card, report) ||
      !set_or_skip (record, "email", email, card, report) ||
      !set_or_skip (record, "phone", phone, card, report))
    return TRUE;

  /* An unset flag means "no"; leave it unset rather than writing a change. */
  if (card->primary)
    care_record_set_bool (record, "is_primary", TRUE);
  else if (care_record_get_bool (record, "is_primary"))
    care_record_set_bool (record, "is_primary", FALSE);

  return care_import_save (store, record, card->line, report, error);
}

/* Splits @data into cards; lines outside any card are reported. */
static GPtrArray *
read_cards (const char *data, gsize length, CareImportReport *report)
{
  g_autoptr (GPtrArray) cards = g_ptr_array_new_with_free_func (card_free);
  g_autoptr (GString) logical = g_string_new (NULL);
  const char *p = data;
  const char *end = data + length;
  guint       line = 0, logical_line = 0;
  Card       *card = NULL;
  gboolean    junk_reported = FALSE;

  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    p += 3;

  /* One pass more than there are lines flushes the last logical line. */
  for (;;)
    {
      const char *nl = p < end ? memchr (p, '\n', end - p) : NULL;
      const char *stop = nl != NULL ? nl : end;
      gsize       len = stop - p;
      gboolean    at_end = p >= end;

      if (!at_end && len > 0 && p[len - 1] == '\r')
        len--;
      if (!at_end)
        line++;

      /* A line starting with a space or tab continues the previous one. */
      if (!at_end && len > 0 && (p[0] == ' ' || p[0] == '\t') && logical_line > 0)
        {
          g_string_append_len (logical, p + 1, len - 1);
        }
      else
        {
          if (logical_line > 0 && logical->len > 0)
            {
              const char *l = logical->str;

              if (g_ascii_strcasecmp (l, "BEGIN:VCARD") == 0)
                {
                  if (card != NULL)
                    card->error = _ ("the vCard does not end with END:VCARD");
                  card = g_new0 (Card, 1);
                  card->line = logical_line;
                  card->props = g_ptr_array_new_with_free_func (property_free);
                  g_ptr_array_add (cards, card);
                  junk_reported = FALSE;
                }
              else if (card != NULL && g_ascii_strcasecmp (l, "END:VCARD") == 0)
                card = NULL;
              else if (card != NULL)
                {
                  Property *prop = parse_property (l);

                  if (prop == NULL && card->error == NULL)
                    card->error = _ ("a line of the vCard is not a valid property");
                  else if (prop != NULL)
                    g_ptr_array_add (card->props, prop);
                }
              else if (!junk_reported)
                {
                  care_import_report_skip (report, logical_line,
                                           _ ("text outside a vCard was ignored"));
                  junk_reported = TRUE;
                }
            }
          g_string_truncate (logical, 0);
          g_string_append_len (logical, p, len);
          logical_line = line;
        }

      if (at_end)
        break;
      p = nl != NULL ? nl + 1 : end;
    }

  if (card != NULL)
    card->error = _ ("the vCard does not end with END:VCARD");

  return g_steal_pointer (&cards);
}

/**
 * care_vcard_import:
 *
 * Imports vCards (3.0 or 4.0) as customers and contacts, each card a normal
 * edit of its own. A card whose UID matches a record updates it. Cards named
 * by a customer card's RELATED;TYPE=contact become that customer's contacts;
 * every other card is a customer (KIND:org a company, else a person). A bad
 * card is skipped and reported with its line, and so are the contacts of a
 * customer that was skipped. Files too large, not UTF-8 or without any card
 * are refused before anything is written.
 */
CareImportReport *
care_vcard_import (
    CareStore *store, const char *data, gsize length, GCancellable *cancellable, GError **error)
{
  g_autoptr (CareImportReport) report = NULL;
  g_autoptr (GPtrArray) cards = NULL;
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);

  if (length > CARE_IMPORT_MAX_SIZE)
    {
      g_set_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_TOO_LARGE,
                   _ ("The file is larger than %d MiB, the most Aftercare imports at once"),
                   CARE_IMPORT_MAX_SIZE / (1024 * 1024));
      return NULL;
    }
  if (!care_import_check_text (data, length, error))
    return NULL;

  report = care_import_report_new ();
  cards = read_cards (data, length, report);
  if (cards->len == 0)
    {
      g_set_error (error, CARE_IMPORT_ERROR, CARE_IMPORT_ERROR_MALFORMED,
                   _ ("The file contains no vCard (no BEGIN:VCARD line)"));
      return NULL;
    }

  for (guint i = 0; i < cards->len; i++)
    {
      Card            *card = g_ptr_array_index (cards, i);
      g_autofree char *uid = text_of (card, "UID");

      card->id = care_import_id_for_uid (uid);
      if (g_hash_table_contains (by_id, card->id))
        {
          if (card->error == NULL)
            card->error = _ ("another vCard in the file has the same UID");
        }
      else
        g_hash_table_insert (by_id, card->id, card);
    }

  /* Link contacts to their customers before saving anything. */
  for (guint i = 0; i < cards->len; i++)
    {
      Card *card = g_ptr_array_index (cards, i);

      if (card->is_contact)
        continue;
      for (guint j = 0; j < card->props->len; j++)
        {
          Property        *p = g_ptr_array_index (card->props, j);
          g_autofree char *target_id = NULL;
          Card            *target;

          if (!g_str_equal (p->name, "RELATED") || !has_param (p, "TYPE", "contact"))
            continue;
          target_id = care_import_id_for_uid (p->value);
          target = g_hash_table_lookup (by_id, target_id);
          if (target == NULL || target == card || target->is_contact)
            continue;
          target->is_contact = TRUE;
          target->primary = pref_of (p) == 1;
          target->customer_id = card->id;
          target->customer_line = card->line;
        }
    }

  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < cards->len; i++)
      {
        Card       *card = g_ptr_array_index (cards, i);
        const char *why;

        if (card->is_contact != (pass == 1))
          continue;
        if (g_cancellable_set_error_if_cancelled (cancellable, error))
          return NULL;

        why = check_card (card);
        if (why != NULL)
          {
            care_import_report_skip (report, card->line, why);
            continue;
          }

        if (card->is_contact)
          {
            Card *customer = g_hash_table_lookup (by_id, card->customer_id);

            if (!customer->saved)
              {
                g_autofree char *msg = g_strdup_printf (
                    _ ("its customer (line %u) was not imported"), card->customer_line);
                care_import_report_skip (report, card->line, msg);
                continue;
              }
            if (!import_contact (store, card, report, error))
              return NULL;
          }
        else if (!import_customer (store, card, report, error))
          return NULL;
      }

  return g_steal_pointer (&report);
}

CareImportReport *
care_vcard_import_file (CareStore *store, GFile *file, GCancellable *cancellable, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  gsize       length;
  const char *data;

  if (!care_import_read_file (file, cancellable, &bytes, error))
    return NULL;

  data = g_bytes_get_data (bytes, &length);
  return care_vcard_import (store, data != NULL ? data : "", length, cancellable, error);
}

static CareImportReport *
run_import (
    CareStore *store, GBytes *bytes, gpointer data, GCancellable *cancellable, GError **error)
{
  gsize       length;
  const char *text = g_bytes_get_data (bytes, &length);

  return care_vcard_import (store, text != NULL ? text : "", length, cancellable, error);
}

/**
 * care_vcard_import_file_async:
 *
 * Imports @file as care_vcard_import() does, in a worker thread with its
 * own connection to @store's file; @store announces the change when done.
 */
void
care_vcard_import_file_async (CareStore          *store,
                              GFile              *file,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  care_import_run_async (store, file, run_import, NULL, care_vcard_import_file_async, cancellable,
                         callback, user_data);
}

CareImportReport *
care_vcard_import_file_finish (CareStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return care_import_run_finish (result, care_vcard_import_file_async, error);
}
