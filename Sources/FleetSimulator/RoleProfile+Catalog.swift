/// The built-in profiles: `web`, `db`, `worker`, and a generic one for any other role name.
extension RoleProfile {
    static let objectStorage = SocketAddress.ipv4("52.216.0.0")
    static let debianMirror = SocketAddress.ipv4("151.101.0.0")

    static func named(_ role: String) -> RoleProfile {
        switch role {
        case "web": return web
        case "db": return db
        case "worker": return worker
        default: return generic
        }
    }

    // MARK: Every role

    static let commonDaemons: [DaemonSpec] = [
        DaemonSpec(name: "ssh", path: "/usr/sbin/sshd", exe: "/usr/sbin/sshd", argv: ["/usr/sbin/sshd", "-D"], uid: UserNames.root,
                   listens: [ListenSpec(address: .inet(0, port: 22)), ListenSpec(address: .inet6([UInt8](repeating: 0, count: 16), port: 22))]),
        DaemonSpec(name: "systemd-resolved", path: "/usr/lib/systemd/systemd-resolved", exe: "/usr/lib/systemd/systemd-resolved",
                   argv: ["/usr/lib/systemd/systemd-resolved"], uid: UserNames.resolve,
                   listens: [ListenSpec(address: .inet(SocketAddress.ipv4("127.0.0.53"), port: 53), tcp: false),
                             ListenSpec(address: .inet(SocketAddress.ipv4("127.0.0.53"), port: 53))]),
        DaemonSpec(name: "chrony", path: "/usr/sbin/chronyd", exe: "/usr/sbin/chronyd", argv: ["/usr/sbin/chronyd", "-F", "1"], uid: UserNames.chrony,
                   listens: [ListenSpec(address: .inet(SocketAddress.ipv4("127.0.0.1"), port: 323), tcp: false)]),
        DaemonSpec(name: "cron", path: "/usr/sbin/cron", exe: "/usr/sbin/cron", argv: ["/usr/sbin/cron", "-f"], uid: UserNames.root),
    ]

    static let commonFlows: [FlowSpec] = [
        FlowSpec(daemon: "systemd-resolved", destination: .address("10.0.0.2"), port: 53, perHour: 6, fromWorkers: false, udp: true),
        FlowSpec(daemon: "chrony", destination: .address("169.254.169.123"), port: 123, perHour: 3.5, fromWorkers: false, udp: true),
    ]

    static let commonJobs: [JobSpec] = [
        JobSpec(name: "cron.hourly", hour: nil, minute: 17, skipChance: 0.01,
                tree: .shell("   cd / && run-parts --report /etc/cron.hourly", children: [
                    ExecStep("/usr/bin/run-parts", ["run-parts", "--report", "/etc/cron.hourly"]),
                ])),
        JobSpec(name: "cron.daily", hour: 6, minute: 25, skipChance: 0.04,
                tree: .shell("test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }", children: [
                    ExecStep("/usr/bin/run-parts", ["run-parts", "--report", "/etc/cron.daily"], children: [
                        ExecStep("/etc/cron.daily/apt-compat", exe: "/usr/bin/dash", ["/bin/sh", "/etc/cron.daily/apt-compat"], children: [
                            ExecStep("/usr/bin/apt-config", ["apt-config", "shell", "RandomSleep", "APT::Periodic::RandomSleep"]),
                            ExecStep("/usr/lib/apt/apt.systemd.daily", exe: "/usr/bin/dash", ["/bin/sh", "/usr/lib/apt/apt.systemd.daily"], children: [
                                ExecStep("/usr/bin/apt-get", ["apt-get", "-qq", "update"], children: [
                                    ExecStep("/usr/lib/apt/methods/http", ["/usr/lib/apt/methods/http"], uid: UserNames.apt,
                                             connects: [(.providerDaily(debianMirror, poolSize: 4), 80, 2)]),
                                ]),
                            ]),
                        ]),
                        ExecStep("/etc/cron.daily/dpkg", exe: "/usr/bin/dash", ["/bin/sh", "/etc/cron.daily/dpkg"], children: [
                            ExecStep("/usr/libexec/dpkg/dpkg-db-backup", exe: "/usr/bin/dash", ["/bin/sh", "/usr/libexec/dpkg/dpkg-db-backup"]),
                        ]),
                        ExecStep("/etc/cron.daily/logrotate", exe: "/usr/bin/dash", ["/bin/sh", "/etc/cron.daily/logrotate"], children: [
                            ExecStep("/usr/sbin/logrotate", ["/usr/sbin/logrotate", "/etc/logrotate.conf"], children: [
                                .shell("invoke-rc.d rsyslog rotate > /dev/null", children: [
                                    ExecStep("/usr/sbin/invoke-rc.d", exe: "/usr/bin/dash", ["/bin/sh", "/usr/sbin/invoke-rc.d", "rsyslog", "rotate"]),
                                ]),
                            ]),
                        ]),
                        ExecStep("/etc/cron.daily/man-db", exe: "/usr/bin/dash", ["/bin/sh", "/etc/cron.daily/man-db"], children: [
                            ExecStep("/usr/bin/mandb", ["/usr/bin/mandb", "--quiet"], uid: 6),
                        ]),
                    ]),
                ])),
    ]

