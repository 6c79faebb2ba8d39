/* care-server-role.h: user roles and the one table of what each may change. */
#pragma once

#include "care-json.h"

G_BEGIN_DECLS

typedef enum
{
  CARE_SERVER_ROLE_AGENT,
  CARE_SERVER_ROLE_TRAINER,
  CARE_SERVER_ROLE_TECHNICIAN,
  CARE_SERVER_ROLE_ADMIN,
  CARE_SERVER_N_ROLES,
} CareServerRole;

gboolean    care_server_role_from_string (const char *name, CareServerRole *out_role);
const char *care_server_role_to_string (CareServerRole role);
gboolean    care_server_role_allows (CareServerRole role, const char *entity, CareMutationOp op);

G_END_DECLS
