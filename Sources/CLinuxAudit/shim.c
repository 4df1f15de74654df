// Most of the shim's functions are static inline in CLinuxAudit.h; the few that need
// _GNU_SOURCE or headers outside Glibc's Swift module are defined here.
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/statfs.h>
#include "CLinuxAudit.h"

int herdwatch_o_noatime(void) { return O_NOATIME; }

long herdwatch_statfs_type(const char *path) {
    struct statfs info;
    if (statfs(path, &info) != 0) return -1;
    return (long)info.f_type;
}
