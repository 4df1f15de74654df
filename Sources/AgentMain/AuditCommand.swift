import AgentRuntime
import ArgumentParser

extension AgentCommand {
    /// `herdwatch-agent audit …`: the kernel audit state and rules, over netlink (no auditctl).
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit",
            abstract: "Show and change the kernel audit state and rules (needs root).",
            subcommands: [Status.self, Change.self, Rules.self]
        )

        struct Status: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "status", abstract: "Print the kernel audit status (like auditctl -s).")

            func run() throws {
                let status = try AuditNetlinkClient().status()
                print("enabled \(status.enabled)")
                print("failure \(status.failure)")
                print("pid \(status.pid)")
                print("rate_limit \(status.rateLimit)")
                print("backlog_limit \(status.backlogLimit)")
                print("lost \(status.lost)")
                print("backlog \(status.backlog)")
                print("backlog_wait_time \(status.backlogWaitTime.map { String($0) } ?? "unknown")")
            }
        }

        struct Change: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "set", abstract: "Change audit settings (failure mode is deliberately not settable).")

            @Option(help: "0 to disable, 1 to enable audit.") var enabled: UInt32?
            @Option(help: "Most records the kernel queues.") var backlogLimit: UInt32?
            @Option(help: "Records per second, 0 for no limit.") var rateLimit: UInt32?
            @Option(help: "Kernel ticks a process waits for a full backlog; 0 never blocks.") var backlogWaitTime: UInt32?

            func validate() throws {
                if let enabled, enabled > 1 { throw ValidationError("--enabled takes 0 or 1 (2 would lock the configuration until reboot)") }
                if enabled == nil, backlogLimit == nil, rateLimit == nil, backlogWaitTime == nil {
                    throw ValidationError("nothing to set")
                }
            }

            func run() throws {
                try AuditNetlinkClient().set(AuditStatusChange(
                    enabled: enabled, rateLimit: rateLimit, backlogLimit: backlogLimit, backlogWaitTime: backlogWaitTime))
            }
        }

        struct Rules: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "rules",
                abstract: "List, load and delete audit rules written in auditctl syntax.",
                subcommands: [List.self, Load.self, Delete.self]
            )

            struct List: ParsableCommand {
                static let configuration = CommandConfiguration(commandName: "list", abstract: "Print the kernel's rules (like auditctl -l).")

                func run() throws {
                    let rules = try AuditNetlinkClient().listRules()
                    if rules.isEmpty { print("No rules") }
                    for rule in rules { print(rule.auditctlText()) }
                }
            }

            struct Load: ParsableCommand {
                static let configuration = CommandConfiguration(
                    commandName: "load",
                    abstract: "Add the rules of FILE (auditctl -R syntax); sets backlog_wait_time 0 first.")

                @Argument(help: "A rules file such as ops/audit.rules.") var file: String

                func run() throws {
                    let commands = try AuditRuleFile.load(path: file)
                    let changes = try AuditNetlinkClient().apply(commands)
                    print("added \(changes.added), already present \(changes.alreadyPresent), deleted \(changes.deleted)")
                }
            }

            struct Delete: ParsableCommand {
                static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete every rule, or only those with a key (like auditctl -D).")

                @Option(help: "Delete only the rules with this key.") var key: String?

                func run() throws {
                    let deleted = try AuditNetlinkClient().deleteRules { key == nil || $0.key == key }
                    print("deleted \(deleted)")
                }
            }
        }
    }
}
