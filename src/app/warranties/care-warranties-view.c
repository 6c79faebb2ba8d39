/* care-warranties-view.c: warranties, their coverage and "is this covered?".
 *
 * The top of the view answers the question a call-center agent hears most,
 * "is my product still covered?", from a serial number in one glance. Below
 * it, a list of warranties filtered by status in SQL (the list pages from
 * SQLite; nothing is filtered in memory) beside the selected one's coverage,
 * from which a warranty claim is opened. */
#define G_LOG_DOMAIN "care-warranties-view"

#include "config.h"

#include <glib/gi18n.h>

#include "care-history-group.h"
#include "care-clock.h"
#include "care-case.h"
#include "care-dashboard-stats.h"
#include "care-editor-dialog.h"
#include "care-filter-bar.h"
#include "care-format.h"
#include "care-record-list.h"
#include "care-sla.h"
#include "care-warranties-view.h"
#include "care-warranty.h"

struct _CareWarrantiesView
{
  CareView parent_instance;

  /* Template widgets */
  GtkSearchEntry      *lookup_entry;
  GtkRevealer         *result_revealer;
  GtkWidget           *result_card;
  GtkImage            *result_icon;
  GtkLabel            *result_title;
  GtkLabel            *result_subtitle;
  GtkLabel            *result_details;
  GtkWidget           *result_show_button;
  AdwLeaflet          *leaflet;
  GtkWidget           *list_pane;
  GtkWidget           *detail_pane;
  GtkLabel            *count_label;
  GtkStack            *list_stack;
  GtkListView         *list_view;
  AdwStatusPage       *empty_page;
  GtkStack            *detail_stack;
  CareHistoryGroup    *history_group;
  AdwPreferencesGroup *summary_group;
  AdwActionRow        *status_row;
  AdwActionRow        *period_row;
  AdwActionRow        *parts_row;
  AdwActionRow        *labour_row;
  AdwActionRow        *onsite_row;
  AdwActionRow        *discount_row;
  GtkLabel            *terms_label;
  AdwActionRow        *product_row;
  AdwActionRow        *customer_row;

  /* Borrowed references */
  CareFilterBar *filter_bar;

  /* Owned references */
  CareQuery          *narrowed; /* the warranties a summary linked to, or NULL */
  CareRecordList     *records;
  GtkSingleSelection *selection;
  CareRecord         *current;      /* the warranty shown in the detail */
  char               *looked_up_id; /* the warranty the last lookup found */
  char               *filter;
  GtkWidget          *new_button; /* packed into the window's header bar */
  GtkWidget          *status_badge;
};

G_DEFINE_FINAL_TYPE (CareWarrantiesView, care_warranties_view, CARE_TYPE_VIEW)

