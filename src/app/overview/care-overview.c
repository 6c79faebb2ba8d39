/* care-overview.c: the first page, "Today": a welcome when the store is
 * empty; otherwise what needs attention today, and three small trends.
 * The figures come from CareDashboardStats; this file only shows them. */
#define G_LOG_DOMAIN "care-overview"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "care-clock.h"
#include "care-chart.h"
#include "care-dashboard-stats.h"
#include "care-format.h"
#include "care-overview.h"
#include "care-record-picker.h"
#include "care-sla-text.h"
#include "care-sla.h"
#include "care-warranty.h"

/* Rows a section lists before "N more" stands for the rest. */
#define SECTION_LIMIT  8
#define N_WEEKS        12
#define N_MONTHS       12
#define CLOCK_INTERVAL (5 * 60)
/* The service levels section looks at this many open cases at most. */
#define SLA_SCAN_LIMIT 2000

typedef struct
{
  AdwPreferencesGroup *group;
  GtkLabel            *count;
  GPtrArray           *rows; /* borrowed: the rows this page added to the group */
} Section;

struct _CareOverview
{
  CareView parent_instance;

  /* Template widgets */
  GtkStack            *stack;
  GtkWidget           *company_button;
  AdwPreferencesGroup *sla_group;
  AdwPreferencesGroup *appointments_group;
  AdwPreferencesGroup *follow_ups_group;
  AdwPreferencesGroup *warranties_group;
  AdwActionRow        *age_day_row;
  AdwActionRow        *age_week_row;
  AdwActionRow        *age_month_row;
  AdwActionRow        *age_older_row;
  GtkBox              *charts_box;

  /* Borrowed references */
  CareChart *cases_chart;
  CareChart *satisfaction_chart;
  CareChart *expiring_chart;
  CareChart *sla_chart;

  /* Owned references */
  Section sla;
  Section appointments;
  Section follow_ups;
  Section warranties;
  guint   refresh_id;
  guint   clock_id;
};

G_DEFINE_FINAL_TYPE (CareOverview, care_overview, CARE_TYPE_VIEW)

/* Helpers */

static CareStore *
store (CareOverview *self)
{
  return care_view_get_store (CARE_VIEW (self));
}

static GtkLabel *
count_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "title-4");
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  return GTK_LABEL (label);
}

static void
set_count (AdwActionRow *row, guint count)
{
  GtkWidget       *label = g_object_get_data (G_OBJECT (row), "count-label");
  g_autofree char *text = g_strdup_printf ("%'u", count);

  if (label == NULL)
    {
      label = GTK_WIDGET (count_label ());
      adw_action_row_add_suffix (row, label);
      g_object_set_data (G_OBJECT (row), "count-label", label);
    }

  gtk_label_set_text (GTK_LABEL (label), text);
}

static void
section_init (Section *section, AdwPreferencesGroup *group)
{
  section->group = group;
  section->count = count_label ();
  section->rows = g_ptr_array_new ();
  adw_preferences_group_set_header_suffix (group, GTK_WIDGET (section->count));
}

static void
section_clear (Section *section)
{
  for (guint i = 0; i < section->rows->len; i++)
    adw_preferences_group_remove (section->group, g_ptr_array_index (section->rows, i));
  g_ptr_array_set_size (section->rows, 0);
}

static void
section_set_count (Section *section, guint total)
{
  g_autofree char *text = g_strdup_printf ("%'u", total);

  gtk_label_set_text (section->count, text);
}

static GtkWidget *
section_add_row (Section *section, const char *title, const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL && subtitle[0] != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_group_add (section->group, row);
  g_ptr_array_add (section->rows, row);
  return row;
}

/* A row that opens something shows it. */
static void
add_chevron (AdwActionRow *row)
{
  adw_action_row_add_suffix (row, gtk_image_new_from_icon_name ("go-next-symbolic"));
}

static void
record_row_activated_cb (AdwActionRow *row, CareOverview *self)
{
  const char *entity = g_object_get_data (G_OBJECT (row), "entity");
  const char *id = g_object_get_data (G_OBJECT (row), "id");

  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-record", "(ss)", entity, id);
}

