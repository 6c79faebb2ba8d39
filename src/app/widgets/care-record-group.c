/* care-record-group.c: a group listing the records that belong to one record.
 *
 * The common part of the groups in a detail pane that list what hangs off
 * the record shown (the returns of a case, the surveys about a visit): a
 * header button that creates one more, and rows rebuilt whenever the store
 * changes something they show. Subclasses say what to list (fill), what to
 * watch (watches) and what the button does (create). */
#define G_LOG_DOMAIN "care-record-group"

#include "config.h"

#include "care-record-group.h"

typedef struct
{
  /* Owned references */
  CareContext *context;
  CareRecord  *subject;
  GPtrArray   *rows; /* GtkWidget, borrowed from the group */
  char        *empty_text;
  gulong       changed_id;
} CareRecordGroupPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (CareRecordGroup, care_record_group, ADW_TYPE_PREFERENCES_GROUP)

static void
rebuild (CareRecordGroup *self)
{
  CareRecordGroupPrivate *priv = care_record_group_get_instance_private (self);

  for (guint i = 0; i < priv->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (priv->rows, i));
  g_ptr_array_set_size (priv->rows, 0);

  if (priv->subject == NULL)
    return;

  CARE_RECORD_GROUP_GET_CLASS (self)->fill (self, care_context_get_store (priv->context),
                                            priv->subject);

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         priv->rows->len == 0 ? priv->empty_text : NULL);
}

static void
store_changed_cb (CareStore *store, const char *entity, const char *id, CareRecordGroup *self)
{
  if (CARE_RECORD_GROUP_GET_CLASS (self)->watches (self, entity))
    rebuild (self);
}

static void
record_group_create_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  CareRecordGroup        *self = CARE_RECORD_GROUP (widget);
  CareRecordGroupPrivate *priv = care_record_group_get_instance_private (self);

  if (priv->subject != NULL)
    CARE_RECORD_GROUP_GET_CLASS (self)->create (self, care_context_get_store (priv->context),
                                                priv->subject);
}

static gboolean
care_record_group_real_watches (CareRecordGroup *self, const char *entity)
{
  return TRUE;
}

static void
care_record_group_dispose (GObject *object)
{
  CareRecordGroup        *self = CARE_RECORD_GROUP (object);
  CareRecordGroupPrivate *priv = care_record_group_get_instance_private (self);

  if (priv->context != NULL)
    g_clear_signal_handler (&priv->changed_id, care_context_get_store (priv->context));
  g_clear_object (&priv->subject);
  g_clear_object (&priv->context);

  G_OBJECT_CLASS (care_record_group_parent_class)->dispose (object);
}

static void
care_record_group_finalize (GObject *object)
{
  CareRecordGroup        *self = CARE_RECORD_GROUP (object);
  CareRecordGroupPrivate *priv = care_record_group_get_instance_private (self);

  g_ptr_array_unref (priv->rows);
  g_free (priv->empty_text);

  G_OBJECT_CLASS (care_record_group_parent_class)->finalize (object);
}

static void
care_record_group_class_init (CareRecordGroupClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_record_group_dispose;
  object_class->finalize = care_record_group_finalize;

  klass->watches = care_record_group_real_watches;

  gtk_widget_class_install_action (widget_class, "record-group.create", NULL,
                                   record_group_create_cb);
}

static void
care_record_group_init (CareRecordGroup *self)
{
  CareRecordGroupPrivate *priv = care_record_group_get_instance_private (self);

  priv->rows = g_ptr_array_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record-group.create", FALSE);
}

/**
 * care_record_group_setup:
 * @title: the group's title
 * @button_mnemonic: the header button's label, with a mnemonic
 * @button_name: the header button's accessible name
 * @empty_text: the description shown while there are no rows
 *
 * For a subclass's init.
 */
void
care_record_group_setup (CareRecordGroup *self,
                         const char      *title,
                         const char      *button_mnemonic,
                         const char      *button_name,
                         const char      *empty_text)
{
  CareRecordGroupPrivate *priv = care_record_group_get_instance_private (self);
  GtkWidget              *button = gtk_button_new_with_mnemonic (button_mnemonic);

  g_return_if_fail (CARE_IS_RECORD_GROUP (self));

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "record-group.create");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  button_name, -1);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self), button);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), title);
  g_free (priv->empty_text);
  priv->empty_text = g_strdup (empty_text);
}

/**
 * care_record_group_set_subject:
 * @subject: (nullable): the record whose records are listed
 */
void
care_record_group_set_subject (CareRecordGroup *self, CareContext *context, CareRecord *subject)
{
  CareRecordGroupPrivate *priv = care_record_group_get_instance_private (self);

  g_return_if_fail (CARE_IS_RECORD_GROUP (self));
  g_return_if_fail (CARE_IS_CONTEXT (context));

  /* The same record again (a view redraws its detail pane after every
   * change): the rows only depend on its id and entity, and the store's
   * changes already rebuild them. */
  if (priv->context == context && subject != NULL && priv->subject != NULL &&
      care_record_get_id (subject) != NULL &&
      care_record_get_entity (subject) == care_record_get_entity (priv->subject) &&
      g_strcmp0 (care_record_get_id (subject), care_record_get_id (priv->subject)) == 0)
    {
      g_set_object (&priv->subject, subject);
      return;
    }

  if (priv->context != context)
    {
      if (priv->context != NULL)
        g_clear_signal_handler (&priv->changed_id, care_context_get_store (priv->context));
      g_set_object (&priv->context, context);
      priv->changed_id = g_signal_connect (care_context_get_store (context), "changed",
                                           G_CALLBACK (store_changed_cb), self);
    }

  g_set_object (&priv->subject, subject);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record-group.create", subject != NULL);
  rebuild (self);
}

/**
 * care_record_group_get_subject:
 *
 * Returns: (transfer none) (nullable): the record shown
 */
CareRecord *
care_record_group_get_subject (CareRecordGroup *self)
{
  CareRecordGroupPrivate *priv = care_record_group_get_instance_private (self);

  g_return_val_if_fail (CARE_IS_RECORD_GROUP (self), NULL);
  return priv->subject;
}

/**
 * care_record_group_get_store:
 *
 * Returns: (transfer none) (nullable): the store, once a subject was set
 */
CareStore *
care_record_group_get_store (CareRecordGroup *self)
{
  CareRecordGroupPrivate *priv = care_record_group_get_instance_private (self);

  g_return_val_if_fail (CARE_IS_RECORD_GROUP (self), NULL);
  return priv->context != NULL ? care_context_get_store (priv->context) : NULL;
}

/**
 * care_record_group_refresh:
 *
 * Builds the rows again; for a subclass whose rows also depend on
 * something other than the store (an answer that came in).
 */
void
care_record_group_refresh (CareRecordGroup *self)
{
  g_return_if_fail (CARE_IS_RECORD_GROUP (self));
  rebuild (self);
}

/**
 * care_record_group_add_row:
 * @row: (transfer floating): a row for the next rebuild to remove
 *
 * For a subclass's fill.
 */
void
care_record_group_add_row (CareRecordGroup *self, GtkWidget *row)
{
  CareRecordGroupPrivate *priv = care_record_group_get_instance_private (self);

  g_return_if_fail (CARE_IS_RECORD_GROUP (self));

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
  g_ptr_array_add (priv->rows, row);
}
