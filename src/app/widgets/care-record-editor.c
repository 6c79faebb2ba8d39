/* care-record-editor.c: a form for any record, built from its schema.
 *
 * Each field gets the libadwaita row that suits its type: an entry row for
 * text, a combo row for choices, a switch, a calendar popover for dates, a
 * search popover for references. Every change is parsed and validated at
 * once and the row that is wrong says why; only a record that validates
 * reaches the store, and a failed save leaves the form as the user left it. */
#define G_LOG_DOMAIN "care-record-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "care-clock.h"
#include "care-format.h"
#include "care-record-editor.h"
#include "care-record-picker.h"

typedef struct
{
  CareRecordEditor *editor; /* unowned */
  const CareField  *field;
  guint             index;
  GtkWidget        *row;
  GtkWidget        *input;    /* entry row, text view, switch, combo row */
  GtkWidget        *picker;   /* references */
  GtkCalendar      *calendar; /* dates and times */
  GtkSpinButton    *hour;
  GtkSpinButton    *minute;
  gboolean          touched;     /* show "required" only once the user was here */
  gboolean          placeholder; /* a required choice that starts unchosen */
  char             *problem;     /* what a date row says is wrong, under its value */
  char             *error;       /* why the typed text is not a value, or NULL */
} FieldRow;

struct _CareRecordEditor
{
  GtkWidget parent_instance;

  /* Template widgets */
  AdwPreferencesGroup *group;
  GtkLabel            *error_label;

  /* Owned references */
  CareStore  *store;
  CareRecord *record; /* the working copy the rows write into */
  GPtrArray  *rows;   /* FieldRow */
  GPtrArray  *shown;  /* the group's rows in the order shown (borrowed) */
  char       *range_message;
  gboolean    updating; /* rows are being filled from the record */
};

G_DEFINE_FINAL_TYPE (CareRecordEditor, care_record_editor, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_VALID,
  N_PROPS
};

enum
{
  SAVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

static void
field_row_free (gpointer data)
{
  FieldRow *fr = data;

  g_free (fr->error);
  g_free (fr->problem);
  g_free (fr);
}

static FieldRow *
row_for_field (CareRecordEditor *self, const char *name)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      FieldRow *fr = g_ptr_array_index (self->rows, i);
      if (g_str_equal (fr->field->name, name))
        return fr;
    }
  return NULL;
}

/* The first problem in the form, in field order, or NULL. */
static const char *
first_problem (CareRecordEditor *self, FieldRow **out_row, gboolean all)
{
  static char *required_message;

  for (guint i = 0; i < self->rows->len; i++)
    {
      FieldRow *fr = g_ptr_array_index (self->rows, i);

      if (fr->error != NULL)
        {
          *out_row = fr;
          return fr->error;
        }
      if ((all || fr->touched) && fr->field->required &&
          care_record_get_value_at (self->record, fr->index) == NULL)
        {
          g_autoptr (GError) error = NULL;
          care_field_validate (fr->field, NULL, &error);
          g_free (required_message);
          required_message = g_strdup (error->message);
          *out_row = fr;
          return required_message;
        }
    }

  /* An end before its start is wrong as soon as both are there, not only
   * when saving: the end's row says so. */
  {
    const CareEntity *e = care_record_get_entity (self->record);
    FieldRow         *end_row = e->range_end != NULL ? row_for_field (self, e->range_end) : NULL;
    const char       *start =
        e->range_start != NULL ? care_record_get_string (self->record, e->range_start) : NULL;
    const char *end = end_row != NULL ? care_record_get_string (self->record, e->range_end) : NULL;

    /* Both are ISO 8601 in one canonical form, so text order is time order. */
    if (start != NULL && end != NULL && g_strcmp0 (end, start) < 0)
      {
        g_free (self->range_message);
        /* TRANSLATORS: e.g. "End: must not be before Start" */
        self->range_message =
            g_strdup_printf (_ ("%s: must not be before %s"), care_field_label (end_row->field),
                             care_field_label (care_entity_lookup_field (e, e->range_start)));
        *out_row = end_row;
        return self->range_message;
      }
  }

  *out_row = NULL;
  return NULL;
}

