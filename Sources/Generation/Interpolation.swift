/// Latent-space interpolation helpers.
public enum Interpolation {
    /// Spherical interpolation between two latents; falls back to linear interpolation when they are
    /// nearly parallel (sin ω < 1e-4) or one is zero.
    public static func slerp(_ a: [Float], _ b: [Float], _ t: Double) -> [Float] {
        precondition(a.count == b.count)
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in 0..<a.count { dot += Double(a[i]) * Double(b[i]); na += Double(a[i] * a[i]); nb += Double(b[i] * b[i]) }
        let denom = (na * nb).squareRoot()
        guard denom > 1e-12 else { return lerp(a, b, t) }
        let c = min(max(dot / denom, -1), 1)
        let omega = acos(c)
        let s = sin(omega)
        guard s > 1e-4 else { return lerp(a, b, t) }
        let wa = Float(sin((1 - t) * omega) / s), wb = Float(sin(t * omega) / s)
        return (0..<a.count).map { wa * a[$0] + wb * b[$0] }
    }

    /// Linear interpolation.
    public static func lerp(_ a: [Float], _ b: [Float], _ t: Double) -> [Float] {
        precondition(a.count == b.count)
        let tf = Float(t)
        return (0..<a.count).map { a[$0] + (b[$0] - a[$0]) * tf }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