    // MARK: Roles

    static let web = RoleProfile(
        daemons: commonDaemons + [
            DaemonSpec(name: "nginx", path: "/usr/sbin/nginx", exe: "/usr/sbin/nginx",
                       argv: ["/usr/sbin/nginx", "-g", "daemon on; master_process on;"], uid: UserNames.root,
                       listens: [ListenSpec(address: .inet(0, port: 80)), ListenSpec(address: .inet(0, port: 443))],
                       workers: 2, workerUid: UserNames.wwwData, primary: true),
            DaemonSpec(name: "app", path: "/usr/bin/python3", exe: "/usr/bin/python3.11",
                       argv: ["/usr/bin/python3", "/usr/local/bin/gunicorn", "app.wsgi", "--bind", "0.0.0.0:8080", "--workers", "4"],
                       uid: UserNames.wwwData, listens: [ListenSpec(address: .inet(0, port: 8080))], workers: 4),
        ],
        flows: commonFlows + [
            FlowSpec(daemon: "nginx", destination: .address("127.0.0.1"), port: 8080, perHour: 10),
            FlowSpec(daemon: "app", destination: .roleHosts("db", fallback: "10.0.40.10"), port: 5432, perHour: 12),
            FlowSpec(daemon: "app", destination: .address("10.0.50.10"), port: 6379, perHour: 18),
            FlowSpec(daemon: "app", destination: .providerDaily(objectStorage, poolSize: 6), port: 443, perHour: 4),
        ],
        jobs: commonJobs + [
            JobSpec(name: "certbot", hour: 11, minute: 43, skipChance: 0.02,
                    tree: .shell("test -x /usr/bin/certbot && perl -e 'sleep int(rand(43200))' && certbot -q renew", children: [
                        ExecStep("/usr/bin/certbot", exe: "/usr/bin/python3.11", ["/usr/bin/python3", "/usr/bin/certbot", "-q", "renew"],
                                 connects: [(.address("172.65.32.248"), 443, 1)]),
                    ])),
        ],
        services: ["nginx", "app"],
        configFiles: ["/etc/nginx/nginx.conf", "/etc/nginx/sites-enabled/app", "/srv/app/settings.py"]
    )

