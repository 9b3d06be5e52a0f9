// swift-tools-version:6.0
// The Swift side of the Banshitong core: the generated uniffi bindings plus
// our Swift wrappers, as one library, `Banshitong`, in the Swift 6 language
// mode (complete concurrency checking) — generated code included, since
// uniffi 0.32's Swift compiles there without a diagnostic.
//
// The C half of the bindings (module BanshitongFFI, built by
// scripts/generate-bindings.sh) comes from a different place per platform:
//  - Linux (the tests, scripts/test-swift.sh): Sources/BanshitongFFI as a
//    system library, linked against libbanshitong_ffi.so in $BST_LIB_DIR.
//  - Apple platforms: BanshitongFFI.xcframework, the static library for
//    devices and simulators (scripts/build-xcframework.sh). With
//    BST_LIB_DIR set, a Mac takes the Linux route instead, against the host
//    libbanshitong_ffi.dylib, so scripts/test-swift.sh runs there too.
import PackageDescription

let hostLibDir = Context.environment["BST_LIB_DIR"]

#if os(Linux)
let linksHostLibrary = true
#else
let linksHostLibrary = hostLibDir != nil
#endif

let ffi: Target
let linkSettings: [LinkerSetting]
if linksHostLibrary {
    ffi = .systemLibrary(name: "BanshitongFFI", path: "Sources/BanshitongFFI")
    // The absolute path of the folder holding the library; unset (Linux
    // only), the linker searches its default folders.
    linkSettings = hostLibDir.map { libDir in
        [.unsafeFlags(["-L\(libDir)", "-Xlinker", "-rpath", "-Xlinker", libDir])]
    } ?? []
} else {
    ffi = .binaryTarget(name: "BanshitongFFI", path: "BanshitongFFI.xcframework")
    // A static library carries no autolink entries for the system frameworks
    // and libraries its Rust code uses (the keychain store: Security and
    // CoreFoundation; Rust's std: libiconv), so the app's link must name
    // them. build-xcframework.sh checks this list against rustc's
    // native-static-libs.
    linkSettings = [
        .linkedFramework("CoreFoundation"),
        .linkedFramework("Security"),
        .linkedLibrary("iconv"),
    ]
}

let package = Package(
    name: "Banshitong",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Banshitong", targets: ["Banshitong"])
    ],
    targets: [
        ffi,
        .target(
            name: "Banshitong",
            dependencies: ["BanshitongFFI"],
            path: "Sources/Banshitong",
            linkerSettings: linkSettings
        ),
        .testTarget(
            name: "BanshitongTests",
            dependencies: ["Banshitong"],
            path: "Tests/BanshitongTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
