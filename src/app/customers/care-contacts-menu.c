/* care-contacts-menu.c: the customers view's menu to import and export contacts.
 *
 * Import reads vCard or CSV in a worker thread with its own connection
 * (care-import's async path); export writes the customers the list shows
 * (everyone, or the current search's matches: what the agent sees is what
 * lands in the file) as vCard 4.0 or CSV, also off the main thread, and
 * replaces the target only once the whole file is written. */
#define G_LOG_DOMAIN "care-contacts-menu"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "care-contacts-menu.h"
#include "care-csv.h"
#include "care-file-job.h"
#include "care-vcard.h"
#include "care-view.h"

typedef enum
{
  FORMAT_ANY,
  FORMAT_VCARD,
  FORMAT_CSV,
} Format;

static const char *const vcard_suffixes[] = { "vcf", "vcard", NULL };
static const char *const csv_suffixes[] = { "csv", NULL };
static const char *const any_suffixes[] = { "vcf", "vcard", "csv", NULL };

struct _CareContactsMenu
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkMenuButton *button;

  /* Owned references */
  CareContext    *context;
  CareRecordList *customers;

  Format import_format; /* of the import running */
};

G_DEFINE_FINAL_TYPE (CareContactsMenu, care_contacts_menu, ADW_TYPE_BIN)

typedef struct
{
  char      *path; /* the store's file: the worker opens its own connection */
  CareQuery *query;
  Format     format;
} ExportData;

static void
export_data_free (gpointer p)
{
  ExportData *d = p;

  g_free (d->path);
  care_query_unref (d->query);
  g_free (d);
}

static CareStore *
get_store (CareContactsMenu *self)
{
  return care_context_get_store (self->context);
}

/* One file at a time: a second import of the same file would race the first. */
static void
set_busy (CareContactsMenu *self, gboolean busy)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "contacts.import", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "contacts.export", !busy);

  if (!busy)
    {
      gtk_menu_button_set_icon_name (self->button, "view-more-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), _ ("Import and Export"));
    }
}

/* A big file takes a while: the menu's button spins until it is done. */
static void
show_working (CareContactsMenu *self, const char *what)
{
  GtkWidget *spinner = gtk_spinner_new ();

  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_menu_button_set_child (self->button, spinner);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), what);
}

/* The name's extension decides; a name without one follows the filter. */
static Format
format_of (CareFileJob *job)
{
  if (care_file_job_has_suffix (job, vcard_suffixes))
    return FORMAT_VCARD;
  if (care_file_job_has_suffix (job, csv_suffixes))
    return FORMAT_CSV;
  return (Format) MAX (care_file_job_get_filter_id (job), FORMAT_ANY);
}

/* Importing */

/* The skipped records, one per line, can be thousands: they scroll, and can
 * be selected to copy into a fix-up list. */
static void
details_clicked_cb (AdwToast *toast, CareContactsMenu *self)
{
  const char *heading = g_object_get_data (G_OBJECT (toast), "heading");
  const char *summary = g_object_get_data (G_OBJECT (toast), "summary");
  const char *details = g_object_get_data (G_OBJECT (toast), "details");
  GtkWidget  *dialog = adw_message_dialog_new (care_view_get_window (self), heading, summary);
  GtkWidget  *scrolled = gtk_scrolled_window_new ();
  GtkWidget  *label = gtk_label_new (details);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), label);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_report (CareContactsMenu *self, CareFileJob *job, CareImportReport *report)
{
  g_autofree char *name = care_file_job_get_display_name (job);
  g_autofree char *text = care_import_report_to_string (report);
  char            *newline = strchr (text, '\n');
  g_autofree char *summary = NULL;
  AdwToast        *toast;

  /* The first line is the summary, then one line per skipped record. */
  if (newline != NULL)
    *newline = '\0';
  /* TRANSLATORS: a toast after an import; %s is the file's name, then the
   * counts, e.g. "customers.vcf: 2 records imported, 1 skipped" */
  summary = g_markup_printf_escaped (_ ("%s: %s"), name, text);

  /* The summary counts records already as in the file as imported; say so,
   * or importing a file twice looks like it did nothing. */
  if (care_import_report_get_n_unchanged (report) > 0)
    {
      guint n = care_import_report_get_n_unchanged (report);
      char *longer;

      /* TRANSLATORS: appended to an import's summary: records the file held exactly as stored */
      longer = g_strdup_printf (
          ngettext ("%s (%u already up to date)", "%s (%u already up to date)", n), summary, n);

      g_free (summary);
      summary = longer;
    }
  /* Toast titles are Pango markup: the file's name is escaped above. */
  toast = adw_toast_new (summary);

  if (care_import_report_get_n_skipped (report) > 0 && newline != NULL)
    {
      /* TRANSLATORS: the heading of the list of records an import skipped; %s is the file's name */
      g_autofree char *heading = g_strdup_printf (_ ("Imported “%s”"), name);

      g_object_set_data_full (G_OBJECT (toast), "heading", g_steal_pointer (&heading), g_free);
      g_object_set_data_full (G_OBJECT (toast), "summary", g_strdup (text), g_free);
      g_object_set_data_full (G_OBJECT (toast), "details", g_strdup (g_strstrip (newline + 1)),
                              g_free);
      adw_toast_set_button_label (toast, _ ("_Details"));
      /* Lines were skipped: the user has something to read, and a toast
       * that went by before they reached Details would hide it. It stays
       * until they close it or open the details. */
      adw_toast_set_timeout (toast, 0);
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (details_clicked_cb), self, 0);
    }

  care_view_add_toast (self, toast);
}

