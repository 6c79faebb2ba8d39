/* care-history-group.c: who changed a record, when, from what to what.
 *
 * A group for every detail pane. On top, this device's edits of the record
 * that are not sent yet (from the outbox, so offline too); under them the
 * history the server keeps (care-history.c), asked for whenever another
 * record is shown, when this device's edits of it went out, and on Refresh.
 * Offline, or signed out, a row says why the server's part is missing. */
#define G_LOG_DOMAIN "care-history-group"

#include "config.h"

#include <glib/gi18n.h>

#include "care-format.h"
#include "care-history-group.h"
#include "care-history.h"
#include "care-json.h"

/* Characters of a value shown in a row; a longer one (notes) is cut. */
#define MAX_VALUE_CHARS 80

struct _CareHistoryGroup
{
  CareRecordGroup parent_instance;

  /* Owned references */
  CareContext  *context;
  CareSyncHttp *http;
  GCancellable *cancellable; /* the request in flight */
  GPtrArray    *server;      /* CareHistoryEntry of the record fetched, or NULL */
  char         *next_cursor; /* where the server's older entries start, or NULL */
  char         *key;         /* "entity/id" of the record fetched */
  char         *problem;     /* why the server's history is missing, or NULL */
  gboolean      loading;
  guint         n_pending; /* this device's edits of the record at the last fill */
};

G_DEFINE_FINAL_TYPE (CareHistoryGroup, care_history_group, CARE_TYPE_RECORD_GROUP)

static void fetch (CareHistoryGroup *self, CareRecord *subject, gboolean older);

static gboolean
care_history_group_watches (CareRecordGroup *group, const char *entity)
{
  CareRecord *subject = care_record_group_get_subject (group);

  return entity == NULL || g_str_equal (entity, "outbox") ||
         (subject != NULL && g_str_equal (entity, care_record_get_entity (subject)->name));
}

static char *
json_text (JsonNode *node)
{
  g_autofree char *text = NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  text = json_to_string (node, FALSE);
  return g_steal_pointer (&text);
}

/* A value as the record's pages show it, on one line and not too long. */
static char *
format_value (CareStore *store, const CareField *field, JsonNode *node)
{
  g_autoptr (GVariant) value = NULL;
  g_autofree char *text = NULL;
  GString         *out;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    /* TRANSLATORS: a field's value in a record's history when it had none */
    return g_strdup (_ ("(empty)"));

  if (field != NULL && care_json_read_value (field, node, &value) && value != NULL)
    {
      if (field->type == CARE_FIELD_REF)
        text = care_format_reference (store, field, g_variant_get_string (value, NULL));
      else
        text = care_format_value (field, value);
    }
  if (text == NULL || text[0] == '\0')
    {
      g_free (text);
      text = json_text (node);
    }

  out = g_string_new (NULL);
  for (const char *p = text; *p != '\0' && g_utf8_strlen (out->str, -1) < MAX_VALUE_CHARS;
       p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (out, g_unichar_isspace (c) ? ' ' : c);
    }
  if (g_utf8_strlen (text, -1) > MAX_VALUE_CHARS)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

static char *
entry_title (CareStore *store, const CareEntity *entity, const CareHistoryEntry *entry)
{
  const CareField *field;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  if (g_strcmp0 (entry->op, "create") == 0)
    return g_strdup (_ ("Created"));
  if (g_strcmp0 (entry->op, "delete") == 0)
    return g_strdup (_ ("Deleted"));

  field = entry->field != NULL ? care_entity_lookup_field (entity, entry->field) : NULL;
  from = format_value (store, field, entry->old_value);
  to = format_value (store, field, entry->new_value);
  /* TRANSLATORS: one change in a record's history: field, old value, new value */
  return g_strdup_printf (_ ("%s: %s → %s"),
                          field != NULL ? care_field_label (field)
                                        : (entry->field != NULL ? entry->field : ""),
                          from, to);
}

static const char *
describe_how (const char *how)
{
  if (g_strcmp0 (how, "merged") == 0)
    return _ ("merged with another change");
  if (g_strcmp0 (how, "conflict_choice") == 0)
    return _ ("chosen to settle a conflict");
  if (g_strcmp0 (how, "cascade") == 0)
    return _ ("followed a deletion");
  return NULL;
}

static char *
entry_subtitle (const CareHistoryEntry *entry)
{
  g_autofree char *when = care_format_datetime (entry->at);
  const char      *how;

  if (care_history_entry_is_pending (entry))
    /* TRANSLATORS: an edit of this device the server has not had yet; %s is when */
    return g_strdup_printf (_ ("Not sent yet · %s"), when);

  how = describe_how (entry->how);
  if (how != NULL)
    /* TRANSLATORS: user name, role, when, and how the change landed */
    return g_strdup_printf (_ ("%s (%s) · %s · %s"), entry->username, entry->role, when, how);
  /* TRANSLATORS: user name, role, and when */
  return g_strdup_printf (_ ("%s (%s) · %s"), entry->username, entry->role, when);
}

static void
add_entry_row (CareHistoryGroup       *self,
               CareStore              *store,
               CareRecord             *subject,
               const CareHistoryEntry *entry)
{
  g_autofree char *title = entry_title (store, care_record_get_entity (subject), entry);
  g_autofree char *subtitle = entry_subtitle (entry);
  GtkWidget       *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  /* No line limit: a change or a note is read whole, also in a narrow pane. */
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (care_history_entry_is_pending (entry))
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("document-edit-symbolic");

      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _ ("Not sent yet"), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
  care_record_group_add_row (CARE_RECORD_GROUP (self), row);
}

static void
add_note_row (CareHistoryGroup *self, const char *text)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "dim-label");
  care_record_group_add_row (CARE_RECORD_GROUP (self), row);
}

