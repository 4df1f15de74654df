import Foundation
import LibPQ
import PostgresFixture
import ServerRuntime
import Testing

/// First inventories of many files from several hosts: the judge's work is set-based, so a
/// pass stays in seconds. Off by default (it takes a while on a shared machine); run with
/// HERDWATCH_FIM_JUDGE_SCALE=100000 (files per host).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["HERDWATCH_FIM_JUDGE_SCALE"] != nil))
struct JudgeScaleTests {
    @Test func firstInventoriesOfThreeHostsAreJudgedSetBased() async throws {
        let files = Int(ProcessInfo.processInfo.environment["HERDWATCH_FIM_JUDGE_SCALE"] ?? "") ?? 100_000
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                _ = try session.query("INSERT INTO herdwatch.roles (name) VALUES ('web')")
                _ = try session.query("INSERT INTO herdwatch.role_patterns (role, pattern, regex) VALUES ('web', 'web-*', '^web-.*$')")
                _ = try session.query("INSERT INTO herdwatch.hosts (name, role_candidates) SELECT 'web-' || n, '{web}' FROM generate_series(1, 3) n")
                // Host 3's file 7 differs: one drift finding among 3 × files inventory lines.
                _ = try session.query(
                    """
                    INSERT INTO herdwatch.events (host_id, event_time, serial, kind, path, detail)
                    SELECT h.id, now() - interval '1 minute', 1099511627776 + n, 'fim', '/srv/f' || n,
                           jsonb_build_object('fim', jsonb_build_object('change', 'inventory', 'old_path', NULL, 'old', NULL,
                               'new', jsonb_build_object('sha256', md5(CASE WHEN h.name = 'web-3' AND n = 7 THEN 'x' ELSE '' END || n) || md5('' || n),
                                   'type', 'file', 'mode', '0644', 'uid', 0, 'gid', 0, 'size', 10, 'mtime_ns', 1, 'inode', n, 'target', NULL)))
                    FROM herdwatch.hosts h CROSS JOIN generate_series(1, $1) n
                    """, [.int(files)])
                _ = try session.query("UPDATE herdwatch.events SET stored_at = now() - interval '1 minute'")
                let clock = ContinuousClock()
                let start = clock.now
                let progress = try FileIntegrityJudge(settle: .zero).run(session)
                let elapsed = clock.now - start
                print("judge: \(3 * files) inventory lines in \(elapsed)")
                #expect(progress.inventoryWritten == 3 * files)
                #expect(progress.driftSightings == 1 && progress.changes == 0)
            }
        }
    }
}
