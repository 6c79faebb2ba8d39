/* care-pdf.h: printable documents: the visit report and the certificate of attendance. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

typedef struct
{
  const char *company_name;    /* the header of every document */
  const char *company_address; /* nullable */
  const char *company_contact; /* nullable: phone, email, web */
  const char *currency;        /* e.g. "EUR"; nullable */
} CarePdfOptions;

gboolean care_pdf_write_visit_report (CareStore            *store,
                                      const char           *report_id,
                                      const CarePdfOptions *options,
                                      GFile                *file,
                                      GError              **error);
/* The pages care_pdf_render_visit_report() draws: A4, in points. */
#define CARE_PDF_PAGE_WIDTH  595.276
#define CARE_PDF_PAGE_HEIGHT 841.890

GPtrArray *care_pdf_render_visit_report (CareStore            *store,
                                         const char           *report_id,
                                         const CarePdfOptions *options,
                                         GError              **error);
gboolean   care_pdf_write_certificate (CareStore            *store,
                                       const char           *contact_id,
                                       const char           *course_id,
                                       const CarePdfOptions *options,
                                       GFile                *file,
                                       GError              **error);

G_END_DECLS