enum
{
  PROP_0,
  PROP_FILTER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const claim_fields[] = { "subject",  "description", "channel",
                                            "priority", "assignee_id", NULL };
static const char *const warranty_fields[] = {
  "product_id",    "kind",          "start_date",       "end_date", "covers_parts",
  "covers_labour", "covers_onsite", "discount_percent", "terms",    NULL
};

static CareStore *
store (CareWarrantiesView *self)
{
  return care_view_get_store (CARE_VIEW (self));
}

static void
today (GDate *date)
{
  g_autofree char *iso = care_clock_today ();
  care_date_parse (iso, date);
}

static char *
iso_in_days (int days)
{
  g_autoptr (GDateTime) now = care_clock_now_local ();
  g_autoptr (GDateTime) then = g_date_time_add_days (now, days);

  return g_date_time_format (then, "%Y-%m-%d");
}

static const char *
status_label (CareWarrantyStatus status)
{
  const CareField *f = care_schema_field (CARE_ENTITY_SERVICE_CASE, "warranty_status");

  return care_field_choice_label (f, care_warranty_status_key (status));
}

static const char *
status_css (CareWarrantyStatus status)
{
  switch (status)
    {
    case CARE_WARRANTY_STATUS_ACTIVE:
      return "success";
    case CARE_WARRANTY_STATUS_EXPIRING:
    case CARE_WARRANTY_STATUS_NOT_STARTED:
      return "warning";
    case CARE_WARRANTY_STATUS_EXPIRED:
      return "error";
    case CARE_WARRANTY_STATUS_NONE:
    default:
      return "dim-label";
    }
}

static void
set_status_class (GtkWidget *widget, CareWarrantyStatus status)
{
  static const char *const all[] = { "success", "warning", "error", "dim-label" };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    gtk_widget_remove_css_class (widget, all[i]);
  gtk_widget_add_css_class (widget, status_css (status));
}

/* "Parts, labour and on-site service", or what little is covered. */
static char *
coverage_text (CareRecord *warranty)
{
  gboolean         parts = care_record_get_bool (warranty, "covers_parts");
  gboolean         labour = care_record_get_bool (warranty, "covers_labour");
  gboolean         onsite = care_record_get_bool (warranty, "covers_onsite");
  gint64           discount = care_record_get_int (warranty, "discount_percent", 0);
  g_autofree char *covered = NULL;

  if (parts && labour && onsite)
    covered = g_strdup (_ ("Covers parts, labour and on-site service"));
  else if (parts && labour)
    covered = g_strdup (_ ("Covers parts and labour, not on-site service"));
  else if (parts && onsite)
    covered = g_strdup (_ ("Covers parts and on-site service, not labour"));
  else if (labour && onsite)
    covered = g_strdup (_ ("Covers labour and on-site service, not parts"));
  else if (parts)
    covered = g_strdup (_ ("Covers parts only"));
  else if (labour)
    covered = g_strdup (_ ("Covers labour only"));
  else if (onsite)
    covered = g_strdup (_ ("Covers on-site service only"));
  else
    covered = g_strdup (_ ("Covers no parts, labour or on-site service"));

  if (discount > 0)
    /* TRANSLATORS: coverage, then on a line of its own the discount, e.g.
     * "Covers parts only\n10 % maintenance discount at authorised service locations" */
    return g_strdup_printf (_ ("%s\n%d %% maintenance discount at authorised service locations"),
                            covered, (int) discount);

  return g_steal_pointer (&covered);
}

static char *
period_text (CareRecord *warranty)
{
  g_autofree char *start = care_format_record_field (warranty, "start_date");
  g_autofree char *end = care_format_record_field (warranty, "end_date");

  /* TRANSLATORS: a period of dates, e.g. "1/1/2025 – 12/31/2026" */
  return g_strdup_printf (_ ("%s – %s"), start, end);
}

/* "Washing machine · WM-1234" and its owner, for lists and answers. */
static char *
product_line (CareRecord *product)
{
  if (product == NULL)
    return g_strdup (_ ("(no longer available)"));
  return g_strdup_printf ("%s · %s", care_record_get_string (product, "name"),
                          care_record_get_string (product, "serial"));
}

static CareRecord *
load (CareWarrantiesView *self, CareEntityId entity, const char *id)
{
  return care_view_load_record (self, store (self), care_schema_entity (entity), id);
}

/* The list */

static CareQuery *
filter_query (const char *filter)
{
  g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_WARRANTY));
  g_autofree char *now = care_clock_today ();
  g_autofree char *soon = iso_in_days (CARE_WARRANTY_EXPIRING_DAYS);

  /* Dates are ISO text, so comparing the text compares the days. The
   * conditions match care_warranty_status(): the end date is covered. */
  if (g_strcmp0 (filter, "active") == 0)
    {
      care_query_add_string (q, "start_date", CARE_QUERY_LE, now);
      care_query_add_string (q, "end_date", CARE_QUERY_GE, now);
      care_query_set_order (q, "end_date", FALSE);
    }
  else if (g_strcmp0 (filter, "expiring") == 0)
    {
      care_query_add_string (q, "start_date", CARE_QUERY_LE, now);
      care_query_add_string (q, "end_date", CARE_QUERY_GE, now);
      care_query_add_string (q, "end_date", CARE_QUERY_LT, soon);
      care_query_set_order (q, "end_date", FALSE);
    }
  else if (g_strcmp0 (filter, "expired") == 0)
    {
      care_query_add_string (q, "end_date", CARE_QUERY_LT, now);
      care_query_set_order (q, "end_date", TRUE);
    }
  else
    care_query_set_order (q, "end_date", TRUE);

  return g_steal_pointer (&q);
}

