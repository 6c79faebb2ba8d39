/* care-demo.c: a deterministic, realistic after-sales dataset of any size.
 *
 * Same seed and day, same records, UUIDs included: benchmarks and screenshots
 * are reproducible. Records come out parents first, so any sink (the local
 * store, the server's database) can insert them as they come. */
#define G_LOG_DOMAIN "care-demo"

#include "config.h"

#include <string.h>

#include "care-clock.h"
#include "care-demo.h"
#include "care-follow-up.h"
#include "care-maintenance.h"
#include "care-rma.h"
#include "care-signature.h"
#include "care-visit-report.h"
#include "care-workflow.h"

typedef struct
{
  const char        *code; /* language */
  const char        *phone_prefix;
  const char        *domain;
  const char *const *first;
  const char *const *last;
  const char *const *cities;
  const char *const *streets;
  const char *const *company_words;
} Locale;

static const char *const pt_first[] = { "João",    "Maria",   "Ana", "Pedro",  "Inês",
                                        "Tiago",   "Beatriz", "Rui", "Leonor", "Gonçalo",
                                        "Mariana", "Luís",    NULL };
static const char *const pt_last[] = { "Silva",     "Santos",    "Ferreira", "Pereira", "Oliveira",
                                       "Costa",     "Rodrigues", "Martins",  "Sousa",   "Gonçalves",
                                       "Conceição", "Magalhães", NULL };
static const char *const pt_cities[] = { "Lisboa", "Porto",     "Braga",    "Coimbra", "Faro",
                                         "Évora",  "São Paulo", "Curitiba", NULL };
static const char *const pt_streets[] = { "Rua Augusta",           "Avenida da Liberdade",
                                          "Rua de Santa Catarina", "Praça do Comércio",
                                          "Rua das Flores",        NULL };
static const char *const pt_company[] = { "Soluções", "Comércio",    "Indústrias",
                                          "Serviços", "Transportes", NULL };

static const char *const fr_first[] = { "Camille", "Léa",    "Louis", "Hugo",  "Chloé",
                                        "Émile",   "Inès",   "Théo",  "Manon", "François",
                                        "Zoé",     "Jérôme", NULL };
static const char *const fr_last[] = { "Martin",  "Bernard", "Dubois", "Thomas", "Robert",
                                       "Richard", "Petit",   "Durand", "Leroy",  "Moreau",
                                       "Lefèvre", "Girard",  NULL };
static const char *const fr_cities[] = { "Paris", "Lyon",     "Marseille", "Toulouse", "Nantes",
                                         "Lille", "Besançon", "Genève",    NULL };
static const char *const fr_streets[] = { "rue de la Paix",         "avenue Victor Hugo",
                                          "boulevard Saint-Michel", "rue du Faubourg",
                                          "place Bellecour",        NULL };
static const char *const fr_company[] = { "Boulangerie", "Garage",     "Cabinet",
                                          "Atelier",     "Imprimerie", NULL };

static const char *const bg_first[] = { "Иван",    "Мария",    "Георги",    "Елена", "Димитър",
                                        "Надежда", "Петър",    "Десислава", "Стоян", "Йорданка",
                                        "Калина",  "Борислав", NULL };
static const char *const bg_last[] = { "Иванов",   "Петрова", "Георгиев", "Димитрова", "Николов",
                                       "Стоянова", "Тодоров", "Христова", "Василев",   "Атанасова",
                                       "Костов",   "Жекова",  NULL };
static const char *const bg_cities[] = { "София", "Пловдив",      "Варна",  "Бургас",
                                         "Русе",  "Стара Загора", "Плевен", NULL };
static const char *const bg_streets[] = { "бул. Витоша",          "ул. Граф Игнатиев",
                                          "бул. Цар Освободител", "ул. Шипка",
                                          "бул. България",        NULL };
static const char *const bg_company[] = { "Техно", "Строй", "Логистик", "Агро", "Трейд", NULL };

static const char *const sl_first[] = { "Luka",   "Nina",  "Žiga",  "Maja",  "Matej",
                                        "Špela",  "Jure",  "Urška", "Tadej", "Nuša",
                                        "Gašper", "Tjaša", NULL };
static const char *const sl_last[] = { "Novak",    "Horvat", "Kovačič", "Krajnc", "Zupančič",
                                       "Potočnik", "Kovač",  "Mlakar",  "Vidmar", "Golob",
                                       "Kos",      "Žagar",  NULL };
static const char *const sl_cities[] = { "Ljubljana", "Maribor",    "Celje", "Kranj",
                                         "Koper",     "Novo mesto", "Ptuj",  NULL };
static const char *const sl_streets[] = { "Slovenska cesta", "Trubarjeva ulica", "Čopova ulica",
                                          "Dunajska cesta",  "Prešernov trg",    NULL };
static const char *const sl_company[] = { "Mizarstvo", "Elektro",  "Gradnje",
                                          "Servis",    "Trgovina", NULL };

static const char *const en_first[] = { "James", "Olivia", "Amelia", "George", "Emily",
                                        "Harry", "Sophie", "Jack",   "Grace",  "Oliver",
                                        "Chloe", "Thomas", NULL };
static const char *const en_last[] = { "Smith",  "Jones",   "Taylor", "Brown",   "Williams",
                                       "Wilson", "Johnson", "Davies", "O'Brien", "Evans",
                                       "Walker", "Wright",  NULL };
static const char *const en_cities[] = { "London", "Manchester", "Bristol", "Leeds",
                                         "Dublin", "Edinburgh",  "Cardiff", NULL };
static const char *const en_streets[] = { "High Street",   "Station Road", "Church Lane",
                                          "Victoria Road", "Mill Lane",    NULL };
static const char *const en_company[] = { "Bakery",      "Motors",    "Print Works",
                                          "Dental Care", "Logistics", NULL };

static const Locale locales[] = {
  { "pt", "+351", "exemplo.pt", pt_first, pt_last, pt_cities, pt_streets, pt_company },
  { "fr", "+33", "exemple.fr", fr_first, fr_last, fr_cities, fr_streets, fr_company },
  { "bg", "+359", "primer.bg", bg_first, bg_last, bg_cities, bg_streets, bg_company },
  { "sl", "+386", "primer.si", sl_first, sl_last, sl_cities, sl_streets, sl_company },
  { "en", "+44", "example.co.uk", en_first, en_last, en_cities, en_streets, en_company },
};

typedef struct
{
  const char *category;
  const char *prefix;
  const char *name;
  const char *model;
  int         warranty_months;
} ProductKind;

static const ProductKind product_kinds[] = {
  { "printer", "PRN", "LaserJet Pro", "M404dn", 24 },
  { "printer", "PRN", "EcoTank", "L3250", 12 },
  { "printer", "PRN", "Colour Multifunction", "MFC-L8900", 36 },
  { "appliance", "APL", "Washing machine", "WM14N", 24 },
  { "appliance", "APL", "Dishwasher", "G7110", 24 },
  { "appliance", "APL", "Refrigerator", "RB38T", 24 },
  { "appliance", "APL", "Heat pump", "Aquarea 9kW", 60 },
  { "car", "VIN", "Clio", "1.0 TCe", 36 },
  { "car", "VIN", "Duster", "Blue dCi 115", 36 },
  { "car", "VIN", "Golf", "2.0 TDI", 24 },
  { "software", "LIC", "LedgerOne Accounting", "Business 2026", 12 },
  { "software", "LIC", "LedgerOne Payroll", "Cloud", 12 },
};

static const char *const staff_names[] = {
  "Ana Ribeiro",   "Marc Lefebvre", "Светла Маринова", "Rok Zupan",
  "Hannah Clarke", "Tiago Mendes",  "Claire Fontaine", "Николай Пеев",
  "Eva Kranjc",    "Daniel Hughes", "Sofia Almeida",   "Julien Roux",
};

