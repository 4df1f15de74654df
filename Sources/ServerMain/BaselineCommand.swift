import ArgumentParser
import Baselining
import Foundation
import ServerRuntime
import Storage

extension HerdwatchCommand {
    /// `herdwatch baseline …`: list, inspect, compare, activate, export and import versions.
    struct Baselines: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "baseline",
            abstract: "Review, activate, export and import baseline versions.",
            discussion: """
                Baseline versions have global ids and belong to one role; one version per role is \
                active. Exported files (baselines/<role>.yaml) list one term per line in a stable \
                order with coarse prevalence, so they review like code; import loads a reviewed \
                file as a new version.
                """,
            subcommands: [List.self, Show.self, Diff.self, Activate.self, Export.self, Import.self])
    }
}

extension HerdwatchCommand.Baselines {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List baseline versions, newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: ArgumentHelp("Only this role.", valueName: "role")) var role: String?

        func run() async throws {
            let role = role
            let versions = try await withRepository(global) { try $0.versions(role: role) }
            var table = TextTable(["ID", "ROLE", "ACTIVE", "WINDOW", "HOSTS", "ADMITTED", "HELD BACK", "SOURCE", "CREATED"])
            for v in versions {
                table.append([
                    String(v.id), v.role, v.active ? "yes" : "", "\(BaselineFile.date(day: v.firstDay))/\(BaselineFile.date(day: v.endDay))",
                    String(v.roleHosts), String(v.admitted), String(v.heldBack), v.source, v.createdAt,
                ])
            }
            print(versions.isEmpty ? "no baselines yet: herdwatch learn" : table.render())
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a version in its file form.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Version id.") var id: Int64

        func run() async throws {
            let id = id
            guard let found = try await withRepository(global, { try $0.baseline(id) }) else { throw CLIError("no baseline version \(id)") }
            print(BaselineFile.render(found.baseline, version: found.version.id), terminator: "")
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Terms admitted in B and not in A (+), and in A and not in B (-).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Older version id.") var a: Int64
        @Argument(help: "Newer version id.") var b: Int64

        func run() async throws {
            let (a, b) = (a, b)
            let (older, newer) = try await withRepository(global) { (try $0.baseline(a), try $0.baseline(b)) }
            guard let older else { throw CLIError("no baseline version \(a)") }
            guard let newer else { throw CLIError("no baseline version \(b)") }
            let changes = newer.baseline.changes(against: older.baseline)
            print("--- \(a) (\(older.version.role))\n+++ \(b) (\(newer.version.role))")
            for t in changes.added { print("+ \(t.kind.rawValue) \(TextTable.printable(t.value))") }
            for t in changes.dropped { print("- \(t.kind.rawValue) \(TextTable.printable(t.value))") }
            if changes.added.isEmpty && changes.dropped.isEmpty { print("same admitted terms") }
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a version its role's active baseline.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Version id.") var id: Int64

        func run() async throws {
            let id = id
            guard try await withRepository(global, { try $0.activate(id) }) else { throw CLIError("no baseline version \(id)") }
            print("activated baseline \(id)")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write each role's active baseline (else its newest) to DIR/<role>.yaml.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: ArgumentHelp("Only this role.", valueName: "role")) var role: String?
        @Option(name: .long, help: ArgumentHelp("Directory to write into.", valueName: "dir")) var dir: String = "baselines"

        func run() async throws {
            let role = role
            let found = try await withRepository(global) { repository in
                let versions = try repository.versions(role: role)
                let roles = Array(Set(versions.map(\.role))).sorted()
                return try roles.compactMap { r -> (Baselining.Baseline, Int64, Bool, [BaselineFile.HostException])? in
                    guard let chosen = versions.first(where: { $0.role == r && $0.active }) ?? versions.first(where: { $0.role == r }),
                          let loaded = try repository.baseline(chosen.id) else { return nil }
                    return (loaded.baseline, chosen.id, chosen.active, try repository.hostExceptions(role: r))
                }
            }
            guard !found.isEmpty else { throw CLIError(role.map { "no baseline for role \($0)" } ?? "no baselines yet: herdwatch learn") }
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for (baseline, id, active, exceptions) in found {
                let path = (dir as NSString).appendingPathComponent("\(baseline.role).yaml")
                try Data(BaselineFile.render(baseline, version: id, hostExceptions: exceptions).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                print("wrote \(path) (version \(id)\(active ? ", active" : ", not active"))")
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load a reviewed baseline file as a new version.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A file written by export, e.g. baselines/web.yaml.") var file: String
        @Flag(name: .long, help: "Make the imported version active.") var activate = false

        func run() async throws {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch { throw CLIError("cannot read \(file)") }
            let parsed: BaselineFile.Parsed
            do { parsed = try BaselineFile.parse(text) } catch { throw CLIError("\(file): \(error)") }
            let activate = activate
            let id = try await withRepository(global) { repository in
                let id = try repository.insert(parsed.baseline, source: "imported")
                if activate { try repository.activate(id) }
                // Host exceptions of the file apply to the hosts the fleet knows by those names.
                let hostIDs = Dictionary(try repository.hostNames().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
                for exception in parsed.hostExceptions {
                    guard let host = hostIDs[exception.host] else { continue }
                    try repository.accept(exception.term, role: parsed.baseline.role, hostID: host, note: "imported from a baseline file")
                }
                return id
            }
            print("imported \(file) as baseline \(id) for role \(parsed.baseline.role)" + (activate ? " (active)" : ""))
        }
    }
}

private func withRepository<T: Sendable>(_ global: GlobalOptions, _ body: @escaping @Sendable (BaselineRepository) throws -> T) async throws -> T {
    let settings = try global.resolve()
    let connection = try await global.connect(settings)
    return try await connection.withSession { try body(BaselineRepository(session: $0)) }
}
