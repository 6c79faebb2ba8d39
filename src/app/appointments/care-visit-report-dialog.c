/* care-visit-report-dialog.c: the technician's report of one visit.
 *
 * Work done, time, parts, the price as the technician types (the same
 * care_visit_price() the completion stores), the customer's feedback and
 * signature. Save writes the report and its parts in one store transaction,
 * so they reach the outbox together and sync like any edit, offline too.
 * Input is checked before anything is written: a wrong field is marked and
 * explained where it is, and the form stays as typed. Complete stores the
 * totals the customer signed for and marks the appointment done; a
 * completed report is then shown read-only. Export and Print draw the
 * stored report with the one renderer of care-pdf.c. */
#define G_LOG_DOMAIN "care-visit-report-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "care-company.h"
#include "care-toast-log.h"
#include "care-clock.h"
#include "care-follow-up-hook.h"
#include "care-format.h"
#include "care-pdf.h"
#include "care-signature-pad.h"
#include "care-view.h"
#include "care-visit-report-dialog.h"
#include "care-visit-report.h"
#include "care-workflow.h"

#define MAX_QUANTITY   10000
#define MAX_UNIT_CENTS 100000000 /* the schema's bound on unit_price_cents */
#define MAX_RATE_CENTS 100000000

typedef struct
{
  GtkWidget   *row;
  GtkEditable *name;
  GtkEditable *number;
  GtkEditable *quantity;
  GtkEditable *price;
  char        *id; /* of the stored part, NULL for a new one */
} PartRow;

struct _CareVisitReportDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *window_title;
  GtkWidget           *cancel_button;
  GtkWidget           *save_button;
  GtkWidget           *complete_button;
  GtkWidget           *completed_label;
  GtkWidget           *company_hint;
  GtkWidget           *form_box;
  GtkTextView         *work_done_view;
  GtkWidget           *work_done_scroller;
  GtkLabel            *work_error;
  GtkSpinButton       *minutes_spin;
  AdwEntryRow         *rate_row;
  GtkSwitch           *authorised_switch;
  GtkLabel            *time_error;
  GtkListBox          *parts_list;
  GtkLabel            *parts_error;
  AdwPreferencesGroup *price_group;
  GtkTextView         *feedback_view;
  AdwEntryRow         *signed_by_row;
  CareSignaturePad    *signature_pad;
  GtkLabel            *signature_error;

  /* Built in init: the price rows */
  AdwActionRow *coverage_row;
  GtkLabel     *parts_sum;
  GtkLabel     *labour_sum;
  AdwActionRow *covered_row;
  GtkLabel     *covered_sum;
  AdwActionRow *discount_row;
  GtkLabel     *discount_sum;
  GtkLabel     *total_sum;

  /* Owned references */
  CareContext *context;
  CareStore   *store;
  GSettings   *settings;
  CareRecord  *appointment;
  CareRecord  *report;      /* as stored, or a new unsaved one */
  GPtrArray   *warranties;  /* of the appointment's product */
  GPtrArray   *parts;       /* PartRow*, in the order shown */
  GPtrArray   *removed_ids; /* char*, stored parts the user removed */
  char        *currency;

  gboolean saved_once;  /* the report exists in the store */
  gboolean price_error; /* parts_error shows why no price can be given */
  gboolean dirty;
  gboolean loading;
  gboolean completed;
};

G_DEFINE_FINAL_TYPE (CareVisitReportDialog, care_visit_report_dialog, ADW_TYPE_WINDOW)