static void
older_activated_cb (CareHistoryGroup *self)
{
  CareRecord *subject = care_record_group_get_subject (CARE_RECORD_GROUP (self));

  if (subject != NULL)
    {
      fetch (self, subject, TRUE);
      care_record_group_refresh (CARE_RECORD_GROUP (self));
    }
}

static char *
subject_key (CareRecord *subject)
{
  return g_strdup_printf ("%s/%s", care_record_get_entity (subject)->name,
                          care_record_get_id (subject));
}

static void
care_history_group_fill (CareRecordGroup *group, CareStore *store, CareRecord *subject)
{
  CareHistoryGroup *self = CARE_HISTORY_GROUP (group);
  g_autofree char  *key = NULL;
  g_autoptr (GPtrArray) pending = NULL;
  g_autoptr (GError) error = NULL;

  if (care_record_get_id (subject) == NULL)
    return;

  key = subject_key (subject);
  pending = care_history_list_pending (store, care_record_get_entity (subject)->name,
                                       care_record_get_id (subject), &error);
  if (pending == NULL)
    g_warning ("Cannot read the outbox: %s", error->message);

  /* Another record, or this device's edits of it went out: ask again. */
  if (g_strcmp0 (key, self->key) != 0 ||
      (pending != NULL && pending->len < self->n_pending && !self->loading))
    {
      g_free (self->key);
      self->key = g_strdup (key);
      fetch (self, subject, FALSE);
    }
  self->n_pending = pending != NULL ? pending->len : 0;

  for (guint i = 0; pending != NULL && i < pending->len; i++)
    add_entry_row (self, store, subject, g_ptr_array_index (pending, i));

  for (guint i = 0; self->server != NULL && i < self->server->len; i++)
    add_entry_row (self, store, subject, g_ptr_array_index (self->server, i));

  if (self->loading)
    add_note_row (self, _ ("Loading the history from the server…"));
  else if (self->problem != NULL)
    add_note_row (self, self->problem);
  else if (self->next_cursor != NULL)
    {
      /* A button under the list, not an activatable row: it is reached
       * with Tab and has an action for assistive technologies. */
      GtkWidget *button = gtk_button_new_with_label (_ ("Show Older Changes"));

      gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_margin_top (button, 12);
      g_signal_connect_swapped (button, "clicked", G_CALLBACK (older_activated_cb), self);
      care_record_group_add_row (CARE_RECORD_GROUP (self), button);
    }
}