/* A row that opens @record in its view. */
static GtkWidget *
section_add_record_with (CareOverview *self,
                         Section      *section,
                         CareRecord   *record,
                         const char   *title,
                         const char   *subtitle,
                         GtkWidget    *suffix)
{
  GtkWidget *row = section_add_row (section, title, subtitle);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  if (suffix != NULL)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  add_chevron (ADW_ACTION_ROW (row));
  g_object_set_data_full (G_OBJECT (row), "entity",
                          g_strdup (care_record_get_entity (record)->name), g_free);
  g_object_set_data_full (G_OBJECT (row), "id", g_strdup (care_record_get_id (record)), g_free);
  g_signal_connect_object (row, "activated", G_CALLBACK (record_row_activated_cb), self, 0);
  return row;
}

static void
section_add_record (CareOverview *self,
                    Section      *section,
                    CareRecord   *record,
                    const char   *title,
                    const char   *subtitle)
{
  section_add_record_with (self, section, record, title, subtitle, NULL);
}

/* The end of a long list: how many more, and a link to the list of all of
 * them (@filter of @view, exactly the rows the section counts). */
static void
section_add_link (Section *section, const char *title, const char *view, const char *filter)
{
  GtkWidget *row = section_add_row (section, title, NULL);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "(ss)", view, filter);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-filtered");
  add_chevron (ADW_ACTION_ROW (row));
}

static void
section_add_more (Section *section, guint shown, guint total, const char *view, const char *filter)
{
  g_autofree char *title = NULL;

  if (total <= shown)
    return;

  title = g_strdup_printf (ngettext ("%'u more", "%'u more", total - shown), total - shown);
  section_add_link (section, title, view, filter);
}

static void
section_add_empty (Section *section, const char *text)
{
  GtkWidget *row = section_add_row (section, text, NULL);

  gtk_widget_add_css_class (row, "dim-label");
}

static void
warn_error (const char *what, GError *error)
{
  if (error != NULL)
    g_warning ("Could not read %s: %s", what, error->message);
}

/* Sections */

/* One action to hand a breached case to someone else: it is saved
 * through care-sla, as the cases view saves a case. */
static void
reassign_picked_cb (CareRecordPicker *picker, CareRecord *staff, CareOverview *self)
{
  const char *case_id = g_object_get_data (G_OBJECT (picker), "case-id");
  g_autoptr (CareRecord) c = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *me = care_account_dup_staff_id (
      care_context_get_account (care_view_get_context (CARE_VIEW (self))));
  g_autofree char *message = NULL;
  const char      *status;

  gtk_popover_popdown (GTK_POPOVER (picker));
  c = care_view_load_record (self, store (self), care_schema_entity (CARE_ENTITY_SERVICE_CASE),
                             case_id);
  if (c == NULL)
    return;
  status = care_record_get_string (c, "status");
  care_record_set_string (c, "assignee_id", care_record_get_id (staff));
  if (!care_sla_save_case (store (self), c, status, me, &error))
    {
      care_view_show_error (self, NULL, error);
      return;
    }
  /* TRANSLATORS: %s is the name of a staff member */
  message = g_strdup_printf (_ ("Assigned to %s"), care_record_get_string (staff, "name"));
  care_view_add_toast (self, adw_toast_new (message));
}