enum
{
  SAVED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void update_price (CareVisitReportDialog *self);

static void
part_row_free (gpointer data)
{
  PartRow *part = data;

  g_free (part->id);
  g_free (part);
}

static void
toast (CareVisitReportDialog *self, const char *text)
{
  AdwToast *t = adw_toast_new (text);

  care_toast_log (t);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static char *
text_of (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter    start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

static char *
stripped (GtkEditable *editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (editable)));
}

/* "65", "65.5", "65.50" or "65,50": an amount of money to cents. Refuses
 * signs, more than two decimals and anything above @max cents. */
static gboolean
parse_money (const char *text, gint64 max, gint64 *cents)
{
  gint64   units = 0, fraction = 0;
  guint    decimals = 0;
  gboolean point = FALSE;

  if (text == NULL || *text == '\0')
    return FALSE;

  for (const char *p = text; *p; p++)
    {
      if (*p == '.' || *p == ',')
        {
          if (point || p == text)
            return FALSE;
          point = TRUE;
        }
      else if (g_ascii_isdigit (*p))
        {
          if (point)
            {
              if (++decimals > 2)
                return FALSE;
              fraction = fraction * 10 + (*p - '0');
            }
          else if ((units = units * 10 + (*p - '0')) > max / 100)
            return FALSE;
        }
      else
        return FALSE;
    }
  if (decimals == 1)
    fraction *= 10;

  *cents = units * 100 + fraction;
  return *cents <= max;
}

/* A whole number of pieces, 1 to MAX_QUANTITY. */
static gboolean
parse_quantity (const char *text, gint64 *quantity)
{
  guint64 value;

  if (text == NULL || !g_ascii_isdigit (*text) || strlen (text) > 6 ||
      !g_ascii_string_to_unsigned (text, 10, 1, MAX_QUANTITY, &value, NULL))
    return FALSE;
  *quantity = (gint64) value;
  return TRUE;
}

static void
mark (GtkWidget *widget, gboolean wrong)
{
  if (wrong)
    gtk_widget_add_css_class (widget, "error");
  else
    gtk_widget_remove_css_class (widget, "error");
}

static void
show_error (GtkLabel *label, const char *message)
{
  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static void
clear_errors (CareVisitReportDialog *self)
{
  show_error (self->work_error, NULL);
  show_error (self->time_error, NULL);
  show_error (self->parts_error, NULL);
  show_error (self->signature_error, NULL);
  mark (self->work_done_scroller, FALSE);
  mark (GTK_WIDGET (self->rate_row), FALSE);
  mark (GTK_WIDGET (self->signed_by_row), FALSE);
  mark (GTK_WIDGET (self->signature_pad), FALSE);
  for (guint i = 0; i < self->parts->len; i++)
    {
      PartRow *part = g_ptr_array_index (self->parts, i);

      mark (GTK_WIDGET (part->name), FALSE);
      mark (GTK_WIDGET (part->quantity), FALSE);
      mark (GTK_WIDGET (part->price), FALSE);
    }
}

static void
changed (CareVisitReportDialog *self)
{
  if (self->loading)
    return;
  self->dirty = TRUE;
  update_price (self);
}

static void
form_changed_cb (CareVisitReportDialog *self)
{
  changed (self);
}

/* A part row as typed: NULL with *@bad set to the wrong entry and
 * *@message to why, or a part_usage record (not yet tied to a report). */
static CareRecord *
part_from_row (PartRow *part, guint number, GtkWidget **bad, char **message)
{
  g_autoptr (CareRecord) record = NULL;
  g_autofree char *name = stripped (part->name);
  g_autofree char *part_number = stripped (part->number);
  g_autofree char *quantity_text = stripped (part->quantity);
  g_autofree char *price_text = stripped (part->price);
  gint64           quantity, price;

  if (*name == '\0')
    {
      *bad = GTK_WIDGET (part->name);
      /* TRANSLATORS: %u is the number of a row in the list of parts */
      *message = g_strdup_printf (_ ("Part %u needs a name."), number);
      return NULL;
    }
  if (!parse_quantity (quantity_text, &quantity))
    {
      *bad = GTK_WIDGET (part->quantity);
      *message = g_strdup_printf (
          _ ("The quantity of part %u must be a whole number from 1 to %d."), number, MAX_QUANTITY);
      return NULL;
    }
  if (!parse_money (price_text, MAX_UNIT_CENTS, &price))
    {
      *bad = GTK_WIDGET (part->price);
      *message =
          g_strdup_printf (_ ("The unit price of part %u must be an amount such as 12.50, at most "
                              "1000000.00."),
                           number);
      return NULL;
    }

  record = part->id != NULL
               ? care_record_new_with_id (care_schema_entity (CARE_ENTITY_PART_USAGE), part->id)
               : care_record_new (care_schema_entity (CARE_ENTITY_PART_USAGE));
  care_record_set_string (record, "name", name);
  care_record_set_string (record, "part_number", *part_number != '\0' ? part_number : NULL);
  care_record_set_int (record, "quantity", quantity);
  care_record_set_int (record, "unit_price_cents", price);
  return g_steal_pointer (&record);
}

static gboolean
parse_rate (CareVisitReportDialog *self, gint64 *cents)
{
  g_autofree char *text = stripped (GTK_EDITABLE (self->rate_row));

  if (*text == '\0')
    {
      *cents = 0;
      return TRUE;
    }
  return parse_money (text, MAX_RATE_CENTS, cents);
}

static void
set_sum (GtkLabel *label, gint64 cents, const char *currency)
{
  g_autofree char *text = care_money_format (cents, currency);

  gtk_label_set_text (label, text);
}

static void
show_totals (CareVisitReportDialog *self, const CareVisitTotals *totals, const char *coverage)
{
  const CareField *field = care_schema_field (CARE_ENTITY_VISIT_REPORT, "coverage");
  g_autofree char *discount_title = NULL;

  adw_action_row_set_subtitle (self->coverage_row, _ (care_field_choice_label (field, coverage)));
  set_sum (self->parts_sum, totals->parts_cents, self->currency);
  set_sum (self->labour_sum, totals->labour_cents, self->currency);
  set_sum (self->covered_sum, -totals->covered_cents, self->currency);
  set_sum (self->discount_sum, -totals->discount_cents, self->currency);
  set_sum (self->total_sum, totals->total_cents, self->currency);
  gtk_widget_set_visible (GTK_WIDGET (self->covered_row), totals->covered_cents > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->discount_row), totals->discount_cents > 0);
  if (totals->discount_percent > 0)
    /* TRANSLATORS: a price line: "Maintenance discount (20 %)" */
    discount_title = g_strdup_printf (_ ("Maintenance discount (%u %%)"), totals->discount_percent);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->discount_row),
                                 discount_title != NULL ? discount_title
                                                        : _ ("Maintenance discount"));
}

/* The price as the form stands; rows that do not parse yet count for nothing
 * until they do (Save explains what is wrong with them). */