static void
update_list_state (CareWarrantiesView *self)
{
  guint            n = g_list_model_get_n_items (G_LIST_MODEL (self->records));
  g_autofree char *count = NULL;

  gtk_stack_set_visible_child_name (self->list_stack, n > 0 ? "list" : "empty");
  count = g_strdup_printf (ngettext ("%'u warranty", "%'u warranties", n), n);
  gtk_label_set_text (self->count_label, count);
  gtk_widget_set_visible (GTK_WIDGET (self->count_label), n > 0);

  if (n > 0)
    return;

  if (g_strcmp0 (self->filter, "expiring") == 0)
    {
      adw_status_page_set_title (self->empty_page, _ ("Nothing Expires Soon"));
      adw_status_page_set_description (
          self->empty_page,
          _ ("No warranty ends in the next 30 days. Choose All to see every warranty."));
    }
  else if (g_strcmp0 (self->filter, "active") == 0 || g_strcmp0 (self->filter, "expired") == 0)
    {
      adw_status_page_set_title (self->empty_page, g_strcmp0 (self->filter, "active") == 0
                                                       ? _ ("No Active Warranties")
                                                       : _ ("No Expired Warranties"));
      adw_status_page_set_description (self->empty_page, _ ("Choose All to see every warranty."));
    }
  else
    {
      adw_status_page_set_title (self->empty_page, _ ("No Warranties Yet"));
      adw_status_page_set_description (
          self->empty_page,
          _ ("Add the warranty of a registered product with the + button or Ctrl+N."));
    }
}

static void
records_changed_cb (
    GListModel *model, guint position, guint removed, guint added, CareWarrantiesView *self)
{
  update_list_state (self);
}

static void
apply_filter (CareWarrantiesView *self)
{
  g_autoptr (CareQuery) q =
      self->narrowed != NULL ? care_query_ref (self->narrowed) : filter_query (self->filter);

  care_record_list_set_query (self->records, q);
  update_list_state (self);
}

static GtkWidget *
row_label (const char *css1, const char *css2)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, css1);
  if (css2 != NULL)
    gtk_widget_add_css_class (label, css2);
  return label;
}

/* Product, then serial and owner, then kind and end: what an agent scans for. */
static void
setup_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *title = row_label ("heading", NULL);
  GtkWidget *badge = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (badge, "caption-heading");

  gtk_box_append (GTK_BOX (top), title);
  gtk_box_append (GTK_BOX (top), badge);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), row_label ("caption", NULL));
  gtk_box_append (GTK_BOX (box), row_label ("caption", "dim-label"));
  gtk_list_item_set_child (item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, CareWarrantiesView *self)
{
  CareRecord *w = gtk_list_item_get_item (item);
  GtkWidget  *box = gtk_list_item_get_child (item);
  GtkWidget  *top = gtk_widget_get_first_child (box);
  GtkWidget  *title = gtk_widget_get_first_child (top);
  GtkWidget  *badge = gtk_widget_get_next_sibling (title);
  GtkWidget  *owner = gtk_widget_get_next_sibling (top);
  GtkWidget  *terms = gtk_widget_get_next_sibling (owner);
  g_autoptr (CareRecord) product = care_format_load_reference (store (self), w, "product_id");
  g_autoptr (CareRecord) customer =
      product != NULL ? care_format_load_reference (store (self), product, "customer_id") : NULL;
  g_autofree char   *kind = care_format_record_field (w, "kind");
  g_autofree char   *end = care_format_record_field (w, "end_date");
  g_autofree char   *second = NULL;
  g_autofree char   *third = NULL;
  g_autofree char   *a11y = NULL;
  CareWarrantyStatus status;
  GDate              day;

  today (&day);
  status = care_warranty_status (w, &day, CARE_WARRANTY_EXPIRING_DAYS);
  second =
      g_strdup_printf ("%s · %s", product != NULL ? care_record_get_string (product, "serial") : "",
                       customer != NULL ? care_record_get_string (customer, "name") : "");
  /* TRANSLATORS: a warranty's kind and last day, e.g. "Standard warranty · ends 12/31/2026" */
  third = g_strdup_printf (_ ("%s · ends %s"), kind, end);

  gtk_label_set_text (GTK_LABEL (title), product != NULL ? care_record_get_string (product, "name")
                                                         : _ ("(no longer available)"));
  gtk_label_set_text (GTK_LABEL (owner), second);
  gtk_label_set_text (GTK_LABEL (terms), third);
  gtk_label_set_text (GTK_LABEL (badge), status_label (status));
  set_status_class (badge, status);

  a11y = g_strdup_printf ("%s, %s, %s, %s", gtk_label_get_text (GTK_LABEL (title)), second, third,
                          status_label (status));
  care_view_name_row (box, a11y);
}

/* "ada@example.com · +44 20 7946 0000": how to reach a customer. */
static char *
contact_line (CareRecord *customer)
{
  /* Its phone number does not break across lines. */
  return care_format_subtitle (customer);
}

/* The detail */

