// The wrappers are static inline in include/CMalloc.h; a C target needs one source file.
#include "CMalloc.h"