static void update_subtitle (FieldRow *fr);

static void
show_problems (CareRecordEditor *self, gboolean all)
{
  FieldRow   *bad = NULL;
  const char *message = first_problem (self, &bad, all);

  for (guint i = 0; i < self->rows->len; i++)
    {
      FieldRow *fr = g_ptr_array_index (self->rows, i);
      gboolean  wrong = fr->error != NULL || (fr == bad);

      if (wrong)
        gtk_widget_add_css_class (fr->row, "error");
      else
        gtk_widget_remove_css_class (fr->row, "error");
      gtk_widget_set_tooltip_text (fr->row,
                                   wrong ? (fr->error != NULL ? fr->error : message) : NULL);
      /* A date row says what is wrong under its value, where the eye is:
       * the message below the form may be scrolled out of sight. */
      if (fr->calendar != NULL)
        {
          const char *problem = wrong ? (fr->error != NULL ? fr->error : message) : NULL;

          if (g_strcmp0 (problem, fr->problem) != 0)
            {
              g_free (fr->problem);
              fr->problem = g_strdup (problem);
              update_subtitle (fr);
            }
        }
    }

  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
}

static void fill_row (FieldRow *fr);

static GDateTime *
parse_instant (const char *iso)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();

  return iso != NULL ? g_date_time_new_from_iso8601 (iso, utc) : NULL;
}

/* Moving a start moves its end with it, keeping the length the form had
 * (as a calendar does); a length that was not positive becomes an hour. */
static void
follow_start (CareRecordEditor *self, FieldRow *fr, GVariant *value)
{
  const CareEntity *e = care_record_get_entity (self->record);
  FieldRow         *end_row;
  g_autoptr (GDateTime) old_start = NULL;
  g_autoptr (GDateTime) old_end = NULL;
  g_autoptr (GDateTime) new_start = NULL;
  g_autoptr (GDateTime) new_end = NULL;
  g_autofree char *iso = NULL;
  GTimeSpan        length;

  if (fr->field->type != CARE_FIELD_DATETIME || e->range_start == NULL ||
      !g_str_equal (fr->field->name, e->range_start) || value == NULL)
    return;
  end_row = row_for_field (self, e->range_end);
  if (end_row == NULL)
    return;

  old_start = parse_instant (care_record_get_string (self->record, e->range_start));
  old_end = parse_instant (care_record_get_string (self->record, e->range_end));
  new_start = parse_instant (g_variant_get_string (value, NULL));
  if (new_start == NULL)
    return;
  length = old_start != NULL && old_end != NULL ? g_date_time_difference (old_end, old_start) : 0;
  if (length <= 0)
    length = G_TIME_SPAN_HOUR;
  new_end = g_date_time_add (new_start, length);
  iso = g_date_time_format (new_end, "%Y-%m-%dT%H:%M:%SZ");
  care_record_set_value_at (self->record, end_row->index, g_variant_new_string (iso));
  fill_row (end_row);
}

/* Sets the working copy from a row; @value NULL unsets, @error is the
 * reason the user's input is not a value (the old value is kept then). */
static void
commit_value (FieldRow *fr, GVariant *value, const char *error)
{
  CareRecordEditor *self = fr->editor;
  g_autoptr (GVariant) owned = value != NULL ? g_variant_ref_sink (value) : NULL;

  if (self->updating)
    return;

  fr->touched = TRUE;
  g_clear_pointer (&fr->error, g_free);
  if (error != NULL)
    fr->error = g_strdup (error);
  else
    {
      follow_start (self, fr, owned);
      care_record_set_value_at (self->record, fr->index, owned);
    }

  show_problems (self, FALSE);
}

static void
text_changed_cb (GtkEditable *editable, FieldRow *fr)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) value = NULL;

  if (care_field_parse (fr->field, gtk_editable_get_text (editable), &value, &error))
    commit_value (fr, value, NULL);
  else
    commit_value (fr, NULL, error->message);
}

static void
note_changed_cb (GtkTextBuffer *buffer, FieldRow *fr)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) value = NULL;
  g_autofree char *text = NULL;
  GtkTextIter      start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (care_field_parse (fr->field, text, &value, &error))
    commit_value (fr, value, NULL);
  else
    commit_value (fr, NULL, error->message);
}

