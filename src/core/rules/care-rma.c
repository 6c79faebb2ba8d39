/* care-rma.c: returns (RMA): replacing a product and carrying its warranty over.
 *
 * A replacement unit inherits what was left of the original's cover, never
 * more: each warranty that had not ended by the replacement day is copied
 * to the new unit from that day (or from its own later start, for an
 * extension not yet begun) to the original end day. An expired warranty is
 * not copied. The original unit keeps its records as they were: it is the
 * history of what the customer returned. */
#define G_LOG_DOMAIN "care-rma"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "care-rma.h"
#include "care-workflow.h"

static const char *const copied_fields[] = {
  "kind", "covers_parts", "covers_labour", "covers_onsite", "terms", "discount_percent", NULL
};

/**
 * care_rma_remaining_warranties:
 * @warranties: (element-type CareRecord): the original product's warranties
 * @replacement_date: the day the customer received the replacement
 * @replacement_product_id: the new product's id
 *
 * Returns: (element-type CareRecord) (transfer full): new, unsaved
 * warranties for the replacement, by the rule at the top of this file.
 */
GPtrArray *
care_rma_remaining_warranties (GPtrArray   *warranties,
                               const GDate *replacement_date,
                               const char  *replacement_product_id)
{
  GPtrArray *copies = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < warranties->len; i++)
    {
      CareRecord      *w = g_ptr_array_index (warranties, i);
      CareRecord      *copy;
      GDate            start, end;
      g_autofree char *start_iso = NULL;

      if (!care_date_from_iso (care_record_get_string (w, "start_date"), &start) ||
          !care_date_from_iso (care_record_get_string (w, "end_date"), &end))
        continue;
      if (g_date_compare (&end, replacement_date) < 0)
        continue; /* expired before the replacement: nothing remains */

      if (g_date_compare (&start, replacement_date) < 0)
        start = *replacement_date;
      start_iso = care_date_to_iso (&start);

      copy = care_record_new (care_record_get_entity (w));
      for (guint f = 0; copied_fields[f] != NULL; f++)
        care_record_set_value (copy, copied_fields[f], care_record_get_value (w, copied_fields[f]));
      care_record_set_string (copy, "product_id", replacement_product_id);
      care_record_set_string (copy, "start_date", start_iso);
      care_record_set_string (copy, "end_date", care_record_get_string (w, "end_date"));
      g_ptr_array_add (copies, copy);
    }

  return copies;
}

typedef struct
{
  CareRecord  *rma;
  const char  *serial;
  const GDate *date;
  CareRecord  *product; /* out */
} ReplaceData;

static gboolean
replace_in_transaction (CareStore *store, gpointer user_data, GError **error)
{
  ReplaceData *data = user_data;
  g_autoptr (CareRecord) original = NULL;
  g_autoptr (CareRecord) product = care_record_new (care_schema_entity (CARE_ENTITY_PRODUCT));
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_WARRANTY));
  g_autoptr (GPtrArray) warranties = NULL;
  g_autoptr (GPtrArray) copies = NULL;
  g_autofree char         *day = care_date_to_iso (data->date);
  static const char *const product_fields[] = { "customer_id", "name",     "model",
                                                "category",    "location", NULL };

  original = care_store_load (store, care_schema_entity (CARE_ENTITY_PRODUCT),
                              care_record_get_string (data->rma, "product_id"), error);
  if (original == NULL)
    return FALSE;

  for (guint i = 0; product_fields[i] != NULL; i++)
    care_record_set_value (product, product_fields[i],
                           care_record_get_value (original, product_fields[i]));
  care_record_set_string (product, "serial", data->serial);
  care_record_set_string (product, "purchase_date",
                          care_record_get_string (original, "purchase_date"));
  care_record_set_string (product, "installed_date", day);
  if (!care_store_save (store, product, error))
    return FALSE;

  care_query_add_string (q, "product_id", CARE_QUERY_EQ, care_record_get_id (original));
  warranties = care_store_find_all (store, q, error);
  if (warranties == NULL)
    return FALSE;
  copies = care_rma_remaining_warranties (warranties, data->date, care_record_get_id (product));
  for (guint i = 0; i < copies->len; i++)
    if (!care_store_save (store, g_ptr_array_index (copies, i), error))
      return FALSE;

  care_record_set_string (data->rma, "outcome", "replace");
  care_record_set_string (data->rma, "replacement_serial", data->serial);
  care_record_set_string (data->rma, "replacement_product_id", care_record_get_id (product));
  care_record_set_string (data->rma, "replaced_date", day);
  care_record_set_string (data->rma, "status", "completed");
  if (!care_store_save (store, data->rma, error))
    return FALSE;

  data->product = g_steal_pointer (&product);
  return TRUE;
}

/**
 * care_rma_replace:
 * @rma: a saved return whose outcome is unset or "replace"
 * @new_serial: the replacement unit's serial number
 * @replacement_date: the day of the replacement
 * @out_product: (out) (optional) (transfer full): the new product
 *
 * Creates the replacement product (same customer and model, the new
 * serial), copies the remaining warranty to it, and completes @rma with the
 * outcome "replace", all in one transaction. Refuses a return that already
 * has a replacement or another outcome, and a serial already registered.
 */
gboolean
care_rma_replace (CareStore   *store,
                  CareRecord  *rma,
                  const char  *new_serial,
                  const GDate *replacement_date,
                  CareRecord **out_product,
                  GError     **error)
{
  g_autofree char *serial = g_strstrip (g_strdup (new_serial != NULL ? new_serial : ""));
  ReplaceData      data = { rma, serial, replacement_date, NULL };
  g_autoptr (CareRecord) snapshot = NULL;
  const char *outcome;

  g_return_val_if_fail (CARE_IS_STORE (store), FALSE);
  g_return_val_if_fail (CARE_IS_RECORD (rma), FALSE);
  g_return_val_if_fail (replacement_date != NULL && g_date_valid (replacement_date), FALSE);

  if (out_product != NULL)
    *out_product = NULL;

  outcome = care_record_get_string (rma, "outcome");
  if (care_record_get_string (rma, "replacement_product_id") != NULL)
    {
      g_set_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_ALREADY_DONE,
                   _ ("This return has already been replaced"));
      return FALSE;
    }
  if (outcome != NULL && !g_str_equal (outcome, "replace"))
    {
      g_set_error (
          error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_NOT_APPLICABLE,
          _ ("This return is to be handled as “%s”, not replaced"),
          care_field_choice_label (
              care_entity_lookup_field (care_record_get_entity (rma), "outcome"), outcome));
      return FALSE;
    }
  if (serial[0] == '\0')
    {
      g_set_error (error, CARE_WORKFLOW_ERROR, CARE_WORKFLOW_ERROR_INVALID,
                   _ ("Enter the serial number of the replacement"));
      return FALSE;
    }

  snapshot = care_record_copy (rma);
  if (!care_store_write (store, replace_in_transaction, &data, error))
    {
      care_record_assign (rma, snapshot);
      g_clear_object (&data.product);
      return FALSE;
    }

  if (out_product != NULL)
    *out_product = g_steal_pointer (&data.product);
  g_clear_object (&data.product);
  return TRUE;
}
