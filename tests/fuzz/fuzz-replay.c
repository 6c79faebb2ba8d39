/* fuzz-replay.c: runs a fuzz target over files, for builds without libFuzzer.
 *
 * Each argument is a file or a directory of files; every file is one
 * input. The corpus in the tree is replayed this way by `meson test` when
 * clang and libFuzzer are not available, so a crash found once stays a
 * test everywhere. */
#include "config.h"

#include <glib.h>
#include <stdint.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static guint
run_file (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, &error))
    g_error ("%s", error->message);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, len);
  return 1;
}

int
main (int argc, char *argv[])
{
  guint n = 0;

  LLVMFuzzerInitialize (&argc, &argv);

  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr (GDir) dir = g_dir_open (argv[i], 0, NULL);
          const char *name;

          while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
            {
              g_autofree char *path = g_build_filename (argv[i], name, NULL);
              n += run_file (path);
            }
        }
      else
        n += run_file (argv[i]);
    }

  g_print ("Ran %u inputs\n", n);
  return n > 0 ? 0 : 1;
}
