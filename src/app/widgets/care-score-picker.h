/* care-score-picker.h: a 1 to 5 satisfaction score, as five toggle buttons. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CARE_SCORE_PICKER_MAX 5

#define CARE_TYPE_SCORE_PICKER (care_score_picker_get_type ())
G_DECLARE_FINAL_TYPE (CareScorePicker, care_score_picker, CARE, SCORE_PICKER, GtkWidget)

int         care_score_picker_get_score (CareScorePicker *self);
void        care_score_picker_set_score (CareScorePicker *self, int score);
const char *care_score_picker_describe (int score);

G_END_DECLS
