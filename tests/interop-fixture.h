/* interop-fixture.h: one small, hostile data set for the import and export
 * tests: non-ASCII names, commas, semicolons, quotes, formula-like cells. */
#pragma once

#include "care-store.h"

G_BEGIN_DECLS

typedef struct
{
  char *technician_id;
  char *trainer_id;
  char *company_id;
  char *person_id;
  char *formula_id;
  char *contact_primary_id;
  char *contact_quoted_id;
  char *contact_person_id;
  char *product_id;
  char *case_id;
  char *repair_id;    /* planned repair visit at the company */
  char *call_id;      /* done follow-up call with the person */
  char *cancelled_id; /* cancelled maintenance with the person */
  char *course_id;
  char *session_id;
} InteropIds;

#define INTEROP_LONG_NOTE                                                                                                                                                \
  "Заметка: клиент просит позвонить заранее, код домофона 42; парковка во дворе, въезд с улицы " \
  "Тверская, ключ у охраны.\nSecond line; with, punctuation \\ and a backslash."

void interop_fill (CareStore *store, InteropIds *ids);
void interop_clear (InteropIds *ids);

G_END_DECLS
