/* care-record-picker.c: a popover to search for and pick one record.
 *
 * The list is a CareRecordList, so picking a customer among a million
 * costs one indexed query per keystroke. */
#define G_LOG_DOMAIN "care-record-picker"

#include "config.h"

#include <glib/gi18n.h>

#include "care-format.h"
#include "care-record-list.h"
#include "care-record-picker.h"
#include "care-search-row.h"

struct _CareRecordPicker
{
  GtkPopover parent_instance;

  /* Template widgets */
  GtkSearchEntry *search_entry;
  GtkListView    *list_view;
  GtkStack       *stack;

  /* Owned references */
  CareStore      *store;
  CareQuery      *base_query;
  CareRecordList *records;
};

G_DEFINE_FINAL_TYPE (CareRecordPicker, care_record_picker, GTK_TYPE_POPOVER)

enum
{
  PICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_query (CareRecordPicker *self)
{
  g_autoptr (CareQuery) q = care_query_copy (self->base_query);

  care_query_set_search (q, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  care_record_list_set_query (self->records, q);
  gtk_stack_set_visible_child_name (
      self->stack, g_list_model_get_n_items (G_LIST_MODEL (self->records)) > 0 ? "list" : "empty");
}

static void
search_changed_cb (GtkSearchEntry *entry, CareRecordPicker *self)
{
  update_query (self);
}

static void
pick_position (CareRecordPicker *self, guint position)
{
  g_autoptr (CareRecord) record = g_list_model_get_item (G_LIST_MODEL (self->records), position);

  if (record == NULL)
    return;

  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[PICKED], 0, record);
}

static void
activate_cb (GtkListView *list, guint position, CareRecordPicker *self)
{
  pick_position (self, position);
}

/* Enter in the search entry picks the first match. */
static void
search_activate_cb (GtkSearchEntry *entry, CareRecordPicker *self)
{
  pick_position (self, 0);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  gtk_list_item_set_child (item, care_search_row_new ());
}

/* The same row as the customers list: a customer search ranks and reads
 * the same in every picker. */
static void
bind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, CareRecordPicker *self)
{
  CareRecord      *record = gtk_list_item_get_item (item);
  g_autofree char *t = care_format_title (self->store, record);
  g_autofree char *s = care_format_subtitle (record);
  g_autofree char *search = care_query_get_search (care_record_list_get_query (self->records));

  care_search_row_set (CARE_SEARCH_ROW (gtk_list_item_get_child (item)), self->store, record, t, s,
                       search);
}

static void
care_record_picker_show (GtkWidget *widget)
{
  CareRecordPicker *self = CARE_RECORD_PICKER (widget);

  GTK_WIDGET_CLASS (care_record_picker_parent_class)->show (widget);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  update_query (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
care_record_picker_dispose (GObject *object)
{
  CareRecordPicker *self = CARE_RECORD_PICKER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_RECORD_PICKER);
  g_clear_object (&self->records);
  g_clear_object (&self->store);
  g_clear_pointer (&self->base_query, care_query_unref);

  G_OBJECT_CLASS (care_record_picker_parent_class)->dispose (object);
}

static void
care_record_picker_class_init (CareRecordPickerClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_record_picker_dispose;
  widget_class->show = care_record_picker_show;

  /**
   * CareRecordPicker::picked:
   * @record: the chosen record
   */
  signals[PICKED] = g_signal_new ("picked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, CARE_TYPE_RECORD);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/widgets/care-record-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, CareRecordPicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CareRecordPicker, list_view);
  gtk_widget_class_bind_template_child (widget_class, CareRecordPicker, stack);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
}

static void
care_record_picker_init (CareRecordPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
care_record_picker_new (CareStore *store, CareQuery *base_query)
{
  CareRecordPicker   *self = g_object_new (CARE_TYPE_RECORD_PICKER, NULL);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autofree char    *label = NULL;

  self->store = g_object_ref (store);
  self->base_query = care_query_ref (base_query);
  self->records = care_record_list_new (store, base_query);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (gtk_single_selection_new (
                                                g_object_ref (G_LIST_MODEL (self->records)))));

  /* TRANSLATORS: the accessible name of a search field, e.g. "Search Customer" */
  label = g_strdup_printf (_ ("Search %s"),
                           g_dgettext (GETTEXT_PACKAGE, care_query_get_entity (base_query)->label));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set (self->search_entry, "placeholder-text", label, NULL);

  return GTK_WIDGET (self);
}

/* Changes which records are offered (e.g. the contacts of another customer). */
void
care_record_picker_set_query (CareRecordPicker *self, CareQuery *base_query)
{
  g_return_if_fail (CARE_IS_RECORD_PICKER (self));

  care_query_ref (base_query);
  g_clear_pointer (&self->base_query, care_query_unref);
  self->base_query = base_query;
  update_query (self);
}
