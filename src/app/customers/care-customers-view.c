/* care-customers-view.c: find a customer and see everything about them.
 *
 * A search entry over the FTS index, a paged list sorted by name and the
 * selected customer's detail, folding into one column in a narrow window.
 * Every command is a widget action ("view.*"), so buttons, the window's
 * shortcuts and the detail page share one path. */
#define G_LOG_DOMAIN "care-customers-view"

#include "config.h"

#include <glib/gi18n.h>

#include "care-clock.h"
#include "care-contacts-menu.h"
#include "care-customer-detail.h"
#include "care-customers-view.h"
#include "care-editor-dialog.h"
#include "care-hide-model.h"
#include "care-search-row.h"

/* How long the undo toast stays; the delete happens when it goes. Long
 * enough to read it and reach its button from anywhere in the window. */
#define UNDO_TIMEOUT_SECONDS 12

static const char *const customer_fields[] = { "kind",     "name",    "email",
                                               "phone",    "address", "tax_number",
                                               "language", "notes",   NULL };
static const char *const contact_fields[] = {
  "name", "role", "phone", "email", "is_primary", NULL
};
static const char *const call_fields[] = { "direction", "contact_id",     "subject", "outcome",
                                           "notes",     "follow_up_date", NULL };

typedef struct
{
  CareCustomersView *view; /* unowned: the view finishes its pending delete in dispose */
  const CareEntity  *entity;
  char              *id;
  char              *customer_id; /* the customer to show again after an undo */
  AdwToast          *toast;       /* owned */
  gboolean           undone;
} PendingDelete;

struct _CareCustomersView
{
  CareView parent_instance;

  /* Template widgets */
  AdwLeaflet         *leaflet;
  GtkSearchEntry     *search_entry;
  GtkLabel           *count_label;
  GtkStack           *list_stack;
  GtkListView        *list_view;
  AdwStatusPage      *no_results_page;
  CareCustomerDetail *detail;

  /* Owned references */
  CareRecordList     *list;
  CareHideModel      *hide_model;
  GtkSingleSelection *selection;
  GtkWidget          *new_button;
  GtkWidget          *contacts_menu;
  char               *selected_id;
  PendingDelete      *pending;

  gboolean restoring; /* the selection is being set back after a reload */
};

G_DEFINE_FINAL_TYPE (CareCustomersView, care_customers_view, CARE_TYPE_VIEW)

static CareStore *
get_store (CareCustomersView *self)
{
  return care_view_get_store (CARE_VIEW (self));
}

static void
update_actions (CareCustomersView *self)
{
  gboolean has = care_customer_detail_get_customer (self->detail) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.edit", has);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.delete", has);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.log-call", has);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.add-contact", has);
}

static void
show_customer (CareCustomersView *self, const char *id)
{
  if (g_strcmp0 (id, self->selected_id) != 0)
    {
      g_free (self->selected_id);
      self->selected_id = g_strdup (id);
    }
  care_customer_detail_set_customer (self->detail, id);
  update_actions (self);
}

/* Selects the customer in the list if the list holds it; the detail
 * shows it either way. */
static void
select_id (CareCustomersView *self, const char *id)
{
  int pos = id != NULL ? care_hide_model_locate (self->hide_model, id) : -1;

  self->restoring = TRUE;
  if (pos >= 0)
    {
      gtk_single_selection_set_selected (self->selection, (guint) pos);
      gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                                  (guint) pos);
    }
  else
    gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  self->restoring = FALSE;
}

static void
update_count (CareCustomersView *self)
{
  guint            n = g_list_model_get_n_items (G_LIST_MODEL (self->hide_model));
  g_autofree char *stripped =
      g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  gboolean         searching = stripped[0] != '\0';
  g_autofree char *text = NULL;

  if (searching)
    {
      g_autofree char *title = NULL;

      if (care_record_list_is_complete (self->list))
        text = g_strdup_printf (ngettext ("%u match", "%u matches", n), n);
      else
        /* TRANSLATORS: a search with many matches, counted only up to %u (1000 or more) */
        text = g_strdup_printf (ngettext ("At least %u match", "At least %u matches", n), n);
      /* TRANSLATORS: shown when a search finds nothing; %s is what was typed */
      title = g_strdup_printf (_ ("No customer matches “%s”"), stripped);
      adw_status_page_set_title (self->no_results_page, title);
    }
  else
    text = g_strdup_printf (ngettext ("%u customer", "%u customers", n), n);

  gtk_label_set_text (self->count_label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);

  if (n > 0)
    gtk_stack_set_visible_child_name (self->list_stack, "list");
  else
    gtk_stack_set_visible_child_name (self->list_stack, searching ? "no-results" : "empty");
}

