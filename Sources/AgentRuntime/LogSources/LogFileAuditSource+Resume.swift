extension LogFileAuditSource {
    /// A file rotated away from the followed path that still has lines to deliver.
    struct RotatedFile: Sendable, Hashable {
        var path: String
        var status: FileStatus
        var offset: Int64
    }

    /// A file that may be the checkpointed one: its stat(2), and the fingerprint of as many
    /// first bytes as the checkpoint's covers (`nil` when it is shorter).
    struct Candidate: Sendable, Hashable {
        var path: String
        var status: FileStatus
        var fingerprint: UInt64?

        /// Whether this is the file `checkpoint` was taken in: same device and inode, and the
        /// same first bytes (inode numbers are reused after a delete).
        func holds(_ checkpoint: LogPosition) -> Bool {
            status.isFile(of: checkpoint) && fingerprint == checkpoint.fingerprint
        }
    }

    /// Where to start after a restart, decided from the checkpoint and what the directory
    /// holds now. Pure: ``plan(checkpoint:live:rotated:)`` reads no file.
    struct ResumePlan: Sendable, Hashable {
        /// Rotated files to read to their end first, oldest first.
        var rotated: [RotatedFile] = []
        /// Offset to start the file at the followed path at.
        var liveOffset: Int64 = 0
        /// True when the checkpointed file was not found (or had shrunk): lines may be missing.
        var possibleGap = false
    }

    /// Decides where to resume.
    /// - Parameters:
    ///   - checkpoint: the position the caller saved, `nil` on a first start (read from the start).
    ///   - live: the file at the followed path, `nil` when it does not exist yet.
    ///   - rotated: rotated siblings of the path, oldest first (see ``rotatedSiblings(of:)``).
    /// - Returns: if the checkpoint names the live file, its offset there; if it names a
    ///   rotated file, that file from the offset, the newer rotated files whole, then the live
    ///   file from 0; otherwise the live file from 0, flagged as a possible gap.
    static func plan(checkpoint: LogPosition?, live: Candidate?, rotated: [Candidate]) -> ResumePlan {
        guard let checkpoint else { return ResumePlan() }
        if let live, live.holds(checkpoint) {
            return live.status.size >= checkpoint.offset
                ? ResumePlan(liveOffset: checkpoint.offset)
                : ResumePlan(liveOffset: 0, possibleGap: true)
        }
        if let index = rotated.firstIndex(where: { $0.holds(checkpoint) }) {
            let found = rotated[index]
            let shrank = found.status.size < checkpoint.offset
            var plan = ResumePlan(possibleGap: shrank)
            plan.rotated.append(RotatedFile(path: found.path, status: found.status, offset: shrank ? 0 : checkpoint.offset))
            for newer in rotated[(index + 1)...] where !(live.map { $0.status.device == newer.status.device && $0.status.inode == newer.status.inode } ?? false) {
                plan.rotated.append(RotatedFile(path: newer.path, status: newer.status, offset: 0))
            }
            return plan
        }
        return ResumePlan(possibleGap: true)
    }

    /// The rotated siblings of `path`, oldest first: `audit.log.N` for decimal N, highest N
    /// first, as auditd names them (auditd.conf(5) `num_logs`: "audit.log.1" is the newest)
    /// and logrotate(8) does by default. Compressed (`.gz`) or date-named files are not
    /// resumed from.
    /// - Parameter checkpoint: the fingerprints are taken over as many bytes as its own.
    static func rotatedSiblings(of path: String, checkpoint: LogPosition) -> [Candidate] {
        let (directory, base) = split(path)
        guard case .success(let names) = Syscall.directoryEntries(directory) else { return [] }
        let numbered: [(number: Int, path: String)] = names.compactMap { name in
            guard name.hasPrefix(base + "."), let number = Int(name.dropFirst(base.count + 1)), number >= 0 else { return nil }
            return (number, directory + "/" + name)
        }
        return numbered.sorted { $0.number > $1.number }.compactMap { candidate(path: $0.path, checkpoint: checkpoint) }
    }

    /// The file at `path` as a ``Candidate`` for `checkpoint`, or `nil` when it does not exist.
    static func candidate(path: String, checkpoint: LogPosition) -> Candidate? {
        guard case .success(let status) = Syscall.fileStatus(path: path) else { return nil }
        let fingerprint = status.isFile(of: checkpoint) ? FileFingerprint.read(path: path, length: FileFingerprint.length(at: checkpoint.offset)) : nil
        return Candidate(path: path, status: status, fingerprint: fingerprint)
    }

    /// (directory, file name) of `path`; the directory is "." for a bare name.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }
}