static void
switch_cb (GtkSwitch *sw, GParamSpec *pspec, FieldRow *fr)
{
  commit_value (fr, g_variant_new_boolean (gtk_switch_get_active (sw)), NULL);
}

/* Optional choices have a first "Not set" item. */
static void
combo_cb (AdwComboRow *combo, GParamSpec *pspec, FieldRow *fr)
{
  guint selected = adw_combo_row_get_selected (combo);
  guint offset = fr->field->required && !fr->placeholder ? 0 : 1;

  if (selected == GTK_INVALID_LIST_POSITION || selected < offset)
    commit_value (fr, NULL, NULL);
  else
    commit_value (fr, g_variant_new_string (fr->field->choices[selected - offset]), NULL);
}

static void
update_subtitle (FieldRow *fr)
{
  CareRecordEditor *self = fr->editor;
  GVariant         *value = care_record_get_value_at (self->record, fr->index);
  g_autofree char  *text = NULL;

  if (value == NULL)
    text = g_strdup (_ ("Not set"));
  else if (fr->field->type == CARE_FIELD_REF)
    text = care_format_reference (self->store, fr->field, g_variant_get_string (value, NULL));
  else
    text = care_format_value (fr->field, value);

  if (fr->problem != NULL)
    {
      g_autofree char *value_text = g_steal_pointer (&text);
      text = g_strdup_printf ("%s\n%s", value_text, fr->problem);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (fr->row), text);
}

static void
date_picked (FieldRow *fr)
{
  g_autoptr (GDateTime) day = gtk_calendar_get_date (fr->calendar);

  if (fr->field->type == CARE_FIELD_DATE)
    {
      g_autofree char *iso = g_date_time_format (day, "%Y-%m-%d");
      commit_value (fr, g_variant_new_string (iso), NULL);
    }
  else
    {
      g_autoptr (GDateTime) local = g_date_time_new_local (
          g_date_time_get_year (day), g_date_time_get_month (day),
          g_date_time_get_day_of_month (day), gtk_spin_button_get_value_as_int (fr->hour),
          gtk_spin_button_get_value_as_int (fr->minute), 0);
      g_autoptr (GDateTime) utc = g_date_time_to_utc (local);
      g_autofree char *iso = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
      commit_value (fr, g_variant_new_string (iso), NULL);
    }

  update_subtitle (fr);
}

static void
day_selected_cb (GtkCalendar *calendar, FieldRow *fr)
{
  date_picked (fr);
}

/* The calendar keeps a day selected when its arrows change the month or
 * the year; the field follows what it shows, as if that day were clicked. */
static void
month_changed_cb (GtkCalendar *calendar, FieldRow *fr)
{
  if (!fr->editor->updating)
    date_picked (fr);
}

static void
time_changed_cb (GtkSpinButton *spin, FieldRow *fr)
{
  if (!fr->editor->updating)
    date_picked (fr);
}

static void
picked_cb (CareRecordPicker *picker, CareRecord *record, FieldRow *fr)
{
  commit_value (fr, g_variant_new_string (care_record_get_id (record)), NULL);
  update_subtitle (fr);
}

static void
clear_cb (GtkButton *button, FieldRow *fr)
{
  commit_value (fr, NULL, NULL);
  update_subtitle (fr);
}

static GtkWidget *
icon_button (const char *icon, const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  return button;
}

static GtkWidget *
menu_button (const char *icon, const char *label, GtkWidget *popover)
{
  GtkWidget *button = gtk_menu_button_new ();

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), icon);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  return button;
}

static void
add_clear_button (FieldRow *fr, const char *label)
{
  GtkWidget *clear;

  if (fr->field->required)
    return;

  clear = icon_button ("edit-clear-symbolic", label);
  g_signal_connect (clear, "clicked", G_CALLBACK (clear_cb), fr);
  adw_action_row_add_suffix (ADW_ACTION_ROW (fr->row), clear);
}