static void
fill_sla (CareOverview *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  guint shown = 0, i, more_breached = 0, more_at_risk = 0;

  section_clear (&self->sla);
  entries = care_sla_list_open (store (self), CARE_SLA_STATE_AT_RISK, SLA_SCAN_LIMIT, &error);
  warn_error ("the service levels", error);
  section_set_count (&self->sla, entries != NULL ? entries->len : 0);

  for (i = 0; entries != NULL && i < entries->len && shown < SECTION_LIMIT; i++)
    {
      CareSlaEntry *entry = g_ptr_array_index (entries, i);
      CareSlaState  state = care_sla_get_state (entry->sla);
      g_autoptr (CareRecord) c = care_store_load (
          store (self), care_schema_entity (CARE_ENTITY_SERVICE_CASE), entry->case_id, NULL);
      const CareSlaTimer *t;
      g_autofree char    *timer = NULL;
      g_autofree char    *customer = NULL;
      g_autofree char    *assignee = NULL;
      g_autofree char    *subtitle = NULL;
      GtkWidget          *row, *badge, *button = NULL;

      if (c == NULL)
        continue;
      t = entry->sla->first_response.state >= entry->sla->resolution.state
              ? &entry->sla->first_response
              : &entry->sla->resolution;
      timer = care_sla_text_timer (t);
      customer = care_format_record_reference (store (self), c, "customer_id");
      assignee = care_format_record_reference (store (self), c, "assignee_id");
      /* TRANSLATORS: a case on the Today page: "Customer · First response: 2 h late · Assignee" */
      subtitle = g_strdup_printf (_ ("%s · %s: %s · %s"), customer != NULL ? customer : "",
                                  t == &entry->sla->first_response ? _ ("First response")
                                                                   : _ ("Resolution"),
                                  timer, assignee != NULL ? assignee : _ ("Nobody yet"));
      if (state == CARE_SLA_STATE_BREACHED)
        {
          g_autoptr (CareQuery) staff = care_query_new (care_schema_entity (CARE_ENTITY_STAFF));
          GtkWidget       *picker = care_record_picker_new (store (self), staff);
          g_autofree char *a11y = NULL;

          button = gtk_menu_button_new ();
          gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "system-users-symbolic");
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (button, "flat");
          gtk_widget_set_tooltip_text (button, _ ("Reassign"));
          /* TRANSLATORS: the accessible name of a button; %s is a case's subject */
          a11y = g_strdup_printf (_ ("Reassign %s"), care_record_get_string (c, "subject"));
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          a11y, -1);
          g_object_set_data_full (G_OBJECT (picker), "case-id", g_strdup (entry->case_id), g_free);
          g_signal_connect_object (picker, "picked", G_CALLBACK (reassign_picked_cb), self, 0);
          gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), picker);
        }
      row = section_add_record_with (self, &self->sla, c, care_record_get_string (c, "subject"),
                                     subtitle, button);

      badge = gtk_label_new (state == CARE_SLA_STATE_BREACHED ? _ ("Escalated")
                                                              : care_sla_state_label (state));
      gtk_widget_add_css_class (badge, "caption-heading");
      gtk_widget_add_css_class (badge, care_sla_text_css (state));
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), badge);
      shown++;
    }

  if (entries == NULL || entries->len == 0)
    section_add_empty (&self->sla, _ ("No case is at risk"));
  /* What did not fit, by kind: each links to the cases' own list of it. */
  for (; entries != NULL && i < entries->len; i++)
    {
      if (care_sla_get_state (((CareSlaEntry *) g_ptr_array_index (entries, i))->sla) ==
          CARE_SLA_STATE_BREACHED)
        more_breached++;
      else
        more_at_risk++;
    }
  if (more_breached > 0)
    {
      g_autofree char *title = g_strdup_printf (
          ngettext ("%'u more breached", "%'u more breached", more_breached), more_breached);
      section_add_link (&self->sla, title, "cases", "sla-breached");
    }
  if (more_at_risk > 0)
    {
      g_autofree char *title = g_strdup_printf (
          ngettext ("%'u more at risk", "%'u more at risk", more_at_risk), more_at_risk);
      section_add_link (&self->sla, title, "cases", "sla-at-risk");
    }
}

static void
fill_appointments (CareOverview *self, CareDashboardStats *stats)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autofree char *staff_id = care_account_dup_staff_id (
      care_context_get_account (care_view_get_context (CARE_VIEW (self))));
  guint total = 0;

  section_clear (&self->appointments);

  if (staff_id != NULL)
    {
      adw_preferences_group_set_title (self->appointments_group, _ ("My Appointments Today"));
      adw_preferences_group_set_description (self->appointments_group, NULL);
    }
  else
    {
      adw_preferences_group_set_title (self->appointments_group, _ ("Appointments Today"));
      adw_preferences_group_set_description (
          self->appointments_group, _ ("Everyone’s: sign in as a technician to see only yours"));
    }

  rows = care_dashboard_stats_appointments_today (stats, staff_id, SECTION_LIMIT, &total, &error);
  warn_error ("today’s appointments", error);
  section_set_count (&self->appointments, total);

  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      CareRecord      *a = g_ptr_array_index (rows, i);
      g_autofree char *start = care_format_time (care_record_get_string (a, "start_at"));
      g_autofree char *end = care_format_time (care_record_get_string (a, "end_at"));
      g_autofree char *kind = care_format_record_field (a, "kind");
      g_autofree char *customer = care_format_record_reference (store (self), a, "customer_id");
      g_autofree char *technician =
          staff_id == NULL ? care_format_record_reference (store (self), a, "technician_id") : NULL;
      g_autofree char *status = g_strcmp0 (care_record_get_string (a, "status"), "planned") != 0
                                    ? care_format_record_field (a, "status")
                                    : NULL;
      /* TRANSLATORS: an appointment on the Today page: "09:00–11:00 · Repair" */
      g_autofree char *title = g_strdup_printf (_ ("%s–%s · %s"), start, end, kind);
      GString         *subtitle = g_string_new (customer != NULL ? customer : "");

      if (technician != NULL)
        g_string_append_printf (subtitle, " · %s", technician);
      if (status != NULL)
        g_string_append_printf (subtitle, " · %s", status);
      section_add_record (self, &self->appointments, a, title, subtitle->str);
      g_string_free (subtitle, TRUE);
    }

  if (total == 0)
    section_add_empty (&self->appointments, _ ("No appointments today"));
  section_add_more (&self->appointments, rows != NULL ? rows->len : 0, total, "appointments",
                    "today");
}

