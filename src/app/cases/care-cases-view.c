/* care-cases-view.c: service cases (complaints and warranty claims) and their workflow.
 *
 * The list pages cases from SQLite, newest first, filtered by status in SQL.
 * The detail offers only the next steps the workflow in care-case.c allows,
 * asks for a resolution before resolving, and saves priority and assignee
 * as soon as they change: an agent on the phone has no time for a form. */
#define G_LOG_DOMAIN "care-cases-view"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "care-clock.h"
#include "care-case-returns.h"
#include "care-case.h"
#include "care-cases-view.h"
#include "care-dashboard-stats.h"
#include "care-editor-dialog.h"
#include "care-filter-bar.h"
#include "care-follow-up-hook.h"
#include "care-format.h"
#include "care-record-list.h"
#include "care-record-picker.h"
#include "care-history-group.h"
#include "care-sla-text.h"
#include "care-sla.h"
#include "care-survey-group.h"
#include "care-warranty.h"

/* How far down the list show_case() looks to select a case. */
#define SELECT_SCAN_LIMIT 500
/* The "at risk" and "breached" lists look at this many open cases, the
 * oldest first: the timers cannot be computed in SQL, so bound the work. */
#define SLA_SCAN_LIMIT 2000
/* Timers run on while the detail shows a case. */
#define SLA_TICK_SECONDS 60

struct _CareCasesView
{
  CareView parent_instance;

  /* Template widgets */
  AdwLeaflet          *leaflet;
  GtkWidget           *list_pane;
  GtkWidget           *detail_pane;
  GtkSearchBar        *search_bar;
  GtkSearchEntry      *search_entry;
  GtkDropDown         *filter_dropdown;
  GtkLabel            *count_label;
  GtkStack            *list_stack;
  GtkListView         *list_view;
  AdwStatusPage       *empty_page;
  GtkStack            *detail_stack;
  AdwPreferencesGroup *summary_group;
  AdwActionRow        *status_row;
  GtkWidget           *workflow_box;
  AdwComboRow         *priority_row;
  AdwActionRow        *assignee_row;
  GtkMenuButton       *assignee_button;
  AdwActionRow        *warranty_row;
  AdwPreferencesGroup *sla_group;
  AdwActionRow        *sla_policy_row;
  AdwActionRow        *sla_first_response_row;
  AdwActionRow        *sla_resolution_row;
  AdwActionRow        *customer_row;
  AdwActionRow        *product_row;
  AdwActionRow        *opened_row;
  GtkLabel            *description_label;
  AdwPreferencesGroup *resolution_group;
  GtkLabel            *resolution_label;
  CareCaseReturns     *returns_group;
  CareSurveyGroup     *survey_group;
  CareHistoryGroup    *history_group;

  /* Borrowed references */
  CareFilterBar *filter_bar;

  /* Owned references */
  CareQuery          *narrowed; /* the cases a summary linked to, or NULL */
  CareRecordList     *records;
  GListStore         *sla_records; /* the "at risk" or "breached" list, worst first */
  GHashTable         *sla_by_case; /* case id -> CareSla of the cases in sla_records */
  GtkSingleSelection *selection;
  CareRecord         *current;    /* the case shown in the detail */
  GtkWidget          *new_button; /* packed into the window's header bar */
  GtkWidget          *search_button;
  GtkWidget          *status_badge;
  gboolean            filling;   /* the detail is being filled: no saving */
  gboolean            narrowing; /* the status filter follows a link: keep the narrowing */
  guint               sla_reload_id;
  guint               sla_tick_id;
};

G_DEFINE_FINAL_TYPE (CareCasesView, care_cases_view, CARE_TYPE_VIEW)

/* Parallel to the filter drop-down's first items; NULL is every open
 * status. The two items after them list cases by their timers. */
static const char *const filter_statuses[] = { NULL,      "open",     "in_progress",
                                               "waiting", "resolved", "closed" };
enum
{
  FILTER_AT_RISK = G_N_ELEMENTS (filter_statuses),
  FILTER_BREACHED,
};

/* The lists the Today page links to, by #CareCaseAge, named as it names them. */
static const char *const age_filters[CARE_CASE_AGE_N] = { "case-age-0", "case-age-1", "case-age-2",
                                                          "case-age-3" };
static const char *const age_titles[CARE_CASE_AGE_N] = {
  N_ ("Opened less than a day ago"),
  N_ ("Open for 1 to 7 days"),
  N_ ("Open for 8 to 30 days"),
  N_ ("Open for more than 30 days"),
};

static const char *const new_case_fields[] = { "customer_id", "product_id",  "kind",
                                               "subject",     "description", "channel",
                                               "priority",    "assignee_id", NULL };
static const char *const edit_case_fields[] = { "customer_id", "product_id",  "kind",
                                                "subject",     "description", "channel",
                                                "priority",    "assignee_id", NULL };
static const char *const edit_closed_case_fields[] = { "customer_id", "product_id",  "kind",
                                                       "subject",     "description", "channel",
                                                       "priority",    "assignee_id", "resolution",
                                                       NULL };

static const CareField *
case_field (const char *name)
{
  return care_entity_lookup_field (care_schema_entity (CARE_ENTITY_SERVICE_CASE), name);
}

static CareStore *
store (CareCasesView *self)
{
  return care_view_get_store (CARE_VIEW (self));
}

static CareRecord *
load (CareCasesView *self, CareEntityId entity, const char *id)
{
  return care_view_load_record (self, store (self), care_schema_entity (entity), id);
}

/* "3 days", "5 hours": how long a case has been waiting for an answer. */
static char *
age_text (const char *opened_at)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) opened =
      opened_at != NULL ? g_date_time_new_from_iso8601 (opened_at, utc) : NULL;
  g_autoptr (GDateTime) now = care_clock_now_utc ();
  GTimeSpan span;
  gint64    n;

  if (opened == NULL)
    return g_strdup ("");

  span = g_date_time_difference (now, opened);
  if (span < G_TIME_SPAN_HOUR)
    return g_strdup (_ ("Just now"));
  if (span < G_TIME_SPAN_DAY)
    {
      n = span / G_TIME_SPAN_HOUR;
      return g_strdup_printf (ngettext ("%d hour", "%d hours", (gulong) n), (int) n);
    }
  n = span / G_TIME_SPAN_DAY;
  return g_strdup_printf (ngettext ("%d day", "%d days", (gulong) n), (int) n);
}

