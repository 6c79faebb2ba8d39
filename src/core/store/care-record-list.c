/* care-record-list.c: a GListModel of the records a query selects.
 *
 * Only the count is known up front; rows are read a page at a time when a
 * view asks for them, and only a few pages are kept, so a list over a
 * million customers costs a few hundred objects, not a million.
 *
 * A search counts its matches only up to COUNT_STEP: typing "m" into a
 * million customers must not wait for the exact number of half of them.
 * The list then holds that many items and grows, a step at a time, as a
 * view reads near its end (care_record_list_is_complete() says whether it
 * may still grow).
 *
 * A customer search is ranked instead (care-search.c): its rows come in
 * order of relevance, from a bounded set of candidates, and the list
 * holds their seqs; pages read those rows by seq. It does not grow: when
 * the candidates were cut short, care_record_list_is_complete() says so,
 * and typing more narrows the search. */
#define G_LOG_DOMAIN "care-record-list"

#include "config.h"

#include "care-record-list.h"
#include "care-search.h"

/* A page is a little more than a screen: the first page of a search is
 * what it costs to show results. */
#define PAGE_SIZE  64
#define MAX_PAGES  32
#define COUNT_STEP 1000

struct _CareRecordList
{
  GObject parent_instance;

  CareStore *store;
  CareQuery *query;
  gulong     changed_id;

  guint       n_items;
  guint       count_limit; /* a search counts up to this many */
  gboolean    more;        /* the count reached count_limit */
  guint       grow_id;     /* idle source that raises count_limit */
  CareQuery  *page_query;  /* the query with the plan that reads pages best */
  gboolean    probing;     /* page_query has the PROBE plan */
  GArray     *ranked;      /* seqs of a ranked customer search, best first, or NULL */
  GHashTable *pages;       /* page number -> GPtrArray of CareRecord */
  GQueue      page_order;  /* page numbers, most recently used first */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CareRecordList,
                               care_record_list,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum
{
  PROP_0,
  PROP_STORE,
  PROP_QUERY,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
drop_pages (CareRecordList *self)
{
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->page_order);
}

static guint
count_items (CareRecordList *self)
{
  g_autoptr (GError) error = NULL;
  gboolean search;
  guint    n;

  self->more = FALSE;
  self->probing = FALSE;
  g_clear_pointer (&self->page_query, care_query_unref);
  g_clear_pointer (&self->ranked, g_array_unref);
  if (self->store == NULL || self->query == NULL)
    return 0;

  if (care_search_applies (self->query))
    {
      self->ranked =
          care_search_rank (self->store, self->query, CARE_SEARCH_LIMIT, &self->more, NULL, &error);
      if (self->ranked == NULL)
        {
          g_warning ("Could not search %s: %s", care_query_get_entity (self->query)->name,
                     error->message);
          self->more = FALSE;
          return 0;
        }
      return self->ranked->len;
    }

  search = care_query_has_fts_search (self->query);
  if (search)
    n = care_store_count_upto (self->store, self->query, self->count_limit, NULL, &error);
  else
    n = care_store_count (self->store, self->query, NULL, &error);
  if (error != NULL)
    g_warning ("Could not count %s: %s", care_query_get_entity (self->query)->name, error->message);

  self->more = search && error == NULL && n >= self->count_limit;
  /* Many matches of short terms: the first rows by name are near the
   * start of the name index, and testing rows there beats sorting all. */
  self->page_query = care_query_copy (self->query);
  self->probing = self->more && care_query_search_is_short (self->query);
  if (self->probing)
    care_query_set_match (self->page_query, CARE_QUERY_MATCH_PROBE);

  return n;
}

static gboolean
grow_cb (gpointer user_data)
{
  CareRecordList *self = user_data;
  g_autoptr (GError) error = NULL;
  guint old_n = self->n_items;
  guint n;

  self->grow_id = 0;
  if (!self->more)
    return G_SOURCE_REMOVE;

  self->count_limit = self->count_limit > G_MAXUINT / 4 ? G_MAXUINT : self->count_limit * 4;
  n = care_store_count_upto (self->store, self->query, self->count_limit, NULL, &error);
  if (error != NULL)
    {
      g_warning ("Could not count %s: %s", care_query_get_entity (self->query)->name,
                 error->message);
      self->more = FALSE;
      return G_SOURCE_REMOVE;
    }

  /* The rows already read keep their places: the order did not change. */
  self->more = n >= self->count_limit;
  if (n > old_n)
    {
      self->n_items = n;
      g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, n - old_n);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
  return G_SOURCE_REMOVE;
}

/* Scrolling reads pages in turn: when the page before is at hand, seek
 * past its last row instead of making SQLite step over every earlier row. */
static GPtrArray *
read_page_with (CareRecordList *self, CareQuery *query, guint page, GError **error)
{
  GPtrArray *previous =
      page > 0 ? g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page - 1)) : NULL;
  const CareField *order = care_query_get_order_field (self->query);
  CareRecord      *last;
  GVariant        *value;
  g_autoptr (CareQuery) after = NULL;

  if (previous == NULL || previous->len != PAGE_SIZE || order == NULL)
    return care_store_find (self->store, query, page * PAGE_SIZE, PAGE_SIZE, NULL, error);

  last = g_ptr_array_index (previous, previous->len - 1);
  value = care_record_get_value (last, order->name);
  if (value == NULL || care_record_get_seq (last) == 0)
    return care_store_find (self->store, query, page * PAGE_SIZE, PAGE_SIZE, NULL, error);

  after = care_query_copy (query);
  care_query_set_after (after, value, care_record_get_seq (last));
  return care_store_find (self->store, after, 0, PAGE_SIZE, NULL, error);
}