static void
fill_follow_ups (CareOverview *self, CareDashboardStats *stats)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  guint total = 0;

  section_clear (&self->follow_ups);
  rows = care_dashboard_stats_overdue_follow_ups (stats, SECTION_LIMIT, &total, &error);
  warn_error ("overdue follow-up calls", error);
  section_set_count (&self->follow_ups, total);

  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      CareRecord      *a = g_ptr_array_index (rows, i);
      g_autofree char *customer = care_format_record_reference (store (self), a, "customer_id");
      g_autofree char *when = care_format_datetime (care_record_get_string (a, "start_at"));
      /* TRANSLATORS: when an overdue follow-up call was due, e.g. "Due 18 Nov 2026, 10:00" */
      g_autofree char *due = g_strdup_printf (_ ("Due %s"), when);

      section_add_record (self, &self->follow_ups, a, customer != NULL ? customer : "", due);
    }

  if (total == 0)
    section_add_empty (&self->follow_ups, _ ("No overdue calls"));
  section_add_more (&self->follow_ups, rows != NULL ? rows->len : 0, total, "appointments",
                    "overdue-follow-ups");
}

static void
fill_case_ages (CareOverview *self, CareDashboardStats *stats)
{
  g_autoptr (GError) error = NULL;
  guint ages[CARE_CASE_AGE_N] = { 0 };

  care_dashboard_stats_case_ages (stats, ages, &error);
  warn_error ("the open cases", error);
  set_count (self->age_day_row, ages[CARE_CASE_AGE_UNDER_DAY]);
  set_count (self->age_week_row, ages[CARE_CASE_AGE_WEEK]);
  set_count (self->age_month_row, ages[CARE_CASE_AGE_MONTH]);
  set_count (self->age_older_row, ages[CARE_CASE_AGE_OLDER]);
}

static void
fill_warranties (CareOverview *self, CareDashboardStats *stats)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  guint total = 0;

  section_clear (&self->warranties);
  rows = care_dashboard_stats_expiring_warranties (stats, CARE_WARRANTY_EXPIRING_DAYS,
                                                   SECTION_LIMIT, &total, &error);
  warn_error ("the expiring warranties", error);
  section_set_count (&self->warranties, total);

  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      CareRecord *w = g_ptr_array_index (rows, i);
      g_autoptr (CareRecord) product = NULL;
      g_autofree char *customer = NULL;
      g_autofree char *end = care_format_date (care_record_get_string (w, "end_date"));
      g_autofree char *kind = care_format_record_field (w, "kind");
      g_autofree char *subtitle = NULL;

      product = care_format_load_reference (store (self), w, "product_id");
      if (product != NULL)
        customer = care_format_record_reference (store (self), product, "customer_id");

      /* TRANSLATORS: a warranty about to expire: "Product · Standard warranty, ends 3 Dec 2026" */
      subtitle = g_strdup_printf (_ ("%s · %s, ends %s"),
                                  product != NULL ? care_record_get_string (product, "name") : "",
                                  kind, end);
      section_add_record (self, &self->warranties, w, customer != NULL ? customer : "", subtitle);
    }

  if (total == 0)
    section_add_empty (&self->warranties, _ ("No warranties expiring"));
  section_add_more (&self->warranties, rows != NULL ? rows->len : 0, total, "warranties",
                    "expiring");
}

/* Charts */

static char *
date_label (const GDate *date, const char *format)
{
  g_autoptr (GDateTime) dt = g_date_time_new_utc (g_date_get_year (date), g_date_get_month (date),
                                                  g_date_get_day (date), 0, 0, 0);
  return g_date_time_format (dt, format);
}