static const char *const courses[][3] = {
  { "LedgerOne basics", "LedgerOne Accounting",
    "Chart of accounts, invoices, bank reconciliation." },
  { "Payroll in LedgerOne", "LedgerOne Payroll", "Employees, pay runs, payslips and tax filings." },
  { "Year-end closing", "LedgerOne Accounting",
    "Closing the books, reports and the annual audit trail." },
  { "Printer fleet administration", "Print Manager", "Drivers, quotas and remote diagnostics." },
};

static const char *const case_subjects[][2] = {
  { "complaint", "Delivery arrived late" },
  { "complaint", "Technician did not show up" },
  { "warranty_claim", "Paper jam after every page" },
  { "warranty_claim", "Does not drain water" },
  { "warranty_claim", "Engine warning light" },
  { "repair", "Door seal leaking" },
  { "repair", "Display shows error E21" },
  { "question", "How to export the VAT report" },
  { "question", "Licence transfer to a new computer" },
};

typedef struct
{
  const CareDemoOptions *options;
  GRand                 *rand;
  CareDemoSink           sink;
  gpointer               user_data;
  GPtrArray             *technicians;
  GPtrArray             *agents;
  GPtrArray             *trainers;
  GPtrArray             *contacts; /* a sample of contacts for enrolments */
  guint64                serial;

  /* What the after-sales workflows build on, noted as records go by
   * (emit() draws no random numbers, so the earlier records stay as they
   * were): see gen_workflows(). */
  gboolean    noting;
  CareRecord *product;          /* the product being generated */
  GPtrArray  *warranties;       /* its warranties so far */
  GPtrArray  *done_repairs;     /* Noted */
  GPtrArray  *contracts;        /* Noted: the product, its warranties */
  GPtrArray  *claims;           /* Noted */
  GPtrArray  *resolved;         /* CareRecord: resolved or closed cases */
  GPtrArray  *attended;         /* CareRecord: attended enrolments */
  GHashTable *contact_customer; /* contact id -> customer id, for the sampled contacts */
  guint64     n_ids;            /* ids made so far */

  /* Service levels: made from a generator of their own, so that adding
   * them left every other record of a seed as it was. */
  GRand  *sla_rand;
  guint64 n_sla_ids;
  char   *sla_policies[3]; /* urgent, high, any other case */
} Gen;

/* A UUID from the seeded generator, so identical runs give identical ids.
 * Its first 48 bits count up, as a version 7 UUID's time does (RFC 9562;
 * version 8 marks the layout as our own): each table's id index then grows
 * at its end, instead of taking inserts on pages all over it, which is
 * what made loading a million customers slow. */
static CareRecord *
new_record (Gen *gen, CareEntityId entity)
{
  char    id[37];
  guint32 w[4];
  guint64 n = ++gen->n_ids;

  for (guint i = 0; i < 4; i++)
    w[i] = g_rand_int (gen->rand);

  w[0] = (guint32) (n >> 16);
  w[1] = (guint32) ((n & 0xffff) << 16) | (w[1] & 0x0fff) | 0x00008000;
  w[2] = (w[2] & 0x3fffffff) | 0x80000000;
  g_snprintf (id, sizeof id, "%08x-%04x-%04x-%04x-%04x%08x", w[0], w[1] >> 16, w[1] & 0xffff,
              w[2] >> 16, w[2] & 0xffff, w[3]);

  return care_record_new_with_id (care_schema_entity (entity), id);
}

/* As new_record (), from the service levels' own generator; the ids start
 * with ffff so they never meet new_record ()'s. */
static CareRecord *
new_sla_record (Gen *gen, CareEntityId entity)
{
  char    id[37];
  guint32 w[4];
  guint64 n = ++gen->n_sla_ids;

  for (guint i = 0; i < 4; i++)
    w[i] = g_rand_int (gen->sla_rand);

  w[0] = 0xffff0000u | (guint32) ((n >> 16) & 0xffff);
  w[1] = (guint32) ((n & 0xffff) << 16) | (w[1] & 0x0fff) | 0x00008000;
  w[2] = (w[2] & 0x3fffffff) | 0x80000000;
  g_snprintf (id, sizeof id, "%08x-%04x-%04x-%04x-%04x%08x", w[0], w[1] >> 16, w[1] & 0xffff,
              w[2] >> 16, w[2] & 0xffff, w[3]);

  return care_record_new_with_id (care_schema_entity (entity), id);
}

static const char *
pick (Gen *gen, const char *const *list)
{
  guint n = g_strv_length ((char **) list);
  return list[g_rand_int_range (gen->rand, 0, (gint32) n)];
}

/* A record noted for the workflows, with the product it concerns and that
 * product's warranties at the time. */
typedef struct
{
  CareRecord *record;
  CareRecord *product;
  GPtrArray  *warranties;
} Noted;

static void
noted_free (gpointer data)
{
  Noted *n = data;

  g_clear_object (&n->record);
  g_clear_object (&n->product);
  g_clear_pointer (&n->warranties, g_ptr_array_unref);
  g_free (n);
}

static gpointer
copy_ref (gconstpointer src, gpointer data)
{
  return g_object_ref ((gpointer) src);
}

/* Enough of each for a varied demo; bounded so huge demos stay light. */
#define NOTED_MAX 400

static void
note (GPtrArray *list, Gen *gen, CareRecord *record)
{
  Noted *n;

  if (list->len >= NOTED_MAX || gen->product == NULL)
    return;

  n = g_new0 (Noted, 1);
  n->record = g_object_ref (record);
  n->product = g_object_ref (gen->product);
  n->warranties = g_ptr_array_copy (gen->warranties, copy_ref, NULL);
  g_ptr_array_set_free_func (n->warranties, g_object_unref);
  g_ptr_array_add (list, n);
}

static void
note_record (Gen *gen, CareRecord *record)
{
  const CareEntity *e = care_record_get_entity (record);

  if (e == care_schema_entity (CARE_ENTITY_PRODUCT))
    {
      g_set_object (&gen->product, record);
      g_ptr_array_set_size (gen->warranties, 0);
    }
  else if (e == care_schema_entity (CARE_ENTITY_WARRANTY))
    {
      g_ptr_array_add (gen->warranties, g_object_ref (record));
      if (g_strcmp0 (care_record_get_string (record, "kind"), "maintenance_contract") == 0 &&
          g_strcmp0 (care_record_get_string (gen->product, "category"), "software") != 0)
        note (gen->contracts, gen, record);
    }
  else if (e == care_schema_entity (CARE_ENTITY_CONTACT))
    {
      if (g_hash_table_size (gen->contact_customer) < 400)
        g_hash_table_insert (gen->contact_customer, g_strdup (care_record_get_id (record)),
                             g_strdup (care_record_get_string (record, "customer_id")));
    }
  else if (e == care_schema_entity (CARE_ENTITY_SERVICE_CASE))
    {
      const char *status = care_record_get_string (record, "status");

      if (g_strcmp0 (care_record_get_string (record, "kind"), "warranty_claim") == 0)
        note (gen->claims, gen, record);
      if ((g_strcmp0 (status, "resolved") == 0 || g_strcmp0 (status, "closed") == 0) &&
          gen->resolved->len < NOTED_MAX)
        g_ptr_array_add (gen->resolved, g_object_ref (record));
    }
  else if (e == care_schema_entity (CARE_ENTITY_APPOINTMENT))
    {
      if (g_strcmp0 (care_record_get_string (record, "kind"), "repair") == 0 &&
          g_strcmp0 (care_record_get_string (record, "status"), "done") == 0)
        note (gen->done_repairs, gen, record);
    }
  else if (e == care_schema_entity (CARE_ENTITY_ENROLMENT))
    {
      if (care_record_get_bool (record, "attended") && gen->attended->len < NOTED_MAX &&
          g_hash_table_contains (gen->contact_customer,
                                 care_record_get_string (record, "contact_id")))
        g_ptr_array_add (gen->attended, g_object_ref (record));
    }
}

