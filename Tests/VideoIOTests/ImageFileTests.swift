import Foundation
import Imaging
import Testing
@testable import VideoIO

/// PNG/JPEG through libavcodec. Reference sums and pixels were measured with the ffmpeg CLI
/// (`ffmpeg -i X.png -f rawvideo -pix_fmt rgb24 -`), an independent decoder path.
@Suite struct ImageFileTests {
    @Test(arguments: [
        ("astronaut.png", 512, 512, 90_124_324, [[154, 147, 151], [134, 126, 117], [187, 164, 158]]),
        ("coffee.png", 600, 400, 71_003_487, [[21, 13, 8], [209, 114, 46], [185, 44, 15]]),
    ])
    func pngDecodesExactly(_ name: String, _ w: Int, _ h: Int, _ sum: Int, _ pixels: [[Int]]) throws {
        let img = try ImageFile.read(Fixture.clip(name))
        #expect(img.width == w && img.height == h && img.channels == 3)
        #expect(img.data.reduce(0) { $0 + Int($1) } == sum)
        for (i, p) in zip([0, 1000, 123456], pixels) {
            #expect(Array(img.data[(i * 3)..<(i * 3 + 3)]).map(Int.init) == p)
        }
    }

    @Test func pngRoundTripIsLossless() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let img = try ImageFile.read(Fixture.clip("motorcycle_left.png"))
        let out = dir.appendingPathComponent("m.png")
        try ImageFile.write(img, to: out)
        #expect(try ImageFile.read(out) == img)
        #expect(Fixture.contents(dir) == ["m.png"])
    }

    @Test func jpegRoundTripIsClose() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let img = try ImageFile.read(Fixture.clip("astronaut.png"))
        let hi = dir.appendingPathComponent("a.jpg"), lo = dir.appendingPathComponent("a_lo.jpeg")
        try ImageFile.write(img, to: hi, quality: 95)
        try ImageFile.write(img, to: lo, quality: 20)
        let backHi = try ImageFile.read(hi), backLo = try ImageFile.read(lo)
        #expect(backHi.width == 512 && backHi.height == 512)
        #expect(psnr(img, backHi) > 34, "q95 PSNR \(psnr(img, backHi))")
        #expect(psnr(img, backLo) < psnr(img, backHi))
        let sizeHi = try FileManager.default.attributesOfItem(atPath: hi.path)[.size] as! Int
        let sizeLo = try FileManager.default.attributesOfItem(atPath: lo.path)[.size] as! Int
        #expect(sizeLo < sizeHi)
    }

    /// A phone's portrait photo is stored on its side with an EXIF orientation, and a front camera's may be stored
    /// mirrored; it is read as shown (it came out sideways, so a restyled or swapped photo was written turned by
    /// 90°; orientation 2, a mirror, came out upside down and 4, a vertical mirror, unchanged).
    @Test(arguments: [(2, true, 0), (3, false, 180), (4, true, 180), (5, true, 90), (6, false, 90), (7, true, 270),
                      (8, false, 270)])
    func aJPEGWithAnEXIFOrientationIsReadUpright(_ orientation: UInt8, _ mirrored: Bool, _ clockwise: Int) throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let upright = try ImageFile.read(Fixture.clip("coffee.png"))
        // Stored so that turning it `clockwise` degrees (then mirroring it left to right) shows it upright: the
        // EXIF definitions of the eight orientations.
        let mirror = DisplayTransform(a: -1, b: 0, c: 0, d: 1)
        let turn = DisplayTransform(counterClockwise: clockwise)
        let stored = turn.applied(to: mirrored ? mirror.applied(to: upright) : upright)
        let plain = dir.appendingPathComponent("plain.jpg")
        try ImageFile.write(stored, to: plain, quality: 95)
        // APP1 "Exif": a little-endian TIFF header and one IFD entry, Orientation (0x0112), SHORT, the given value.
        let exif: [UInt8] = [0xFF, 0xE1, 0x00, 34] + Array("Exif".utf8) + [0, 0, 0x49, 0x49, 0x2A, 0, 8, 0, 0, 0,
                             1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, orientation, 0, 0, 0, 0, 0, 0, 0]
        let bytes = [UInt8](try Data(contentsOf: plain))
        let tagged = dir.appendingPathComponent("tagged.jpg")
        try Data(bytes[0..<2] + exif + bytes[2...]).write(to: tagged)
        let back = try ImageFile.read(tagged)
        #expect(back.width == upright.width && back.height == upright.height)
        if back.width == upright.width && back.height == upright.height {
            #expect(psnr(upright, back) > 34, "PSNR \(psnr(upright, back))")
        }
        #expect(try ImageFile.read(plain).width == stored.width)
    }

    @Test func greyAndAlphaImagesWrite() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        var grey = ByteImage(width: 33, height: 17, channels: 1)
        for i in 0..<grey.data.count { grey.data[i] = UInt8(i % 256) }
        try ImageFile.write(grey, to: dir.appendingPathComponent("g.png"))
        let back = try ImageFile.read(dir.appendingPathComponent("g.png"))
        #expect(back.channels == 3 && back.data[3 * 40] == grey.data[40] && back.data[3 * 40 + 2] == grey.data[40])
        let rgba = ByteImage(width: 8, height: 8, channels: 4, fill: 200)
        try ImageFile.write(rgba, to: dir.appendingPathComponent("a.png"))
        #expect(try ImageFile.read(dir.appendingPathComponent("a.png")).data.allSatisfy { $0 == 200 })
    }

    @Test func badImagesGiveClearErrors() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        #expect(throws: VideoIOError.fileNotFound(path: dir.appendingPathComponent("x.png").path)) {
            _ = try ImageFile.read(dir.appendingPathComponent("x.png"))
        }
        let text = dir.appendingPathComponent("t.png")
        _ = FileManager.default.createFile(atPath: text.path, contents: Data("hello".utf8))
        #expect(throws: VideoIOError.self) { _ = try ImageFile.read(text) }
        let png = try Data(contentsOf: Fixture.clip("coffee.png"))
        let cut = dir.appendingPathComponent("cut.png")
        try png.prefix(200).write(to: cut)
        #expect(throws: VideoIOError.self) { _ = try ImageFile.read(cut) }
        #expect(throws: VideoIOError.self) {
            try ImageFile.write(ByteImage(width: 4, height: 4), to: dir.appendingPathComponent("x.gif"))
        }
    }
}
