// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "faultline",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "faultline", targets: ["faultline"]),
        .library(name: "FaultlineKit", targets: ["FaultlineYAML", "FaultlineModel", "FaultlineGraph", "FaultlineRules", "FaultlineReport", "FaultlineImport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // bytes -> YAML nodes with positions
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        .target(name: "FaultlineYAML", dependencies: ["CYAML"]),
        // nodes -> typed, validated topology
        .target(name: "FaultlineModel", dependencies: ["FaultlineYAML"]),
        // topology -> sync graph, request graph, SCCs, path tables
        .target(name: "FaultlineGraph", dependencies: ["FaultlineYAML", "FaultlineModel"]),
        // graph -> findings
        .target(name: "FaultlineRules", dependencies: ["FaultlineYAML", "FaultlineModel", "FaultlineGraph"]),
        // findings -> text, JSON, SARIF, GitHub annotations, JUnit, Markdown
        .target(name: "FaultlineReport", dependencies: ["FaultlineModel", "FaultlineRules"]),
        // Compose, Kubernetes + Istio, Backstage -> a native topology with the origin of every fact
        .target(name: "FaultlineImport", dependencies: ["FaultlineYAML", "FaultlineModel"]),
        // the command line
        .executableTarget(
            name: "faultline",
            dependencies: [
                "FaultlineYAML", "FaultlineModel", "FaultlineGraph", "FaultlineRules", "FaultlineReport", "FaultlineImport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libFuzzer target over the whole pipeline (see README, "Fuzzing"); without
        // -DFUZZING it is a small tool that replays inputs given as files.
        .executableTarget(
            name: "faultline-fuzz",
            dependencies: ["FaultlineYAML", "FaultlineModel", "FaultlineRules", "FaultlineReport"]
        ),
        // What several test targets need: a leak-free file reader, a seeded random generator.
        .target(name: "FaultlineTestSupport", path: "Tests/FaultlineTestSupport"),
        .testTarget(name: "FaultlineYAMLTests", dependencies: ["FaultlineYAML", "FaultlineTestSupport"]),
        .testTarget(name: "FaultlineModelTests", dependencies: ["FaultlineModel", "FaultlineTestSupport"]),
        .testTarget(name: "FaultlineGraphTests", dependencies: ["FaultlineModel", "FaultlineGraph", "FaultlineTestSupport"]),
        .testTarget(name: "FaultlineImportTests", dependencies: ["FaultlineYAML", "FaultlineModel", "FaultlineImport", "FaultlineTestSupport"]),
        .testTarget(name: "FaultlineRulesTests", dependencies: ["FaultlineYAML", "FaultlineModel", "FaultlineGraph", "FaultlineRules", "FaultlineReport", "FaultlineTestSupport"]),
        // Runs the built binary, so it depends on the executable to have it built first.
        .testTarget(
            name: "FaultlineCLITests",
            dependencies: ["faultline", "FaultlineRules", "FaultlineReport", "FaultlineTestSupport"],
            exclude: ["BadInput", "Schemas"]  // inputs the tests hand to the binary and to the validator, not resources
        ),
    ],
    swiftLanguageModes: [.v6]
)