static GPtrArray *
read_page (CareRecordList *self, guint page, GError **error)
{
  GPtrArray *records;
  guint      wanted = MIN (PAGE_SIZE, self->n_items - page * PAGE_SIZE);

  if (self->ranked != NULL)
    return care_search_load (self->store, care_query_get_entity (self->query),
                             &g_array_index (self->ranked, gint64, page * PAGE_SIZE), wanted,
                             error);

  records = read_page_with (self, self->page_query, page, error);

  /* The probe stopped before it found a page: the matches begin further
   * into the order than it looks. Sort them, for this page and on. */
  if (records != NULL && records->len < wanted && self->probing)
    {
      self->probing = FALSE;
      care_query_set_match (self->page_query, CARE_QUERY_MATCH_SORTED);
      g_ptr_array_unref (records);
      records = read_page_with (self, self->page_query, page, error);
    }
  return records;
}

static GPtrArray *
get_page (CareRecordList *self, guint page)
{
  GPtrArray *records = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  g_autoptr (GError) error = NULL;

  if (records != NULL)
    {
      g_queue_remove (&self->page_order, GUINT_TO_POINTER (page));
      g_queue_push_head (&self->page_order, GUINT_TO_POINTER (page));
      return records;
    }

  records = read_page (self, page, &error);
  if (records == NULL)
    {
      g_warning ("Could not read %s: %s", care_query_get_entity (self->query)->name,
                 error->message);
      return NULL;
    }

  if (g_queue_get_length (&self->page_order) >= MAX_PAGES)
    g_hash_table_remove (self->pages, g_queue_pop_tail (&self->page_order));

  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), records);
  g_queue_push_head (&self->page_order, GUINT_TO_POINTER (page));
  return records;
}

static GType
care_record_list_get_item_type (GListModel *model)
{
  return CARE_TYPE_RECORD;
}

static guint
care_record_list_get_n_items (GListModel *model)
{
  return CARE_RECORD_LIST (model)->n_items;
}

static gpointer
care_record_list_get_item (GListModel *model, guint position)
{
  CareRecordList *self = CARE_RECORD_LIST (model);
  GPtrArray      *records;
  guint           offset = position % PAGE_SIZE;

  if (position >= self->n_items)
    return NULL;

  /* Reading the last page of a search cut short: count further. */
  if (self->more && self->ranked == NULL && self->grow_id == 0 &&
      position + PAGE_SIZE >= self->n_items)
    self->grow_id = g_idle_add (grow_cb, self);

  records = get_page (self, position / PAGE_SIZE);
  if (records == NULL || offset >= records->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (records, offset));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = care_record_list_get_item_type;
  iface->get_n_items = care_record_list_get_n_items;
  iface->get_item = care_record_list_get_item;
}

static void
store_changed_cb (CareStore *store, const char *entity, const char *id, CareRecordList *self)
{
  care_record_list_reload (self);
}

static void
connect_store (CareRecordList *self)
{
  g_autofree char *signal = NULL;

  g_clear_signal_handler (&self->changed_id, self->store);
  if (self->store == NULL || self->query == NULL)
    return;

  signal = g_strdup_printf ("changed::%s", care_query_get_entity (self->query)->name);
  self->changed_id = g_signal_connect (self->store, signal, G_CALLBACK (store_changed_cb), self);
}