static void
fetch_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CareHistoryGroup) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *next_cursor = NULL;
  GPtrArray       *entries;

  entries = care_history_fetch_finish (result, &next_cursor, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  g_clear_pointer (&self->problem, g_free);
  if (entries != NULL)
    {
      /* An older page goes under the entries shown. */
      if (self->server == NULL)
        self->server = entries;
      else
        {
          g_ptr_array_extend_and_steal (self->server, entries);
          entries = self->server;
        }
      g_free (self->next_cursor);
      self->next_cursor = g_steal_pointer (&next_cursor);
    }
  if (entries == NULL)
    {
      if (g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_NETWORK))
        self->problem = g_strdup (_ ("The history on the server is not available offline."));
      else if (g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_UNAUTHORIZED) ||
               g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_NOT_CONFIGURED))
        self->problem = g_strdup (_ ("Sign in to a server to see who changed this record."));
      else if (g_error_matches (error, CARE_SYNC_ERROR, CARE_SYNC_ERROR_REFUSED))
        /* The one refusal of a well-formed request: the server has not
         * had the record yet (its creation is still in the outbox). */
        self->problem = g_strdup (_ ("The server has no history of this record yet."));
      else
        /* TRANSLATORS: %s is the reason, e.g. the server's message */
        self->problem = g_strdup_printf (_ ("The history could not be read: %s"), error->message);
    }

  care_record_group_refresh (CARE_RECORD_GROUP (self));
}

/* Asks for the newest page, or with @older the page after those shown. */
static void
fetch (CareHistoryGroup *self, CareRecord *subject, gboolean older)
{
  CareSyncEngine  *engine = self->context != NULL ? care_context_get_sync (self->context) : NULL;
  g_autofree char *cursor = older ? g_strdup (self->next_cursor) : NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (!older)
    g_clear_pointer (&self->server, g_ptr_array_unref);
  g_clear_pointer (&self->next_cursor, g_free);
  g_clear_pointer (&self->problem, g_free);
  self->loading = FALSE;

  if (engine == NULL || care_sync_engine_get_server_url (engine) == NULL)
    {
      self->problem = g_strdup (_ ("Sign in to a server to see who changed this record."));
      return;
    }

  self->loading = TRUE;
  self->cancellable = g_cancellable_new ();
  care_history_fetch_async (self->http, engine, care_record_get_entity (subject)->name,
                            care_record_get_id (subject), cursor, self->cancellable, fetch_done_cb,
                            g_object_ref (self));
}

/* The header button: Refresh. */
static void
care_history_group_create (CareRecordGroup *group, CareStore *store, CareRecord *subject)
{
  CareHistoryGroup *self = CARE_HISTORY_GROUP (group);

  fetch (self, subject, FALSE);
  care_record_group_refresh (group);
}

static void
care_history_group_dispose (GObject *object)
{
  CareHistoryGroup *self = CARE_HISTORY_GROUP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->http);
  g_clear_object (&self->context);
  g_clear_pointer (&self->server, g_ptr_array_unref);

  G_OBJECT_CLASS (care_history_group_parent_class)->dispose (object);
}

static void
care_history_group_finalize (GObject *object)
{
  CareHistoryGroup *self = CARE_HISTORY_GROUP (object);

  g_free (self->key);
  g_free (self->problem);
  g_free (self->next_cursor);

  G_OBJECT_CLASS (care_history_group_parent_class)->finalize (object);
}

static void
care_history_group_class_init (CareHistoryGroupClass *klass)
{
  GObjectClass         *object_class = G_OBJECT_CLASS (klass);
  CareRecordGroupClass *group_class = CARE_RECORD_GROUP_CLASS (klass);

  object_class->dispose = care_history_group_dispose;
  object_class->finalize = care_history_group_finalize;

  group_class->watches = care_history_group_watches;
  group_class->fill = care_history_group_fill;
  group_class->create = care_history_group_create;
}

static void
care_history_group_init (CareHistoryGroup *self)
{
  self->http = care_sync_http_new ();
  care_record_group_setup (CARE_RECORD_GROUP (self), _ ("History"), _ ("Re_fresh"),
                           _ ("Refresh History"), _ ("No changes recorded yet."));
}

/**
 * care_history_group_set_subject:
 * @subject: (nullable): the record shown
 */
void
care_history_group_set_subject (CareHistoryGroup *self, CareContext *context, CareRecord *subject)
{
  g_return_if_fail (CARE_IS_HISTORY_GROUP (self));

  g_set_object (&self->context, context);
  care_record_group_set_subject (CARE_RECORD_GROUP (self), context, subject);
}
