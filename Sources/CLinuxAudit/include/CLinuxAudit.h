#ifndef HERDWATCH_CLINUXAUDIT_H
#define HERDWATCH_CLINUXAUDIT_H
// Constants and macro wrappers from <linux/netlink.h> and <linux/audit.h> for Swift,
// which cannot import function-like C macros (NLMSG_ALIGN, NLMSG_DATA, ...).
#include <linux/netlink.h>
#include <linux/audit.h>
#include <stdint.h>
#include <stddef.h>

/// NLMSG_ALIGN(len): netlink messages are padded to 4 bytes (linux/netlink.h).
static inline uint32_t herdwatch_nlmsg_align(uint32_t len) { return NLMSG_ALIGN(len); }
/// NLMSG_HDRLEN: size of struct nlmsghdr after alignment.
static inline uint32_t herdwatch_nlmsg_hdrlen(void) { return NLMSG_HDRLEN; }

#endif
