// swift-tools-version:5.9
// The core for iOS: the XCFramework built by ../build-xcframework.sh and the Swift
// bindings uniffi generated from the same library.
import PackageDescription

let package = Package(
    name: "PurseCore",
    platforms: [.iOS(.v16)],
    products: [
        .library(name: "PurseCore", targets: ["PurseCore"]),
    ],
    targets: [
        .binaryTarget(name: "PurseCoreFFI", path: "PurseCoreFFI.xcframework"),
        // Sources/PurseCore/PurseCore.swift is generated; do not edit it by hand.
        .target(name: "PurseCore", dependencies: ["PurseCoreFFI"], path: "Sources/PurseCore"),
    ]
)
