import Foundation
import Testing
@testable import Generation

/// Clauses reach the text encoder as written, less timing, `then`/`->`, holds, easing and camera words; seeds
/// follow keyframe order; storyboard keyframes carry `prompt` and `negative`.
@Test func diffusionWalkKeepsClauseText() throws {
    let w = try DiffusionWalk.make(prompt: "a lighthouse at dawn, slowly zoom in then a castle at night -> hold a red dragon",
                                   storyboardJSON: nil, seconds: 6, seed: 10, negative: "blurry", loop: false)
    #expect(w.keyframes.map(\.prompt) == ["a lighthouse at dawn", "a castle at night", "a red dragon"])
    #expect(w.keyframes.map(\.seed) == [10, 11, 12])
    #expect(w.keyframes.allSatisfy { $0.negative == "blurry" })
    let timed = try DiffusionWalk.make(prompt: "0s: a forest | 2s: the same forest in snow, pan left", storyboardJSON: nil,
                                       seconds: nil, seed: 0, negative: "", loop: false)
    #expect(timed.keyframes.map(\.prompt) == ["a forest", "the same forest in snow"])
    #expect(timed.keyframes.map(\.time) == [0, 2])
    let sb = #"{"duration": 3, "keyframes": [{"time": 0, "prompt": "a city, neon", "negative": "text", "seed": 5}, {"time": 2, "prompt": "a city at dawn"}]}"#
    let s = try DiffusionWalk.make(prompt: nil, storyboardJSON: Data(sb.utf8), seconds: nil, seed: 1, negative: "n", loop: false)
    #expect(s.keyframes.map(\.prompt) == ["a city, neon", "a city at dawn"])
    #expect(s.keyframes.map(\.negative) == ["text", "n"] && s.keyframes.map(\.seed) == [5, 2])
    let missing = #"{"keyframes": [{"time": 0, "subject": "a face"}]}"#
    #expect(throws: GenerationError.self) { try DiffusionWalk.make(prompt: nil, storyboardJSON: Data(missing.utf8), seconds: nil, seed: 0, negative: "", loop: false) }
}

/// The walk's position: held at a keyframe, eased between, and complete at the next keyframe.
@Test func diffusionWalkSegments() throws {
    let w = try DiffusionWalk.make(prompt: "a forest then a desert", storyboardJSON: nil, seconds: 4, seed: 0, negative: "", loop: false)
    let t1 = w.keyframes[1].time
    #expect(w.segment(at: 0).from == 0 && w.segment(at: 0).fraction == 0)
    let mid = w.segment(at: (w.keyframes[0].hold + t1) / 2)
    #expect(mid.from == 0 && mid.to == 1 && abs(mid.fraction - 0.5) < 1e-6)
    #expect(w.segment(at: t1).from == 1)
}