static void
update_price (CareVisitReportDialog *self)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;
  g_auto (CareVisitTotals) totals = { 0 };
  GDate  day;
  gint64 rate = 0;

  if (self->completed)
    return;

  for (guint i = 0; i < self->parts->len; i++)
    {
      g_autofree char *message = NULL;
      GtkWidget       *bad = NULL;
      CareRecord *part = part_from_row (g_ptr_array_index (self->parts, i), i + 1, &bad, &message);

      if (part != NULL)
        g_ptr_array_add (parts, part);
    }
  parse_rate (self, &rate);

  if (!care_date_from_iso (care_record_get_string (self->report, "visit_date"), &day))
    care_clock_today_date (&day);

  if (!care_visit_price (parts, gtk_spin_button_get_value_as_int (self->minutes_spin), rate,
                         self->warranties, &day, gtk_switch_get_active (self->authorised_switch),
                         &totals, &error))
    {
      show_error (self->parts_error, error->message);
      self->price_error = TRUE;
      return;
    }
  if (self->price_error)
    show_error (self->parts_error, NULL);
  self->price_error = FALSE;
  show_totals (self, &totals, care_visit_coverage_key (totals.coverage));
}

static void
remove_part_cb (GtkButton *button, CareVisitReportDialog *self)
{
  PartRow *part = g_object_get_data (G_OBJECT (button), "part");

  if (part->id != NULL)
    g_ptr_array_add (self->removed_ids, g_strdup (part->id));
  gtk_list_box_remove (self->parts_list, part->row);
  g_ptr_array_remove (self->parts, part);
  changed (self);
}

static GtkEditable *
part_entry (GtkWidget  *box,
            const char *placeholder,
            const char *accessible,
            int         width_chars,
            int         max_length,
            gboolean    number)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_entry_set_max_length (GTK_ENTRY (entry), max_length);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), width_chars);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (entry), width_chars);
  if (number)
    {
      gtk_editable_set_alignment (GTK_EDITABLE (entry), 1.0);
      gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_NUMBER);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
  gtk_box_append (GTK_BOX (box), entry);
  return GTK_EDITABLE (entry);
}

static PartRow *
add_part_row (CareVisitReportDialog *self, CareRecord *record)
{
  PartRow   *part = g_new0 (PartRow, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  part->name = part_entry (box, _ ("Part"), _ ("Part name"), 10, 200, FALSE);
  gtk_widget_set_hexpand (GTK_WIDGET (part->name), TRUE);
  gtk_editable_set_max_width_chars (part->name, 40);
  part->number = part_entry (box, _ ("Part number"), _ ("Part number"), 8, 64, FALSE);
  /* TRANSLATORS: the placeholder of a narrow quantity entry; keep it short */
  part->quantity = part_entry (box, C_ ("quantity", "Qty"), _ ("Quantity"), 4, 7, TRUE);
  part->price = part_entry (box, _ ("Unit price"), _ ("Unit price"), 7, 12, TRUE);

  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, _ ("Remove Part"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Remove Part"), -1);
  g_object_set_data (G_OBJECT (remove), "part", part);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_part_cb), self);
  gtk_box_append (GTK_BOX (box), remove);

  if (record != NULL)
    {
      g_autofree char *quantity =
          g_strdup_printf ("%" G_GINT64_FORMAT, care_record_get_int (record, "quantity", 1));
      g_autofree char *price =
          care_money_format (care_record_get_int (record, "unit_price_cents", 0), NULL);
      const char *number = care_record_get_string (record, "part_number");

      part->id = g_strdup (care_record_get_id (record));
      gtk_editable_set_text (part->name, care_record_get_string (record, "name"));
      gtk_editable_set_text (part->number, number != NULL ? number : "");
      gtk_editable_set_text (part->quantity, quantity);
      gtk_editable_set_text (part->price, price);
    }
  else
    gtk_editable_set_text (part->quantity, "1");

  g_signal_connect_swapped (part->name, "changed", G_CALLBACK (form_changed_cb), self);
  g_signal_connect_swapped (part->number, "changed", G_CALLBACK (form_changed_cb), self);
  g_signal_connect_swapped (part->quantity, "changed", G_CALLBACK (form_changed_cb), self);
  g_signal_connect_swapped (part->price, "changed", G_CALLBACK (form_changed_cb), self);

  part->row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (part->row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (part->row), box);
  gtk_list_box_append (self->parts_list, part->row);
  g_ptr_array_add (self->parts, part);
  return part;
}

/* Checks the whole form, marks and explains every wrong field, and builds
 * the records to store. Nothing is written here. */