static void
set_covered (AdwActionRow *row, gboolean covered)
{
  GtkWidget *icon = g_object_get_data (G_OBJECT (row), "icon");

  if (icon == NULL)
    {
      icon = gtk_image_new ();
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
      adw_action_row_add_prefix (row, icon);
      g_object_set_data (G_OBJECT (row), "icon", icon);
    }

  gtk_image_set_from_icon_name (GTK_IMAGE (icon),
                                covered ? "object-select-symbolic" : "window-close-symbolic");
  gtk_widget_remove_css_class (icon, covered ? "dim-label" : "success");
  gtk_widget_add_css_class (icon, covered ? "success" : "dim-label");
  adw_action_row_set_subtitle (row, covered ? _ ("Covered") : _ ("Not covered"));
}

static void
show_detail (CareWarrantiesView *self, CareRecord *warranty)
{
  g_autoptr (CareRecord) product = NULL;
  g_autoptr (CareRecord) customer = NULL;
  g_autofree char   *line = NULL;
  g_autofree char   *kind = NULL;
  g_autofree char   *period = NULL;
  g_autofree char   *discount = NULL;
  g_autofree char   *contact = NULL;
  CareWarrantyStatus status;
  gint64             percent;
  GDate              day;

  g_set_object (&self->current, warranty);
  care_history_group_set_subject (self->history_group, care_view_get_context (CARE_VIEW (self)),
                                  warranty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.edit", warranty != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.open-claim", warranty != NULL);

  if (warranty == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "empty");
      return;
    }

  product = care_format_load_reference (store (self), warranty, "product_id");
  customer =
      product != NULL ? care_format_load_reference (store (self), product, "customer_id") : NULL;
  line = product_line (product);
  kind = care_format_record_field (warranty, "kind");
  period = period_text (warranty);
  today (&day);
  status = care_warranty_status (warranty, &day, CARE_WARRANTY_EXPIRING_DAYS);

  adw_preferences_group_set_title (self->summary_group, line);
  adw_preferences_group_set_description (self->summary_group, kind);

  if (self->status_badge == NULL)
    {
      self->status_badge = gtk_label_new (NULL);
      gtk_widget_add_css_class (self->status_badge, "heading");
      adw_action_row_add_suffix (self->status_row, self->status_badge);
    }
  gtk_label_set_text (GTK_LABEL (self->status_badge), status_label (status));
  set_status_class (self->status_badge, status);
  adw_action_row_set_subtitle (self->status_row, "");
  adw_action_row_set_subtitle (self->period_row, period);

  set_covered (self->parts_row, care_record_get_bool (warranty, "covers_parts"));
  set_covered (self->labour_row, care_record_get_bool (warranty, "covers_labour"));
  set_covered (self->onsite_row, care_record_get_bool (warranty, "covers_onsite"));

  percent = care_record_get_int (warranty, "discount_percent", 0);
  if (percent > 0)
    /* TRANSLATORS: the maintenance discount of a warranty, e.g. "10 % at authorised service locations" */
    discount = g_strdup_printf (_ ("%d %% at authorised service locations"), (int) percent);
  else
    discount = g_strdup (_ ("None"));
  adw_action_row_set_subtitle (self->discount_row, discount);

  gtk_label_set_text (self->terms_label, care_record_get_string (warranty, "terms") != NULL
                                             ? care_record_get_string (warranty, "terms")
                                             : _ ("No terms recorded."));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->product_row),
                                 product != NULL ? care_record_get_string (product, "name") : line);
  adw_action_row_set_subtitle (self->product_row,
                               product != NULL ? care_record_get_string (product, "serial") : "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->customer_row),
                                 customer != NULL ? care_record_get_string (customer, "name")
                                                  : _ ("(no longer available)"));
  contact = customer != NULL ? contact_line (customer) : g_strdup ("");
  adw_action_row_set_subtitle (self->customer_row, contact);

  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
  adw_leaflet_set_visible_child (self->leaflet, self->detail_pane);
}

static void
reload_current (CareWarrantiesView *self)
{
  g_autoptr (CareRecord) fresh = NULL;

  if (self->current == NULL)
    return;

  fresh = load (self, CARE_ENTITY_WARRANTY, care_record_get_id (self->current));
  if (fresh != NULL)
    show_detail (self, fresh);
  else
    show_detail (self, NULL);
}

/* The lookup */

