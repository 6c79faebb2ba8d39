/* care-schema.c: entity and field definitions, and the validation of one value. */
#define G_LOG_DOMAIN "care-schema"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "care-schema.h"
#include "care-attachment-file.h"
#include "care-tax-number.h"
/* Pure rules of its fields, with no store: see care-working-time.c. */
#include "care-working-time.h"

G_DEFINE_QUARK (care_validation_error_quark, care_validation_error)

#define N_FIELDS(a) G_N_ELEMENTS (a)
#define TEXT(n, l, req, len)                                                                       \
  {                                                                                                \
    .name = n, .label = l, .type = CARE_FIELD_TEXT, .required = req, .max = len                    \
  }
#define NOTE(n, l)                                                                                 \
  {                                                                                                \
    .name = n, .label = l, .type = CARE_FIELD_NOTE, .max = 10000                                   \
  }
#define EMAIL(n, l)                                                                                \
  {                                                                                                \
    .name = n, .label = l, .type = CARE_FIELD_EMAIL, .max = 254                                    \
  }
#define PHONE(n, l)                                                                                \
  {                                                                                                \
    .name = n, .label = l, .type = CARE_FIELD_PHONE, .max = 40                                     \
  }
#define BOOL(n, l)                                                                                 \
  {                                                                                                \
    .name = n, .label = l, .type = CARE_FIELD_BOOL                                                 \
  }
#define DATE(n, l, req)                                                                            \
  {                                                                                                \
    .name = n, .label = l, .type = CARE_FIELD_DATE, .required = req                                \
  }
#define DATETIME(n, l, req)                                                                        \
  {                                                                                                \
    .name = n, .label = l, .type = CARE_FIELD_DATETIME, .required = req                            \
  }
#define ENUM(n, l, req, c, cl)                                                                     \
  {                                                                                                \
    .name = n, .label = l, .type = CARE_FIELD_ENUM, .required = req, .choices = c,                 \
    .choice_labels = cl                                                                            \
  }
#define ENUM_CTX(n, l, req, c, cl, ctx)                                                            \
  {                                                                                                \
    .name = n, .label = l, .type = CARE_FIELD_ENUM, .required = req, .choices = c,                 \
    .choice_labels = cl, .choice_context = ctx                                                     \
  }
#define REF(n, l, req, e, own)                                                                     \
  {                                                                                                \
    .name = n, .label = l, .type = CARE_FIELD_REF, .required = req, .ref_entity = e, .owned = own  \
  }
/* A field the customer search finds a customer by. The search index is
 * SQL (the triggers of care-store-migrations.c); test-store checks that
 * its triggers watch exactly the fields marked here. */
#define SEARCHABLE(field_type, n, l, req, len)                                                     \
  {                                                                                                \
    .name = n, .label = l, .type = field_type, .required = req, .max = len, .searchable = TRUE     \
  }
#define INT(n, l, req, lo, hi)                                                                     \
  {                                                                                                \
    .name = n, .label = l, .type = CARE_FIELD_INT, .required = req, .min = lo, .max = hi           \
  }

/* Customer */
static const char *const customer_kinds[] = { "person", "company", NULL };
static const char *const customer_kind_labels[] = { N_ ("Person"), N_ ("Company"), NULL };
static const CareField   customer_fields[] = {
    ENUM ("kind", N_ ("Kind"), TRUE, customer_kinds, customer_kind_labels),
    SEARCHABLE (CARE_FIELD_TEXT, "name", N_ ("Name"), TRUE, 200),
    SEARCHABLE (CARE_FIELD_EMAIL, "email", N_ ("Email"), FALSE, 254),
    SEARCHABLE (CARE_FIELD_PHONE, "phone", N_ ("Phone"), FALSE, 40),
    TEXT ("address", N_ ("Address"), FALSE, 500),
    /* NIF, numéro de TVA, ЕИК, davčna številka, CPF/CNPJ…: with the
     * country code first, checked where the country has a checksum
     * (care-tax-number.c). */
    { .name = "tax_number",
      .label = N_ ("Tax number"),
      .type = CARE_FIELD_TEXT,
      .max = 18,
      .searchable = TRUE,
      .rule = &care_tax_number_rule },
    TEXT ("language", N_ ("Language"), FALSE, 16),
    NOTE ("notes", N_ ("Notes")),
};

/* Contact person at a customer */
static const CareField contact_fields[] = {
  REF ("customer_id", N_ ("Customer"), TRUE, "customer", TRUE),
  SEARCHABLE (CARE_FIELD_TEXT, "name", N_ ("Name"), TRUE, 200),
  TEXT ("role", N_ ("Role"), FALSE, 100),
  SEARCHABLE (CARE_FIELD_PHONE, "phone", N_ ("Phone"), FALSE, 40),
  SEARCHABLE (CARE_FIELD_EMAIL, "email", N_ ("Email"), FALSE, 254),
  BOOL ("is_primary", N_ ("Primary contact")),
};

/* Product and serial registry */
static const char *const product_categories[] = { "printer",  "appliance", "car",
                                                  "software", "other",     NULL };
static const char *const product_category_labels[] = { N_ ("Printer"), N_ ("Appliance"),
                                                       N_ ("Car"),     N_ ("Software"),
                                                       N_ ("Other"),   NULL };
static const CareField   product_fields[] = {
    REF ("customer_id", N_ ("Customer"), TRUE, "customer", TRUE),
    SEARCHABLE (CARE_FIELD_TEXT, "serial", N_ ("Serial number"), TRUE, 64),
    TEXT ("name", N_ ("Product"), TRUE, 200),
    TEXT ("model", N_ ("Model"), FALSE, 100),
    ENUM ("category", N_ ("Category"), FALSE, product_categories, product_category_labels),
    DATE ("purchase_date", N_ ("Purchase date"), FALSE),
    DATE ("installed_date", N_ ("Delivery or installation date"), FALSE),
    TEXT ("location", N_ ("Location"), FALSE, 500),
};

