/// A port a daemon binds when it starts. TCP ports are bound and then listened on; UDP ports are
/// only bound.
struct ListenSpec: Sendable {
    var address: SocketAddress
    var tcp: Bool = true
}

/// A long-running process started by systemd (pid 1) at boot.
struct DaemonSpec: Sendable {
    var name: String
    /// The path systemd executes (`PATH name=`), and the resolved file (`exe=`).
    var path: String
    var exe: String
    var argv: [String]
    var uid: Int
    var listens: [ListenSpec] = []
    /// Forked (not executed) children that make the daemon's outbound connections.
    var workers: Int = 0
    var workerUid: Int? = nil
    /// The role's main network service: the one attacks compromise.
    var primary: Bool = false
}

/// Where an outbound connection goes.
enum Destination: Sendable {
    /// One fixed address.
    case address(String)
    /// The fleet's hosts of a role (e.g. web → `db` on 5432), or the fallback address when the
    /// fleet has no such role.
    case roleHosts(String, fallback: String)
    /// A small pool of addresses inside a provider's /16, drawn afresh each day and shared by the
    /// whole fleet (object storage endpoints, package mirrors behind a CDN).
    case providerDaily(UInt32, poolSize: Int)
    /// Any address inside a provider's /16: hundreds of distinct addresses a day.
    case providerScatter(UInt32)
}

/// A stream of outbound connections from a daemon, as Poisson arrivals.
struct FlowSpec: Sendable {
    var daemon: String
    var destination: Destination
    var port: Int
    var perHour: Double
    var fromWorkers: Bool = true
    /// A datagram flow (DNS, NTP): each connect follows its own socket(SOCK_DGRAM).
    var udp: Bool = false
}

/// One program in a job's process tree: executed by its parent, then runs its children in order.
struct ExecStep: Sendable {
    var path: String
    var exe: String
    var argv: [String]
    var uid: Int = UserNames.root
    var connects: [(destination: Destination, port: Int, count: Int)] = []
    var children: [ExecStep] = []

    init(_ path: String, exe: String? = nil, _ argv: [String], uid: Int = UserNames.root,
         connects: [(destination: Destination, port: Int, count: Int)] = [], children: [ExecStep] = []) {
        self.path = path
        self.exe = exe ?? path
        self.argv = argv
        self.uid = uid
        self.connects = connects
        self.children = children
    }

    /// `/bin/sh -c COMMAND`, as cron runs a crontab line (dash is Debian's /bin/sh).
    static func shell(_ command: String, children: [ExecStep]) -> ExecStep {
        ExecStep("/bin/sh", exe: "/usr/bin/dash", ["/bin/sh", "-c", command], children: children)
    }
}

/// A crontab entry run by cron: hourly when `hour` is nil, else daily.
struct JobSpec: Sendable {
    var name: String
    var hour: Int?
    var minute: Int
    /// Chance that a host skips the job on a day (anacron catching up elsewhere, host busy…).
    var skipChance: Double
    var tree: ExecStep
}

/// What hosts of one role run: the daemons they start at boot, where they connect, the jobs cron
/// runs, and what operators look at when they log in. Role profiles are data; `HostGenerator`
/// turns them into events.
struct RoleProfile: Sendable {
    var daemons: [DaemonSpec]
    var flows: [FlowSpec]
    var jobs: [JobSpec]
    /// Units and files operators inspect (`systemctl status nginx`, `vim /etc/nginx/nginx.conf`).
    var services: [String]
    var configFiles: [String]

    var primaryDaemon: DaemonSpec {
        daemons.first(where: \.primary) ?? daemons[0]
    }
}
