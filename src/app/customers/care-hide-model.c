/* care-hide-model.c: a record list with one record left out.
 *
 * A customer deleted with an undo toast must vanish from the list at once,
 * while the store still holds it until the toast goes away. Filtering with
 * GtkFilterListModel would read every row of the paged list; this model
 * asks the store where the one hidden record stands and shifts positions
 * past it, so it costs one index walk per reload. */
#define G_LOG_DOMAIN "care-hide-model"

#include "config.h"

#include "care-hide-model.h"
#include "care-store-locate.h"

struct _CareHideModel
{
  GObject parent_instance;

  /* Owned references */
  CareRecordList *list;
  char           *hidden_id;

  int   hidden_pos; /* in the list, or -1 when nothing is hidden there */
  guint n_items;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CareHideModel,
                               care_hide_model,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static int
locate_in_list (CareHideModel *self, const char *id)
{
  g_autoptr (GError) error = NULL;
  int pos;

  if (id == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->list)) == 0)
    return -1;

  pos = care_store_locate (care_record_list_get_store (self->list),
                           care_record_list_get_query (self->list), id, &error);
  if (error != NULL)
    g_warning ("Could not locate a record: %s", error->message);

  /* Past what a long search has counted so far: not in the list yet. */
  if (pos >= (int) g_list_model_get_n_items (G_LIST_MODEL (self->list)))
    return -1;
  return pos;
}

static guint
count (CareHideModel *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));

  return self->hidden_pos >= 0 && n > 0 ? n - 1 : n;
}

static GType
care_hide_model_get_item_type (GListModel *model)
{
  return CARE_TYPE_RECORD;
}

static guint
care_hide_model_get_n_items (GListModel *model)
{
  return CARE_HIDE_MODEL (model)->n_items;
}

static gpointer
care_hide_model_get_item (GListModel *model, guint position)
{
  CareHideModel *self = CARE_HIDE_MODEL (model);

  if (position >= self->n_items)
    return NULL;
  if (self->hidden_pos >= 0 && position >= (guint) self->hidden_pos)
    position++;

  return g_list_model_get_item (G_LIST_MODEL (self->list), position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = care_hide_model_get_item_type;
  iface->get_n_items = care_hide_model_get_n_items;
  iface->get_item = care_hide_model_get_item;
}

/* With nothing hidden the list's change passes as it is (a list that grows
 * appends); else this model changes as a whole. */
static void
list_items_changed_cb (
    GListModel *list, guint position, guint removed, guint added, CareHideModel *self)
{
  guint old_n = self->n_items;
  int   old_pos = self->hidden_pos;

  self->hidden_pos = locate_in_list (self, self->hidden_id);
  self->n_items = count (self);

  if (old_pos < 0 && self->hidden_pos < 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
      return;
    }

  if (old_n != 0 || self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->n_items);
}

static void
care_hide_model_dispose (GObject *object)
{
  CareHideModel *self = CARE_HIDE_MODEL (object);

  if (self->list != NULL)
    g_signal_handlers_disconnect_by_func (self->list, list_items_changed_cb, self);
  g_clear_object (&self->list);

  G_OBJECT_CLASS (care_hide_model_parent_class)->dispose (object);
}

static void
care_hide_model_finalize (GObject *object)
{
  CareHideModel *self = CARE_HIDE_MODEL (object);

  g_free (self->hidden_id);

  G_OBJECT_CLASS (care_hide_model_parent_class)->finalize (object);
}

static void
care_hide_model_class_init (CareHideModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = care_hide_model_dispose;
  object_class->finalize = care_hide_model_finalize;
}

static void
care_hide_model_init (CareHideModel *self)
{
  self->hidden_pos = -1;
}

CareHideModel *
care_hide_model_new (CareRecordList *list)
{
  CareHideModel *self = g_object_new (CARE_TYPE_HIDE_MODEL, NULL);

  self->list = g_object_ref (list);
  self->n_items = count (self);
  g_signal_connect (list, "items-changed", G_CALLBACK (list_items_changed_cb), self);

  return self;
}

/* Hides the record with @id (or nothing, for %NULL). */
void
care_hide_model_set_hidden (CareHideModel *self, const char *id)
{
  int   old_pos;
  guint old_n;

  g_return_if_fail (CARE_IS_HIDE_MODEL (self));

  if (g_strcmp0 (id, self->hidden_id) == 0)
    return;

  old_pos = self->hidden_pos;
  old_n = self->n_items;
  g_free (self->hidden_id);
  self->hidden_id = g_strdup (id);
  self->hidden_pos = locate_in_list (self, id);
  self->n_items = count (self);

  /* One record shown or hidden in place keeps the view's scroll position. */
  if (old_pos < 0 && self->hidden_pos >= 0)
    g_list_model_items_changed (G_LIST_MODEL (self), (guint) self->hidden_pos, 1, 0);
  else if (old_pos >= 0 && self->hidden_pos < 0)
    g_list_model_items_changed (G_LIST_MODEL (self), (guint) old_pos, 0, 1);
  else if (old_pos >= 0 && self->hidden_pos >= 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->n_items);
}

const char *
care_hide_model_get_hidden (CareHideModel *self)
{
  g_return_val_if_fail (CARE_IS_HIDE_MODEL (self), NULL);
  return self->hidden_id;
}

/* The position of the record with @id in this model, or -1. */
int
care_hide_model_locate (CareHideModel *self, const char *id)
{
  int pos;

  g_return_val_if_fail (CARE_IS_HIDE_MODEL (self), -1);

  if (id == NULL || g_strcmp0 (id, self->hidden_id) == 0)
    return -1;

  pos = locate_in_list (self, id);
  if (pos >= 0 && self->hidden_pos >= 0 && pos > self->hidden_pos)
    pos--;

  return pos;
}
