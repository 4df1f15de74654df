#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FleetModel
import LibPQ

/// Maps a normalized ``AuditEvent`` to the row the ingest path stores (``IngestRow``): the typed
/// columns learning and detection read, and everything else as compact JSON in `detail`.
///
/// The agent ships exactly this mapping; the service uses it to load recorded or simulated logs.
/// Pure apart from address validation: an `address` that PostgreSQL's `inet` would reject would
/// abort a whole COPY batch, so only addresses `inet_pton` accepts go into the column.
///
/// ```swift
/// let rows = events.map(AuditEventRows.row)
/// _ = try EventIngest.ingest(rows, hostname: "web-01", machineID: nil, session: session)
/// ```
public enum AuditEventRows {
    public static func row(_ event: AuditEvent) -> IngestRow {
        var row = IngestRow(
            eventTime: PostgresTimestamp(microsecondsSinceEpoch: event.timestampMilliseconds * 1000),
            serial: Int64(event.serial), kind: event.kind.rawValue)
        row.syscall = event.syscall.map { $0.name ?? "\($0.number)" }
        row.success = event.success
        row.exitCode = event.syscall?.exit
        row.pid = event.process.pid
        row.ppid = event.process.ppid
        row.uid = event.user.uid.map(Int64.init)
        row.euid = event.user.euid.map(Int64.init)
        row.auid = event.user.auid.map(Int64.init)
        row.sessionID = event.user.ses.map(Int64.init)
        row.exe = event.process.exe ?? event.userMessage?.exe
        row.parentExe = event.process.parentExe
        row.comm = event.process.comm
        row.argv = event.process.argv.isEmpty ? nil : event.process.argv
        row.cwd = event.process.cwd
        if let socket = event.socket, socket.family == "inet" || socket.family == "inet6",
           let address = socket.address, isIPAddress(address) {
            row.address = address
            row.port = socket.port.map(Int32.init)
        } else if event.socket == nil, let addr = event.userMessage?.addr, isIPAddress(addr) {
            row.address = addr
        }
        row.path = event.socket?.path ?? event.paths.first?.name
        row.ruleKey = event.keys.first
        row.account = event.userMessage?.acct
        row.result = event.userMessage?.result
        row.detail = detail(event, addressStored: row.address != nil)
        return row
    }

    /// The fields without a column, as one JSON object (keys sorted as written here).
    static func detail(_ event: AuditEvent, addressStored: Bool) -> String {
        var json = JSONObject()
        json.add("records", strings: event.recordTypes)
        json.add("node", event.node)
        if let s = event.syscall {
            json.add("arch", s.arch)
            json.add("syscall_nr", number: Int64(s.number))
        }
        json.add("proctitle", event.process.proctitle)
        json.add("tty", event.process.tty)
        json.add("gid", number: event.user.gid.map(Int64.init))
        json.add("uid_name", event.user.uidName)
        json.add("euid_name", event.user.euidName)
        json.add("gid_name", event.user.gidName)
        json.add("auid_name", event.user.auidName)
        if event.paths.count > 0 {
            let items = event.paths.map { p -> String in
                var o = JSONObject()
                o.add("name", p.name)
                o.add("nametype", p.nametype)
                o.add("inode", number: p.inode.map { Int64(bitPattern: $0) })
                o.add("mode", number: p.mode.map(Int64.init))
                o.add("ouid", number: p.ouid.map(Int64.init))
                o.add("ogid", number: p.ogid.map(Int64.init))
                return o.text
            }
            json.add("paths", raw: "[" + items.joined(separator: ",") + "]")
        }
        if let socket = event.socket {
            json.add("socket_family", socket.family)
            json.add("netlink_pid", number: socket.netlinkPid.map(Int64.init))
        }
        if event.keys.count > 1 { json.add("keys", strings: event.keys) }
        if let m = event.userMessage {
            json.add("op", m.op)
            json.add("hostname", m.hostname)
            json.add("terminal", m.terminal)
            if !addressStored { json.add("addr", m.addr) }
        }
        return json.text
    }

    /// Whether `text` is an IPv4 or IPv6 address that `inet` accepts.
    static func isIPAddress(_ text: String) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return text.withCString { c in
            inet_pton(AF_INET, c, &buffer) == 1 || inet_pton(AF_INET6, c, &buffer) == 1
        }
    }
}

/// A JSON object built field by field. Strings escape quotes, backslashes and control
/// characters; NUL becomes `%00`, the lossless text form (`AuditText`), since jsonb rejects `\u0000`.
struct JSONObject {
    private var fields: [String] = []

    var text: String { "{" + fields.joined(separator: ",") + "}" }

    mutating func add(_ key: String, _ value: String?) {
        guard let value else { return }
        fields.append(Self.quote(key) + ":" + Self.quote(value))
    }

    mutating func add(_ key: String, number: Int64?) {
        guard let number else { return }
        fields.append(Self.quote(key) + ":" + String(number))
    }

    mutating func add(_ key: String, strings: [String]) {
        guard !strings.isEmpty else { return }
        fields.append(Self.quote(key) + ":[" + strings.map(Self.quote).joined(separator: ",") + "]")
    }

    mutating func add(_ key: String, raw: String) {
        fields.append(Self.quote(key) + ":" + raw)
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\0": out += "%00"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