    static let db = RoleProfile(
        daemons: commonDaemons + [
            DaemonSpec(name: "postgresql", path: "/usr/lib/postgresql/16/bin/postgres", exe: "/usr/lib/postgresql/16/bin/postgres",
                       argv: ["/usr/lib/postgresql/16/bin/postgres", "-D", "/var/lib/postgresql/16/main", "-c",
                              "config_file=/etc/postgresql/16/main/postgresql.conf"],
                       uid: UserNames.postgres, listens: [ListenSpec(address: .inet(0, port: 5432))], workers: 3, primary: true),
        ],
        flows: commonFlows,
        jobs: commonJobs + [
            JobSpec(name: "pg-backup", hour: 2, minute: 5, skipChance: 0.03,
                    tree: .shell("/usr/local/bin/pg-backup", children: [
                        ExecStep("/usr/local/bin/pg-backup", exe: "/usr/bin/bash", ["/bin/bash", "/usr/local/bin/pg-backup"], children: [
                            ExecStep("/usr/lib/postgresql/16/bin/pg_dump", ["pg_dump", "-Fc", "-h", "127.0.0.1", "app"], uid: UserNames.postgres,
                                     connects: [(.address("127.0.0.1"), 5432, 1)]),
                            ExecStep("/usr/bin/gzip", ["gzip", "-6"]),
                            ExecStep("/usr/local/bin/aws", exe: "/usr/bin/python3.11", ["/usr/bin/python3", "/usr/local/bin/aws", "s3", "cp", "-", "s3://db-backups/app.dump.gz"],
                                     connects: [(.providerDaily(objectStorage, poolSize: 6), 443, 4)]),
                        ]),
                    ])),
            JobSpec(name: "pg-healthcheck", hour: nil, minute: 3, skipChance: 0.02,
                    tree: .shell("/usr/bin/psql -qAt -h 127.0.0.1 -c 'select 1' app", children: [
                        ExecStep("/usr/lib/postgresql/16/bin/psql", ["/usr/bin/psql", "-qAt", "-h", "127.0.0.1", "-c", "select 1", "app"],
                                 uid: UserNames.postgres, connects: [(.address("127.0.0.1"), 5432, 1)]),
                    ])),
        ],
        services: ["postgresql", "postgresql@16-main"],
        configFiles: ["/etc/postgresql/16/main/postgresql.conf", "/etc/postgresql/16/main/pg_hba.conf"]
    )

    static let worker = RoleProfile(
        daemons: commonDaemons + [
            DaemonSpec(name: "celery", path: "/usr/bin/python3", exe: "/usr/bin/python3.11",
                       argv: ["/usr/bin/python3", "-m", "celery", "-A", "jobs", "worker", "--concurrency", "4"],
                       uid: UserNames.app, workers: 4, primary: true),
        ],
        flows: commonFlows + [
            FlowSpec(daemon: "celery", destination: .address("10.0.60.10"), port: 5672, perHour: 2),
            FlowSpec(daemon: "celery", destination: .providerScatter(objectStorage), port: 443, perHour: 14),
            FlowSpec(daemon: "celery", destination: .roleHosts("db", fallback: "10.0.40.10"), port: 5432, perHour: 5),
        ],
        jobs: commonJobs + [
            JobSpec(name: "export-reports", hour: nil, minute: 40, skipChance: 0.05,
                    tree: .shell("/usr/bin/python3 /opt/app/bin/export-reports", children: [
                        ExecStep("/usr/bin/python3", exe: "/usr/bin/python3.11", ["/usr/bin/python3", "/opt/app/bin/export-reports"], uid: UserNames.app,
                                 connects: [(.providerScatter(objectStorage), 443, 3)]),
                    ])),
        ],
        services: ["celery", "celery-beat"],
        configFiles: ["/opt/app/config.yaml", "/etc/systemd/system/celery.service"]
    )

    static let generic = RoleProfile(
        daemons: commonDaemons + [
            DaemonSpec(name: "app-server", path: "/usr/local/bin/app-server", exe: "/usr/local/bin/app-server",
                       argv: ["/usr/local/bin/app-server", "--listen", ":9000"], uid: UserNames.app,
                       listens: [ListenSpec(address: .inet(0, port: 9000))], workers: 1, primary: true),
        ],
        flows: commonFlows + [
            FlowSpec(daemon: "app-server", destination: .providerDaily(objectStorage, poolSize: 4), port: 443, perHour: 3),
        ],
        jobs: commonJobs,
        services: ["app-server"],
        configFiles: ["/etc/app-server.conf"]
    )
}
