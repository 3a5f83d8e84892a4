import Foundation
@testable import Generation

/// Repository root, found from this file's path.
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The shipped DCGAN, loaded once for all tests.
let sharedDCGAN: DCGANFaceGenerator = {
    try! DCGANFaceGenerator(contentsOf: repoRoot.appendingPathComponent("models/dcgan-faces-64.safetensors"))
}()
