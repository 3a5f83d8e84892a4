import Foundation
import Imaging
import Neural

/// Which BlazeFace model to run.
public enum FaceDetectorRange: String, Sendable, CaseIterable, Codable {
    /// Short-range model (128×128 input): faces within ~2 m, taking a good part of the frame.
    case short
    /// Full-range model (192×192 input): small and distant faces too.
    case full
    /// Short range first; full range only when short range finds nothing.
    case auto
    /// Both models, their detections merged by weighted NMS: group photos, where short range finds the
    /// large faces and full range the small or downward-looking ones.
    case both
}

/// The fixed parameters of one BlazeFace model (MediaPipe's graph options).
public struct BlazeFaceConfig: Sendable {
    /// Model file name in `models/`.
    public var modelName: String
    /// Anchor layout.
    public var anchors: SSDAnchorOptions
    /// Minimum sigmoid score of a detection.
    public var scoreThreshold: Float
    /// IoU above which weighted NMS merges boxes.
    public var iouThreshold: Float

    /// Creates a configuration.
    public init(modelName: String, anchors: SSDAnchorOptions, scoreThreshold: Float, iouThreshold: Float = 0.3) {
        self.modelName = modelName; self.anchors = anchors
        self.scoreThreshold = scoreThreshold; self.iouThreshold = iouThreshold
    }

    /// `face_detection_short_range.tflite`: score ≥ 0.5, NMS IoU 0.3 (MediaPipe's values).
    public static let shortRange = BlazeFaceConfig(
        modelName: "face_detection_short_range.tflite", anchors: .shortRange, scoreThreshold: 0.5)
    /// `face_detection_full_range.tflite`: score ≥ 0.5, NMS IoU 0.3 (MediaPipe's `min_score_thresh`, so a
    /// face looking down in a group photo, which MediaPipe finds at 0.565, is kept).
    public static let fullRange = BlazeFaceConfig(
        modelName: "face_detection_full_range.tflite", anchors: .fullRange, scoreThreshold: 0.5)
}

/// One loaded BlazeFace model: letterbox, run, decode, suppress.
///
/// Used only under `FaceDetector`'s lock.
final class BlazeFace {
    let config: BlazeFaceConfig
    let interpreter: Interpreter
    let decoder: DetectionDecoder
    let size: Int
    let regressorIndex: Int
    let scoreIndex: Int

    init(config: BlazeFaceConfig, threads: Int) throws {
        self.config = config
        let model = try TFLiteModel(contentsOf: ModelLocator.url(named: config.modelName))
        interpreter = try Interpreter(model: model, threads: threads)
        let size = config.anchors.inputWidth
        self.size = size
        guard interpreter.inputShapes.count == 1, interpreter.inputShapes[0] == [1, size, size, 3] else {
            throw FacesError.badModelInput("\(config.modelName): expected one [1, \(size), \(size), 3] input, got \(interpreter.inputShapes)")
        }
        let anchors = SSDAnchors.generate(config.anchors)
        // Outputs are told apart by shape: [1, N, 16] regressors and [1, N, 1] logits.
        let shapes = interpreter.outputShapes
        guard let r = shapes.firstIndex(of: [1, anchors.count, DetectionDecoder.valuesPerAnchor]),
              let s = shapes.firstIndex(of: [1, anchors.count, 1]) else {
            throw FacesError.badModelOutput("\(config.modelName): outputs \(shapes) do not match \(anchors.count) anchors")
        }
        regressorIndex = r; scoreIndex = s
        decoder = DetectionDecoder(anchors: anchors, scale: Float(size), scoreThreshold: config.scoreThreshold)
    }

    /// The filter that scales a `width`-wide source into the letterbox: area when shrinking.
    static func filter(_ lb: Letterbox, sourceWidth width: Int) -> ResizeFilter {
        lb.contentWidth < width ? .area : .bilinear
    }

    /// Letterboxes `image` (RGB, 0...1) into the model input, scaled to [-1, 1]; padding is black (-1).
    func inputTensor(_ image: Image, letterbox lb: Letterbox) throws -> Tensor {
        let filter = Self.filter(lb, sourceWidth: image.width)
        return try inputTensor(content: image.resized(width: lb.contentWidth, height: lb.contentHeight, filter: filter), letterbox: lb)
    }

    /// Places the already scaled `content` (RGB, 0...1) into the model input.
    func inputTensor(content: Image, letterbox lb: Letterbox) throws -> Tensor {
        var data = [Float](repeating: -1, count: size * size * 3)
        content.data.withUnsafeBufferPointer { src in
            data.withUnsafeMutableBufferPointer { dst in
                for y in 0..<lb.contentHeight {
                    let s = y * lb.contentWidth * 3
                    let d = ((y + lb.padTop) * size + lb.padLeft) * 3
                    for i in 0..<(lb.contentWidth * 3) { dst[d + i] = src[s + i] * 2 - 1 }
                }
            }
        }
        return try Tensor(shape: [1, size, size, 3], data: data)
    }

    func detect(_ image: Image) throws -> [FaceDetection] {
        let lb = try Letterbox(sourceWidth: image.width, sourceHeight: image.height, size: size)
        return try run(inputTensor(image, letterbox: lb), letterbox: lb)
    }