/* Hours and minutes as a 24-hour clock writes them: "09:05", not "9:5". */
static gboolean
time_output_cb (GtkSpinButton *spin, gpointer user_data)
{
  char text[8];

  g_snprintf (text, sizeof text, "%02d", gtk_spin_button_get_value_as_int (spin));
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static GtkWidget *
time_spin (int max, int step, const char *label, FieldRow *fr)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (0, max, step);

  g_signal_connect (spin, "output", G_CALLBACK (time_output_cb), NULL);

  gtk_spin_button_set_wrap (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (spin), GTK_ORIENTATION_VERTICAL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_signal_connect (spin, "value-changed", G_CALLBACK (time_changed_cb), fr);
  return spin;
}

static void
build_date_row (FieldRow *fr)
{
  g_autofree char *choose = g_strdup_printf (_ ("Choose %s"), care_field_label (fr->field));
  g_autofree char *clear = g_strdup_printf (_ ("Clear %s"), care_field_label (fr->field));
  GtkWidget       *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget       *popover = gtk_popover_new ();

  fr->row = adw_action_row_new ();
  fr->calendar = GTK_CALENDAR (gtk_calendar_new ());
  gtk_accessible_update_property (GTK_ACCESSIBLE (fr->calendar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  care_field_label (fr->field), -1);
  g_signal_connect (fr->calendar, "day-selected", G_CALLBACK (day_selected_cb), fr);
  g_signal_connect (fr->calendar, "prev-month", G_CALLBACK (month_changed_cb), fr);
  g_signal_connect (fr->calendar, "next-month", G_CALLBACK (month_changed_cb), fr);
  g_signal_connect (fr->calendar, "prev-year", G_CALLBACK (month_changed_cb), fr);
  g_signal_connect (fr->calendar, "next-year", G_CALLBACK (month_changed_cb), fr);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fr->calendar));

  if (fr->field->type == CARE_FIELD_DATETIME)
    {
      GtkWidget *time_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *colon = gtk_label_new (":");

      fr->hour = GTK_SPIN_BUTTON (time_spin (23, 1, _ ("Hour"), fr));
      fr->minute = GTK_SPIN_BUTTON (time_spin (59, 5, _ ("Minute"), fr));
      gtk_widget_set_halign (time_box, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (time_box), GTK_WIDGET (fr->hour));
      gtk_box_append (GTK_BOX (time_box), colon);
      gtk_box_append (GTK_BOX (time_box), GTK_WIDGET (fr->minute));
      gtk_box_append (GTK_BOX (box), time_box);
    }

  gtk_popover_set_child (GTK_POPOVER (popover), box);
  fr->input = menu_button ("x-office-calendar-symbolic", choose, popover);
  adw_action_row_add_suffix (ADW_ACTION_ROW (fr->row), fr->input);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (fr->row), fr->input);
  add_clear_button (fr, clear);
}

static void
build_ref_row (FieldRow *fr)
{
  g_autofree char *choose = g_strdup_printf (_ ("Choose %s"), care_field_label (fr->field));
  g_autofree char *clear = g_strdup_printf (_ ("Clear %s"), care_field_label (fr->field));
  g_autoptr (CareQuery) query = care_query_new (care_schema_lookup (fr->field->ref_entity));

  fr->row = adw_action_row_new ();
  fr->picker = care_record_picker_new (fr->editor->store, query);
  g_signal_connect (fr->picker, "picked", G_CALLBACK (picked_cb), fr);
  fr->input = menu_button ("edit-find-symbolic", choose, fr->picker);
  adw_action_row_add_suffix (ADW_ACTION_ROW (fr->row), fr->input);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (fr->row), fr->input);
  add_clear_button (fr, clear);
}