static void
add_date_label (GStrvBuilder *builder, const GDate *date, const char *format)
{
  g_autofree char *label = date_label (date, format);

  g_strv_builder_add (builder, label);
}

/* The summary in words: the chart's description for screen readers, and
 * the caption under it, where the overall figures (e.g. the average
 * satisfaction of the year) are read at a glance. */
static void
set_chart_summary (CareChart *chart, const char *summary)
{
  GtkLabel *caption = g_object_get_data (G_OBJECT (chart), "caption");

  gtk_accessible_update_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  summary, -1);
  gtk_label_set_text (caption, summary);
}

static void
fill_cases_chart (CareOverview *self, CareDashboardStats *stats)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) labels = NULL;
  const char *series[] = { C_ ("chart legend", "Opened"), C_ ("chart legend", "Resolved"), NULL };
  guint       opened[N_WEEKS], resolved[N_WEEKS];
  double      values[2 * N_WEEKS];
  guint       sum_opened = 0, sum_resolved = 0;
  g_autofree char *period = NULL;
  g_autofree char *week = NULL;
  g_autofree char *description = NULL;

  if (!care_dashboard_stats_cases_per_week (stats, N_WEEKS, opened, resolved, &error))
    {
      warn_error ("the cases per week", error);
      memset (opened, 0, sizeof opened);
      memset (resolved, 0, sizeof resolved);
    }

  for (guint i = 0; i < N_WEEKS; i++)
    {
      GDate start;

      care_dashboard_stats_get_week_start (stats, i, N_WEEKS, &start);
      /* TRANSLATORS: the first day of a week under a chart's bar, as g_date_time_format() writes it: "7 Sep" */
      add_date_label (builder, &start, C_ ("chart week", "%-d %b"));
      values[i] = opened[i];
      values[N_WEEKS + i] = resolved[i];
      sum_opened += opened[i];
      sum_resolved += resolved[i];
    }
  labels = g_strv_builder_end (builder);
  care_chart_set_data (self->cases_chart, N_WEEKS, (const char *const *) labels, 2, series, values);

  period = g_strdup_printf (
      ngettext ("In the last %u week, %'u cases were opened and %'u resolved.",
                "In the last %u weeks, %'u cases were opened and %'u resolved.", N_WEEKS),
      N_WEEKS, sum_opened, sum_resolved);
  week = g_strdup_printf (_ ("This week: %'u opened, %'u resolved."), opened[N_WEEKS - 1],
                          resolved[N_WEEKS - 1]);
  description = g_strdup_printf ("%s %s", period, week);
  set_chart_summary (self->cases_chart, description);
}

static void
fill_satisfaction_chart (CareOverview *self, CareDashboardStats *stats)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) labels = NULL;
  const char      *series[] = { _ ("Average score"), NULL };
  double           average[N_MONTHS], values[N_MONTHS], sum = 0;
  guint            answers[N_MONTHS], n = 0;
  g_autofree char *description = NULL;
  GDate            today;

  if (!care_dashboard_stats_satisfaction_per_month (stats, N_MONTHS, average, answers, &error))
    {
      warn_error ("the surveys", error);
      memset (answers, 0, sizeof answers);
    }

  care_dashboard_stats_get_today (stats, &today);
  g_date_set_day (&today, 1);
  g_date_subtract_months (&today, N_MONTHS - 1);
  for (guint i = 0; i < N_MONTHS; i++)
    {
      /* TRANSLATORS: a month under a chart's bar, as g_date_time_format() writes it: "Sep" */
      add_date_label (builder, &today, C_ ("chart month", "%b"));
      g_date_add_months (&today, 1);
      values[i] = answers[i] > 0 ? average[i] : NAN;
      sum += average[i] * answers[i];
      n += answers[i];
    }
  labels = g_strv_builder_end (builder);
  care_chart_set_data (self->satisfaction_chart, N_MONTHS, (const char *const *) labels, 1, series,
                       values);

  if (n == 0)
    description =
        g_strdup_printf (ngettext ("No surveys were answered in the last %u month.",
                                   "No surveys were answered in the last %u months.", N_MONTHS),
                         N_MONTHS);
  else
    {
      g_autofree char *year = NULL;
      g_autofree char *month = NULL;

      /* TRANSLATORS: %.1f is an average score out of 5, e.g. "4.2" */
      year = g_strdup_printf (
          ngettext (
              "Over the last %u months the average score was %.1f out of 5, from %'u survey.",
              "Over the last %u months the average score was %.1f out of 5, from %'u surveys.", n),
          N_MONTHS, sum / n, n);
      if (answers[N_MONTHS - 1] > 0)
        month = g_strdup_printf (ngettext ("This month: %.1f, from %'u survey.",
                                           "This month: %.1f, from %'u surveys.",
                                           answers[N_MONTHS - 1]),
                                 average[N_MONTHS - 1], answers[N_MONTHS - 1]);
      else
        month = g_strdup (_ ("No surveys answered this month yet."));
      description = g_strdup_printf ("%s %s", year, month);
    }
  set_chart_summary (self->satisfaction_chart, description);
}