static gboolean
collect (CareVisitReportDialog *self,
         gboolean               completing,
         CareRecord           **out_report,
         GPtrArray            **out_parts)
{
  g_autoptr (CareRecord) report = care_record_copy (self->report);
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *work = text_of (self->work_done_view);
  g_autofree char *feedback = text_of (self->feedback_view);
  g_autofree char *signed_by = stripped (GTK_EDITABLE (self->signed_by_row));
  g_autoptr (GString) part_errors = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  GtkWidget  *first_bad = NULL;
  const char *bad_field = NULL;
  gint64      rate;

  clear_errors (self);

  if (*work == '\0')
    {
      show_error (self->work_error, _ ("Write down the work done."));
      mark (self->work_done_scroller, TRUE);
      first_bad = GTK_WIDGET (self->work_done_view);
    }

  if (!parse_rate (self, &rate))
    {
      show_error (self->time_error, _ ("The hourly rate must be an amount such as 65.00."));
      mark (GTK_WIDGET (self->rate_row), TRUE);
      if (first_bad == NULL)
        first_bad = GTK_WIDGET (self->rate_row);
    }

  for (guint i = 0; i < self->parts->len; i++)
    {
      g_autofree char *message = NULL;
      GtkWidget       *bad = NULL;
      CareRecord *part = part_from_row (g_ptr_array_index (self->parts, i), i + 1, &bad, &message);

      if (part == NULL)
        {
          if (part_errors->len > 0)
            g_string_append_c (part_errors, '\n');
          g_string_append (part_errors, message);
          mark (bad, TRUE);
          if (first_bad == NULL)
            first_bad = bad;
          continue;
        }
      care_record_set_string (part, "visit_report_id", care_record_get_id (report));
      g_ptr_array_add (parts, part);
    }
  if (part_errors->len > 0)
    show_error (self->parts_error, part_errors->str);

  if (completing && care_signature_pad_is_empty (self->signature_pad))
    {
      show_error (self->signature_error, _ ("The customer has not signed yet."));
      mark (GTK_WIDGET (self->signature_pad), TRUE);
      if (first_bad == NULL)
        first_bad = GTK_WIDGET (self->signed_by_row);
    }
  else if (completing && *signed_by == '\0')
    {
      show_error (self->signature_error, _ ("Write down who signed."));
      mark (GTK_WIDGET (self->signed_by_row), TRUE);
      if (first_bad == NULL)
        first_bad = GTK_WIDGET (self->signed_by_row);
    }

  if (first_bad != NULL)
    {
      gtk_widget_grab_focus (first_bad);
      return FALSE;
    }

  care_record_set_string (report, "work_done", work);
  care_record_set_int (report, "minutes", gtk_spin_button_get_value_as_int (self->minutes_spin));
  care_record_set_int (report, "hourly_rate_cents", rate);
  care_record_set_bool (report, "authorised_location",
                        gtk_switch_get_active (self->authorised_switch));
  care_record_set_string (report, "customer_feedback", *feedback != '\0' ? feedback : NULL);
  if (care_signature_pad_is_empty (self->signature_pad))
    care_visit_report_set_signature (report, NULL, *signed_by != '\0' ? signed_by : NULL, NULL);
  else
    {
      g_autofree char *before = g_strdup (care_record_get_string (self->report, "signature"));
      g_autofree char *now =
          care_signature_to_path (care_signature_pad_get_signature (self->signature_pad));

      /* Signed when drawn, not each time the report is saved again. */
      if (g_strcmp0 (before, now) != 0 || care_record_get_string (report, "signed_by") == NULL ||
          g_strcmp0 (care_record_get_string (report, "signed_by"), signed_by) != 0)
        care_visit_report_set_signature (report,
                                         care_signature_pad_get_signature (self->signature_pad),
                                         *signed_by != '\0' ? signed_by : NULL, NULL);
    }

  /* What the form cannot catch (lengths, a signature too long to store). */
  if (!care_record_validate (report, &bad_field, &error))
    {
      GtkLabel *label =
          g_strcmp0 (bad_field, "signature") == 0 || g_strcmp0 (bad_field, "signed_by") == 0
              ? self->signature_error
              : self->work_error;
      show_error (label, error->message);
      return FALSE;
    }
  for (guint i = 0; i < parts->len; i++)
    {
      g_clear_error (&error);
      if (!care_record_validate (g_ptr_array_index (parts, i), &bad_field, &error))
        {
          show_error (self->parts_error, error->message);
          return FALSE;
        }
    }

  *out_report = g_steal_pointer (&report);
  *out_parts = g_steal_pointer (&parts);
  return TRUE;
}

typedef struct
{
  CareVisitReportDialog *self;
  CareRecord            *report;
  GPtrArray             *parts;
} SaveData;

static gboolean
save_in_transaction (CareStore *store, gpointer user_data, GError **error)
{
  SaveData *data = user_data;

  if (!care_store_save (store, data->report, error))
    return FALSE;
  for (guint i = 0; i < data->self->removed_ids->len; i++)
    if (!care_store_delete (store, care_schema_entity (CARE_ENTITY_PART_USAGE),
                            g_ptr_array_index (data->self->removed_ids, i), error))
      return FALSE;
  for (guint i = 0; i < data->parts->len; i++)
    if (!care_store_save (store, g_ptr_array_index (data->parts, i), error))
      return FALSE;
  return TRUE;
}

/* Validates and stores the form; on any error nothing is stored and the
 * form is left as typed. */
