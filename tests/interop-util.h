/* interop-util.h: fixtures shared by the import and export tests. */
#pragma once

#include <glib/gstdio.h>

#include "care-store-private.h"
#include "interop-fixture.h"

typedef struct
{
  char      *dir;
  CareStore *store; /* filled with the interop data set */
  CareStore *empty; /* a second, empty store to import into */
  InteropIds ids;
} Fixture;

static inline CareStore *
open_store (const char *dir, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  CareStore       *store = care_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

static inline void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("care-interop-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = open_store (f->dir, "full.db");
  f->empty = open_store (f->dir, "empty.db");
  interop_fill (f->store, &f->ids);
}

static inline void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  g_assert_finalize_object (f->store);
  g_assert_finalize_object (f->empty);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  interop_clear (&f->ids);
}

static inline GPtrArray *
all_of (CareStore *store, const char *entity)
{
  g_autoptr (CareQuery) q = care_query_new (care_schema_lookup (entity));
  g_autoptr (GError) error = NULL;
  GPtrArray *found;

  care_query_set_order (q, "name", FALSE);
  found = care_store_find (store, q, 0, 10000, NULL, &error);
  g_assert_no_error (error);
  return found;
}

static inline guint
count_of (CareStore *store, const char *entity)
{
  g_autoptr (GPtrArray) all = all_of (store, entity);

  return all->len;
}

/* Every record of @entity in @a is in @b with the same id and values. */
static inline void
assert_same_records (CareStore *a, CareStore *b, const char *entity)
{
  g_autoptr (GPtrArray) left = all_of (a, entity);
  g_autoptr (GPtrArray) right = all_of (b, entity);

  g_assert_cmpuint (left->len, ==, right->len);
  for (guint i = 0; i < left->len; i++)
    {
      CareRecord *l = g_ptr_array_index (left, i);
      g_autoptr (CareRecord) r =
          care_store_load (b, care_record_get_entity (l), care_record_get_id (l), NULL);
      g_autoptr (GPtrArray) diff = NULL;

      g_assert_nonnull (r);
      diff = care_record_diff (l, r);
      if (diff->len > 0)
        g_error ("%s %s differs in %s: %s", entity, care_record_get_id (l),
                 (const char *) g_ptr_array_index (diff, 0),
                 g_variant_print (care_record_get_value (r, g_ptr_array_index (diff, 0)), FALSE));
    }
}

static inline char *
export_to_string (
    gboolean (*export_func) (CareStore *, CareQuery *, GOutputStream *, GCancellable *, GError **),
    CareStore  *store,
    const char *entity)
{
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (CareQuery) q = care_query_new (care_schema_lookup (entity));
  g_autoptr (GError) error = NULL;

  care_query_set_order (q, "name", FALSE);
  g_assert_true (export_func (store, q, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

static inline guint
outbox_count (CareStore *store)
{
  return care_store_outbox_count (store);
}