static const char *
priority_css (const char *priority)
{
  if (g_strcmp0 (priority, "urgent") == 0)
    return "error";
  if (g_strcmp0 (priority, "high") == 0)
    return "warning";
  return "dim-label";
}

static const char *
status_css (const char *status)
{
  if (g_strcmp0 (status, "open") == 0)
    return "accent";
  if (g_strcmp0 (status, "in_progress") == 0 || g_strcmp0 (status, "waiting") == 0)
    return "warning";
  if (g_strcmp0 (status, "resolved") == 0)
    return "success";
  return "dim-label";
}

static void
set_css (GtkWidget *widget, const char *css)
{
  static const char *const all[] = { "accent", "success", "warning", "error", "dim-label" };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    gtk_widget_remove_css_class (widget, all[i]);
  gtk_widget_add_css_class (widget, css);
}

/* The list */

static CareQuery *
filter_query (CareCasesView *self)
{
  g_autoptr (CareQuery) q = NULL;
  guint       selected = gtk_drop_down_get_selected (self->filter_dropdown);
  const char *status = selected < G_N_ELEMENTS (filter_statuses) ? filter_statuses[selected] : NULL;

  if (self->narrowed != NULL)
    {
      q = care_query_copy (self->narrowed);
      care_query_set_search (q, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
      return g_steal_pointer (&q);
    }

  q = care_query_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));
  if (status != NULL)
    care_query_add_string (q, "status", CARE_QUERY_EQ, status);
  else
    care_query_add_in (q, "status", care_case_open_statuses ());
  care_query_set_search (q, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  care_query_set_order (q, "opened_at", TRUE);

  return g_steal_pointer (&q);
}

/* The least state the list shows, or NONE when it lists by status. */
static CareSlaState
sla_filter (CareCasesView *self)
{
  switch (gtk_drop_down_get_selected (self->filter_dropdown))
    {
    case FILTER_AT_RISK:
      return CARE_SLA_STATE_AT_RISK;
    case FILTER_BREACHED:
      return CARE_SLA_STATE_BREACHED;
    default:
      return CARE_SLA_STATE_NONE;
    }
}

static GListModel *
shown_model (CareCasesView *self)
{
  return gtk_single_selection_get_model (self->selection);
}

static void
update_list_state (CareCasesView *self)
{
  guint            n = g_list_model_get_n_items (shown_model (self));
  const char      *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *count = g_strdup_printf (ngettext ("%'u case", "%'u cases", n), n);

  gtk_label_set_text (self->count_label, count);
  gtk_stack_set_visible_child_name (self->list_stack, n > 0 ? "list" : "empty");
  if (n > 0)
    return;

  if (search[0] != '\0')
    {
      adw_status_page_set_title (self->empty_page, _ ("No Matching Cases"));
      adw_status_page_set_description (
          self->empty_page,
          _ ("No case subject contains this text. Try fewer words, or another status."));
    }
  else if (sla_filter (self) == CARE_SLA_STATE_AT_RISK)
    {
      adw_status_page_set_title (self->empty_page, _ ("No Cases at Risk"));
      adw_status_page_set_description (
          self->empty_page,
          _ ("Every open case with a service level has at least a fifth of its time left."));
    }
  else if (sla_filter (self) == CARE_SLA_STATE_BREACHED)
    {
      adw_status_page_set_title (self->empty_page, _ ("No Breached Cases"));
      adw_status_page_set_description (self->empty_page,
                                       _ ("No open case is past its service level targets."));
    }
  else if (gtk_drop_down_get_selected (self->filter_dropdown) == 0)
    {
      adw_status_page_set_title (self->empty_page, _ ("No Open Cases"));
      adw_status_page_set_description (
          self->empty_page,
          _ ("Every case is handled. Open a new one with the + button or Ctrl+N."));
    }
  else
    {
      adw_status_page_set_title (self->empty_page, _ ("No Cases With This Status"));
      adw_status_page_set_description (self->empty_page,
                                       _ ("Choose another status above to see more cases."));
    }
}

static void
records_changed_cb (
    GListModel *model, guint position, guint removed, guint added, CareCasesView *self)
{
  update_list_state (self);
}

/* The cases at risk or breached now, worst first, then the one due
 * first; a search narrows them by subject as it narrows the other lists. */
static void
load_sla_list (CareCasesView *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *search =
      g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);

  g_hash_table_remove_all (self->sla_by_case);
  entries = care_sla_list_open (store (self), sla_filter (self), SLA_SCAN_LIMIT, &error);
  if (entries == NULL)
    care_view_show_error (self, NULL, error);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      CareSlaEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr (CareRecord) c = care_store_load (
          store (self), care_schema_entity (CARE_ENTITY_SERVICE_CASE), entry->case_id, NULL);
      g_autofree char *subject = NULL;

      if (c == NULL)
        continue;
      subject = g_utf8_casefold (care_record_get_string (c, "subject"), -1);
      if (search[0] != '\0' && strstr (subject, search) == NULL)
        continue;
      /* "At risk" is not yet breached: breached cases have a list of their own. */
      if (care_sla_get_state (entry->sla) != sla_filter (self))
        continue;
      g_hash_table_insert (self->sla_by_case, g_strdup (entry->case_id),
                           g_steal_pointer (&entry->sla));
      g_ptr_array_add (records, g_steal_pointer (&c));
    }
  g_list_store_splice (self->sla_records, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->sla_records)), records->pdata,
                       records->len);
}

