/* care-customer-detail.c: everything about one customer, on one page.
 *
 * The header (name, actions, contact details) is a template; the groups
 * below it (contacts, products, cases, visits, training, timeline) are
 * rebuilt from bounded queries whenever the store changes, so what the
 * agent reads is never stale. The buttons activate the customers view's
 * actions ("view.edit-contact" etc.), the one path shortcuts use too. */
#define G_LOG_DOMAIN "care-customer-detail"

#include "config.h"

#include <glib/gi18n.h>

#include "care-clock.h"
#include "care-customer-detail.h"
#include "care-editor-dialog.h"
#include "care-format.h"
#include "care-maintenance-plan-dialog.h"
#include "care-maintenance.h"
#include "care-survey-group.h"
#include "care-history-group.h"
#include "care-timeline.h"
#include "care-view.h"
#include "care-warranty.h"

/* Bounds of each group: a customer with a long history still costs a
 * handful of indexed queries. */
#define MAX_CONTACTS     50
#define MAX_PRODUCTS     50
#define MAX_WARRANTIES   20
#define MAX_CASES        20
#define MAX_APPOINTMENTS 10
#define MAX_ENROLMENTS   20

struct _CareCustomerDetail
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkStack          *stack;
  GtkScrolledWindow *scroller;
  GtkLabel          *name_label;
  GtkLabel          *kind_label;
  GtkButton         *call_button;
  AdwActionRow      *email_row;
  AdwActionRow      *phone_row;
  AdwActionRow      *address_row;
  AdwActionRow      *tax_number_row;
  AdwActionRow      *language_row;
  AdwActionRow      *notes_row;
  GtkBox            *groups_box;
  CareHistoryGroup  *history_group;

  /* Owned references */
  CareContext *context;
  CareRecord  *customer;
  char        *customer_id;
  char        *hidden_id; /* a contact whose delete waits for its undo toast */
  guint        refresh_id;
};

G_DEFINE_FINAL_TYPE (CareCustomerDetail, care_customer_detail, ADW_TYPE_BIN)

static CareStore *
get_store (CareCustomerDetail *self)
{
  return care_context_get_store (self->context);
}

static GPtrArray *
find (CareCustomerDetail *self, CareQuery *query, guint limit)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *records = care_store_find (get_store (self), query, 0, limit, NULL, &error);

  if (records == NULL)
    {
      g_warning ("Could not read %s: %s", care_query_get_entity (query)->name, error->message);
      return g_ptr_array_new ();
    }

  return records;
}

static CareQuery *
customer_query (CareCustomerDetail *self, CareEntityId entity)
{
  CareQuery *query = care_query_new (care_schema_entity (entity));

  care_query_add_string (query, "customer_id", CARE_QUERY_EQ, self->customer_id);
  return query;
}

static char *
field_label (CareRecord *record, const char *field)
{
  return care_format_record_field (record, field);
}

/* Rows show names users typed: never markup. */
static GtkWidget *
text_row (const char *title, const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title != NULL ? title : "");
  if (subtitle != NULL && subtitle[0] != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static void
add_prefix_icon (GtkWidget *row, const char *icon_name)
{
  GtkWidget *image = gtk_image_new_from_icon_name (icon_name);

  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
}

static GtkWidget *
tag (const char *text, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "caption-heading");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
action_button (const char *icon_name, const char *label, const char *action, const char *target)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  if (target != NULL)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", target);
  return button;
}

/* Makes @row open the record it shows (entity, id) when activated, and
 * show that it does. */
static void
link_row (GtkWidget *row, const char *entity, const char *id)
{
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "(ss)", entity, id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "detail.open-record");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
}

static GtkWidget *
new_group (CareCustomerDetail *self, const char *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (self->groups_box, group);
  return group;
}

