import Glibc

/// Splits a byte stream into record lines at line feeds: the one line-splitting core that the
/// log file, standard input and recorded file sources share. Pure: it is fed chunks and
/// returns batches; it reads no file.
///
/// Why it looks like this:
/// - auditd writes one record per line (auditd.conf(5) `log_format = RAW` or `ENRICHED`), and
///   audisp plugins get the same lines with `format = string` (auditd-plugins(5)). A line feed
///   ends a record; a carriage return just before it is dropped (CRLF files from other tools).
/// - Memory stays bounded whatever the input: a partial line is kept up to
///   `maximumLineLength + 1` bytes (the extra byte may be the CR of a CRLF); a longer line is
///   delivered cut to `maximumLineLength` bytes and flagged ``LogLine/Flags/cut``, and its rest
///   up to the next line feed is skipped.
/// - Bytes are not validated: NUL bytes and invalid UTF-8 go through, since the parser decides
///   what a malformed record is and counts it.
///
/// Contract: the lines returned do not depend on how the input was cut into chunks
/// (tested at every split offset).
struct LineSplitter: Sendable {
    /// The longest line delivered whole; auditd's own limit is MAX_AUDIT_MESSAGE_LENGTH (8970).
    let maximumLineLength: Int
    /// The bytes of the line in progress (no line feed seen yet).
    private(set) var pending: [UInt8] = []
    /// True after a line was delivered cut, until its line feed arrives.
    private(set) var isSkippingCutLine = false

    init(maximumLineLength: Int = 64 * 1024) {
        precondition(maximumLineLength > 0, "maximumLineLength must be positive")
        self.maximumLineLength = maximumLineLength
    }

    /// Bytes consumed but not yet part of a delivered line. A checkpoint must point before
    /// them, so that a restart reads the partial line again.
    var pendingByteCount: Int { pending.count }

    /// Splits `chunk`, continuing the line in progress.
    /// - Returns: the lines completed by `chunk` (position unset); the tail without a line
    ///   feed is kept for the next call.
    mutating func split(_ chunk: UnsafeRawBufferPointer) -> LogLineBatch {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pending.count + chunk.count)
        bytes.append(contentsOf: pending)
        bytes.append(contentsOf: chunk)
        pending.removeAll(keepingCapacity: true)
        var lines: [LogLine] = []
        var start = 0
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            while start < raw.count, let found = memchr(base + start, 0x0A, raw.count - start) {
                let newline = base.distance(to: UnsafeRawPointer(found))
                if isSkippingCutLine {
                    isSkippingCutLine = false
                } else {
                    var end = newline
                    if end > start, raw[end - 1] == 0x0D { end -= 1 }
                    lines.append(line(start: start, end: end, flags: []))
                }
                start = newline + 1
            }
        }
        let tailCount = bytes.count - start
        if isSkippingCutLine || tailCount == 0 {
            // Nothing of the tail belongs to a line still to come.
        } else if tailCount > maximumLineLength + 1 {
            lines.append(LogLine(start: start, end: start + maximumLineLength, flags: .cut))
            isSkippingCutLine = true
        } else {
            pending.append(contentsOf: bytes[start...])
        }
        bytes.removeSubrange(min(bytes.count, lines.last?.end ?? 0)...)
        return LogLineBatch(bytes: bytes, lines: lines)
    }

    /// ``split(_:)-(UnsafeRawBufferPointer)`` for an array of bytes.
    mutating func split(_ chunk: [UInt8]) -> LogLineBatch {
        chunk.withUnsafeBytes { split($0) }
    }

    /// Ends the line in progress without a line feed: the file ended, rotated or was
    /// truncated, or the partial-line timeout expired.
    /// - Returns: the partial line flagged ``LogLine/Flags/unterminated`` (and ``LogLine/Flags/cut``
    ///   when too long), or an empty batch when no line was in progress.
    mutating func flush() -> LogLineBatch {
        defer {
            pending.removeAll(keepingCapacity: true)
            isSkippingCutLine = false
        }
        guard !pending.isEmpty, !isSkippingCutLine else { return LogLineBatch() }
        let bytes = pending
        return LogLineBatch(bytes: bytes, lines: [line(start: 0, end: bytes.count, flags: .unterminated)])
    }

    private func line(start: Int, end: Int, flags: LogLine.Flags) -> LogLine {
        end - start > maximumLineLength
            ? LogLine(start: start, end: start + maximumLineLength, flags: flags.union(.cut))
            : LogLine(start: start, end: end, flags: flags)
    }
}