/* Warranty */
static const char *const warranty_kinds[] = { "standard", "extended", "maintenance_contract",
                                              NULL };
static const char *const warranty_kind_labels[] = { N_ ("Standard warranty"),
                                                    N_ ("Extended warranty"),
                                                    N_ ("Maintenance contract"), NULL };
static const CareField   warranty_fields[] = {
    REF ("product_id", N_ ("Product"), TRUE, "product", TRUE),
    ENUM ("kind", N_ ("Kind"), TRUE, warranty_kinds, warranty_kind_labels),
    DATE ("start_date", N_ ("Start"), TRUE),
    DATE ("end_date", N_ ("End"), TRUE),
    BOOL ("covers_parts", N_ ("Covers parts")),
    BOOL ("covers_labour", N_ ("Covers labour")),
    BOOL ("covers_onsite", N_ ("Covers on-site service")),
    NOTE ("terms", N_ ("Terms")),
    INT ("discount_percent", N_ ("Maintenance discount"), FALSE, 0, 100),
};

/* Service case: complaint, warranty claim, repair or question */
static const char *const case_kinds[] = { "complaint", "warranty_claim", "repair", "question",
                                          NULL };
static const char *const case_kind_labels[] = { N_ ("Complaint"), N_ ("Warranty claim"),
                                                N_ ("Repair"), N_ ("Question"), NULL };
static const char *const case_channels[] = { "phone", "email", "web", "walk_in", "field", NULL };
static const char *const case_channel_labels[] = { N_ ("Phone"),   N_ ("Email"),       N_ ("Web"),
                                                   N_ ("Walk-in"), N_ ("Field visit"), NULL };
static const char *const case_priorities[] = { "low", "normal", "high", "urgent", NULL };
static const char *const case_priority_labels[] = { NC_ ("priority", "Low"),
                                                    NC_ ("priority", "Normal"),
                                                    NC_ ("priority", "High"),
                                                    NC_ ("priority", "Urgent"), NULL };
static const char *const case_statuses[] = { "open",     "in_progress", "waiting",
                                             "resolved", "closed",      NULL };
static const char *const case_status_labels[] = {
  NC_ ("case status", "Open"),    NC_ ("case status", "In progress"),
  NC_ ("case status", "Waiting"), NC_ ("case status", "Resolved"),
  NC_ ("case status", "Closed"),  NULL
};
static const char *const warranty_snapshots[] = { "active",      "expiring", "expired",
                                                  "not_started", "none",     NULL };
static const char *const warranty_snapshot_labels[] = {
  NC_ ("warranty status", "Active"),      NC_ ("warranty status", "Expiring soon"),
  NC_ ("warranty status", "Expired"),     NC_ ("warranty status", "Not yet started"),
  NC_ ("warranty status", "No warranty"), NULL
};
/* Service levels (care-working-time.c, care-sla.c). A working calendar
 * says when the company works; a service level policy promises a first
 * response and a resolution within so much working time of a calendar, for
 * the cases it matches. Edited by admins, synced to every client so that
 * all of them and the server compute the same timers. */
static const char *const holiday_countries[] = { "BG", "BR", "FR", "PT", "SI", NULL };
static const char *const holiday_country_labels[] = { N_ ("Bulgaria"), N_ ("Brazil"),
                                                      N_ ("France"),   N_ ("Portugal"),
                                                      N_ ("Slovenia"), NULL };
#define HOURS(n, l)                                                                                \
  {                                                                                                \
    .name = n, .label = l, .type = CARE_FIELD_TEXT, .max = 200, .rule = &care_working_hours_rule   \
  }
static const CareField working_calendar_fields[] = {
  TEXT ("name", N_ ("Name"), TRUE, 200),
  { .name = "time_zone",
    .label = N_ ("Time zone"),
    .type = CARE_FIELD_TEXT,
    .required = TRUE,
    .max = 64,
    .rule = &care_time_zone_rule },
  ENUM ("holidays", N_ ("Public holidays"), FALSE, holiday_countries, holiday_country_labels),
  BOOL ("optional_holidays", N_ ("Closed on optional holidays too")),
  HOURS ("monday", N_ ("Monday")),
  HOURS ("tuesday", N_ ("Tuesday")),
  HOURS ("wednesday", N_ ("Wednesday")),
  HOURS ("thursday", N_ ("Thursday")),
  HOURS ("friday", N_ ("Friday")),
  HOURS ("saturday", N_ ("Saturday")),
  HOURS ("sunday", N_ ("Sunday")),
};

/* A company closure: days a calendar does not work beyond its holidays. */
static const CareField calendar_closure_fields[] = {
  REF ("calendar_id", N_ ("Working calendar"), TRUE, "working_calendar", TRUE),
  TEXT ("name", N_ ("Name"), TRUE, 200),
  DATE ("start_date", N_ ("First day"), TRUE),
  DATE ("end_date", N_ ("Last day"), TRUE),
};

/* Which cases a policy applies to: an unset criterion matches any case.
 * "none" is a case whose product has no warranty in force. */
static const char *const sla_warranty_kinds[] = { "standard", "extended", "maintenance_contract",
                                                  "none", NULL };
static const char *const sla_warranty_kind_labels[] = { N_ ("Standard warranty"),
                                                        N_ ("Extended warranty"),
                                                        N_ ("Maintenance contract"),
                                                        N_ ("No warranty"), NULL };
