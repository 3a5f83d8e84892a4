import Imaging
import Testing

/// Kinema's one contact sheet: layout arithmetic and where each cell's pixels land.
@Suite struct ContactSheetTests {
    static func solid(_ w: Int, _ h: Int, _ rgb: [UInt8]) -> ByteImage {
        ByteImage(width: w, height: h, channels: 3, data: (0..<(w * h)).flatMap { _ in rgb })
    }

    @Test func pairsAreRowsOfBeforeAndAfter() {
        let red = Self.solid(64, 32, [255, 0, 0]), blue = Self.solid(64, 32, [0, 0, 255])
        let sheet = ContactSheet.pairs([(red, blue), (blue, red)], rowHeight: 16)
        let g = ContactSheet.gutter
        #expect(sheet.width == 2 * 32 + 3 * g && sheet.height == 2 * 16 + 3 * g)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(sheet.data[((y * sheet.width + x) * 3)..<((y * sheet.width + x) * 3 + 3)]) }
        #expect(pixel(g + 5, g + 5) == [255, 0, 0])                 // row 0, before
        #expect(pixel(2 * g + 32 + 5, g + 5) == [0, 0, 255])        // row 0, after
        #expect(pixel(g + 5, 2 * g + 16 + 5) == [0, 0, 255])        // row 1, before
        #expect(pixel(0, 0) == [48, 48, 48])                        // gutter
    }

    @Test func maxWidthShrinksCellsAndAreaAveragingIsExact() {
        // Alternating black/white columns average to 127/128 grey when halved by area.
        var stripes = ByteImage(width: 200, height: 100, channels: 1)
        for y in 0..<100 { for x in 0..<200 where x % 2 == 0 { stripes.data[y * 200 + x] = 255 } }
        let sheet = ContactSheet.grid([stripes, stripes, stripes], columns: 2, maxWidth: 2 * 100 + 3 * ContactSheet.gutter)
        #expect(sheet.width == 2 * 100 + 3 * ContactSheet.gutter && sheet.height == 2 * 50 + 3 * ContactSheet.gutter)
        let mid = ((ContactSheet.gutter + 25) * sheet.width + ContactSheet.gutter + 50) * 3
        #expect(abs(Int(sheet.data[mid]) - 128) <= 1)
        #expect(ContactSheet.grid([], columns: 3).width == 8)
    }
}