static void
apply_filter (CareCasesView *self)
{
  g_autoptr (CareQuery) q = NULL;
  GListModel *model;

  if (self->records == NULL)
    return;

  if (sla_filter (self) != CARE_SLA_STATE_NONE)
    {
      load_sla_list (self);
      model = G_LIST_MODEL (self->sla_records);
    }
  else
    {
      q = filter_query (self);
      care_record_list_set_query (self->records, q);
      g_list_store_remove_all (self->sla_records);
      g_hash_table_remove_all (self->sla_by_case);
      model = G_LIST_MODEL (self->records);
    }
  if (shown_model (self) != model)
    gtk_single_selection_set_model (self->selection, model);
  update_list_state (self);
}

/* The whole list again, as the filters above it say. */
static void
drop_narrowing (CareCasesView *self)
{
  g_clear_pointer (&self->narrowed, care_query_unref);
  care_filter_bar_set_title (self->filter_bar, NULL);
}

static GtkWidget *
label_with (const char *css1, const char *css2)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css1 != NULL)
    gtk_widget_add_css_class (label, css1);
  if (css2 != NULL)
    gtk_widget_add_css_class (label, css2);
  return label;
}

static void
setup_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *side = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = label_with ("heading", NULL);
  GtkWidget *subtitle = label_with ("dim-label", "caption");
  GtkWidget *age = label_with ("dim-label", "caption");
  GtkWidget *priority = label_with ("caption-heading", NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_xalign (GTK_LABEL (age), 1);
  gtk_label_set_xalign (GTK_LABEL (priority), 1);
  gtk_widget_set_valign (side, GTK_ALIGN_CENTER);

  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), subtitle);
  gtk_box_append (GTK_BOX (side), priority);
  gtk_box_append (GTK_BOX (side), age);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), side);
  gtk_list_item_set_child (item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, CareCasesView *self)
{
  CareRecord      *c = gtk_list_item_get_item (item);
  GtkWidget       *box = gtk_list_item_get_child (item);
  GtkWidget       *text = gtk_widget_get_first_child (box);
  GtkWidget       *title = gtk_widget_get_first_child (text);
  GtkWidget       *subtitle = gtk_widget_get_next_sibling (title);
  GtkWidget       *side = gtk_widget_get_next_sibling (text);
  GtkWidget       *priority = gtk_widget_get_first_child (side);
  GtkWidget       *age = gtk_widget_get_next_sibling (priority);
  g_autofree char *customer = care_format_reference (store (self), case_field ("customer_id"),
                                                     care_record_get_string (c, "customer_id"));
  g_autofree char *status = care_format_record_field (c, "status");
  g_autofree char *prio = care_format_record_field (c, "priority");
  g_autofree char *when = age_text (care_record_get_string (c, "opened_at"));
  g_autofree char *second = g_strdup_printf ("%s · %s", customer, status);
  g_autofree char *a11y = NULL;

  gtk_label_set_text (GTK_LABEL (title), care_record_get_string (c, "subject"));
  gtk_label_set_text (GTK_LABEL (subtitle), second);
  gtk_label_set_text (GTK_LABEL (priority), prio);
  set_css (priority, priority_css (care_record_get_string (c, "priority")));
  {
    CareSla *sla = g_hash_table_lookup (self->sla_by_case, care_record_get_id (c));

    /* In the "at risk" and "breached" lists the timer says more than the age. */
    if (sla != NULL)
      {
        g_free (when);
        when = care_sla_text_short (sla);
      }
    set_css (age, sla != NULL ? care_sla_text_css (care_sla_get_state (sla)) : "dim-label");
  }
  gtk_label_set_text (GTK_LABEL (age), when);

  /* TRANSLATORS: a case in a list as a screen reader says it: subject, customer · status, priority, age */
  a11y = g_strdup_printf (_ ("%s, %s, priority %s, %s"), care_record_get_string (c, "subject"),
                          second, prio, when);
  care_view_name_row (box, a11y);
}

/* The workflow */

static const char *
step_label (const char *from, const char *to)
{
  if (g_str_equal (to, "in_progress"))
    {
      if (g_strcmp0 (from, "open") == 0)
        return _ ("_Start Work");
      if (g_strcmp0 (from, "resolved") == 0)
        return _ ("Re_open");
      return _ ("_Resume Work");
    }
  if (g_str_equal (to, "waiting"))
    return _ ("_Wait for Reply");
  if (g_str_equal (to, "resolved"))
    return _ ("Re_solve…");
  if (g_str_equal (to, "closed"))
    return _ ("_Close Case");
  return to;
}

static gboolean save_current (CareCasesView *self, CareRecord *changed, const char *message);

/* Moves the shown case on; a step the rule refuses is left to the caller
 * to explain when it asks for @error, else a toast says why. */
static gboolean
move_to (CareCasesView *self, const char *to, const char *resolution, GError **error)
{
  g_autoptr (CareRecord) copy = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *old_status = NULL;
  g_autoptr (CareRecord) call = NULL;

  if (self->current == NULL)
    return FALSE;
  old_status = g_strdup (care_record_get_string (self->current, "status"));

  copy = care_record_copy (self->current);
  if (!care_case_transition (copy, to, resolution, &local_error))
    {
      if (error == NULL)
        care_view_add_toast (self, adw_toast_new (local_error->message));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* TRANSLATORS: %s is the new status of a case, e.g. "Case is now In progress" */
  message =
      g_strdup_printf (_ ("Case is now %s"), care_field_choice_label (case_field ("status"), to));
  if (!save_current (self, copy, NULL))
    return TRUE;

  /* The booked call says more than the new status, which the badge shows. */
  call = care_follow_up_after_change (care_view_get_context (CARE_VIEW (self)), old_status, copy);
  if (call != NULL)
    {
      g_free (message);
      message = care_follow_up_describe (call);
    }
  care_view_add_toast (self, adw_toast_new (message));
  return TRUE;
}

static void ask_resolution (CareCasesView *self, const char *problem);

static void
resolve_response_cb (AdwMessageDialog *dialog, const char *response, CareCasesView *self)
{
  GtkTextView   *view = g_object_get_data (G_OBJECT (dialog), "text-view");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  GtkTextIter      start, end;

  if (!g_str_equal (response, "resolve"))
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  /* The rule in core refuses an empty resolution; ask again, saying why
   * (the dialog closes after any response). */
  if (!move_to (self, "resolved", text, &error))
    {
      if (g_error_matches (error, CARE_CASE_ERROR, CARE_CASE_ERROR_RESOLUTION_REQUIRED))
        ask_resolution (self, error->message);
      else
        care_view_add_toast (self, adw_toast_new (error->message));
    }
}

/* @problem: (nullable): why the last answer was refused */
static void
ask_resolution (CareCasesView *self, const char *problem)
{
  GtkWidget *dialog = adw_message_dialog_new (
      care_view_get_window (self), _ ("Resolve Case?"),
      problem != NULL ? problem
                      : _ ("Describe what was done, so the customer and the "
                           "next agent know how the case ended."));
  GtkWidget  *scrolled = gtk_scrolled_window_new ();
  GtkWidget  *text = gtk_text_view_new ();
  const char *previous =
      self->current != NULL ? care_record_get_string (self->current, "resolution") : NULL;

  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (text), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (text), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (text), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (text), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (text), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (text), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Resolution"), -1);
  if (previous != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (text)), previous, -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), text);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 100);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_add_css_class (scrolled, "card");
  if (problem != NULL)
    gtk_widget_add_css_class (scrolled, "error");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
  g_object_set_data (G_OBJECT (dialog), "text-view", text);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "resolve",
                                    _ ("_Resolve"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "resolve",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "resolve");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (resolve_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (text);
}

