// kinema-bench: release-build benchmarks that print ratios against peers
// measured in the same run. Usage: kinema-bench <transcode|faces|faceswap|text2video|restyle>
import Foundation

let args = CommandLine.arguments.dropFirst()
guard let which = args.first else {
    FileHandle.standardError.write("usage: kinema-bench <benchmark> [options]\n".data(using: .utf8)!)
    exit(2)
}
if which == "transcode" { exit(TranscodeBench.run(Array(args.dropFirst()))) }
switch which {
case "faces":
    do { try FacesBench.run(arguments: Array(args.dropFirst())); exit(0) } catch {
        FileHandle.standardError.write("kinema-bench faces: \(error)\n".data(using: .utf8)!); exit(1)
    }
case "faceswap":
    do { try FaceswapBench.run(Array(args.dropFirst())); exit(0) } catch {
        FileHandle.standardError.write("kinema-bench faceswap: \(error)\n".data(using: .utf8)!); exit(1)
    }
default: break
}
FileHandle.standardError.write("kinema-bench: unknown benchmark '\(which)'\n".data(using: .utf8)!)
exit(2)
