/* test-holidays.c: the shipped public holidays against Easter computed here. */
#include "config.h"

#include <string.h>

#include "care-holidays.h"

/* Western Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
static void
western_easter (guint year, GDate *date)
{
  guint a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
  guint f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  guint i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  guint m = (a + 11 * h + 22 * l) / 451;
  guint month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;

  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

/* Orthodox Easter Sunday: Meeus's Julian algorithm, then the 13 days the
 * Julian calendar lags the Gregorian from 1900 to 2099. */
static void
orthodox_easter (guint year, GDate *date)
{
  guint a = year % 4, b = year % 7, c = year % 19, d = (19 * c + 15) % 30;
  guint e = (2 * a + 4 * b + 34 - d) % 7;
  guint month = (d + e + 114) / 31, day = (d + e + 114) % 31 + 1;

  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  g_date_add_days (date, 13);
}

/* The holiday of @holidays on @date, or NULL. */
static CareHoliday *
find (GPtrArray *holidays, const GDate *date)
{
  for (guint i = 0; i < holidays->len; i++)
    {
      CareHoliday *h = g_ptr_array_index (holidays, i);

      if (g_date_compare (&h->date, date) == 0)
        return h;
    }
  return NULL;
}

static void
assert_offset (
    GPtrArray *holidays, const GDate *easter, int offset, const char *name, gboolean optional)
{
  GDate        date = *easter;
  CareHoliday *h;

  if (offset >= 0)
    g_date_add_days (&date, (guint) offset);
  else
    g_date_subtract_days (&date, (guint) -offset);
  h = find (holidays, &date);
  if (h == NULL || strstr (h->name, name) == NULL || h->optional != optional)
    {
      char text[16];

      g_date_strftime (text, sizeof text, "%Y-%m-%d", &date);
      g_error ("%s is not %s%s", text, optional ? "the optional " : "", name);
    }
}

static guint
count_year (GPtrArray *holidays, guint year, gboolean optional)
{
  guint n = 0;

  for (guint i = 0; i < holidays->len; i++)
    {
      CareHoliday *h = g_ptr_array_index (holidays, i);

      n += g_date_get_year (&h->date) == year && h->optional == optional;
    }
  return n;
}

/* Every country covers 2026 to 2028, in order, with names. */
static void
test_data (void)
{
  const char *const *countries = care_holidays_countries ();
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (g_strv_length ((GStrv) countries), ==, 5);
  for (guint c = 0; countries[c] != NULL; c++)
    {
      g_autoptr (GPtrArray) holidays = care_holidays_load (countries[c], &error);
      guint first = 0, last = 0;

      g_assert_no_error (error);
      g_assert_true (care_holidays_years (countries[c], &first, &last, &error));
      g_assert_cmpuint (first, ==, 2026);
      g_assert_cmpuint (last, ==, 2028);
      for (guint i = 0; i < holidays->len; i++)
        {
          CareHoliday *h = g_ptr_array_index (holidays, i);

          g_assert_true (g_date_valid (&h->date));
          g_assert_cmpuint (g_date_get_year (&h->date), >=, first);
          g_assert_cmpuint (g_date_get_year (&h->date), <=, last);
          g_assert_nonnull (h->name);
          g_assert_cmpstr (h->name, !=, "");
          if (i > 0)
            g_assert_cmpint (
                g_date_compare (&((CareHoliday *) g_ptr_array_index (holidays, i - 1))->date,
                                &h->date),
                <=, 0);
        }
    }
  g_assert_null (care_holidays_load ("pt", &error));
  g_assert_error (error, CARE_WORKING_TIME_ERROR, CARE_WORKING_TIME_ERROR_HOLIDAYS);
  g_clear_error (&error);
  g_assert_null (care_holidays_load ("../PT", NULL));
  g_assert_false (care_holidays_years ("ZZ", NULL, NULL, NULL));
}

