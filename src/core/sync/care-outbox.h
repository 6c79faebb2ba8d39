/* care-outbox.h: reading and settling the store's queue of local mutations. */
#pragma once

#include "care-json.h"
#include "care-store.h"

G_BEGIN_DECLS

/**
 * CareMutation:
 * @mutation_id: the per-client increasing id the server deduplicates on
 * @entity: the entity name
 * @record_id: the record's UUID
 * @op: what the mutation does
 * @base_rev: the server revision the edit was made on
 * @fields: values (create) or {"field": {"from", "to"}} (update), or empty
 * @created_at: when the edit was made, for display
 * @rejected: %TRUE once the server refused it for good
 * @error: (nullable): the server's reason for a rejected mutation
 *
 * One row of the outbox, as a plain copy.
 */
typedef struct
{
  gint64         mutation_id;
  char          *entity;
  char          *record_id;
  CareMutationOp op;
  gint64         base_rev;
  JsonObject    *fields;
  char          *created_at;
  gboolean       rejected;
  char          *error;
} CareMutation;

#define CARE_TYPE_MUTATION (care_mutation_get_type ())

GType         care_mutation_get_type (void) G_GNUC_CONST;
CareMutation *care_mutation_copy (const CareMutation *self);
void          care_mutation_free (CareMutation *self);
JsonObject   *care_mutation_to_json (const CareMutation *self);

GPtrArray    *care_outbox_list_pending (CareStore *store, guint limit, GError **error);
GPtrArray    *care_outbox_list_pending_for (CareStore  *store,
                                            const char *entity,
                                            const char *record_id,
                                            GError    **error);
GPtrArray    *care_outbox_list_rejected (CareStore *store, GError **error);
guint         care_outbox_count_rejected (CareStore *store);
CareMutation *care_outbox_get (CareStore *store, gint64 mutation_id, GError **error);
gboolean      care_outbox_acknowledge (CareStore *store, gint64 mutation_id, GError **error);
gboolean
care_outbox_reject (CareStore *store, gint64 mutation_id, const char *message, GError **error);
gboolean care_outbox_has_pending (CareStore  *store,
                                  const char *entity,
                                  const char *record_id,
                                  GError    **error);
gboolean care_outbox_pending_fields (CareStore   *store,
                                     const char  *entity,
                                     const char  *record_id,
                                     GHashTable **out_fields,
                                     gboolean    *out_whole_record,
                                     GError     **error);
gboolean care_outbox_discard_rejected (CareStore *store, gint64 mutation_id, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareMutation, care_mutation_free)

G_END_DECLS