static gboolean
save (CareVisitReportDialog *self, gboolean completing)
{
  g_autoptr (CareRecord) report = NULL;
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (GError) error = NULL;
  SaveData data;

  if (!collect (self, completing, &report, &parts))
    return FALSE;

  data = (SaveData){ self, report, parts };
  if (!care_store_write (self->store, save_in_transaction, &data, &error))
    {
      g_autofree char *message =
          g_strdup_printf (_ ("Could not save the visit report: %s"), error->message);
      show_error (self->work_error, message);
      return FALSE;
    }

  g_set_object (&self->report, report);
  g_ptr_array_set_size (self->removed_ids, 0);
  for (guint i = 0; i < parts->len; i++)
    {
      PartRow *part = g_ptr_array_index (self->parts, i);

      if (part->id == NULL)
        part->id = g_strdup (care_record_get_id (g_ptr_array_index (parts, i)));
    }
  if (care_record_get_int (report, "hourly_rate_cents", 0) > 0)
    g_settings_set_int (self->settings, "hourly-rate-cents",
                        (int) care_record_get_int (report, "hourly_rate_cents", 0));
  self->saved_once = TRUE;
  self->dirty = FALSE;
  return TRUE;
}

/* The options of the report's PDF; they point into the returned company. */
static CareCompany *
pdf_options (CareVisitReportDialog *self, CarePdfOptions *options)
{
  CareCompany *company = care_company_load (self->settings);

  memset (options, 0, sizeof *options);
  care_company_apply (company, options);
  options->currency = self->currency;
  return company;
}

/* Export and Print show what is stored: unsaved changes are saved first. */
static gboolean
ensure_saved (CareVisitReportDialog *self)
{
  if (self->completed || (self->saved_once && !self->dirty))
    return TRUE;
  return save (self, FALSE);
}

/* Actions */

static void
report_save_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareVisitReportDialog *self = CARE_VISIT_REPORT_DIALOG (widget);

  if (self->completed || !save (self, FALSE))
    return;
  g_signal_emit (self, signals[SAVED], 0, self->report, FALSE, NULL);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
report_complete_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareVisitReportDialog *self = CARE_VISIT_REPORT_DIALOG (widget);
  g_autoptr (CareRecord) report = NULL;
  g_autoptr (CareRecord) appointment = NULL;
  g_autoptr (CareRecord) call = NULL;
  g_autoptr (GError) error = NULL;

  if (self->completed || !save (self, TRUE))
    return;

  report = care_record_copy (self->report);
  if (!care_visit_report_complete (self->store, report, &error))
    {
      g_autofree char *message =
          g_strdup_printf (_ ("Could not complete the visit: %s"), error->message);
      show_error (self->signature_error, message);
      return;
    }
  g_set_object (&self->report, report);

  /* A delivery or installation gets its check-up call, as many days later
   * as Preferences say. Completing the report is the change that books it,
   * even for a visit marked done before (no status to compare: NULL), and
   * booking twice is a no-op. */
  appointment =
      care_view_load_record (self, self->store, care_schema_entity (CARE_ENTITY_APPOINTMENT),
                             care_record_get_id (self->appointment));
  if (appointment != NULL)
    call = care_follow_up_after_change (self->context, NULL, appointment);

  g_signal_emit (self, signals[SAVED], 0, self->report, TRUE, call);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
focus_when_mapped_cb (GtkWidget *widget)
{
  g_signal_handlers_disconnect_by_func (widget, focus_when_mapped_cb, NULL);
  gtk_widget_grab_focus (widget);
}

static void
report_add_part_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareVisitReportDialog *self = CARE_VISIT_REPORT_DIALOG (widget);
  PartRow               *part;

  if (self->completed)
    return;
  part = add_part_row (self, NULL);
  /* A widget takes the focus once it is on screen, not before. */
  if (gtk_widget_get_mapped (GTK_WIDGET (part->name)))
    gtk_widget_grab_focus (GTK_WIDGET (part->name));
  else
    g_signal_connect (part->name, "map", G_CALLBACK (focus_when_mapped_cb), NULL);
  changed (self);
}

static void
discard_response_cb (AdwMessageDialog *dialog, const char *response, CareVisitReportDialog *self)
{
  if (g_str_equal (response, "discard"))
    {
      self->dirty = FALSE;
      gtk_window_destroy (GTK_WINDOW (self));
    }
}

