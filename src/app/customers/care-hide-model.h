/* care-hide-model.h: a record list with one record left out. */
#pragma once

#include <gio/gio.h>

#include "care-record-list.h"

G_BEGIN_DECLS

#define CARE_TYPE_HIDE_MODEL (care_hide_model_get_type ())
G_DECLARE_FINAL_TYPE (CareHideModel, care_hide_model, CARE, HIDE_MODEL, GObject)

CareHideModel *care_hide_model_new (CareRecordList *list);
void           care_hide_model_set_hidden (CareHideModel *self, const char *id);
const char    *care_hide_model_get_hidden (CareHideModel *self);
int            care_hide_model_locate (CareHideModel *self, const char *id);

G_END_DECLS