static void
build_row (FieldRow *fr)
{
  const CareField *f = fr->field;

  switch (f->type)
    {
    case CARE_FIELD_BOOL:
      fr->row = adw_action_row_new ();
      fr->input = gtk_switch_new ();
      gtk_widget_set_valign (fr->input, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (fr->input), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      care_field_label (f), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (fr->row), fr->input);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (fr->row), fr->input);
      g_signal_connect (fr->input, "notify::active", G_CALLBACK (switch_cb), fr);
      break;

    case CARE_FIELD_ENUM:
      {
        GtkStringList *labels = gtk_string_list_new (NULL);

        if (!f->required)
          gtk_string_list_append (labels, _ ("Not set"));
        for (guint i = 0; f->choices[i] != NULL; i++)
          gtk_string_list_append (labels, care_field_choice_label (f, f->choices[i]));

        fr->row = fr->input = adw_combo_row_new ();
        adw_combo_row_set_model (ADW_COMBO_ROW (fr->row), G_LIST_MODEL (labels));
        g_object_unref (labels);
        g_signal_connect (fr->row, "notify::selected", G_CALLBACK (combo_cb), fr);
      }
      break;

    case CARE_FIELD_DATE:
    case CARE_FIELD_DATETIME:
      build_date_row (fr);
      break;

    case CARE_FIELD_REF:
      build_ref_row (fr);
      break;

    case CARE_FIELD_NOTE:
      {
        GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
        GtkWidget *label = gtk_label_new (care_field_label (f));

        fr->row = adw_preferences_row_new ();
        fr->input = gtk_text_view_new ();
        gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (fr->input), GTK_WRAP_WORD_CHAR);
        gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (fr->input), FALSE);
        gtk_widget_set_size_request (fr->input, -1, 72);
        gtk_widget_add_css_class (fr->input, "inline");
        gtk_accessible_update_property (GTK_ACCESSIBLE (fr->input), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        care_field_label (f), -1);
        gtk_label_set_xalign (GTK_LABEL (label), 0);
        gtk_widget_add_css_class (label, "dim-label");
        gtk_widget_add_css_class (label, "caption");
        gtk_box_append (GTK_BOX (box), label);
        gtk_box_append (GTK_BOX (box), fr->input);
        gtk_widget_set_margin_start (box, 12);
        gtk_widget_set_margin_end (box, 12);
        gtk_widget_set_margin_top (box, 8);
        gtk_widget_set_margin_bottom (box, 8);
        gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (fr->row), box);
        gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (fr->row), FALSE);
        g_signal_connect (gtk_text_view_get_buffer (GTK_TEXT_VIEW (fr->input)), "changed",
                          G_CALLBACK (note_changed_cb), fr);
      }
      break;

    case CARE_FIELD_TEXT:
    case CARE_FIELD_EMAIL:
    case CARE_FIELD_PHONE:
    case CARE_FIELD_URL:
    case CARE_FIELD_INT:
    default:
      fr->row = fr->input = adw_entry_row_new ();
      if (f->type == CARE_FIELD_EMAIL)
        adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (fr->row), GTK_INPUT_PURPOSE_EMAIL);
      else if (f->type == CARE_FIELD_PHONE)
        adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (fr->row), GTK_INPUT_PURPOSE_PHONE);
      else if (f->type == CARE_FIELD_URL)
        adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (fr->row), GTK_INPUT_PURPOSE_URL);
      else if (f->type == CARE_FIELD_INT)
        adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (fr->row), GTK_INPUT_PURPOSE_DIGITS);
      g_signal_connect (fr->row, "changed", G_CALLBACK (text_changed_cb), fr);
      break;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (fr->row), care_field_label (f));
  gtk_widget_set_name (fr->row, f->name);
}