static void
import_start (CareFileJob        *job,
              GFile              *file,
              GCancellable       *cancellable,
              GAsyncReadyCallback callback,
              gpointer            callback_data)
{
  CareContactsMenu *self = CARE_CONTACTS_MENU (care_file_job_get_widget (job));

  self->import_format = format_of (job);
  show_working (self, _ ("Importing…"));
  switch (self->import_format)
    {
    case FORMAT_VCARD:
      care_vcard_import_file_async (get_store (self), file, cancellable, callback, callback_data);
      break;
    case FORMAT_CSV:
      care_csv_import_file_async (get_store (self), care_schema_entity (CARE_ENTITY_CUSTOMER), file,
                                  cancellable, callback, callback_data);
      break;
    case FORMAT_ANY:
    default:
      g_task_report_new_error (self, callback, callback_data, import_start, CARE_IMPORT_ERROR,
                               CARE_IMPORT_ERROR_UNSUPPORTED, "%s",
                               _ ("Aftercare imports vCard (.vcf) and CSV (.csv) files"));
    }
}

static void
import_done (CareFileJob *job, GAsyncResult *result, gpointer user_data)
{
  CareContactsMenu *self = CARE_CONTACTS_MENU (user_data);
  g_autoptr (CareImportReport) report = NULL;
  g_autoptr (GError) error = NULL;

  set_busy (self, FALSE);
  if (result == NULL)
    return;

  switch (self->import_format)
    {
    case FORMAT_VCARD:
      report = care_vcard_import_file_finish (get_store (self), result, &error);
      break;
    case FORMAT_CSV:
      report = care_csv_import_file_finish (get_store (self), result, &error);
      break;
    case FORMAT_ANY:
    default:
      report = g_task_propagate_pointer (G_TASK (result), &error);
    }

  if (report == NULL)
    {
      g_autofree char *name = care_file_job_get_display_name (job);
      /* TRANSLATORS: the heading of an error; %s is the file's name */
      g_autofree char *heading = g_strdup_printf (_ ("Could Not Import “%s”"), name);

      care_file_job_show_error (job, heading, error);
      return;
    }

  show_report (self, job, report);
}

static void
contacts_import_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareContactsMenu *self = CARE_CONTACTS_MENU (widget);
  g_autoptr (CareFileJob) job = care_file_job_new (widget, GTK_FILE_CHOOSER_ACTION_OPEN,
                                                   _ ("Import Contacts"), _ ("_Import"));

  care_file_job_add_filter (job, FORMAT_ANY, _ ("vCard and CSV Files"), any_suffixes);
  care_file_job_add_filter (job, FORMAT_VCARD, _ ("vCard Files"), vcard_suffixes);
  care_file_job_add_filter (job, FORMAT_CSV, _ ("CSV Files"), csv_suffixes);
  set_busy (self, TRUE);
  care_file_job_run (job, import_start, import_done, self);
}

/* Exporting */

static void
export_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ExportData *d = task_data;
  GFile      *file = g_object_get_data (G_OBJECT (task), "file");
  g_autoptr (GError) error = NULL;
  g_autoptr (CareStore) store = NULL;
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GBytes) bytes = NULL;
  gboolean written;
  guint    n;

  store = care_store_new (d->path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  n = care_store_count (store, d->query, cancellable, &error);
  if (error == NULL)
    {
      if (d->format == FORMAT_CSV)
        written = care_csv_export (store, d->query, out, cancellable, &error);
      else
        written = care_vcard_export (store, d->query, out, cancellable, &error);

      /* Written whole in memory first: a failed export leaves the old file. */
      if (written && g_output_stream_close (out, cancellable, &error))
        {
          bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
          g_file_replace_contents (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                   cancellable, &error);
        }
    }

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, n);
}

