/// Choosing hosts and times for the attack set, and the ground truth that follows from them.
extension FleetSimulation {
    static func planAttacks(hosts: [SimulatedHost], context: FleetContext) -> (actions: [[AttackAction]], truth: [GroundTruthEntry]) {
        var rng = SplitMix64(seed: context.seed, stream: 7)
        var order = Array(hosts.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.below(i + 1)) }
        var used = Set<Int>()
        let roleSizes = Dictionary(grouping: hosts, by: \.role.rawValue).mapValues(\.count)
        func pick(preferring role: String) -> Int {
            let candidates = order.filter { !used.contains($0) }
            let choice = candidates.first { hosts[$0].role.rawValue == role && roleSizes[role, default: 0] >= 2 }
                ?? candidates.first { roleSizes[hosts[$0].role.rawValue, default: 0] >= 2 }
                ?? candidates.first
                ?? order[used.count % order.count]
            used.insert(choice)
            return choice
        }
        let lastDayStart = context.end - dayMilliseconds
        func attackTime() -> Int64 { max(lastDayStart, context.start) + 3 * hourMilliseconds + rng.int64(in: 0...(8 * hourMilliseconds)) }

        var actions = Array(repeating: [AttackAction](), count: hosts.count)
        var truth: [GroundTruthEntry] = []
        func record(_ host: Int, _ time: Int64, _ kind: GroundTruthEntry.Kind, _ subject: String, _ description: String) {
            truth.append(GroundTruthEntry(host: hosts[host].name, timeMilliseconds: time, kind: kind, subject: subject, description: description))
        }

        let dropperHost = pick(preferring: "web"), dropperTime = attackTime()
        actions[dropperHost].append(.dropper(at: dropperTime))
        let implant = AttackAction.dropperPath
        record(dropperHost, dropperTime, .exec, implant, "a binary dropped in /tmp runs from alice's shell")
        record(dropperHost, dropperTime, .lineage, "/usr/bin/bash -> \(implant)", "an interactive shell starts the dropped binary")
        record(dropperHost, dropperTime + AttackAction.dropperConnectDelay, .connect, "\(AttackAction.dropperServer):1337/tcp", "the dropped binary calls out")
        record(dropperHost, dropperTime + AttackAction.dropperBindDelay, .listen, "4444/tcp \(implant)", "the dropped binary listens on a new port")

        let shellHost = pick(preferring: "web"), shellTime = attackTime()
        actions[shellHost].append(.daemonShell(at: shellTime))
        let daemon = RoleProfile.named(hosts[shellHost].role.rawValue).primaryDaemon
        record(shellHost, shellTime, .lineage, "\(daemon.exe) -> /usr/bin/dash", "the \(daemon.name) service spawns a shell (command injection probe)")

        let calloutHost = pick(preferring: "db"), calloutTime = attackTime()
        actions[calloutHost].append(.daemonCallout(at: calloutTime))
        let calloutDaemon = RoleProfile.named(hosts[calloutHost].role.rawValue).primaryDaemon
        record(calloutHost, calloutTime, .connect, "\(AttackAction.calloutServer):443/tcp", "\(calloutDaemon.exe), a known binary, contacts a new address")

        // Tampering silences its host, so it comes after every other attack: in a fleet too small
        // for one host per attack, the attacks before it must still be recorded.
        let tamperHost = pick(preferring: "worker")
        let tamperTime = max(lastDayStart, context.start) + 12 * hourMilliseconds + rng.int64(in: 0...hourMilliseconds)
        actions[tamperHost].append(.tamper(at: tamperTime))
        record(tamperHost, tamperTime, .exec, "/usr/sbin/auditctl", "bob runs auditctl by hand")
        record(tamperHost, tamperTime, .lineage, "/usr/bin/sudo -> /usr/sbin/auditctl", "bob runs auditctl through sudo")
        record(tamperHost, tamperTime + AttackAction.tamperRemoveDelay, .auditTamper, "remove_rule", "auditctl -D removes every audit rule")
        record(tamperHost, tamperTime + AttackAction.tamperDisableDelay, .auditTamper, "audit_enabled=0", "auditctl -e 0 disables audit")
        record(tamperHost, tamperTime + AttackAction.tamperDisableDelay, .hostSilent, hosts[tamperHost].name, "nothing is recorded once audit is disabled")

        let bruteHost = pick(preferring: "db"), bruteTime = attackTime()
        actions[bruteHost].append(.bruteForce(at: bruteTime))
        record(bruteHost, bruteTime, .authFailures, AttackAction.bruteForceSource, "30 failed ssh passwords for root, admin, ubuntu… in three minutes")

        let loginHost = pick(preferring: "worker"), loginTime = attackTime()
        actions[loginHost].append(.foreignLogin(at: loginTime))
        let network = AttackAction.foreignSource.split(separator: ".").prefix(3).joined(separator: ".") + ".0/24"
        record(loginHost, loginTime, .login, "\(UserNames.intruder.name)@\(network)", "a login by an unknown account from an unknown network")

        let silentHost = pick(preferring: "web")
        let silentTime = context.end - 5 * hourMilliseconds - rng.int64(in: 0...(2 * hourMilliseconds))
        if silentHost != tamperHost {  // only when the fleet is too small to keep them apart
            actions[silentHost].append(.silence(at: silentTime))
            record(silentHost, silentTime, .hostSilent, hosts[silentHost].name, "the host stops sending records")
        }

        let poisonable = order.filter { !used.contains($0) && roleSizes[hosts[$0].role.rawValue, default: 0] >= 3 }
        if let minerHost = poisonable.first(where: { hosts[$0].role.rawValue == "worker" }) ?? poisonable.first {
            actions[minerHost].append(.preexistingMiner)
            let firstDay = lastDayStart / dayMilliseconds
            let restarts = (firstDay...firstDay + 1).map { MinerSchedule.restart(day: $0, seed: context.seed) }
            let connects = (firstDay...firstDay + 1).flatMap { MinerSchedule.connects(day: $0) }
            let inLastDay = { (time: Int64) in time >= lastDayStart && time < context.end }
            if let time = restarts.first(where: inLastDay) {
                record(minerHost, time, .exec, AttackAction.minerPath, "a miner disguised as a kernel thread, running since before the training window")
            }
            if let time = connects.first(where: inLastDay) {
                record(minerHost, time, .connect, "\(AttackAction.minerPool):3333/tcp", "the miner's pool, contacted since before the training window")
            }
        }
        truth.sort { ($0.timeMilliseconds, $0.host) < ($1.timeMilliseconds, $1.host) }
        return (actions, truth)
    }
}
