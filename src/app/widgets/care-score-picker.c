/* care-score-picker.c: a 1 to 5 satisfaction score, as five toggle buttons.
 *
 * A row of linked, grouped toggle buttons rather than stars: each is a
 * button a keyboard reaches with Tab (or Left and Right once inside) and
 * that a screen reader names with its meaning ("4, Satisfied"), and no
 * score is chosen until the user picks one, so "no answer" is never
 * mistaken for a score. */
#define G_LOG_DOMAIN "care-score-picker"

#include "config.h"

#include <glib/gi18n.h>

#include "care-score-picker.h"

struct _CareScorePicker
{
  GtkWidget parent_instance;

  /* Owned references (children) */
  GtkWidget *box;
  GtkWidget *buttons[CARE_SCORE_PICKER_MAX];

  int      score; /* 0 while none is chosen */
  gboolean setting;
};

G_DEFINE_FINAL_TYPE (CareScorePicker, care_score_picker, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SCORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What a score means, for the buttons' names and the surveys' lists. */
const char *
care_score_picker_describe (int score)
{
  switch (score)
    {
    case 1:
      return _ ("Very dissatisfied");
    case 2:
      return _ ("Dissatisfied");
    case 3:
      return C_ ("satisfaction", "Neutral");
    case 4:
      return _ ("Satisfied");
    case 5:
      return _ ("Very satisfied");
    default:
      return _ ("No score");
    }
}

static void
toggled_cb (GtkToggleButton *button, CareScorePicker *self)
{
  int score = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "score"));

  if (self->setting || !gtk_toggle_button_get_active (button) || score == self->score)
    return;

  self->score = score;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCORE]);
}

/* Left and Right move along the row as in any group of options. */
static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CareScorePicker       *self)
{
  int step = 0;

  if (keyval == GDK_KEY_Left || keyval == GDK_KEY_KP_Left)
    step = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL ? 1 : -1;
  else if (keyval == GDK_KEY_Right || keyval == GDK_KEY_KP_Right)
    step = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL ? -1 : 1;
  else
    return FALSE;

  for (int i = 0; i < CARE_SCORE_PICKER_MAX; i++)
    if (gtk_widget_has_focus (self->buttons[i]))
      {
        int next = CLAMP (i + step, 0, CARE_SCORE_PICKER_MAX - 1);

        gtk_widget_grab_focus (self->buttons[next]);
        return TRUE;
      }

  return FALSE;
}

static gboolean
care_score_picker_grab_focus (GtkWidget *widget)
{
  CareScorePicker *self = CARE_SCORE_PICKER (widget);

  return gtk_widget_grab_focus (self->buttons[self->score > 0 ? self->score - 1 : 0]);
}

static void
care_score_picker_dispose (GObject *object)
{
  CareScorePicker *self = CARE_SCORE_PICKER (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (care_score_picker_parent_class)->dispose (object);
}

static void
care_score_picker_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CareScorePicker *self = CARE_SCORE_PICKER (object);

  switch (prop_id)
    {
    case PROP_SCORE:
      g_value_set_int (value, self->score);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_score_picker_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CareScorePicker *self = CARE_SCORE_PICKER (object);

  switch (prop_id)
    {
    case PROP_SCORE:
      care_score_picker_set_score (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
care_score_picker_class_init (CareScorePickerClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_score_picker_dispose;
  object_class->get_property = care_score_picker_get_property;
  object_class->set_property = care_score_picker_set_property;
  widget_class->grab_focus = care_score_picker_grab_focus;

  /**
   * CareScorePicker:score:
   *
   * The chosen score from 1 to 5, or 0 while none is chosen.
   */
  properties[PROP_SCORE] =
      g_param_spec_int ("score", NULL, NULL, 0, CARE_SCORE_PICKER_MAX, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_css_name (widget_class, "scorepicker");
}

static void
care_score_picker_init (CareScorePicker *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkToggleButton    *first = NULL;

  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (self->box, "linked");
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  for (int i = 0; i < CARE_SCORE_PICKER_MAX; i++)
    {
      g_autofree char *label = g_strdup_printf ("%d", i + 1);
      /* TRANSLATORS: a score button's accessible name, e.g. "4, Satisfied" */
      g_autofree char *name =
          g_strdup_printf (_ ("%d, %s"), i + 1, care_score_picker_describe (i + 1));
      GtkWidget *button = gtk_toggle_button_new_with_label (label);

      gtk_widget_set_size_request (button, 40, -1);
      gtk_widget_set_tooltip_text (button, care_score_picker_describe (i + 1));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                      -1);
      gtk_widget_add_css_class (button, "numeric");
      g_object_set_data (G_OBJECT (button), "score", GINT_TO_POINTER (i + 1));
      if (first != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), first);
      else
        first = GTK_TOGGLE_BUTTON (button);
      g_signal_connect (button, "toggled", G_CALLBACK (toggled_cb), self);
      gtk_box_append (GTK_BOX (self->box), button);
      self->buttons[i] = button;
    }

  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Score"),
                                  -1);
}

int
care_score_picker_get_score (CareScorePicker *self)
{
  g_return_val_if_fail (CARE_IS_SCORE_PICKER (self), 0);
  return self->score;
}

/* @score: 1 to 5, or 0 for none chosen */
void
care_score_picker_set_score (CareScorePicker *self, int score)
{
  g_return_if_fail (CARE_IS_SCORE_PICKER (self));
  g_return_if_fail (score >= 0 && score <= CARE_SCORE_PICKER_MAX);

  if (score == self->score)
    return;

  self->setting = TRUE;
  for (int i = 0; i < CARE_SCORE_PICKER_MAX; i++)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->buttons[i]), i + 1 == score);
  self->setting = FALSE;
  self->score = score;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCORE]);
}
