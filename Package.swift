// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Herald",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "herald", targets: ["herald"]),
        .library(name: "HeraldCore", targets: ["HeraldCore"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // Pinned to the minor version whose parser scripts/compile-theme.py mirrors (docs/ARCHITECTURE.md).
        .package(url: "https://github.com/hummingbird-project/swift-mustache", .upToNextMinor(from: "2.1.1")),
        // herald serve: a small HTTP server with no dependencies of its own.
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1")
    ],
    targets: [
        // libcmark from Debian (libcmark-dev); only HeraldMarkdown imports it.
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        .target(name: "HeraldMarkdown", dependencies: ["CCmark"]),
        // libcurl from Debian (libcurl4-openssl-dev): `herald notify`'s webhooks and SMTP; only
        // Notify/Curl.swift imports it.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "HeraldCore",
            dependencies: [
                "HeraldMarkdown",
                "CCurl",
                "Yams",
                .product(name: "Mustache", package: "swift-mustache")
            ],
            // The built-in theme, compiled into the binary so `herald` works from anywhere.
            resources: [.embedInCode("Render/Theme/Templates")]
        ),
        .target(
            name: "HeraldCLI",
            dependencies: [
                "HeraldCore",
                "HeraldServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]
        ),
        // herald serve: the local preview server, on its own so that nothing else depends on the
        // HTTP library.
        .target(
            name: "HeraldServe",
            dependencies: ["HeraldCore", .product(name: "FlyingFox", package: "FlyingFox")]
        ),
        .executableTarget(
            name: "herald",
            dependencies: ["HeraldCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "HeraldCoreTests", dependencies: ["HeraldCore", "HeraldMarkdown"]),
        .testTarget(name: "HeraldCLITests", dependencies: ["HeraldCLI", "HeraldCore", "HeraldServe"])
    ]
)