static void
fill_expiring_chart (CareOverview *self, CareDashboardStats *stats)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) labels = NULL;
  g_autofree char *description = NULL;
  const char      *series[] = { _ ("Warranties"), NULL };
  guint            counts[N_MONTHS], sum = 0, top = 0;
  double           values[N_MONTHS];
  GDate            month, top_month;

  if (!care_dashboard_stats_expiring_per_month (stats, N_MONTHS, counts, &error))
    {
      warn_error ("the warranties per month", error);
      memset (counts, 0, sizeof counts);
    }

  care_dashboard_stats_get_today (stats, &month);
  g_date_set_day (&month, 1);
  top_month = month;
  for (guint i = 0; i < N_MONTHS; i++)
    {
      add_date_label (builder, &month, C_ ("chart month", "%b"));
      if (counts[i] > counts[top])
        {
          top = i;
          top_month = month;
        }
      g_date_add_months (&month, 1);
      values[i] = counts[i];
      sum += counts[i];
    }
  labels = g_strv_builder_end (builder);
  care_chart_set_data (self->expiring_chart, N_MONTHS, (const char *const *) labels, 1, series,
                       values);

  if (sum == 0)
    description =
        g_strdup_printf (ngettext ("No warranties expire in the next %u month.",
                                   "No warranties expire in the next %u months.", N_MONTHS),
                         N_MONTHS);
  else
    {
      g_autofree char *busiest = NULL;
      g_autofree char *total =
          g_strdup_printf (ngettext ("%'u warranty expires in the next %u months.",
                                     "%'u warranties expire in the next %u months.", sum),
                           sum, N_MONTHS);
      /* TRANSLATORS: a month and year in a sentence, as g_date_time_format() writes it: "March 2027" */
      busiest = date_label (&top_month, C_ ("chart description", "%B %Y"));
      /* TRANSLATORS: the month with the most expiring warranties: "Most in March 2027: 40." */
      g_autofree char *most = g_strdup_printf (_ ("Most in %s: %'u."), busiest, counts[top]);

      description = g_strdup_printf ("%s %s", total, most);
    }
  set_chart_summary (self->expiring_chart, description);
}

/* The share of cases meeting each target, per month they were opened:
 * only timers that are decided (met, or breached) count, so a month of
 * cases still running in time shows no gap nobody could have closed. */