static void
test_easter_dates (void)
{
  g_autoptr (GPtrArray) pt = care_holidays_load ("PT", NULL);
  g_autoptr (GPtrArray) br = care_holidays_load ("BR", NULL);
  g_autoptr (GPtrArray) fr = care_holidays_load ("FR", NULL);
  g_autoptr (GPtrArray) si = care_holidays_load ("SI", NULL);
  g_autoptr (GPtrArray) bg = care_holidays_load ("BG", NULL);
  GDate e;

  /* The algorithms against dates everyone agrees on. */
  western_easter (2026, &e);
  g_assert_cmpuint (g_date_get_month (&e), ==, 4);
  g_assert_cmpuint (g_date_get_day (&e), ==, 5);
  orthodox_easter (2027, &e);
  g_assert_cmpuint (g_date_get_month (&e), ==, 5);
  g_assert_cmpuint (g_date_get_day (&e), ==, 2);

  for (guint year = 2026; year <= 2028; year++)
    {
      western_easter (year, &e);
      assert_offset (pt, &e, -47, "Carnival", TRUE);
      assert_offset (pt, &e, -2, "Good Friday", FALSE);
      assert_offset (pt, &e, 0, "Easter Sunday", FALSE);
      assert_offset (pt, &e, 60, "Corpus Christi", FALSE);
      g_assert_cmpuint (count_year (pt, year, FALSE), ==, 13);

      assert_offset (br, &e, -48, "Carnival", TRUE);
      assert_offset (br, &e, -47, "Carnival", TRUE);
      assert_offset (br, &e, -2, "Good Friday", FALSE);
      assert_offset (br, &e, 60, "Corpus Christi", TRUE);
      g_assert_cmpuint (count_year (br, year, FALSE), ==, 10);

      assert_offset (fr, &e, 1, "Easter Monday", FALSE);
      assert_offset (fr, &e, 39, "Ascension", FALSE);
      assert_offset (fr, &e, 50, "Whit Monday", FALSE);
      g_assert_cmpuint (count_year (fr, year, FALSE), ==, 11);

      assert_offset (si, &e, 0, "Easter Sunday", FALSE);
      assert_offset (si, &e, 1, "Easter Monday", FALSE);
      assert_offset (si, &e, 49, "Whit Sunday", FALSE);
      g_assert_cmpuint (count_year (si, year, FALSE), ==, 15);

      /* Bulgaria keeps the Orthodox Easter, four days long. */
      orthodox_easter (year, &e);
      assert_offset (bg, &e, -2, "Orthodox Good Friday", FALSE);
      assert_offset (bg, &e, -1, "Orthodox Holy Saturday", FALSE);
      assert_offset (bg, &e, 0, "Orthodox Easter Sunday", FALSE);
      assert_offset (bg, &e, 1, "Orthodox Easter Monday", FALSE);
      /* The Western Easter Monday is no holiday there (unless the two fall together). */
      {
        GDate w;

        western_easter (year, &w);
        g_date_add_days (&w, 1);
        g_date_add_days (&e, 1);
        if (g_date_compare (&w, &e) != 0)
          g_assert_null (find (bg, &w));
      }
    }
}

static gboolean
is_weekend (const GDate *d)
{
  return g_date_get_weekday (d) >= G_DATE_SATURDAY;
}

/* Bulgaria: a holiday other than Easter's that falls on a Saturday or a
 * Sunday gives the next working day off, a day that is neither a weekend
 * nor a holiday nor already given; and no other day is given. */
static void
test_bulgaria_weekend_rule (void)
{
  g_autoptr (GPtrArray) bg = care_holidays_load ("BG", NULL);
  g_autoptr (GHashTable) taken = g_hash_table_new (NULL, NULL);
  guint expected_days_off = 0, days_off = 0;

  for (guint i = 0; i < bg->len; i++)
    {
      CareHoliday *h = g_ptr_array_index (bg, i);

      if (!g_str_has_prefix (h->name, "Day off for "))
        g_hash_table_add (taken, GUINT_TO_POINTER (g_date_get_julian (&h->date)));
      else
        days_off++;
    }

  for (guint i = 0; i < bg->len; i++)
    {
      CareHoliday *h = g_ptr_array_index (bg, i);
      g_auto (GStrv) names = g_strsplit (h->name, " / ", -1);

      if (g_str_has_prefix (h->name, "Day off for ") || !is_weekend (&h->date))
        continue;
      for (guint n = 0; names[n] != NULL; n++)
        {
          GDate        next = h->date;
          CareHoliday *off;

          if (g_str_has_prefix (names[n], "Orthodox "))
            continue;
          do
            g_date_add_days (&next, 1);
          while (is_weekend (&next) ||
                 g_hash_table_contains (taken, GUINT_TO_POINTER (g_date_get_julian (&next))));
          g_hash_table_add (taken, GUINT_TO_POINTER (g_date_get_julian (&next)));
          expected_days_off++;
          off = find (bg, &next);
          if (off == NULL || !g_str_has_prefix (off->name, "Day off for "))
            g_error ("no day off after %s", names[n]);
        }
    }
  g_assert_cmpuint (days_off, ==, expected_days_off);
  /* Three a year: 2026 25 May, 7 September, 28 December; 2027 4 May, 27 and 28
   * December; 2028 3 January, 8 May, 27 December. */
  g_assert_cmpuint (days_off, ==, 9);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/holidays/data", test_data);
  g_test_add_func ("/holidays/easter", test_easter_dates);
  g_test_add_func ("/holidays/bulgaria-weekend", test_bulgaria_weekend_rule);

  return g_test_run ();
}
