/// Operators logging in over ssh and running commands.
extension HostGenerator {
    /// Operators connect from the bastion host; the login term is `alice@10.0.100.0/24`.
    static let bastion = "10.0.100.10"

    /// An operator logs in, runs 3 to 9 commands a few seconds to two minutes apart, and logs out.
    mutating func operatorSession(at time: Int64) {
        let user = rng.pick(UserNames.operators)
        var t = time
        if rng.chance(0.1) {
            failedLogin(user: user.name, from: Self.bastion, at: t)
            t += rng.int64(in: 3_000...9_000)
        }
        var (shell, session) = login(user: user, from: Self.bastion, at: t)
        t += 60_000
        for _ in 0..<(3 + rng.below(7)) {
            t = run(operatorCommand(uid: user.uid), parent: shell, at: t + rng.int64(in: 3_000...120_000))
            if rng.chance(0.15) { shell.cwd = rng.pick(["/var/log", "/etc", "/tmp", "/home/\(user.name)"]) }
        }
        logout(session, from: Self.bastion, at: t + rng.int64(in: 2_000...30_000))
    }

    /// sshd's PAM conversation and the kernel's LOGIN record, then the login shell.
    /// - Returns: the shell (`-bash`, auid and session set) and the privileged sshd process for logout.
    mutating func login(user: (name: String, uid: Int), from address: String, at time: Int64)
        -> (shell: SimulatedProcess, privileged: SimulatedProcess)
    {
        guard let sshd = daemons["ssh"] else { preconditionFailure("every role profile starts sshd") }
        var priv = sshd
        priv.ppid = sshd.pid
        priv.pid = allocatePid()
        priv.argv = ["sshd: \(user.name) [priv]"]
        let ses = allocateSession()
        let fields = { (op: String, grantors: String) in
            "op=PAM:\(op) grantors=\(grantors) acct=\"\(user.name)\" exe=\"/usr/sbin/sshd\" hostname=\(address) addr=\(address) terminal=ssh res=success"
        }
        add(time, .userMessage(type: "USER_AUTH", pid: priv.pid, auid: unsetID, session: unsetID, message: fields("authentication", "pam_unix")))
        add(time + 3, .userMessage(type: "USER_ACCT", pid: priv.pid, auid: unsetID, session: unsetID, message: fields("accounting", "pam_unix")))
        add(time + 5, .userMessage(type: "CRED_ACQ", pid: priv.pid, auid: unsetID, session: unsetID, message: fields("setcred", "pam_unix")))
        add(time + 9, .login(priv, newAuid: user.uid, newSession: ses))
        priv.auid = user.uid
        priv.session = ses
        add(time + 12, .userMessage(type: "USER_START", pid: priv.pid, auid: user.uid, session: ses,
                                    message: fields("session_open", "pam_loginuid,pam_keyinit,pam_limits,pam_systemd,pam_unix,pam_mail,pam_env")))
        add(time + 40, .userMessage(type: "USER_LOGIN", pid: priv.pid, auid: user.uid, session: ses,
                                    message: "op=login id=\(user.uid) exe=\"/usr/sbin/sshd\" hostname=? addr=\(address) terminal=/dev/pts/0 res=success"))
        var shell = priv
        shell.ppid = allocatePid()  // sshd: alice@pts/0, forked, not executed
        shell.pid = allocatePid()
        shell.uid = user.uid
        shell.gid = user.uid
        shell.tty = "pts0"
        shell.comm = "bash"
        shell.exe = "/usr/bin/bash"
        shell.argv = ["-bash"]
        shell.cwd = "/home/\(user.name)"
        add(time + 55, .execve(shell, path: "/bin/bash"))
        return (shell, priv)
    }

    mutating func logout(_ privileged: SimulatedProcess, from address: String, at time: Int64) {
        let user = UserNames.name(privileged.auid)
        let fields = { (op: String, grantors: String) in
            "op=PAM:\(op) grantors=\(grantors) acct=\"\(user)\" exe=\"/usr/sbin/sshd\" hostname=\(address) addr=\(address) terminal=ssh res=success"
        }
        add(time, .userMessage(type: "USER_END", pid: privileged.pid, auid: privileged.auid, session: privileged.session,
                               message: fields("session_close", "pam_loginuid,pam_keyinit,pam_limits,pam_systemd,pam_unix,pam_mail,pam_env")))
        add(time + 2, .userMessage(type: "CRED_DISP", pid: privileged.pid, auid: privileged.auid, session: privileged.session,
                                   message: fields("setcred", "pam_unix")))
    }

    /// One failed password attempt: PAM's USER_AUTH and sshd's USER_LOGIN, both `res=failed`.
    mutating func failedLogin(user: String, from address: String, at time: Int64) {
        let pid = allocatePid()
        add(time, .userMessage(type: "USER_AUTH", pid: pid, auid: unsetID, session: unsetID,
                               message: "op=PAM:authentication grantors=? acct=\"\(user)\" exe=\"/usr/sbin/sshd\" hostname=\(address) addr=\(address) terminal=ssh res=failed"))
        add(time + 2, .userMessage(type: "USER_LOGIN", pid: pid, auid: unsetID, session: unsetID,
                                   message: "op=login acct=\"\(user)\" exe=\"/usr/sbin/sshd\" hostname=? addr=\(address) terminal=ssh res=failed"))
    }

    /// A command an operator might type, some of them through sudo.
    mutating func operatorCommand(uid: Int) -> ExecStep {
        let service = rng.pick(profile.services)
        let command: ExecStep
        var sudo = false
        switch rng.below(16) {
        case 0: command = ExecStep("/usr/bin/ls", ["ls", "-la", rng.pick(["/var/log", "/etc", "/tmp", "/srv"])])
        case 1: command = ExecStep("/usr/bin/ps", ["ps", "aux"])
        case 2:
            command = ExecStep("/usr/bin/journalctl", ["journalctl", "-u", service, "--since", rng.pick(["1 hour ago", "today", "10 min ago"])])
            sudo = true
        case 3: command = ExecStep("/usr/bin/systemctl", ["systemctl", "status", service])
        case 4:
            command = ExecStep("/usr/bin/vim", exe: "/usr/bin/vim.basic", ["vim", rng.pick(profile.configFiles)])
            sudo = true
        case 5: command = ExecStep("/usr/bin/df", ["df", "-h"])
        case 6: command = ExecStep("/usr/bin/free", ["free", "-m"])
        case 7: command = ExecStep("/usr/bin/top", ["top", "-b", "-n", "1"])
        case 8: command = ExecStep("/usr/bin/tail", ["tail", "-n", "200", "/var/log/syslog"])
        case 9: command = ExecStep("/usr/bin/uptime", ["uptime"])
        case 10:
            command = ExecStep("/usr/bin/ss", ["ss", "-tlnp"])
            sudo = true
        case 11: command = ExecStep("/usr/bin/grep", ["grep", "-i", "error", "/var/log/syslog"])
        case 12: command = ExecStep("/usr/bin/less", ["less", "/var/log/syslog"])
        case 13: command = ExecStep("/usr/bin/id", ["id"])
        case 14: command = ExecStep("/usr/bin/cat", ["cat", "/etc/os-release"])
        default: command = ExecStep("/usr/bin/du", ["du", "-sh", "/var/lib"])
        }
        guard sudo else {
            var step = command
            step.uid = uid
            return step
        }
        return ExecStep("/usr/bin/sudo", ["sudo"] + command.argv, uid: uid, children: [command])
    }
}