static void
fill_sla_chart (CareOverview *self, CareDashboardStats *stats)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) labels = NULL;
  const char      *series[] = { _ ("First response"), _ ("Resolution"), NULL };
  guint            first_met[N_MONTHS], first_n[N_MONTHS], res_met[N_MONTHS], res_n[N_MONTHS];
  guint            sum_first_met = 0, sum_first = 0, sum_res_met = 0, sum_res = 0;
  double           values[2 * N_MONTHS];
  g_autofree char *description = NULL;
  GDate            today, month;

  care_dashboard_stats_get_today (stats, &today);
  if (!care_sla_met_per_month (store (self), &today, N_MONTHS, SLA_SCAN_LIMIT, first_met, first_n,
                               res_met, res_n, &error))
    warn_error ("the service levels per month", error);

  month = today;
  g_date_set_day (&month, 1);
  g_date_subtract_months (&month, N_MONTHS - 1);
  for (guint i = 0; i < N_MONTHS; i++)
    {
      add_date_label (builder, &month, C_ ("chart month", "%b"));
      g_date_add_months (&month, 1);
      values[i] = first_n[i] > 0 ? 100.0 * first_met[i] / first_n[i] : NAN;
      values[N_MONTHS + i] = res_n[i] > 0 ? 100.0 * res_met[i] / res_n[i] : NAN;
      sum_first_met += first_met[i];
      sum_first += first_n[i];
      sum_res_met += res_met[i];
      sum_res += res_n[i];
    }
  labels = g_strv_builder_end (builder);
  care_chart_set_data (self->sla_chart, N_MONTHS, (const char *const *) labels, 2, series, values);

  if (sum_first == 0 && sum_res == 0)
    description = g_strdup_printf (
        ngettext ("No service level target was met or missed in the last %u month.",
                  "No service level targets were met or missed in the last %u months.", N_MONTHS),
        N_MONTHS);
  else
    /* TRANSLATORS: shares of targets met, e.g. "Over the last 12 months 82% of first responses and 64% of resolutions were on time." */
    description = g_strdup_printf (
        _ ("Over the last %u months %u%% of first responses and %u%% of resolutions were on time."),
        N_MONTHS, sum_first > 0 ? (guint) (100.0 * sum_first_met / sum_first + 0.5) : 0,
        sum_res > 0 ? (guint) (100.0 * sum_res_met / sum_res + 0.5) : 0);
  set_chart_summary (self->sla_chart, description);
}

/* A chart under its heading, named after it for screen readers. */
static CareChart *
add_chart (CareOverview *self, CareChartMode mode, const char *title)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading = gtk_label_new (title);
  GtkWidget *chart = care_chart_new (mode);
  GtkWidget *caption = gtk_label_new (NULL);

  gtk_widget_add_css_class (box, "card");
  gtk_widget_set_margin_bottom (box, 6);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
  gtk_widget_add_css_class (heading, "heading");
  gtk_widget_set_margin_start (heading, 12);
  gtk_widget_set_margin_end (heading, 12);
  gtk_widget_set_margin_top (heading, 12);
  gtk_widget_set_margin_start (chart, 12);
  gtk_widget_set_margin_end (chart, 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
  /* A wrapping label asks for its whole text on one line otherwise, which
   * would keep the charts from having a column of their own. */
  gtk_label_set_max_width_chars (GTK_LABEL (caption), 40);
  gtk_widget_add_css_class (caption, "caption");
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_widget_set_margin_start (caption, 12);
  gtk_widget_set_margin_end (caption, 12);
  gtk_widget_set_margin_bottom (caption, 12);
  /* Screen readers hear it as the chart's description already. */
  gtk_accessible_update_state (GTK_ACCESSIBLE (caption), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  g_object_set_data (G_OBJECT (chart), "caption", caption);
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), chart);
  gtk_box_append (GTK_BOX (box), caption);
  gtk_box_append (self->charts_box, box);
  return CARE_CHART (chart);
}

static gboolean
refresh (gpointer user_data)
{
  CareOverview *self = user_data;
  g_autoptr (GDateTime) now = care_clock_now_local ();
  g_autoptr (CareDashboardStats) stats = NULL;
  g_autoptr (CareQuery) customers = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  g_autoptr (GError) error = NULL;
  guint n_customers;

  self->refresh_id = 0;

  n_customers = care_store_count (store (self), customers, NULL, &error);
  warn_error ("the customers", error);
  gtk_stack_set_visible_child_name (self->stack, n_customers == 0 ? "welcome" : "summary");
  if (n_customers == 0)
    {
      g_autofree char *company = g_settings_get_string (
          care_context_get_settings (care_view_get_context (CARE_VIEW (self))), "company-name");

      gtk_widget_set_visible (self->company_button, g_strstrip (company)[0] == '\0');
      return G_SOURCE_REMOVE;
    }

  stats = care_dashboard_stats_new (store (self), now);
  fill_sla (self);
  fill_appointments (self, stats);
  fill_follow_ups (self, stats);
  fill_case_ages (self, stats);
  fill_warranties (self, stats);
  fill_cases_chart (self, stats);
  fill_satisfaction_chart (self, stats);
  fill_expiring_chart (self, stats);
  fill_sla_chart (self, stats);

  return G_SOURCE_REMOVE;
}

static void
queue_refresh (CareOverview *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add (200, refresh, self);
}

/* Callbacks */

/* Every entity the page reads, directly or by reference (names of
 * customers and technicians, the product of a warranty). */