/* Targets in working minutes, at most ten years of them. */
#define SLA_MAX_MINUTES 5256000
static const CareField sla_policy_fields[] = {
  TEXT ("name", N_ ("Name"), TRUE, 200),
  REF ("calendar_id", N_ ("Working calendar"), TRUE, "working_calendar", FALSE),
  ENUM ("warranty_kind", N_ ("Warranty"), FALSE, sla_warranty_kinds, sla_warranty_kind_labels),
  ENUM_CTX ("priority", N_ ("Priority"), FALSE, case_priorities, case_priority_labels, "priority"),
  ENUM ("channel", N_ ("Channel"), FALSE, case_channels, case_channel_labels),
  INT ("first_response_minutes",
       N_ ("First response within (working minutes)"),
       TRUE,
       1,
       SLA_MAX_MINUTES),
  INT ("resolution_minutes", N_ ("Resolution within (working minutes)"), TRUE, 1, SLA_MAX_MINUTES),
  /* A disabled policy is chosen for no new case; cases that have it keep it. */
  BOOL ("disabled", N_ ("Not chosen for new cases")),
};

static const CareField service_case_fields[] = {
  REF ("customer_id", N_ ("Customer"), TRUE, "customer", TRUE),
  REF ("product_id", N_ ("Product"), FALSE, "product", FALSE),
  ENUM ("kind", N_ ("Kind"), TRUE, case_kinds, case_kind_labels),
  TEXT ("subject", N_ ("Subject"), TRUE, 200),
  NOTE ("description", N_ ("Description")),
  DATETIME ("opened_at", N_ ("Opened"), TRUE),
  ENUM ("channel", N_ ("Channel"), FALSE, case_channels, case_channel_labels),
  ENUM_CTX ("priority", N_ ("Priority"), TRUE, case_priorities, case_priority_labels, "priority"),
  ENUM_CTX ("status", N_ ("Status"), TRUE, case_statuses, case_status_labels, "case status"),
  REF ("assignee_id", N_ ("Assignee"), FALSE, "staff", FALSE),
  ENUM_CTX ("warranty_status",
            N_ ("Warranty at opening"),
            FALSE,
            warranty_snapshots,
            warranty_snapshot_labels,
            "warranty status"),
  NOTE ("resolution", N_ ("Resolution")),
  /* The service level policy chosen when the case was opened
   * (care_sla_match_policy ()): kept, so a later change of the policies
   * does not move the case to another one. */
  REF ("sla_policy_id", N_ ("Service level"), FALSE, "sla_policy", FALSE),
};

/* Appointment: a visit or a call */
static const char *const appointment_kinds[] = { "delivery", "installation",   "maintenance",
                                                 "repair",   "follow_up_call", NULL };
static const char *const appointment_kind_labels[] = { N_ ("Delivery"),       N_ ("Installation"),
                                                       N_ ("Maintenance"),    N_ ("Repair"),
                                                       N_ ("Follow-up call"), NULL };
static const char *const appointment_statuses[] = { "planned", "done", "not_done", "cancelled",
                                                    NULL };
static const char *const appointment_status_labels[] = {
  NC_ ("appointment status", "Planned"), NC_ ("appointment status", "Done"),
  NC_ ("appointment status", "Not done"), NC_ ("appointment status", "Cancelled"), NULL
};
static const CareField appointment_fields[] = {
  ENUM ("kind", N_ ("Kind"), TRUE, appointment_kinds, appointment_kind_labels),
  REF ("customer_id", N_ ("Customer"), TRUE, "customer", TRUE),
  REF ("product_id", N_ ("Product"), FALSE, "product", FALSE),
  REF ("case_id", N_ ("Service case"), FALSE, "service_case", FALSE),
  REF ("technician_id", N_ ("Technician"), FALSE, "staff", FALSE),
  TEXT ("address", N_ ("Address"), FALSE, 500),
  DATETIME ("start_at", N_ ("Start"), TRUE),
  DATETIME ("end_at", N_ ("End"), TRUE),
  ENUM_CTX ("status",
            N_ ("Status"),
            TRUE,
            appointment_statuses,
            appointment_status_labels,
            "appointment status"),
  NOTE ("notes", N_ ("Notes")),
  NOTE ("work_notes", N_ ("Work notes")),
  /* The delivery or installation this follow-up call is about: makes the
   * follow-up idempotent (care-follow-up.c). A reference to its own entity
   * keeps the parents-first order. */
  REF ("follow_up_of", N_ ("Follow-up of"), FALSE, "appointment", FALSE),
  /* Whom to ask for on the day: the customer's primary contact by default. */
  REF ("contact_id", N_ ("Contact"), FALSE, "contact", FALSE),
};

/* Staff: agents, trainers, technicians */
static const char *const staff_roles[] = { "agent", "trainer", "technician", "admin", NULL };
static const char *const staff_role_labels[] = { N_ ("Agent"), N_ ("Trainer"), N_ ("Technician"),
                                                 N_ ("Administrator"), NULL };
static const CareField   staff_fields[] = {
    TEXT ("name", N_ ("Name"), TRUE, 200),
    ENUM ("role", N_ ("Role"), TRUE, staff_roles, staff_role_labels),
    EMAIL ("email", N_ ("Email")),
    PHONE ("phone", N_ ("Phone")),
};

/* Training */
static const CareField training_course_fields[] = {
  TEXT ("title", N_ ("Title"), TRUE, 200),
  TEXT ("software", N_ ("Software"), FALSE, 200),
  NOTE ("description", N_ ("Description")),
  INT ("duration_hours", N_ ("Duration in hours"), FALSE, 1, 1000),
};

static const CareField training_session_fields[] = {
  REF ("course_id", N_ ("Course"), TRUE, "training_course", TRUE),
  REF ("trainer_id", N_ ("Trainer"), FALSE, "staff", FALSE),
  TEXT ("location", N_ ("Place"), FALSE, 500),
  { .name = "url", .label = N_ ("Link"), .type = CARE_FIELD_URL, .max = 2000 },
  DATETIME ("start_at", N_ ("Start"), TRUE),
  DATETIME ("end_at", N_ ("End"), TRUE),
  INT ("seats", N_ ("Seats"), TRUE, 1, 1000),
};