static void
add_row (GtkWidget *group, GtkWidget *row)
{
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

static void
set_info_row (AdwActionRow *row, const char *value)
{
  gboolean set = value != NULL && value[0] != '\0';

  gtk_widget_set_visible (GTK_WIDGET (row), set);
  adw_action_row_set_subtitle (row, set ? value : "");
}

static void
build_header (CareCustomerDetail *self)
{
  CareRecord      *c = self->customer;
  g_autofree char *kind = field_label (c, "kind");
  g_autofree char *email_name = NULL;
  g_autofree char *address_name = NULL;
  g_autofree char *phone_name = NULL;
  const char      *email = care_record_get_string (c, "email");
  const char      *phone = care_record_get_string (c, "phone");
  g_autofree char *phone_shown = care_format_phone (phone);
  const char      *address = care_record_get_string (c, "address");

  gtk_label_set_text (self->name_label, care_record_get_title (c));
  gtk_label_set_text (self->kind_label, kind);
  set_info_row (self->email_row, email);
  set_info_row (self->phone_row, phone_shown);
  set_info_row (self->address_row, address);
  set_info_row (self->tax_number_row, care_record_get_string (c, "tax_number"));
  set_info_row (self->language_row, care_format_language (care_record_get_string (c, "language")));
  set_info_row (self->notes_row, care_record_get_string (c, "notes"));

  /* The row's name says what activating it does. */
  /* TRANSLATORS: the accessible name of the email row, %s is the address */
  email_name = g_strdup_printf (_ ("Write to %s"), email != NULL ? email : "");
  /* TRANSLATORS: the accessible name of the phone row, %s is the number */
  phone_name = g_strdup_printf (_ ("Call %s"), phone != NULL ? phone : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->email_row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  email_name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->phone_row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  phone_name, -1);
  /* TRANSLATORS: the accessible name of the address row, %s is the address */
  address_name = g_strdup_printf (_ ("Show %s on a map"), address != NULL ? address : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->address_row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  address_name, -1);
}

static void
build_contacts (CareCustomerDetail *self)
{
  g_autoptr (CareQuery) query = customer_query (self, CARE_ENTITY_CONTACT);
  g_autoptr (GPtrArray) contacts = NULL;
  GtkWidget *group = new_group (self, _ ("Contacts"));
  GtkWidget *add;
  guint      shown = 0;

  add = gtk_button_new_from_icon_name ("list-add-symbolic");
  gtk_widget_add_css_class (add, "flat");
  gtk_widget_set_tooltip_text (add, _ ("Add a contact"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Add Contact"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "view.add-contact");
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), add);

  contacts = find (self, query, MAX_CONTACTS);
  for (guint i = 0; i < contacts->len; i++)
    {
      CareRecord      *k = g_ptr_array_index (contacts, i);
      const char      *id = care_record_get_id (k);
      g_autofree char *subtitle = NULL;
      g_autofree char *edit_label = NULL;
      g_autofree char *delete_label = NULL;
      GtkWidget       *row;

      if (g_strcmp0 (id, self->hidden_id) == 0)
        continue;

      subtitle = care_format_subtitle (k);
      row = text_row (care_record_get_title (k), subtitle);
      add_prefix_icon (row, "avatar-default-symbolic");
      if (care_record_get_bool (k, "is_primary"))
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag (_ ("Primary"), "accent"));

      /* TRANSLATORS: a button's accessible name; %s is a contact's name */
      edit_label = g_strdup_printf (_ ("Edit %s"), care_record_get_title (k));
      /* TRANSLATORS: a button's accessible name; %s is a contact's name */
      delete_label = g_strdup_printf (_ ("Delete %s"), care_record_get_title (k));
      adw_action_row_add_suffix (
          ADW_ACTION_ROW (row),
          action_button ("document-edit-symbolic", edit_label, "view.edit-contact", id));
      adw_action_row_add_suffix (
          ADW_ACTION_ROW (row),
          action_button ("user-trash-symbolic", delete_label, "view.delete-contact", id));
      add_row (group, row);
      shown++;
    }

  if (shown == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _ ("No contacts yet."));
}

static char *
coverage_parts (CareRecord *warranty)
{
  g_autoptr (GStrvBuilder) parts = g_strv_builder_new ();
  g_auto (GStrv) strv = NULL;

  if (care_record_get_bool (warranty, "covers_parts"))
    g_strv_builder_add (parts, _ ("parts"));
  if (care_record_get_bool (warranty, "covers_labour"))
    g_strv_builder_add (parts, _ ("labour"));
  if (care_record_get_bool (warranty, "covers_onsite"))
    g_strv_builder_add (parts, _ ("on-site"));

  strv = g_strv_builder_end (parts);
  if (strv[0] == NULL)
    return NULL;

  /* TRANSLATORS: what a warranty covers; %s is a list such as "parts, labour, on-site" */
  {
    g_autofree char *list = g_strjoinv (", ", strv);
    return g_strdup_printf (_ ("Covers %s"), list);
  }
}

/* The ids of @products (borrowed from them) with an overdue maintenance
 * visit. Each page of overdue visits names at least one product not seen
 * yet, so this usually takes one query and never more than one per product. */