static void
model_items_changed_cb (
    GListModel *model, guint position, guint removed, guint added, CareCustomersView *self)
{
  update_count (self);

  /* A reload drops the selection; keep the customer the agent is on. */
  if (self->selected_id != NULL && gtk_single_selection_get_selected_item (self->selection) == NULL)
    select_id (self, self->selected_id);
}

static void
selection_changed_cb (GtkSingleSelection *selection, GParamSpec *pspec, CareCustomersView *self)
{
  CareRecord *record = gtk_single_selection_get_selected_item (selection);

  /* No selection after a reload or a new search: the detail stays. */
  if (record == NULL)
    return;

  show_customer (self, care_record_get_id (record));
  if (!self->restoring)
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
search_changed_cb (GtkSearchEntry *entry, CareCustomersView *self)
{
  g_autoptr (CareQuery) query = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));

  gint64 start = g_get_monotonic_time ();

  care_query_set_search (query, gtk_editable_get_text (GTK_EDITABLE (entry)));
  care_record_list_set_query (self->list, query);
  g_debug ("Searched “%s”: %u customers in %.1f ms", gtk_editable_get_text (GTK_EDITABLE (entry)),
           g_list_model_get_n_items (G_LIST_MODEL (self->hide_model)),
           (g_get_monotonic_time () - start) / 1000.0);
}