static gboolean
emit (Gen *gen, CareRecord *record, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  const char *bad = NULL;

  care_record_set_sync_state (record, CARE_SYNC_STATE_SYNCED);
  if (!care_record_validate (record, &bad, &local_error))
    {
      g_critical ("Demo %s is invalid (%s): %s", care_record_get_entity (record)->name, bad,
                  local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!gen->sink (record, gen->user_data, error))
    return FALSE;

  if (gen->noting)
    note_record (gen, record);
  return TRUE;
}

static char *
date_offset (Gen *gen, int days)
{
  GDate d = gen->options->today;
  char  buf[16];

  if (days >= 0)
    g_date_add_days (&d, (guint) days);
  else
    g_date_subtract_days (&d, (guint) -days);
  g_date_strftime (buf, sizeof buf, "%Y-%m-%d", &d);
  return g_strdup (buf);
}

static char *
datetime_offset (Gen *gen, int days, int hour, int minute)
{
  g_autofree char *date = date_offset (gen, days);

  return g_strdup_printf ("%sT%02d:%02d:00Z", date, hour, minute);
}

static char *
ascii_handle (const char *name)
{
  g_autofree char *ascii = g_str_to_ascii (name, "C");
  GString         *out = g_string_new (NULL);

  for (const char *p = ascii; *p; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, g_ascii_tolower (*p));
    else if (*p == ' ' && out->len > 0 && out->str[out->len - 1] != '.')
      g_string_append_c (out, '.');

  if (out->len == 0)
    g_string_append (out, "info");
  return g_string_free (out, FALSE);
}

static char *
phone (Gen *gen, const Locale *loc)
{
  return g_strdup_printf (
      "%s %03d %03d %03d", loc->phone_prefix, g_rand_int_range (gen->rand, 200, 999),
      g_rand_int_range (gen->rand, 0, 999), g_rand_int_range (gen->rand, 0, 999));
}

static gboolean
gen_staff (Gen *gen, GError **error)
{
  /* A call center scales its field force with its customer base. */
  guint                    n_tech = CLAMP (gen->options->n_customers / 500, 4, 400);
  static const char *const roles[] = { "agent", "agent", "trainer", "technician" };

  for (guint i = 0; i < n_tech + 8; i++)
    {
      g_autoptr (CareRecord) r = new_record (gen, CARE_ENTITY_STAFF);
      const char      *role = i < 8 ? roles[i % 4] : "technician";
      g_autofree char *name = NULL;
      g_autofree char *handle = NULL;
      g_autofree char *email = NULL;

      if (i < G_N_ELEMENTS (staff_names))
        name = g_strdup (staff_names[i]);
      else
        name = g_strdup_printf ("%s %s", pick (gen, locales[i % G_N_ELEMENTS (locales)].first),
                                pick (gen, locales[i % G_N_ELEMENTS (locales)].last));
      handle = ascii_handle (name);
      email = g_strdup_printf ("%s.%u@aftercare.example", handle, i);

      care_record_set_string (r, "name", name);
      care_record_set_string (r, "role", role);
      care_record_set_string (r, "email", email);
      if (!emit (gen, r, error))
        return FALSE;

      g_ptr_array_add (g_str_equal (role, "technician") ? gen->technicians
                       : g_str_equal (role, "trainer")  ? gen->trainers
                                                        : gen->agents,
                       g_strdup (care_record_get_id (r)));
    }

  return TRUE;
}

/* One office calendar in Lisbon with a summer closure, and three service
 * level policies over it: urgent cases, high priority ones, and the rest. */
static gboolean
gen_service_levels (Gen *gen, GError **error)
{
  static const char *const weekdays[] = { "monday", "tuesday", "wednesday", "thursday", "friday" };
  static const struct
  {
    const char *name, *priority;
    gint64      first_response, resolution;
  } policies[] = {
    { "Urgent cases", "urgent", 60, 8 * 60 },
    { "High priority", "high", 4 * 60, 3 * 8 * 60 },
    { "Standard service", NULL, 8 * 60, 10 * 8 * 60 },
  };
  g_autoptr (CareRecord) calendar = new_sla_record (gen, CARE_ENTITY_WORKING_CALENDAR);
  g_autoptr (CareRecord) closure = new_sla_record (gen, CARE_ENTITY_CALENDAR_CLOSURE);
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  GDate            day;

  care_record_set_string (calendar, "name", "Lisbon office");
  care_record_set_string (calendar, "time_zone", "Europe/Lisbon");
  care_record_set_string (calendar, "holidays", "PT");
  care_record_set_bool (calendar, "optional_holidays", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (weekdays); i++)
    care_record_set_string (calendar, weekdays[i], "09:00-12:30, 13:30-18:00");
  if (!emit (gen, calendar, error))
    return FALSE;

  /* The first two weeks of August of the demo's year. */
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 3, G_DATE_AUGUST, g_date_get_year (&gen->options->today));
  first = g_strdup_printf ("%04u-08-03", g_date_get_year (&day));
  last = g_strdup_printf ("%04u-08-14", g_date_get_year (&day));
  care_record_set_string (closure, "calendar_id", care_record_get_id (calendar));
  care_record_set_string (closure, "name", "Summer closure");
  care_record_set_string (closure, "start_date", first);
  care_record_set_string (closure, "end_date", last);
  if (!emit (gen, closure, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (policies); i++)
    {
      g_autoptr (CareRecord) policy = new_sla_record (gen, CARE_ENTITY_SLA_POLICY);

      care_record_set_string (policy, "name", policies[i].name);
      care_record_set_string (policy, "calendar_id", care_record_get_id (calendar));
      care_record_set_string (policy, "priority", policies[i].priority);
      care_record_set_int (policy, "first_response_minutes", policies[i].first_response);
      care_record_set_int (policy, "resolution_minutes", policies[i].resolution);
      if (!emit (gen, policy, error))
        return FALSE;
      gen->sla_policies[i] = g_strdup (care_record_get_id (policy));
    }
  return TRUE;
}

/* The statuses @service_case went through, each a minute to an hour after
 * the one before and the last at its last change; no random draws. */
static gboolean
gen_status_changes (Gen *gen, CareRecord *service_case, GError **error)
{
  const char *status = care_record_get_string (service_case, "status");
  const char *path[4] = { NULL };
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) opened = NULL;
  g_autoptr (GDateTime) last = NULL;
  gint64 span;
  guint  n = 0;

  if (g_str_equal (status, "open"))
    return TRUE;
  path[n++] = "in_progress";
  if (g_str_equal (status, "waiting"))
    path[n++] = "waiting";
  if (g_str_equal (status, "resolved") || g_str_equal (status, "closed"))
    path[n++] = "resolved";
  if (g_str_equal (status, "closed"))
    path[n++] = "closed";

  opened = g_date_time_new_from_iso8601 (care_record_get_string (service_case, "opened_at"), utc);
  last = care_record_get_updated_at (service_case) != NULL
             ? g_date_time_new_from_iso8601 (care_record_get_updated_at (service_case), utc)
             : NULL;
  span = last != NULL ? g_date_time_difference (last, opened) / G_USEC_PER_SEC : 0;
  if (span <= 0)
    span = (gint64) n * 3600;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CareRecord) change = new_sla_record (gen, CARE_ENTITY_CASE_STATUS_CHANGE);
      /* The first change within the hour, the last at the end of the span. */
      gint64 offset = i + 1 == n ? span : MIN (span * (gint64) (i + 1) / (gint64) (n + 1), 3600);
      g_autoptr (GDateTime) at = g_date_time_add_seconds (opened, (gdouble) MAX (offset, 60));
      g_autofree char *text = g_date_time_format (at, "%Y-%m-%dT%H:%M:%SZ");

      care_record_set_string (change, "case_id", care_record_get_id (service_case));
      care_record_set_string (change, "status", path[i]);
      care_record_set_string (change, "changed_at", text);
      care_record_set_string (change, "staff_id",
                              care_record_get_string (service_case, "assignee_id"));
      if (!emit (gen, change, error))
        return FALSE;
    }
  return TRUE;
}

static const char *
pick_id (Gen *gen, GPtrArray *ids)
{
  return g_ptr_array_index (ids, g_rand_int_range (gen->rand, 0, (gint32) ids->len));
}

/* Serial numbers: a category prefix and a counter spread by a multiplier
 * coprime with 36^8, so they are unique and look random. */
