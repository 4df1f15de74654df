// swift-tools-version:6.1
import PackageDescription

/// Herdwatch: a capture agent (`herdwatch-agent`) and a service/operator CLI (`herdwatch`)
/// over libraries that keep pure logic (AuditCore, FleetSimulator, FleetModel) apart from I/O.
/// Dependencies point one way: executables → runtimes → pure cores → FleetModel.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

/// The agent runs on every host: its release build carries the Swift runtime and Foundation
/// inside (hosts need no Swift installed), starts sooner (no symbol lookups across a dozen
/// Swift libraries) and calls the runtime directly. Foundation's own static libraries are named
/// here because modules compiled for the shared runtime do not autolink them.
let staticRuntime = [
    "-static-stdlib", "-Xlinker", "--start-group", "-lFoundation", "-lFoundationEssentials",
    "-lFoundationInternationalization", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCollections",
    "-l_FoundationCShims", "-Xlinker", "--end-group",
]

let package = Package(
    name: "herdwatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "herdwatch-agent", targets: ["AgentMain"]),
        .executable(name: "herdwatch", targets: ["ServerMain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        // Pure cores: no sockets, no libpq, no logging.
        .target(name: "CivilTime", swiftSettings: swiftSettings),
        .target(name: "FleetModel", dependencies: ["CivilTime"], swiftSettings: swiftSettings),
        .target(name: "AuditCore", dependencies: ["FleetModel"], swiftSettings: swiftSettings),
        .target(name: "FleetSimulator", dependencies: ["FleetModel", "CivilTime"], swiftSettings: swiftSettings),
        .target(name: "Baselining", dependencies: ["FleetModel"], swiftSettings: swiftSettings),
        .target(name: "Settings", dependencies: ["Yams"], swiftSettings: swiftSettings),
        // Both executables' logging bootstrap (standard error, once per process).
        .target(name: "LoggingSetup", dependencies: [.product(name: "Logging", package: "swift-log")], swiftSettings: swiftSettings),
        .target(name: "FileIntegrity", dependencies: ["FleetModel"], swiftSettings: swiftSettings),
        // Finding kinds, statuses, triage and the severity formula: pure.
        .target(name: "Findings", swiftSettings: swiftSettings),
        // Secret redaction before anything leaves the host: pure, keyed markers through HMAC-SHA256.
        .target(
            name: "Redaction",
            dependencies: ["FleetModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),

        // PostgreSQL through libpq.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(name: "LibPQ", dependencies: ["CLibPQ", "CivilTime"], swiftSettings: swiftSettings),
        .target(
            name: "Storage",
            dependencies: ["LibPQ", "FleetModel", "Baselining", "Findings"],
            swiftSettings: swiftSettings,
            plugins: ["EmbedSQL"]
        ),

        // Kernel audit netlink.
        .target(name: "CLinuxAudit"),
        // glibc mallopt(3), for the long-running agent's heap settings.
        .target(name: "CMalloc"),

        // Runtimes: I/O and services.
        .target(
            name: "AgentRuntime",
            dependencies: [
                "AuditCore", "FileIntegrity", "FleetModel", "Redaction", "Storage", "LibPQ", "CLinuxAudit", "Settings",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ServerRuntime",
            dependencies: [
                "Storage", "FleetModel", "FleetSimulator", "Settings", "LibPQ", "Baselining", "AuditCore", "Findings",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // Executables: wiring only.
        .executableTarget(
            name: "AgentMain",
            dependencies: [
                "AgentRuntime", "AuditCore", "FileIntegrity", "FleetModel", "Settings", "Storage", "LibPQ", "LoggingSetup", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: [.unsafeFlags(staticRuntime, .when(platforms: [.linux], configuration: .release))]
        ),
        .executableTarget(
            name: "ServerMain",
            dependencies: [
                "ServerRuntime", "Storage", "Settings", "FleetSimulator", "FleetModel", "Baselining", "Findings", "LoggingSetup",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Build tooling: sql/*.sql embedded into Storage so each binary carries its schema.
        .executableTarget(name: "SQLEmbedder", swiftSettings: swiftSettings),
        .plugin(name: "EmbedSQL", capability: .buildTool(), dependencies: ["SQLEmbedder"]),

        // Test support: a throwaway PostgreSQL cluster started by the tests themselves.
        .target(
            name: "PostgresFixture",
            dependencies: ["LibPQ", "Storage"],
            path: "Tests/PostgresFixture",
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "AuditCoreTests",
            dependencies: ["AuditCore", "FleetModel"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "LibPQ", "PostgresFixture", "FleetModel", "AuditCore", "Findings"], swiftSettings: swiftSettings),
        .testTarget(name: "CivilTimeTests", dependencies: ["CivilTime"], swiftSettings: swiftSettings),
        .testTarget(name: "SettingsTests", dependencies: ["Settings"], swiftSettings: swiftSettings),
        .testTarget(name: "CommandLineTests", dependencies: ["PostgresFixture", "ServerRuntime", "Settings"], swiftSettings: swiftSettings),
        .testTarget(name: "LibPQTests", dependencies: ["LibPQ", "PostgresFixture"], swiftSettings: swiftSettings),
        .testTarget(name: "AgentRuntimeTests", dependencies: ["AgentRuntime", "CLinuxAudit", "AuditCore", "FleetModel"], swiftSettings: swiftSettings),
        .testTarget(name: "LogSourceTests", dependencies: ["AgentRuntime"], swiftSettings: swiftSettings),
        // Test support: appends batches to a spool until the spool tests kill it with SIGKILL.
        .executableTarget(
            name: "spool-crash-helper",
            dependencies: ["AgentRuntime", .product(name: "Logging", package: "swift-log")],
            path: "Tests/SpoolCrashHelper",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SpoolTests",
            dependencies: [
                "AgentRuntime",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "FleetSimulatorTests", dependencies: ["FleetSimulator", "FleetModel", "AuditCore"], swiftSettings: swiftSettings),
        .testTarget(name: "FileIntegrityTests", dependencies: ["FileIntegrity"], swiftSettings: swiftSettings),
        .testTarget(
            name: "FIMTests",
            dependencies: ["AgentRuntime", "FileIntegrity", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "RedactionTests", dependencies: ["Redaction", "FleetModel"], swiftSettings: swiftSettings),
        .testTarget(name: "SocketSnapshotTests", dependencies: ["AgentRuntime", "FleetModel"], swiftSettings: swiftSettings),
        .testTarget(name: "BaseliningTests", dependencies: ["Baselining"], swiftSettings: swiftSettings),
        .testTarget(name: "FindingsTests", dependencies: ["Findings"], swiftSettings: swiftSettings),
        // Test support: simulated fleets and hand-made events loaded through the ingest path.
        .target(
            name: "FleetFixture",
            dependencies: ["ServerRuntime", "Storage", "LibPQ", "FleetModel", "FleetSimulator"],
            path: "Tests/FleetFixture",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LearnerTests",
            dependencies: [
                "ServerRuntime", "Storage", "Baselining", "LibPQ", "PostgresFixture", "FleetFixture", "FleetModel", "FleetSimulator",
                "AuditCore",
            ],
            swiftSettings: swiftSettings),
        // The detector over a real PostgreSQL: simulated fleets, triage, concurrency, continuous mode.
        .testTarget(
            name: "DetectionTests",
            dependencies: [
                "ServerRuntime", "Storage", "Findings", "Baselining", "LibPQ", "PostgresFixture", "FleetFixture", "FleetSimulator",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        // File integrity end to end: real directories scanned as several hosts, shipped to a real
        // PostgreSQL and judged into findings.
        .testTarget(
            name: "FileIntegrityJudgeTests",
            dependencies: [
                "AgentRuntime", "ServerRuntime", "FileIntegrity", "Findings", "PostgresFixture", "LibPQ", "Storage", "FleetModel",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Alert sinks, maintenance windows and the connections report over a real PostgreSQL.
        .testTarget(
            name: "AlertTests",
            dependencies: ["ServerRuntime", "Storage", "LibPQ", "PostgresFixture", "Findings", "FleetModel", "FleetSimulator"],
            swiftSettings: swiftSettings),
        // The agent end to end: the built herdwatch-agent against real files and a real PostgreSQL.
        .testTarget(
            name: "AgentTests",
            dependencies: ["AgentRuntime", "PostgresFixture", "LibPQ", "Storage", "Settings", "FleetModel"],
            swiftSettings: swiftSettings
        ),
    ]
)
