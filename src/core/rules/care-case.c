/* care-case.c: the service case workflow: which status may follow which.
 *
 * open -> in progress -> waiting -> resolved -> closed, with the moves back
 * a real case needs (waiting for the customer and working on it again, a
 * resolved case reopened when the fix did not hold). Closed is final. The
 * rule lives here, not in the view, so that every client and the tests
 * agree on it. */
#define G_LOG_DOMAIN "care-case"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "care-clock.h"
#include "care-case.h"

G_DEFINE_QUARK (care_case_error_quark, care_case_error)

typedef struct
{
  const char       *from;
  const char *const next[3];
} Step;

static const Step steps[] = {
  { "open", { "in_progress", NULL } },
  { "in_progress", { "waiting", "resolved", NULL } },
  { "waiting", { "in_progress", "resolved", NULL } },
  { "resolved", { "in_progress", "closed", NULL } },
  { "closed", { NULL } },
};

static const char *const open_statuses[] = { "open", "in_progress", "waiting", NULL };
static const char *const no_statuses[] = { NULL };

/* The statuses a case in @status may move to, the way forward last (where
 * a dialog puts its suggested button); empty for a closed case or an
 * unknown status. */
const char *const *
care_case_next_statuses (const char *status)
{
  for (guint i = 0; status != NULL && i < G_N_ELEMENTS (steps); i++)
    if (strcmp (steps[i].from, status) == 0)
      return steps[i].next;

  return no_statuses;
}

gboolean
care_case_can_transition (const char *from, const char *to)
{
  return to != NULL && g_strv_contains (care_case_next_statuses (from), to);
}

/* Statuses where someone still has work to do. */
const char *const *
care_case_open_statuses (void)
{
  return open_statuses;
}

gboolean
care_case_is_open (const char *status)
{
  return status != NULL && g_strv_contains (open_statuses, status);
}

static gboolean
blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/**
 * care_case_transition:
 * @resolution: (nullable): what was done; required to resolve
 *
 * Moves @service_case to @to when the workflow allows it. Resolving needs
 * a resolution: the customer and the next agent must be able to read what
 * was done. The record is left unchanged on error; the caller saves it.
 */
gboolean
care_case_transition (CareRecord *service_case,
                      const char *to,
                      const char *resolution,
                      GError    **error)
{
  const char      *from;
  const CareField *status_field;

  g_return_val_if_fail (CARE_IS_RECORD (service_case), FALSE);
  g_return_val_if_fail (care_record_get_entity (service_case) ==
                            care_schema_entity (CARE_ENTITY_SERVICE_CASE),
                        FALSE);

  from = care_record_get_string (service_case, "status");
  if (!care_case_can_transition (from, to))
    {
      status_field = care_entity_lookup_field (care_record_get_entity (service_case), "status");
      g_set_error (
          error, CARE_CASE_ERROR, CARE_CASE_ERROR_INVALID_TRANSITION,
          /* TRANSLATORS: both are case statuses, e.g. "A case that is Closed cannot become Open" */
          _ ("A case that is %s cannot become %s"), care_field_choice_label (status_field, from),
          care_field_choice_label (status_field, to));
      return FALSE;
    }

  if (g_str_equal (to, "resolved"))
    {
      g_autofree char *trimmed = NULL;

      if (resolution == NULL)
        resolution = care_record_get_string (service_case, "resolution");
      if (blank (resolution))
        {
          g_set_error_literal (error, CARE_CASE_ERROR, CARE_CASE_ERROR_RESOLUTION_REQUIRED,
                               _ ("Describe the resolution to resolve the case"));
          return FALSE;
        }
      trimmed = g_strstrip (g_strdup (resolution));
      care_record_set_string (service_case, "resolution", trimmed);
    }

  care_record_set_string (service_case, "status", to);
  return TRUE;
}

/**
 * care_case_new_warranty_claim:
 * @warranty: the warranty the claim is made under
 * @today: the day the claim is opened, in the user's time zone
 *
 * A new, unsaved warranty claim for the warranty's product and its owner,
 * recording the warranty status on the day it is opened: a claim keeps
 * that answer even after the warranty has run out.
 */
CareRecord *
care_case_new_warranty_claim (CareStore *store, CareRecord *warranty, GDate *today, GError **error)
{
  g_autoptr (CareRecord) product = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char   *now = NULL;
  CareRecord        *claim;
  CareWarrantyStatus status;

  g_return_val_if_fail (CARE_IS_STORE (store), NULL);
  g_return_val_if_fail (CARE_IS_RECORD (warranty), NULL);

  product = care_store_load (store, care_schema_entity (CARE_ENTITY_PRODUCT),
                             care_record_get_string (warranty, "product_id"), &local_error);
  if (product == NULL)
    {
      g_set_error (error, CARE_CASE_ERROR, CARE_CASE_ERROR_NO_PRODUCT,
                   _ ("The product of this warranty is no longer available: %s"),
                   local_error != NULL ? local_error->message : "");
      return NULL;
    }

  status = care_warranty_status (warranty, today, CARE_WARRANTY_EXPIRING_DAYS);
  now = care_clock_now_iso ();

  claim = care_record_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));
  care_record_set_string (claim, "customer_id", care_record_get_string (product, "customer_id"));
  care_record_set_string (claim, "product_id", care_record_get_id (product));
  care_record_set_string (claim, "kind", "warranty_claim");
  care_record_set_string (claim, "opened_at", now);
  care_record_set_string (claim, "priority", "normal");
  care_record_set_string (claim, "status", "open");
  care_record_set_string (claim, "warranty_status", care_warranty_status_key (status));

  return claim;
}
