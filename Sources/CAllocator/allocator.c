#include "CAllocator.h"
#include <limits.h>
#include <malloc.h>

int callocator_retain_freed_memory(void) {
#ifdef __GLIBC__
    return mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, INT_MAX) == 1;
#else
    return 0;
#endif
}