static GHashTable *
find_overdue_products (CareCustomerDetail *self, GPtrArray *products)
{
  g_autoptr (GDateTime) now = care_clock_now_utc ();
  g_autoptr (GPtrArray) remaining = g_ptr_array_new ();
  GHashTable *overdue_products = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < products->len; i++)
    g_ptr_array_add (remaining, (gpointer) care_record_get_id (g_ptr_array_index (products, i)));

  while (remaining->len > 0)
    {
      g_autoptr (CareQuery) overdue = care_maintenance_overdue_query (now);
      g_autoptr (GPtrArray) visits = NULL;
      guint n_remaining = remaining->len;

      g_ptr_array_add (remaining, NULL);
      care_query_add_in (overdue, "product_id", (const char *const *) remaining->pdata);
      g_ptr_array_set_size (remaining, remaining->len - 1);
      visits = find (self, overdue, MAX_PRODUCTS);

      for (guint i = 0; i < visits->len; i++)
        {
          const char *product_id =
              care_record_get_string (g_ptr_array_index (visits, i), "product_id");

          for (guint j = 0; product_id != NULL && j < remaining->len; j++)
            if (g_str_equal (g_ptr_array_index (remaining, j), product_id))
              {
                g_hash_table_add (overdue_products, g_ptr_array_index (remaining, j));
                g_ptr_array_remove_index_fast (remaining, j);
                break;
              }
        }
      if (visits->len < MAX_PRODUCTS || remaining->len == n_remaining)
        break;
    }

  return overdue_products;
}

/* A product's maintenance: a button to its plan, a tag for missed visits. */
static void
add_maintenance (GtkWidget *row, CareRecord *product, GHashTable *overdue_products)
{
  /* TRANSLATORS: a button's accessible name; %s is a product */
  g_autofree char *label =
      g_strdup_printf (_ ("Maintenance Plan for %s"), care_record_get_title (product));

  if (g_hash_table_contains (overdue_products, care_record_get_id (product)))
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag (_ ("Maintenance overdue"), "error"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             action_button ("alarm-symbolic", label, "detail.maintenance-plan",
                                            care_record_get_id (product)));
}

static void
add_product_row (CareCustomerDetail *self,
                 GtkWidget          *group,
                 CareRecord         *product,
                 GDate              *today,
                 guint               expiring_days,
                 GHashTable         *overdue_products)
{
  g_autoptr (CareQuery) wq = care_query_new (care_schema_entity (CARE_ENTITY_WARRANTY));
  g_autoptr (GPtrArray) warranties = NULL;
  g_autofree char   *status_text = NULL;
  g_autofree char   *parts = NULL;
  g_autofree char   *subtitle = NULL;
  g_autofree char   *end = NULL;
  CareRecord        *decisive = NULL;
  CareWarrantyStatus status = CARE_WARRANTY_STATUS_NONE;
  const char        *tag_text;
  const char        *tag_class;
  GtkWidget         *row;

  care_query_add_string (wq, "product_id", CARE_QUERY_EQ, care_record_get_id (product));
  care_query_set_order (wq, "end_date", TRUE);
  warranties = find (self, wq, MAX_WARRANTIES);

  for (guint i = 0; i < warranties->len; i++)
    {
      CareRecord        *w = g_ptr_array_index (warranties, i);
      CareWarrantyStatus s = care_warranty_status (w, today, expiring_days);

      if (care_warranty_status_rank (s) > care_warranty_status_rank (status))
        {
          decisive = w;
          status = s;
        }
    }

  if (decisive != NULL)
    {
      parts = coverage_parts (decisive);
      end = care_format_date (care_record_get_string (decisive, "end_date"));
    }

  switch (status)
    {
    case CARE_WARRANTY_STATUS_ACTIVE:
      /* TRANSLATORS: %s is a date */
      status_text = g_strdup_printf (_ ("Covered until %s"), end);
      tag_text = C_ ("warranty status", "Covered");
      tag_class = "success";
      break;
    case CARE_WARRANTY_STATUS_EXPIRING:
      /* TRANSLATORS: %s is a date */
      status_text = g_strdup_printf (_ ("Covered until %s"), end);
      tag_text = C_ ("warranty status", "Expiring soon");
      tag_class = "warning";
      break;
    case CARE_WARRANTY_STATUS_NOT_STARTED:
      {
        g_autofree char *start = care_format_date (care_record_get_string (decisive, "start_date"));
        /* TRANSLATORS: %s is a date */
        status_text = g_strdup_printf (_ ("Covered from %s"), start);
        tag_text = C_ ("warranty status", "Not yet started");
        tag_class = "dim-label";
      }
      break;
    case CARE_WARRANTY_STATUS_EXPIRED:
      /* TRANSLATORS: %s is a date */
      status_text = g_strdup_printf (_ ("Expired on %s"), end);
      tag_text = C_ ("warranty status", "Expired");
      tag_class = "error";
      break;
    case CARE_WARRANTY_STATUS_NONE:
    default:
      status_text = g_strdup (_ ("No warranty"));
      tag_text = NULL;
      tag_class = NULL;
      break;
    }

  {
    g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
    g_auto (GStrv) strv = NULL;

    g_strv_builder_add (b, care_record_get_string (product, "serial"));
    g_strv_builder_add (b, status_text);
    if (parts != NULL && status != CARE_WARRANTY_STATUS_EXPIRED)
      g_strv_builder_add (b, parts);
    strv = g_strv_builder_end (b);
    subtitle = g_strjoinv (" · ", strv);
  }

  row = text_row (care_record_get_title (product), subtitle);
  add_prefix_icon (row, "emblem-system-symbolic");
  if (tag_text != NULL)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag (tag_text, tag_class));
  add_maintenance (row, product, overdue_products);
  link_row (row, "product", care_record_get_id (product));
  add_row (group, row);
}

