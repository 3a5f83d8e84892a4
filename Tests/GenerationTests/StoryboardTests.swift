import Foundation
import Testing
@testable import Generation

@Test func thenClausesBecomeKeyframes() throws {
    let p = try PromptParser.parse("a young woman, calm, then she smiles broadly -> turns to the left")
    let k = p.storyboard.keyframes
    #expect(k.count == 3)
    #expect(p.subjects == ["young woman"])
    #expect(k.allSatisfy { $0.seed == fnv1a64("young woman") })
    #expect(k[0].attributes["smile"] == 0)
    #expect(k[1].attributes["smile"] == 1.6)
    #expect(k[2].attributes["smile"] == 1.6 && k[2].attributes["yaw"] == -1)
    #expect(k.map(\.time) == k.map(\.time).sorted() && k[0].time == 0)
    #expect(p.storyboard.duration == 6)
    #expect(p.ignored.isEmpty)
}

@Test func explicitTimesAndIgnoredWords() throws {
    let p = try PromptParser.parse("0s: a calm face | 2s: she smiles at a dragon | 4.5s: looks up in a castle")
    #expect(p.storyboard.keyframes.map(\.time) == [0, 2, 4.5])
    #expect(p.storyboard.duration == 5.5)
    #expect(p.ignored == ["dragon", "castle"])
    #expect(p.storyboard.keyframes[2].attributes["pitch"] == 1)
    #expect(p.subjects == ["face"])
}

@Test func seedIsStableAndOverridable() throws {
    let a = try PromptParser.parse("an old sailor smiles")
    let b = try PromptParser.parse("An  OLD sailor smiles")
    #expect(a.storyboard.keyframes[0].seed == b.storyboard.keyframes[0].seed)
    #expect(a.storyboard.keyframes[0].seed == fnv1a64("old sailor"))
    #expect(fnv1a64("") == 0xCBF2_9CE4_8422_2325 && fnv1a64("a") == 0xAF63_DC4C_8601_EC8C) // published FNV-1a test vectors
    let c = try PromptParser.parse("an old sailor smiles", seed: 42)
    #expect(c.storyboard.keyframes[0].seed == 42)
    let d = try PromptParser.parse("a man then morphs into a girl")
    #expect(d.subjects == ["man", "girl"] && d.storyboard.keyframes[1].seed == fnv1a64("girl"))
}

@Test func cameraWordsAndLoop() throws {
    let p = try PromptParser.parse("a face, zoom in then pans left", seconds: 4, loop: true)
    let s = p.storyboard
    #expect(s.loop && s.keyframes.map(\.time) == [0, 2])
    #expect(s.keyframes[1].camera.zoom == 1.35)
    #expect(abs((s.endCamera?.panX ?? 0) + 0.12) < 1e-9)
    let sched = LatentSchedule(storyboard: s, latentSize: 100, directions: nil)
    #expect(sched.trackCamera(at: 0) == .identity)
    #expect(sched.trackCamera(at: 4).panX < -0.1 && abs(sched.trackCamera(at: 2).zoom - 1.35) < 1e-9)
    // The idle drift only zooms in a little on top of the track.
    #expect(sched.camera(at: 2).zoom >= 1.35 && sched.camera(at: 2).zoom <= 1.35 * 1.061)
}

@Test func badInputsGiveClearErrors() throws {
    #expect(throws: GenerationError.badStoryboard("empty prompt")) { try PromptParser.parse("   ") }
    #expect(throws: GenerationError.self) { try PromptParser.parse("a face", seconds: -1) }
    #expect(throws: GenerationError.self) { try PromptParser.parse("a face", seconds: 1e9) }
    #expect(throws: GenerationError.self) { try PromptParser.parse("a face", seconds: .nan) }
    #expect(throws: GenerationError.self) { try PromptParser.parse("2s: a | 1s: b") }
    #expect(throws: GenerationError.self) { try PromptParser.parse("0s: a | smiles") }
    #expect(throws: GenerationError.self) { try Storyboard.fromJSON(Data("{".utf8)) }
    #expect(throws: GenerationError.self) { try Storyboard.fromJSON(Data(#"{"keyframes": []}"#.utf8)) }
    #expect(throws: GenerationError.self) { try Storyboard.fromJSON(Data(#"{"keyframes": [{"time": 0, "attributes": {"wings": 1}}]}"#.utf8)) }
    #expect(throws: GenerationError.self) { try Storyboard.fromJSON(Data(#"{"keyframes": [{"time": -1}]}"#.utf8)) }
    #expect(throws: GenerationError.self) { try Storyboard.fromJSON(Data(#"{"keyframes": [{"seed": 1}]}"#.utf8)) }
}

@Test func jsonStoryboard() throws {
    let json = #"{"duration": 3, "loop": true, "keyframes": [{"time": 0, "subject": "a woman", "hold": 0.5},"# +
        #"{"time": 1.5, "seed": 7, "attributes": {"smile": 1.2}, "easing": "smoothstep", "camera": {"zoom": 1.2}}]}"#
    let s = try Storyboard.fromJSON(Data(json.utf8))
    #expect(s.keyframes[0].seed == fnv1a64("woman") && s.keyframes[1].seed == 7)
    #expect(s.keyframes[1].easing == .smoothstep && s.keyframes[1].camera.zoom == 1.2 && s.loop)
}

