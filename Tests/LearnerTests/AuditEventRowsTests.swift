import FleetModel
import Storage
import Testing

@Suite struct AuditEventRowsTests {
    @Test func connectLoginAndDetail() {
        var connect = AuditEvent(timestampMilliseconds: 1_795_000_000_123, serial: 42, kind: .connect, recordTypes: ["SYSCALL", "SOCKADDR"])
        connect.syscall = AuditSyscall(arch: "x86_64", number: 42, name: "connect", exit: -115, arguments: [3, 0, 0, 0])
        connect.process = AuditProcess(pid: 10, ppid: 1, comm: "curl", exe: "/usr/bin/curl", parentExe: "/usr/bin/bash", argv: ["curl", "x"])
        connect.socket = AuditSocketAddress(family: "inet", address: "52.216.1.2", port: 443)
        connect.keys = ["net", "egress"]
        connect.success = false
        let row = AuditEventRows.row(connect)
        #expect(row.eventTime.microsecondsSinceEpoch == 1_795_000_000_123_000)
        #expect(row.kind == "connect" && row.syscall == "connect" && row.exitCode == -115 && row.success == false)
        #expect(row.exe == "/usr/bin/curl" && row.parentExe == "/usr/bin/bash" && row.argv == ["curl", "x"])
        #expect(row.address == "52.216.1.2" && row.port == 443 && row.ruleKey == "net")
        #expect(row.detail == #"{"records":["SYSCALL","SOCKADDR"],"arch":"x86_64","syscall_nr":42,"socket_family":"inet","keys":["net","egress"]}"#)

        var login = AuditEvent(timestampMilliseconds: 0, serial: 1, kind: .login, recordTypes: ["USER_LOGIN"])
        login.userMessage = AuditUserMessage(op: "login", acct: "alice", exe: "/usr/sbin/sshd", addr: "10.0.100.10", result: "success")
        let loginRow = AuditEventRows.row(login)
        #expect(loginRow.address == "10.0.100.10" && loginRow.account == "alice" && loginRow.result == "success")
        #expect(loginRow.exe == "/usr/sbin/sshd")

        // An address inet would reject stays out of the column (it would abort a whole batch).
        login.userMessage?.addr = "?"
        let odd = AuditEventRows.row(login)
        #expect(odd.address == nil && odd.detail?.contains(#""addr":"?""#) == true)
    }
}
