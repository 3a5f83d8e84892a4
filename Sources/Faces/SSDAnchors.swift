import Foundation

/// One SSD anchor: a centre and size in the detector's normalised input space (0...1).
public struct SSDAnchor: Sendable, Equatable {
    /// Horizontal centre, 0...1 across the model input.
    public var centerX: Float
    /// Vertical centre, 0...1 down the model input.
    public var centerY: Float
    /// Width (1 for fixed-size anchors).
    public var width: Float
    /// Height (1 for fixed-size anchors).
    public var height: Float
    /// Creates an anchor.
    public init(centerX: Float, centerY: Float, width: Float, height: Float) {
        self.centerX = centerX; self.centerY = centerY; self.width = width; self.height = height
    }
}

/// The options of MediaPipe's `SsdAnchorsCalculator`, restricted to what BlazeFace uses.
///
/// Anchors are laid out layer by layer; consecutive layers with the same stride share one
/// feature map and are merged, each contributing its aspect ratios (plus the interpolated
/// one) to every cell. Within a feature map the order is row, column, anchor.
public struct SSDAnchorOptions: Sendable, Equatable {
    /// Model input width in pixels.
    public var inputWidth: Int
    /// Model input height in pixels.
    public var inputHeight: Int
    /// Smallest anchor scale (first layer).
    public var minScale: Float
    /// Largest anchor scale (last layer).
    public var maxScale: Float
    /// Feature-map stride of each layer, in input pixels.
    public var strides: [Int]
    /// Aspect ratios every layer contributes.
    public var aspectRatios: [Float]
    /// Aspect ratio of the extra anchor interpolated between this layer's scale and the next;
    /// 0 disables the extra anchor.
    public var interpolatedScaleAspectRatio: Float
    /// Anchor centre offset within a cell (0.5 = cell centre).
    public var anchorOffsetX: Float
    /// Anchor centre offset within a cell (0.5 = cell centre).
    public var anchorOffsetY: Float
    /// When true every anchor has width = height = 1 (BlazeFace regresses absolute sizes).
    public var fixedAnchorSize: Bool

    /// Creates anchor options.
    public init(inputWidth: Int, inputHeight: Int, minScale: Float, maxScale: Float, strides: [Int],
                aspectRatios: [Float] = [1], interpolatedScaleAspectRatio: Float = 1,
                anchorOffsetX: Float = 0.5, anchorOffsetY: Float = 0.5, fixedAnchorSize: Bool = true) {
        self.inputWidth = inputWidth; self.inputHeight = inputHeight
        self.minScale = minScale; self.maxScale = maxScale; self.strides = strides
        self.aspectRatios = aspectRatios; self.interpolatedScaleAspectRatio = interpolatedScaleAspectRatio
        self.anchorOffsetX = anchorOffsetX; self.anchorOffsetY = anchorOffsetY
        self.fixedAnchorSize = fixedAnchorSize
    }

    /// BlazeFace short range (`face_detection_short_range.pbtxt`): 128×128 input,
    /// strides 8, 16, 16, 16 → 16×16×2 + 8×8×6 = 896 anchors.
    public static let shortRange = SSDAnchorOptions(
        inputWidth: 128, inputHeight: 128, minScale: 0.1484375, maxScale: 0.75, strides: [8, 16, 16, 16])

    /// BlazeFace full range (`face_detection_full_range.pbtxt`): 192×192 input,
    /// one stride-4 layer with no interpolated anchor → 48×48 = 2304 anchors.
    public static let fullRange = SSDAnchorOptions(
        inputWidth: 192, inputHeight: 192, minScale: 0.1484375, maxScale: 0.75, strides: [4],
        interpolatedScaleAspectRatio: 0)
}

/// Generates SSD anchors the way MediaPipe's `SsdAnchorsCalculator` does.
public enum SSDAnchors {
    /// The anchor scale of layer `index` of `count`, linearly between min and max.
    static func scale(min: Float, max: Float, index: Int, count: Int) -> Float {
        count == 1 ? (min + max) * 0.5 : min + (max - min) * Float(index) / Float(count - 1)
    }

    /// All anchors for `options`, in the order the model's outputs enumerate them.
    public static func generate(_ options: SSDAnchorOptions) -> [SSDAnchor] {
        var anchors: [SSDAnchor] = []
        let strides = options.strides
        var layer = 0
        while layer < strides.count {
            var ratios: [Float] = []
            var scales: [Float] = []
            var last = layer
            while last < strides.count && strides[last] == strides[layer] {
                let s = scale(min: options.minScale, max: options.maxScale, index: last, count: strides.count)
                for r in options.aspectRatios { ratios.append(r); scales.append(s) }
                if options.interpolatedScaleAspectRatio > 0 {
                    let next = last == strides.count - 1
                        ? Float(1) : scale(min: options.minScale, max: options.maxScale, index: last + 1, count: strides.count)
                    scales.append((s * next).squareRoot())
                    ratios.append(options.interpolatedScaleAspectRatio)
                }
                last += 1
            }
            let stride = strides[layer]
            let rows = (options.inputHeight + stride - 1) / stride
            let cols = (options.inputWidth + stride - 1) / stride
            anchors.reserveCapacity(anchors.count + rows * cols * ratios.count)
            for y in 0..<rows {
                for x in 0..<cols {
                    let cx = (Float(x) + options.anchorOffsetX) / Float(cols)
                    let cy = (Float(y) + options.anchorOffsetY) / Float(rows)
                    for k in 0..<ratios.count {
                        if options.fixedAnchorSize {
                            anchors.append(SSDAnchor(centerX: cx, centerY: cy, width: 1, height: 1))
                        } else {
                            let root = ratios[k].squareRoot()
                            anchors.append(SSDAnchor(centerX: cx, centerY: cy,
                                                     width: scales[k] * root, height: scales[k] / root))
                        }
                    }
                }
            }
            layer = last
        }
        return anchors
    }
}
