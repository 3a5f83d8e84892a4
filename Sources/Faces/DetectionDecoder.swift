import Foundation

/// Decodes BlazeFace's raw SSD outputs (MediaPipe's `TensorsToDetectionsCalculator` rules).
///
/// Each anchor has 16 regressor values: box centre x, centre y, width, height, then six
/// keypoints (x, y) — all in model-input pixels relative to the anchor centre
/// (`reverse_output_order`: x before y). Scores are logits.
public struct DetectionDecoder: Sendable {
    /// The anchors, in output order.
    public let anchors: [SSDAnchor]
    /// Divisor turning regressor values into normalised input units (the input size, 128 or 192).
    public let scale: Float
    /// Minimum sigmoid score to keep a box.
    public let scoreThreshold: Float
    /// Logits are clamped to ±this before the sigmoid (MediaPipe's `score_clipping_thresh`).
    public let logitClip: Float
    /// Values per anchor in the regressor tensor.
    public static let valuesPerAnchor = 16
    /// Keypoints per face.
    public static let keypointCount = 6

    /// Creates a decoder.
    public init(anchors: [SSDAnchor], scale: Float, scoreThreshold: Float, logitClip: Float = 100) {
        self.anchors = anchors; self.scale = scale
        self.scoreThreshold = scoreThreshold; self.logitClip = logitClip
    }

    /// Sigmoid of a logit clamped to ±`clip`.
    @inlinable public static func sigmoid(_ logit: Float, clip: Float = 100) -> Float {
        let z = min(max(logit, -clip), clip)
        return 1 / (1 + exp(-z))
    }

    /// Decodes every anchor whose score passes the threshold, in normalised input coordinates
    /// (0...1 across the model input, before removing the letterbox).
    /// - Throws: `FacesError.badModelOutput` when the buffers do not match the anchor count.
    public func decode(regressors: [Float], scores: [Float]) throws -> [FaceDetection] {
        let n = anchors.count
        guard regressors.count == n * Self.valuesPerAnchor, scores.count == n else {
            throw FacesError.badModelOutput(
                "expected \(n)×\(Self.valuesPerAnchor) regressors and \(n) scores, got \(regressors.count) and \(scores.count)")
        }
        var out: [FaceDetection] = []
        let inv = 1 / scale
        regressors.withUnsafeBufferPointer { r in
            for i in 0..<n {
                let score = Self.sigmoid(scores[i], clip: logitClip)
                guard score >= scoreThreshold else { continue }
                let a = anchors[i]
                let base = i * Self.valuesPerAnchor
                let cx = r[base] * inv * a.width + a.centerX
                let cy = r[base + 1] * inv * a.height + a.centerY
                let w = r[base + 2] * inv * a.width
                let h = r[base + 3] * inv * a.height
                var kps: [Point2] = []
                kps.reserveCapacity(Self.keypointCount)
                for k in 0..<Self.keypointCount {
                    kps.append(Point2(x: r[base + 4 + 2 * k] * inv * a.width + a.centerX,
                                      y: r[base + 5 + 2 * k] * inv * a.height + a.centerY))
                }
                guard w > 0, h > 0, w.isFinite, h.isFinite else { continue }
                out.append(FaceDetection(box: Box(x: cx - w / 2, y: cy - h / 2, width: w, height: h),
                                         keypoints: kps, score: score))
            }
        }
        return out
    }
}

/// Weighted non-maximum suppression (MediaPipe's `WEIGHTED` algorithm, BlazeFace's default).
///
/// Boxes are visited by descending score. Each surviving box absorbs every remaining box that
/// overlaps it by more than `iouThreshold` (itself included); its box and keypoints become the
/// score-weighted mean of that cluster, and its score stays the cluster's best.
public enum WeightedNMS {
    /// Suppresses overlapping detections; the result is sorted by descending score.
    public static func apply(_ detections: [FaceDetection], iouThreshold: Float = 0.3) -> [FaceDetection] {
        var remaining = detections.sorted { $0.score > $1.score }
        var out: [FaceDetection] = []
        while let top = remaining.first {
            var cluster: [FaceDetection] = []
            var rest: [FaceDetection] = []
            for d in remaining {
                if d.box.iou(top.box) > iouThreshold || d == top { cluster.append(d) } else { rest.append(d) }
            }
            var total: Float = 0
            var bx: Float = 0, by: Float = 0, bw: Float = 0, bh: Float = 0
            var kps = [Point2](repeating: Point2(x: 0, y: 0), count: top.keypoints.count)
            for d in cluster {
                let s = d.score
                total += s
                bx += d.box.x * s; by += d.box.y * s
                bw += d.box.width * s; bh += d.box.height * s
                for k in 0..<min(kps.count, d.keypoints.count) {
                    kps[k].x += d.keypoints[k].x * s
                    kps[k].y += d.keypoints[k].y * s
                }
            }
            if total > 0 {
                let inv = 1 / total
                for k in 0..<kps.count { kps[k].x *= inv; kps[k].y *= inv }
                out.append(FaceDetection(box: Box(x: bx * inv, y: by * inv, width: bw * inv, height: bh * inv),
                                         keypoints: kps, score: top.score))
            } else {
                out.append(top)
            }
            remaining = rest
        }
        return out
    }
}
