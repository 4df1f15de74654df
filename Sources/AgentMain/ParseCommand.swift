#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import AuditCore
import FleetModel

extension AgentCommand {
    /// `herdwatch-agent parse [FILE|-]`: an auditd log in, one JSON object per event out.
    struct Parse: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "parse",
            abstract: "Turn an auditd log into one JSON object per event, in Herdwatch's event schema.",
            discussion: """
                Reads audit records (auditd's RAW or ENRICHED log format, optionally with node= \
                prefixes), groups the records of each serial into one event, and prints each event \
                as one JSON line on standard output (schema version \(AuditEvent.schemaVersion)). \
                A record that cannot be parsed is printed as {"malformed":true,"reason":…,"raw":…} \
                and the stream goes on. Strings keep every byte: invalid UTF-8 and NUL are written \
                %XX, and % itself %25.

                Examples:
                  herdwatch-agent parse /var/log/audit/audit.log
                  ausearch --raw -ts today | herdwatch-agent parse --stats -
                """
        )

        @Argument(help: ArgumentHelp("The audit log to read; '-' or nothing reads standard input.", valueName: "file"))
        var file: String = "-"

        @Flag(help: "Print one JSON line of counts (records, events, malformed, lost) on standard error at the end.")
        var stats = false

        func run() throws {
            let fd: Int32
            if file == "-" {
                fd = 0
            } else {
                fd = open(file, O_RDONLY | O_CLOEXEC)
                if fd < 0 {
                    let reason = String(cString: strerror(errno))
                    throw InputError(message: "cannot open '\(file)': \(reason)")
                }
            }
            defer { if fd > 0 { close(fd) } }

            var decoder = AuditLogDecoder()
            var output = JSONLines()
            let chunkSize = 1 << 17
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
            defer { chunk.deallocate() }
            var readError: Int32 = 0
            while true {
                let n = read(fd, chunk.baseAddress, chunkSize)
                if n < 0 {
                    if errno == EINTR { continue }
                    readError = errno
                    break
                }
                if n == 0 { break }
                decoder.bytesReceived(UnsafeRawBufferPointer(rebasing: chunk[0..<n]), into: &output)
                if output.json.count >= 1 << 17 { try flush(&output.json) }
            }
            decoder.streamEnded(into: &output)
            try flush(&output.json)
            if stats {
                let s = decoder.statistics
                var line = "{\"records\":\(s.records),\"events\":\(s.events),\"malformed\":\(s.malformed),\"lost\":\(s.lost)}\n"
                line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
            }
            if readError != 0 {
                throw InputError(message: "cannot read '\(file)': \(String(cString: strerror(readError)))")
            }
        }

        /// Writes everything `json` holds to standard output and empties it.
        private func flush(_ json: inout AuditEventJSON) throws {
            try json.withBytes { buf in
                var done = 0
                while done < buf.count {
                    let n = write(1, buf.baseAddress! + done, buf.count - done)
                    if n < 0 {
                        if errno == EINTR { continue }
                        if errno == EPIPE { throw ExitCode(0) }
                        throw ExitCode(74)  // EX_IOERR
                    }
                    done += n
                }
            }
            json.removeAll()
        }
    }

    /// Writes each event the decoder lends, and each malformed record, as a JSON line.
    struct JSONLines: AuditLogDecoderOutput {
        var json = AuditEventJSON(capacity: 1 << 18)

        mutating func eventDecoded(_ event: AuditEvent) { json.write(event) }

        mutating func malformedRecord(reason: AuditRecordParser.MalformedReason, bytes: [UInt8]) {
            bytes.withUnsafeBytes { json.writeMalformed(reason: reason.rawValue, raw: $0) }
        }
    }

    /// The input could not be opened or read (printed as `Error: …`, exit status 1, no usage text).
    struct InputError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
