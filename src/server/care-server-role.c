/* care-server-role.c: user roles and the one table of what each may change.
 *
 * Every role reads every entity (a technician needs the customer, the
 * product and its warranty on site). Writes are granted per entity and
 * operation here and nowhere else; user accounts are managed only through
 * the command line, so no role can create users over HTTP. */
#define G_LOG_DOMAIN "care-server-role"

#include "config.h"

#include <string.h>

#include "care-server-role.h"

#define C   CARE_MUTATION_CREATE
#define U   CARE_MUTATION_UPDATE
#define D   CARE_MUTATION_DELETE
#define ALL (C | U | D)

static const char *const role_names[CARE_SERVER_N_ROLES] = {
  [CARE_SERVER_ROLE_AGENT] = "agent",
  [CARE_SERVER_ROLE_TRAINER] = "trainer",
  [CARE_SERVER_ROLE_TECHNICIAN] = "technician",
  [CARE_SERVER_ROLE_ADMIN] = "admin",
};

/* The role matrix; keep src/server/PROTOCOL.md in step with it. An entity
 * missing here may be written by admins only. */
/* clang-format off */
static const struct
{
  const char *entity;
  guint ops[CARE_SERVER_N_ROLES]; /* agent, trainer, technician, admin */
} matrix[] = {
  { "staff",            { 0,   0,   0,     ALL } },
  { "customer",         { ALL, 0,   0,     ALL } },
  { "contact",          { ALL, ALL, 0,     ALL } },
  { "product",          { ALL, 0,   0,     ALL } },
  { "warranty",         { ALL, 0,   0,     ALL } },
  { "service_case",     { ALL, 0,   0,     ALL } },
  { "appointment",      { ALL, 0,   C | U, ALL } },
  { "training_course",  { ALL, ALL, 0,     ALL } },
  { "training_session", { ALL, ALL, 0,     ALL } },
  { "enrolment",        { ALL, ALL, 0,     ALL } },
  { "call_log",         { ALL, 0,   C | U, ALL } },
  /* After-sales workflows: a technician writes the report of their visit
   * and the parts used on site, and works on returns they receive; plans
   * and their visits are arranged by agents. Surveys are recorded by
   * whoever hears the answer: the agent on the phone, the technician on
   * site, the trainer after a class. */
  { "visit_report",      { ALL, 0,     C | U, ALL } },
  { "part_usage",        { ALL, 0,     ALL,   ALL } },
  { "maintenance_plan",  { ALL, 0,     0,     ALL } },
  { "maintenance_visit", { ALL, 0,     0,     ALL } },
  { "rma",               { ALL, 0,     U,     ALL } },
  { "survey",            { ALL, C | U, C | U, ALL } },
  /* Service levels: a case's status history is written by whoever moves
   * the case, and never edited; calendars and policies are for admins. */
  { "case_status_change", { C,   0,     0,     ALL } },
  /* Photos and files: the agent's receipts and the technician's photos,
   * each also taken back (a wrong photo) by whoever may. */
  { "attachment",         { ALL, 0,     ALL,   ALL } },
};
/* clang-format on */

gboolean
care_server_role_from_string (const char *name, CareServerRole *out_role)
{
  for (guint i = 0; i < CARE_SERVER_N_ROLES; i++)
    if (g_strcmp0 (role_names[i], name) == 0)
      {
        *out_role = (CareServerRole) i;
        return TRUE;
      }

  return FALSE;
}

const char *
care_server_role_to_string (CareServerRole role)
{
  g_return_val_if_fail (role < CARE_SERVER_N_ROLES, NULL);
  return role_names[role];
}

gboolean
care_server_role_allows (CareServerRole role, const char *entity, CareMutationOp op)
{
  g_return_val_if_fail (role < CARE_SERVER_N_ROLES, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (matrix); i++)
    if (strcmp (matrix[i].entity, entity) == 0)
      return (matrix[i].ops[role] & op) != 0;

  return role == CARE_SERVER_ROLE_ADMIN;
}