/* Shows the working copy's values in the rows, without counting as edits. */
static void
fill_row (FieldRow *fr)
{
  CareRecordEditor *self = fr->editor;
  GVariant         *value = care_record_get_value_at (self->record, fr->index);
  const CareField  *f = fr->field;

  self->updating = TRUE;
  switch (f->type)
    {
    case CARE_FIELD_BOOL:
      gtk_switch_set_active (GTK_SWITCH (fr->input),
                             value != NULL && g_variant_get_boolean (value));
      break;
    case CARE_FIELD_ENUM:
      {
        guint offset = f->required && !fr->placeholder ? 0 : 1;
        guint selected = 0;
        for (guint i = 0; value != NULL && f->choices[i] != NULL; i++)
          if (g_str_equal (f->choices[i], g_variant_get_string (value, NULL)))
            selected = i + offset;
        adw_combo_row_set_selected (ADW_COMBO_ROW (fr->row), selected);
        /* A required choice starts on its first item: that is the value. */
        if (value == NULL && f->required && !fr->placeholder)
          care_record_set_value_at (self->record, fr->index, g_variant_new_string (f->choices[0]));
      }
      break;
    case CARE_FIELD_DATE:
    case CARE_FIELD_DATETIME:
      {
        g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
        g_autoptr (GDateTime) dt = NULL;
        g_autoptr (GDateTime) local = NULL;

        if (value != NULL && f->type == CARE_FIELD_DATE)
          {
            g_autofree char *noon =
                g_strdup_printf ("%sT12:00:00", g_variant_get_string (value, NULL));
            local = g_date_time_new_from_iso8601 (noon, utc);
          }
        else if (value != NULL)
          {
            dt = g_date_time_new_from_iso8601 (g_variant_get_string (value, NULL), utc);
            local = dt != NULL ? g_date_time_to_local (dt) : NULL;
          }
        if (local == NULL)
          local = care_clock_now_local ();
        gtk_calendar_select_day (fr->calendar, local);
        if (fr->hour != NULL)
          {
            gtk_spin_button_set_value (fr->hour, g_date_time_get_hour (local));
            gtk_spin_button_set_value (fr->minute, g_date_time_get_minute (local));
          }
        update_subtitle (fr);
      }
      break;
    case CARE_FIELD_REF:
      update_subtitle (fr);
      break;
    case CARE_FIELD_NOTE:
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (fr->input)),
                                value != NULL ? g_variant_get_string (value, NULL) : "", -1);
      break;
    case CARE_FIELD_INT:
      {
        g_autofree char *text =
            value != NULL ? g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value))
                          : g_strdup ("");
        gtk_editable_set_text (GTK_EDITABLE (fr->row), text);
      }
      break;
    case CARE_FIELD_TEXT:
    case CARE_FIELD_EMAIL:
    case CARE_FIELD_PHONE:
    case CARE_FIELD_URL:
    default:
      gtk_editable_set_text (GTK_EDITABLE (fr->row),
                             value != NULL ? g_variant_get_string (value, NULL) : "");
      break;
    }
  self->updating = FALSE;
}

static void
care_record_editor_dispose (GObject *object)
{
  CareRecordEditor *self = CARE_RECORD_EDITOR (object);
  GtkWidget        *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_RECORD_EDITOR);
  /* The template's outer box has no id, so dispose_template leaves it:
   * a child left behind outlives its parent and crashes the next event. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->shown, g_ptr_array_unref);
  g_clear_pointer (&self->range_message, g_free);
  g_clear_object (&self->record);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (care_record_editor_parent_class)->dispose (object);
}

static void
care_record_editor_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CareRecordEditor *self = CARE_RECORD_EDITOR (object);

  switch (prop_id)
    {
    case PROP_VALID:
      g_value_set_boolean (value, care_record_editor_is_valid (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_record_editor_class_init (CareRecordEditorClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_record_editor_dispose;
  object_class->get_property = care_record_editor_get_property;

  properties[PROP_VALID] =
      g_param_spec_boolean ("valid", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CareRecordEditor::saved:
   * @record: the record as stored
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, CARE_TYPE_RECORD);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/widgets/care-record-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, CareRecordEditor, group);
  gtk_widget_class_bind_template_child (widget_class, CareRecordEditor, error_label);
}

static void
care_record_editor_init (CareRecordEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new_with_free_func (field_row_free);
  self->shown = g_ptr_array_new ();
}

/**
 * care_record_editor_new:
 * @record: the record to edit (a copy is edited; new records too)
 * @fields: (nullable): the fields to show, in order; %NULL shows them all.
 *   Fields not shown keep the record's values (e.g. the customer a new
 *   contact belongs to).
 */
