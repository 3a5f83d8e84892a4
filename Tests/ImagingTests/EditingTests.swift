import Testing
import Imaging

@Suite struct EditingTests {
    @Test func cropAndPasteRoundTrip() {
        let src = TestImages.noise(width: 20, height: 15, seed: 3)
        let part = src.cropped(x: 4, y: 3, width: 8, height: 6)
        #expect(part[0, 0, 2] == src[4, 3, 2] && part[7, 5, 0] == src[11, 8, 0])
        var canvas = Image(width: 20, height: 15, channels: 3)
        canvas.paste(part, x: 4, y: 3)
        #expect(canvas.cropped(x: 4, y: 3, width: 8, height: 6) == part)
        #expect(canvas[3, 3, 0] == 0)
        // Out-of-bounds regions are filled, pastes are clipped.
        let edge = src.cropped(x: -2, y: 13, width: 4, height: 4, fill: 0.5)
        #expect(edge[0, 0, 0] == 0.5 && edge[2, 0, 1] == src[0, 13, 1] && edge[3, 2, 0] == 0.5)
        canvas.paste(part, x: 17, y: -4)
        #expect(canvas[19, 0, 1] == part[2, 4, 1])
    }

    // A mask of 0.25 mixes a quarter of the source into the destination; tolerance 1e-6.
    @Test func pasteWithMask() {
        var dst = Image(width: 6, height: 6, channels: 3, fill: 0.8)
        let src = Image(width: 4, height: 4, channels: 3, fill: 0.4)
        let mask = Image(width: 4, height: 4, channels: 1, fill: 0.25)
        dst.paste(src, x: 1, y: 1, mask: mask)
        #expect(abs(dst[2, 2, 0] - (0.25 * 0.4 + 0.75 * 0.8)) < 1e-6)
        #expect(dst[0, 0, 0] == 0.8)
    }

    @Test func drawing() {
        var img = Image(width: 20, height: 20, channels: 3)
        img.drawLine(x0: 2, y0: 5, x1: 12, y1: 5, color: [1, 0, 0])
        let lit = { (im: Image) in (0..<im.pixelCount).filter { im.data[$0 * 3] > 0 }.count }
        #expect(lit(img) == 11)
        img = Image(width: 20, height: 20, channels: 3)
        img.drawLine(x0: 0, y0: 0, x1: 9, y1: 9, color: [1, 1, 1])
        #expect(lit(img) == 10 && img[4, 4, 2] == 1 && img[5, 4, 2] == 0)
        img = Image(width: 20, height: 20, channels: 3)
        img.drawBox(x: 3, y: 4, width: 10, height: 5, color: [0.5])
        #expect(lit(img) == 2 * 11 + 2 * 4)
        #expect(img[3, 4, 1] == 0.5 && img[13, 9, 2] == 0.5 && img[8, 6, 0] == 0)
        img = Image(width: 20, height: 20, channels: 3)
        img.drawPoint(x: 10.4, y: 9.6, color: [0, 1, 0], radius: 0)
        #expect(img[10, 10, 1] == 1 && img.data.filter { $0 > 0 }.count == 1)
        img.drawPoint(x: 0, y: 0, color: [1, 1, 1], radius: 2)
        #expect(img[2, 0, 0] == 1 && img[2, 2, 0] == 0)
        // Far-away or non-finite coordinates are clipped, never trap.
        img.drawLine(x0: -1e6, y0: 3, x1: 1e6, y1: 3, color: [1])
        img.drawPoint(x: .nan, y: 4, color: [1])
        #expect(img[19, 3, 0] == 1)
        var bytes = ByteImage(width: 8, height: 8, channels: 3)
        bytes.drawBox(x: 1, y: 1, width: 3, height: 3, color: [255, 0, 0], thickness: 1)
        #expect(bytes.data[(1 * 8 + 1) * 3] == 255 && bytes.data[(1 * 8 + 1) * 3 + 1] == 0)
    }

    @Test func channelsAndStatistics() {
        let src = TestImages.noise(width: 7, height: 5, seed: 10)
        #expect(Image(width: 7, height: 5, planes: src.planes()) == src)
        #expect(Image(width: 7, height: 5, channels: 3, planar: src.planar()) == src)
        #expect(Image.merged([src.channel(0), src.channel(1), src.channel(2)]) == src)
        let rgb = Image(width: 1, height: 3, channels: 3, data: [1, 1, 1, 0, 1, 0, 1, 0, 0])
        let y709 = rgb.luminance(), y601 = rgb.luminance(.rec601)
        #expect(abs(y709.data[0] - 1) < 1e-6 && abs(y709.data[1] - 0.7152) < 1e-6 && abs(y601.data[2] - 0.299) < 1e-6)
        // Statistics against a direct computation, then restricted by a mask; tolerance 1e-5.
        let stats = src.channelStatistics()
        let p = src.plane(1), mean = p.reduce(0, +) / Float(p.count)
        let std = (p.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(p.count)).squareRoot()
        #expect(abs(stats.mean[1] - mean) < 1e-5 && abs(stats.std[1] - std) < 1e-5)
        var mask = Image(width: 7, height: 5, channels: 1)
        mask[2, 3, 0] = 1
        let one = src.channelStatistics(mask: mask)
        #expect(abs(one.mean[2] - src[2, 3, 2]) < 1e-6 && one.std[2] < 1e-3)
    }
}