/* Down from the search moves into the results, as in GNOME Settings. */
static gboolean
search_key_pressed_cb (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       CareCustomersView     *self)
{
  if (keyval != GDK_KEY_Down || g_list_model_get_n_items (G_LIST_MODEL (self->hide_model)) == 0)
    return GDK_EVENT_PROPAGATE;

  if (gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (self->selection, 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
  return GDK_EVENT_STOP;
}

static void
search_activate_cb (GtkSearchEntry *entry, CareCustomersView *self)
{
  g_autoptr (CareRecord) first = NULL;

  /* Typing faster than the search delay: search what is typed now. */
  search_changed_cb (entry, self);
  first = g_list_model_get_item (G_LIST_MODEL (self->hide_model), 0);
  if (first == NULL)
    return;

  gtk_single_selection_set_selected (self->selection, 0);
  show_customer (self, care_record_get_id (first));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  care_customer_detail_focus (self->detail);
}

static void
search_stop_cb (GtkSearchEntry *entry, CareCustomersView *self)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
list_activate_cb (GtkListView *list_view, guint position, CareCustomersView *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  care_customer_detail_focus (self->detail);
}

static void
setup_item_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  gtk_list_item_set_child (item, care_search_row_new ());
}

/* A row shows why it matched the search the list holds (which may be
 * behind the entry while the user types). */
static void
bind_item_cb (GtkSignalListItemFactory *factory, GtkListItem *item, CareCustomersView *self)
{
  CareRecord      *record = gtk_list_item_get_item (item);
  const char      *email = care_record_get_string (record, "email");
  const char      *phone = care_record_get_string (record, "phone");
  g_autofree char *search = care_query_get_search (care_record_list_get_query (self->list));
  g_autofree char *sub = NULL;

  if (email != NULL && phone != NULL)
    sub = g_strdup_printf ("%s · %s", email, phone);
  else
    sub = g_strdup (email != NULL ? email : phone != NULL ? phone : "");

  care_search_row_set (CARE_SEARCH_ROW (gtk_list_item_get_child (item)), get_store (self), record,
                       care_record_get_title (record), sub, search);
}

/* Deleting with undo.
 *
 * The record stays in the store while the toast is up and is only hidden;
 * care_store_delete() runs when the toast goes without an undo. Deleting
 * at once and undoing by re-creating would lose data: the delete cascades
 * to contacts, products, cases and visits, and a re-created record gets a
 * new id while the delete it took back has already been queued for the
 * server. Waiting never queues a delete the user took back. */

static void
pending_free (PendingDelete *pending)
{
  g_free (pending->id);
  g_free (pending->customer_id);
  g_clear_object (&pending->toast);
  g_free (pending);
}

static void
set_hidden (CareCustomersView *self, PendingDelete *pending, gboolean hidden)
{
  const char *id = hidden ? pending->id : NULL;

  if (pending->entity == care_schema_entity (CARE_ENTITY_CUSTOMER))
    care_hide_model_set_hidden (self->hide_model, id);
  else
    care_customer_detail_set_hidden (self->detail, id);
}

/* Ends the pending delete: deletes unless it was undone. */
static void
finish_pending (CareCustomersView *self)
{
  PendingDelete *pending = g_steal_pointer (&self->pending);
  g_autoptr (GError) error = NULL;

  if (pending == NULL)
    return;

  g_signal_handlers_disconnect_by_data (pending->toast, pending);

  if (!pending->undone &&
      !care_store_delete (get_store (self), pending->entity, pending->id, &error))
    care_view_show_error (self, _ ("Could not delete"), error);

  set_hidden (self, pending, FALSE);
  pending_free (pending);
}

static void
toast_undo_cb (AdwToast *toast, PendingDelete *pending)
{
  CareCustomersView *self = pending->view;

  pending->undone = TRUE;
  if (pending->entity == care_schema_entity (CARE_ENTITY_CUSTOMER))
    {
      g_autofree char *id = g_strdup (pending->customer_id);

      finish_pending (self);
      show_customer (self, id);
      select_id (self, id);
    }
  else
    finish_pending (self);
}

static void
toast_dismissed_cb (AdwToast *toast, PendingDelete *pending)
{
  finish_pending (pending->view);
}

static void
start_delete (CareCustomersView *self, const CareEntity *entity, const char *id, const char *title)
{
  PendingDelete *pending;
  AdwToast      *toast;

  /* One toast at a time: a new delete confirms the one before. */
  if (self->pending != NULL)
    {
      AdwToast *old = g_object_ref (self->pending->toast);

      finish_pending (self);
      adw_toast_dismiss (old);
      g_object_unref (old);
    }

  pending = g_new0 (PendingDelete, 1);
  pending->view = self;
  pending->entity = entity;
  pending->id = g_strdup (id);
  pending->customer_id = g_strdup (self->selected_id);
  self->pending = pending;

  /* TRANSLATORS: a toast after a delete; %s is the customer's or contact's name */
  toast = adw_toast_new_format (_ ("“%s” deleted"), title);
  adw_toast_set_button_label (toast, _ ("_Undo"));
  adw_toast_set_timeout (toast, UNDO_TIMEOUT_SECONDS);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  pending->toast = g_object_ref (toast);
  g_signal_connect (toast, "button-clicked", G_CALLBACK (toast_undo_cb), pending);
  g_signal_connect (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), pending);

  set_hidden (self, pending, TRUE);
  if (entity == care_schema_entity (CARE_ENTITY_CUSTOMER))
    {
      g_clear_pointer (&self->selected_id, g_free);
      care_customer_detail_set_customer (self->detail, NULL);
      update_actions (self);
      adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
    }

  care_view_add_toast (self, toast);
}

/* Actions */

/* Shows the customer, selected in the list: a customer the current search
 * does not find shows everyone again. */
static void
reveal_customer (CareCustomersView *self, const char *id)
{
  show_customer (self, id);
  if (care_hide_model_locate (self->hide_model, id) < 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  select_id (self, id);
}

static void
customer_saved_cb (CareEditorDialog *dialog, CareRecord *record, CareCustomersView *self)
{
  reveal_customer (self, care_record_get_id (record));
}

static void
open_customer_editor (CareCustomersView *self, CareRecord *record, const char *title)
{
  CareEditorDialog *dialog = care_editor_dialog_new (care_view_get_window (self), get_store (self),
                                                     record, customer_fields, title);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (customer_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
view_new_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareCustomersView *self = CARE_CUSTOMERS_VIEW (widget);
  g_autoptr (CareRecord) record = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));

  open_customer_editor (self, record, _ ("New Customer"));
}

