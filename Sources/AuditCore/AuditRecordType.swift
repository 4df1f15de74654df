#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An audit record type: the `nlmsg_type` of the netlink message, `type=NAME` in auditd's log.
///
/// Numbers and names from `<linux/audit.h>` and libaudit's `lib/msg_typetab.h`
/// (audit-userspace). A name not in the table keeps its code 0 and is rendered from the log.
public struct AuditRecordType: Sendable, Hashable, CustomStringConvertible {
    public var code: UInt16

    public init(code: UInt16) { self.code = code }

    public static let userAuth = AuditRecordType(code: 1100)
    public static let userAcct = AuditRecordType(code: 1101)
    public static let userLogin = AuditRecordType(code: 1112)
    public static let userLogout = AuditRecordType(code: 1113)
    public static let login = AuditRecordType(code: 1006)
    public static let syscall = AuditRecordType(code: 1300)
    public static let path = AuditRecordType(code: 1302)
    public static let configChange = AuditRecordType(code: 1305)
    public static let sockaddr = AuditRecordType(code: 1306)
    public static let cwd = AuditRecordType(code: 1307)
    public static let execve = AuditRecordType(code: 1309)
    public static let eoe = AuditRecordType(code: 1320)
    public static let proctitle = AuditRecordType(code: 1327)

    /// The name auditd writes: `SYSCALL`, or `UNKNOWN[1999]` for a code not in the table.
    public var description: String {
        if Int(code) < Self.namesByCode.count, let name = Self.namesByCode[Int(code)] { return name }
        return "UNKNOWN[\(code)]"
    }

    /// ``names`` as an array indexed by code: no hashing per record.
    static let namesByCode: [String?] = {
        var a = [String?](repeating: nil, count: 2600)
        for (code, name) in names where Int(code) < a.count { a[Int(code)] = name }
        return a
    }()

    /// True for types user space sends (1100–1299: user messages and auditd's own `DAEMON_*`;
    /// 2100–2999: anomalies, roles, crypto, virt): these are always a whole event in one record.
    public var isSingleRecord: Bool {
        (1100...1299).contains(code) || (2100...2999).contains(code)
    }

    /// Looks up a `type=` name (`SYSCALL`, `UNKNOWN[1329]`); nil when unknown.
    static func lookUp(_ name: UnsafeRawBufferPointer) -> AuditRecordType? {
        if name.count > 9, name.starts(with: "UNKNOWN[".utf8), name.last == UInt8(ascii: "]") {
            var v: UInt32 = 0
            for c in name[8..<(name.count - 1)] {
                guard c >= 0x30, c <= 0x39, v < 100_000 else { return nil }
                v = v * 10 + UInt32(c - 0x30)
            }
            return v <= UInt16.max ? AuditRecordType(code: UInt16(v)) : nil
        }
        if let common = common(name) { return common }
        return codesByName[NameKey(name)].map { AuditRecordType(code: $0) }
    }

    /// The types of nearly every syscall event, without hashing.
    @inline(__always)
    private static func common(_ n: UnsafeRawBufferPointer) -> AuditRecordType? {
        func eq(_ s: StaticString) -> Bool {
            s.utf8CodeUnitCount == n.count && memcmp(n.baseAddress!, s.utf8Start, n.count) == 0
        }
        guard n.count >= 3 else { return nil }
        switch n[0] {
        case UInt8(ascii: "S"): if eq("SYSCALL") { return .syscall } else if eq("SOCKADDR") { return .sockaddr }
        case UInt8(ascii: "P"): if eq("PATH") { return .path } else if eq("PROCTITLE") { return .proctitle }
        case UInt8(ascii: "C"): if eq("CWD") { return .cwd }
        case UInt8(ascii: "E"): if eq("EXECVE") { return .execve } else if eq("EOE") { return .eoe }
        default: break
        }
        return nil
    }

    /// Up to 24 bytes of a name packed into three words: hashing without allocating.
    struct NameKey: Hashable {
        var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0

        init(_ s: UnsafeRawBufferPointer) {
            for (i, byte) in s.prefix(24).enumerated() {
                let shift = UInt64((i % 8) * 8)
                switch i / 8 {
                case 0: a |= UInt64(byte) << shift
                case 1: b |= UInt64(byte) << shift
                default: c |= UInt64(byte) << shift
                }
            }
            if s.count > 24 { c ^= 0xFFFF_0000_0000_0000 | UInt64(s.count) }
        }
    }

    static let codesByName: [NameKey: UInt16] = {
        var d: [NameKey: UInt16] = [:]
        for (code, name) in names {
            var n = name
            n.withUTF8 { d[NameKey(UnsafeRawBufferPointer($0))] = code }
        }
        return d
    }()

