import Foundation
import Testing
@testable import Neural

@Test func modelLocatorFindsCommittedModels() throws {
    for name in ["face_detection_short_range.tflite", "face_detection_full_range.tflite", "face_landmark.tflite"] {
        let url = try ModelLocator.url(named: name)
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
        #expect(size > 100_000, "\(name) at \(url.path) is too small")
    }
    #expect(throws: ModelLocatorError.self) { try ModelLocator.url(named: "no_such_model.tflite") }
}
