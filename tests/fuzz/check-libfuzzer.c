/* check-libfuzzer.c: compiles only where clang has libFuzzer (meson.build tries it). */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  return 0;
}