static const char *const enrolment_statuses[] = { "confirmed", "waitlisted", "cancelled", NULL };
static const char *const enrolment_status_labels[] = { NC_ ("enrolment status", "Confirmed"),
                                                       NC_ ("enrolment status", "Waitlisted"),
                                                       NC_ ("enrolment status", "Cancelled"),
                                                       NULL };
static const CareField   enrolment_fields[] = {
    REF ("session_id", N_ ("Session"), TRUE, "training_session", TRUE),
    REF ("contact_id", N_ ("Participant"), TRUE, "contact", TRUE),
    ENUM_CTX ("status",
              N_ ("Status"),
              TRUE,
              enrolment_statuses,
              enrolment_status_labels,
              "enrolment status"),
    BOOL ("attended", N_ ("Attended")),
    DATETIME ("enrolled_at", N_ ("Enrolled"), TRUE),
};

/* A logged call or other interaction with a customer */
static const char *const call_directions[] = { "inbound", "outbound", NULL };
static const char *const call_direction_labels[] = { N_ ("Inbound"), N_ ("Outbound"), NULL };
static const char *const call_outcomes[] = { "resolved",    "information_given", "callback_needed",
                                             "case_opened", "no_answer",         NULL };
static const char *const call_outcome_labels[] = { N_ ("Resolved"),        N_ ("Information given"),
                                                   N_ ("Callback needed"), N_ ("Case opened"),
                                                   N_ ("No answer"),       NULL };
static const CareField   call_log_fields[] = {
    REF ("customer_id", N_ ("Customer"), TRUE, "customer", TRUE),
    REF ("contact_id", N_ ("Contact"), FALSE, "contact", FALSE),
    REF ("agent_id", N_ ("Agent"), FALSE, "staff", FALSE),
    DATETIME ("called_at", N_ ("Time"), TRUE),
    ENUM ("direction", N_ ("Direction"), TRUE, call_directions, call_direction_labels),
    TEXT ("subject", N_ ("Subject"), TRUE, 200),
    ENUM ("outcome", N_ ("Outcome"), TRUE, call_outcomes, call_outcome_labels),
    NOTE ("notes", N_ ("Notes")),
    DATE ("follow_up_date", N_ ("Follow-up date"), FALSE),
    /* The case the call was about: a call on a case is its first response. */
    REF ("case_id", N_ ("Service case"), FALSE, "service_case", FALSE),
};

/* After-sales workflows (care-visit-report.c, care-maintenance.c, care-rma.c,
 * care-follow-up.c). Money is integer cents: no rounding drift in sums. */

/* Visit report: what a technician did on an appointment, filled in offline */
static const char *const visit_coverages[] = { "covered", "partly_covered", "billable", NULL };
static const char *const visit_coverage_labels[] = { N_ ("Covered by warranty"),
                                                     N_ ("Partly covered"), N_ ("Billable"), NULL };
static const CareField   visit_report_fields[] = {
    REF ("appointment_id", N_ ("Appointment"), TRUE, "appointment", TRUE),
    REF ("technician_id", N_ ("Technician"), FALSE, "staff", FALSE),
    DATE ("visit_date", N_ ("Visit date"), TRUE),
    { .name = "work_done",
      .label = N_ ("Work done"),
      .type = CARE_FIELD_NOTE,
      .required = TRUE,
      .max = 10000 },
    INT ("minutes", N_ ("Time spent in minutes"), TRUE, 0, 14400),
    /* On the report, not the appointment: where the work was really done is a
   * fact of the visit, and it decides the maintenance discount. */
    BOOL ("authorised_location", N_ ("At an authorised service location")),
    INT ("hourly_rate_cents", N_ ("Hourly rate in cents"), FALSE, 0, 100000000),
    /* Filled by care_visit_report_update_totals(): the prices as they stood
   * when the customer signed, not recomputed when a warranty changes later. */
    ENUM ("coverage", N_ ("Billing"), FALSE, visit_coverages, visit_coverage_labels),
    REF ("warranty_id", N_ ("Warranty applied"), FALSE, "warranty", FALSE),
    INT ("parts_cents", N_ ("Parts in cents"), FALSE, 0, CARE_MAX_CENTS),
    INT ("labour_cents", N_ ("Labour in cents"), FALSE, 0, CARE_MAX_CENTS),
    INT ("covered_cents", N_ ("Covered by warranty in cents"), FALSE, 0, CARE_MAX_CENTS),
    INT ("discount_cents", N_ ("Maintenance discount in cents"), FALSE, 0, CARE_MAX_CENTS),
    INT ("total_cents", N_ ("Total in cents"), FALSE, 0, CARE_MAX_CENTS),
    NOTE ("customer_feedback", N_ ("Customer feedback")),
    /* SVG path data ("M x y L x y …"), see care-signature.c for why. A
   * signature of many strokes stays far below the limit; the limit keeps
   * one record from filling a sync batch. */
    { .name = "signature",
      .label = N_ ("Customer signature"),
      .type = CARE_FIELD_NOTE,
      .max = 200000 },
    TEXT ("signed_by", N_ ("Signed by"), FALSE, 200),
    DATETIME ("signed_at", N_ ("Signed"), FALSE),
};

/* A part used on a visit */
static const CareField part_usage_fields[] = {
  REF ("visit_report_id", N_ ("Visit report"), TRUE, "visit_report", TRUE),
  TEXT ("name", N_ ("Part"), TRUE, 200),
  TEXT ("part_number", N_ ("Part number"), FALSE, 64),
  INT ("quantity", N_ ("Quantity"), TRUE, 1, 10000),
  INT ("unit_price_cents", N_ ("Unit price in cents"), TRUE, 0, 100000000),
};

