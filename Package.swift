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
        .executable(name: "crm-bench", targets: ["CRMBench"]),
        .library(name: "CRMModel", targets: ["CRMModel"]),
        .library(name: "SyncCore", targets: ["SyncCore"]),
        .library(name: "LocalReplica", targets: ["LocalReplica"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        .target(name: "CRMModel"),
        .target(name: "SyncCore", dependencies: ["CRMModel"]),
        .target(
            name: "LocalReplica",
            dependencies: [
                "CRMModel", "SyncCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "CRMCommands",
            dependencies: [
                "CRMModel", "LocalReplica", "SyncCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "crm", dependencies: ["CRMCommands"]),
        .executableTarget(
            name: "CRMBench",
            dependencies: [
                "CRMModel", "LocalReplica", "SyncCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "CRMTestSupport",
            dependencies: ["CRMModel", "SyncCore", "LocalReplica", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "CRMModelTests", dependencies: ["CRMModel", "CRMTestSupport"]),
        .testTarget(name: "SyncCoreTests", dependencies: ["SyncCore", "CRMTestSupport"]),
        .testTarget(
            name: "LocalReplicaTests",
            dependencies: [
                "LocalReplica", "CRMTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "CRMCommandTests",
            dependencies: ["CRMTestSupport", "LocalReplica", "crm"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