static void
view_edit_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareCustomersView *self = CARE_CUSTOMERS_VIEW (widget);
  CareRecord        *record = care_customer_detail_get_record (self->detail);

  if (record != NULL)
    open_customer_editor (self, record, _ ("Edit Customer"));
}

/* What goes with a customer when it is deleted, as "3 products, 1 service
 * case", or NULL when it has no history. */
static char *
describe_history (CareCustomersView *self, const char *customer_id)
{
  static const CareEntityId owned[] = { CARE_ENTITY_PRODUCT, CARE_ENTITY_SERVICE_CASE,
                                        CARE_ENTITY_APPOINTMENT, CARE_ENTITY_CALL_LOG,
                                        CARE_ENTITY_CONTACT };
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (owned); i++)
    {
      g_autoptr (CareQuery) query = care_query_new (care_schema_entity (owned[i]));
      guint n;

      care_query_add_string (query, "customer_id", CARE_QUERY_EQ, customer_id);
      n = care_store_count (get_store (self), query, NULL, NULL);
      if (n == 0)
        continue;
      switch (owned[i])
        {
        case CARE_ENTITY_PRODUCT:
          g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u product", "%u products", n), n));
          break;
        case CARE_ENTITY_SERVICE_CASE:
          g_ptr_array_add (
              parts, g_strdup_printf (ngettext ("%u service case", "%u service cases", n), n));
          break;
        case CARE_ENTITY_APPOINTMENT:
          g_ptr_array_add (parts,
                           g_strdup_printf (ngettext ("%u appointment", "%u appointments", n), n));
          break;
        case CARE_ENTITY_CALL_LOG:
          g_ptr_array_add (parts,
                           g_strdup_printf (ngettext ("%u logged call", "%u logged calls", n), n));
          break;
        default:
          g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u contact", "%u contacts", n), n));
          break;
        }
    }

  if (parts->len == 0)
    return NULL;
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (", ", (char **) parts->pdata);
}

static void
delete_response_cb (AdwMessageDialog *dialog, const char *response, CareCustomersView *self)
{
  CareRecord *record = care_customer_detail_get_record (self->detail);
  const char *id = g_object_get_data (G_OBJECT (dialog), "customer-id");

  if (g_str_equal (response, "delete") && record != NULL &&
      g_strcmp0 (care_record_get_id (record), id) == 0)
    start_delete (self, care_record_get_entity (record), care_record_get_id (record),
                  care_record_get_title (record));
}

