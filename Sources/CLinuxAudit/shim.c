// The shim's functions are static inline in CLinuxAudit.h; this file gives the target a body.
#include "CLinuxAudit.h"