static void
build_products (CareCustomerDetail *self)
{
  g_autoptr (CareQuery) query = customer_query (self, CARE_ENTITY_PRODUCT);
  g_autoptr (GPtrArray) products = NULL;
  g_autofree char *today_iso = care_clock_today ();
  GtkWidget       *group = new_group (self, _ ("Products"));
  guint            expiring_days =
      g_settings_get_int (care_context_get_settings (self->context), "warranty-expiring-days");
  g_autoptr (GHashTable) overdue_products = NULL;
  GDate today;

  care_date_parse (today_iso, &today);
  products = find (self, query, MAX_PRODUCTS);
  overdue_products = find_overdue_products (self, products);
  for (guint i = 0; i < products->len; i++)
    add_product_row (self, group, g_ptr_array_index (products, i), &today, expiring_days,
                     overdue_products);

  if (products->len == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           _ ("No registered products."));
}

static void
build_cases (CareCustomerDetail *self)
{
  g_autoptr (CareQuery) query = customer_query (self, CARE_ENTITY_SERVICE_CASE);
  g_autoptr (GPtrArray) cases = NULL;
  const char *open_statuses[] = { "open", "in_progress", "waiting", NULL };
  GtkWidget  *group = new_group (self, _ ("Open Service Cases"));

  care_query_add_in (query, "status", open_statuses);
  care_query_set_order (query, "opened_at", TRUE);
  cases = find (self, query, MAX_CASES);

  for (guint i = 0; i < cases->len; i++)
    {
      CareRecord      *sc = g_ptr_array_index (cases, i);
      g_autofree char *kind = field_label (sc, "kind");
      g_autofree char *status = field_label (sc, "status");
      g_autofree char *priority = field_label (sc, "priority");
      g_autofree char *opened = field_label (sc, "opened_at");
      g_autofree char *subtitle = NULL;
      GtkWidget       *row;

      /* TRANSLATORS: a case's kind, status and when it was opened, e.g. "Repair · Open · opened 3/1/26 09:00" */
      subtitle = g_strdup_printf (_ ("%s · %s · opened %s"), kind, status, opened);
      row = text_row (care_record_get_title (sc), subtitle);
      add_prefix_icon (row, "emblem-documents-symbolic");
      if (g_strcmp0 (care_record_get_string (sc, "priority"), "high") == 0 ||
          g_strcmp0 (care_record_get_string (sc, "priority"), "urgent") == 0)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag (priority, "warning"));
      link_row (row, "service_case", care_record_get_id (sc));
      add_row (group, row);
    }

  if (cases->len == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _ ("No open cases."));
}

