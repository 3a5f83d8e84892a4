import Foundation

/// Unit latent directions for face attributes, fitted by `scripts/fit-directions` and shipped as JSON
/// in `models/directions-<model>.json`.
public struct AttributeDirections: Codable, Sendable, Equatable {
    /// One fitted attribute.
    public struct Direction: Codable, Sendable, Equatable {
        /// Unit vector in latent space.
        public var vector: [Float]
        /// Latent distance moved for one storyboard unit.
        public var step: Float
        /// How the attribute was measured (informational).
        public var measure: String?
        /// Fit statistics (held-out R², sample counts, ...), informational.
        public var stats: [String: Double]?

        /// Creates a direction.
        public init(vector: [Float], step: Float, measure: String?, stats: [String: Double]?) {
            self.vector = vector; self.step = step; self.measure = measure; self.stats = stats
        }
    }

    /// The generator the directions belong to.
    public var model: String
    /// Directions by attribute name (`FaceAttribute.rawValue`).
    public var attributes: [String: Direction]

    /// Creates a set of directions.
    public init(model: String, attributes: [String: Direction]) {
        self.model = model; self.attributes = attributes
    }

    /// Loads and checks a directions file.
    /// - Throws: `GenerationError.modelMismatch` if vectors have the wrong size or are not finite,
    ///   `GenerationError.badStoryboard` for malformed JSON, or a Foundation read error.
    public init(contentsOf url: URL, latentSize: Int) throws {
        let data = try Data(contentsOf: url)
        let d: AttributeDirections
        do { d = try JSONDecoder().decode(AttributeDirections.self, from: data) } catch {
            throw GenerationError.modelMismatch("directions file \(url.lastPathComponent) is malformed")
        }
        for (name, dir) in d.attributes {
            guard dir.vector.count == latentSize, dir.vector.allSatisfy(\.isFinite), dir.step.isFinite else {
                throw GenerationError.modelMismatch("direction '\(name)' has \(dir.vector.count) values, expected \(latentSize)")
            }
        }
        self = d
    }

    /// Loads the shipped directions for a generator, or nil if none are installed.
    public static func shipped(for model: String, latentSize: Int) -> AttributeDirections? {
        guard let url = try? GeneratorRegistry.locate("directions-\(model).json") else { return nil }
        return try? AttributeDirections(contentsOf: url, latentSize: latentSize)
    }
}