@Test func easingAndSlerp() {
    for e in Easing.allCases {
        #expect(e.apply(0) == 0 && abs(e.apply(1) - 1) < 1e-12 && abs(e.apply(0.5) - 0.5) < 1e-12)
        #expect(e.apply(0.25) <= e.apply(0.3))
    }
    #expect(Easing.smoothstep.apply(0.1) < 0.1)
    let a: [Float] = [1, 0], b: [Float] = [0, 1]
    let m = Interpolation.slerp(a, b, 0.5)
    #expect(abs(m[0] - 0.70710677) < 1e-6 && abs(m[1] - 0.70710677) < 1e-6)
    // Nearly parallel: falls back to lerp without NaNs.
    let p = Interpolation.slerp([1, 0], [1, 1e-7], 0.5)
    #expect(p.allSatisfy(\.isFinite) && abs(p[0] - 1) < 1e-6)
}

/// A hold keeps the subject and attributes (the latent stays near the keyframe's, moved only by the idle
/// drift), not every pixel; a `still` keyframe freezes exactly.
@Test func holdsKeepTheKeyframe() throws {
    let sb = Storyboard(keyframes: [Keyframe(time: 0, seed: 1, hold: 1), Keyframe(time: 2, seed: 2)], duration: 3)
    let s = LatentSchedule(storyboard: sb, latentSize: 100, directions: nil)
    func dist(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot() }
    #expect(s.latent(at: 0) != s.latent(at: 0.99))
    #expect(dist(s.latent(at: 0), s.latent(at: 0.99)) < 2)       // drift: well under a keyframe change (~14)
    #expect(dist(s.latent(at: 0), s.latent(at: 1.9)) > 8)
    #expect(dist(s.latent(at: 2), s.latent(at: 2.9)) < 2)
    var still = sb
    still.keyframes[0].still = true; still.keyframes[1].still = true
    let f = LatentSchedule(storyboard: still, latentSize: 100, directions: nil)
    #expect(f.latent(at: 0) == f.latent(at: 0.99) && f.latent(at: 2) == f.latent(at: 2.9))
    #expect(f.camera(at: 0.3) == .identity && f.camera(at: 2.5) == .identity)
    #expect(s.camera(at: 0.3) != s.camera(at: 0.6) && s.camera(at: 0.3).zoom >= 1)
}

/// Attribute amounts are blended with the transition progress and added along their unit direction.
@Test func attributesMoveAlongDirections() throws {
    var dir = [Float](repeating: 0, count: 100)
    dir[7] = 1
    let dirs = AttributeDirections(model: "dcgan-faces-64", attributes: ["smile": .init(vector: dir, step: 2, measure: nil, stats: nil)])
    let sb = Storyboard(keyframes: [Keyframe(time: 0, seed: 5, attributes: ["smile": 0], easing: .linear),
                                    Keyframe(time: 2, seed: 5, attributes: ["smile": 1.5])], duration: 3)
    // Without idle drift, so the attribute offset is the only difference.
    var sbStill = sb
    for i in sbStill.keyframes.indices { sbStill.keyframes[i].still = true }
    let s = LatentSchedule(storyboard: sbStill, latentSize: 100, directions: dirs)
    let plain = LatentSchedule(storyboard: sbStill, latentSize: 100, directions: nil)
    for t in [0.0, 0.5, 1.0, 2.0, 2.5] {
        let d = zip(s.latent(at: t), plain.latent(at: t)).map { $0 - $1 }
        let expected = Float(min(t / 2, 1)) * 1.5 * 2
        #expect(abs(d[7] - expected) < 1e-5)
        #expect(d.enumerated().allSatisfy { $0.offset == 7 || abs($0.element) < 1e-6 })
    }
    #expect(s.unsupportedAttributes.isEmpty)
    let sb2 = Storyboard(keyframes: [Keyframe(time: 0, seed: 1, attributes: ["yaw": 1])], duration: 1)
    #expect(LatentSchedule(storyboard: sb2, latentSize: 100, directions: dirs).unsupportedAttributes == ["yaw"])
}

@Test func storyboardFilePlanHonoursSeedAndSeconds() throws {
    var c = Text2VideoConfig()
    c.seed = 1234; c.seconds = 2; c.loop = true
    let json = #"{"keyframes": [{"time": 0, "subject": "a woman"}, {"time": 1, "subject": "a man"}]}"#
    let plan = try Text2Video.plan(prompt: nil, storyboardJSON: Data(json.utf8), config: c)
    #expect(plan.storyboard.keyframes[0].seed == 1234 && plan.storyboard.keyframes[1].seed == fnv1a64("man"))
    #expect(plan.storyboard.duration == 2 && plan.storyboard.loop && plan.frameCount == 48)
    var c2 = c; c2.seconds = 0.5
    #expect(throws: GenerationError.self) { try Text2Video.plan(prompt: nil, storyboardJSON: Data(json.utf8), config: c2) }
}

@Test func demoStoryboardParses() throws {
    let url = repoRoot.appendingPathComponent("Tests/GenerationTests/Fixtures/storyboard-demo.json")
    let sb = try Storyboard.fromJSON(Data(contentsOf: url))
    #expect(sb.keyframes.count == 4 && sb.duration == 6)
    #expect(sb.keyframes[3].seed == fnv1a64("man") && sb.keyframes[0].seed == fnv1a64("woman"))
    #expect(try PromptParser.parse("a woman smiles").storyboard.keyframes[0].seed == sb.keyframes[0].seed)
}
