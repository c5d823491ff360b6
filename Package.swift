// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Orientir",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "orientir", targets: ["orientir"]),
        .library(name: "OrientirLog", targets: ["OrientirLog"]),
        .library(name: "OrientirEvents", targets: ["OrientirEvents"]),
        .library(name: "OrientirProjections", targets: ["OrientirProjections"]),
        .library(name: "OrientirFootprints", targets: ["OrientirFootprints"]),
        .library(name: "OrientirIndicators", targets: ["OrientirIndicators"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        .target(name: "COrientirSupport"),
        .target(
            name: "OrientirLog",
            dependencies: [
                "CLZ4",
                "COrientirSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "OrientirEvents",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "OrientirProjections", dependencies: ["OrientirLog", "OrientirEvents", "COrientirSupport"]),
        .target(name: "OrientirFootprints", dependencies: ["OrientirProjections"]),
        .target(name: "OrientirIndicators", dependencies: ["OrientirProjections", "OrientirFootprints"]),
        .executableTarget(
            name: "orientir",
            dependencies: [
                "OrientirLog",
                "OrientirEvents",
                "OrientirProjections",
                "OrientirFootprints",
                "OrientirIndicators",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "OrientirLogTests", dependencies: ["OrientirLog"]),
        .testTarget(name: "OrientirEventsTests", dependencies: ["OrientirEvents"]),
        .testTarget(name: "OrientirProjectionsTests", dependencies: ["OrientirProjections"]),
        .testTarget(name: "OrientirFootprintsTests", dependencies: ["OrientirFootprints"]),
        .testTarget(name: "OrientirIndicatorsTests", dependencies: ["OrientirIndicators"]),
        .testTarget(name: "OrientirCLITests", dependencies: ["OrientirLog", "OrientirEvents", "orientir"]),
    ],
    swiftLanguageModes: [.v6]
)
