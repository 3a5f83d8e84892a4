import Foundation

/// Why a cluster job cannot be planned or submitted. `description` is one line.
public enum ClusterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The job arguments cannot be split (unknown job, no output, an option that parts cannot share...).
    case badArguments(String)
    /// A number of parts, task or time limit out of range.
    case badSetting(String)
    /// `sbatch` is not installed or not on PATH.
    case sbatchMissing
    /// `sbatch` refused the script: its first line of error output.
    case sbatchFailed(String)
    /// The shared folder cannot be created or written.
    case folder(path: String, reason: String)

    /// One line for humans.
    public var description: String {
        switch self {
        case .badArguments(let s): return "job arguments: \(s)"
        case .badSetting(let s): return s
        case .sbatchMissing: return "sbatch not found on PATH (install Slurm's client tools, or leave out --submit)"
        case .sbatchFailed(let s): return "sbatch failed: \(s)"
        case .folder(let p, let r): return "\(p): cannot prepare the shared folder (\(r))"
        }
    }
}

/// A kinema job command line (`restyle IN -o OUT ...`) that can be cut into parts with `--segment K/N`.
public struct SegmentedJob: Sendable, Equatable {
    /// Jobs that take `--segment`.
    public static let commands: Set<String> = ["restyle", "faceswap", "text2video", "transcode"]
    /// Flags (options without a value) of those jobs, so positional arguments can be told from option values.
    static let flags: Set<String> = ["--json", "--quiet", "--no-lighting", "--watermark", "--loop", "--resume", "-h", "--help"]
    /// Options each part would write to the same file, refused.
    static let perPartOutputs: Set<String> = ["--preview", "--frames"]

    /// The job name (`restyle`, ...).
    public let command: String
    /// The arguments after the job name, without `-o/--output`.
    public let options: [String]
    /// The output file as given.
    public let output: String
    /// The file whose audio belongs in the joined result (the input clip, or text2video's `--audio`), if any.
    public let audioSource: String?

    /// Reads `arguments` (job name first).
    /// - Throws: `ClusterError.badArguments` for an unknown job, a missing `-o`, `--segment`, `--preview` or `--frames`.
    public init(arguments: [String]) throws(ClusterError) {
        guard let name = arguments.first else { throw .badArguments("give the job after --, e.g. -- restyle IN.mp4 -o OUT.mp4 --style anime") }
        guard Self.commands.contains(name) else {
            throw .badArguments("'\(name)' cannot be split; use one of \(Self.commands.sorted().joined(separator: ", "))")
        }
        var rest: [String] = [], output: String?, positional: [String] = [], values: [String: String] = [:]
        var i = 1
        let args = Array(arguments)
        while i < args.count {
            let a = args[i]
            let (key, inline) = Self.split(a)
            if key == "-o" || key == "--output" {
                guard let v = inline ?? (i + 1 < args.count ? args[i + 1] : nil) else { throw .badArguments("-o needs a file") }
                output = v
                i += inline == nil ? 2 : 1
                continue
            }
            if key == "--segment" { throw .badArguments("--segment is set per part by the batch script; leave it out") }
            if Self.perPartOutputs.contains(key) { throw .badArguments("\(key) would be written by every part; leave it out") }
            rest.append(a)
            if a.hasPrefix("-") && a.count > 1 && Double(a) == nil {
                if inline == nil && !Self.flags.contains(key) && i + 1 < args.count {
                    values[key] = args[i + 1]
                    rest.append(args[i + 1])
                    i += 1
                } else if let inline { values[key] = inline }
            } else {
                positional.append(a)
            }
            i += 1
        }
        guard let output, !output.isEmpty else { throw .badArguments("the job needs -o OUTPUT") }
        command = name
        options = rest
        self.output = output
        switch name {
        case "faceswap": audioSource = values["--target"]
        case "text2video": audioSource = values["--audio"]
        default: audioSource = positional.first
        }
    }

    /// `--key=value` → ("--key", "value"); anything else → (argument, nil).
    private static func split(_ a: String) -> (String, String?) {
        guard a.hasPrefix("--"), let eq = a.firstIndex(of: "=") else { return (a, nil) }
        return (String(a[..<eq]), String(a[a.index(after: eq)...]))
    }
}