GtkWidget *
care_record_editor_new (CareStore *store, CareRecord *record, const char *const *fields)
{
  CareRecordEditor *self = g_object_new (CARE_TYPE_RECORD_EDITOR, NULL);
  const CareEntity *e = care_record_get_entity (record);

  self->store = g_object_ref (store);
  self->record = care_record_copy (record);

  for (guint i = 0; i < e->n_fields; i++)
    {
      FieldRow *fr;

      if (fields != NULL && !g_strv_contains (fields, e->fields[i].name))
        continue;

      fr = g_new0 (FieldRow, 1);
      fr->editor = self;
      fr->field = &e->fields[i];
      fr->index = i;
      build_row (fr);
      g_ptr_array_add (self->rows, fr);
    }

  /* Shown in the order asked for. */
  for (guint i = 0; fields != NULL && fields[i] != NULL; i++)
    {
      FieldRow *fr = row_for_field (self, fields[i]);
      if (fr != NULL)
        g_ptr_array_add (self->shown, fr->row);
    }
  for (guint i = 0; fields == NULL && i < self->rows->len; i++)
    g_ptr_array_add (self->shown, ((FieldRow *) g_ptr_array_index (self->rows, i))->row);
  for (guint i = 0; i < self->shown->len; i++)
    adw_preferences_group_add (self->group, g_ptr_array_index (self->shown, i));

  for (guint i = 0; i < self->rows->len; i++)
    fill_row (g_ptr_array_index (self->rows, i));

  return GTK_WIDGET (self);
}

/* The working copy with the values entered so far (borrowed). */
CareRecord *
care_record_editor_get_record (CareRecordEditor *self)
{
  g_return_val_if_fail (CARE_IS_RECORD_EDITOR (self), NULL);
  return self->record;
}

/* Restricts what a reference row offers, e.g. only technicians. */
void
care_record_editor_set_ref_query (CareRecordEditor *self, const char *field, CareQuery *query)
{
  FieldRow *fr = row_for_field (self, field);

  g_return_if_fail (fr != NULL && fr->picker != NULL);
  care_record_picker_set_query (CARE_RECORD_PICKER (fr->picker), query);
}

gboolean
care_record_editor_is_valid (CareRecordEditor *self)
{
  FieldRow *bad = NULL;

  g_return_val_if_fail (CARE_IS_RECORD_EDITOR (self), FALSE);
  return first_problem (self, &bad, TRUE) == NULL &&
         care_record_validate (self->record, NULL, NULL);
}

void
care_record_editor_focus_first (CareRecordEditor *self)
{
  g_return_if_fail (CARE_IS_RECORD_EDITOR (self));

  if (self->rows->len > 0)
    gtk_widget_grab_focus (((FieldRow *) g_ptr_array_index (self->rows, 0))->row);
}

/**
 * care_record_editor_save:
 *
 * Validates and stores the record. On failure the form keeps what the
 * user typed, the wrong row is marked and @error says which field and why.
 */