static void
build_appointments (CareCustomerDetail *self, gboolean upcoming)
{
  g_autoptr (CareQuery) query = customer_query (self, CARE_ENTITY_APPOINTMENT);
  g_autoptr (GPtrArray) appointments = NULL;
  g_autofree char *now = care_clock_now_iso ();
  const CareField *tech = care_schema_field (CARE_ENTITY_APPOINTMENT, "technician_id");
  GtkWidget       *group =
      new_group (self, upcoming ? _ ("Upcoming Appointments") : _ ("Past Appointments"));

  care_query_add_string (query, "start_at", upcoming ? CARE_QUERY_GE : CARE_QUERY_LT, now);
  care_query_set_order (query, "start_at", !upcoming);
  appointments = find (self, query, MAX_APPOINTMENTS);

  for (guint i = 0; i < appointments->len; i++)
    {
      CareRecord      *a = g_ptr_array_index (appointments, i);
      g_autofree char *kind = field_label (a, "kind");
      g_autofree char *when = field_label (a, "start_at");
      g_autofree char *status = field_label (a, "status");
      g_autofree char *who = care_format_reference (get_store (self), tech,
                                                    care_record_get_string (a, "technician_id"));
      g_autofree char *subtitle = NULL;
      GtkWidget       *row;

      subtitle = who[0] != '\0' ? g_strdup_printf ("%s · %s · %s", when, status, who)
                                : g_strdup_printf ("%s · %s", when, status);
      row = text_row (kind, subtitle);
      add_prefix_icon (row, "x-office-calendar-symbolic");
      link_row (row, "appointment", care_record_get_id (a));
      add_row (group, row);
    }

  if (appointments->len == 0)
    adw_preferences_group_set_description (
        ADW_PREFERENCES_GROUP (group), upcoming ? _ ("Nothing planned.") : _ ("No visits yet."));
}

static void
build_enrolments (CareCustomerDetail *self)
{
  g_autoptr (CareQuery) cq = customer_query (self, CARE_ENTITY_CONTACT);
  g_autoptr (CareQuery) eq = care_query_new (care_schema_entity (CARE_ENTITY_ENROLMENT));
  g_autoptr (GPtrArray) contacts = NULL;
  g_autoptr (GPtrArray) enrolments = NULL;
  g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();
  g_auto (GStrv) strv = NULL;
  const CareField *contact_field = care_schema_field (CARE_ENTITY_ENROLMENT, "contact_id");
  const CareField *session_field = care_schema_field (CARE_ENTITY_ENROLMENT, "session_id");
  GtkWidget       *group = new_group (self, _ ("Training"));

  contacts = find (self, cq, MAX_CONTACTS);
  for (guint i = 0; i < contacts->len; i++)
    g_strv_builder_add (ids, care_record_get_id (g_ptr_array_index (contacts, i)));
  strv = g_strv_builder_end (ids);

  care_query_add_in (eq, "contact_id", (const char *const *) strv);
  care_query_set_order (eq, "enrolled_at", TRUE);
  enrolments = find (self, eq, MAX_ENROLMENTS);

  for (guint i = 0; i < enrolments->len; i++)
    {
      CareRecord      *e = g_ptr_array_index (enrolments, i);
      g_autofree char *session = care_format_reference (get_store (self), session_field,
                                                        care_record_get_string (e, "session_id"));
      g_autofree char *person = care_format_reference (get_store (self), contact_field,
                                                       care_record_get_string (e, "contact_id"));
      g_autofree char *status = field_label (e, "status");
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", person, status);
      GtkWidget       *row = text_row (session, subtitle);

      add_prefix_icon (row, "starred-symbolic");
      if (care_record_get_bool (e, "attended"))
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag (_ ("Attended"), "success"));
      link_row (row, "enrolment", care_record_get_id (e));
      add_row (group, row);
    }

  if (enrolments->len == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           _ ("No training enrolments."));
}

static const char *
choice_label (const CareEntity *entity, const char *field, const char *key)
{
  const CareField *f = care_entity_lookup_field (entity, field);

  return key != NULL && f != NULL ? care_field_choice_label (f, key) : NULL;
}