static void
care_record_list_dispose (GObject *object)
{
  CareRecordList *self = CARE_RECORD_LIST (object);

  g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_handle_id (&self->grow_id, g_source_remove);
  g_clear_object (&self->store);
  drop_pages (self);

  G_OBJECT_CLASS (care_record_list_parent_class)->dispose (object);
}

static void
care_record_list_finalize (GObject *object)
{
  CareRecordList *self = CARE_RECORD_LIST (object);

  g_clear_pointer (&self->query, care_query_unref);
  g_clear_pointer (&self->page_query, care_query_unref);
  g_clear_pointer (&self->ranked, g_array_unref);
  g_hash_table_unref (self->pages);

  G_OBJECT_CLASS (care_record_list_parent_class)->finalize (object);
}

static void
care_record_list_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CareRecordList *self = CARE_RECORD_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_QUERY:
      g_value_set_boxed (value, self->query);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_record_list_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CareRecordList *self = CARE_RECORD_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_QUERY:
      care_record_list_set_query (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_record_list_class_init (CareRecordListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = care_record_list_dispose;
  object_class->finalize = care_record_list_finalize;
  object_class->get_property = care_record_list_get_property;
  object_class->set_property = care_record_list_set_property;

  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, CARE_TYPE_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_QUERY] =
      g_param_spec_boxed ("query", NULL, NULL, CARE_TYPE_QUERY,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_record_list_init (CareRecordList *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->count_limit = COUNT_STEP;
}

CareRecordList *
care_record_list_new (CareStore *store, CareQuery *query)
{
  return g_object_new (CARE_TYPE_RECORD_LIST, "store", store, "query", query, NULL);
}

CareStore *
care_record_list_get_store (CareRecordList *self)
{
  g_return_val_if_fail (CARE_IS_RECORD_LIST (self), NULL);
  return self->store;
}

CareQuery *
care_record_list_get_query (CareRecordList *self)
{
  g_return_val_if_fail (CARE_IS_RECORD_LIST (self), NULL);
  return self->query;
}

/* Replaces the query (a new search or filter) and reloads. */
void
care_record_list_set_query (CareRecordList *self, CareQuery *query)
{
  g_return_if_fail (CARE_IS_RECORD_LIST (self));

  if (query == self->query)
    return;

  if (query != NULL)
    care_query_ref (query);
  g_clear_pointer (&self->query, care_query_unref);
  self->query = query;
  self->count_limit = COUNT_STEP;

  connect_store (self);
  care_record_list_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUERY]);
}

/* Forgets cached rows and re-reads the count. */
void
care_record_list_reload (CareRecordList *self)
{
  guint old_n, old_n_left, new_n;

  g_return_if_fail (CARE_IS_RECORD_LIST (self));

  old_n = old_n_left = self->n_items;
  drop_pages (self);
  g_clear_handle_id (&self->grow_id, g_source_remove);
  new_n = count_items (self);

  /* All rows go, then the new ones come, in two changes: given one,
   * GtkListView (4.8) looks for each row it tracks (focus, selection,
   * scroll anchor) among every added item, which reads the whole list
   * from the store: seconds for a search at a million customers. The
   * view starts again from the top, as it should for a new search. */
  if (old_n != 0 && new_n != 0)
    {
      self->n_items = 0;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, 0);
      old_n_left = 0;
    }
  self->n_items = new_n;
  if (old_n_left != 0 || new_n != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_left, new_n);
  if (old_n != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* The position of the record with @id among the loaded pages' rows, or -1.
 * Used to keep a selection across a reload; it never scans the whole table. */
int
care_record_list_find (CareRecordList *self, const char *id)
{
  GHashTableIter iter;
  gpointer       key, value;

  g_return_val_if_fail (CARE_IS_RECORD_LIST (self), -1);

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *records = value;
      for (guint i = 0; i < records->len; i++)
        if (g_str_equal (care_record_get_id (g_ptr_array_index (records, i)), id))
          return (int) (GPOINTER_TO_UINT (key) * PAGE_SIZE + i);
    }

  return -1;
}

/**
 * care_record_list_is_complete:
 *
 * Returns: %FALSE while the list holds fewer items than its query selects:
 *   a search with many matches, counted only so far (see COUNT_STEP).
 */
gboolean
care_record_list_is_complete (CareRecordList *self)
{
  g_return_val_if_fail (CARE_IS_RECORD_LIST (self), TRUE);
  return !self->more;
}
