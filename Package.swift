// swift-tools-version: 6.1
import PackageDescription

/// Layers, dependencies pointing inward:
/// CRMModel (pure domain) <- SyncCore (pure HLC/change log values) <- LocalReplica (GRDB)
/// <- CRMCommands (argument parsing) <- thin executables.
let package = Package(
    name: "BranchSync",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "crm", targets: ["crm"]),
        .executable(name: "crm-server", targets: ["crm-server"]),
        .executable(name: "crm-bench", targets: ["CRMBench"]),
        .executable(name: "crm-sim", targets: ["crm-sim"]),
        .library(name: "CRMModel", targets: ["CRMModel"]),
        .library(name: "SyncCore", targets: ["SyncCore"]),
        .library(name: "LocalReplica", targets: ["LocalReplica"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
    ],
    targets: [
        .target(name: "CRMModel"),
        .target(name: "SyncCore", dependencies: ["CRMModel"]),
        .target(
            name: "SQLiteBinding",
            dependencies: [
                "SyncCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "LocalReplica",
            dependencies: [
                "CRMModel", "SyncCore", "SQLiteBinding",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .systemLibrary(
            name: "CCurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "ServerStore",
            dependencies: [
                "CRMModel", "SyncCore", "SQLiteBinding",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "PostgresStore",
            dependencies: [
                "CRMModel", "SyncCore", "ServerStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SyncServer",
            dependencies: [
                "CRMModel", "SyncCore", "SQLiteBinding", "ServerStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "SyncEngine",
            dependencies: [
                "CCurl", "CRMModel", "SyncCore", "LocalReplica", "SQLiteBinding",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ServerCommands",
            dependencies: [
                "SyncServer", "CRMModel", "PostgresStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "crm-server",
            dependencies: ["ServerCommands", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .target(
            name: "CRMCommands",
            dependencies: [
                "CRMModel", "LocalReplica", "SyncCore", "SyncEngine", "WorkstationUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "WorkstationUI",
            dependencies: [
                "CRMModel", "LocalReplica", "SyncEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(name: "crm", dependencies: ["CRMCommands"]),
        .executableTarget(
            name: "CRMBench",
            dependencies: [
                "CRMModel", "LocalReplica", "SyncCore", "SyncEngine", "SyncServer", "WorkstationUI", "PostgresStore", "CRMTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "CRMSim", dependencies: ["CRMModel", "SyncCore", "LocalReplica", "SyncEngine", "ServerStore"]),
        .executableTarget(
            name: "crm-sim",
            dependencies: ["CRMSim", "SyncCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .target(
            name: "CRMTestSupport",
            dependencies: ["CRMModel", "SyncCore", "LocalReplica", "SyncEngine", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "CRMModelTests", dependencies: ["CRMModel", "CRMTestSupport"]),
        .testTarget(name: "SyncCoreTests", dependencies: ["SyncCore", "CRMTestSupport"]),
        .testTarget(name: "WorkstationUITests", dependencies: ["WorkstationUI", "CRMTestSupport", "LocalReplica", "CRMModel"]),
        .testTarget(
            name: "LocalReplicaTests",
            dependencies: [
                "LocalReplica", "CRMTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "SyncEngineTests",
            dependencies: [
                "SyncEngine", "SyncServer", "CRMTestSupport", "LocalReplica", "crm", "crm-server",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "ConflictTests",
            dependencies: [
                "SyncEngine", "CRMTestSupport", "LocalReplica", "crm", "crm-server", "SyncCore", "CRMSim",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "CRMCommandTests",
            dependencies: ["CRMTestSupport", "LocalReplica", "SyncEngine", "crm", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
