#include "cli/memory_tuning.h"

// <malloc.h> before any test of __GLIBC__: that macro comes with the C library's own headers.
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

namespace keyform {

void tune_memory() {
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
  mallopt(M_ARENA_MAX, 1);
#endif
}

}  // namespace keyform
