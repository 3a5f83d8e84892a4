import Foundation

/// How a transition's progress is shaped over time.
public enum Easing: String, Codable, Sendable, CaseIterable {
    /// Constant speed.
    case linear
    /// 3t² − 2t³.
    case smoothstep
    /// Sinusoidal ease-in-out, (1 − cos πt) / 2.
    case easeInOut = "ease-in-out"

    /// Maps progress t ∈ [0, 1] to eased progress in [0, 1].
    public func apply(_ t: Double) -> Double {
        let x = min(max(t, 0), 1)
        switch self {
        case .linear: return x
        case .smoothstep: return x * x * (3 - 2 * x)
        case .easeInOut: return (1 - cos(Double.pi * x)) / 2
        }
    }
}

/// Face attributes that have a latent direction (see `AttributeDirections`).
public enum FaceAttribute: String, Codable, Sendable, CaseIterable {
    /// Mouth-corner spread relative to eye distance (smile > 0, neutral 0).
    case smile
    /// Lip gap relative to eye distance.
    case mouthOpen = "mouth-open"
    /// Head yaw: negative turns to the image's left, positive to the right.
    case yaw
    /// Head pitch: positive looks up, negative down.
    case pitch
    /// Mean face luminance: positive brighter.
    case brightness
}

/// A 2-D camera pose applied to the upscaled frame.
public struct CameraPose: Codable, Sendable, Equatable {
    /// Zoom factor (1 = the whole frame, 1.5 = 1.5× closer).
    public var zoom: Double = 1
    /// Horizontal pan as a fraction of the frame width (positive moves the view right).
    public var panX: Double = 0
    /// Vertical pan as a fraction of the frame height (positive moves the view down).
    public var panY: Double = 0
    /// Rotation in degrees (positive is counter-clockwise).
    public var rotation: Double = 0

    /// The identity pose.
    public static let identity = CameraPose()

    /// Creates a pose.
    public init(zoom: Double = 1, panX: Double = 0, panY: Double = 0, rotation: Double = 0) {
        self.zoom = zoom; self.panX = panX; self.panY = panY; self.rotation = rotation
    }

    enum CodingKeys: String, CodingKey { case zoom, panX, panY, rotation }

    /// Decodes with identity defaults for missing fields.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        zoom = try c.decodeIfPresent(Double.self, forKey: .zoom) ?? 1
        panX = try c.decodeIfPresent(Double.self, forKey: .panX) ?? 0
        panY = try c.decodeIfPresent(Double.self, forKey: .panY) ?? 0
        rotation = try c.decodeIfPresent(Double.self, forKey: .rotation) ?? 0
    }

    /// Component-wise linear blend.
    public func blended(to o: CameraPose, _ t: Double) -> CameraPose {
        CameraPose(zoom: zoom + (o.zoom - zoom) * t, panX: panX + (o.panX - panX) * t,
                   panY: panY + (o.panY - panY) * t, rotation: rotation + (o.rotation - rotation) * t)
    }

    /// Whether the pose leaves the frame unchanged.
    public var isIdentity: Bool { self == .identity }

    /// Whether every component is finite and within `ranges` (the only poses a storyboard may hold).
    public var isInRange: Bool {
        zoom.isFinite && zoom >= 0.25 && zoom <= 8 && panX.isFinite && abs(panX) <= 1
            && panY.isFinite && abs(panY) <= 1 && rotation.isFinite && abs(rotation) <= 360
    }

    /// The accepted ranges, for error messages.
    public static let ranges = "zoom 0.25...8, pan -1...1, rotation ±360°"
}

/// One keyframe: who (seed), what (attribute amounts), when (time, hold) and how (easing into the next, camera).
public struct Keyframe: Codable, Sendable, Equatable {
    /// Start time in seconds.
    public var time: Double
    /// The subject phrase the seed came from (informational).
    public var subject: String
    /// Seed of the base latent.
    public var seed: UInt64
    /// Attribute amounts in direction units (1 ≈ a clear change, about two standard deviations of the measured attribute).
    public var attributes: [String: Float]
    /// Seconds to hold this keyframe before moving on.
    public var hold: Double
    /// Easing of the transition that leaves this keyframe.
    public var easing: Easing
    /// Camera pose reached at this keyframe.
    public var camera: CameraPose
    /// Freeze the frame at this keyframe: no idle motion (`IdleMotion`) while it holds. Default false.
    public var still: Bool

    /// Creates a keyframe.
    public init(time: Double, subject: String = "", seed: UInt64, attributes: [String: Float] = [:], hold: Double = 0,
                easing: Easing = .easeInOut, camera: CameraPose = .identity, still: Bool = false) {
        self.time = time; self.subject = subject; self.seed = seed; self.attributes = attributes
        self.hold = hold; self.easing = easing; self.camera = camera; self.still = still
    }

    enum CodingKeys: String, CodingKey { case time, subject, seed, attributes, hold, easing, camera, still }