static void
view_delete_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareCustomersView *self = CARE_CUSTOMERS_VIEW (widget);
  CareRecord        *record = care_customer_detail_get_record (self->detail);
  g_autofree char   *history = NULL;
  g_autofree char   *heading = NULL;
  g_autofree char   *body = NULL;
  AdwMessageDialog  *dialog;

  if (record == NULL)
    return;

  /* A customer with a history takes it along: say what, and ask first. */
  history = describe_history (self, care_record_get_id (record));
  if (history == NULL)
    {
      start_delete (self, care_record_get_entity (record), care_record_get_id (record),
                    care_record_get_title (record));
      return;
    }

  /* TRANSLATORS: the heading of a confirmation; %s is a customer's name */
  heading = g_strdup_printf (_ ("Delete “%s”?"), care_record_get_title (record));
  /* TRANSLATORS: %s is a list: "3 products, 1 service case, 2 appointments" */
  body = g_strdup_printf (_ ("Its %s are deleted with it, on every device that syncs."), history);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (care_view_get_window (self), heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), "delete", _ ("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "customer-id", g_strdup (care_record_get_id (record)),
                          g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
view_find_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareCustomersView *self = CARE_CUSTOMERS_VIEW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

static void
view_back_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareCustomersView *self = CARE_CUSTOMERS_VIEW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
call_saved_cb (CareEditorDialog *dialog, CareRecord *record, CareCustomersView *self)
{
  /* The timeline shows the call now, not after the store's debounce. */
  care_customer_detail_refresh (self->detail);
  care_view_add_toast (self, adw_toast_new (_ ("Call logged")));
}

static CareQuery *
contacts_query (CareCustomersView *self)
{
  CareQuery *query = care_query_new (care_schema_entity (CARE_ENTITY_CONTACT));

  care_query_add_string (query, "customer_id", CARE_QUERY_EQ,
                         care_customer_detail_get_customer (self->detail));
  return query;
}

static void
view_log_call_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareCustomersView *self = CARE_CUSTOMERS_VIEW (widget);
  g_autoptr (CareRecord) call = NULL;
  g_autoptr (CareQuery) contacts = NULL;
  g_autofree char  *now = care_clock_now_iso ();
  g_autofree char  *title = NULL;
  CareRecord       *customer;
  CareEditorDialog *dialog;

  if (care_customer_detail_get_customer (self->detail) == NULL)
    return;

  call = care_record_new (care_schema_entity (CARE_ENTITY_CALL_LOG));
  care_record_set_string (call, "customer_id", care_customer_detail_get_customer (self->detail));
  care_record_set_string (call, "called_at", now);

  customer = care_customer_detail_get_record (self->detail);
  /* TRANSLATORS: a window title; %s is the customer's name */
  title = g_strdup_printf (_ ("Log Call with %s"),
                           customer != NULL ? care_record_get_title (customer) : "");
  dialog = care_editor_dialog_new (care_view_get_window (self), get_store (self), call, call_fields,
                                   title);
  /* The outcome is what the agent says it was, never a default. */
  care_record_editor_require_choice (care_editor_dialog_get_editor (dialog), "outcome",
                                     _ ("Choose an outcome"));
  contacts = contacts_query (self);
  care_record_editor_set_ref_query (care_editor_dialog_get_editor (dialog), "contact_id", contacts);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (call_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_contact_editor (CareCustomersView *self, CareRecord *contact, const char *title)
{
  CareEditorDialog *dialog = care_editor_dialog_new (care_view_get_window (self), get_store (self),
                                                     contact, contact_fields, title);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
view_add_contact_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareCustomersView *self = CARE_CUSTOMERS_VIEW (widget);
  g_autoptr (CareRecord) contact = NULL;

  if (care_customer_detail_get_customer (self->detail) == NULL)
    return;

  contact = care_record_new (care_schema_entity (CARE_ENTITY_CONTACT));
  care_record_set_string (contact, "customer_id", care_customer_detail_get_customer (self->detail));
  open_contact_editor (self, contact, _ ("New Contact"));
}

static CareRecord *
load_contact (CareCustomersView *self, GVariant *param)
{
  g_autoptr (GError) error = NULL;
  CareRecord *contact = care_store_load (get_store (self), care_schema_entity (CARE_ENTITY_CONTACT),
                                         g_variant_get_string (param, NULL), &error);

  if (contact == NULL)
    care_view_show_error (self, _ ("Could not open the contact"), error);
  return contact;
}

static void
view_edit_contact_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareCustomersView *self = CARE_CUSTOMERS_VIEW (widget);
  g_autoptr (CareRecord) contact = load_contact (self, param);

  if (contact != NULL)
    open_contact_editor (self, contact, _ ("Edit Contact"));
}

static void
view_delete_contact_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareCustomersView *self = CARE_CUSTOMERS_VIEW (widget);
  g_autoptr (CareRecord) contact = load_contact (self, param);

  if (contact != NULL)
    start_delete (self, care_record_get_entity (contact), care_record_get_id (contact),
                  care_record_get_title (contact));
}

/* CareView */

static GtkWidget *
get_header_start (CareView *view)
{
  CareCustomersView *self = CARE_CUSTOMERS_VIEW (view);

  if (self->new_button == NULL)
    self->new_button = care_view_new_header_button (view, "list-add-symbolic", _ ("New Customer"),
                                                    _ ("New Customer (Ctrl+N)"), "view.new");

  return self->new_button;
}

static GtkWidget *
get_header_end (CareView *view)
{
  return CARE_CUSTOMERS_VIEW (view)->contacts_menu;
}