static void
show_answer (CareWarrantiesView *self,
             const char         *icon,
             CareWarrantyStatus  css_status,
             const char         *title,
             const char         *subtitle,
             const char         *details)
{
  g_autofree char *a11y = g_strjoin (". ", title, subtitle, details, NULL);

  gtk_image_set_from_icon_name (self->result_icon, icon);
  set_status_class (GTK_WIDGET (self->result_icon), css_status);
  gtk_label_set_text (self->result_title, title);
  set_status_class (GTK_WIDGET (self->result_title), css_status);
  gtk_label_set_text (self->result_subtitle, subtitle);
  gtk_label_set_text (self->result_details, details);
  gtk_widget_set_visible (GTK_WIDGET (self->result_details), details[0] != '\0');
  gtk_widget_set_visible (self->result_show_button, self->looked_up_id != NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->result_card), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  a11y, -1);
  gtk_revealer_set_reveal_child (self->result_revealer, TRUE);
}

/* Shows whether the product with @serial is covered today, and by what. */
static void
lookup (CareWarrantiesView *self, const char *serial)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *details = NULL;
  g_autofree char *date = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *period = NULL;
  g_autoptr (CareRecord) customer = NULL;
  CareCoverage coverage;
  GDate        day;

  g_return_if_fail (CARE_IS_WARRANTIES_VIEW (self));

  trimmed = g_strstrip (g_strdup (serial != NULL ? serial : ""));
  g_clear_pointer (&self->looked_up_id, g_free);
  if (trimmed[0] == '\0')
    {
      gtk_revealer_set_reveal_child (self->result_revealer, FALSE);
      return;
    }

  today (&day);
  if (!care_coverage_lookup (store (self), trimmed, &day, &coverage, &error))
    {
      show_answer (self, "dialog-error-symbolic", CARE_WARRANTY_STATUS_EXPIRED,
                   _ ("The Lookup Failed"), error->message, "");
      return;
    }

  /* Serials are printed in capitals; accept them typed in lower case. */
  if (coverage.product == NULL)
    {
      g_autofree char *upper = g_utf8_strup (trimmed, -1);

      if (g_strcmp0 (upper, trimmed) != 0 &&
          !care_coverage_lookup (store (self), upper, &day, &coverage, &error))
        g_clear_error (&error);
    }

  if (coverage.product == NULL)
    {
      /* TRANSLATORS: %s is the serial number a user typed */
      subtitle =
          g_strdup_printf (_ ("No product with the serial number “%s” is registered."), trimmed);
      show_answer (
          self, "dialog-question-symbolic", CARE_WARRANTY_STATUS_NONE, _ ("Unknown serial number"),
          subtitle,
          _ ("Check the number on the type plate, or register the product with the customer."));
      return;
    }

  customer =
      load (self, CARE_ENTITY_CUSTOMER, care_record_get_string (coverage.product, "customer_id"));
  {
    g_autofree char *line = product_line (coverage.product);
    subtitle = customer != NULL
                   ? g_strdup_printf ("%s · %s", line, care_record_get_string (customer, "name"))
                   : g_steal_pointer (&line);
  }

  if (coverage.warranty != NULL)
    {
      self->looked_up_id = g_strdup (care_record_get_id (coverage.warranty));
      kind = care_format_record_field (coverage.warranty, "kind");
      period = period_text (coverage.warranty);
    }

  switch (coverage.status)
    {
    case CARE_WARRANTY_STATUS_ACTIVE:
    case CARE_WARRANTY_STATUS_EXPIRING:
      date = care_format_record_field (coverage.warranty, "end_date");
      /* TRANSLATORS: %s is the last covered day */
      title = g_strdup_printf (_ ("Covered until %s"), date);
      {
        g_autofree char *covers = coverage_text (coverage.warranty);
        details = g_strdup_printf ("%s. %s", kind, covers);
      }
      show_answer (self, "emblem-ok-symbolic", CARE_WARRANTY_STATUS_ACTIVE, title, subtitle,
                   details);
      break;

    case CARE_WARRANTY_STATUS_EXPIRED:
      date = care_format_record_field (coverage.warranty, "end_date");
      /* TRANSLATORS: %s is the last day the warranty covered */
      title = g_strdup_printf (_ ("Expired on %s"), date);
      /* TRANSLATORS: the last warranty a product had: its kind and period */
      details = g_strdup_printf (_ ("Last warranty: %s, %s"), kind, period);
      show_answer (self, "dialog-warning-symbolic", CARE_WARRANTY_STATUS_EXPIRED, title, subtitle,
                   details);
      break;

    case CARE_WARRANTY_STATUS_NOT_STARTED:
      date = care_format_record_field (coverage.warranty, "start_date");
      /* TRANSLATORS: %s is the first day the warranty will cover */
      title = g_strdup_printf (_ ("Not started until %s"), date);
      details = g_strdup_printf ("%s, %s", kind, period);
      show_answer (self, "alarm-symbolic", CARE_WARRANTY_STATUS_NOT_STARTED, title, subtitle,
                   details);
      break;

    case CARE_WARRANTY_STATUS_NONE:
    default:
      show_answer (self, "dialog-information-symbolic", CARE_WARRANTY_STATUS_NONE,
                   _ ("No warranty"), subtitle,
                   _ ("This product has no warranty or maintenance contract on record."));
      break;
    }

  care_coverage_clear (&coverage);
}