static gboolean
care_visit_report_dialog_close_request (GtkWindow *window)
{
  CareVisitReportDialog *self = CARE_VISIT_REPORT_DIALOG (window);
  AdwMessageDialog      *dialog;

  if (!self->dirty)
    return GTK_WINDOW_CLASS (care_visit_report_dialog_parent_class)->close_request (window);

  /* Typed at a customer's door: closing never throws it away unasked. */
  dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_WINDOW (self), _ ("Discard the Changes?"),
                              _ ("The visit report has changes that are not saved.")));
  adw_message_dialog_add_responses (dialog, "keep", _ ("_Keep Editing"), "discard", _ ("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
report_cancel_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static char *
suggested_file_name (CareVisitReportDialog *self)
{
  g_autofree char *customer = care_format_reference (
      self->store, care_schema_field (CARE_ENTITY_APPOINTMENT, "customer_id"),
      care_record_get_string (self->appointment, "customer_id"));
  const char *day = care_record_get_string (self->report, "visit_date");
  /* TRANSLATORS: a file name: "Visit report Padaria Lda 2026-03-02.pdf" */
  g_autofree char *name = g_strdup_printf (
      _ ("Visit report %s %s.pdf"), customer != NULL ? customer : "", day != NULL ? day : "");

  /* Names with a slash cannot be a file's. */
  return g_strdelimit (g_steal_pointer (&name), "/\\:", '-');
}

/* Without a company name the documents have no header: say so beside
 * Export and Print, with the way to set it. */
static void
company_changed_cb (GSettings *settings, const char *key, CareVisitReportDialog *self)
{
  g_autofree char *name = g_strstrip (g_settings_get_string (settings, "company-name"));

  gtk_widget_set_visible (self->company_hint, name[0] == '\0');
}

/* Opens the exported file in the desktop's viewer for it (GtkFileLauncher
 * is GTK 4.10; gtk_show_uri goes through the OpenURI portal or GIO). */
static void
open_exported_cb (AdwToast *t, CareVisitReportDialog *self)
{
  const char *uri = g_object_get_data (G_OBJECT (t), "uri");

  g_debug ("Opening %s", uri);
  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

static void
export_response_cb (GtkNativeDialog *chooser, int response, CareVisitReportDialog *self)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CareCompany) company = NULL;
  CarePdfOptions options;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);
  if (file == NULL)
    return;

  company = pdf_options (self, &options);
  if (!care_pdf_write_visit_report (self->store, care_record_get_id (self->report), &options, file,
                                    &error))
    {
      g_autofree char *message =
          g_strdup_printf (_ ("Could not export the visit report: %s"), error->message);
      toast (self, message);
    }
  else
    {
      g_autofree char *base = g_file_get_basename (file);
      /* TRANSLATORS: a toast; %s is a file name */
      g_autofree char *message = g_strdup_printf (_ ("Exported “%s”"), base);
      AdwToast        *t = adw_toast_new (message);

      /* What one does next with a document is look at it. */
      adw_toast_set_button_label (t, C_ ("verb", "_Open"));
      adw_toast_set_timeout (t, 10);
      g_object_set_data_full (G_OBJECT (t), "uri", g_file_get_uri (file), g_free);
      g_signal_connect_object (t, "button-clicked", G_CALLBACK (open_exported_cb), self, 0);
      care_toast_log (t);
      adw_toast_overlay_add_toast (self->toast_overlay, t);
    }
}

static void
export_now (GObject *owner)
{
  CareVisitReportDialog *self = CARE_VISIT_REPORT_DIALOG (owner);
  GtkFileChooserNative  *chooser;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;

  chooser =
      gtk_file_chooser_native_new (_ ("Export Visit Report"), GTK_WINDOW (self),
                                   GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));
  gtk_file_filter_set_name (filter, _ ("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  name = suggested_file_name (self);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
report_export_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareVisitReportDialog *self = CARE_VISIT_REPORT_DIALOG (widget);

  if (!ensure_saved (self))
    return;
  care_company_ask_once (widget, self->settings, G_OBJECT (self), export_now);
}

static void
draw_page_cb (GtkPrintOperation *operation, GtkPrintContext *context, int page_nr, GPtrArray *pages)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double   scale = MIN (gtk_print_context_get_width (context) / CARE_PDF_PAGE_WIDTH,
                        gtk_print_context_get_height (context) / CARE_PDF_PAGE_HEIGHT);

  if (page_nr < 0 || (guint) page_nr >= pages->len)
    return;
  /* The pages are A4 with their own margins: on other paper they shrink to fit. */
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, g_ptr_array_index (pages, page_nr), 0, 0);
  cairo_paint (cr);
}

static void
free_pages (gpointer pages, GClosure *closure)
{
  g_ptr_array_unref (pages);
}

static void
free_weak_ref (gpointer data, GClosure *closure)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* The dialog may be closed while the print runs: it is held weakly. */
static void
print_done_cb (GtkPrintOperation *operation, GtkPrintOperationResult result, GWeakRef *dialog_ref)
{
  g_autoptr (CareVisitReportDialog) self = g_weak_ref_get (dialog_ref);
  g_autoptr (GError) error = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_ERROR && self != NULL)
    {
      g_autofree char *message = NULL;

      gtk_print_operation_get_error (operation, &error);
      message = g_strdup_printf (_ ("Could not print the visit report: %s"), error->message);
      toast (self, message);
    }
  g_object_unref (operation);
}

static void
report_print_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareVisitReportDialog *self = CARE_VISIT_REPORT_DIALOG (widget);
  g_autoptr (GPtrArray) pages = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr (GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autoptr (CareCompany) company = NULL;
  g_autofree char   *job = NULL;
  GtkPrintOperation *operation;
  GWeakRef          *dialog_ref;
  CarePdfOptions     options;

  if (!ensure_saved (self))
    return;

  company = pdf_options (self, &options);
  pages = care_pdf_render_visit_report (self->store, care_record_get_id (self->report), &options,
                                        &error);
  if (pages == NULL)
    {
      g_autofree char *message =
          g_strdup_printf (_ ("Could not print the visit report: %s"), error->message);
      toast (self, message);
      return;
    }

  operation = gtk_print_operation_new ();
  gtk_page_setup_set_paper_size (setup, a4);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_n_pages (operation, (int) pages->len);
  gtk_print_operation_set_allow_async (operation, TRUE);
  job = suggested_file_name (self);
  gtk_print_operation_set_job_name (operation, job);
  g_signal_connect_data (operation, "draw-page", G_CALLBACK (draw_page_cb),
                         g_steal_pointer (&pages), free_pages, 0);
  dialog_ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (dialog_ref, self);
  g_signal_connect_data (operation, "done", G_CALLBACK (print_done_cb), dialog_ref, free_weak_ref,
                         0);

  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_WINDOW (self), &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_autofree char *message =
          g_strdup_printf (_ ("Could not print the visit report: %s"), error->message);
      toast (self, message);
    }
  /* "done" releases the operation, also after an error or a cancel. */
}

