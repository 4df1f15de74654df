import ArgumentParser
import Findings
import FleetModel
import Foundation
import LibPQ
import ServerRuntime
import Storage

extension HerdwatchCommand {
    /// `herdwatch findings …`: list, show and triage findings.
    struct FindingsGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "findings",
            abstract: "List, show and triage findings.",
            discussion: """
                One finding per (role, kind, subject): further hosts and events join it. Statuses: \
                \(FindingStatus.names). Every triage action is recorded with its actor and time.

                Examples:
                  herdwatch findings list --status open
                  herdwatch findings show 12
                  herdwatch findings ack 12 --note "looking into it"
                  herdwatch findings accept 14 --note "new monitoring agent, rolled out by ops"
                  herdwatch findings snooze 15 --until 8h --note "maintenance tonight"
                """,
            subcommands: [List.self, Show.self, Ack.self, Resolve.self, FalsePositive.self, Accept.self, Snooze.self])
    }
}

extension HerdwatchCommand.FindingsGroup {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List findings, by severity then last seen.",
            discussion: """
                --json prints one JSON array ([] when empty); each element has id, kind, role, subject, \
                hosts, host_count, prevalence {hosts, role_hosts}, event_count, first_seen, last_seen \
                (RFC 3339 UTC, event time), status, severity {score, label}, baseline_version and \
                evidence (events in the shared event schema). See docs/findings.md.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: ArgumentHelp("Only this status (repeatable): \(FindingStatus.names).", valueName: "status"))
        var status: [String] = []
        @Option(name: .long, help: ArgumentHelp("Only this role (repeatable).", valueName: "role")) var role: [String] = []
        @Option(name: .long, help: ArgumentHelp("Only this kind (repeatable): \(FindingKind.names).", valueName: "kind"))
        var kind: [String] = []
        @Option(name: .long, help: ArgumentHelp("Only findings seen since: RFC 3339, 'now', or a duration back from now (24h, 7d).", valueName: "time"))
        var since: String?
        @Option(name: .long, help: ArgumentHelp("At most this many.", valueName: "n")) var limit: Int?
        @Flag(name: .long, help: "Print JSON (one array) instead of a table.") var json = false

        func validate() throws { _ = try filter() }

        func filter() throws -> FindingQueries.Filter {
            var filter = FindingQueries.Filter()
            filter.statuses = try status.map { s in
                guard let value = FindingStatus(rawValue: s) else { throw ValidationError("--status \(s): expected one of \(FindingStatus.names)") }
                return value
            }
            filter.kinds = try kind.map { k in
                guard let value = FindingKind(rawValue: k) else { throw ValidationError("--kind \(k): expected one of \(FindingKind.names)") }
                return value
            }
            filter.roles = role
            if let since {
                do { filter.since = PostgresTimestamp(try TimeExpression.date(from: since, now: Date())) } catch {
                    throw ValidationError("--since: \(error.description)")
                }
            }
            if let limit, limit < 0 { throw ValidationError("--limit must not be negative") }
            filter.limit = limit
            return filter
        }

        func run() async throws {
            let settings = try global.resolve()
            let connection = try await global.connect(settings)
            let filter = try filter()
            if json {
                print(try await connection.withSession { try FindingQueries(session: $0).listJSON(filter) })
                return
            }
            let findings = try await connection.withSession { try FindingQueries(session: $0).list(filter) }
            print(findings.isEmpty ? "no findings" : FindingText.table(findings))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one finding: who did what where, evidence and history.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The finding's id.") var id: Int64
        @Flag(name: .long, help: "Print the finding as JSON (the form of `findings list --json`).") var json = false

        func run() async throws {
            let settings = try global.resolve()
            let connection = try await global.connect(settings)
            let id = id
            let (document, history) = try await connection.withSession { session in
                let queries = FindingQueries(session: session)
                return (try queries.documentJSON(id), try queries.history(id))
            }
            guard let document else { throw CLIError("no finding \(id)") }
            print(json ? document : FindingText.details(documentJSON: document, history: history))
        }
    }
}

/// The options every triage action takes.
struct TriageOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The finding's id.") var id: Int64
    @Option(name: .long, help: ArgumentHelp("Why: kept in the finding's history.", valueName: "text")) var note: String
    @Option(name: .long, help: ArgumentHelp("Who acts (default: the operating-system user).", valueName: "name")) var actor: String?

    func validate() throws {
        if note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--note must say why") }
    }

    var resolvedActor: String {
        if let actor, !actor.isEmpty { return actor }
        return OperatingSystemUser.name
    }

    func apply(_ action: TriageAction, scope: FindingTriage.Scope = .role, until: PostgresTimestamp? = nil) async throws {
        let settings = try global.resolve()
        let connection = try await global.connect(settings)
        var request = FindingTriage.Request(action: action, findingID: id, note: note, actor: resolvedActor)
        request.scope = scope
        request.until = until
        let before: FindingStatus
        let finalRequest = request
        do {
            before = try await connection.withSession { try FindingTriage(session: $0).apply(finalRequest) }
        } catch let error as FindingTriage.TriageError {
            throw CLIError(error.description)
        }
        var line = "finding \(id): \(before.rawValue) → \(action.status.rawValue) by \(request.actor)"
        if action == .accept {
            line += scope == .role ? "; its term is now accepted for the whole role" : "; its term is now accepted for the finding's hosts"
        }
        if let until { line += " until \(until)" }
        print(line)
    }
}

extension HerdwatchCommand.FindingsGroup {
    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge a finding: someone is on it (it still escalates).")
        @OptionGroup var options: TriageOptions
        func run() async throws { try await options.apply(.ack) }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve a finding; it reopens if its subject is seen again.")
        @OptionGroup var options: TriageOptions
        func run() async throws { try await options.apply(.resolve) }
    }

    struct FalsePositive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "false-positive", abstract: "Mark a finding harmless; further sightings join it quietly.")
        @OptionGroup var options: TriageOptions
        func run() async throws { try await options.apply(.falsePositive) }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept a finding's term into the baseline (exec, lineage, connect, listen, login).",
            discussion: """
                --scope role (the default) accepts the term for every host of the role: every \
                retraining keeps it and it raises no further finding. --scope host accepts it only \
                for the hosts the finding holds (shown in `baseline export`); another host showing it \
                reopens the finding.
                """)
        @OptionGroup var options: TriageOptions
        @Option(name: .long, help: ArgumentHelp("role or host.", valueName: "scope")) var scope: String = "role"

        func validate() throws {
            if FindingTriage.Scope(rawValue: scope) == nil { throw ValidationError("--scope: expected role or host") }
        }

        func run() async throws { try await options.apply(.accept, scope: FindingTriage.Scope(rawValue: scope)!) }
    }

    struct Snooze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Quiet a finding until a time; it goes back to open afterwards.")
        @OptionGroup var options: TriageOptions
        @Option(name: .long, help: ArgumentHelp("RFC 3339 time, or a duration from now (8h, 2d).", valueName: "time"))
        var until: String

        func validate() throws { _ = try end() }

        func end() throws -> PostgresTimestamp {
            let now = Date()
            do {
                let date = try TimeExpression.until(until, now: now)
                if date <= now { throw ValidationError("--until must lie in the future") }
                return PostgresTimestamp(date)
            } catch let error as FleetModelError {
                throw ValidationError("--until: \(error.description)")
            }
        }

        func run() async throws { try await options.apply(.snooze, until: try end()) }
    }
}