    /// Detection on an 8-bit RGB image, scaled into the letterbox straight from the bytes
    /// (same values as converting first; the full frame is never converted to floats).
    func detect(_ bytes: ByteImage) throws -> [FaceDetection] {
        let lb = try Letterbox(sourceWidth: bytes.width, sourceHeight: bytes.height, size: size)
        let content = Image(resampling: bytes, x: 0, y: 0, width: bytes.width, height: bytes.height,
                            toWidth: lb.contentWidth, toHeight: lb.contentHeight, filter: Self.filter(lb, sourceWidth: bytes.width))
        return try run(inputTensor(content: content, letterbox: lb), letterbox: lb)
    }

    private func run(_ input: Tensor, letterbox lb: Letterbox) throws -> [FaceDetection] {
        let outputs = try interpreter.run([input])
        guard outputs.count > max(regressorIndex, scoreIndex) else {
            throw FacesError.badModelOutput("\(config.modelName): \(outputs.count) outputs")
        }
        let raw = try decoder.decode(regressors: outputs[regressorIndex].data, scores: outputs[scoreIndex].data)
        return WeightedNMS.apply(raw, iouThreshold: config.iouThreshold).map(lb.toSource)
    }
}

/// BlazeFace face detector (MediaPipe face detection), running on Kinema's TFLite runtime.
///
/// The image is letterboxed into the model's square input (aspect kept, black padding, values
/// in [-1, 1]), the SSD outputs are decoded against the model's anchors, scored with a clipped
/// sigmoid, merged by weighted NMS (IoU 0.3) and mapped back to source pixels.
/// Thread-safe: calls are serialised by a lock (which also guards the lazily loaded model).
public final class FaceDetector: @unchecked Sendable {
    /// The range this detector was created with.
    public let range: FaceDetectorRange
    private let threads: Int
    private let lock = NSLock()
    private var short: BlazeFace?
    private var full: BlazeFace?

    /// Loads the model(s) for `range` from `models/` (see `ModelLocator`).
    /// For `.auto` the full-range model is loaded on first need.
    /// - Throws: model-loading errors from `Neural`, or `FacesError` if a model has unexpected tensors.
    public init(range: FaceDetectorRange = .auto, threads: Int = 2) throws {
        self.range = range
        self.threads = max(1, threads)
        // Load eagerly so a missing or broken model fails here, not on the first frame.
        if range == .full {
            full = try BlazeFace(config: .fullRange, threads: self.threads)
        } else {
            short = try BlazeFace(config: .shortRange, threads: self.threads)
        }
    }

    /// Faces in `image`, best first, in source pixels (pixel centres at integer coordinates).
    /// - Throws: `FacesError.badImage` for empty images or unsupported channel counts; model-loading
    ///   errors when `.auto` first needs the full-range model; runtime errors.
    public func detect(_ image: Image) throws -> [FaceDetection] {
        let rgb = try Self.rgb(image)
        lock.lock(); defer { lock.unlock() }
        if range != .full {
            let found = try model(full: false).detect(rgb)
            if range == .short || (range == .auto && !found.isEmpty) { return found }
            if range == .both { return Self.merge(found, try model(full: true).detect(rgb)) }
        }
        return try model(full: true).detect(rgb)
    }

    /// The short- or full-range model, loading it on first use. Call with `lock` held.
    private func model(full wantFull: Bool) throws -> BlazeFace {
        if wantFull {
            if let full { return full }
            let m = try BlazeFace(config: .fullRange, threads: threads)
            full = m
            return m
        }
        if let short { return short }
        let m = try BlazeFace(config: .shortRange, threads: threads)
        short = m
        return m
    }

    /// Faces in an 8-bit image; see `detect(_: Image)`.
    /// - Throws: as `detect(_: Image)`.
    public func detect(_ image: ByteImage) throws -> [FaceDetection] {
        guard image.channels == 3, image.width > 0, image.height > 0 else { return try detect(Image(image)) }
        lock.lock(); defer { lock.unlock() }
        if range != .full {
            let found = try model(full: false).detect(image)
            if range == .short || (range == .auto && !found.isEmpty) { return found }
            if range == .both { return Self.merge(found, try model(full: true).detect(image)) }
        }
        return try model(full: true).detect(image)
    }

    /// One list from both models' detections: a face both found becomes one score-weighted detection.
    static func merge(_ short: [FaceDetection], _ full: [FaceDetection]) -> [FaceDetection] {
        WeightedNMS.apply(short + full, iouThreshold: BlazeFaceConfig.shortRange.iouThreshold)
    }

    /// Drops alpha or expands grey so the models always see RGB.
    static func rgb(_ image: Image) throws -> Image {
        guard image.width > 0, image.height > 0 else { throw FacesError.badImage("empty image") }
        switch image.channels {
        case 3: return image
        case 1, 4:
            var out = [Float](repeating: 0, count: image.pixelCount * 3)
            for i in 0..<image.pixelCount {
                for c in 0..<3 { out[3 * i + c] = image.data[i * image.channels + (image.channels == 1 ? 0 : c)] }
            }
            return Image(width: image.width, height: image.height, channels: 3, data: out)
        default:
            throw FacesError.badImage("\(image.channels) channels; expected 1, 3 or 4")
        }
    }
}
