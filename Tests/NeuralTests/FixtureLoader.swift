import Foundation
@testable import Neural

/// Reads the raw little-endian arrays listed in Fixtures/tflite/manifest.json.
struct TFLiteFixtures {
    struct Entry: Decodable {
        let shape: [Int]
        let dtype: String
        let scaling: String?
        let model: String?
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tflite")

    let manifest: [String: Entry]

    init() throws {
        let data = try Data(contentsOf: Self.directory.appendingPathComponent("manifest.json"))
        manifest = try JSONDecoder().decode([String: Entry].self, from: data)
    }

    func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(name + ".bin")))
    }

    func floats(_ name: String) throws -> Tensor {
        guard let e = manifest[name], e.dtype == "float32" else { throw FixtureError.missing(name) }
        let b = try bytes(name)
        let values = stride(from: 0, to: b.count, by: 4).map { i in
            Float(bitPattern: UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24)
        }
        return try Tensor(shape: e.shape, data: values)
    }

    /// The model input for case `name` ("short", "full", "mesh"), scaled as Kinema's faces code does.
    func input(_ name: String) throws -> (tensor: Tensor, model: String) {
        let key = name + "_input_u8"
        guard let e = manifest[key], let model = e.model else { throw FixtureError.missing(key) }
        let u8 = try bytes(key)
        let values: [Float] = e.scaling == "signed" ? u8.map { Float($0) / 127.5 - 1 } : u8.map { Float($0) / 255 }
        return (try Tensor(shape: [1] + e.shape, data: values), model)
    }

    enum FixtureError: Error { case missing(String) }
}