gboolean
care_record_editor_save (CareRecordEditor *self, GError **error)
{
  FieldRow   *bad = NULL;
  const char *problem;
  const char *bad_field = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (CARE_IS_RECORD_EDITOR (self), FALSE);

  problem = first_problem (self, &bad, TRUE);
  if (problem != NULL)
    {
      show_problems (self, TRUE);
      gtk_widget_grab_focus (bad->row);
      g_set_error_literal (error, CARE_VALIDATION_ERROR, CARE_VALIDATION_ERROR_INVALID, problem);
      return FALSE;
    }

  if (!care_record_validate (self->record, &bad_field, &local_error) ||
      !care_store_save (self->store, self->record, &local_error))
    {
      FieldRow *fr = bad_field != NULL ? row_for_field (self, bad_field) : NULL;

      gtk_label_set_text (self->error_label, local_error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      if (fr != NULL)
        {
          gtk_widget_add_css_class (fr->row, "error");
          gtk_widget_grab_focus (fr->row);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  show_problems (self, FALSE);
  g_signal_emit (self, signals[SAVED], 0, self->record);
  return TRUE;
}

/**
 * care_record_editor_show_problem:
 * @field: (nullable): the field to mark, or %NULL for the form as a whole
 * @message: what is wrong, for the user
 *
 * Shows a problem that only the caller knows about (a rule between fields
 * of one workflow), as the form shows its own: the row marked and focused,
 * the message below the form.
 */
void
care_record_editor_show_problem (CareRecordEditor *self, const char *field, const char *message)
{
  FieldRow *fr;

  g_return_if_fail (CARE_IS_RECORD_EDITOR (self));
  g_return_if_fail (message != NULL);

  fr = field != NULL ? row_for_field (self, field) : NULL;
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  if (fr != NULL)
    {
      gtk_widget_add_css_class (fr->row, "error");
      gtk_widget_set_tooltip_text (fr->row, message);
      gtk_widget_grab_focus (fr->row);
    }
}

/**
 * care_record_editor_insert_row:
 * @after: the field whose row @row follows
 * @row: (transfer floating): a row of the caller's, e.g. a warning about
 *   the rows above it
 *
 * Puts @row into the form right below the row of @after, so what it says
 * stands next to what it is about.
 */
void
care_record_editor_insert_row (CareRecordEditor *self, const char *after, GtkWidget *row)
{
  FieldRow  *fr;
  GPtrArray *below;
  guint      position;

  g_return_if_fail (CARE_IS_RECORD_EDITOR (self));
  g_return_if_fail (GTK_IS_WIDGET (row));

  fr = row_for_field (self, after);
  g_return_if_fail (fr != NULL && g_ptr_array_find (self->shown, fr->row, &position));

  /* The group has no insert: the rows below step out and come back after. */
  below = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = position + 1; i < self->shown->len; i++)
    {
      GtkWidget *w = g_ptr_array_index (self->shown, i);
      g_ptr_array_add (below, g_object_ref (w));
      adw_preferences_group_remove (self->group, w);
    }
  adw_preferences_group_add (self->group, row);
  g_ptr_array_insert (self->shown, (int) position + 1, row);
  for (guint i = 0; i < below->len; i++)
    adw_preferences_group_add (self->group, g_ptr_array_index (below, i));
  g_ptr_array_unref (below);
}

/**
 * care_record_editor_set_value:
 * @value: (nullable) (transfer floating): the new value, %NULL unsets
 *
 * Fills a field for the user (e.g. the address of the customer just
 * chosen), as if they had typed it; they can change it afterwards.
 */
void
care_record_editor_set_value (CareRecordEditor *self, const char *field, GVariant *value)
{
  FieldRow *fr;

  g_return_if_fail (CARE_IS_RECORD_EDITOR (self));
  fr = row_for_field (self, field);
  g_return_if_fail (fr != NULL);

  g_clear_pointer (&fr->error, g_free);
  care_record_set_value_at (self->record, fr->index, value);
  fill_row (fr);
  show_problems (self, FALSE);
}

/* Whether the user has changed @field in this form. */
gboolean
care_record_editor_is_touched (CareRecordEditor *self, const char *field)
{
  FieldRow *fr;

  g_return_val_if_fail (CARE_IS_RECORD_EDITOR (self), FALSE);
  fr = row_for_field (self, field);
  return fr != NULL && fr->touched;
}

/**
 * care_record_editor_require_choice:
 * @placeholder: what the row shows until a choice is made, e.g. "Choose…"
 *
 * A required choice starts on its first item; this one starts unchosen
 * instead, and the form cannot be saved until the user picks one. For a
 * choice that should never be a default, as the outcome of a call.
 */
void
care_record_editor_require_choice (CareRecordEditor *self,
                                   const char       *field,
                                   const char       *placeholder)
{
  FieldRow      *fr;
  GtkStringList *labels;

  g_return_if_fail (CARE_IS_RECORD_EDITOR (self));
  fr = row_for_field (self, field);
  g_return_if_fail (fr != NULL && fr->field->type == CARE_FIELD_ENUM && fr->field->required);

  labels = gtk_string_list_new (NULL);
  gtk_string_list_append (labels, placeholder);
  for (guint i = 0; fr->field->choices[i] != NULL; i++)
    gtk_string_list_append (labels, care_field_choice_label (fr->field, fr->field->choices[i]));

  fr->placeholder = TRUE;
  self->updating = TRUE;
  adw_combo_row_set_model (ADW_COMBO_ROW (fr->row), G_LIST_MODEL (labels));
  adw_combo_row_set_selected (ADW_COMBO_ROW (fr->row), 0);
  self->updating = FALSE;
  g_object_unref (labels);
  care_record_set_value_at (self->record, fr->index, NULL);
}
