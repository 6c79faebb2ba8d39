/* care-clash-banner.c: a row in an appointment or session editor, under
 * its times, that says whether its technician or trainer is free then.
 *
 * It warns and never blocks: a planner may knowingly book two short calls
 * in one hour. The check runs on every edit of the form (the editor
 * notifies "valid" after each change) with one indexed query. It sits in
 * the form below the person and the times, never above them, so a warning
 * that appears moves nothing the user is pointing at (nor a popover open
 * on the Start row). */
#define G_LOG_DOMAIN "care-clash-banner"

#include "config.h"

#include <glib/gi18n.h>

#include "care-clash-banner.h"
#include "care-format.h"
#include "care-schedule.h"

struct _CareClashBanner
{
  AdwActionRow parent_instance;

  /* Owned references */
  CareStore *store;

  /* Borrowed references */
  CareRecordEditor *editor;
  GtkImage         *icon;
};

G_DEFINE_FINAL_TYPE (CareClashBanner, care_clash_banner, ADW_TYPE_ACTION_ROW)

static char *
describe_clash (CareClashBanner *self, CareRecord *record, CareRecord *clash, guint n_clashes)
{
  const CareEntity *e = care_record_get_entity (record);
  gboolean          is_session = e == care_schema_entity (CARE_ENTITY_TRAINING_SESSION);
  const char       *person_field = is_session ? "trainer_id" : "technician_id";
  g_autofree char  *person =
      care_format_reference (self->store, care_entity_lookup_field (e, person_field),
                             care_record_get_string (record, person_field));
  g_autofree char *what = care_format_title (self->store, clash);
  g_autofree char *until = care_format_time (care_record_get_string (clash, "end_at"));
  g_autofree char *who = NULL;
  g_autofree char *first = NULL;

  if (!is_session)
    who = care_format_reference (self->store, care_entity_lookup_field (e, "customer_id"),
                                 care_record_get_string (clash, "customer_id"));

  if (who != NULL && who[0] != '\0')
    /* TRANSLATORS: a booking: "Repair — 02/03/26 09:00 (until 10:00, Padaria Lda)" */
    first = g_strdup_printf (_ ("%s (until %s, %s)"), what, until, who);
  else
    /* TRANSLATORS: a booking: "Ledger basics — 02/03/26 09:00 (until 12:00)" */
    first = g_strdup_printf (_ ("%s (until %s)"), what, until);

  if (n_clashes > 1)
    {
      g_autofree char *more = g_strdup_printf (
          ngettext ("%u other booking", "%u other bookings", n_clashes - 1), n_clashes - 1);
      /* TRANSLATORS: "Ana Costa is already booked at this time: <booking> and 2 other bookings" */
      return g_strdup_printf (_ ("%s is already booked at this time: %s and %s"), person, first,
                              more);
    }
  /* TRANSLATORS: "Ana Costa is already booked at this time: <booking>" */
  return g_strdup_printf (_ ("%s is already booked at this time: %s"), person, first);
}

static void
check (CareClashBanner *self)
{
  CareRecord       *record = care_record_editor_get_record (self->editor);
  const CareEntity *e = care_record_get_entity (record);
  gboolean          is_session = e == care_schema_entity (CARE_ENTITY_TRAINING_SESSION);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) clashes = NULL;
  g_autofree char *text = NULL;

  /* Nobody to be free or booked: nothing to say. */
  if (care_record_get_string (record, is_session ? "trainer_id" : "technician_id") == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }

  clashes = care_schedule_find_record_clashes (self->store, record, &error);
  if (clashes == NULL)
    {
      g_warning ("Could not look for clashes: %s", error->message);
      return;
    }

  if (clashes->len > 0)
    text = describe_clash (self, record, g_ptr_array_index (clashes, 0), clashes->len);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self),
                               text != NULL ? text : _ ("No other booking at this time"));
  gtk_image_set_from_icon_name (self->icon, text != NULL ? "dialog-warning-symbolic"
                                                         : "object-select-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  text != NULL ? _ ("Warning") : _ ("Free"), -1);
  /* Only the icon in the warning colour: amber text on white is hard to read. */
  if (text != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->icon), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->icon), "warning");
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

static void
editor_changed_cb (CareRecordEditor *editor, GParamSpec *pspec, CareClashBanner *self)
{
  check (self);
}

static void
care_clash_banner_dispose (GObject *object)
{
  CareClashBanner *self = CARE_CLASH_BANNER (object);

  g_clear_object (&self->store);

  G_OBJECT_CLASS (care_clash_banner_parent_class)->dispose (object);
}

static void
care_clash_banner_class_init (CareClashBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = care_clash_banner_dispose;
}

static void
care_clash_banner_init (CareClashBanner *self)
{
  self->icon = GTK_IMAGE (gtk_image_new_from_icon_name ("object-select-symbolic"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (self), GTK_WIDGET (self->icon));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), _ ("Availability"));
  /* Names are plain text: a "&" in a customer's name is no markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

/**
 * care_clash_banner_attach:
 * @dialog: an editor of an appointment or a training session
 *
 * Puts a row under the End row of @dialog's form that says whether the
 * record's technician or trainer is free then, and names the first
 * clashing booking when they are not.
 *
 * Returns: (transfer none): the row, owned by @dialog
 */
CareClashBanner *
care_clash_banner_attach (CareEditorDialog *dialog, CareStore *store)
{
  CareClashBanner  *self = g_object_new (CARE_TYPE_CLASH_BANNER, NULL);
  CareRecordEditor *editor = care_editor_dialog_get_editor (dialog);

  self->store = g_object_ref (store);
  self->editor = editor;
  care_record_editor_insert_row (editor, "end_at", GTK_WIDGET (self));

  g_signal_connect_object (editor, "notify::valid", G_CALLBACK (editor_changed_cb), self, 0);
  check (self);

  return self;
}