/* Callbacks */

static void
lookup_activate_cb (CareWarrantiesView *self)
{
  lookup (self, gtk_editable_get_text (GTK_EDITABLE (self->lookup_entry)));
}

/* Escape in the serial number field puts the answer away. */
static void
lookup_stop_cb (CareWarrantiesView *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "view.dismiss-lookup", NULL);
}

/* Rows select on click or arrow keys, not on hover (a highlighted row
 * beside another record's detail, or none): the detail follows. No
 * selection (a filter or search that hides the record) leaves the detail;
 * a reload that selects the row again leaves it to store_changed_cb(). */
static void
selection_changed_cb (GtkSingleSelection *selection, GParamSpec *pspec, CareWarrantiesView *self)
{
  CareRecord *record = gtk_single_selection_get_selected_item (selection);

  if (record == NULL || care_view_selection_is_restoring (selection))
    return;
  show_detail (self, record);
}

static void
list_activate_cb (GtkListView *list, guint position, CareWarrantiesView *self)
{
  g_autoptr (CareRecord) w = g_list_model_get_item (G_LIST_MODEL (self->records), position);

  show_detail (self, w);
}

static void
store_changed_cb (CareStore *store, const char *entity, const char *id, CareWarrantiesView *self)
{
  /* Product and customer names show in the detail too. */
  if (self->current != NULL &&
      (id == NULL || g_str_equal (entity, "product") || g_str_equal (entity, "customer") ||
       g_strcmp0 (id, care_record_get_id (self->current)) == 0))
    reload_current (self);
}

static void
warranty_saved_cb (CareEditorDialog *dialog, CareRecord *record, CareWarrantiesView *self)
{
  care_view_add_toast (self, adw_toast_new (_ ("Warranty saved")));
  show_detail (self, record);
}

static void
open_editor (CareWarrantiesView *self, CareRecord *record, const char *title)
{
  CareEditorDialog *dialog = care_editor_dialog_new (care_view_get_window (self), store (self),
                                                     record, warranty_fields, title);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (warranty_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
claim_saved_cb (CareEditorDialog *dialog, CareRecord *claim, CareWarrantiesView *self)
{
  care_view_add_toast (self, adw_toast_new (_ ("Warranty claim opened")));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-record", "(ss)", "service_case",
                              care_record_get_id (claim));
}

static void
view_new_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareWarrantiesView *self = CARE_WARRANTIES_VIEW (widget);
  g_autoptr (CareRecord) w = care_record_new (care_schema_entity (CARE_ENTITY_WARRANTY));
  g_autofree char *now = care_clock_today ();

  care_record_set_string (w, "kind", "standard");
  care_record_set_string (w, "start_date", now);
  care_record_set_bool (w, "covers_parts", TRUE);
  care_record_set_bool (w, "covers_labour", TRUE);
  care_record_set_bool (w, "covers_onsite", FALSE);
  open_editor (self, w, _ ("New Warranty"));
}

static void
view_edit_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareWarrantiesView *self = CARE_WARRANTIES_VIEW (widget);

  if (self->current != NULL)
    open_editor (self, self->current, _ ("Edit Warranty"));
}

static void
view_open_claim_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareWarrantiesView *self = CARE_WARRANTIES_VIEW (widget);
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) claim = NULL;
  CareEditorDialog *dialog;
  GDate             day;

  if (self->current == NULL)
    return;

  today (&day);
  claim = care_case_new_warranty_claim (store (self), self->current, &day, &error);
  /* The claim's service level is chosen as it opens, as for any case. */
  if (claim == NULL || !care_sla_choose_policy (store (self), claim, &error))
    {
      care_view_add_toast (self, adw_toast_new (error->message));
      return;
    }

  dialog = care_editor_dialog_new (care_view_get_window (self), store (self), claim, claim_fields,
                                   _ ("New Warranty Claim"));
  g_signal_connect_object (dialog, "saved", G_CALLBACK (claim_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
view_find_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareWarrantiesView *self = CARE_WARRANTIES_VIEW (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->lookup_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->lookup_entry), 0, -1);
}