static void
add_timeline_row (GtkWidget *group, CareTimelineEntry *entry)
{
  const char      *name = entry->entity->name;
  g_autofree char *when = care_format_datetime (entry->at);
  g_autoptr (GStrvBuilder) parts = g_strv_builder_new ();
  g_auto (GStrv) strv = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;
  const char      *icon;

  g_strv_builder_add (parts, when);

  if (g_str_equal (name, "call_log"))
    {
      const char *direction =
          g_strcmp0 (entry->kind, "outbound") == 0 ? _ ("Outbound call") : _ ("Inbound call");

      title = g_strdup (entry->title);
      g_strv_builder_add (parts, direction);
      g_strv_builder_add (parts, choice_label (entry->entity, "outcome", entry->status));
      icon = "call-start-symbolic";
    }
  else if (g_str_equal (name, "service_case"))
    {
      title = g_strdup (entry->title);
      g_strv_builder_add (parts, _ ("Case opened"));
      g_strv_builder_add (parts, choice_label (entry->entity, "kind", entry->kind));
      g_strv_builder_add (parts, choice_label (entry->entity, "status", entry->status));
      icon = "emblem-documents-symbolic";
    }
  else if (g_str_equal (name, "appointment"))
    {
      /* TRANSLATORS: a visit in the timeline; %s is its kind, e.g. "Repair" */
      title = g_strdup_printf (_ ("Visit: %s"), choice_label (entry->entity, "kind", entry->kind));
      g_strv_builder_add (parts, choice_label (entry->entity, "status", entry->status));
      icon = "x-office-calendar-symbolic";
    }
  else
    {
      /* TRANSLATORS: a training enrolment in the timeline; %s is the course */
      title = g_strdup_printf (_ ("Enrolled: %s"), entry->title != NULL ? entry->title : "");
      g_strv_builder_add (parts, choice_label (entry->entity, "status", entry->status));
      icon = "starred-symbolic";
    }

  if (entry->person != NULL)
    g_strv_builder_add (parts, entry->person);

  strv = g_strv_builder_end (parts);
  subtitle = g_strjoinv (" · ", strv);

  {
    GtkWidget *row = text_row (title, subtitle);
    add_prefix_icon (row, icon);
    link_row (row, name, entry->id);
    add_row (group, row);
  }
}

static void
build_timeline (CareCustomerDetail *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  GtkWidget *group = new_group (self, _ ("Timeline"));
  guint limit = g_settings_get_int (care_context_get_settings (self->context), "timeline-length");

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _ ("Calls, cases, visits and enrolments, newest first."));

  entries = care_timeline_load (get_store (self), self->customer_id, NULL, limit, &error);
  if (entries == NULL)
    {
      g_warning ("Could not read the timeline: %s", error->message);
      return;
    }

  for (guint i = 0; i < entries->len; i++)
    add_timeline_row (group, g_ptr_array_index (entries, i));

  if (entries->len == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           _ ("No interactions yet."));
}

static void
clear_groups (CareCustomerDetail *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box))) != NULL)
    gtk_box_remove (self->groups_box, child);
}

static void
rebuild (CareCustomerDetail *self)
{
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_object (&self->customer);

  if (self->context != NULL && self->customer_id != NULL)
    self->customer = care_store_load (get_store (self), care_schema_entity (CARE_ENTITY_CUSTOMER),
                                      self->customer_id, &error);

  clear_groups (self);
  if (self->context != NULL)
    care_history_group_set_subject (self->history_group, self->context, self->customer);
  if (self->customer == NULL)
    {
      if (error != NULL && !g_error_matches (error, CARE_STORE_ERROR, CARE_STORE_ERROR_NOT_FOUND))
        g_warning ("Could not load the customer: %s", error->message);
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }

  build_header (self);
  build_contacts (self);
  build_products (self);
  gtk_box_append (self->groups_box, care_survey_summary_new (get_store (self), self->customer_id));
  build_cases (self);
  build_appointments (self, TRUE);
  build_appointments (self, FALSE);
  build_enrolments (self);
  build_timeline (self);
  gtk_stack_set_visible_child_name (self->stack, "customer");
  g_debug ("Built the detail of %s in %.1f ms", self->customer_id,
           (g_get_monotonic_time () - start) / 1000.0);
}

static gboolean
refresh_cb (gpointer user_data)
{
  CareCustomerDetail *self = user_data;

  self->refresh_id = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

/* A burst of changes (a sync page, a cascade delete) gives one rebuild. */
static void
store_changed_cb (CareStore *store, const char *entity, const char *id, CareCustomerDetail *self)
{
  if (self->customer_id != NULL && self->refresh_id == 0)
    self->refresh_id = g_timeout_add (50, refresh_cb, self);
}

static void
settings_changed_cb (GSettings *settings, const char *key, CareCustomerDetail *self)
{
  store_changed_cb (NULL, NULL, NULL, self);
}

static void
show_uri (CareCustomerDetail *self, const char *uri)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  /* GtkUriLauncher is GTK 4.10; 4.8 has only this. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
email_activated_cb (AdwActionRow *row, CareCustomerDetail *self)
{
  const char *email =
      self->customer != NULL ? care_record_get_string (self->customer, "email") : NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *uri = NULL;

  if (email == NULL)
    return;

  /* "?", "&" or "#" in an address must not become mailto: headers. */
  escaped = g_uri_escape_string (email, "@+", FALSE);
  uri = g_strconcat ("mailto:", escaped, NULL);
  show_uri (self, uri);
}

