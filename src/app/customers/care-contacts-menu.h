/* care-contacts-menu.h: the customers view's menu to import and export contacts. */
#pragma once

#include <adwaita.h>

#include "care-context.h"
#include "care-record-list.h"

G_BEGIN_DECLS

#define CARE_TYPE_CONTACTS_MENU (care_contacts_menu_get_type ())
G_DECLARE_FINAL_TYPE (CareContactsMenu, care_contacts_menu, CARE, CONTACTS_MENU, AdwBin)

GtkWidget *care_contacts_menu_new (CareContext *context, CareRecordList *customers);

G_END_DECLS
