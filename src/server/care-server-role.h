/* care-server-role.h: user roles and the one table of what each may change. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CARE_SERVER_ROLE_AGENT,
  CARE_SERVER_ROLE_TRAINER,
  CARE_SERVER_ROLE_TECHNICIAN,
  CARE_SERVER_ROLE_ADMIN,
  CARE_SERVER_N_ROLES,
} CareServerRole;

typedef enum
{
  CARE_SERVER_OP_CREATE = 1 << 0,
  CARE_SERVER_OP_UPDATE = 1 << 1,
  CARE_SERVER_OP_DELETE = 1 << 2,
} CareServerOp;

gboolean    care_server_role_from_string (const char *name, CareServerRole *out_role);
const char *care_server_role_to_string (CareServerRole role);
gboolean    care_server_role_allows (CareServerRole role, const char *entity, CareServerOp op);
gboolean    care_server_op_from_string (const char *name, CareServerOp *out_op);
const char *care_server_op_to_string (CareServerOp op);

G_END_DECLS