static void
phone_activated_cb (AdwActionRow *row, CareCustomerDetail *self)
{
  const char *phone =
      self->customer != NULL ? care_record_get_string (self->customer, "phone") : NULL;
  g_autoptr (GString) uri = NULL;

  if (phone == NULL)
    return;

  /* tel: URIs (RFC 3966) allow digits, "+" and visual separators only. */
  uri = g_string_new ("tel:");
  for (const char *p = phone; *p; p++)
    if (g_ascii_isdigit (*p) || *p == '+')
      g_string_append_c (uri, *p);
  show_uri (self, uri->str);
}

/* maps: URIs open the desktop's map application (GNOME Maps registers the
 * scheme); the address is a query, escaped so it stays one parameter. */
static void
address_activated_cb (AdwActionRow *row, CareCustomerDetail *self)
{
  const char *address =
      self->customer != NULL ? care_record_get_string (self->customer, "address") : NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *uri = NULL;

  if (address == NULL)
    return;

  escaped = g_uri_escape_string (address, NULL, FALSE);
  uri = g_strconcat ("maps:q=", escaped, NULL);
  show_uri (self, uri);
}

static void
detail_maintenance_plan_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareCustomerDetail *self = CARE_CUSTOMER_DETAIL (widget);
  g_autoptr (GError) error = NULL;
  CareMaintenancePlanDialog *dialog = care_maintenance_plan_dialog_new (
      care_view_get_window (self), get_store (self), g_variant_get_string (param, NULL), &error);

  if (dialog == NULL)
    g_warning ("Could not open the maintenance plan: %s", error->message);
  else
    gtk_window_present (GTK_WINDOW (dialog));
}

/* What the editor of a record this page opens itself shows: records no
 * view of their own lists. */
static const char *const product_fields[] = {
  "name", "serial", "model", "category", "purchase_date", "installed_date", "location", NULL
};
static const char *const call_fields[] = { "called_at", "direction", "contact_id",     "subject",
                                           "outcome",   "notes",     "follow_up_date", NULL };

static void
edit_record (CareCustomerDetail *self, CareRecord *record)
{
  gboolean is_call = care_record_get_entity (record) == care_schema_entity (CARE_ENTITY_CALL_LOG);
  g_autofree char  *title = NULL;
  CareEditorDialog *dialog;

  /* TRANSLATORS: the title of the editor of a logged call; %s is its subject */
  title = g_strdup_printf (is_call ? _ ("Call: %s") : _ ("Product: %s"),
                           care_record_get_title (record));
  dialog = care_editor_dialog_new (care_view_get_window (self), get_store (self), record,
                                   is_call ? call_fields : product_fields, title);
  if (is_call)
    {
      g_autoptr (CareQuery) contacts = customer_query (self, CARE_ENTITY_CONTACT);

      care_record_editor_set_ref_query (care_editor_dialog_get_editor (dialog), "contact_id",
                                        contacts);
    }
  gtk_window_present (GTK_WINDOW (dialog));
}

/* (entity, id) of a row: the view of the entity opens it; a product or a
 * call, which no view lists, opens in its editor here; an enrolment opens
 * its session. */
static void
detail_open_record_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareCustomerDetail *self = CARE_CUSTOMER_DETAIL (widget);
  const char         *entity, *id;
  const CareEntity   *e;
  g_autoptr (CareRecord) record = NULL;

  g_variant_get (param, "(&s&s)", &entity, &id);
  e = care_schema_lookup (entity);
  if (e == NULL)
    return;
  record = care_view_load_record (self, get_store (self), e, id);
  if (record == NULL)
    return;

  if (e == care_schema_entity (CARE_ENTITY_PRODUCT) ||
      e == care_schema_entity (CARE_ENTITY_CALL_LOG))
    edit_record (self, record);
  else if (e == care_schema_entity (CARE_ENTITY_ENROLMENT))
    gtk_widget_activate_action (widget, "win.show-record", "(ss)", "training_session",
                                care_record_get_string (record, "session_id"));
  else
    gtk_widget_activate_action (widget, "win.show-record", "(ss)", entity, id);
}