static char *
serial_number (Gen *gen, const char *prefix)
{
  static const char digits[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  guint64           v = (gen->serial++ * 2654435761u + 12345) % 1785793904896ull; /* 34^8 */
  char              code[9];

  for (int i = 7; i >= 0; i--)
    {
      code[i] = digits[v % 34];
      v /= 34;
    }
  code[8] = '\0';

  return g_strdup_printf ("%s-%s", prefix, code);
}

static gboolean
gen_warranties (
    Gen *gen, CareRecord *product, const ProductKind *kind, int bought_days_ago, GError **error)
{
  g_autoptr (CareRecord) w = new_record (gen, CARE_ENTITY_WARRANTY);
  g_autofree char *start = date_offset (gen, -bought_days_ago);
  g_autofree char *end = date_offset (gen, -bought_days_ago + kind->warranty_months * 30);

  care_record_set_string (w, "product_id", care_record_get_id (product));
  care_record_set_string (w, "kind", "standard");
  care_record_set_string (w, "start_date", start);
  care_record_set_string (w, "end_date", end);
  care_record_set_bool (w, "covers_parts", TRUE);
  care_record_set_bool (w, "covers_labour", TRUE);
  care_record_set_bool (w, "covers_onsite", !g_str_equal (kind->category, "software"));
  care_record_set_string (w, "terms",
                          "Manufacturer's warranty against defects in materials and workmanship.");
  care_record_set_int (w, "discount_percent", 0);
  if (!emit (gen, w, error))
    return FALSE;

  /* About a third buy an extension or a maintenance contract. */
  if (g_rand_int_range (gen->rand, 0, 3) == 0)
    {
      g_autoptr (CareRecord) x = new_record (gen, CARE_ENTITY_WARRANTY);
      gboolean         contract = g_rand_boolean (gen->rand);
      int              len = contract ? 365 * g_rand_int_range (gen->rand, 1, 4) : 365 * 2;
      g_autofree char *xstart =
          date_offset (gen, -bought_days_ago + kind->warranty_months * 30 + 1);
      g_autofree char *xend =
          date_offset (gen, -bought_days_ago + kind->warranty_months * 30 + 1 + len);

      care_record_set_string (x, "product_id", care_record_get_id (product));
      care_record_set_string (x, "kind", contract ? "maintenance_contract" : "extended");
      care_record_set_string (x, "start_date", xstart);
      care_record_set_string (x, "end_date", xend);
      care_record_set_bool (x, "covers_parts", TRUE);
      care_record_set_bool (x, "covers_labour", !contract);
      care_record_set_bool (x, "covers_onsite", contract);
      care_record_set_string (
          x, "terms",
          contract ? "Yearly maintenance visit; parts at a discount at authorised service centres."
                   : "Extended cover for parts and labour, carry-in.");
      care_record_set_int (x, "discount_percent", contract ? 15 : 0);
      if (!emit (gen, x, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
gen_case_and_visits (Gen          *gen,
                     CareRecord   *customer,
                     CareRecord   *product,
                     const Locale *loc,
                     const char   *address,
                     int           bought_days_ago,
                     GError      **error)
{
  const char *cid = care_record_get_id (customer);
  int         kind_idx = g_rand_int_range (gen->rand, 0, G_N_ELEMENTS (case_subjects));
  int opened_days_ago = g_rand_int_range (gen->rand, 0, MAX (2, MIN (bought_days_ago, 400)));
  static const char *const statuses[] = { "open",     "in_progress", "waiting",
                                          "resolved", "closed",      "closed" };
  static const char *const priorities[] = { "low", "normal", "normal", "high", "urgent" };
  static const char *const channels[] = { "phone", "phone", "email", "web", "walk_in" };
  const char *status = opened_days_ago > 30 ? statuses[3 + g_rand_int_range (gen->rand, 0, 3)]
                                            : statuses[g_rand_int_range (gen->rand, 0, 6)];
  g_autoptr (CareRecord) c = new_record (gen, CARE_ENTITY_SERVICE_CASE);
  g_autoptr (CareRecord) a = new_record (gen, CARE_ENTITY_APPOINTMENT);
  g_autofree char *opened =
      datetime_offset (gen, -opened_days_ago, g_rand_int_range (gen->rand, 8, 18),
                       g_rand_int_range (gen->rand, 0, 60));
  int              visit_day = -opened_days_ago + g_rand_int_range (gen->rand, 1, 10);
  int              hour = g_rand_int_range (gen->rand, 8, 16);
  g_autofree char *start = datetime_offset (gen, visit_day, hour, 0);
  g_autofree char *end = datetime_offset (gen, visit_day, hour + 2, 0);

  care_record_set_string (c, "customer_id", cid);
  care_record_set_string (c, "product_id", care_record_get_id (product));
  care_record_set_string (c, "kind", case_subjects[kind_idx][0]);
  care_record_set_string (c, "subject", case_subjects[kind_idx][1]);
  care_record_set_string (c, "description",
                          "Reported by the customer on the phone; see the call log.");
  care_record_set_string (c, "opened_at", opened);
  care_record_set_string (c, "channel", channels[g_rand_int_range (gen->rand, 0, 5)]);
  care_record_set_string (c, "priority", priorities[g_rand_int_range (gen->rand, 0, 5)]);
  care_record_set_string (c, "status", status);
  care_record_set_string (c, "assignee_id", pick_id (gen, gen->agents));
  care_record_set_string (c, "warranty_status",
                          bought_days_ago - opened_days_ago < 700 ? "active" : "expired");
  if (g_str_equal (status, "resolved") || g_str_equal (status, "closed"))
    {
      /* Resolved within eleven days, and that was the last change: the
       * dashboard's resolved-per-week trend reads it from there. No random
       * draw here, so the rest of the data set stays as it was. */
      int              days_open = (opened_days_ago * 7) % 11 + 1;
      g_autofree char *resolved_at = NULL;

      if (days_open > opened_days_ago)
        days_open = opened_days_ago / 2;
      resolved_at = datetime_offset (gen, days_open - opened_days_ago, 18, 0);

      care_record_set_string (c, "resolution",
                              "Part replaced under warranty; customer confirmed it works.");
      care_record_set_timestamps (c, opened, resolved_at);
    }
  {
    const char *priority = care_record_get_string (c, "priority");

    care_record_set_string (c, "sla_policy_id",
                            g_str_equal (priority, "urgent") ? gen->sla_policies[0]
                            : g_str_equal (priority, "high") ? gen->sla_policies[1]
                                                             : gen->sla_policies[2]);
  }
  if (!emit (gen, c, error) || !gen_status_changes (gen, c, error))
    return FALSE;

  if (g_str_equal (case_subjects[kind_idx][0], "question"))
    return TRUE;

  care_record_set_string (a, "kind", "repair");
  care_record_set_string (a, "customer_id", cid);
  care_record_set_string (a, "product_id", care_record_get_id (product));
  care_record_set_string (a, "case_id", care_record_get_id (c));
  care_record_set_string (a, "technician_id", pick_id (gen, gen->technicians));
  care_record_set_string (a, "address", address);
  care_record_set_string (a, "start_at", start);
  care_record_set_string (a, "end_at", end);
  care_record_set_string (a, "status",
                          visit_day < 0 ? (g_rand_int_range (gen->rand, 0, 8) ? "done" : "not_done")
                                        : "planned");
  care_record_set_string (a, "notes",
                          loc->code[0] == 'b' ? "Обадете се 30 минути преди посещението."
                                              : "Call 30 minutes before arriving.");
  if (visit_day < 0)
    care_record_set_string (a, "work_notes", "Diagnosed and repaired on site.");
  return emit (gen, a, error);
}

static gboolean
gen_customer (Gen *gen, guint index, GError **error)
{
  const Locale *loc = &locales[g_rand_int_range (gen->rand, 0, G_N_ELEMENTS (locales))];
  gboolean      company = g_rand_int_range (gen->rand, 0, 4) == 0;
  g_autoptr (CareRecord) customer = new_record (gen, CARE_ENTITY_CUSTOMER);
  const char      *first = pick (gen, loc->first);
  const char      *last = pick (gen, loc->last);
  g_autofree char *name = NULL;
  g_autofree char *handle = NULL;
  g_autofree char *email = NULL;
  g_autofree char *tel = phone (gen, loc);
  g_autofree char *address =
      g_strdup_printf ("%s %d, %s", pick (gen, loc->streets), g_rand_int_range (gen->rand, 1, 200),
                       pick (gen, loc->cities));
  guint n_products = g_rand_int_range (gen->rand, 1, 4);

  if (company)
    name = g_strdup_printf ("%s %s", pick (gen, loc->company_words), last);
  else
    name = g_strdup_printf ("%s %s", first, last);

  handle = ascii_handle (name);
  email = g_strdup_printf ("%s%u@%s", handle, index, loc->domain);

  care_record_set_string (customer, "kind", company ? "company" : "person");
  care_record_set_string (customer, "name", name);
  care_record_set_string (customer, "email", email);
  care_record_set_string (customer, "phone", tel);
  care_record_set_string (customer, "address", address);
  care_record_set_string (customer, "language", loc->code);
  if (index % 7 == 0)
    care_record_set_string (customer, "notes", "Prefers to be called in the morning.");
  if (!emit (gen, customer, error))
    return FALSE;

  /* Companies have a few people; a person is their own contact. */
  for (guint i = 0; i < (company ? 2u : 1u); i++)
    {
      g_autoptr (CareRecord) contact = new_record (gen, CARE_ENTITY_CONTACT);
      g_autofree char *cname =
          i == 0 && !company
              ? g_strdup (name)
              : g_strdup_printf ("%s %s", pick (gen, loc->first), pick (gen, loc->last));
      g_autofree char *chandle = ascii_handle (cname);
      g_autofree char *cemail = g_strdup_printf ("%s%u.%u@%s", chandle, index, i, loc->domain);
      g_autofree char *cphone = phone (gen, loc);

      care_record_set_string (contact, "customer_id", care_record_get_id (customer));
      care_record_set_string (contact, "name", cname);
      care_record_set_string (contact, "role",
                              company ? (i == 0 ? "Office manager" : "Accountant") : NULL);
      care_record_set_string (contact, "email", cemail);
      care_record_set_string (contact, "phone", cphone);
      care_record_set_bool (contact, "is_primary", i == 0);
      if (!emit (gen, contact, error))
        return FALSE;

      if (gen->contacts->len < 400)
        g_ptr_array_add (gen->contacts, g_strdup (care_record_get_id (contact)));
    }

  for (guint i = 0; i < n_products; i++)
    {
      const ProductKind *kind =
          &product_kinds[g_rand_int_range (gen->rand, 0, G_N_ELEMENTS (product_kinds))];
      g_autoptr (CareRecord) product = new_record (gen, CARE_ENTITY_PRODUCT);
      g_autofree char *serial = serial_number (gen, kind->prefix);
      /* Spread purchases over six years so every warranty status occurs. */
      int              bought = g_rand_int_range (gen->rand, 1, 6 * 365);
      g_autofree char *purchase = date_offset (gen, -bought);
      g_autofree char *installed = date_offset (gen, -bought + g_rand_int_range (gen->rand, 1, 14));

      care_record_set_string (product, "customer_id", care_record_get_id (customer));
      care_record_set_string (product, "serial", serial);
      care_record_set_string (product, "name", kind->name);
      care_record_set_string (product, "model", kind->model);
      care_record_set_string (product, "category", kind->category);
      care_record_set_string (product, "purchase_date", purchase);
      if (!g_str_equal (kind->category, "software"))
        {
          care_record_set_string (product, "installed_date", installed);
          care_record_set_string (product, "location", address);
        }
      if (!emit (gen, product, error) || !gen_warranties (gen, product, kind, bought, error))
        return FALSE;

      if (g_rand_int_range (gen->rand, 0, 3) == 0 &&
          !gen_case_and_visits (gen, customer, product, loc, address, bought, error))
        return FALSE;

      /* Upcoming deliveries and installations for recent sales. */
      if (bought < 20 && !g_str_equal (kind->category, "software"))
        {
          g_autoptr (CareRecord) a = new_record (gen, CARE_ENTITY_APPOINTMENT);
          int              day = g_rand_int_range (gen->rand, 0, 14);
          int              hour = g_rand_int_range (gen->rand, 8, 17);
          g_autofree char *start = datetime_offset (gen, day, hour, 30);
          g_autofree char *end = datetime_offset (gen, day, hour + 1, 30);

          care_record_set_string (
              a, "kind", g_str_equal (kind->category, "appliance") ? "installation" : "delivery");
          care_record_set_string (a, "customer_id", care_record_get_id (customer));
          care_record_set_string (a, "product_id", care_record_get_id (product));
          care_record_set_string (a, "technician_id", pick_id (gen, gen->technicians));
          care_record_set_string (a, "address", address);
          care_record_set_string (a, "start_at", start);
          care_record_set_string (a, "end_at", end);
          care_record_set_string (a, "status", "planned");
          if (!emit (gen, a, error))
            return FALSE;
        }
    }

  if (g_rand_int_range (gen->rand, 0, 2) == 0)
    {
      g_autoptr (CareRecord) call = new_record (gen, CARE_ENTITY_CALL_LOG);
      static const char *const outcomes[] = { "resolved", "information_given", "callback_needed",
                                              "case_opened" };
      const char              *outcome = outcomes[g_rand_int_range (gen->rand, 0, 4)];
      int                      ago = g_rand_int_range (gen->rand, 0, 120);
      g_autofree char         *at = datetime_offset (gen, -ago, g_rand_int_range (gen->rand, 8, 18),
                                                     g_rand_int_range (gen->rand, 0, 60));
      g_autofree char         *follow = date_offset (gen, -ago + 7);

      care_record_set_string (call, "customer_id", care_record_get_id (customer));
      care_record_set_string (call, "agent_id", pick_id (gen, gen->agents));
      care_record_set_string (call, "called_at", at);
      care_record_set_string (call, "direction",
                              g_rand_int_range (gen->rand, 0, 4) ? "inbound" : "outbound");
      care_record_set_string (call, "subject",
                              g_str_equal (outcome, "callback_needed")
                                  ? "Asked about a spare part"
                                  : "Question about the warranty");
      care_record_set_string (call, "outcome", outcome);
      if (g_str_equal (outcome, "callback_needed"))
        care_record_set_string (call, "follow_up_date", follow);
      if (!emit (gen, call, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
gen_training (Gen *gen, GError **error)
{
  guint n_sessions_per_course = CLAMP (gen->options->n_customers / 5000, 3, 60);

  for (guint c = 0; c < G_N_ELEMENTS (courses); c++)
    {
      g_autoptr (CareRecord) course = new_record (gen, CARE_ENTITY_TRAINING_COURSE);

      care_record_set_string (course, "title", courses[c][0]);
      care_record_set_string (course, "software", courses[c][1]);
      care_record_set_string (course, "description", courses[c][2]);
      care_record_set_int (course, "duration_hours", 3 + c);
      if (!emit (gen, course, error))
        return FALSE;

      for (guint s = 0; s < n_sessions_per_course; s++)
        {
          g_autoptr (CareRecord) session = new_record (gen, CARE_ENTITY_TRAINING_SESSION);
          /* Past and future sessions, a week apart, alternating on site and online. */
          int              day = ((int) s - (int) n_sessions_per_course / 2) * 7 + (int) c;
          g_autofree char *start = datetime_offset (gen, day, 9, 0);
          g_autofree char *end = datetime_offset (gen, day, 9 + 3 + (int) c, 0);
          guint            seats = 6 + 2 * (guint) g_rand_int_range (gen->rand, 0, 5);
          /* The first upcoming session of every course is full, with a waitlist. */
          guint n_enrol = day >= 0 && day < 7
                              ? seats + 2
                              : (guint) g_rand_int_range (gen->rand, 0, (gint32) seats);

          care_record_set_string (session, "course_id", care_record_get_id (course));
          care_record_set_string (session, "trainer_id", pick_id (gen, gen->trainers));
          if (s % 2 == 0)
            care_record_set_string (session, "location",
                                    "Training room 2, Rua Augusta 120, Lisboa");
          else
            care_record_set_string (session, "url", "https://meet.aftercare.example/ledgerone");
          care_record_set_string (session, "start_at", start);
          care_record_set_string (session, "end_at", end);
          care_record_set_int (session, "seats", seats);
          if (!emit (gen, session, error))
            return FALSE;

          for (guint e = 0; e < n_enrol && e < gen->contacts->len; e++)
            {
              g_autoptr (CareRecord) enrolment = new_record (gen, CARE_ENTITY_ENROLMENT);
              g_autofree char *at = datetime_offset (gen, day - 20 + (int) e, 10, (int) e % 60);
              const char      *contact =
                  g_ptr_array_index (gen->contacts, (s * 7 + c * 13 + e) % gen->contacts->len);

              care_record_set_string (enrolment, "session_id", care_record_get_id (session));
              care_record_set_string (enrolment, "contact_id", contact);
              care_record_set_string (enrolment, "status", e < seats ? "confirmed" : "waitlisted");
              care_record_set_bool (enrolment, "attended",
                                    day < 0 && e < seats &&
                                        g_rand_int_range (gen->rand, 0, 6) != 0);
              care_record_set_string (enrolment, "enrolled_at", at);
              if (!emit (gen, enrolment, error))
                return FALSE;
            }
        }
    }

  return TRUE;
}

/* After-sales workflows: visit reports with parts and signatures,
 * maintenance plans with their visits, returns and surveys. Generated
 * after everything else from what emit() noted, so the records before
 * keep their ids. Totals come from the real pricing rule. */

typedef struct
{
  const char *category;
  const char *name;
  const char *number;
  gint64      price_cents;
} DemoPart;

static const DemoPart demo_parts[] = {
  { "printer", "Fuser unit", "RM2-5399", 8950 },
  { "printer", "Pickup roller kit", "RL1-2593", 2490 },
  { "printer", "Toner cartridge", "CF259X", 12900 },
  { "appliance", "Door seal", "DS-4471", 3450 },
  { "appliance", "Drain pump", "DP-1180", 5990 },
  { "appliance", "Thermostat", "TH-220", 2275 },
  { "appliance", "Filter set", "FS-09", 1999 },
  { "car", "Oil filter", "OF-1.0TCE", 1450 },
  { "car", "Brake pads (front)", "BP-F-218", 6900 },
  { "car", "Engine oil 5W-30 (1 l)", "EO-5W30", 1190 },
};

static const char *const demo_feedback[] = { "Quick and friendly, thank you.",
                                             "Très satisfaite, technicien ponctuel.",
                                             "Всичко работи отлично, благодаря!",
                                             "Muito bom serviço, explicou tudo.",
                                             "Hvala, vse deluje.",
                                             "Had to wait for the part, but it works now.",
                                             NULL };

static const gint64 demo_scores[] = { 5, 5, 5, 4, 4, 4, 3, 2, 1 };

static gint64
demo_score (Gen *gen)
{
  return demo_scores[g_rand_int_range (gen->rand, 0, G_N_ELEMENTS (demo_scores))];
}

/* A signature-like scribble: two strokes across a 300 × 100 box. */
static char *
demo_signature (Gen *gen)
{
  g_autoptr (CareSignature) s = care_signature_new ();

  for (guint stroke = 0; stroke < 2; stroke++)
    {
      double x = 20 + stroke * 130;

      care_signature_begin_stroke (s, x, 50 + g_rand_int_range (gen->rand, -20, 20));
      for (guint i = 0; i < 14; i++)
        {
          x += g_rand_int_range (gen->rand, 4, 10);
          care_signature_add_point (s, x, 50 + g_rand_int_range (gen->rand, -35, 35));
        }
    }

  return care_signature_to_path (s);
}

static GPtrArray *
demo_parts_for (Gen *gen, CareRecord *product, CareRecord *report, guint max_parts)
{
  GPtrArray  *parts = g_ptr_array_new_with_free_func (g_object_unref);
  const char *category = care_record_get_string (product, "category");
  guint       n = (guint) g_rand_int_range (gen->rand, 0, (gint32) max_parts + 1);

  for (guint i = 0; i < G_N_ELEMENTS (demo_parts) && parts->len < n; i++)
    {
      const DemoPart *dp =
          &demo_parts[(i + (guint) g_rand_int_range (gen->rand, 0, 3)) % G_N_ELEMENTS (demo_parts)];
      CareRecord *part;

      if (g_strcmp0 (dp->category, category) != 0)
        continue;
      part = new_record (gen, CARE_ENTITY_PART_USAGE);
      care_record_set_string (part, "visit_report_id", care_record_get_id (report));
      care_record_set_string (part, "name", dp->name);
      care_record_set_string (part, "part_number", dp->number);
      care_record_set_int (part, "quantity", g_rand_int_range (gen->rand, 1, 3));
      care_record_set_int (part, "unit_price_cents", dp->price_cents);
      g_ptr_array_add (parts, part);
    }

  return parts;
}

/* A completed report for a visit on @day: priced by the real rule,
 * signed, then its parts. */
static gboolean
gen_visit_report (Gen        *gen,
                  CareRecord *appointment,
                  CareRecord *product,
                  GPtrArray  *warranties,
                  gboolean    authorised,
                  GError    **error)
{
  g_autoptr (CareRecord) report = care_visit_report_new_for_appointment (appointment);
  g_autoptr (CareRecord) r = new_record (gen, CARE_ENTITY_VISIT_REPORT);
  g_autoptr (GPtrArray) parts = NULL;
  g_auto (CareVisitTotals) totals = { 0 };
  g_autofree char *signature = demo_signature (gen);
  g_autofree char *signed_at = g_strdup (care_record_get_string (appointment, "end_at"));
  GDate            day;

  /* The new_for helper names its own id; keep the seeded one. */
  for (guint i = 0; i < care_record_get_entity (r)->n_fields; i++)
    care_record_set_value_at (r, i, care_record_get_value_at (report, i));

  care_date_from_iso (care_record_get_string (r, "visit_date"), &day);
  care_record_set_string (r, "work_done",
                          g_str_equal (care_record_get_string (appointment, "kind"), "maintenance")
                              ? "Yearly inspection: cleaned, checked settings and safety devices, "
                                "updated the service log."
                              : "Diagnosed the fault on site, replaced the worn part and tested a "
                                "full cycle with the customer.");
  care_record_set_int (r, "hourly_rate_cents", 6500);
  care_record_set_bool (r, "authorised_location", authorised);
  parts = demo_parts_for (gen, product, r, 2);

  if (!care_visit_price (parts, care_record_get_int (r, "minutes", 0), 6500, warranties, &day,
                         authorised, &totals, error))
    return FALSE;

  care_record_set_string (r, "coverage", care_visit_coverage_key (totals.coverage));
  care_record_set_string (r, "warranty_id", totals.warranty_id);
  care_record_set_int (r, "parts_cents", totals.parts_cents);
  care_record_set_int (r, "labour_cents", totals.labour_cents);
  care_record_set_int (r, "covered_cents", totals.covered_cents);
  care_record_set_int (r, "discount_cents", totals.discount_cents);
  care_record_set_int (r, "total_cents", totals.total_cents);
  care_record_set_string (r, "customer_feedback", pick (gen, demo_feedback));
  care_record_set_string (r, "signature", signature);
  care_record_set_string (r, "signed_at", signed_at);
  if (!emit (gen, r, error))
    return FALSE;

  for (guint i = 0; i < parts->len; i++)
    if (!emit (gen, g_ptr_array_index (parts, i), error))
      return FALSE;

  return TRUE;
}

static gboolean
gen_survey (Gen        *gen,
            const char *subject_field,
            const char *subject_id,
            const char *customer_id,
            const char *contact_id,
            const char *answered_at,
            GError    **error)
{
  g_autoptr (CareRecord) s = new_record (gen, CARE_ENTITY_SURVEY);
  gint64 score = demo_score (gen);

  care_record_set_string (s, "customer_id", customer_id);
  care_record_set_string (s, "contact_id", contact_id);
  care_record_set_string (s, subject_field, subject_id);
  care_record_set_int (s, "score", score);
  if (score <= 2)
    care_record_set_string (s, "comment", "The problem came back a week later.");
  else if (score == 5)
    care_record_set_string (s, "comment", "Excellent, thank you!");
  care_record_set_string (s, "answered_at", answered_at);
  return emit (gen, s, error);
}

static gboolean
gen_repair_reports (Gen *gen, GError **error)
{
  for (guint i = 0; i < gen->done_repairs->len; i += 2)
    {
      Noted *n = g_ptr_array_index (gen->done_repairs, i);

      if (!gen_visit_report (gen, n->record, n->product, n->warranties, FALSE, error))
        return FALSE;
      if (i % 3 == 0 && !gen_survey (gen, "appointment_id", care_record_get_id (n->record),
                                     care_record_get_string (n->record, "customer_id"), NULL,
                                     care_record_get_string (n->record, "end_at"), error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
gen_maintenance_plans (Gen *gen, GError **error)
{
  for (guint i = 0; i < gen->contracts->len; i++)
    {
      Noted *n = g_ptr_array_index (gen->contracts, i);
      g_autoptr (CareRecord) plan = new_record (gen, CARE_ENTITY_MAINTENANCE_PLAN);
      g_autoptr (GPtrArray) dates = NULL;
      gboolean    half_yearly = i % 2 == 1;
      const char *technician = pick_id (gen, gen->technicians);
      const char *address = care_record_get_string (n->product, "location");

      care_record_set_string (plan, "product_id", care_record_get_id (n->product));
      care_record_set_string (plan, "title",
                              half_yearly ? "Half-yearly maintenance" : "Annual maintenance");
      care_record_set_string (plan, "interval_unit", half_yearly ? "month" : "year");
      care_record_set_int (plan, "interval_count", half_yearly ? 6 : 1);
      care_record_set_int (plan, "visits", half_yearly ? 6 : 3);
      care_record_set_string (plan, "start_date", care_record_get_string (n->record, "start_date"));
      care_record_set_string (plan, "end_date", care_record_get_string (n->record, "end_date"));
      care_record_set_string (plan, "technician_id", technician);
      care_record_set_string (plan, "notes", "Covered by the maintenance contract.");
      if (!emit (gen, plan, error))
        return FALSE;

      dates = care_maintenance_plan_dates (plan);
      for (guint k = 0; k < dates->len; k++)
        {
          GDate *d = g_ptr_array_index (dates, k);
          g_autoptr (CareRecord) a = new_record (gen, CARE_ENTITY_APPOINTMENT);
          g_autoptr (CareRecord) link = new_record (gen, CARE_ENTITY_MAINTENANCE_VISIT);
          g_autofree char *day = care_date_to_iso (d);
          g_autofree char *start = g_strdup_printf ("%sT09:00:00Z", day);
          g_autofree char *end = g_strdup_printf ("%sT10:00:00Z", day);
          gboolean         past = g_date_compare (d, &gen->options->today) < 0;
          /* Now and then a past visit did not happen: the overdue list has work. */
          gboolean done = past && g_rand_int_range (gen->rand, 0, 5) != 0;

          care_record_set_string (a, "kind", "maintenance");
          care_record_set_string (a, "customer_id",
                                  care_record_get_string (n->product, "customer_id"));
          care_record_set_string (a, "product_id", care_record_get_id (n->product));
          care_record_set_string (a, "technician_id", technician);
          care_record_set_string (a, "address", address);
          care_record_set_string (a, "start_at", start);
          care_record_set_string (a, "end_at", end);
          care_record_set_string (a, "status", done ? "done" : "planned");
          care_record_set_string (a, "notes", care_record_get_string (plan, "title"));
          if (!emit (gen, a, error))
            return FALSE;

          care_record_set_string (link, "plan_id", care_record_get_id (plan));
          care_record_set_string (link, "appointment_id", care_record_get_id (a));
          care_record_set_int (link, "visit_number", k + 1);
          care_record_set_string (link, "planned_date", day);
          if (!emit (gen, link, error))
            return FALSE;

          /* Half of the visits happen at an authorised centre, where the
           * contract's discount applies. */
          if (done && !gen_visit_report (gen, a, n->product, n->warranties,
                                         g_rand_boolean (gen->rand), error))
            return FALSE;
        }
    }

  return TRUE;
}

static gboolean
gen_returns (Gen *gen, GError **error)
{
  static const char *const outcomes[] = { "replace", "repair", "refund", NULL };

  for (guint i = 0; i < gen->claims->len; i += 2)
    {
      Noted *n = g_ptr_array_index (gen->claims, i);
      g_autoptr (CareRecord) rma = new_record (gen, CARE_ENTITY_RMA);
      const char      *outcome = outcomes[(i / 2) % 4];
      GDate            received, replaced;
      g_autofree char *received_iso = NULL;
      g_autofree char *replaced_iso = NULL;
      gboolean         finished;

      care_date_from_iso (care_record_get_string (n->record, "opened_at"), &received);
      g_date_add_days (&received, 5);
      replaced = received;
      g_date_add_days (&replaced, 10);
      finished = g_date_compare (&replaced, &gen->options->today) <= 0;
      received_iso = care_date_to_iso (&received);
      replaced_iso = care_date_to_iso (&replaced);

      care_record_set_string (rma, "case_id", care_record_get_id (n->record));
      care_record_set_string (rma, "product_id", care_record_get_id (n->product));
      care_record_set_string (rma, "reason", care_record_get_string (n->record, "subject"));
      care_record_set_string (rma, "outcome", outcome);
      if (g_date_compare (&received, &gen->options->today) <= 0)
        {
          care_record_set_bool (rma, "received", TRUE);
          care_record_set_string (rma, "received_date", received_iso);
          care_record_set_string (rma, "status", finished ? "completed" : "in_progress");
        }
      else
        care_record_set_string (rma, "status", "requested");

      if (finished && g_strcmp0 (outcome, "replace") == 0)
        {
          g_autoptr (CareRecord) replacement = new_record (gen, CARE_ENTITY_PRODUCT);
          g_auto (GStrv) prefix =
              g_strsplit (care_record_get_string (n->product, "serial"), "-", 2);
          g_autofree char *serial = serial_number (gen, prefix[0]);
          g_autoptr (GPtrArray) copies = care_rma_remaining_warranties (
              n->warranties, &replaced, care_record_get_id (replacement));
          static const char *const copied[] = { "customer_id",   "name",     "model", "category",
                                                "purchase_date", "location", NULL };

          for (guint f = 0; copied[f] != NULL; f++)
            care_record_set_value (replacement, copied[f],
                                   care_record_get_value (n->product, copied[f]));
          care_record_set_string (replacement, "serial", serial);
          care_record_set_string (replacement, "installed_date", replaced_iso);
          if (!emit (gen, replacement, error))
            return FALSE;

          /* Seeded ids for the copies, so the demo stays reproducible. */
          for (guint c = 0; c < copies->len; c++)
            {
              CareRecord *copy = g_ptr_array_index (copies, c);
              g_autoptr (CareRecord) w = new_record (gen, CARE_ENTITY_WARRANTY);

              for (guint f = 0; f < care_record_get_entity (w)->n_fields; f++)
                care_record_set_value_at (w, f, care_record_get_value_at (copy, f));
              if (!emit (gen, w, error))
                return FALSE;
            }

          care_record_set_string (rma, "replacement_serial", serial);
          care_record_set_string (rma, "replacement_product_id", care_record_get_id (replacement));
          care_record_set_string (rma, "replaced_date", replaced_iso);
        }
      if (!emit (gen, rma, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
gen_surveys (Gen *gen, GError **error)
{
  for (guint i = 0; i < gen->resolved->len; i += 3)
    {
      CareRecord *c = g_ptr_array_index (gen->resolved, i);

      if (!gen_survey (gen, "case_id", care_record_get_id (c),
                       care_record_get_string (c, "customer_id"), NULL,
                       care_record_get_string (c, "opened_at"), error))
        return FALSE;
    }

  for (guint i = 0; i < gen->attended->len; i += 4)
    {
      CareRecord *e = g_ptr_array_index (gen->attended, i);
      const char *contact = care_record_get_string (e, "contact_id");

      if (!gen_survey (gen, "session_id", care_record_get_string (e, "session_id"),
                       g_hash_table_lookup (gen->contact_customer, contact), contact,
                       care_record_get_string (e, "enrolled_at"), error))
        return FALSE;
    }

  return TRUE;
}

/* The follow-up calls of the last two months' resolved cases, a week after
 * each resolution, as the client books them: most past ones made, every
 * fifth still waiting (the Today page's overdue calls), later ones planned.
 * Generated last and without random draws in the choices, so the rest of
 * the data set stays as it was. */
static gboolean
gen_follow_up_calls (Gen *gen, GError **error)
{
  g_autofree char *today = date_offset (gen, 0);
  g_autofree char *since = date_offset (gen, -60);

  for (guint i = 0; i < gen->resolved->len; i++)
    {
      CareRecord *c = g_ptr_array_index (gen->resolved, i);
      const char *resolved_at = care_record_get_updated_at (c);
      g_autoptr (CareRecord) call = NULL;
      g_autofree char *day = NULL;
      GDate            date;

      if (resolved_at == NULL || strcmp (resolved_at, since) < 0 ||
          !care_date_from_iso (resolved_at, &date))
        continue;
      g_date_add_days (&date, 7);
      day = care_date_to_iso (&date);

      call = new_record (gen, CARE_ENTITY_APPOINTMENT);
      care_follow_up_fill_call (call, c, &date);
      care_record_set_string (call, "status",
                              strcmp (day, today) < 0 && i % 5 != 0 ? "done" : "planned");
      if (!emit (gen, call, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
gen_workflows (Gen *gen, GError **error)
{
  gen->noting = FALSE;

  return gen_repair_reports (gen, error) && gen_maintenance_plans (gen, error) &&
         gen_returns (gen, error) && gen_surveys (gen, error) && gen_follow_up_calls (gen, error);
}

void
care_demo_options_init (CareDemoOptions *options, guint n_customers)
{
  g_autoptr (GDateTime) now = care_clock_now_utc ();

  options->seed = 20261123;
  options->n_customers = n_customers;
  g_date_clear (&options->today, 1);
  g_date_set_dmy (&options->today, (GDateDay) g_date_time_get_day_of_month (now),
                  (GDateMonth) g_date_time_get_month (now), (GDateYear) g_date_time_get_year (now));
}

gboolean
care_demo_generate (const CareDemoOptions *options,
                    CareDemoSink           sink,
                    gpointer               user_data,
                    GError               **error)
{
  Gen      gen = { 0 };
  gboolean ok = TRUE;

  g_return_val_if_fail (options != NULL && sink != NULL, FALSE);
  g_return_val_if_fail (g_date_valid (&options->today), FALSE);

  gen.options = options;
  gen.rand = g_rand_new_with_seed (options->seed);
  gen.sink = sink;
  gen.user_data = user_data;
  gen.technicians = g_ptr_array_new_with_free_func (g_free);
  gen.agents = g_ptr_array_new_with_free_func (g_free);
  gen.trainers = g_ptr_array_new_with_free_func (g_free);
  gen.contacts = g_ptr_array_new_with_free_func (g_free);
  gen.noting = TRUE;
  gen.warranties = g_ptr_array_new_with_free_func (g_object_unref);
  gen.done_repairs = g_ptr_array_new_with_free_func (noted_free);
  gen.contracts = g_ptr_array_new_with_free_func (noted_free);
  gen.claims = g_ptr_array_new_with_free_func (noted_free);
  gen.resolved = g_ptr_array_new_with_free_func (g_object_unref);
  gen.attended = g_ptr_array_new_with_free_func (g_object_unref);
  gen.contact_customer = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  gen.sla_rand = g_rand_new_with_seed (options->seed ^ 0x51a51a5u);

  ok = gen_staff (&gen, error) && gen_service_levels (&gen, error);
  for (guint i = 0; ok && i < options->n_customers; i++)
    ok = gen_customer (&gen, i, error);
  if (ok)
    ok = gen_training (&gen, error);
  if (ok)
    ok = gen_workflows (&gen, error);

  g_clear_object (&gen.product);
  g_ptr_array_unref (gen.warranties);
  g_ptr_array_unref (gen.done_repairs);
  g_ptr_array_unref (gen.contracts);
  g_ptr_array_unref (gen.claims);
  g_ptr_array_unref (gen.resolved);
  g_ptr_array_unref (gen.attended);
  g_hash_table_unref (gen.contact_customer);

  g_ptr_array_unref (gen.technicians);
  g_ptr_array_unref (gen.agents);
  g_ptr_array_unref (gen.trainers);
  g_ptr_array_unref (gen.contacts);
  g_rand_free (gen.rand);
  g_rand_free (gen.sla_rand);
  for (guint i = 0; i < G_N_ELEMENTS (gen.sla_policies); i++)
    g_free (gen.sla_policies[i]);

  return ok;
}

typedef struct
{
  CareStore *store;
  guint64    n;
} FillData;

static gboolean
fill_sink (CareRecord *record, gpointer user_data, GError **error)
{
  FillData *data = user_data;

  data->n++;
  return care_store_bulk_insert (data->store, record, error);
}

/* Loads the demo dataset into @store in one transaction; a cancelled
 * @cancellable rolls it back. */
gboolean
care_demo_fill_store (CareStore             *store,
                      const CareDemoOptions *options,
                      GCancellable          *cancellable,
                      guint64               *n_records,
                      GError               **error)
{
  FillData data = { store, 0 };

  if (!care_store_bulk_begin (store, cancellable, error))
    return FALSE;

  if (!care_demo_generate (options, fill_sink, &data, error))
    {
      care_store_bulk_end (store, FALSE, NULL);
      return FALSE;
    }

  if (n_records != NULL)
    *n_records = data.n;

  return care_store_bulk_end (store, TRUE, error);
}

typedef struct
{
  char   *path;
  guint   n_customers;
  guint64 n_records;
} FillTask;

static void
fill_task_free (gpointer data)
{
  FillTask *t = data;
  g_free (t->path);
  g_free (t);
}

/* Runs in a worker thread with a connection of its own; the store's own
 * connection sees the rows after the commit. */
static void
fill_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  FillTask *t = task_data;
  g_autoptr (CareStore) store = NULL;
  g_autoptr (CareQuery) customers = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  GError         *error = NULL;
  CareDemoOptions options;

  store = care_store_new (t->path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Only ever into an empty store: demo data never mixes with real data. */
  if (care_store_count (store, customers, cancellable, &error) > 0 || error != NULL)
    {
      if (error != NULL)
        g_task_return_error (task, error);
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  care_demo_options_init (&options, t->n_customers);
  if (!care_demo_fill_store (store, &options, cancellable, &t->n_records, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * care_demo_fill_async:
 *
 * Fills @store with demo data in a worker thread if it has no customers yet.
 * On success listeners of @store are told everything changed.
 */
void
care_demo_fill_async (CareStore          *store,
                      guint               n_customers,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  g_autoptr (GTask) task = g_task_new (store, cancellable, callback, user_data);
  FillTask *t = g_new0 (FillTask, 1);

  t->path = g_strdup (care_store_get_path (store));
  t->n_customers = n_customers;
  g_task_set_source_tag (task, care_demo_fill_async);
  g_task_set_task_data (task, t, fill_task_free);
  g_task_run_in_thread (task, fill_thread);
}

gboolean
care_demo_fill_finish (CareStore *store, GAsyncResult *result, guint64 *n_records, GError **error)
{
  FillTask *t;

  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  t = g_task_get_task_data (G_TASK (result));
  if (n_records != NULL)
    *n_records = t->n_records;
  if (t->n_records > 0)
    care_store_emit_changed_all (store);
  return TRUE;
}