    static let names: [UInt16: String] = {
        var d: [UInt16: String] = [1006: "LOGIN"]
        let ranges: [(UInt16, String)] = [
            (1100, "USER_AUTH USER_ACCT USER_MGMT CRED_ACQ CRED_DISP USER_START USER_END USER_AVC USER_CHAUTHTOK USER_ERR CRED_REFR USYS_CONFIG USER_LOGIN USER_LOGOUT ADD_USER DEL_USER ADD_GROUP DEL_GROUP DAC_CHECK CHGRP_ID TEST TRUSTED_APP USER_SELINUX_ERR USER_CMD USER_TTY CHUSER_ID GRP_AUTH SYSTEM_BOOT SYSTEM_SHUTDOWN SYSTEM_RUNLEVEL SERVICE_START SERVICE_STOP GRP_MGMT GRP_CHAUTHTOK MAC_CHECK ACCT_LOCK ACCT_UNLOCK USER_DEVICE SOFTWARE_UPDATE"),
            (1200, "DAEMON_START DAEMON_END DAEMON_ABORT DAEMON_CONFIG DAEMON_RECONFIG DAEMON_ROTATE DAEMON_RESUME DAEMON_ACCEPT DAEMON_CLOSE DAEMON_ERR"),
            (1300, "SYSCALL FS_WATCH PATH IPC SOCKETCALL CONFIG_CHANGE SOCKADDR CWD - EXECVE - IPC_SET_PERM MQ_OPEN MQ_SENDRECV MQ_NOTIFY MQ_GETSETATTR KERNEL_OTHER FD_PAIR OBJ_PID TTY EOE BPRM_FCAPS CAPSET MMAP NETFILTER_PKT NETFILTER_CFG SECCOMP PROCTITLE FEATURE_CHANGE REPLACE KERN_MODULE FANOTIFY TIME_INJOFFSET TIME_ADJNTPVAL BPF EVENT_LISTENER URINGOP OPENAT2 DM_CTRL DM_EVENT"),
            (1400, "AVC SELINUX_ERR AVC_PATH MAC_POLICY_LOAD MAC_STATUS MAC_CONFIG_CHANGE MAC_UNLBL_ALLOW MAC_CIPSOV4_ADD MAC_CIPSOV4_DEL MAC_MAP_ADD MAC_MAP_DEL MAC_IPSEC_ADDSA MAC_IPSEC_DELSA MAC_IPSEC_ADDSPD MAC_IPSEC_DELSPD MAC_IPSEC_EVENT MAC_UNLBL_STCADD MAC_UNLBL_STCDEL MAC_CALIPSO_ADD MAC_CALIPSO_DEL MAC_TASK_CONTEXTS MAC_OBJ_CONTEXTS"),
            (1700, "ANOM_PROMISCUOUS ANOM_ABEND ANOM_LINK ANOM_CREAT"),
            (1800, "INTEGRITY_DATA INTEGRITY_METADATA INTEGRITY_STATUS INTEGRITY_HASH INTEGRITY_PCR INTEGRITY_RULE INTEGRITY_EVM_XATTR INTEGRITY_POLICY_RULE"),
            (2100, "ANOM_LOGIN_FAILURES ANOM_LOGIN_TIME ANOM_LOGIN_SESSIONS ANOM_LOGIN_ACCT ANOM_LOGIN_LOCATION ANOM_MAX_DAC ANOM_MAX_MAC ANOM_AMTU_FAIL ANOM_RBAC_FAIL ANOM_RBAC_INTEGRITY_FAIL ANOM_CRYPTO_FAIL ANOM_ACCESS_FS ANOM_EXEC ANOM_MK_EXEC ANOM_ADD_ACCT ANOM_DEL_ACCT ANOM_MOD_ACCT ANOM_ROOT_TRANS ANOM_LOGIN_SERVICE ANOM_LOGIN_ROOT ANOM_ORIGIN_FAILURES ANOM_SESSION"),
            (2200, "RESP_ANOMALY RESP_ALERT RESP_KILL_PROC RESP_TERM_ACCESS RESP_ACCT_REMOTE RESP_ACCT_LOCK_TIMED RESP_ACCT_UNLOCK_TIMED RESP_ACCT_LOCK RESP_TERM_LOCK RESP_SEBOOL RESP_EXEC RESP_SINGLE RESP_HALT RESP_ORIGIN_BLOCK RESP_ORIGIN_BLOCK_TIMED RESP_ORIGIN_UNBLOCK_TIMED"),
            (2300, "USER_ROLE_CHANGE ROLE_ASSIGN ROLE_REMOVE LABEL_OVERRIDE LABEL_LEVEL_CHANGE USER_LABELED_EXPORT USER_UNLABELED_EXPORT DEV_ALLOC DEV_DEALLOC FS_RELABEL USER_MAC_POLICY_LOAD ROLE_MODIFY USER_MAC_CONFIG_CHANGE USER_MAC_STATUS"),
            (2400, "CRYPTO_TEST_USER CRYPTO_PARAM_CHANGE_USER CRYPTO_LOGIN CRYPTO_LOGOUT CRYPTO_KEY_USER CRYPTO_FAILURE_USER CRYPTO_REPLAY_USER CRYPTO_SESSION CRYPTO_IKE_SA CRYPTO_IPSEC_SA"),
            (2500, "VIRT_CONTROL VIRT_RESOURCE VIRT_MACHINE_ID VIRT_INTEGRITY_CHECK VIRT_CREATE VIRT_DESTROY VIRT_MIGRATE_IN VIRT_MIGRATE_OUT"),
        ]
        for (first, list) in ranges {
            for (i, name) in list.split(separator: " ").enumerated() where name != "-" {
                d[first + UInt16(i)] = String(name)
            }
        }
        return d
    }()
}