/* Loading */

static AdwActionRow *
add_sum_row (CareVisitReportDialog *self, const char *title, GtkLabel **value)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget    *label = gtk_label_new (NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (row, label);
  adw_preferences_group_add (self->price_group, GTK_WIDGET (row));
  *value = GTK_LABEL (label);
  return row;
}

static void
fill_form (CareVisitReportDialog *self, GPtrArray *parts)
{
  g_autoptr (CareSignature) signature = NULL;
  g_autoptr (GError) error = NULL;
  const char *work = care_record_get_string (self->report, "work_done");
  const char *feedback = care_record_get_string (self->report, "customer_feedback");
  const char *signed_by = care_record_get_string (self->report, "signed_by");
  gint64      rate = care_record_get_int (self->report, "hourly_rate_cents", -1);

  self->loading = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->work_done_view),
                            work != NULL ? work : "", -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->feedback_view),
                            feedback != NULL ? feedback : "", -1);
  gtk_spin_button_set_value (self->minutes_spin,
                             (double) care_record_get_int (self->report, "minutes", 0));
  if (rate < 0)
    rate = g_settings_get_int (self->settings, "hourly-rate-cents");
  if (rate > 0)
    {
      g_autofree char *text = care_money_format (rate, NULL);
      gtk_editable_set_text (GTK_EDITABLE (self->rate_row), text);
    }
  gtk_switch_set_active (self->authorised_switch,
                         care_record_get_bool (self->report, "authorised_location"));
  gtk_editable_set_text (GTK_EDITABLE (self->signed_by_row), signed_by != NULL ? signed_by : "");

  for (guint i = 0; parts != NULL && i < parts->len; i++)
    add_part_row (self, g_ptr_array_index (parts, i));

  signature = care_visit_report_get_signature (self->report, &error);
  if (error != NULL)
    show_error (self->signature_error,
                _ ("The stored signature could not be read; the customer may sign again."));
  care_signature_pad_set_signature (self->signature_pad, signature);
  self->loading = FALSE;
}

static void
show_completed (CareVisitReportDialog *self)
{
  CareVisitTotals totals = { 0 };

  totals.parts_cents = care_record_get_int (self->report, "parts_cents", 0);
  totals.labour_cents = care_record_get_int (self->report, "labour_cents", 0);
  totals.covered_cents = care_record_get_int (self->report, "covered_cents", 0);
  totals.discount_cents = care_record_get_int (self->report, "discount_cents", 0);
  totals.total_cents = care_record_get_int (self->report, "total_cents", 0);
  show_totals (self, &totals, care_record_get_string (self->report, "coverage"));

  gtk_widget_set_visible (self->completed_label, TRUE);
  gtk_widget_set_visible (self->save_button, FALSE);
  gtk_widget_set_visible (self->complete_button, FALSE);
  gtk_button_set_label (GTK_BUTTON (self->cancel_button), _ ("_Close"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->cancel_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Close"), -1);
  /* Read-only, yet every value stays readable and reachable with Tab. */
  gtk_text_view_set_editable (self->work_done_view, FALSE);
  gtk_text_view_set_editable (self->feedback_view, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->minutes_spin), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->rate_row), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->authorised_switch), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->parts_list), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->signed_by_row), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->signature_pad), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.add-part", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.save", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.complete", FALSE);
}

/* Overrides */

static void
care_visit_report_dialog_dispose (GObject *object)
{
  CareVisitReportDialog *self = CARE_VISIT_REPORT_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_VISIT_REPORT_DIALOG);
  g_clear_object (&self->context);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->appointment);
  g_clear_object (&self->report);
  g_clear_pointer (&self->warranties, g_ptr_array_unref);
  G_OBJECT_CLASS (care_visit_report_dialog_parent_class)->dispose (object);
}

static void
care_visit_report_dialog_finalize (GObject *object)
{
  CareVisitReportDialog *self = CARE_VISIT_REPORT_DIALOG (object);

  g_ptr_array_unref (self->parts);
  g_ptr_array_unref (self->removed_ids);
  g_free (self->currency);
  G_OBJECT_CLASS (care_visit_report_dialog_parent_class)->finalize (object);
}