static const char *const shown_entities[] = {
  "customer",           "staff",    "product",    "warranty",         "service_case",
  "appointment",        "survey",   "sla_policy", "working_calendar", "calendar_closure",
  "case_status_change", "call_log",
};

/* Bursts of changes (a sync page, a bulk load) give one refresh. */
static void
store_changed_cb (CareStore *store, const char *entity, const char *id, CareOverview *self)
{
  queue_refresh (self);
}

/* Time moves on without the store changing: a call falls overdue, a
 * case ages into the next bucket, midnight brings another day. */
static gboolean
clock_cb (gpointer user_data)
{
  queue_refresh (user_data);
  return G_SOURCE_CONTINUE;
}

/* Who "My Appointments" are; whether the welcome offers to set the company. */
static void
settings_changed_cb (GSettings *settings, const char *key, CareOverview *self)
{
  queue_refresh (self);
}

/* Overrides */

static void
care_overview_constructed (GObject *object)
{
  CareOverview *self = CARE_OVERVIEW (object);

  G_OBJECT_CLASS (care_overview_parent_class)->constructed (object);

  /* Only the entities the page shows: a change of any other (a training,
   * an enrolment) leaves it as it is. */
  for (guint i = 0; i < G_N_ELEMENTS (shown_entities); i++)
    {
      g_autofree char *signal = g_strconcat ("changed::", shown_entities[i], NULL);

      g_signal_connect_object (store (self), signal, G_CALLBACK (store_changed_cb), self, 0);
    }
  g_signal_connect_object (care_context_get_settings (care_view_get_context (CARE_VIEW (self))),
                           "changed::staff-id", G_CALLBACK (settings_changed_cb), self, 0);
  g_signal_connect_object (care_context_get_settings (care_view_get_context (CARE_VIEW (self))),
                           "changed::company-name", G_CALLBACK (settings_changed_cb), self, 0);
  self->clock_id = g_timeout_add_seconds (CLOCK_INTERVAL, clock_cb, self);
  refresh (self);
}

static void
care_overview_dispose (GObject *object)
{
  CareOverview *self = CARE_OVERVIEW (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_handle_id (&self->clock_id, g_source_remove);
  care_view_dispose_template (CARE_VIEW (self), CARE_TYPE_OVERVIEW);
  g_clear_pointer (&self->sla.rows, g_ptr_array_unref);
  g_clear_pointer (&self->appointments.rows, g_ptr_array_unref);
  g_clear_pointer (&self->follow_ups.rows, g_ptr_array_unref);
  g_clear_pointer (&self->warranties.rows, g_ptr_array_unref);

  G_OBJECT_CLASS (care_overview_parent_class)->dispose (object);
}

static void
care_overview_class_init (CareOverviewClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = care_overview_constructed;
  object_class->dispose = care_overview_dispose;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/overview/care-overview.ui");
  gtk_widget_class_bind_template_child (widget_class, CareOverview, stack);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, company_button);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, sla_group);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, appointments_group);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, follow_ups_group);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, warranties_group);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, age_day_row);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, age_week_row);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, age_month_row);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, age_older_row);
  gtk_widget_class_bind_template_child (widget_class, CareOverview, charts_box);
}

static void
care_overview_init (CareOverview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  section_init (&self->sla, self->sla_group);
  section_init (&self->appointments, self->appointments_group);
  section_init (&self->follow_ups, self->follow_ups_group);
  section_init (&self->warranties, self->warranties_group);
  /* The count before the chevron. */
  set_count (self->age_day_row, 0);
  set_count (self->age_week_row, 0);
  set_count (self->age_month_row, 0);
  set_count (self->age_older_row, 0);
  add_chevron (self->age_day_row);
  add_chevron (self->age_week_row);
  add_chevron (self->age_month_row);
  add_chevron (self->age_older_row);

  self->cases_chart = add_chart (self, CARE_CHART_BARS, _ ("Cases Opened and Resolved per Week"));
  self->satisfaction_chart =
      add_chart (self, CARE_CHART_LINE, _ ("Customer Satisfaction per Month"));
  care_chart_set_range (self->satisfaction_chart, 1, 5);
  self->expiring_chart = add_chart (self, CARE_CHART_BARS, _ ("Warranties Expiring per Month"));
  self->sla_chart =
      add_chart (self, CARE_CHART_LINE, _ ("Service Level Targets Met per Month (%)"));
  care_chart_set_range (self->sla_chart, 0, 100);
}
