/* care-context.c: the services a window and its views share.
 *
 * Owned by CareApplication, as GNOME Calendar's GcalContext: views reach the
 * store and settings through it instead of globals. */
#define G_LOG_DOMAIN "care-context"

#include "config.h"

#include "care-context.h"

struct _CareContext
{
  GObject parent_instance;

  /* Owned references */
  CareStore      *store;
  GSettings      *settings;
  CareSyncEngine *sync;
  CareAccount    *account;
};

G_DEFINE_FINAL_TYPE (CareContext, care_context, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
care_context_dispose (GObject *object)
{
  CareContext *self = CARE_CONTEXT (object);

  if (self->sync != NULL)
    care_sync_engine_stop (self->sync);
  g_clear_object (&self->account);
  g_clear_object (&self->sync);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (care_context_parent_class)->dispose (object);
}

static void
care_context_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CareContext *self = CARE_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_context_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CareContext *self = CARE_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_context_constructed (GObject *object)
{
  CareContext *self = CARE_CONTEXT (object);

  G_OBJECT_CLASS (care_context_parent_class)->constructed (object);

  /* The sync engine is the only code that talks to the server. */
  self->sync = care_sync_engine_new (self->store);
  self->account = care_account_new (self->sync, self->settings);
}

static void
care_context_class_init (CareContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = care_context_constructed;
  object_class->dispose = care_context_dispose;
  object_class->get_property = care_context_get_property;
  object_class->set_property = care_context_set_property;

  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, CARE_TYPE_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
      g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
care_context_init (CareContext *self)
{
}

CareContext *
care_context_new (CareStore *store, GSettings *settings)
{
  return g_object_new (CARE_TYPE_CONTEXT, "store", store, "settings", settings, NULL);
}

CareStore *
care_context_get_store (CareContext *self)
{
  g_return_val_if_fail (CARE_IS_CONTEXT (self), NULL);
  return self->store;
}

GSettings *
care_context_get_settings (CareContext *self)
{
  g_return_val_if_fail (CARE_IS_CONTEXT (self), NULL);
  return self->settings;
}

CareSyncEngine *
care_context_get_sync (CareContext *self)
{
  g_return_val_if_fail (CARE_IS_CONTEXT (self), NULL);
  return self->sync;
}

CareAccount *
care_context_get_account (CareContext *self)
{
  g_return_val_if_fail (CARE_IS_CONTEXT (self), NULL);
  return self->account;
}
