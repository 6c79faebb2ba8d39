/* care-store-locate.c: where a record stands in a query's order.
 *
 * A list that reloads after a change uses this to keep its selection: the
 * record may have moved (renamed) or left the list (no longer matches). */
#define G_LOG_DOMAIN "care-store"

#include "config.h"

#include "care-store-locate.h"
#include "care-store-private.h"

/**
 * care_store_locate:
 *
 * Returns: the position of the record with @id among the rows @query
 *   selects, in its order, or -1 when the query does not select it (or on
 *   error, which is then set). Only ids are read, so this costs one index
 *   walk up to the record.
 */
int
care_store_locate (CareStore *store, CareQuery *query, const char *id, GError **error)
{
  const CareEntity *e = care_query_get_entity (query);
  g_autoptr (GPtrArray) params = NULL;
  g_autofree char *columns = g_strdup_printf ("%s.id", e->name);
  g_autofree char *sql = care_query_to_sql (query, columns, TRUE, &params);
  sqlite3_stmt    *stmt;
  int              position = -1;
  int              index = 0;
  int              rc;

  g_return_val_if_fail (CARE_IS_STORE (store), -1);
  g_return_val_if_fail (id != NULL, -1);

  stmt = care_store_prepare (store, sql, error);
  if (stmt == NULL)
    return -1;

  for (guint i = 0; i < params->len; i++)
    care_store_bind_value (stmt, (int) i + 1, g_ptr_array_index (params, i));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), id) == 0)
        {
          position = index;
          rc = SQLITE_DONE;
          break;
        }
      index++;
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      care_store_set_error (store, rc, error);
      return -1;
    }

  return position;
}