static void
export_start (CareFileJob        *job,
              GFile              *file,
              GCancellable       *cancellable,
              GAsyncReadyCallback callback,
              gpointer            callback_data)
{
  CareContactsMenu *self = CARE_CONTACTS_MENU (care_file_job_get_widget (job));
  g_autoptr (GTask) task = NULL;
  ExportData *d = g_new0 (ExportData, 1);

  d->path = g_strdup (care_store_get_path (get_store (self)));
  d->query = care_query_copy (care_record_list_get_query (self->customers));
  care_query_set_order (d->query, "name", FALSE);
  d->format = format_of (job) == FORMAT_CSV ? FORMAT_CSV : FORMAT_VCARD;
  show_working (self, _ ("Exporting…"));

  /* No source object: the task may end in the worker, away from widgets. */
  task = g_task_new (NULL, cancellable, callback, callback_data);
  g_task_set_source_tag (task, export_start);
  g_task_set_task_data (task, d, export_data_free);
  g_object_set_data_full (G_OBJECT (task), "file", g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, export_in_thread);
}

static void
export_done (CareFileJob *job, GAsyncResult *result, gpointer user_data)
{
  CareContactsMenu *self = CARE_CONTACTS_MENU (user_data);
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *markup = NULL;
  gssize           n;

  set_busy (self, FALSE);
  if (result == NULL)
    return;

  name = care_file_job_get_display_name (job);
  n = g_task_propagate_int (G_TASK (result), &error);
  if (error != NULL)
    {
      /* TRANSLATORS: the heading of an error; %s is the file's name */
      g_autofree char *heading = g_strdup_printf (_ ("Could Not Export to “%s”"), name);

      care_file_job_show_error (job, heading, error);
      return;
    }

  /* TRANSLATORS: a toast after an export; %u is how many, %s the file's name */
  markup = g_markup_printf_escaped (
      ngettext ("%u customer exported to “%s”", "%u customers exported to “%s”", (gulong) n),
      (guint) n, name);
  care_view_add_toast (self, adw_toast_new (markup));
}

static void
contacts_export_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareContactsMenu *self = CARE_CONTACTS_MENU (widget);
  g_autoptr (CareFileJob) job = care_file_job_new (widget, GTK_FILE_CHOOSER_ACTION_SAVE,
                                                   _ ("Export Contacts"), _ ("_Export"));
  /* The sidebar's name for the view, as the file's. */
  g_autofree char *name = g_strconcat (_ ("Customers"), ".vcf", NULL);

  care_file_job_add_filter (job, FORMAT_VCARD, _ ("vCard 4.0 (.vcf)"), vcard_suffixes);
  care_file_job_add_filter (job, FORMAT_CSV, _ ("CSV (.csv)"), csv_suffixes);
  care_file_job_set_current_name (job, name);
  set_busy (self, TRUE);
  care_file_job_run (job, export_start, export_done, self);
}

/* GObject */

static void
care_contacts_menu_dispose (GObject *object)
{
  CareContactsMenu *self = CARE_CONTACTS_MENU (object);

  /* The template root is the bin child: take it from the bin first, or
   * the bin would keep a child the template disposed. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARE_TYPE_CONTACTS_MENU);
  g_clear_object (&self->customers);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (care_contacts_menu_parent_class)->dispose (object);
}

static void
care_contacts_menu_class_init (CareContactsMenuClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_contacts_menu_dispose;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/aftercare/Aftercare/customers/care-contacts-menu.ui");
  gtk_widget_class_bind_template_child (widget_class, CareContactsMenu, button);

  gtk_widget_class_install_action (widget_class, "contacts.import", NULL, contacts_import_cb);
  gtk_widget_class_install_action (widget_class, "contacts.export", NULL, contacts_export_cb);
}

static void
care_contacts_menu_init (CareContactsMenu *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * care_contacts_menu_new:
 * @customers: the view's list; an export writes what it shows
 */
GtkWidget *
care_contacts_menu_new (CareContext *context, CareRecordList *customers)
{
  CareContactsMenu *self;

  g_return_val_if_fail (CARE_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (CARE_IS_RECORD_LIST (customers), NULL);

  self = g_object_new (CARE_TYPE_CONTACTS_MENU, NULL);
  self->context = g_object_ref (context);
  self->customers = g_object_ref (customers);
  return GTK_WIDGET (self);
}