static void
care_visit_report_dialog_class_init (CareVisitReportDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = care_visit_report_dialog_dispose;
  object_class->finalize = care_visit_report_dialog_finalize;
  window_class->close_request = care_visit_report_dialog_close_request;

  /**
   * CareVisitReportDialog::saved:
   * @report: the report as stored
   * @completed: whether it was completed just now
   * @follow_up: (nullable): the follow-up call completing it booked
   */
  signals[SAVED] =
      g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 3, CARE_TYPE_RECORD, G_TYPE_BOOLEAN, CARE_TYPE_RECORD);

  g_type_ensure (CARE_TYPE_SIGNATURE_PAD);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/appointments/care-visit-report-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, complete_button);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, completed_label);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, company_hint);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, form_box);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, work_done_view);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, work_done_scroller);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, work_error);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, minutes_spin);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, rate_row);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, authorised_switch);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, time_error);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, parts_list);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, parts_error);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, price_group);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, feedback_view);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, signed_by_row);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, signature_pad);
  gtk_widget_class_bind_template_child (widget_class, CareVisitReportDialog, signature_error);

  gtk_widget_class_install_action (widget_class, "report.save", NULL, report_save_cb);
  gtk_widget_class_install_action (widget_class, "report.cancel", NULL, report_cancel_cb);
  gtk_widget_class_install_action (widget_class, "report.complete", NULL, report_complete_cb);
  gtk_widget_class_install_action (widget_class, "report.add-part", NULL, report_add_part_cb);
  gtk_widget_class_install_action (widget_class, "report.export", NULL, report_export_cb);
  gtk_widget_class_install_action (widget_class, "report.print", NULL, report_print_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "report.save",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "report.print",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "report.cancel", NULL);
}

static void
care_visit_report_dialog_init (CareVisitReportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->parts = g_ptr_array_new_with_free_func (part_row_free);
  self->removed_ids = g_ptr_array_new_with_free_func (g_free);

  self->coverage_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->coverage_row), _ ("Billing"));
  adw_preferences_group_add (self->price_group, GTK_WIDGET (self->coverage_row));
  add_sum_row (self, _ ("Parts"), &self->parts_sum);
  add_sum_row (self, _ ("Labour"), &self->labour_sum);
  self->covered_row = add_sum_row (self, _ ("Covered by warranty"), &self->covered_sum);
  self->discount_row = add_sum_row (self, _ ("Maintenance discount"), &self->discount_sum);
  add_sum_row (self, _ ("Total"), &self->total_sum);
  gtk_widget_add_css_class (GTK_WIDGET (self->total_sum), "heading");

  g_signal_connect_swapped (gtk_text_view_get_buffer (self->work_done_view), "changed",
                            G_CALLBACK (form_changed_cb), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->feedback_view), "changed",
                            G_CALLBACK (form_changed_cb), self);
  g_signal_connect_swapped (self->minutes_spin, "value-changed", G_CALLBACK (form_changed_cb),
                            self);
  g_signal_connect_swapped (self->rate_row, "changed", G_CALLBACK (form_changed_cb), self);
  g_signal_connect_swapped (self->authorised_switch, "notify::active", G_CALLBACK (form_changed_cb),
                            self);
  g_signal_connect_swapped (self->signed_by_row, "changed", G_CALLBACK (form_changed_cb), self);
  g_signal_connect_swapped (self->signature_pad, "changed", G_CALLBACK (form_changed_cb), self);
}

/**
 * care_visit_report_dialog_new:
 *
 * The report of @appointment: its stored one, or a new one to write. The
 * caller presents it.
 */
CareVisitReportDialog *
care_visit_report_dialog_new (GtkWindow   *parent,
                              CareContext *context,
                              CareRecord  *appointment,
                              GError     **error)
{
  CareVisitReportDialog *self;
  g_autoptr (CareRecord) report = NULL;
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (GPtrArray) warranties = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *customer = NULL;
  g_autofree char *day = NULL;
  g_autofree char *subtitle = NULL;
  CareStore       *store = care_context_get_store (context);

  g_return_val_if_fail (CARE_IS_RECORD (appointment), NULL);

  report = care_visit_report_find_for_appointment (store, care_record_get_id (appointment),
                                                   &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (report != NULL)
    {
      parts = care_visit_report_list_parts (store, care_record_get_id (report), error);
      if (parts == NULL)
        return NULL;
    }
  /* What the prices depend on: without it the report would bill wrongly. */
  warranties = care_visit_report_product_warranties (store, appointment, error);
  if (warranties == NULL)
    return NULL;

  self = g_object_new (CARE_TYPE_VISIT_REPORT_DIALOG, "transient-for", parent, NULL);
  self->context = g_object_ref (context);
  self->store = g_object_ref (store);
  self->settings = g_object_ref (care_context_get_settings (context));
  g_signal_connect_object (self->settings, "changed::company-name", G_CALLBACK (company_changed_cb),
                           self, 0);
  company_changed_cb (self->settings, NULL, self);
  self->currency = g_settings_get_string (self->settings, "currency");
  self->appointment = g_object_ref (appointment);
  self->warranties = g_steal_pointer (&warranties);
  self->saved_once = report != NULL;
  self->report = report != NULL ? g_steal_pointer (&report)
                                : care_visit_report_new_for_appointment (appointment);
  self->completed = care_record_get_value (self->report, "total_cents") != NULL;

  customer =
      care_format_reference (store, care_schema_field (CARE_ENTITY_APPOINTMENT, "customer_id"),
                             care_record_get_string (appointment, "customer_id"));
  day = care_format_date (care_record_get_string (self->report, "visit_date"));
  /* TRANSLATORS: under the title of a visit report: "Padaria Lda, 2 March 2026" */
  subtitle = g_strdup_printf (_ ("%s, %s"), customer != NULL ? customer : "", day);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  fill_form (self, parts);
  if (self->completed)
    show_completed (self);
  else
    update_price (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->work_done_view));
  return self;
}