static void
view_lookup_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  lookup_activate_cb (CARE_WARRANTIES_VIEW (widget));
}

static void
view_show_looked_up_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareWarrantiesView *self = CARE_WARRANTIES_VIEW (widget);
  g_autoptr (CareRecord) w =
      self->looked_up_id != NULL ? load (self, CARE_ENTITY_WARRANTY, self->looked_up_id) : NULL;
  int position;

  if (w == NULL)
    return;

  show_detail (self, w);
  position = care_record_list_find (self->records, self->looked_up_id);
  if (position >= 0)
    gtk_single_selection_set_selected (self->selection, (guint) position);
}

static void
view_dismiss_lookup_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareWarrantiesView *self = CARE_WARRANTIES_VIEW (widget);

  gtk_revealer_set_reveal_child (self->result_revealer, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->lookup_entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->lookup_entry));
}

static void
view_back_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareWarrantiesView *self = CARE_WARRANTIES_VIEW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
}

/* The whole list again, as the status filter says. */
static void
filter_bar_closed_cb (CareWarrantiesView *self)
{
  g_clear_pointer (&self->narrowed, care_query_unref);
  apply_filter (self);
}

/* CareView */

/* Exactly the warranties the Today page counts as expiring: those whose
 * cover lapses (an extension that carries on is no renewal to sell). */
static void
show_filter (CareView *view, const char *filter)
{
  CareWarrantiesView *self = CARE_WARRANTIES_VIEW (view);
  g_autoptr (GDateTime) now = care_clock_now_local ();
  g_autoptr (CareDashboardStats) stats = NULL;

  if (!g_str_equal (filter, "expiring"))
    {
      g_warning ("No warranty filter %s", filter);
      return;
    }

  stats = care_dashboard_stats_new (store (self), now);
  g_object_set (self, "filter", "expiring", NULL);
  g_clear_pointer (&self->narrowed, care_query_unref);
  self->narrowed =
      care_dashboard_stats_expiring_warranties_query (stats, CARE_WARRANTY_EXPIRING_DAYS);
  care_filter_bar_set_title (self->filter_bar, _ ("Warranties Expiring in the Next 30 Days"));
  apply_filter (self);
  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
}

/* Shows the warranty with @id, selected in the list when the list shows it. */
static void
show_record (CareView *view, const char *id)
{
  CareWarrantiesView *self = CARE_WARRANTIES_VIEW (view);
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) w =
      care_store_load (store (self), care_schema_entity (CARE_ENTITY_WARRANTY), id, &error);
  int position;

  if (w == NULL)
    {
      care_view_show_error (self, NULL, error);
      return;
    }

  show_detail (self, w);
  position = care_record_list_find (self->records, id);
  gtk_single_selection_set_selected (self->selection,
                                     position >= 0 ? (guint) position : GTK_INVALID_LIST_POSITION);
}

static GtkWidget *
get_header_start (CareView *view)
{
  return CARE_WARRANTIES_VIEW (view)->new_button;
}

/* GObject */

static void
care_warranties_view_constructed (GObject *object)
{
  CareWarrantiesView *self = CARE_WARRANTIES_VIEW (object);
  g_autoptr (CareQuery) q = filter_query (self->filter);

  G_OBJECT_CLASS (care_warranties_view_parent_class)->constructed (object);

  self->records = care_record_list_new (store (self), q);
  g_signal_connect_object (self->records, "items-changed", G_CALLBACK (records_changed_cb), self,
                           0);
  self->selection =
      care_view_bind_list (CARE_VIEW (self), self->list_view, G_LIST_MODEL (self->records),
                           G_CALLBACK (setup_row_cb), G_CALLBACK (bind_row_cb));
  care_view_keep_selection (self->selection);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, 0);

  g_signal_connect_object (store (self), "changed", G_CALLBACK (store_changed_cb), self, 0);
  update_list_state (self);
  show_detail (self, NULL);
}

static void
care_warranties_view_dispose (GObject *object)
{
  CareWarrantiesView *self = CARE_WARRANTIES_VIEW (object);

  care_view_dispose_template (CARE_VIEW (self), CARE_TYPE_WARRANTIES_VIEW);
  self->filter_bar = NULL;
  g_clear_pointer (&self->narrowed, care_query_unref);
  g_clear_object (&self->new_button);
  g_clear_object (&self->selection);
  g_clear_object (&self->records);
  g_clear_object (&self->current);

  G_OBJECT_CLASS (care_warranties_view_parent_class)->dispose (object);
}