static void
step_clicked_cb (GtkButton *button, CareCasesView *self)
{
  const char *to = g_object_get_data (G_OBJECT (button), "status");

  if (g_str_equal (to, "resolved"))
    ask_resolution (self, NULL);
  else
    move_to (self, to, NULL, NULL);
}

static void
fill_workflow (CareCasesView *self)
{
  const char        *status = care_record_get_string (self->current, "status");
  const char *const *next = care_case_next_statuses (status);
  GtkWidget         *child;

  while ((child = gtk_widget_get_first_child (self->workflow_box)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->workflow_box), child);

  for (guint i = 0; next[i] != NULL; i++)
    {
      const char      *label = step_label (status, next[i]);
      GtkWidget       *button = gtk_button_new_with_mnemonic (label);
      g_autofree char *plain = NULL;
      g_autoptr (GString) name = g_string_new (label);

      g_string_replace (name, "_", "", 0);
      g_string_replace (name, "…", "", 0);
      plain = g_string_free (g_steal_pointer (&name), FALSE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, plain,
                                      -1);
      /* The way forward is the suggested one; moves back are plain. */
      if (g_str_equal (next[i], "resolved") || g_str_equal (next[i], "closed") ||
          g_strcmp0 (status, "open") == 0)
        gtk_widget_add_css_class (button, "suggested-action");
      g_object_set_data (G_OBJECT (button), "status", (gpointer) next[i]);
      g_signal_connect (button, "clicked", G_CALLBACK (step_clicked_cb), self);
      gtk_widget_set_halign (button, GTK_ALIGN_START);
      gtk_flow_box_append (GTK_FLOW_BOX (self->workflow_box), button);
      /* The button takes the focus; its place in the flow box does not. */
      gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
    }

  gtk_widget_set_visible (self->workflow_box, next[0] != NULL);
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
fill_timer_row (AdwActionRow *row, const CareSlaTimer *timer)
{
  GtkWidget       *badge = g_object_get_data (G_OBJECT (row), "badge");
  g_autofree char *text = care_sla_text_timer (timer);
  g_autofree char *a11y = NULL;

  if (badge == NULL)
    {
      badge = gtk_label_new (NULL);
      gtk_widget_add_css_class (badge, "heading");
      adw_action_row_add_suffix (row, badge);
      g_object_set_data (G_OBJECT (row), "badge", badge);
    }
  gtk_label_set_text (GTK_LABEL (badge), care_sla_state_label (timer->state));
  set_css (badge, care_sla_text_css (timer->state));
  gtk_widget_set_visible (badge, timer->state != CARE_SLA_STATE_NONE);
  adw_action_row_set_subtitle (row, text);
  /* TRANSLATORS: a service level timer as a screen reader says it: "First response: At risk, 1 h left · due …" */
  a11y =
      g_strdup_printf (_ ("%s: %s, %s"), adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                       care_sla_state_label (timer->state), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
}

/* The case's service level: its policy and both timers now, by the one
 * clock. A case without a policy shows the group with that said, so that
 * an agent does not look for timers that are not there. */
static void
fill_sla (CareCasesView *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CareSla) sla = NULL;
  g_autoptr (CareRecord) policy = NULL;
  const char *policy_id;

  if (self->current == NULL)
    return;

  sla = care_sla_load (store (self), self->current, &error);
  if (sla == NULL)
    {
      care_view_show_error (self, NULL, error);
      gtk_widget_set_visible (GTK_WIDGET (self->sla_group), FALSE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->sla_group), TRUE);

  policy_id = care_record_get_string (self->current, "sla_policy_id");
  if (policy_id != NULL)
    policy = care_store_load (store (self), care_schema_entity (CARE_ENTITY_SLA_POLICY), policy_id,
                              NULL);
  adw_action_row_set_subtitle (self->sla_policy_row,
                               policy != NULL ? care_record_get_string (policy, "name")
                                              : _ ("No service level applies to this case"));
  gtk_widget_set_visible (GTK_WIDGET (self->sla_first_response_row), policy != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->sla_resolution_row), policy != NULL);
  adw_preferences_group_set_description (
      self->sla_group, sla->paused ? _ ("Paused while the case waits on the customer") : NULL);
  fill_timer_row (self->sla_first_response_row, &sla->first_response);
  fill_timer_row (self->sla_resolution_row, &sla->resolution);
}

static gboolean
sla_tick_cb (gpointer user_data)
{
  fill_sla (user_data);
  return G_SOURCE_CONTINUE;
}

