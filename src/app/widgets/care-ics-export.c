/* care-ics-export.c: save one appointment or training session as a .ics file,
 * for a calendar application to open. The iCalendar text is the same the
 * server's feeds publish (care-ical), so an event imported from the file and
 * later seen in a feed has one UID and does not appear twice. */
#define G_LOG_DOMAIN "care-ics-export"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "care-file-job.h"
#include "care-ical.h"
#include "care-ics-export.h"
#include "care-view.h"

static const char *const ics_suffixes[] = { "ics", NULL };

static void
replaced_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* The text is made on the main thread: one event and the few records it
 * names are bounded lookups. Only the write is asynchronous. */
static void
export_start (CareFileJob        *job,
              GFile              *file,
              GCancellable       *cancellable,
              GAsyncReadyCallback callback,
              gpointer            callback_data)
{
  CareRecord      *event = g_object_get_data (G_OBJECT (job), "event");
  CareStore       *store = g_object_get_data (G_OBJECT (job), "store");
  GTask           *task = g_task_new (NULL, cancellable, callback, callback_data);
  GError          *error = NULL;
  CareIcalResolver resolver;
  char            *text;

  g_task_set_source_tag (task, export_start);
  care_ical_resolver_init_for_store (&resolver, store);
  text = care_ical_export_event (event, &resolver, &error);
  if (text == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  g_file_replace_contents_bytes_async (file, g_bytes_new_take (text, strlen (text)), NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION, cancellable, replaced_cb,
                                       task);
}

static void
export_done (CareFileJob *job, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *markup = NULL;

  if (result == NULL)
    return;

  name = care_file_job_get_display_name (job);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* TRANSLATORS: the heading of an error; %s is the file's name */
      g_autofree char *heading = g_strdup_printf (_ ("Could Not Export to “%s”"), name);

      care_file_job_show_error (job, heading, error);
      return;
    }

  /* TRANSLATORS: a toast after saving a calendar file; %s is the file's name */
  markup = g_markup_printf_escaped (_ ("Saved the event as “%s”"), name);
  care_view_add_toast (care_file_job_get_widget (job), adw_toast_new (markup));
}

/* "<title> <day>.ics", the day in local time, without characters that
 * file systems refuse or that would make a path. */
char *
care_ics_export_file_name (CareRecord *event, const char *title)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) start = NULL;
  g_autofree char *day = NULL;
  GString         *name = g_string_new (NULL);
  const char      *start_at = care_record_get_string (event, "start_at");

  for (const char *p = title != NULL ? title : ""; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || (c < 0x80 && strchr ("/\\:*?\"<>|", (int) c) != NULL))
        g_string_append_c (name, '-');
      else
        g_string_append_unichar (name, c);
    }
  g_strstrip (name->str);
  g_string_set_size (name, strlen (name->str));
  while (name->len > 0 && name->str[0] == '.')
    g_string_erase (name, 0, 1);

  if (start_at != NULL && (start = g_date_time_new_from_iso8601 (start_at, utc)) != NULL)
    {
      g_autoptr (GDateTime) local = g_date_time_to_local (start);

      day = g_date_time_format (local, "%Y-%m-%d");
      if (name->len > 0)
        g_string_append_c (name, ' ');
      g_string_append (name, day);
    }

  if (name->len == 0)
    /* TRANSLATORS: a file name for an event without a title or a date */
    g_string_append (name, _ ("Event"));
  g_string_append (name, ".ics");
  return g_string_free (name, FALSE);
}

/**
 * care_ics_export_event:
 * @widget: the view asking; the chooser is modal over its window
 * @title: the event's heading as the view shows it, for the file's name
 *
 * Asks where to save @event (an appointment or a training session) and
 * writes it there as iCalendar.
 */
void
care_ics_export_event (GtkWidget *widget, CareStore *store, CareRecord *event, const char *title)
{
  g_autoptr (CareFileJob) job = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (CARE_IS_STORE (store));
  g_return_if_fail (CARE_IS_RECORD (event));

  job = care_file_job_new (widget, GTK_FILE_CHOOSER_ACTION_SAVE, _ ("Export to Calendar"),
                           _ ("_Export"));
  care_file_job_add_filter (job, 0, _ ("iCalendar (.ics)"), ics_suffixes);
  name = care_ics_export_file_name (event, title);
  care_file_job_set_current_name (job, name);
  g_object_set_data_full (G_OBJECT (job), "event", care_record_copy (event), g_object_unref);
  g_object_set_data_full (G_OBJECT (job), "store", g_object_ref (store), g_object_unref);
  care_file_job_run (job, export_start, export_done, NULL);
}