static void
care_warranties_view_finalize (GObject *object)
{
  CareWarrantiesView *self = CARE_WARRANTIES_VIEW (object);

  g_free (self->looked_up_id);
  g_free (self->filter);

  G_OBJECT_CLASS (care_warranties_view_parent_class)->finalize (object);
}

static void
care_warranties_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CareWarrantiesView *self = CARE_WARRANTIES_VIEW (object);

  switch (prop_id)
    {
    case PROP_FILTER:
      g_value_set_string (value, self->filter);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_warranties_view_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  CareWarrantiesView *self = CARE_WARRANTIES_VIEW (object);
  const char         *filter;

  switch (prop_id)
    {
    case PROP_FILTER:
      filter = g_value_get_string (value);
      if (filter == NULL || g_strcmp0 (filter, self->filter) == 0)
        break;
      g_free (self->filter);
      self->filter = g_strdup (filter);
      /* Another status chosen: the list of a summary gives way. */
      g_clear_pointer (&self->narrowed, care_query_unref);
      if (self->filter_bar != NULL)
        care_filter_bar_set_title (self->filter_bar, NULL);
      if (self->records != NULL)
        apply_filter (self);
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_warranties_view_class_init (CareWarrantiesViewClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CareViewClass  *view_class = CARE_VIEW_CLASS (klass);

  object_class->constructed = care_warranties_view_constructed;
  object_class->dispose = care_warranties_view_dispose;
  object_class->finalize = care_warranties_view_finalize;
  object_class->get_property = care_warranties_view_get_property;
  object_class->set_property = care_warranties_view_set_property;

  view_class->get_header_start = get_header_start;
  view_class->show_record = show_record;
  view_class->show_filter = show_filter;
  care_view_class_set_entity (view_class, "warranty");

  /* The status filter: all, active, expiring or expired. */
  properties[PROP_FILTER] =
      g_param_spec_string ("filter", NULL, NULL, "active",
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property (object_class, PROP_FILTER, properties[PROP_FILTER]);

  g_type_ensure (CARE_TYPE_HISTORY_GROUP);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/warranties/care-warranties-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, lookup_entry);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, result_revealer);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, result_card);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, result_icon);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, result_title);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, result_subtitle);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, result_details);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, result_show_button);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, list_pane);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, detail_pane);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, count_label);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, list_view);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, history_group);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, summary_group);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, status_row);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, period_row);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, parts_row);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, labour_row);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, onsite_row);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, discount_row);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, terms_label);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, product_row);
  gtk_widget_class_bind_template_child (widget_class, CareWarrantiesView, customer_row);
  gtk_widget_class_bind_template_callback (widget_class, lookup_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, lookup_stop_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);

  gtk_widget_class_install_action (widget_class, "view.new", NULL, view_new_cb);
  gtk_widget_class_install_action (widget_class, "view.find", NULL, view_find_cb);
  gtk_widget_class_install_action (widget_class, "view.edit", NULL, view_edit_cb);
  gtk_widget_class_install_action (widget_class, "view.open-claim", NULL, view_open_claim_cb);
  gtk_widget_class_install_action (widget_class, "view.lookup", NULL, view_lookup_cb);
  gtk_widget_class_install_action (widget_class, "view.show-looked-up", NULL,
                                   view_show_looked_up_cb);
  gtk_widget_class_install_action (widget_class, "view.dismiss-lookup", NULL,
                                   view_dismiss_lookup_cb);
  gtk_widget_class_install_action (widget_class, "view.back", NULL, view_back_cb);
  gtk_widget_class_install_property_action (widget_class, "view.filter", "filter");
}

static void
care_warranties_view_init (CareWarrantiesView *self)
{
  self->filter = g_strdup ("active");
  gtk_widget_init_template (GTK_WIDGET (self));

  self->new_button =
      care_view_new_header_button (CARE_VIEW (self), "list-add-symbolic", _ ("New Warranty"),
                                   _ ("New Warranty (Ctrl+N)"), "view.new");

  self->filter_bar = CARE_FILTER_BAR (care_filter_bar_new ());
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->list_stack))),
                              GTK_WIDGET (self->filter_bar),
                              gtk_widget_get_prev_sibling (GTK_WIDGET (self->list_stack)));
  g_signal_connect_object (self->filter_bar, "closed", G_CALLBACK (filter_bar_closed_cb), self,
                           G_CONNECT_SWAPPED);
}
