#ifndef HERDWATCH_CMALLOC_H
#define HERDWATCH_CMALLOC_H

// glibc's mallopt(3) and its parameters, which Swift's Glibc module does not export
// (<malloc.h> is not part of it).
#include <malloc.h>

static inline int herdwatch_mallopt_arena_max(int value) { return mallopt(M_ARENA_MAX, value); }
static inline int herdwatch_mallopt_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }
static inline int herdwatch_mallopt_trim_threshold(int bytes) { return mallopt(M_TRIM_THRESHOLD, bytes); }

#endif