static void
care_customer_detail_dispose (GObject *object)
{
  CareCustomerDetail *self = CARE_CUSTOMER_DETAIL (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  /* The template root is the bin child: take it from the bin first, or
   * the bin would keep a child the template disposed. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_CUSTOMER_DETAIL);
  g_clear_object (&self->customer);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (care_customer_detail_parent_class)->dispose (object);
}

static void
care_customer_detail_finalize (GObject *object)
{
  CareCustomerDetail *self = CARE_CUSTOMER_DETAIL (object);

  g_free (self->customer_id);
  g_free (self->hidden_id);

  G_OBJECT_CLASS (care_customer_detail_parent_class)->finalize (object);
}

static void
care_customer_detail_class_init (CareCustomerDetailClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_customer_detail_dispose;
  object_class->finalize = care_customer_detail_finalize;

  g_type_ensure (CARE_TYPE_HISTORY_GROUP);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/customers/care-customer-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, CareCustomerDetail, stack);
  gtk_widget_class_bind_template_child (widget_class, CareCustomerDetail, scroller);
  gtk_widget_class_bind_template_child (widget_class, CareCustomerDetail, name_label);
  gtk_widget_class_bind_template_child (widget_class, CareCustomerDetail, kind_label);
  gtk_widget_class_bind_template_child (widget_class, CareCustomerDetail, call_button);
  gtk_widget_class_bind_template_child (widget_class, CareCustomerDetail, email_row);
  gtk_widget_class_bind_template_child (widget_class, CareCustomerDetail, phone_row);
  gtk_widget_class_bind_template_child (widget_class, CareCustomerDetail, address_row);
  gtk_widget_class_bind_template_child (widget_class, CareCustomerDetail, tax_number_row);
  gtk_widget_class_bind_template_child (widget_class, CareCustomerDetail, language_row);
  gtk_widget_class_bind_template_child (widget_class, CareCustomerDetail, notes_row);
  gtk_widget_class_bind_template_child (widget_class, CareCustomerDetail, groups_box);
  gtk_widget_class_bind_template_child (widget_class, CareCustomerDetail, history_group);
  gtk_widget_class_bind_template_callback (widget_class, email_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, phone_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, address_activated_cb);
  gtk_widget_class_install_action (widget_class, "detail.maintenance-plan", "s",
                                   detail_maintenance_plan_cb);
  gtk_widget_class_install_action (widget_class, "detail.open-record", "(ss)",
                                   detail_open_record_cb);
}

static void
care_customer_detail_init (CareCustomerDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
care_customer_detail_set_context (CareCustomerDetail *self, CareContext *context)
{
  g_return_if_fail (CARE_IS_CUSTOMER_DETAIL (self));
  g_return_if_fail (self->context == NULL);

  self->context = g_object_ref (context);
  g_signal_connect_object (care_context_get_store (context), "changed",
                           G_CALLBACK (store_changed_cb), self, 0);
  /* Only the keys this page reads: "last-view" changes on every view switch. */
  g_signal_connect_object (care_context_get_settings (context), "changed::warranty-expiring-days",
                           G_CALLBACK (settings_changed_cb), self, 0);
  g_signal_connect_object (care_context_get_settings (context), "changed::timeline-length",
                           G_CALLBACK (settings_changed_cb), self, 0);
}

/* Shows the customer with @id, or the "nothing selected" page for %NULL. */
void
care_customer_detail_set_customer (CareCustomerDetail *self, const char *id)
{
  g_return_if_fail (CARE_IS_CUSTOMER_DETAIL (self));

  if (g_strcmp0 (id, self->customer_id) == 0)
    return;

  g_free (self->customer_id);
  self->customer_id = g_strdup (id);
  rebuild (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

const char *
care_customer_detail_get_customer (CareCustomerDetail *self)
{
  g_return_val_if_fail (CARE_IS_CUSTOMER_DETAIL (self), NULL);
  return self->customer != NULL ? self->customer_id : NULL;
}

/* The customer shown, as loaded (borrowed), or %NULL. */
CareRecord *
care_customer_detail_get_record (CareCustomerDetail *self)
{
  g_return_val_if_fail (CARE_IS_CUSTOMER_DETAIL (self), NULL);
  return self->customer;
}

/* Leaves out the contact with @id (its delete waits for the undo toast). */
void
care_customer_detail_set_hidden (CareCustomerDetail *self, const char *id)
{
  g_return_if_fail (CARE_IS_CUSTOMER_DETAIL (self));

  if (g_strcmp0 (id, self->hidden_id) == 0)
    return;

  g_free (self->hidden_id);
  self->hidden_id = g_strdup (id);
  rebuild (self);
}

/* Rebuilds now, e.g. so a call just logged shows before the agent looks. */
void
care_customer_detail_refresh (CareCustomerDetail *self)
{
  g_return_if_fail (CARE_IS_CUSTOMER_DETAIL (self));
  rebuild (self);
}

void
care_customer_detail_focus (CareCustomerDetail *self)
{
  g_return_if_fail (CARE_IS_CUSTOMER_DETAIL (self));

  if (self->customer != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->call_button));
}