    /// Decodes with defaults for every field but `time` (a missing seed comes from the subject).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        time = try c.decode(Double.self, forKey: .time)
        subject = try c.decodeIfPresent(String.self, forKey: .subject) ?? ""
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? fnv1a64(Storyboard.normalisedSubject(subject))
        attributes = try c.decodeIfPresent([String: Float].self, forKey: .attributes) ?? [:]
        hold = try c.decodeIfPresent(Double.self, forKey: .hold) ?? 0
        easing = try c.decodeIfPresent(Easing.self, forKey: .easing) ?? .easeInOut
        camera = try c.decodeIfPresent(CameraPose.self, forKey: .camera) ?? .identity
        still = try c.decodeIfPresent(Bool.self, forKey: .still) ?? false
    }
}

/// A timed list of keyframes; the latent schedule interpolates between them.
public struct Storyboard: Codable, Sendable, Equatable {
    /// Keyframes in time order.
    public var keyframes: [Keyframe]
    /// Total length in seconds.
    public var duration: Double
    /// Whether the last keyframe transitions back to the first by the end.
    public var loop: Bool
    /// Camera pose reached at the end of the clip (nil: the last keyframe's pose, or the first's when looping).
    public var endCamera: CameraPose?

    /// Creates a storyboard.
    public init(keyframes: [Keyframe], duration: Double, loop: Bool = false, endCamera: CameraPose? = nil) {
        self.keyframes = keyframes; self.duration = duration; self.loop = loop; self.endCamera = endCamera
    }

    /// Largest accepted duration (10 minutes).
    public static let maxDuration: Double = 600

    /// Checks times, holds, attribute names and values.
    /// - Throws: `GenerationError.badStoryboard` or `.badSetting` with the first problem found.
    public func validate() throws {
        guard !keyframes.isEmpty else { throw GenerationError.badStoryboard("no keyframes") }
        guard keyframes.count <= 1000 else { throw GenerationError.badStoryboard("\(keyframes.count) keyframes (at most 1000)") }
        guard duration.isFinite, duration > 0, duration <= Self.maxDuration else {
            throw GenerationError.badSetting("duration \(duration) s must be in (0, \(Int(Self.maxDuration))]")
        }
        var last = -Double.infinity
        for (i, k) in keyframes.enumerated() {
            guard k.time.isFinite, k.time >= 0, k.time <= duration else {
                throw GenerationError.badStoryboard("keyframe \(i) time \(k.time) s is outside 0...\(duration) s")
            }
            guard k.time > last || (i == 0) else { throw GenerationError.badStoryboard("keyframe \(i) time \(k.time) s is not after the previous one") }
            guard k.hold.isFinite, k.hold >= 0 else { throw GenerationError.badStoryboard("keyframe \(i) hold \(k.hold) must be ≥ 0") }
            for (name, v) in k.attributes {
                guard FaceAttribute(rawValue: name) != nil else {
                    throw GenerationError.badStoryboard("keyframe \(i) has unknown attribute '\(name)' (known: \(FaceAttribute.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                guard v.isFinite, abs(v) <= 4 else { throw GenerationError.badStoryboard("keyframe \(i) attribute \(name) = \(v) is outside -4...4") }
            }
            guard k.camera.isInRange else {
                throw GenerationError.badStoryboard("keyframe \(i) camera is out of range (\(CameraPose.ranges))")
            }
            last = k.time
        }
        if let end = endCamera, !end.isInRange {
            throw GenerationError.badStoryboard("endCamera is out of range (\(CameraPose.ranges))")
        }
    }

    /// Parses a JSON storyboard: `{"duration": 6, "loop": false, "keyframes": [{"time": 0, "subject": "...",
    /// "seed": 42, "attributes": {"smile": 1}, "hold": 0.5, "easing": "smoothstep", "camera": {"zoom": 1.2}, "still": false}]}`.
    /// `duration` defaults to the last keyframe's time + 1 s.
    /// - Throws: `GenerationError.badStoryboard` with the decoder's reason, or a validation error.
    public static func fromJSON(_ data: Data) throws -> Storyboard {
        struct File: Decodable { var keyframes: [Keyframe]; var duration: Double?; var loop: Bool?; var endCamera: CameraPose? }
        let f: File
        do { f = try JSONDecoder().decode(File.self, from: data) } catch let e as DecodingError {
            throw GenerationError.badStoryboard("JSON: \(describe(e))")
        } catch {
            throw GenerationError.badStoryboard("not valid JSON")
        }
        let kfs = f.keyframes.sorted { $0.time < $1.time }
        let sb = Storyboard(keyframes: kfs, duration: f.duration ?? ((kfs.last?.time ?? 0) + 1), loop: f.loop ?? false, endCamera: f.endCamera)
        try sb.validate()
        return sb
    }

    /// Lower-cased, whitespace-collapsed subject without articles, used for seeding, so "A  Woman",
    /// "a woman" and "woman" pick the same seed in prompts and storyboard files alike.
    public static func normalisedSubject(_ s: String) -> String {
        s.lowercased().split(whereSeparator: { $0.isWhitespace })
            .filter { !["a", "an", "the"].contains($0) }.joined(separator: " ")
    }

    private static func describe(_ e: DecodingError) -> String {
        switch e {
        case let .typeMismatch(_, c), let .valueNotFound(_, c), let .dataCorrupted(c):
            return "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        case let .keyNotFound(k, c):
            return "missing '\(k.stringValue)' at \(c.codingPath.map(\.stringValue).joined(separator: ".").isEmpty ? "top level" : c.codingPath.map(\.stringValue).joined(separator: "."))"
        @unknown default: return "\(e)"
        }
    }
}
