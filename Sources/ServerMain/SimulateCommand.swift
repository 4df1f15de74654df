import ArgumentParser
import FleetModel
import FleetSimulator
import Foundation

extension HerdwatchCommand {
    /// `herdwatch simulate`: writes a simulated fleet's audit logs, its role assignments and, with
    /// `--attacks`, the ground truth of the injected intrusions. Generation lives in
    /// FleetSimulator; this command only parses options and writes files.
    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write realistic audit logs for a simulated fleet, optionally with attacks and ground truth.",
            discussion: """
                Writes DIR/<host>.log per host (web-01, web-02, … in auditd's log format), DIR/roles.txt \
                (one "role pattern" line per role, for `herdwatch roles assign`) and, with --attacks, \
                DIR/ground-truth.json. Output is deterministic for a seed. The window is [END − DAYS, END).

                Hosts of a role start the same daemons and listen on the same ports (web: nginx 80/443 \
                and a Python app on 8080; db: postgres 5432; worker: celery; every role: sshd 22, \
                systemd-resolved, chronyd, cron), run hourly and daily cron jobs, connect upstream \
                (db, cache, queue, object storage at addresses that change daily inside 52.216.0.0/16), \
                and now and then see an operator (alice, bob, carol) log in from 10.0.100.10. Other role \
                names get a generic profile (app-server on 9000).

                Attacks (--attacks), on the last day, each on its own host where the fleet allows:
                  exec, lineage, connect, listen: alice runs /tmp/.x/kworkerd, which calls \
                203.0.113.66:1337 and listens on 4444/tcp
                  lineage: the role's main daemon spawns /usr/bin/dash (e.g. /usr/sbin/nginx -> /usr/bin/dash)
                  connect: the main daemon contacts 198.51.100.23:443
                  audit_tamper: sudo auditctl -D (remove_rule), then audit_enabled=0; the host goes silent
                  auth_failures: 30 failed ssh passwords from 45.155.205.233
                  login: deploy@185.220.101.0/24 logs in
                  host_silent: one host's log stops 5 to 7 hours before END
                  pre-existing (when a role has 3+ hosts): /var/tmp/.cache/kthreadd calling \
                198.51.100.77:3333, running since before the training days

                ground-truth.json is an array of {"host", "time" (RFC 3339 UTC), "kind", "subject", \
                "description"}.

                Example: herdwatch simulate --out /tmp/fleet --roles web:8,db:4,worker:6 --days 7 --attacks --seed 7
                """
        )

        @Option(name: .long, help: ArgumentHelp("Directory to write into (created if missing; must be empty unless --force).", valueName: "dir"))
        var out: String

        @Option(name: .long, help: ArgumentHelp("Roles and host counts, e.g. web:8,db:4,worker:6.", valueName: "role:count,…"))
        var roles: String = "web:8,db:4,worker:6"

        @Option(name: .long, help: ArgumentHelp("Length of the window in days (1 to 366).", valueName: "n"))
        var days: Int = 7

        @Option(name: .long, help: ArgumentHelp("End of the window: RFC 3339, 'now', or a duration back from now (90m, 36h, 2d, 1w).", valueName: "time"))
        var end: String = "now"

        @Flag(name: .long, help: "Inject the attack set on the last day and write ground-truth.json.")
        var attacks = false

        @Option(name: .long, help: ArgumentHelp("auditd log_format: raw, enriched, or mixed (each host picks one).", valueName: "format"))
        var format: String = "raw"

        @Option(name: .long, help: ArgumentHelp("Seed; the same seed and end give byte-identical output.", valueName: "n"))
        var seed: UInt64 = 1

        @Flag(name: .long, help: "Write into a directory that is not empty (files of the same name are replaced; others are left).")
        var force = false

        func validate() throws {
            do {
                _ = try FleetLayout(parsing: roles)
            } catch {
                throw ValidationError(error.description)
            }
            guard LogFormat(rawValue: format) != nil else {
                throw ValidationError("unknown --format \(String(reflecting: format)): use raw, enriched or mixed")
            }
            guard (1...FleetSimulation.maximumDays).contains(days) else {
                throw ValidationError("--days must be from 1 to \(FleetSimulation.maximumDays)")
            }
            do {
                _ = try TimeExpression.date(from: end, now: Date())
            } catch {
                throw ValidationError("--end: \(error.description)")
            }
        }

        func run() throws {
            let started = ContinuousClock.now
            let layout = try FleetLayout(parsing: roles)
            let endDate = try TimeExpression.date(from: end, now: Date())
            let simulation = try FleetSimulation(SimulationConfiguration(
                layout: layout, days: days, end: endDate, attacks: attacks, format: LogFormat(rawValue: format)!, seed: seed))

            let directory = URL(fileURLWithPath: out, isDirectory: true)
            let files = FileManager.default
            try files.createDirectory(at: directory, withIntermediateDirectories: true)
            if !force, let entries = try? files.contentsOfDirectory(atPath: directory.path), !entries.isEmpty {
                throw ValidationError("\(out) is not empty: choose an empty directory or pass --force")
            }
            var bytes = 0
            for host in simulation.hosts {
                let url = directory.appendingPathComponent("\(host.name).log")
                guard files.createFile(atPath: url.path, contents: nil) else {
                    throw ValidationError("cannot create \(url.path)")
                }
                let handle = try FileHandle(forWritingTo: url)
                defer { try? handle.close() }
                try simulation.writeLog(of: host) { chunk in
                    bytes += chunk.count
                    try handle.write(contentsOf: chunk)
                }
            }
            try Data(simulation.rolesFileText.utf8).write(to: directory.appendingPathComponent("roles.txt"))
            if attacks {
                try Data(simulation.groundTruthJSON.utf8).write(to: directory.appendingPathComponent("ground-truth.json"))
            }
            let elapsed = ContinuousClock.now - started
            print("wrote \(simulation.hosts.count) host logs (\(String(format: "%.1f", Double(bytes) / 1_048_576)) MiB) to \(out) in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 2))))"
                + (attacks ? "; \(simulation.groundTruth.count) ground-truth entries" : ""))
        }
    }
}
