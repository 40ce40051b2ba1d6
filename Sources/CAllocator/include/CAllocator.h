// glibc's mallopt lives in <malloc.h>, which Swift's Glibc module does not export.
#ifndef CALLOCATOR_H
#define CALLOCATOR_H
/// Stops glibc from returning freed memory to the kernel (no mmap per large block, no heap trimming).
/// Returns 1 on success.
int callocator_retain_freed_memory(void);
#endif