static void
show_record (CareView *view, const char *id)
{
  CareCustomersView *self = CARE_CUSTOMERS_VIEW (view);

  reveal_customer (self, id);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

/* GObject */

static void
care_customers_view_constructed (GObject *object)
{
  CareCustomersView *self = CARE_CUSTOMERS_VIEW (object);
  g_autoptr (CareQuery) query = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));

  G_OBJECT_CLASS (care_customers_view_parent_class)->constructed (object);

  care_customer_detail_set_context (self->detail, care_view_get_context (CARE_VIEW (self)));

  self->list = care_record_list_new (get_store (self), query);
  self->hide_model = care_hide_model_new (self->list);
  self->contacts_menu = g_object_ref_sink (
      care_contacts_menu_new (care_view_get_context (CARE_VIEW (self)), self->list));
  self->selection =
      care_view_bind_list (CARE_VIEW (self), self->list_view, G_LIST_MODEL (self->hide_model),
                           G_CALLBACK (setup_item_cb), G_CALLBACK (bind_item_cb));
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (selection_changed_cb), self);
  /* After the selection's own handler, which drops the selected row. */
  g_signal_connect (self->hide_model, "items-changed", G_CALLBACK (model_items_changed_cb), self);

  update_count (self);
  update_actions (self);
}

static void
care_customers_view_dispose (GObject *object)
{
  CareCustomersView *self = CARE_CUSTOMERS_VIEW (object);

  /* Closing the window with the toast up confirms the delete: the user
   * asked for it and did not take it back. */
  if (self->pending != NULL)
    {
      AdwToast *toast = g_object_ref (self->pending->toast);

      finish_pending (self);
      adw_toast_dismiss (toast);
      g_object_unref (toast);
    }

  if (self->hide_model != NULL)
    g_signal_handlers_disconnect_by_data (self->hide_model, self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);

  care_view_dispose_template (CARE_VIEW (self), CARE_TYPE_CUSTOMERS_VIEW);
  g_clear_object (&self->new_button);
  g_clear_object (&self->contacts_menu);
  g_clear_object (&self->selection);
  g_clear_object (&self->hide_model);
  g_clear_object (&self->list);

  G_OBJECT_CLASS (care_customers_view_parent_class)->dispose (object);
}

static void
care_customers_view_finalize (GObject *object)
{
  CareCustomersView *self = CARE_CUSTOMERS_VIEW (object);

  g_free (self->selected_id);

  G_OBJECT_CLASS (care_customers_view_parent_class)->finalize (object);
}

static void
care_customers_view_class_init (CareCustomersViewClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CareViewClass  *view_class = CARE_VIEW_CLASS (klass);

  object_class->constructed = care_customers_view_constructed;
  object_class->dispose = care_customers_view_dispose;
  object_class->finalize = care_customers_view_finalize;

  view_class->get_header_start = get_header_start;
  view_class->get_header_end = get_header_end;
  view_class->show_record = show_record;
  care_view_class_set_entity (view_class, "customer");

  g_type_ensure (CARE_TYPE_CUSTOMER_DETAIL);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/customers/care-customers-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CareCustomersView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CareCustomersView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CareCustomersView, count_label);
  gtk_widget_class_bind_template_child (widget_class, CareCustomersView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, CareCustomersView, list_view);
  gtk_widget_class_bind_template_child (widget_class, CareCustomersView, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, CareCustomersView, detail);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_stop_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);

  gtk_widget_class_install_action (widget_class, "view.new", NULL, view_new_cb);
  gtk_widget_class_install_action (widget_class, "view.find", NULL, view_find_cb);
  gtk_widget_class_install_action (widget_class, "view.back", NULL, view_back_cb);
  gtk_widget_class_install_action (widget_class, "view.edit", NULL, view_edit_cb);
  gtk_widget_class_install_action (widget_class, "view.delete", NULL, view_delete_cb);
  gtk_widget_class_install_action (widget_class, "view.log-call", NULL, view_log_call_cb);
  gtk_widget_class_install_action (widget_class, "view.add-contact", NULL, view_add_contact_cb);
  gtk_widget_class_install_action (widget_class, "view.edit-contact", "s", view_edit_contact_cb);
  gtk_widget_class_install_action (widget_class, "view.delete-contact", "s",
                                   view_delete_contact_cb);
}

static void
care_customers_view_init (CareCustomersView *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (search_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
}
