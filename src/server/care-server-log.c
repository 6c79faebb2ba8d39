/* care-server-log.c: keeps secrets (session and feed tokens) out of the server's log.
 *
 * A calendar feed token travels in the URL (calendar programs cannot send
 * a header), so a request path is a secret as soon as it is a feed's;
 * with debug logging on, every request path used to be printed. Paths are
 * logged through care_server_log_path(), which blanks the token segment,
 * and every message the process logs (ours, GLib's, libsoup's) goes through
 * a writer that blanks any run of 32 or more hex digits, the shape of every
 * token and token hash the server makes, in case a token shows up where
 * nobody expected it. */
#define G_LOG_DOMAIN "care-server"

#include "config.h"

#include <string.h>

#include "care-server-log.h"

#define FEED_PREFIX "/api/v1/calendar/feed/"
#define MIN_HEX_RUN 32
#define REDACTED    "[redacted]"

/**
 * care_server_log_redact:
 * @text: a log message
 *
 * Returns: (transfer full): @text with every run of 32 or more hex digits
 *   replaced by "[redacted]"
 */
char *
care_server_log_redact (const char *text)
{
  GString *out;

  if (text == NULL)
    return NULL;

  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0';)
    {
      gsize run = 0;

      while (g_ascii_isxdigit (p[run]))
        run++;

      if (run >= MIN_HEX_RUN)
        g_string_append (out, REDACTED);
      else if (run > 0)
        g_string_append_len (out, p, (gssize) run);
      else
        {
          g_string_append_c (out, *p);
          run = 1;
        }
      p += run;
    }

  return g_string_free (out, FALSE);
}

/**
 * care_server_log_path:
 * @path: a request path
 *
 * Returns: (transfer full): @path fit for a log line: whatever follows
 *   the feed prefix (a feed token, or a guess at one) is blanked
 */
char *
care_server_log_path (const char *path)
{
  if (path == NULL)
    return g_strdup ("");

  if (g_str_has_prefix (path, FEED_PREFIX))
    return g_strconcat (FEED_PREFIX, REDACTED, g_str_has_suffix (path, ".ics") ? ".ics" : "", NULL);

  return care_server_log_redact (path);
}

static GLogWriterOutput
redacting_writer (GLogLevelFlags   log_level,
                  const GLogField *fields,
                  gsize            n_fields,
                  gpointer         user_data)
{
  g_autofree GLogField *copy = g_memdup2 (fields, n_fields * sizeof (GLogField));
  g_autofree char      *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (strcmp (copy[i].key, "MESSAGE") == 0 && copy[i].length == -1 && copy[i].value != NULL)
      {
        message = care_server_log_redact (copy[i].value);
        copy[i].value = message;
        break;
      }

  return g_log_writer_default (log_level, copy, n_fields, user_data);
}

/* Routes every log message of the process through the redaction, to
 * stderr; call it once, before anything is logged. */
void
care_server_log_install (void)
{
  /* Standard output carries the "listening on" line scripts read; debug
   * messages (GLib sends them to stdout by default) go to stderr too. */
  g_log_writer_default_set_use_stderr (TRUE);
  g_log_set_writer_func (redacting_writer, NULL, NULL);
}
