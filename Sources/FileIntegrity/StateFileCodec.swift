/// Reads and writes ``FileIntegrityState`` as a compact, versioned, line-oriented text file.
///
/// ```
/// herdwatch-fim-state 1
/// R	/etc
/// E	/etc/hosts	file	644	0	0	221	1732200000123456789	1837	9f86…08	
/// E	/etc/localtime	symlink	777	0	0	33	1732200000000000000	1901		/usr/share/zoneinfo/Etc/UTC
/// ```
/// `R` lines are inventoried roots. `E` lines are entries, tab-separated: path, type, mode
/// (octal), uid, gid, size (bytes), mtime (ns since the epoch), inode, SHA-256 (hex, empty when
/// not hashed), symlink target (empty for other types). In paths and targets, `\` is written
/// `\\`, tab `\t`, newline `\n` and carriage return `\r`. Entries are sorted by path.
///
/// One line per file (about 150 bytes), encoded in chunks, so 100,000 files take ~15 MB and
/// are never held twice as one document.
public enum StateFileCodec {
    public static let header = "herdwatch-fim-state 1"
    /// Bytes collected before `write` is called.
    static let chunkSize = 64 * 1024

    /// Encodes `state`, handing the bytes to `write` in chunks of about 64 KiB.
    public static func encode(_ state: FileIntegrityState, write: ([UInt8]) throws -> Void) rethrows {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunkSize + 4096)
        buffer += Array((header + "\n").utf8)
        for root in state.inventoriedRoots.sorted() {
            buffer += Array("R\t\(escape(root))\n".utf8)
        }
        for (path, entry) in state.snapshot.entries.sorted(by: { $0.key < $1.key }) {
            let fields = [
                escape(path), entry.type.rawValue, String(entry.mode, radix: 8), String(entry.uid), String(entry.gid),
                String(entry.size), String(entry.mtimeNanoseconds), String(entry.inode), entry.sha256 ?? "",
                entry.target.map(escape) ?? "",
            ]
            buffer += Array(("E\t" + fields.joined(separator: "\t") + "\n").utf8)
            if buffer.count >= chunkSize {
                try write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty { try write(buffer) }
    }

    /// Decodes a whole state file.
    /// - Throws: ``StateFileError`` for another version or a damaged line.
    public static func decode(_ bytes: [UInt8]) throws -> FileIntegrityState {
        var state = FileIntegrityState()
        var entries: [String: FileState] = [:]
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if lineNumber == 1 {
                guard String(decoding: line, as: UTF8.self) == header else {
                    throw StateFileError(.unsupportedVersion, line: 1, reason: "expected header \(header)")
                }
                continue
            }
            if line.isEmpty { continue }
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) }
            switch fields.first {
            case "R" where fields.count == 2:
                state.inventoriedRoots.insert(unescape(fields[1]))
            case "E" where fields.count == 11:
                let (path, entry) = try decodeEntry(fields, line: lineNumber)
                entries[path] = entry
            default:
                throw StateFileError(.malformedLine, line: lineNumber, reason: "unknown tag or \(fields.count) fields")
            }
        }
        if lineNumber == 0 { throw StateFileError(.unsupportedVersion, line: 1, reason: "empty file") }
        state.snapshot = FileSnapshot(entries: entries)
        return state
    }

    private static func decodeEntry(_ fields: [String], line: Int) throws -> (String, FileState) {
        guard let type = FileType(rawValue: fields[2]),
              let mode = UInt32(fields[3], radix: 8), let uid = UInt32(fields[4]), let gid = UInt32(fields[5]),
              let size = UInt64(fields[6]), let mtime = Int64(fields[7]), let inode = UInt64(fields[8])
        else { throw StateFileError(.malformedLine, line: line, reason: "a numeric field or the type does not parse") }
        let entry = FileState(
            type: type, mode: mode, uid: uid, gid: gid, size: size, mtimeNanoseconds: mtime, inode: inode,
            target: fields[10].isEmpty ? nil : unescape(fields[10]), sha256: fields[9].isEmpty ? nil : fields[9])
        return (unescape(fields[1]), entry)
    }

    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var out = ""
        var escaping = false
        for scalar in text.unicodeScalars {
            if escaping {
                switch scalar {
                case "t": out += "\t"
                case "n": out += "\n"
                case "r": out += "\r"
                default: out.unicodeScalars.append(scalar)
                }
                escaping = false
            } else if scalar == "\\" {
                escaping = true
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