static void
show_detail (CareCasesView *self, CareRecord *service_case)
{
  g_autofree char *kind = NULL;
  g_autofree char *status = NULL;
  g_autofree char *customer = NULL;
  g_autofree char *opened = NULL;
  g_autofree char *age = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *warranty = NULL;
  g_autofree char *assignee = NULL;
  g_autofree char *channel = NULL;
  g_autoptr (CareRecord) product = NULL;
  g_autoptr (CareRecord) customer_record = NULL;
  const char      *priority;
  const char      *description;
  const char      *resolution;
  const CareField *prio_field = case_field ("priority");

  g_set_object (&self->current, service_case);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.edit", service_case != NULL);
  care_case_returns_set_case (self->returns_group, care_view_get_context (CARE_VIEW (self)),
                              service_case);
  care_survey_group_set_subject (self->survey_group, care_view_get_context (CARE_VIEW (self)),
                                 service_case);
  care_history_group_set_subject (self->history_group, care_view_get_context (CARE_VIEW (self)),
                                  service_case);
  if (service_case == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "empty");
      return;
    }

  self->filling = TRUE;

  kind = care_format_record_field (service_case, "kind");
  status = care_format_record_field (service_case, "status");
  opened = care_format_record_field (service_case, "opened_at");
  age = age_text (care_record_get_string (service_case, "opened_at"));
  if (g_str_equal (age, _ ("Just now")))
    /* TRANSLATORS: a case's kind, e.g. "Warranty claim · opened just now" */
    summary = g_strdup_printf (_ ("%s · opened just now"), kind);
  else
    /* TRANSLATORS: a case's kind and age, e.g. "Warranty claim · opened 3 days ago" */
    summary = g_strdup_printf (_ ("%s · opened %s ago"), kind, age);
  adw_preferences_group_set_title (self->summary_group,
                                   care_record_get_string (service_case, "subject"));
  adw_preferences_group_set_description (self->summary_group, summary);

  if (self->status_badge == NULL)
    {
      self->status_badge = gtk_label_new (NULL);
      gtk_widget_add_css_class (self->status_badge, "heading");
      adw_action_row_add_suffix (self->status_row, self->status_badge);
    }
  gtk_label_set_text (GTK_LABEL (self->status_badge), status);
  set_css (self->status_badge, status_css (care_record_get_string (service_case, "status")));
  fill_workflow (self);

  priority = care_record_get_string (service_case, "priority");
  for (guint i = 0; prio_field->choices[i] != NULL; i++)
    if (g_strcmp0 (prio_field->choices[i], priority) == 0)
      adw_combo_row_set_selected (self->priority_row, i);

  assignee = care_format_reference (store (self), case_field ("assignee_id"),
                                    care_record_get_string (service_case, "assignee_id"));
  adw_action_row_set_subtitle (self->assignee_row,
                               assignee[0] != '\0' ? assignee : _ ("Nobody yet"));

  warranty = care_format_record_field (service_case, "warranty_status");
  adw_action_row_set_subtitle (self->warranty_row,
                               warranty[0] != '\0' ? warranty : _ ("Not recorded"));

  customer_record =
      load (self, CARE_ENTITY_CUSTOMER, care_record_get_string (service_case, "customer_id"));
  customer = customer_record != NULL ? contact_line (customer_record) : g_strdup ("");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->customer_row),
                                 customer_record != NULL
                                     ? care_record_get_string (customer_record, "name")
                                     : _ ("(no longer available)"));
  adw_action_row_set_subtitle (self->customer_row, customer);

  product = load (self, CARE_ENTITY_PRODUCT, care_record_get_string (service_case, "product_id"));
  gtk_widget_set_visible (GTK_WIDGET (self->product_row), product != NULL);
  if (product != NULL)
    {
      g_autofree char *sub = care_format_subtitle (product);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->product_row),
                                     care_record_get_string (product, "name"));
      adw_action_row_set_subtitle (self->product_row, sub);
    }

  channel = care_format_record_field (service_case, "channel");
  if (channel[0] != '\0')
    {
      /* TRANSLATORS: when and how a case was opened, e.g. "1/2/2026 10:15 by Phone" */
      g_autofree char *how = g_strdup_printf (_ ("%s by %s"), opened, channel);
      adw_action_row_set_subtitle (self->opened_row, how);
    }
  else
    adw_action_row_set_subtitle (self->opened_row, opened);

  description = care_record_get_string (service_case, "description");
  gtk_label_set_text (self->description_label,
                      description != NULL ? description : _ ("No description."));
  resolution = care_record_get_string (service_case, "resolution");
  gtk_widget_set_visible (GTK_WIDGET (self->resolution_group), resolution != NULL);
  gtk_label_set_text (self->resolution_label, resolution != NULL ? resolution : "");
  fill_sla (self);

  self->filling = FALSE;

  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
  adw_leaflet_set_visible_child (self->leaflet, self->detail_pane);
}

static gboolean
save_current (CareCasesView *self, CareRecord *changed, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *staff_id = care_account_dup_staff_id (
      care_context_get_account (care_view_get_context (CARE_VIEW (self))));

  /* Through care-sla, so that a move of status is recorded with it: the
   * timers pause while the case waits, and a move is a first response. */
  if (!care_sla_save_case (store (self), changed,
                           self->current != NULL ? care_record_get_string (self->current, "status")
                                                 : NULL,
                           staff_id, &error))
    {
      /* TRANSLATORS: %s says why, e.g. "The service case no longer exists" */
      g_autofree char *text = g_strdup_printf (_ ("Not saved: %s"), error->message);
      care_view_add_toast (self, adw_toast_new (text));
      show_detail (self, self->current);
      return FALSE;
    }

  show_detail (self, changed);
  if (message != NULL)
    care_view_add_toast (self, adw_toast_new (message));
  return TRUE;
}

static void
select_in_list (CareCasesView *self, const char *id)
{
  guint n = MIN (g_list_model_get_n_items (shown_model (self)), SELECT_SCAN_LIMIT);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CareRecord) r = g_list_model_get_item (shown_model (self), i);

      if (r != NULL && g_str_equal (care_record_get_id (r), id))
        {
          gtk_single_selection_set_selected (self->selection, i);
          gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", i);
          return;
        }
    }

  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
}

