// swift-tools-version:6.1
import PackageDescription

// Benchmarks for OrientirLog and the read models (ordo-one/benchmark). Kept as a separate package so that the benchmark
// framework and its malloc interposer never become dependencies of the main package.
//
//   cd Benchmarks && swift package --allow-writing-to-directory /tmp benchmark
let package = Package(
    name: "OrientirBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(name: "Orientir", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "LogBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OrientirLog", package: "Orientir"),
            ],
            path: "Benchmarks/LogBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        .executableTarget(
            name: "ReadModelBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OrientirLog", package: "Orientir"),
                .product(name: "OrientirEvents", package: "Orientir"),
                .product(name: "OrientirProjections", package: "Orientir"),
                .product(name: "OrientirFootprints", package: "Orientir"),
                .product(name: "OrientirIndicators", package: "Orientir"),
            ],
            path: "Benchmarks/ReadModelBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
