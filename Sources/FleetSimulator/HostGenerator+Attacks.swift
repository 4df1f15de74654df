/// The documented attack set (see `AttackAction`), injected at the planned times.
extension HostGenerator {
    mutating func inject(_ action: AttackAction) {
        switch action {
        case .dropper(let at):
            let alice = UserNames.operators[0]
            var (shell, privileged) = login(user: alice, from: Self.bastion, at: at - 90_000)
            shell.cwd = "/tmp/.x"
            var implant = shell
            implant.ppid = shell.pid
            implant.pid = allocatePid()
            implant.comm = Self.comm(AttackAction.dropperPath)
            implant.exe = AttackAction.dropperPath
            implant.argv = [AttackAction.dropperPath, "-d"]
            add(at, .execve(implant, path: AttackAction.dropperPath))
            add(at + AttackAction.dropperConnectDelay,
                .socketCall(syscall: 42, implant, address: .inet(SocketAddress.ipv4(AttackAction.dropperServer), port: 1337), exit: 0))
            add(at + AttackAction.dropperBindDelay, .socketCall(syscall: 49, implant, address: .inet(0, port: 4444), exit: 0))
            add(at + AttackAction.dropperBindDelay + 1, .socketCall(syscall: 50, implant, address: nil, exit: 0))
            logout(privileged, from: Self.bastion, at: at + 240_000)

        case .daemonShell(let at):
            // A worker whose exe a reader has already seen (it makes audited connections), else the
            // daemon's main process, so that the parent of the shell is known.
            let daemon = profile.primaryDaemon.name
            let workersSeen = profile.flows.contains { $0.daemon == daemon && $0.fromWorkers }
            guard let worker = workerProcess(of: daemon, fromWorkers: workersSeen) else { return }
            run(ExecStep("/bin/sh", exe: "/usr/bin/dash", ["sh", "-c", "echo $((7*7))"], uid: worker.uid), parent: worker, at: at)

        case .daemonCallout(let at):
            guard let worker = workerProcess(of: profile.primaryDaemon.name, fromWorkers: true) else { return }
            add(at, .socketCall(syscall: 42, worker, address: .inet(SocketAddress.ipv4(AttackAction.calloutServer), port: 443), exit: 0))

        case .tamper(let at):
            let bob = UserNames.operators[1]
            let (shell, _) = login(user: bob, from: Self.bastion, at: at - 90_000)
            var sudo = shell
            sudo.ppid = shell.pid
            sudo.pid = allocatePid()
            sudo.comm = "sudo"
            sudo.exe = "/usr/bin/sudo"
            sudo.argv = ["sudo", "auditctl", "-D"]
            add(at - 400, .execve(sudo, path: "/usr/bin/sudo"))
            var auditctl = sudo
            auditctl.ppid = sudo.pid
            auditctl.pid = allocatePid()
            auditctl.uid = 0
            auditctl.gid = 0
            auditctl.comm = "auditctl"
            auditctl.exe = "/usr/sbin/auditctl"
            auditctl.argv = ["auditctl", "-D"]
            add(at, .execve(auditctl, path: "/usr/sbin/auditctl"))
            for (offset, key) in ["exec", "net", "audit-config"].enumerated() {
                add(at + AttackAction.tamperRemoveDelay + Int64(offset),
                    .configChange(auditctl, fields: "auid=\(bob.uid) ses=\(auditctl.session) op=remove_rule key=\"\(key)\" list=4 res=1", ruleChange: true))
            }
            // The second auditctl's execve is no longer audited: only its CONFIG_CHANGE appears.
            auditctl.pid = allocatePid()
            auditctl.argv = ["auditctl", "-e", "0"]
            add(at + AttackAction.tamperDisableDelay,
                .configChange(auditctl, fields: "op=set audit_enabled=0 old=1 auid=\(bob.uid) ses=\(auditctl.session) res=1", ruleChange: false))

        case .bruteForce(let at):
            let accounts = ["root", "admin", "ubuntu", "oracle", "test", "postgres"]
            for attempt in 0..<30 {
                let time = attempt == 0 ? at : at + Int64(attempt) * 6_000 + rng.int64(in: 0...2_500)
                failedLogin(user: accounts[attempt % accounts.count], from: AttackAction.bruteForceSource, at: time)
            }

        case .foreignLogin(let at):
            let (shell, privileged) = login(user: UserNames.intruder, from: AttackAction.foreignSource, at: at)
            var t = at + 60_000
            for argv in [["id"], ["cat", "/etc/passwd"], ["ps", "aux"]] {
                t = run(ExecStep("/usr/bin/\(argv[0])", argv, uid: UserNames.intruder.uid), parent: shell, at: t + rng.int64(in: 2_000...9_000))
            }
            logout(privileged, from: AttackAction.foreignSource, at: t + 5_000)

        case .silence, .preexistingMiner:
            break
        }
    }

    /// When audit rules were removed on this host, if they were: later syscalls are not audited.
    var rulesRemovedAt: Int64? {
        for action in actions {
            if case .tamper(let at) = action { return at + AttackAction.tamperRemoveDelay }
        }
        return nil
    }
}