/* Shows the case with @id, and selects it in a list that shows it: the
 * list switches to the case's status and drops a search that hides it. */
static void
show_case (CareCasesView *self, const char *id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CareRecord) c = NULL;
  const char *status;
  gboolean    in_sla_list;

  c = care_store_load (store (self), care_schema_entity (CARE_ENTITY_SERVICE_CASE), id, &error);
  if (c == NULL)
    {
      care_view_show_error (self, NULL, error);
      return;
    }

  /* A case from elsewhere is shown in the whole list, not a narrowed one. */
  if (self->narrowed != NULL)
    {
      drop_narrowing (self);
      apply_filter (self);
    }
  status = care_record_get_string (c, "status");
  /* The "at risk" or "breached" list that shows the case stays. */
  in_sla_list =
      sla_filter (self) != CARE_SLA_STATE_NONE && g_hash_table_contains (self->sla_by_case, id);
  if (!in_sla_list &&
      (!care_case_is_open (status) || gtk_drop_down_get_selected (self->filter_dropdown) != 0))
    for (guint i = 0; i < G_N_ELEMENTS (filter_statuses); i++)
      if (care_case_is_open (status) ? i == 0 : g_strcmp0 (filter_statuses[i], status) == 0)
        gtk_drop_down_set_selected (self->filter_dropdown, i);
  if (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0')
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      apply_filter (self);
    }

  show_detail (self, c);
  select_in_list (self, id);
}

/* Callbacks */

/* Rows select on click or arrow keys, not on hover (a highlighted row
 * beside another record's detail, or none): the detail follows. No
 * selection (a filter or search that hides the record) leaves the detail;
 * a reload that selects the row again leaves it to store_changed_cb(). */
static void
selection_changed_cb (GtkSingleSelection *selection, GParamSpec *pspec, CareCasesView *self)
{
  CareRecord *record = gtk_single_selection_get_selected_item (selection);

  if (record == NULL || care_view_selection_is_restoring (selection))
    return;
  show_detail (self, record);
}

static void
list_activate_cb (GtkListView *list, guint position, CareCasesView *self)
{
  g_autoptr (CareRecord) c = g_list_model_get_item (shown_model (self), position);

  show_detail (self, c);
}

static void
filter_changed_cb (CareCasesView *self)
{
  if (!self->narrowing)
    drop_narrowing (self);
  apply_filter (self);
}

static void
filter_bar_closed_cb (CareCasesView *self)
{
  drop_narrowing (self);
  apply_filter (self);
}

static void
search_changed_cb (CareCasesView *self)
{
  apply_filter (self);
}

