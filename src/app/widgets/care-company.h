/* care-company.h: the company's details for printed documents, from the settings. */
#pragma once

#include <gtk/gtk.h>

#include "care-pdf.h"

G_BEGIN_DECLS

typedef struct _CareCompany CareCompany;

CareCompany *care_company_load (GSettings *settings);
void         care_company_apply (CareCompany *self, CarePdfOptions *options);
void         care_company_free (CareCompany *self);

typedef void (*CareCompanyThen) (GObject *owner);
void care_company_ask_once (GtkWidget      *parent,
                            GSettings      *settings,
                            GObject        *owner,
                            CareCompanyThen then);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CareCompany, care_company_free)

G_END_DECLS
