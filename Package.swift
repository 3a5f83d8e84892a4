// swift-tools-version:6.2
import PackageDescription

// Library modules are optimised in every configuration: the test suite runs
// neural nets, flow and video filters on real clips, which are far too slow at -Onone.
// They are compiled for the CPU that builds them (like -march=native), so SIMD16 kernels get AVX-512 where the
// CPU has it and AVX2/FMA elsewhere. To build a binary for other machines, set KINEMA_TARGET_CPU (an LLVM CPU
// name such as haswell or znver3) when building.
// Tools-version 6.2 is what lets other packages depend on Kinema by version although its targets use
// unsafeFlags (SwiftPM accepts them in a versioned dependency whose own tools-version is 6.2 or later).
let targetCPU = Context.environment["KINEMA_TARGET_CPU"] ?? "native"
let optimise: [SwiftSetting] = [.unsafeFlags(["-O", "-target-cpu", targetCPU])]

let package = Package(
    name: "Kinema",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kinema", targets: ["kinema"]),
        .executable(name: "kinema-bench", targets: ["kinema-bench"]),
        // Libraries for other packages: `Kinema` re-exports every public module; one product per module for less.
        .library(name: "Kinema", targets: ["Kinema"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "VideoIO", targets: ["VideoIO"]),
        .library(name: "Neural", targets: ["Neural"]),
        .library(name: "Flow", targets: ["Flow"]),
        .library(name: "Faces", targets: ["Faces"]),
        .library(name: "Generation", targets: ["Generation"]),
        .library(name: "Restyle", targets: ["Restyle"]),
        .library(name: "Diffusion", targets: ["Diffusion"]),
        .library(name: "Upscale", targets: ["Upscale"]),
        .library(name: "Cluster", targets: ["Cluster"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat"),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas"),
        .target(name: "Imaging", exclude: ["README.md"], swiftSettings: optimise),
        .target(name: "VideoIO", dependencies: ["CFFmpeg", "Imaging"], exclude: ["README.md"], swiftSettings: optimise),
        .target(name: "Neural", dependencies: ["Imaging", "CBLAS"], exclude: ["README.md"], swiftSettings: optimise),
        .target(name: "Flow", dependencies: ["Imaging"], exclude: ["README.md"], swiftSettings: optimise),
        .target(name: "Faces", dependencies: ["Neural", "Imaging", "VideoIO", "Flow"], exclude: ["README.md", "Swap/README.md"], swiftSettings: optimise),
        .target(name: "Generation", dependencies: ["Neural", "Imaging", "VideoIO", "Diffusion", "Flow", "Upscale"], exclude: ["README.md"], swiftSettings: optimise),
        .target(name: "Diffusion", dependencies: ["Neural", "Imaging", "CBLAS"], exclude: ["README.md"], swiftSettings: optimise),
        .target(name: "Upscale", dependencies: ["Neural", "Imaging"], exclude: ["README.md"], swiftSettings: optimise),
        .target(name: "Restyle", dependencies: ["Flow", "Imaging", "VideoIO", "Neural", "Faces"], exclude: ["README.md"], swiftSettings: optimise),
        // The umbrella (path differs from the CLI's Sources/kinema so checkouts work on case-insensitive disks).
        .target(name: "Kinema", dependencies: ["Imaging", "VideoIO", "Neural", "Flow", "Faces", "Generation", "Restyle", "Diffusion", "Cluster", "Upscale"],
                path: "Sources/KinemaLibrary"),
        .target(name: "Cluster", exclude: ["README.md"]),
        .target(name: "TestMedia", dependencies: ["Imaging", "VideoIO"], path: "Sources/TestMedia"),
        .executableTarget(
            name: "kinema",
            dependencies: [
                "Imaging", "VideoIO", "Neural", "Faces", "Generation", "Restyle", "Flow", "Cluster", "Diffusion", "Upscale",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "kinema-bench",
            dependencies: ["Imaging", "VideoIO", "Neural", "Faces", "Generation", "Restyle", "Flow", "Diffusion", "Upscale"],
            swiftSettings: optimise),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"], resources: [.copy("Fixtures")]),
        .testTarget(name: "VideoIOTests", dependencies: ["VideoIO", "Imaging"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NeuralTests", dependencies: ["Neural", "Imaging"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FlowTests", dependencies: ["Flow", "Imaging", "VideoIO", "TestMedia"]),
        .testTarget(name: "FacesTests", dependencies: ["Faces", "Neural", "Imaging", "VideoIO", "Flow"], exclude: ["SwapFixtures"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GenerationTests", dependencies: ["Generation", "Neural", "Imaging", "VideoIO", "Faces"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CLITests", dependencies: ["VideoIO", "Imaging", "Neural", "Generation", "TestMedia", "Cluster"]),
        .testTarget(name: "DiffusionTests", dependencies: ["Diffusion", "Neural", "Imaging"], resources: [.copy("Fixtures")]),
        .testTarget(name: "UpscaleTests", dependencies: ["Upscale", "Neural", "Imaging", "VideoIO", "Faces"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RestyleTests", dependencies: ["Restyle", "Flow", "Imaging", "VideoIO", "TestMedia", "Neural", "Faces"], resources: [.copy("Fixtures")]),
    ]
)