static void
stop_search_cb (CareCasesView *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
priority_changed_cb (CareCasesView *self)
{
  const CareField *f = case_field ("priority");
  guint            selected = adw_combo_row_get_selected (self->priority_row);
  g_autoptr (CareRecord) copy = NULL;
  g_autofree char *message = NULL;

  if (self->filling || self->current == NULL || selected == GTK_INVALID_LIST_POSITION ||
      g_strcmp0 (care_record_get_string (self->current, "priority"), f->choices[selected]) == 0)
    return;

  copy = care_record_copy (self->current);
  care_record_set_string (copy, "priority", f->choices[selected]);
  /* TRANSLATORS: %s is a priority, e.g. "Priority set to High" */
  message =
      g_strdup_printf (_ ("Priority set to %s"), care_field_choice_label (f, f->choices[selected]));
  save_current (self, copy, message);
}

static void
assignee_picked_cb (CareRecordPicker *picker, CareRecord *staff, CareCasesView *self)
{
  g_autoptr (CareRecord) copy = NULL;
  g_autofree char *message = NULL;

  gtk_popover_popdown (GTK_POPOVER (picker));
  if (self->current == NULL)
    return;

  copy = care_record_copy (self->current);
  care_record_set_string (copy, "assignee_id", care_record_get_id (staff));
  /* TRANSLATORS: %s is the name of a staff member */
  message = g_strdup_printf (_ ("Assigned to %s"), care_record_get_string (staff, "name"));
  save_current (self, copy, message);
}

/* What a case's timers are computed from, besides the case. */
static gboolean
moves_timers (const char *entity)
{
  static const char *const entities[] = { "case_status_change", "call_log", "sla_policy",
                                          "working_calendar", "calendar_closure" };

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    if (g_strcmp0 (entity, entities[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
sla_reload_cb (gpointer user_data)
{
  CareCasesView *self = user_data;

  self->sla_reload_id = 0;
  apply_filter (self);
  return G_SOURCE_REMOVE;
}

static void
store_changed_cb (CareStore *store, const char *entity, const char *id, CareCasesView *self)
{
  g_autoptr (CareRecord) fresh = NULL;

  /* Bursts of changes (a sync page) give one reload of the timers' list. */
  if (sla_filter (self) != CARE_SLA_STATE_NONE && self->sla_reload_id == 0 &&
      (id == NULL || g_strcmp0 (entity, "service_case") == 0 || moves_timers (entity)))
    self->sla_reload_id = g_timeout_add (200, sla_reload_cb, self);

  if (self->current == NULL)
    return;
  if (id != NULL && !(g_str_equal (entity, "customer") || g_str_equal (entity, "product") ||
                      g_str_equal (entity, "staff") || moves_timers (entity) ||
                      g_strcmp0 (id, care_record_get_id (self->current)) == 0))
    return;

  fresh = load (self, CARE_ENTITY_SERVICE_CASE, care_record_get_id (self->current));
  show_detail (self, fresh);
}

/* A new case records whether its product was covered on the day it was
 * opened, and offers only the chosen customer's products. */
static void
editor_changed_cb (CareRecordEditor *editor, GParamSpec *pspec, CareCasesView *self)
{
  CareRecord *r = care_record_editor_get_record (editor);
  const char *customer_id = care_record_get_string (r, "customer_id");
  const char *product_id = care_record_get_string (r, "product_id");
  char       *shown_customer = g_object_get_data (G_OBJECT (editor), "customer-id");
  char       *shown_product = g_object_get_data (G_OBJECT (editor), "product-id");

  if (g_strcmp0 (customer_id, shown_customer) != 0)
    {
      g_autoptr (CareQuery) q = care_query_new (care_schema_entity (CARE_ENTITY_PRODUCT));

      /* No customer yet: a product that matches nothing until one is chosen. */
      care_query_add_string (q, "customer_id", CARE_QUERY_EQ,
                             customer_id != NULL ? customer_id : "");
      care_record_editor_set_ref_query (editor, "product_id", q);
      g_object_set_data_full (G_OBJECT (editor), "customer-id", g_strdup (customer_id), g_free);
    }

  /* The policy is chosen as the case opens, from what it is now: its
   * product's warranty, its priority and channel. */
  if (g_object_get_data (G_OBJECT (editor), "new-case") != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!care_sla_choose_policy (store (self), r, &error))
        care_view_show_error (self, NULL, error);
    }

  if (g_object_get_data (G_OBJECT (editor), "new-case") != NULL &&
      g_strcmp0 (product_id, shown_product) != 0)
    {
      g_autoptr (CareRecord) product = load (self, CARE_ENTITY_PRODUCT, product_id);
      g_autoptr (GError) error = NULL;
      CareCoverage       coverage = { 0 };
      CareWarrantyStatus status = CARE_WARRANTY_STATUS_NONE;
      g_autofree char   *today = care_clock_today ();
      GDate              day;

      care_date_parse (today, &day);
      if (product != NULL &&
          care_coverage_lookup (store (self), care_record_get_string (product, "serial"), &day,
                                &coverage, &error))
        status = coverage.status;
      else if (error != NULL)
        care_view_show_error (self, NULL, error);
      care_coverage_clear (&coverage);
      care_record_set_string (r, "warranty_status",
                              product != NULL ? care_warranty_status_key (status) : NULL);
      g_object_set_data_full (G_OBJECT (editor), "product-id", g_strdup (product_id), g_free);
    }
}

static void
case_saved_cb (CareEditorDialog *dialog, CareRecord *record, CareCasesView *self)
{
  g_autoptr (CareRecord) call =
      care_follow_up_after_change (care_view_get_context (CARE_VIEW (self)),
                                   g_object_get_data (G_OBJECT (dialog), "old-status"), record);
  g_autofree char *text =
      call != NULL ? care_follow_up_describe (call) : g_strdup (_ ("Case saved"));

  care_view_add_toast (self, adw_toast_new (text));
  show_case (self, care_record_get_id (record));
}

static void
open_editor (CareCasesView     *self,
             CareRecord        *record,
             const char *const *fields,
             const char        *title,
             gboolean           is_new)
{
  CareEditorDialog *dialog =
      care_editor_dialog_new (care_view_get_window (self), store (self), record, fields, title);
  CareRecordEditor *editor = care_editor_dialog_get_editor (dialog);

  if (is_new)
    g_object_set_data (G_OBJECT (editor), "new-case", GINT_TO_POINTER (TRUE));
  g_object_set_data_full (G_OBJECT (dialog), "old-status",
                          is_new ? NULL : g_strdup (care_record_get_string (record, "status")),
                          g_free);
  g_signal_connect_object (editor, "notify::valid", G_CALLBACK (editor_changed_cb), self, 0);
  editor_changed_cb (editor, NULL, self);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (case_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
view_new_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareCasesView *self = CARE_CASES_VIEW (widget);
  g_autoptr (CareRecord) c = care_record_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));
  g_autofree char *now = care_clock_now_iso ();

  care_record_set_string (c, "kind", "complaint");
  care_record_set_string (c, "opened_at", now);
  care_record_set_string (c, "channel", "phone");
  care_record_set_string (c, "priority", "normal");
  care_record_set_string (c, "status", "open");
  open_editor (self, c, new_case_fields, _ ("New Service Case"), TRUE);
}

static void
view_edit_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareCasesView *self = CARE_CASES_VIEW (widget);
  const char    *status;

  if (self->current == NULL)
    return;

  status = care_record_get_string (self->current, "status");
  open_editor (self, self->current,
               care_case_is_open (status) ? edit_case_fields : edit_closed_case_fields,
               _ ("Edit Service Case"), FALSE);
}

static void
view_find_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareCasesView *self = CARE_CASES_VIEW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
view_back_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareCasesView *self = CARE_CASES_VIEW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
}

/* CareView */

static void
show_record (CareView *view, const char *id)
{
  show_case (CARE_CASES_VIEW (view), id);
}

/* The open cases of one age, exactly those the Today page counts. */
static void
show_filter (CareView *view, const char *filter)
{
  CareCasesView *self = CARE_CASES_VIEW (view);
  g_autoptr (GDateTime) now = care_clock_now_utc ();
  g_autoptr (CareDashboardStats) stats = NULL;

  for (guint age = 0; age < CARE_CASE_AGE_N; age++)
    {
      if (!g_str_equal (filter, age_filters[age]))
        continue;

      stats = care_dashboard_stats_new (store (self), now);
      g_clear_pointer (&self->narrowed, care_query_unref);
      self->narrowed = care_dashboard_stats_case_age_query (stats, age);
      self->narrowing = TRUE;
      gtk_drop_down_set_selected (self->filter_dropdown, 0);
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      self->narrowing = FALSE;
      care_filter_bar_set_title (self->filter_bar, _ (age_titles[age]));
      apply_filter (self);
      adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
      return;
    }

  /* The service level lists of the Today page's links. */
  if (g_str_equal (filter, "sla-at-risk") || g_str_equal (filter, "sla-breached"))
    {
      g_clear_pointer (&self->narrowed, care_query_unref);
      care_filter_bar_set_title (self->filter_bar, NULL);
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      gtk_drop_down_set_selected (self->filter_dropdown, g_str_equal (filter, "sla-at-risk")
                                                             ? FILTER_AT_RISK
                                                             : FILTER_BREACHED);
      apply_filter (self);
      adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
      return;
    }

  g_warning ("No case filter %s", filter);
}

static GtkWidget *
get_header_start (CareView *view)
{
  return CARE_CASES_VIEW (view)->new_button;
}

static GtkWidget *
get_header_end (CareView *view)
{
  return CARE_CASES_VIEW (view)->search_button;
}

/* GObject */

static void
care_cases_view_constructed (GObject *object)
{
  CareCasesView *self = CARE_CASES_VIEW (object);
  g_autoptr (CareQuery) q = NULL;
  g_autoptr (CareQuery) staff = care_query_new (care_schema_entity (CARE_ENTITY_STAFF));
  const CareField *prio = case_field ("priority");
  g_autoptr (GtkStringList) priorities = gtk_string_list_new (NULL);
  GtkWidget *picker;

  G_OBJECT_CLASS (care_cases_view_parent_class)->constructed (object);

  q = filter_query (self);
  self->records = care_record_list_new (store (self), q);
  g_signal_connect_object (self->records, "items-changed", G_CALLBACK (records_changed_cb), self,
                           0);
  self->sla_records = g_list_store_new (CARE_TYPE_RECORD);
  self->sla_by_case =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) care_sla_free);
  g_signal_connect_object (self->sla_records, "items-changed", G_CALLBACK (records_changed_cb),
                           self, 0);
  self->selection =
      care_view_bind_list (CARE_VIEW (self), self->list_view, G_LIST_MODEL (self->records),
                           G_CALLBACK (setup_row_cb), G_CALLBACK (bind_row_cb));
  care_view_keep_selection (self->selection);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, 0);
  self->sla_tick_id = g_timeout_add_seconds (SLA_TICK_SECONDS, sla_tick_cb, self);

  self->filling = TRUE;
  for (guint i = 0; prio->choices[i] != NULL; i++)
    gtk_string_list_append (priorities, care_field_choice_label (prio, prio->choices[i]));
  adw_combo_row_set_model (self->priority_row, G_LIST_MODEL (priorities));
  self->filling = FALSE;

  picker = care_record_picker_new (store (self), staff);
  g_signal_connect_object (picker, "picked", G_CALLBACK (assignee_picked_cb), self, 0);
  gtk_menu_button_set_popover (self->assignee_button, picker);

  g_signal_connect_object (store (self), "changed", G_CALLBACK (store_changed_cb), self, 0);
  update_list_state (self);
  show_detail (self, NULL);
}

