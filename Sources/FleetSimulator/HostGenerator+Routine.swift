/// A unit of planned activity; `HostGenerator.expand` turns it into events.
enum Scenario: Sendable {
    case boot
    case reboot
    case job(Int)
    case flow(Int)
    case operatorSession
    case noise(Int)
    case attack(AttackAction)
    case minerRestart
    case minerConnect
}

/// Ordinary behaviour: boot, daemons and their ports, cron jobs, connections, noise.
extension HostGenerator {
    static let rebootDowntime: Int64 = 90_000
    static let kernelVersion = "6.1.0-28-amd64"

    static let systemd = SimulatedProcess(
        pid: 1, ppid: 0, uid: 0, gid: 0, comm: "systemd", exe: "/usr/lib/systemd/systemd", argv: ["/sbin/init"])

    static let noise: [ExecStep] = [
        ExecStep("/usr/sbin/needrestart", exe: "/usr/bin/perl", ["/usr/bin/perl", "/usr/sbin/needrestart", "-b"]),
        ExecStep("/usr/bin/fwupdmgr", ["/usr/bin/fwupdmgr", "refresh"],
                 connects: [(.providerDaily(RoleProfile.debianMirror, poolSize: 4), 443, 1)]),
        ExecStep("/usr/bin/updatedb.plocate", ["/usr/bin/updatedb.plocate"]),
    ]

    /// Draws one UTC day's scenarios. Times may fall outside the window; the caller drops those.
    mutating func planDay(_ day: Int64, rng: inout SplitMix64) -> [(time: Int64, scenario: Scenario)] {
        let dayStart = day * dayMilliseconds
        var result: [(Int64, Scenario)] = []
        for (index, job) in profile.jobs.enumerated() {
            let hours = job.hour.map { [$0] } ?? Array(0..<24)
            for hour in hours where !rng.chance(job.skipChance) {
                let time = dayStart + Int64(hour) * hourMilliseconds + Int64(job.minute) * minuteMilliseconds + rng.int64(in: 5...1_800)
                result.append((time, .job(index)))
            }
        }
        for (index, flow) in profile.flows.enumerated() {
            let mean = 3_600_000.0 / (flow.perHour * (0.85 + 0.3 * rng.unit()))
            var time = dayStart + Int64(rng.exponential(mean: mean))
            while time < dayStart + dayMilliseconds {
                result.append((time, .flow(index)))
                time += 1 + Int64(rng.exponential(mean: mean))
            }
        }
        // Operators look at every host most days (one to three sessions), so a week of
        // training shows their ordinary commands on enough peers to be learned.
        for _ in 0..<(1 + rng.below(3)) where rng.chance(0.9) {
            result.append((dayStart + 8 * hourMilliseconds + rng.int64(in: 0...(10 * hourMilliseconds)), .operatorSession))
        }
        // Maintenance tools (needrestart, fwupdmgr, updatedb) run from systemd timers on
        // every host most days: ordinary for the role.
        for index in Self.noise.indices where rng.chance(0.8) {
            result.append((dayStart + rng.int64(in: 0...(dayMilliseconds - 1)), .noise(index)))
        }
        for action in actions {
            switch action {
            case .dropper(let at), .daemonShell(let at), .daemonCallout(let at), .tamper(let at), .bruteForce(let at), .foreignLogin(let at):
                if at / dayMilliseconds == day { result.append((at, .attack(action))) }
            case .silence: break
            case .preexistingMiner:
                result.append((MinerSchedule.restart(day: day, seed: context.seed), .minerRestart))
                for time in MinerSchedule.connects(day: day) { result.append((time, .minerConnect)) }
            }
        }
        return result
    }

    mutating func expand(_ scenario: Scenario, at time: Int64) {
        switch scenario {
        case .boot:
            boot(at: time)
        case .reboot:
            add(time, .daemon(type: "DAEMON_END", fields: "op=terminate auid=0 uid=0 ses=4294967295 pid=1 res=success"))
            boot(at: time + Self.rebootDowntime)
        case .job(let index):
            cronJob(profile.jobs[index], at: time)
        case .flow(let index):
            flow(profile.flows[index], at: time)
        case .operatorSession:
            operatorSession(at: time)
        case .noise(let index):
            run(Self.noise[index], parent: Self.systemd, at: time)
        case .attack(let action):
            inject(action)
        case .minerRestart:
            startMiner(at: time)
        case .minerConnect:
            if let miner = minerProcess {
                add(time, .socketCall(syscall: 42, miner, address: .inet(SocketAddress.ipv4(AttackAction.minerPool), port: 3333), exit: 0))
            }
        }
    }

