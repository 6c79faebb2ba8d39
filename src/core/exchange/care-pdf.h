/* care-pdf.h: printable documents: the visit report and the certificate of attendance. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

typedef struct
{
  const char *company_name;    /* nullable: the header of every document */
  const char *company_address; /* nullable */
  const char *company_contact; /* nullable: phone, email, web */
  const char *currency;        /* e.g. "EUR"; nullable */
  /* nullable: the company's logo, as cairo's ARGB32 (premultiplied) pixels */
  const unsigned char *logo_pixels;
  int                  logo_width;
  int                  logo_height;
  int                  logo_stride;
  /* nullable: the person who trained, on a certificate; else the trainer
   * of the course's sessions the participant attended */
  const char *trainer;
} CarePdfOptions;

char *care_pdf_visit_reference (const char *appointment_id);

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