/* Maintenance plan: recurring visits for one product */
static const char *const plan_units[] = { "week", "month", "year", NULL };
static const char *const plan_unit_labels[] = { N_ ("Weeks"), N_ ("Months"), N_ ("Years"), NULL };
static const CareField   maintenance_plan_fields[] = {
    REF ("product_id", N_ ("Product"), TRUE, "product", TRUE),
    TEXT ("title", N_ ("Title"), TRUE, 200),
    ENUM ("interval_unit", N_ ("Interval unit"), TRUE, plan_units, plan_unit_labels),
    INT ("interval_count", N_ ("Every"), TRUE, 1, 120),
    INT ("visits", N_ ("Number of visits"), TRUE, 1, 520),
    DATE ("start_date", N_ ("First visit"), TRUE),
    DATE ("end_date", N_ ("End"), FALSE),
    REF ("technician_id", N_ ("Technician"), FALSE, "staff", FALSE),
    NOTE ("notes", N_ ("Notes")),
};

/* Links a plan to the appointment generated for its n-th visit. A link
 * entity rather than a plan_id on appointment: references point at earlier
 * entities (parents first) and appointment comes before maintenance_plan.
 * Owned by both: deleting either removes the link. */
static const CareField maintenance_visit_fields[] = {
  REF ("plan_id", N_ ("Maintenance plan"), TRUE, "maintenance_plan", TRUE),
  REF ("appointment_id", N_ ("Appointment"), TRUE, "appointment", TRUE),
  INT ("visit_number", N_ ("Visit number"), TRUE, 1, 520),
  DATE ("planned_date", N_ ("Planned date"), TRUE),
};

/* Return merchandise authorisation */
static const char *const rma_outcomes[] = { "repair", "replace", "refund", NULL };
static const char *const rma_outcome_labels[] = { N_ ("Repair"), N_ ("Exchange"), N_ ("Refund"),
                                                  NULL };
static const char *const rma_statuses[] = { "requested", "received", "in_progress",
                                            "completed", "rejected", NULL };
static const char *const rma_status_labels[] = {
  NC_ ("return status", "Requested"),   NC_ ("return status", "Received"),
  NC_ ("return status", "In progress"), NC_ ("return status", "Completed"),
  NC_ ("return status", "Rejected"),    NULL
};
static const CareField rma_fields[] = {
  REF ("case_id", N_ ("Service case"), TRUE, "service_case", TRUE),
  REF ("product_id", N_ ("Product"), TRUE, "product", FALSE),
  TEXT ("reason", N_ ("Reason"), TRUE, 500),
  ENUM ("outcome", N_ ("Outcome"), FALSE, rma_outcomes, rma_outcome_labels),
  ENUM_CTX ("status", N_ ("Status"), TRUE, rma_statuses, rma_status_labels, "return status"),
  BOOL ("received", N_ ("Received")),
  DATE ("received_date", N_ ("Received on"), FALSE),
  TEXT ("replacement_serial", N_ ("Replacement serial number"), FALSE, 64),
  REF ("replacement_product_id", N_ ("Replacement"), FALSE, "product", FALSE),
  DATE ("replaced_date", N_ ("Replaced on"), FALSE),
  NOTE ("notes", N_ ("Notes")),
};

/* Satisfaction survey: about exactly one case, appointment or class */
static const char *const survey_subjects[] = { "case_id", "appointment_id", "session_id", NULL };
static const CareField   survey_fields[] = {
    REF ("customer_id", N_ ("Customer"), TRUE, "customer", TRUE),
    REF ("contact_id", N_ ("Contact"), FALSE, "contact", FALSE),
    REF ("case_id", N_ ("Service case"), FALSE, "service_case", TRUE),
    REF ("appointment_id", N_ ("Appointment"), FALSE, "appointment", TRUE),
    REF ("session_id", N_ ("Training session"), FALSE, "training_session", TRUE),
    INT ("score", N_ ("Score"), TRUE, 1, 5),
    NOTE ("comment", N_ ("Comment")),
    DATETIME ("answered_at", N_ ("Answered"), TRUE),
};

/* A service case's status from a moment on: the case keeps only its
 * current status, and the service level timers need when it was waiting
 * on the customer. One record per change, never edited, so that changes
 * made offline on two devices both survive the merge. */
static const CareField case_status_change_fields[] = {
  REF ("case_id", N_ ("Service case"), TRUE, "service_case", TRUE),
  ENUM_CTX ("status", N_ ("Status"), TRUE, case_statuses, case_status_labels, "case status"),
  DATETIME ("changed_at", N_ ("Changed"), TRUE),
  REF ("staff_id", N_ ("Changed by"), FALSE, "staff", FALSE),
};

/* A photo or file kept with a record: its bytes are a file on the server
 * named by its SHA-256 (PROTOCOL.md: Files), this record says what it is
 * and whose. Deleting the record it belongs to deletes it. */
static const char *const attachment_owners[] = { "customer_id",     "product_id", "case_id",
                                                 "visit_report_id", "rma_id",     NULL };
static const CareField   attachment_fields[] = {
    REF ("customer_id", N_ ("Customer"), FALSE, "customer", TRUE),
    REF ("product_id", N_ ("Product"), FALSE, "product", TRUE),
    REF ("case_id", N_ ("Service case"), FALSE, "service_case", TRUE),
    REF ("visit_report_id", N_ ("Visit report"), FALSE, "visit_report", TRUE),
    REF ("rma_id", N_ ("Return"), FALSE, "rma", TRUE),
    TEXT ("file_name", N_ ("File name"), TRUE, 255),
    TEXT ("caption", N_ ("Caption"), FALSE, 500),
    { .name = "content_type",
      .label = N_ ("Type"),
      .type = CARE_FIELD_TEXT,
      .required = TRUE,
      .max = 127,
      .rule = &care_attachment_type_rule },
    INT ("size", N_ ("Size"), TRUE, 1, CARE_ATTACHMENT_MAX_SIZE),
    { .name = "sha256",
      .label = N_ ("SHA-256"),
      .type = CARE_FIELD_TEXT,
      .required = TRUE,
      .max = 64,
      .rule = &care_sha256_rule },
    REF ("staff_id", N_ ("Attached by"), FALSE, "staff", FALSE),
    DATETIME ("attached_at", N_ ("Attached"), TRUE),
};

