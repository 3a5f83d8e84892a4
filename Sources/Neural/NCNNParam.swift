import Foundation

/// Errors from reading an ncnn `.param` / `.bin` pair or planning its graph.
public enum NCNNError: Error, Equatable, CustomStringConvertible {
    /// The text graph or the weights file is not what ncnn writes (reason attached).
    case malformed(String)
    /// A layer type or setting Kinema's runtime does not implement.
    case unsupported(String)
    /// An input of the wrong shape was given.
    case badInput(String)

    public var description: String {
        switch self {
        case let .malformed(m): return "ncnn model is malformed: \(m)"
        case let .unsupported(m): return "ncnn model uses something unsupported: \(m)"
        case let .badInput(m): return "ncnn input: \(m)"
        }
    }
}

/// One layer line of an ncnn `.param` file: `Type Name nIn nOut in... out... key=value...`.
public struct NCNNLayer: Sendable, Equatable {
    /// Layer type (Convolution, PReLU, ...).
    public var type: String
    /// Layer name.
    public var name: String
    /// Input blob indices.
    public var inputs: [Int]
    /// Output blob indices.
    public var outputs: [Int]
    /// Scalar parameters by id (`0=64`, `1=2.0e-01`); integers are stored as Float too.
    public var values: [Int: Float]
    /// Array parameters by id (`-23310=1,2.0e-01` is id 10 holding [0.2]).
    public var arrays: [Int: [Float]]

    /// Integer parameter `id`, or `fallback` when absent.
    /// - Throws: `NCNNError.malformed` when the value is not an integer within ±2^24.
    public func int(_ id: Int, _ fallback: Int) throws -> Int {
        guard let v = values[id] else { return fallback }
        guard v.isFinite, v == v.rounded(), abs(v) <= 16_777_216 else {
            throw NCNNError.malformed("layer \(name): parameter \(id)=\(v) is not an integer")
        }
        return Int(v)
    }

    /// Float parameter `id`, or `fallback` when absent.
    public func float(_ id: Int, _ fallback: Float) -> Float { values[id] ?? fallback }
}

/// The text graph of an ncnn model (`.param`, the "7767517" text form), parsed with every count bounded.
public struct NCNNParam: Sendable, Equatable {
    /// Layers in file order (ncnn's order is a valid execution order).
    public var layers: [NCNNLayer]
    /// Blob names by index.
    public var blobNames: [String]

    /// Largest accepted layer and blob counts, and line length (guards against hostile files).
    static let maxLayers = 20_000, maxBlobs = 50_000, maxLineLength = 65_536, maxArray = 4096

    /// Parses the text of a `.param` file.
    /// - Throws: `NCNNError.malformed` naming the line and the problem.
    public init(text: String) throws {
        var lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }) }
        lines.removeAll { $0.isEmpty }
        guard lines.count >= 2, lines[0].count == 1, lines[0][0] == "7767517" else {
            throw NCNNError.malformed("missing magic 7767517 on the first line")
        }
        guard lines[1].count == 2, let layerCount = Int(lines[1][0]), let blobCount = Int(lines[1][1]),
              (1...Self.maxLayers).contains(layerCount), (1...Self.maxBlobs).contains(blobCount) else {
            throw NCNNError.malformed("bad layer/blob count line")
        }
        guard lines.count - 2 == layerCount else {
            throw NCNNError.malformed("header says \(layerCount) layers, file has \(lines.count - 2)")
        }
        var blobIndex: [String: Int] = [:]
        var names: [String] = []
        var layers: [NCNNLayer] = []
        layers.reserveCapacity(layerCount)
        for (li, fields) in lines.dropFirst(2).enumerated() {
            let lineNo = li + 3
            guard fields.count >= 4, fields.reduce(0, { $0 + $1.count }) <= Self.maxLineLength,
                  let nIn = Int(fields[2]), let nOut = Int(fields[3]), (0...256).contains(nIn), (0...256).contains(nOut),
                  fields.count >= 4 + nIn + nOut else {
                throw NCNNError.malformed("line \(lineNo): bad layer header")
            }
            var inputs: [Int] = [], outputs: [Int] = []
            for f in fields[4..<(4 + nIn)] {
                guard let b = blobIndex[String(f)] else { throw NCNNError.malformed("line \(lineNo): blob \(f) used before it is produced") }
                inputs.append(b)
            }
            for f in fields[(4 + nIn)..<(4 + nIn + nOut)] {
                let n = String(f)
                guard blobIndex[n] == nil else { throw NCNNError.malformed("line \(lineNo): blob \(n) produced twice") }
                guard names.count < blobCount else { throw NCNNError.malformed("line \(lineNo): more blobs than the header's \(blobCount)") }
                blobIndex[n] = names.count
                outputs.append(names.count)
                names.append(n)
            }
            var values: [Int: Float] = [:], arrays: [Int: [Float]] = [:]
            for f in fields[(4 + nIn + nOut)...] {
                let kv = f.split(separator: "=", maxSplits: 1)
                guard kv.count == 2, let key = Int(kv[0]) else { throw NCNNError.malformed("line \(lineNo): bad parameter '\(f)'") }
                if key <= -23300 {
                    // Array: -23300-id=count,v1,v2,...
                    let id = -(key + 23300)
                    let parts = kv[1].split(separator: ",")
                    guard id < 100, let count = Int(parts.first ?? ""), count >= 0, count <= Self.maxArray, parts.count == count + 1 else {
                        throw NCNNError.malformed("line \(lineNo): bad array parameter '\(f)'")
                    }
                    var vals: [Float] = []
                    for p in parts.dropFirst() {
                        guard let v = Float(p), v.isFinite else { throw NCNNError.malformed("line \(lineNo): bad number in '\(f)'") }
                        vals.append(v)
                    }
                    arrays[id] = vals
                } else {
                    guard (0..<100).contains(key), let v = Float(kv[1]), v.isFinite else {
                        throw NCNNError.malformed("line \(lineNo): bad parameter '\(f)'")
                    }
                    values[key] = v
                }
            }
            layers.append(NCNNLayer(type: String(fields[0]), name: String(fields[1]), inputs: inputs, outputs: outputs,
                                    values: values, arrays: arrays))
        }
        self.layers = layers
        blobNames = names
    }
}
