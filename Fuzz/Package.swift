// swift-tools-version: 6.0
// libFuzzer targets for Herald's readers of hostile bytes (docs/security.md). A package of its own
// so that `swift build` of Herald never builds them: run them with scripts/fuzz, which builds this
// package with `-sanitize=fuzzer` (and AddressSanitizer) into Fuzz/.build.
import PackageDescription

let targets = ["FuzzFrontMatter", "FuzzPeople", "FuzzMarkdown", "FuzzManifest", "FuzzParseCache"]

let package = Package(
    name: "HeraldFuzz",
    dependencies: [.package(name: "Herald", path: "..")],
    targets: targets.map { name in
        .executableTarget(
            name: name,
            dependencies: [.product(name: "HeraldCore", package: "Herald")],
            path: "Sources/\(name)",
            // libFuzzer supplies main(); the target only defines LLVMFuzzerTestOneInput.
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    }
)