    /// auditd starts and loads the rules, then systemd starts the role's daemons, which bind
    /// their ports. Pids start over; the serial restarts when DAEMON_START is written.
    private mutating func boot(at time: Int64) {
        nextPid = 280 + rng.below(200)
        nextSession = 0
        let format = host.enriched ? "enriched" : "raw"
        let auditdPid = allocatePid()
        add(time, .daemon(type: "DAEMON_START", fields: "op=start ver=3.0.9 format=\(format) kernel=\(Self.kernelVersion) auid=4294967295 pid=\(auditdPid) uid=0 ses=4294967295 res=success"))
        var auditctl = Self.systemd
        auditctl.ppid = allocatePid()
        auditctl.pid = allocatePid()
        auditctl.comm = "auditctl"
        auditctl.exe = "/usr/sbin/auditctl"
        auditctl.argv = ["/sbin/auditctl", "-R", "/etc/audit/audit.rules"]
        auditctl.auid = unsetID
        var t = time + rng.int64(in: 200...400)
        let changes: [(String, Bool)] = [
            ("op=set audit_backlog_limit=8192 old=64 auid=4294967295 ses=4294967295 res=1", false),
            ("op=set audit_backlog_wait_time=0 old=60000 auid=4294967295 ses=4294967295 res=1", false),
            ("auid=4294967295 ses=4294967295 op=add_rule key=\"exec\" list=4 res=1", true),
            ("auid=4294967295 ses=4294967295 op=add_rule key=\"net\" list=4 res=1", true),
            ("auid=4294967295 ses=4294967295 op=add_rule key=\"audit-config\" list=4 res=1", true),
        ]
        for (fields, ruleChange) in changes {
            add(t, .configChange(auditctl, fields: fields, ruleChange: ruleChange))
            t += rng.int64(in: 1...4)
        }
        t += rng.int64(in: 800...2_000)
        daemons = [:]
        workerPids = [:]
        for daemon in profile.daemons {
            let process = SimulatedProcess(
                pid: allocatePid(), ppid: 1, uid: daemon.uid, gid: Self.gid(for: daemon.uid),
                comm: Self.comm(daemon.path), exe: daemon.exe, argv: daemon.argv)
            add(t, .execve(process, path: daemon.path))
            t += rng.int64(in: 20...300)
            for listen in daemon.listens {
                // Every socket made here is announced, so a later socket() on the same fd (one fd
                // per simulated process) is never mistaken for this one's transport.
                var ipv6 = false
                if case .inet6 = listen.address { ipv6 = true }
                add(t, .socketCreated(process, datagram: !listen.tcp, ipv6: ipv6))
                add(t, .socketCall(syscall: 49, process, address: listen.address, exit: 0))
                if listen.tcp {
                    add(t + 1, .socketCall(syscall: 50, process, address: nil, exit: 0))
                }
                t += rng.int64(in: 2...30)
            }
            daemons[daemon.name] = process
            workerPids[daemon.name] = (0..<daemon.workers).map { _ in allocatePid() }
            t += rng.int64(in: 100...900)
        }
        if hasMiner { startMiner(at: t + rng.int64(in: 5_000...60_000)) }
    }

    private mutating func startMiner(at time: Int64) {
        let process = SimulatedProcess(
            pid: allocatePid(), ppid: 1, uid: 0, gid: 0, comm: Self.comm(AttackAction.minerPath), exe: AttackAction.minerPath,
            argv: [AttackAction.minerPath, "--quiet"])
        add(time, .execve(process, path: AttackAction.minerPath))
        minerProcess = process
    }

    /// cron forks, opens a PAM session (auid 0, a new session id), and runs the job's tree.
    private mutating func cronJob(_ job: JobSpec, at time: Int64) {
        guard var session = daemons["cron"] else { return }
        session.ppid = session.pid
        session.pid = allocatePid()
        let ses = allocateSession()
        let pam = { (op: String, grantors: String) in
            "op=PAM:\(op) grantors=\(grantors) acct=\"root\" exe=\"/usr/sbin/cron\" hostname=? addr=? terminal=cron res=success"
        }
        add(time, .userMessage(type: "USER_ACCT", pid: session.pid, auid: unsetID, session: unsetID, message: pam("accounting", "pam_permit")))
        add(time + 1, .userMessage(type: "CRED_ACQ", pid: session.pid, auid: unsetID, session: unsetID, message: pam("setcred", "pam_permit")))
        add(time + 2, .login(session, newAuid: 0, newSession: ses))
        add(time + 3, .userMessage(type: "USER_START", pid: session.pid, auid: 0, session: ses, message: pam("session_open", "pam_loginuid,pam_env,pam_limits,pam_permit,pam_unix")))
        session.auid = 0
        session.session = ses
        let end = run(job.tree, parent: session, at: time + rng.int64(in: 4...12))
        add(end + 1, .userMessage(type: "CRED_DISP", pid: session.pid, auid: 0, session: ses, message: pam("setcred", "pam_permit")))
        add(end + 2, .userMessage(type: "USER_END", pid: session.pid, auid: 0, session: ses, message: pam("session_close", "pam_loginuid,pam_env,pam_limits,pam_permit,pam_unix")))
    }

    /// One outbound connection from the daemon (or one of its forked workers).
    private mutating func flow(_ flow: FlowSpec, at time: Int64) {
        guard let process = workerProcess(of: flow.daemon, fromWorkers: flow.fromWorkers) else { return }
        let address = resolve(flow.destination)
        if flow.udp { add(time, .socketCreated(process, datagram: true)) }
        add(time, .socketCall(syscall: 42, process, address: .inet(address, port: flow.port), exit: 0))
        if flow.fromWorkers, rng.chance(0.04), let other = workerProcess(of: flow.daemon, fromWorkers: true) {
            // A second worker connecting at the same moment: the kernel may interleave the two.
            let at = time + rng.int64(in: 0...3)
            if flow.udp { add(at, .socketCreated(other, datagram: true)) }
            add(at, .socketCall(syscall: 42, other, address: .inet(resolve(flow.destination), port: flow.port), exit: 0))
        }
    }

    /// The daemon's main process, or one of its forked workers (same exe, the worker's uid).
    mutating func workerProcess(of daemon: String, fromWorkers: Bool) -> SimulatedProcess? {
        guard let master = daemons[daemon] else { return nil }
        guard fromWorkers, let pids = workerPids[daemon], !pids.isEmpty else { return master }
        let spec = profile.daemons.first { $0.name == daemon }
        var worker = master
        worker.pid = rng.pick(pids)
        worker.ppid = master.pid
        worker.uid = spec?.workerUid ?? master.uid
        worker.gid = Self.gid(for: worker.uid)
        return worker
    }
}