#define ENTITY(n, l, title, fields_, ...)                                                          \
  {                                                                                                \
    .name = n, .label = l, .title_field = title, .fields = fields_,                                \
    .n_fields = N_FIELDS (fields_), __VA_ARGS__                                                    \
  }

/* Parents before children: bulk loads and sync replay follow this order. */
static const CareEntity entities[] = {
  [CARE_ENTITY_STAFF] = ENTITY ("staff", N_ ("Staff member"), "name", staff_fields),
  [CARE_ENTITY_CUSTOMER] = ENTITY ("customer", N_ ("Customer"), "name", customer_fields),
  [CARE_ENTITY_CONTACT] = ENTITY ("contact", N_ ("Contact"), "name", contact_fields),
  [CARE_ENTITY_PRODUCT] =
      ENTITY ("product", N_ ("Product"), "name", product_fields, .unique_field = "serial"),
  [CARE_ENTITY_WARRANTY] = ENTITY ("warranty",
                                   N_ ("Warranty"),
                                   "kind",
                                   warranty_fields,
                                   .range_start = "start_date",
                                   .range_end = "end_date"),
  [CARE_ENTITY_WORKING_CALENDAR] =
      ENTITY ("working_calendar", N_ ("Working calendar"), "name", working_calendar_fields),
  [CARE_ENTITY_CALENDAR_CLOSURE] = ENTITY ("calendar_closure",
                                           N_ ("Closure"),
                                           "name",
                                           calendar_closure_fields,
                                           .range_start = "start_date",
                                           .range_end = "end_date"),
  [CARE_ENTITY_SLA_POLICY] =
      ENTITY ("sla_policy", N_ ("Service level policy"), "name", sla_policy_fields),
  [CARE_ENTITY_SERVICE_CASE] =
      ENTITY ("service_case", N_ ("Service case"), "subject", service_case_fields),
  [CARE_ENTITY_APPOINTMENT] = ENTITY ("appointment",
                                      N_ ("Appointment"),
                                      "kind",
                                      appointment_fields,
                                      .range_start = "start_at",
                                      .range_end = "end_at"),
  [CARE_ENTITY_TRAINING_COURSE] =
      ENTITY ("training_course", N_ ("Training course"), "title", training_course_fields),
  [CARE_ENTITY_TRAINING_SESSION] = ENTITY ("training_session",
                                           N_ ("Training session"),
                                           "start_at",
                                           training_session_fields,
                                           .range_start = "start_at",
                                           .range_end = "end_at"),
  [CARE_ENTITY_ENROLMENT] = ENTITY ("enrolment", N_ ("Enrolment"), "status", enrolment_fields),
  [CARE_ENTITY_CALL_LOG] = ENTITY ("call_log", N_ ("Call"), "subject", call_log_fields),
  [CARE_ENTITY_VISIT_REPORT] =
      ENTITY ("visit_report", N_ ("Visit report"), "visit_date", visit_report_fields),
  [CARE_ENTITY_PART_USAGE] = ENTITY ("part_usage", N_ ("Part used"), "name", part_usage_fields),
  [CARE_ENTITY_MAINTENANCE_PLAN] = ENTITY ("maintenance_plan",
                                           N_ ("Maintenance plan"),
                                           "title",
                                           maintenance_plan_fields,
                                           .range_start = "start_date",
                                           .range_end = "end_date"),
  [CARE_ENTITY_MAINTENANCE_VISIT] = ENTITY ("maintenance_visit",
                                            N_ ("Planned maintenance visit"),
                                            "planned_date",
                                            maintenance_visit_fields),
  [CARE_ENTITY_RMA] = ENTITY ("rma", N_ ("Return"), "reason", rma_fields),
  [CARE_ENTITY_SURVEY] = ENTITY ("survey",
                                 N_ ("Satisfaction survey"),
                                 "answered_at",
                                 survey_fields,
                                 .exactly_one = survey_subjects),
  [CARE_ENTITY_CASE_STATUS_CHANGE] =
      ENTITY ("case_status_change", N_ ("Status change"), "changed_at", case_status_change_fields),
  [CARE_ENTITY_ATTACHMENT] = ENTITY ("attachment",
                                     N_ ("Attachment"),
                                     "file_name",
                                     attachment_fields,
                                     .exactly_one = attachment_owners),
};

G_STATIC_ASSERT (G_N_ELEMENTS (entities) == CARE_N_ENTITIES);

static const CareEntity *entity_list[G_N_ELEMENTS (entities) + 1];