static void
care_cases_view_dispose (GObject *object)
{
  CareCasesView *self = CARE_CASES_VIEW (object);

  g_clear_handle_id (&self->sla_reload_id, g_source_remove);
  g_clear_handle_id (&self->sla_tick_id, g_source_remove);
  care_view_dispose_template (CARE_VIEW (self), CARE_TYPE_CASES_VIEW);
  g_clear_object (&self->sla_records);
  g_clear_pointer (&self->sla_by_case, g_hash_table_unref);
  g_clear_object (&self->new_button);
  g_clear_object (&self->search_button);
  g_clear_object (&self->selection);
  g_clear_object (&self->records);
  g_clear_object (&self->current);
  g_clear_pointer (&self->narrowed, care_query_unref);

  G_OBJECT_CLASS (care_cases_view_parent_class)->dispose (object);
}

static void
care_cases_view_class_init (CareCasesViewClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CareViewClass  *view_class = CARE_VIEW_CLASS (klass);

  object_class->constructed = care_cases_view_constructed;
  object_class->dispose = care_cases_view_dispose;

  view_class->get_header_start = get_header_start;
  view_class->get_header_end = get_header_end;
  view_class->show_record = show_record;
  view_class->show_filter = show_filter;
  care_view_class_set_entity (view_class, "service_case");

  g_type_ensure (CARE_TYPE_CASE_RETURNS);
  g_type_ensure (CARE_TYPE_SURVEY_GROUP);
  g_type_ensure (CARE_TYPE_HISTORY_GROUP);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/cases/care-cases-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, list_pane);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, detail_pane);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, count_label);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, list_view);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, summary_group);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, status_row);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, returns_group);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, survey_group);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, history_group);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, workflow_box);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, priority_row);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, assignee_row);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, assignee_button);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, warranty_row);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, sla_group);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, sla_policy_row);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, sla_first_response_row);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, sla_resolution_row);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, customer_row);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, product_row);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, opened_row);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, description_label);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, resolution_group);
  gtk_widget_class_bind_template_child (widget_class, CareCasesView, resolution_label);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, priority_changed_cb);

  gtk_widget_class_install_action (widget_class, "view.new", NULL, view_new_cb);
  gtk_widget_class_install_action (widget_class, "view.find", NULL, view_find_cb);
  gtk_widget_class_install_action (widget_class, "view.edit", NULL, view_edit_cb);
  gtk_widget_class_install_action (widget_class, "view.back", NULL, view_back_cb);
}

static void
care_cases_view_init (CareCasesView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->new_button =
      care_view_new_header_button (CARE_VIEW (self), "list-add-symbolic", _ ("New Service Case"),
                                   _ ("New Service Case (Ctrl+N)"), "view.new");

  self->search_button = g_object_ref_sink (gtk_toggle_button_new ());
  gtk_button_set_icon_name (GTK_BUTTON (self->search_button), "system-search-symbolic");
  gtk_widget_set_tooltip_text (self->search_button, _ ("Search Cases (Ctrl+F)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Search Cases"), -1);
  g_object_bind_property (self->search_button, "active", self->search_bar, "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  care_view_name_drop_down (self->filter_dropdown, _ ("Show cases"));

  self->filter_bar = CARE_FILTER_BAR (care_filter_bar_new ());
  gtk_box_insert_child_after (GTK_BOX (self->list_pane), GTK_WIDGET (self->filter_bar),
                              GTK_WIDGET (self->search_bar));
  g_signal_connect_object (self->filter_bar, "closed", G_CALLBACK (filter_bar_closed_cb), self,
                           G_CONNECT_SWAPPED);
}
