import Foundation
import Imaging
import Testing
import TestMedia
import VideoIO

// End-to-end tests of the `kinema` command line on the bundled clips and photos. The library behaviour behind
// each command is tested in its module; these check what a user or a script sees: exit status, one-line errors,
// JSON shape, no partial output on failure, inputs untouched, and the output file's metadata.

/// `kinema detect`, `restyle` and `faceswap` as a user runs them.
@Suite struct MediaCLITests {
    @Test func detectPhotoPrintsOneFaceWithLandmarks() throws {
        let r = try KinemaCLI.run(["detect", Media.url("astronaut.png").path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let faces = try #require(r.json?["faces"] as? [[String: Any]])
        try #require(faces.count == 1)
        let box = try #require(faces[0]["box"] as? [Double])
        let keypoints = try #require(faces[0]["keypoints"] as? [[Double]])
        let landmarks = try #require(faces[0]["landmarks"] as? [[Double]])
        #expect(keypoints.count == 6 && landmarks.count == 468)
        // Every keypoint lies inside the box (x, y, width, height), and the box is face-sized.
        // Eyes, nose and mouth (the first four keypoints) lie inside the box; the ears may touch its edge.
        for p in keypoints.prefix(4) {
            #expect(p[0] >= box[0] && p[0] <= box[0] + box[2] && p[1] >= box[1] && p[1] <= box[1] + box[3])
        }
        #expect(box[2] > 40 && box[3] > 40)
    }

    /// dlib's group snapshot (7 small faces, some turned or looking down, labelled in its testing.xml): the
    /// default detector is the one faceswap uses, so `detect` shows every face a swap would replace
    /// (short range alone, the old default, found 1).
    @Test func detectFindsEveryFaceOfAGroupPhoto() throws {
        let r = try KinemaCLI.run(["detect", Media.url("group-2008_007676.jpg").path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let faces = try #require(r.json?["faces"] as? [Any])
        #expect((7...8).contains(faces.count))
    }

    @Test func detectFaceFreePhotoPrintsNoFace() throws {
        let r = try KinemaCLI.run(["detect", Media.url("coffee.png").path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let faces = try #require(r.json?["faces"] as? [Any])
        #expect(faces.isEmpty)
    }

    @Test func detectAnnotateWritesAPNGOfTheInputSize() throws {
        let dir = try KinemaCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("a.png")
        let r = try KinemaCLI.run(["detect", Media.url("astronaut.png").path, "--annotate", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let input = try ImageFile.read(Media.url("astronaut.png")), drawn = try ImageFile.read(out)
        #expect(drawn.width == input.width && drawn.height == input.height)
        let changed = zip(drawn.data, input.data).filter { $0 != $1 }.count
        #expect(changed > 500, "annotation drew \(changed) samples")
    }

    @Test func missingInputIsOneLineErrorAndNoOutput() throws {
        let dir = try KinemaCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("nope.mp4").path
        for args in [["detect", missing, "--json"],
                     ["restyle", missing, "-o", dir.appendingPathComponent("o.mp4").path, "--style", "anime"],
                     ["faceswap", "--source", Media.url("astronaut.png").path, "--target", missing,
                      "-o", dir.appendingPathComponent("f.mp4").path]] {
            KinemaCLI.expectOneLineError(try KinemaCLI.run(args), mentioning: "nope.mp4")
        }
        #expect(KinemaCLI.contents(dir).isEmpty, "left behind: \(KinemaCLI.contents(dir))")
    }

    @Test func restyleRejectsUnknownStyleAndBadStyleImage() throws {
        let dir = try KinemaCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = Media.url("face_audio.mp4"), out = dir.appendingPathComponent("o.mp4").path
        let before = try Data(contentsOf: input)
        let unknown = try KinemaCLI.run(["restyle", input.path, "-o", out, "--style", "cubism"])
        #expect(unknown.status != 0 && unknown.stderr.contains("cubism"))
        let badImage = try KinemaCLI.run(["restyle", input.path, "-o", out, "--style", "anime",
                                         "--style-image", Media.url("README.md").path])
        #expect(badImage.status != 0 && badImage.stderr.contains("style image"), "\(badImage.stderr)")
        #expect(KinemaCLI.contents(dir).isEmpty, "left behind: \(KinemaCLI.contents(dir))")
        #expect(try Data(contentsOf: input) == before, "input untouched")
    }

    @Test func restyleKeepsAudioFpsFramesAndDuration() throws {
        let dir = try KinemaCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = Media.url("face_audio.mp4"), out = dir.appendingPathComponent("anime.mp4")
        let r = try KinemaCLI.run(["restyle", input.path, "-o", out.path, "--style", "anime", "--json", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.json?["frames"] as? Int == 64)
        #expect(r.json?["output"] as? String == out.path && r.json?["style"] as? String == "anime")
        let src = try VideoReader(url: input).metadata, dst = try VideoReader(url: out).metadata
        #expect(dst.fps == src.fps && dst.width == src.width && dst.height == src.height)
        #expect(dst.frameCount == src.frameCount && dst.hasAudio)
        #expect(abs(dst.duration - src.duration) < 0.05)
        #expect(KinemaCLI.contents(dir) == ["anime.mp4"])
    }

    /// Without --crf a restyle is written at crf 14 whatever the frame size (crf 23 above CIF used to bury
    /// the carry's steadiness under the encoder's own noise), with x264's animation tuning; an explicit --crf
    /// wins. x264 records its settings in the stream.
    @Test func restyleWritesEveryFrameSizeAtTheDetailCRF() throws {
        let dir = try KinemaCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reader = try VideoReader(url: Media.url("face_audio.mp4"))
        let clip = dir.appendingPathComponent("large.mp4")
        try VideoWriter.with(url: clip, config: VideoWriterConfig(width: 384, height: 384, fps: Rational(25, 1), crf: 16,
                                                                  preset: "ultrafast")) { wr in
            for _ in 0..<3 { if let f = try reader.nextFrame() { try wr.write(f.image.resized(width: 384, height: 384)) } }
        }
        #expect(!VideoCodec.isSmallFrame(width: 384, height: 384))
        func settings(_ extra: [String]) throws -> (crf: String?, deblock: String?) {
            let out = dir.appendingPathComponent("sketch\(extra.count).mp4")
            let r = try KinemaCLI.run(["restyle", clip.path, "-o", out.path, "--style", "sketch", "--quiet"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            let words = String(decoding: try Data(contentsOf: out), as: UTF8.self).components(separatedBy: " ")
            return (words.first { $0.hasPrefix("crf=") }, words.first { $0.hasPrefix("deblock=") })
        }
        let plain = try settings([])
        #expect(plain.crf == "crf=14.0")
        #expect(plain.deblock == "deblock=1:1:1", "x264's animation tuning deblocks at 1:1")
        #expect(try settings(["--crf", "23"]).crf == "crf=23.0")
    }

    /// A variable-frame-rate clip (as phones record) keeps each frame's time through faceswap, restyle and
    /// detect --annotate, so the picture stays in sync with the audio; they used to respace the frames evenly.
    @Test func variableFrameRateClipsKeepTheirTimestamps() throws {
        let dir = try KinemaCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reader = try VideoReader(url: Media.url("face_audio.mp4"))
        // Gaps of one to three frame periods at 30 fps, as a phone leaves them when it drops frames.
        var times: [Double] = [], t = 0.0
        for i in 0..<18 { times.append(t); t += Double([1, 1, 3, 1, 2][i % 5]) / 30 }
        let vfr = dir.appendingPathComponent("vfr.mp4")
        var config = VideoWriterConfig(width: reader.metadata.width, height: reader.metadata.height, fps: Rational(30, 1),
                                       crf: 18, preset: "veryfast")
        config.variableFrameRate = true
        try VideoWriter.with(url: vfr, config: config) { w in
            for time in times { try w.write(try #require(try reader.nextFrame()).image, at: time) }
        }
        for (name, args) in [("swap", ["faceswap", "--source", Media.url("astronaut.png").path, "--target", vfr.path]),
                             ("sketch", ["restyle", vfr.path, "--style", "sketch"]),
                             ("annotated", ["detect", vfr.path, "--annotate"])] {
            let out = dir.appendingPathComponent("\(name).mp4")
            let r = try KinemaCLI.run(args + (name == "annotated" ? [out.path] : ["-o", out.path]) + ["--quiet"])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            let back = try VideoReader(url: out)
            var got: [Double] = []
            while let f = try back.nextFrame() { got.append(f.pts) }
            #expect(got.count == times.count, "\(name)")
            let worst = zip(got, times).map { abs($0 - $1) }.max() ?? 1
            #expect(worst < 0.001, "\(name): frame times off by up to \(worst) s")
        }
    }

    /// A phone's portrait clip is stored on its side with a display rotation. Face swap, restyle and detect work
    /// on it upright: the swap finds and swaps the face in as many frames as on the upright clip (it lost a third
    /// of them to the 90° roll), both write the clip upright, without a rotation, and detect reports the upright
    /// size and a face in every frame the upright clip has one.
    @Test func aPortraitClipStoredOnItsSideIsSwappedAndRestyledUpright() throws {
        let dir = try KinemaCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reader = try VideoReader(url: Media.url("face_audio.mp4"))
        let w = reader.metadata.width, h = reader.metadata.height - 56
        var upright: [ByteImage] = []
        while let f = try reader.nextFrame() { upright.append(f.image.cropped(x: 0, y: 28, width: w, height: h)) }
        // Stored on its side: turned 90° clockwise, with a display matrix that turns it back.
        func sideways(_ img: ByteImage) -> ByteImage {
            var out = ByteImage(width: h, height: w, channels: 3)
            for y in 0..<h { for x in 0..<w { for c in 0..<3 {
                out.data[(x * h + (h - 1 - y)) * 3 + c] = img.data[(y * w + x) * 3 + c]
            } } }
            return out
        }
        func write(_ frames: [ByteImage], _ name: String, rotation: Int) throws -> URL {
            let url = dir.appendingPathComponent(name)
            try VideoWriter.with(url: url, config: VideoWriterConfig(width: frames[0].width, height: frames[0].height,
                                                                     fps: Rational(25, 1), crf: 16, preset: "veryfast",
                                                                     rotation: rotation)) { wr in
                for f in frames { try wr.write(f) }
            }
            return url
        }
        let plain = try write(upright, "upright.mp4", rotation: 0)
        let portrait = try write(upright.map(sideways), "portrait.mp4", rotation: 90)
        #expect(try VideoReader(url: portrait).metadata.rotation == 90)
        func swapped(_ target: URL) throws -> (Int, VideoMetadata) {
            let out = dir.appendingPathComponent("swap-" + target.lastPathComponent)
            let r = try KinemaCLI.run(["faceswap", "--source", Media.url("astronaut.png").path, "--target", target.path,
                                       "-o", out.path, "--json"])
            #expect(r.status == 0, "\(r.stderr)")
            return ((r.json?["framesSwapped"] as? Int) ?? -1, try VideoReader(url: out).metadata)
        }
        let (fromUpright, _) = try swapped(plain), (fromPortrait, meta) = try swapped(portrait)
        #expect(fromUpright == upright.count)
        #expect(fromPortrait == fromUpright)
        #expect(meta.width == w && meta.height == h && meta.rotation == 0)
        func detected(_ clip: URL) throws -> (faces: Int, width: Int, height: Int) {
            let r = try KinemaCLI.run(["detect", clip.path, "--json", "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
            let frames = (r.json?["frames"] as? [[String: Any]]) ?? []
            let found = frames.filter { (($0["faces"] as? [Any])?.count ?? 0) > 0 }.count
            return (found, (r.json?["width"] as? Int) ?? -1, (r.json?["height"] as? Int) ?? -1)
        }
        let (uprightFaces, _, _) = try detected(plain), seen = try detected(portrait)
        #expect(uprightFaces == upright.count)
        #expect(seen.faces == uprightFaces && seen.width == w && seen.height == h)
        let styled = dir.appendingPathComponent("anime.mp4")
        let r = try KinemaCLI.run(["restyle", portrait.path, "--style", "anime", "-o", styled.path, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let sm = try VideoReader(url: styled).metadata
        #expect(sm.width == w && sm.height == h && sm.rotation == 0 && sm.frameCount == upright.count)
    }

    /// A mirrored clip (a display matrix that flips it left to right, as a front camera may record) keeps its
    /// mirror through transcode: the matrix was written as its rotation, a half turn, so the copy showed upside down.
    @Test func transcodingAMirroredClipKeepsItsMirror() throws {
        let dir = try KinemaCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reader = try VideoReader(url: Media.url("face_audio.mp4"))
        var frames: [ByteImage] = []
        while frames.count < 8, let f = try reader.nextFrame() { frames.append(f.image) }
        let mirror: [Int32] = [-65536, 0, 0, 0, 65536, 0, 0, 0, 1 << 30]
        let mirrored = dir.appendingPathComponent("mirrored.mp4")
        var config = VideoWriterConfig(width: frames[0].width, height: frames[0].height, fps: Rational(25, 1), crf: 12,
                                       preset: "veryfast")
        config.displayMatrix = mirror
        try VideoWriter.with(url: mirrored, config: config) { wr in for f in frames { try wr.write(f) } }
        #expect(try VideoReader(url: mirrored).metadata.rotation == 180)
        let info = try KinemaCLI.run(["info", mirrored.path])
        #expect(info.stdout.contains("rotation:    180°, mirrored"), "\(info.stdout)")
        #expect(try VideoReader(url: Media.url("face_audio.mp4")).metadata.isMirrored == false)
        let out = dir.appendingPathComponent("copy.mp4")
        let r = try KinemaCLI.run(["transcode", mirrored.path, "-o", out.path, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let copy = try VideoReader(url: out)
        #expect(copy.metadata.displayMatrix == mirror)
        copy.autoRotate = true
        let shown = try #require(try copy.nextFrame()).image
        var flipped = frames[0]
        for y in 0..<shown.height { for x in 0..<shown.width { for c in 0..<3 {
            flipped.data[(y * shown.width + x) * 3 + c] = frames[0].data[(y * shown.width + shown.width - 1 - x) * 3 + c]
        } } }
        let diff = zip(shown.data, flipped.data).map { abs(Int($0) - Int($1)) }.reduce(0, +)
        #expect(Double(diff) / Double(shown.data.count) < 4, "mean difference from the mirrored frame")
    }

    /// The same input makes the same file whatever the heap held before: glibc fills new allocations with a given
    /// byte under `MALLOC_PERTURB_`. x264's AVX-512 code read such leftovers, so on AVX-512 machines a 176×144
    /// clip's encoding changed from run to run (and the small-clip swap tests' figures with it).
    @Test func transcodingTwiceMakesTheSameBytesWhateverTheHeapHeld() throws {
        let dir = try KinemaCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [Data] = []
        for leftover in ["", "85", "170"] {
            let out = dir.appendingPathComponent("t\(leftover).mp4")
            let r = try KinemaCLI.run(["transcode", Media.url("face_audio.mp4").path, "--size", "176x144", "-o", out.path,
                                       "--crf", "18", "--preset", "veryfast", "--quiet"],
                                      environment: ["MALLOC_PERTURB_": leftover])
            #expect(r.status == 0, "\(r.stderr)")
            files.append(try Data(contentsOf: out))
        }
        #expect(files[1] == files[0] && files[2] == files[0])
    }

    /// Face swap writes at veryfast unless told otherwise, and an explicit `--preset medium` is honoured (it was
    /// taken for "not given" and turned into veryfast). x264 records its settings in the stream: subme 2 is
    /// veryfast's, subme 7 medium's.
    @Test func faceswapDefaultsToVeryfastAndHonoursAnExplicitPreset() throws {
        let dir = try KinemaCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        func subme(_ extra: [String]) throws -> Bool? {
            let out = dir.appendingPathComponent("swap\(extra.count).mp4")
            let r = try KinemaCLI.run(["faceswap", "--source", Media.url("astronaut.png").path, "--target",
                                       Media.url("face_audio.mp4").path, "-o", out.path, "--quiet"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            let text = String(decoding: try Data(contentsOf: out), as: UTF8.self)
            return text.contains("subme=2") ? true : text.contains("subme=7") ? false : nil
        }
        #expect(try subme([]) == true)
        #expect(try subme(["--preset", "medium"]) == false)
    }

    @Test func faceswapLabelsItsOutputAndRefusesAFaceFreeSource() throws {
        let dir = try KinemaCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = Media.url("face_audio.mp4"), out = dir.appendingPathComponent("swap.mp4")
        let refused = try KinemaCLI.run(["faceswap", "--source", Media.url("coffee.png").path,
                                        "--target", target.path, "-o", out.path])
        #expect(refused.status != 0 && refused.stderr.contains("no face"), "\(refused.stderr)")
        #expect(KinemaCLI.contents(dir).isEmpty)

        let r = try KinemaCLI.run(["faceswap", "--source", Media.url("astronaut.png").path, "--target", target.path,
                                   "-o", out.path, "--json", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        #expect(json["frames"] as? Int == 64 && json["framesSwapped"] as? Int == 64)
        #expect((json["perFrame"] as? [Any])?.count == 64)
        let meta = try VideoReader(url: out).metadata
        #expect(meta.tags["comment"]?.hasPrefix("synthetic media: face replaced by kinema") == true)
        #expect(meta.tags["kinema"] != nil && meta.hasAudio && meta.frameCount == 64)
    }
}
