// kinema-bench: release-build benchmarks that print ratios against peers
// measured in the same run. Usage: kinema-bench <transcode|faces|faceswap|text2video|restyle|soak|diffusion>
import Foundation

let args = CommandLine.arguments.dropFirst()
guard let which = args.first else {
    FileHandle.standardError.write("usage: kinema-bench <benchmark> [options]\n".data(using: .utf8)!)
    exit(2)
}
/// Runs one benchmark, turning a thrown error into one line and exit status 1.
func runBench(_ name: String, _ body: () throws -> Void) -> Never {
    do { try body(); exit(0) } catch {
        FileHandle.standardError.write("kinema-bench \(name): \(error)\n".data(using: .utf8)!)
        exit(1)
    }
}

let rest = Array(args.dropFirst())
switch which {
case "transcode": exit(TranscodeBench.run(rest))
case "restyle": exit(RestyleBench.run(rest))
case "faces": runBench(which) { try FacesBench.run(arguments: rest) }
case "faceswap": runBench(which) { try FaceswapBench.run(rest) }
case "text2video": runBench(which) { try Text2VideoBench.run(rest) }
case "soak": runBench(which) { try SoakBench.run(rest) }
case "diffusion": runBench(which) { try DiffusionBench.run(rest) }
default:
    FileHandle.standardError.write("kinema-bench: unknown benchmark '\(which)'\n".data(using: .utf8)!)
    exit(2)
}
