/* care-record-group.h: a group listing the records that belong to one record. */
#pragma once

#include <adwaita.h>

#include "care-context.h"

G_BEGIN_DECLS

#define CARE_TYPE_RECORD_GROUP (care_record_group_get_type ())
G_DECLARE_DERIVABLE_TYPE (
    CareRecordGroup, care_record_group, CARE, RECORD_GROUP, AdwPreferencesGroup)

struct _CareRecordGroupClass
{
  AdwPreferencesGroupClass parent_class;

  /* Whether a store change to @entity (%NULL: to anything) can change the rows. */
  gboolean (*watches) (CareRecordGroup *self, const char *entity);
  /* Adds the rows about @subject with care_record_group_add_row(). */
  void (*fill) (CareRecordGroup *self, CareStore *store, CareRecord *subject);
  /* The header button was pressed while @subject is shown. */
  void (*create) (CareRecordGroup *self, CareStore *store, CareRecord *subject);

  gpointer padding[4];
};

void care_record_group_setup (CareRecordGroup *self,
                              const char      *title,
                              const char      *button_mnemonic,
                              const char      *button_name,
                              const char      *empty_text);
void
care_record_group_set_subject (CareRecordGroup *self, CareContext *context, CareRecord *subject);
CareRecord *care_record_group_get_subject (CareRecordGroup *self);
CareStore  *care_record_group_get_store (CareRecordGroup *self);
void        care_record_group_add_row (CareRecordGroup *self, GtkWidget *row);
void        care_record_group_refresh (CareRecordGroup *self);

G_END_DECLS
