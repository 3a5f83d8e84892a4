import CBLAS
import Foundation

/// OpenBLAS kernel selection.
///
/// Debian's OpenBLAS 0.3.21 does not recognise this host's CPU model and falls back to its
/// "Prescott" (SSE3) kernels, which run sgemm ~10× slower than the AVX-512 "SkylakeX" kernels the CPU
/// supports. The core type can only be chosen through `OPENBLAS_CORETYPE` before the library loads,
/// so executables (not the library) re-exec themselves with it set; this type only gives the advice.
public enum BLASCore {
    /// The kernel set OpenBLAS picked at load time (e.g. "Prescott", "Haswell", "SkylakeX").
    public static var current: String {
        guard let p = openblas_get_corename() else { return "unknown" }
        return String(cString: p)
    }

    /// Worker count for kernels that split work across cores themselves.
    public static let parallelism = max(1, ProcessInfo.processInfo.activeProcessorCount)

    nonisolated(unsafe) private static var ownParallelism = false

    /// Whether Kinema kernels split sgemm work across cores themselves (OpenBLAS limited to one thread).
    public static var ownsParallelism: Bool { ownParallelism }

    /// Limits OpenBLAS to one thread for the rest of the process and lets Kinema's kernels split their
    /// sgemm calls across cores instead: OpenBLAS's pool spin-waits after each call and steals the cores
    /// from the work that follows. Call once at startup, before any thread uses BLAS (executables do;
    /// libraries and tests leave OpenBLAS's own threading alone).
    public static func useOwnParallelism() {
        openblas_set_num_threads(1)
        ownParallelism = true
    }

    /// The `OPENBLAS_CORETYPE` value that would be faster than the current choice, or nil when the
    /// current one is already right, the variable is already set, or the CPU flags cannot be read.
    public static func recommendedCoreType() -> String? {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil else { return nil }
        let cur = current.lowercased()
        guard ["prescott", "core2", "nehalem", "sandybridge", "katmai", "coppermine", "northwood", "banias", "penryn", "dunnington", "atom", "unknown"]
            .contains(cur) else { return nil }
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].allSatisfy(flags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        return nil
    }
}
