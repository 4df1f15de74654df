#ifndef HERDWATCH_CLINUXAUDIT_H
#define HERDWATCH_CLINUXAUDIT_H
// Constants and macro wrappers from <linux/netlink.h> and <linux/audit.h> for Swift,
// which cannot import function-like C macros (NLMSG_ALIGN, AUDIT_WORD, ...) nor macros
// built from other macros (AUDIT_ARCH_X86_64 = EM_X86_64|__AUDIT_ARCH_64BIT|__AUDIT_ARCH_LE).
// Plain integer macros (AUDIT_GET, AUDIT_FILTER_EXIT, AUDIT_EQUAL, ...) import directly.
#include <linux/netlink.h>
#include <linux/audit.h>
#include <stdint.h>
#include <stddef.h>

/// NLMSG_ALIGN(len): netlink messages are padded to 4 bytes (linux/netlink.h).
static inline uint32_t herdwatch_nlmsg_align(uint32_t len) { return NLMSG_ALIGN(len); }
/// NLMSG_HDRLEN: size of struct nlmsghdr after alignment.
static inline uint32_t herdwatch_nlmsg_hdrlen(void) { return NLMSG_HDRLEN; }

/// sizeof(struct audit_status) in the headers we build against (linux/audit.h); the kernel
/// accepts shorter and longer structs and answers with its own size.
static inline uint32_t herdwatch_audit_status_size(void) { return (uint32_t)sizeof(struct audit_status); }
/// sizeof(struct audit_rule_data) without its trailing string buffer (linux/audit.h).
static inline uint32_t herdwatch_audit_rule_data_size(void) { return (uint32_t)sizeof(struct audit_rule_data); }

/// AUDIT_WORD(nr): index of the syscall's 32-bit word in audit_rule_data.mask (linux/audit.h).
static inline uint32_t herdwatch_audit_word(uint32_t nr) { return AUDIT_WORD(nr); }
/// AUDIT_BIT(nr): the syscall's bit in that word (linux/audit.h).
static inline uint32_t herdwatch_audit_bit(uint32_t nr) { return AUDIT_BIT(nr); }

/// The AUDIT_ARCH_* values of `-F arch=` (linux/audit.h, built from <linux/elf-em.h>).
static inline uint32_t herdwatch_audit_arch_x86_64(void) { return AUDIT_ARCH_X86_64; }
static inline uint32_t herdwatch_audit_arch_i386(void) { return AUDIT_ARCH_I386; }
static inline uint32_t herdwatch_audit_arch_aarch64(void) { return AUDIT_ARCH_AARCH64; }
static inline uint32_t herdwatch_audit_arch_arm(void) { return AUDIT_ARCH_ARM; }

/// AUDIT_BIT_TEST (AUDIT_BIT_MASK|AUDIT_EQUAL): the `&=` operator (linux/audit.h).
static inline uint32_t herdwatch_audit_bit_test(void) { return AUDIT_BIT_TEST; }
/// AUDIT_LESS_THAN_OR_EQUAL and AUDIT_GREATER_THAN_OR_EQUAL: `<=` and `>=` (linux/audit.h).
static inline uint32_t herdwatch_audit_less_than_or_equal(void) { return AUDIT_LESS_THAN_OR_EQUAL; }
static inline uint32_t herdwatch_audit_greater_than_or_equal(void) { return AUDIT_GREATER_THAN_OR_EQUAL; }
/// AUDIT_UID_UNSET: the auid of a process that never logged in, `auid=unset` (linux/audit.h).
static inline uint32_t herdwatch_audit_uid_unset(void) { return AUDIT_UID_UNSET; }

// File integrity: what Glibc's Swift module leaves out.
/// O_NOATIME (open(2)): read without updating atime. A _GNU_SOURCE flag, so shim.c supplies it.
int herdwatch_o_noatime(void);
/// statfs(2) `f_type`, the file system's magic number (linux/magic.h); -1 with errno set on failure.
/// <sys/statfs.h> is not part of Glibc's Swift module.
long herdwatch_statfs_type(const char *path);

#endif
