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
        // Sources/PurseCore/PurseCore.swift and PurseModel.swift are generated; do not edit them.
        .target(name: "PurseCore", dependencies: ["PurseCoreFFI"], path: "Sources/PurseCore"),
    ]
)
