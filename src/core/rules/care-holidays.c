/* care-holidays.c: the public holidays Aftercare ships, by country.
 *
 * data/holidays/<CC>.holidays, one key file per country, compiled into the
 * core library as a GResource: the client and the server read the same
 * bytes, so they close a working calendar on the same days. A file has
 * the statutory holidays in [Holidays] and the customary days off that
 * are not law (Carnival in Brazil and Portugal, Corpus Christi in Brazil)
 * in [Optional]; each key is a date and its value the holiday's name.
 * tests/test-holidays.c checks the Easter-based dates against Easter
 * computed there, and Bulgaria's days off for holidays on a weekend. */
#define G_LOG_DOMAIN "care-holidays"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "care-holidays.h"
#include "care-holidays-resources.h"

#define RESOURCE_PATH "/io/github/aftercare/Aftercare/holidays/"

static const char *const countries[] = { "BG", "BR", "FR", "PT", "SI", NULL };

void
care_holiday_free (CareHoliday *holiday)
{
  if (holiday == NULL)
    return;
  g_free (holiday->name);
  g_free (holiday);
}

/* The countries whose holidays Aftercare ships, as ISO 3166 codes. */
const char *const *
care_holidays_countries (void)
{
  return countries;
}

static GKeyFile *
load_key_file (const char *country, GError **error)
{
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *path = NULL;

  if (country == NULL || !g_strv_contains (countries, country))
    {
      g_set_error (error, CARE_WORKING_TIME_ERROR, CARE_WORKING_TIME_ERROR_HOLIDAYS,
                   _ ("No public holidays are known for “%s”"), country != NULL ? country : "");
      return NULL;
    }

  /* Looked up in the library's own resource, not the global table: a
   * static library's constructor that registers it may be dropped. */
  path = g_strconcat (RESOURCE_PATH, country, ".holidays", NULL);
  bytes = g_resource_lookup_data (care_holidays_get_resource (), path, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                  error);
  if (bytes == NULL)
    return NULL;
  if (!g_key_file_load_from_bytes (key_file, bytes, G_KEY_FILE_NONE, error))
    return NULL;
  return g_steal_pointer (&key_file);
}

static gboolean
read_group (
    GKeyFile *key_file, const char *group, gboolean optional, GPtrArray *out, GError **error)
{
  g_auto (GStrv) keys = NULL;

  if (!g_key_file_has_group (key_file, group))
    return TRUE;
  keys = g_key_file_get_keys (key_file, group, NULL, error);
  if (keys == NULL)
    return FALSE;

  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr (CareHoliday) holiday = g_new0 (CareHoliday, 1);
      guint y = 0, m = 0, d = 0;

      if (strlen (keys[i]) != 10 || sscanf (keys[i], "%4u-%2u-%2u", &y, &m, &d) != 3 ||
          !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
        {
          g_set_error (error, CARE_WORKING_TIME_ERROR, CARE_WORKING_TIME_ERROR_HOLIDAYS,
                       "“%s” in [%s] is not a date", keys[i], group);
          return FALSE;
        }
      g_date_clear (&holiday->date, 1);
      g_date_set_dmy (&holiday->date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
      holiday->name = g_key_file_get_string (key_file, group, keys[i], NULL);
      holiday->optional = optional;
      g_ptr_array_add (out, g_steal_pointer (&holiday));
    }
  return TRUE;
}

static int
compare_holidays (gconstpointer a, gconstpointer b)
{
  const CareHoliday *x = *(CareHoliday *const *) a;
  const CareHoliday *y = *(CareHoliday *const *) b;

  return g_date_compare (&x->date, &y->date);
}

/**
 * care_holidays_load:
 * @country: an ISO 3166 code from care_holidays_countries ()
 *
 * Returns: (transfer full) (element-type CareHoliday): the country's
 *   holidays, statutory and optional, in date order
 */
GPtrArray *
care_holidays_load (const char *country, GError **error)
{
  g_autoptr (GKeyFile) key_file = load_key_file (country, error);
  g_autoptr (GPtrArray) out = NULL;

  if (key_file == NULL)
    return NULL;
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) care_holiday_free);
  if (!read_group (key_file, "Holidays", FALSE, out, error) ||
      !read_group (key_file, "Optional", TRUE, out, error))
    return NULL;
  g_ptr_array_sort (out, compare_holidays);
  return g_steal_pointer (&out);
}

/* The first and last years the data of @country covers: a calendar used
 * beyond them has no public holidays, and the UI should say so. */
gboolean
care_holidays_years (const char *country, guint *first, guint *last, GError **error)
{
  g_autoptr (GKeyFile) key_file = load_key_file (country, error);
  g_autofree int *years = NULL;
  gsize           n = 0;

  if (key_file == NULL)
    return FALSE;
  years = g_key_file_get_integer_list (key_file, "Calendar", "Years", &n, error);
  if (years == NULL || n == 0)
    return FALSE;
  if (first != NULL)
    *first = (guint) years[0];
  if (last != NULL)
    *last = (guint) years[n - 1];
  return TRUE;
}

/**
 * care_working_calendar_add_holidays:
 * @country: an ISO 3166 code from care_holidays_countries ()
 * @optional: whether to close on the optional days off too
 *
 * Closes @self on the public holidays of @country.
 */
gboolean
care_working_calendar_add_holidays (CareWorkingCalendar *self,
                                    const char          *country,
                                    gboolean             optional,
                                    GError             **error)
{
  g_autoptr (GPtrArray) holidays = care_holidays_load (country, error);

  if (holidays == NULL)
    return FALSE;
  for (guint i = 0; i < holidays->len; i++)
    {
      CareHoliday *holiday = g_ptr_array_index (holidays, i);

      if (!holiday->optional || optional)
        care_working_calendar_close_day (self, &holiday->date);
    }
  return TRUE;
}
