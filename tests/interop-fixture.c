/* interop-fixture.c: one small, hostile data set for the import and export
 * tests, saved as normal edits. */
#include "config.h"

#include "interop-fixture.h"

static char *
save (CareStore *store, const char *entity, ...)
{
  g_autoptr (CareRecord) r = care_record_new (care_schema_lookup (entity));
  g_autoptr (GError) error = NULL;
  const char *field;
  va_list     args;

  va_start (args, entity);
  while ((field = va_arg (args, const char *)) != NULL)
    {
      const CareField *f = care_entity_lookup_field (care_record_get_entity (r), field);
      const char      *text = va_arg (args, const char *);
      g_autoptr (GVariant) value = NULL;

      g_assert_nonnull (f);
      care_field_parse (f, text, &value, &error);
      g_assert_no_error (error);
      care_record_set_value (r, field, value);
    }
  va_end (args);

  care_store_save (store, r, &error);
  g_assert_no_error (error);
  return g_strdup (care_record_get_id (r));
}

void
interop_fill (CareStore *store, InteropIds *ids)
{
  ids->technician_id =
      save (store, "staff", "name", "Jörg Müller-Lüdenscheidt", "role", "technician", "email",
            "joerg@example.com", "phone", "+49 30 1234567", NULL);
  ids->trainer_id =
      save (store, "staff", "name", "Анна Петрова, Ph.D.; \"Trainer\"", "role", "trainer", NULL);

  ids->company_id = save (store, "customer", "kind", "company", "name", "Ёлки-Палки; Trading, Ltd.",
                          "email", "info@elki.example", "phone", "+7 495 123-45-67", "address",
                          "ул. Тверская, 7; кв. 5, Москва", "tax_number", "ru 7707083893",
                          "language", "ru", "notes", INTEROP_LONG_NOTE, NULL);
  ids->person_id = save (store, "customer", "kind", "person", "name", "Zoë Ångström", "email",
                         "zoe@example.org", "phone", "+46 8 123 456", "address",
                         "Drottninggatan 1, Stockholm", "tax_number", "BR 390.533.447-05", NULL);
  ids->formula_id =
      save (store, "customer", "kind", "person", "name", "=HYPERLINK(\"http://evil.example\")",
            "address", "-2+3", "notes", "@SUM(1+1)\n+second line", "language", "'=x", NULL);

  ids->contact_primary_id =
      save (store, "contact", "customer_id", ids->company_id, "name", "Дмитрий Шостакович", "role",
            "Директор, CEO", "email", "dmitri@elki.example", "is_primary", "true", NULL);
  ids->contact_quoted_id =
      save (store, "contact", "customer_id", ids->company_id, "name", "O'Brien, \"Paddy\"", "role",
            "IT; support", "phone", "+353 1 234 5678", NULL);
  ids->contact_person_id = save (store, "contact", "customer_id", ids->person_id, "name",
                                 "Ægir Þórsson", "email", "aegir@example.is", NULL);

  ids->product_id =
      save (store, "product", "customer_id", ids->company_id, "serial", "SN-ÄÖ-42", "name",
            "Лазерный принтер", "model", "LX-200", "category", "printer", NULL);
  ids->case_id =
      save (store, "service_case", "customer_id", ids->company_id, "product_id", ids->product_id,
            "kind", "repair", "subject", "Paper jam, again; urgent", "opened_at",
            "2026-02-27T09:00:00Z", "priority", "high", "status", "open", NULL);

  ids->repair_id =
      save (store, "appointment", "kind", "repair", "customer_id", ids->company_id, "product_id",
            ids->product_id, "case_id", ids->case_id, "technician_id", ids->technician_id,
            "start_at", "2026-03-02T08:30:00Z", "end_at", "2026-03-02T10:00:00Z", "status",
            "planned", "notes", INTEROP_LONG_NOTE, NULL);
  ids->call_id =
      save (store, "appointment", "kind", "follow_up_call", "customer_id", ids->person_id,
            "technician_id", ids->technician_id, "start_at", "2026-03-03T14:00:00Z", "end_at",
            "2026-03-03T14:15:00Z", "status", "done", NULL);
  ids->cancelled_id =
      save (store, "appointment", "kind", "maintenance", "customer_id", ids->person_id,
            "technician_id", ids->technician_id, "address", "Sveavägen 44, Stockholm", "start_at",
            "2026-01-10T07:00:00Z", "end_at", "2026-01-10T09:00:00Z", "status", "cancelled", NULL);

  ids->course_id =
      save (store, "training_course", "title", "GIMP für Fortgeschrittene: Ebenen, Masken; Filter",
            "software", "GIMP", "description", "Drei Tage, mit Übungen.", NULL);
  ids->session_id = save (
      store, "training_session", "course_id", ids->course_id, "trainer_id", ids->trainer_id,
      "location", "Schulungsraum 3, Berlin", "url", "https://meet.example.org/gimp?room=3",
      "start_at", "2026-04-14T07:00:00Z", "end_at", "2026-04-14T15:00:00Z", "seats", "10", NULL);
  g_free (save (store, "enrolment", "session_id", ids->session_id, "contact_id",
                ids->contact_primary_id, "status", "confirmed", "enrolled_at",
                "2026-03-01T10:00:00Z", NULL));
  g_free (save (store, "enrolment", "session_id", ids->session_id, "contact_id",
                ids->contact_quoted_id, "status", "waitlisted", "enrolled_at",
                "2026-03-01T11:00:00Z", NULL));
  g_free (save (store, "enrolment", "session_id", ids->session_id, "contact_id",
                ids->contact_person_id, "status", "cancelled", "enrolled_at",
                "2026-03-01T12:00:00Z", NULL));
}

void
interop_clear (InteropIds *ids)
{
  char **all = (char **) ids;

  for (guint i = 0; i < sizeof *ids / sizeof (char *); i++)
    g_free (all[i]);
}