const CareEntity *const *
care_schema_entities (guint *n_entities)
{
  if (entity_list[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
      entity_list[i] = &entities[i];

  if (n_entities != NULL)
    *n_entities = G_N_ELEMENTS (entities);

  return entity_list;
}

/* The entity a handle names: for entities code names, where a name in a
 * string would only fail at run time. */
const CareEntity *
care_schema_entity (CareEntityId id)
{
  g_return_val_if_fail (id < CARE_N_ENTITIES, NULL);

  return &entities[id];
}

/**
 * care_schema_field:
 *
 * The definition of the field @name of the entity @id, for code that
 * names a field to use its label, choices or limits. A name the entity
 * does not have is a programming error.
 */
const CareField *
care_schema_field (CareEntityId id, const char *name)
{
  const CareField *field = care_entity_lookup_field (care_schema_entity (id), name);

  if (field == NULL)
    g_critical ("Entity %s has no field %s", care_schema_entity (id)->name, name);
  return field;
}

/* The entity named @entity_name, for names that come from data (a sync
 * change, a stored row); %NULL for a name this version does not know. */
const CareEntity *
care_schema_lookup (const char *entity_name)
{
  if (entity_name == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    if (strcmp (entities[i].name, entity_name) == 0)
      return &entities[i];

  return NULL;
}

int
care_entity_field_index (const CareEntity *entity, const char *field_name)
{
  g_return_val_if_fail (entity != NULL, -1);

  if (field_name == NULL)
    return -1;

  for (guint i = 0; i < entity->n_fields; i++)
    if (strcmp (entity->fields[i].name, field_name) == 0)
      return (int) i;

  return -1;
}

const CareField *
care_entity_lookup_field (const CareEntity *entity, const char *field_name)
{
  int idx = care_entity_field_index (entity, field_name);

  return idx < 0 ? NULL : &entity->fields[idx];
}

const char *
care_field_label (const CareField *field)
{
  return g_dgettext (GETTEXT_PACKAGE, field->label);
}

const char *
care_field_choice_label (const CareField *field, const char *choice)
{
  if (field->choices == NULL || choice == NULL)
    return choice;

  for (guint i = 0; field->choices[i] != NULL; i++)
    if (strcmp (field->choices[i], choice) == 0)
      {
        if (field->choice_context != NULL)
          return g_dpgettext2 (GETTEXT_PACKAGE, field->choice_context, field->choice_labels[i]);
        return g_dgettext (GETTEXT_PACKAGE, field->choice_labels[i]);
      }

  return choice;
}

const GVariantType *
care_field_variant_type (const CareField *field)
{
  switch (field->type)
    {
    case CARE_FIELD_INT:
      return G_VARIANT_TYPE_INT64;
    case CARE_FIELD_BOOL:
      return G_VARIANT_TYPE_BOOLEAN;
    case CARE_FIELD_TEXT:
    case CARE_FIELD_NOTE:
    case CARE_FIELD_EMAIL:
    case CARE_FIELD_PHONE:
    case CARE_FIELD_URL:
    case CARE_FIELD_DATE:
    case CARE_FIELD_DATETIME:
    case CARE_FIELD_ENUM:
    case CARE_FIELD_REF:
    default:
      return G_VARIANT_TYPE_STRING;
    }
}

/* Whether the customer search finds customers by any field of @entity. */
gboolean
care_entity_is_searchable (const CareEntity *entity)
{
  for (guint i = 0; i < entity->n_fields; i++)
    if (entity->fields[i].searchable)
      return TRUE;
  return FALSE;
}

gboolean
care_field_is_text (const CareField *field)
{
  return g_variant_type_equal (care_field_variant_type (field), G_VARIANT_TYPE_STRING);
}

static gboolean
fail (GError **error, const CareField *field, int code, const char *why)
{
  /* TRANSLATORS: a validation message: "Field: what is wrong", e.g. "Email: not a valid address" */
  g_set_error (error, CARE_VALIDATION_ERROR, code, _ ("%s: %s"), care_field_label (field), why);
  return FALSE;
}

static gboolean
valid_email (const char *s)
{
  const char *at = strchr (s, '@');
  const char *dot;

  if (at == NULL || at == s || strchr (at + 1, '@') != NULL)
    return FALSE;

  for (const char *p = s; *p; p++)
    if (g_ascii_isspace (*p) || *p == '<' || *p == '>' || *p == ',' || *p == ';')
      return FALSE;

  dot = strrchr (at + 1, '.');
  return dot != NULL && dot > at + 1 && dot[1] != '\0';
}

static gboolean
valid_phone (const char *s)
{
  guint digits = 0;

  for (const char *p = s; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (strchr (" +-()./", *p) == NULL)
        return FALSE;
    }

  return digits >= 3;
}

static gboolean
valid_date (const char *s)
{
  guint y, m, d;
  char  tail;

  if (strlen (s) != 10 || s[4] != '-' || s[7] != '-')
    return FALSE;
  if (sscanf (s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
    return FALSE;

  return y >= 1900 && y <= 2200 && g_date_valid_dmy (d, m, y);
}

/* Returns the canonical UTC form, or NULL when @text is not an ISO 8601 time. */
char *
care_field_normalize_datetime (const char *text)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) dt = NULL;
  g_autoptr (GDateTime) in_utc = NULL;

  if (text == NULL)
    return NULL;

  dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL)
    return NULL;

  in_utc = g_date_time_to_utc (dt);
  if (g_date_time_get_year (in_utc) < 1900 || g_date_time_get_year (in_utc) > 2200)
    return NULL;

  return g_date_time_format (in_utc, "%Y-%m-%dT%H:%M:%SZ");
}

static gboolean
valid_url (const char *s)
{
  return (g_str_has_prefix (s, "https://") || g_str_has_prefix (s, "http://")) &&
         g_uri_is_valid (s, G_URI_FLAGS_NONE, NULL);
}

static gboolean
validate_text (const CareField *field, const char *s, GError **error)
{
  if (!g_utf8_validate (s, -1, NULL))
    return fail (error, field, CARE_VALIDATION_ERROR_INVALID, _ ("not valid UTF-8 text"));

  if (field->max > 0 && g_utf8_strlen (s, -1) > field->max)
    {
      g_autofree char *why = g_strdup_printf (
          ngettext ("longer than %d character", "longer than %d characters", (gulong) field->max),
          (int) field->max);
      return fail (error, field, CARE_VALIDATION_ERROR_TOO_LONG, why);
    }

  for (const char *p = s; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gboolean allowed_space = field->type == CARE_FIELD_NOTE && (c == '\n' || c == '\t');

      if (g_unichar_iscntrl (c) && !allowed_space)
        return fail (error, field, CARE_VALIDATION_ERROR_INVALID,
                     _ ("contains control characters"));
    }

  switch (field->type)
    {
    case CARE_FIELD_EMAIL:
      if (!valid_email (s))
        return fail (error, field, CARE_VALIDATION_ERROR_INVALID, _ ("not a valid email address"));
      break;
    case CARE_FIELD_PHONE:
      if (!valid_phone (s))
        return fail (error, field, CARE_VALIDATION_ERROR_INVALID,
                     _ ("use digits, spaces and + - ( ) only"));
      break;
    case CARE_FIELD_URL:
      if (!valid_url (s))
        return fail (error, field, CARE_VALIDATION_ERROR_INVALID,
                     _ ("not a web address starting with https://"));
      break;
    case CARE_FIELD_DATE:
      if (!valid_date (s))
        return fail (error, field, CARE_VALIDATION_ERROR_INVALID,
                     _ ("not a date of the form YYYY-MM-DD"));
      break;
    case CARE_FIELD_DATETIME:
      {
        g_autofree char *norm = care_field_normalize_datetime (s);
        if (norm == NULL || strcmp (norm, s) != 0)
          return fail (error, field, CARE_VALIDATION_ERROR_INVALID,
                       _ ("not a valid date and time"));
      }
      break;
    case CARE_FIELD_ENUM:
      if (!g_strv_contains ((const char *const *) field->choices, s))
        return fail (error, field, CARE_VALIDATION_ERROR_INVALID,
                     _ ("not one of the allowed values"));
      break;
    case CARE_FIELD_REF:
      if (!g_uuid_string_is_valid (s))
        return fail (error, field, CARE_VALIDATION_ERROR_INVALID,
                     _ ("not a valid record identifier"));
      break;
    case CARE_FIELD_TEXT:
    case CARE_FIELD_NOTE:
    case CARE_FIELD_INT:
    case CARE_FIELD_BOOL:
    default:
      break;
    }

  if (field->rule != NULL)
    {
      const char *why = field->rule->check (s);

      if (why != NULL)
        return fail (error, field, CARE_VALIDATION_ERROR_INVALID, why);
    }

  return TRUE;
}

/* The one form a record id is stored and compared in: the UUID in lower
 * case, or NULL if @text is not a UUID. SQLite compares text byte by byte,
 * so an id sent in upper case would otherwise name a second record. */
char *
care_id_normalize (const char *text)
{
  if (text == NULL || !g_uuid_string_is_valid (text))
    return NULL;
  return g_ascii_strdown (text, -1);
}

/* Checks one value against its field. A NULL @value means "not set". */
gboolean
care_field_validate (const CareField *field, GVariant *value, GError **error)
{
  g_return_val_if_fail (field != NULL, FALSE);

  if (value == NULL)
    {
      if (field->required)
        return fail (error, field, CARE_VALIDATION_ERROR_REQUIRED, _ ("required"));
      return TRUE;
    }

  if (!g_variant_is_of_type (value, care_field_variant_type (field)))
    return fail (error, field, CARE_VALIDATION_ERROR_WRONG_TYPE, _ ("wrong type of value"));

  if (field->type == CARE_FIELD_INT)
    {
      gint64 v = g_variant_get_int64 (value);
      if (v < field->min || v > field->max)
        {
          g_autofree char *why = g_strdup_printf (_ ("must be between %" PRId64 " and %" PRId64),
                                                  field->min, field->max);
          return fail (error, field, CARE_VALIDATION_ERROR_OUT_OF_RANGE, why);
        }
      return TRUE;
    }

  if (field->type == CARE_FIELD_BOOL)
    return TRUE;

  return validate_text (field, g_variant_get_string (value, NULL), error);
}

static gboolean
is_blank (const char *s)
{
  for (; *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

/* Turns what a user typed into a value of the field's type. Blank text gives
 * a NULL value, which means "not set". */
gboolean
care_field_parse (const CareField *field, const char *text, GVariant **out_value, GError **error)
{
  g_autoptr (GVariant) value = NULL;
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (out_value != NULL, FALSE);
  *out_value = NULL;

  if (text == NULL || is_blank (text))
    return care_field_validate (field, NULL, error);

  /* GVariant strings must be UTF-8: refuse before building one. */
  if (!g_utf8_validate (text, -1, NULL))
    return fail (error, field, CARE_VALIDATION_ERROR_INVALID, _ ("not valid UTF-8 text"));

  /* Notes keep their layout; one-line fields lose stray spaces. */
  if (field->type == CARE_FIELD_NOTE)
    stripped = g_strdup (text);
  else
    stripped = g_strstrip (g_strdup (text));

  if (field->type == CARE_FIELD_INT)
    {
      gint64 v;
      if (!g_ascii_string_to_signed (stripped, 10, G_MININT64, G_MAXINT64, &v, NULL))
        return fail (error, field, CARE_VALIDATION_ERROR_INVALID, _ ("not a whole number"));
      value = g_variant_ref_sink (g_variant_new_int64 (v));
    }
  else if (field->type == CARE_FIELD_BOOL)
    value = g_variant_ref_sink (g_variant_new_boolean (g_ascii_strcasecmp (stripped, "true") == 0 ||
                                                       g_strcmp0 (stripped, "1") == 0));
  else if (field->type == CARE_FIELD_DATETIME)
    {
      char *norm = care_field_normalize_datetime (stripped);
      value = g_variant_ref_sink (
          g_variant_new_take_string (norm != NULL ? norm : g_steal_pointer (&stripped)));
    }
  else if (field->rule != NULL && field->rule->normalize != NULL)
    value = g_variant_ref_sink (g_variant_new_take_string (field->rule->normalize (stripped)));
  else
    value = g_variant_ref_sink (g_variant_new_string (stripped));

  if (!care_field_validate (field, value, error))
    return FALSE;

  *out_value = g_steal_pointer (&value);
  return TRUE;
}
