extension Image {
    /// Bilinearly interpolated value of channel `c` at (x, y), pixel centres at
    /// integers; coordinates outside the image are clamped to the edge.
    @inlinable
    public func sample(x: Float, y: Float, c: Int) -> Float {
        guard width > 0, height > 0 else { return 0 }
        let cx = x.isNaN ? 0 : min(max(x, 0), Float(width - 1))
        let cy = y.isNaN ? 0 : min(max(y, 0), Float(height - 1))
        let x0 = Int(cx), y0 = Int(cy)
        let x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
        let ax = cx - Float(x0), ay = cy - Float(y0)
        let v00 = data[(y0 * width + x0) * channels + c]
        let v10 = data[(y0 * width + x1) * channels + c]
        let v01 = data[(y1 * width + x0) * channels + c]
        let v11 = data[(y1 * width + x1) * channels + c]
        let top = v00 + ax * (v10 - v00)
        let bottom = v01 + ax * (v11 - v01)
        return top + ay * (bottom - top)
    }

    /// Bilinearly interpolated pixel at (x, y), all channels, edge-clamped.
    public func sample(x: Float, y: Float) -> [Float] {
        (0..<channels).map { sample(x: x, y: y, c: $0) }
    }
}
