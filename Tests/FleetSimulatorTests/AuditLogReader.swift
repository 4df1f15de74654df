import Foundation

/// A deliberately independent, simple reader of the simulator's output, so the tests check the
/// logs as a consumer would see them rather than trusting the generator's own model.
struct LogRecord {
    var type: String
    var timeMilliseconds: Int64
    var serial: Int
    /// `msg=audit(…)` text: unique per event within a host log.
    var eventID: Substring
    /// Text after `): `, up to the 0x1D byte.
    var body: Substring
    /// Text after the 0x1D byte, or nil in raw records.
    var enrichment: Substring?

    init?(line: Substring) {
        guard line.hasPrefix("type="), let space = line.firstIndex(of: " ") else { return nil }
        type = String(line[line.index(line.startIndex, offsetBy: 5)..<space])
        let rest = line[line.index(after: space)...]
        guard rest.hasPrefix("msg=audit("), let close = rest.firstIndex(of: ")") else { return nil }
        let stamp = rest[rest.index(rest.startIndex, offsetBy: 10)..<close]
        let parts = stamp.split(separator: ":")
        guard parts.count == 2, let serial = Int(parts[1]) else { return nil }
        let clock = parts[0].split(separator: ".")
        guard clock.count == 2, clock[1].count == 3, let seconds = Int64(clock[0]), let millis = Int64(clock[1]) else { return nil }
        timeMilliseconds = seconds * 1000 + millis
        self.serial = serial
        eventID = stamp
        let afterClose = rest[rest.index(after: close)...]
        guard afterClose.hasPrefix(": ") else { return nil }
        let text = afterClose.dropFirst(2)
        if let separator = text.firstIndex(of: "\u{1D}") {
            body = text[..<separator]
            enrichment = text[text.index(after: separator)...]
        } else {
            body = text
            enrichment = nil
        }
    }

    /// The value of `name=` in the body (quotes removed), outermost first.
    func field(_ name: String) -> String? {
        let key = " \(name)="
        let padded = " " + body
        guard let range = padded.range(of: key) else { return nil }
        var value = padded[range.upperBound...]
        if let end = value.firstIndex(of: " ") { value = value[..<end] }
        if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
        if value.hasSuffix("'") { value = value.dropLast() }
        return String(value)
    }

    /// Field names in order, e.g. `["arch", "syscall", …]` (names inside a user message's `msg='…'` included).
    static func fieldNames(_ text: Substring) -> [String] {
        text.split(separator: " ").compactMap { token in
            var token = token
            if token.hasPrefix("msg='") { token = token.dropFirst(5) }
            guard let equals = token.firstIndex(of: "=") else { return nil }
            return String(token[..<equals])
        }
    }
}

/// One term a learner would derive, with the time it was seen.
struct ObservedTerm: Hashable {
    var kind: String
    var subject: String
}

/// Groups a host's records into events and derives terms the way DESIGN.md describes them.
struct HostLog {
    var records: [LogRecord] = []
    var terms: [(time: Int64, term: ObservedTerm)] = []

    init(text: String) {
        for line in text.split(separator: "\n") {
            guard let record = LogRecord(line: line) else {
                records.append(LogRecord(line: "type=INVALID msg=audit(0.000:0): ")!)
                continue
            }
            records.append(record)
        }
        var events: [Substring: [LogRecord]] = [:]
        var order: [Substring] = []
        for record in records {
            if events[record.eventID] == nil { order.append(record.eventID) }
            events[record.eventID, default: []].append(record)
        }
        var exeOfPid: [String: String] = [:]
        for id in order {
            let group = events[id]!
            let time = group[0].timeMilliseconds
            if let syscall = group.first(where: { $0.type == "SYSCALL" }),
                let number = syscall.field("syscall"), let pid = syscall.field("pid"), let exe = syscall.field("exe")
            {
                switch number {
                case "59":
                    terms.append((time, ObservedTerm(kind: "exec", subject: exe)))
                    if let ppid = syscall.field("ppid"), let parent = exeOfPid[ppid] {
                        terms.append((time, ObservedTerm(kind: "lineage", subject: "\(parent) -> \(exe)")))
                    }
                case "42", "49":
                    if let saddr = group.first(where: { $0.type == "SOCKADDR" })?.field("saddr"),
                        let (address, port) = Self.decodeInet(saddr)
                    {
                        if number == "42" {
                            terms.append((time, ObservedTerm(kind: "connect", subject: "\(address):\(port)/tcp")))
                        } else {
                            terms.append((time, ObservedTerm(kind: "listen", subject: "\(port)/tcp \(exe)")))
                        }
                    }
                default: break
                }
                exeOfPid[pid] = exe
            }
            for record in group {
                switch record.type {
                case "CONFIG_CHANGE":
                    if let op = record.field("op"), op != "set" {
                        terms.append((time, ObservedTerm(kind: "audit_tamper", subject: op)))
                    }
                    if record.body.contains("audit_enabled=0") {
                        terms.append((time, ObservedTerm(kind: "audit_tamper", subject: "audit_enabled=0")))
                    }
                case "USER_AUTH", "USER_START":
                    guard let acct = record.field("acct"), let addr = record.field("addr"), addr != "?" else { break }
                    let network = addr.split(separator: ".").prefix(3).joined(separator: ".") + ".0/24"
                    if record.field("res") == "success" {
                        terms.append((time, ObservedTerm(kind: "login", subject: "\(acct)@\(network)")))
                    } else if record.type == "USER_AUTH" {
                        terms.append((time, ObservedTerm(kind: "auth_failures", subject: addr)))
                    }
                default: break
                }
            }
        }
    }

    /// `a.b.c.d`, port for an AF_INET `saddr` hex string.
    static func decodeInet(_ hex: String) -> (String, Int)? {
        let bytes = Array(hex.utf8)
        guard bytes.count == 32, hex.hasPrefix("0200") else { return nil }
        func byte(_ i: Int) -> Int { Int(String(decoding: bytes[(2 * i)..<(2 * i + 2)], as: UTF8.self), radix: 16)! }
        return ("\(byte(4)).\(byte(5)).\(byte(6)).\(byte(7))", byte(2) << 8 | byte(3))
    }
}
