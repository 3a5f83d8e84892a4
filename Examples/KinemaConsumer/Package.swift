// swift-tools-version:6.2
import PackageDescription

// An ordinary package that uses Kinema as a versioned dependency, the way another project would.
// `make consumer` (part of `make test`) clones this repository into a temporary folder, tags the clone
// and points KINEMA_URL at it; a real project writes the repository's URL here instead.
let kinemaURL = Context.environment["KINEMA_URL"] ?? "https://github.com/kinema-video/kinema.git"

let package = Package(
    name: "KinemaConsumer",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: kinemaURL, from: "0.2.0"),
    ],
    targets: [
        .executableTarget(name: "KinemaConsumer", dependencies: [.product(name: "Kinema", package: "kinema")]),
    ]
)
