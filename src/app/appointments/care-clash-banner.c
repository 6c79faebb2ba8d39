/* care-clash-banner.c: a warning above an appointment or session editor
 * when its technician or trainer is already booked at that time.
 *
 * It warns and never blocks: a planner may knowingly book two short calls
 * in one hour. The check runs on every edit of the form (the editor
 * notifies "valid" after each change) with one indexed query. */
#define G_LOG_DOMAIN "care-clash-banner"

#include "config.h"

#include <glib/gi18n.h>

#include "care-clash-banner.h"
#include "care-format.h"
#include "care-schedule.h"

struct _CareClashBanner
{
  AdwBin parent_instance;

  /* Owned references */
  CareStore *store;

  /* Borrowed references */
  CareRecordEditor *editor;
  GtkRevealer      *revealer;
  GtkLabel         *label;
};

G_DEFINE_FINAL_TYPE (CareClashBanner, care_clash_banner, ADW_TYPE_BIN)

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
  CareRecord *record = care_record_editor_get_record (self->editor);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) clashes = care_schedule_find_record_clashes (self->store, record, &error);
  g_autofree char *text = NULL;

  if (clashes == NULL)
    {
      g_warning ("Could not look for clashes: %s", error->message);
      return;
    }

  if (clashes->len > 0)
    text = describe_clash (self, record, g_ptr_array_index (clashes, 0), clashes->len);

  gtk_label_set_text (self->label, text != NULL ? text : "");
  gtk_revealer_set_reveal_child (self->revealer, text != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self), text != NULL);
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
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->label, TRUE);
  gtk_label_set_xalign (self->label, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->label), TRUE);
  gtk_widget_add_css_class (icon, "warning");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Warning"), -1);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->label));
  gtk_widget_add_css_class (box, "card");
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->label), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->label), 12);
  gtk_widget_set_margin_start (icon, 12);

  self->revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->revealer, box);
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->revealer));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

/**
 * care_clash_banner_attach:
 * @dialog: an editor of an appointment or a training session
 *
 * Puts a banner above the form of @dialog that names the first clashing
 * booking of the record's technician or trainer while there is one.
 *
 * Returns: (transfer none): the banner, owned by @dialog
 */
CareClashBanner *
care_clash_banner_attach (CareEditorDialog *dialog, CareStore *store)
{
  CareClashBanner *self = g_object_new (CARE_TYPE_CLASH_BANNER, NULL);
  GtkWidget       *editor = GTK_WIDGET (care_editor_dialog_get_editor (dialog));
  GtkWidget       *clamp = gtk_widget_get_parent (editor);
  GtkWidget       *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  g_return_val_if_fail (ADW_IS_CLAMP (clamp), self);

  self->store = g_object_ref (store);
  self->editor = CARE_RECORD_EDITOR (editor);

  /* The dialog holds the form directly in its clamp; the banner goes above. */
  g_object_ref (editor);
  adw_clamp_set_child (ADW_CLAMP (clamp), NULL);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self));
  gtk_box_append (GTK_BOX (box), editor);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  g_object_unref (editor);

  g_signal_connect_object (editor, "notify::valid", G_CALLBACK (editor_changed_cb), self, 0);
  check (self);

  return self;
}
