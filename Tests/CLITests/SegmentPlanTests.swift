import Foundation
import Testing
import VideoIO

/// Segment arithmetic and the segment tag parser (untrusted: it is read from files).
@Suite struct SegmentPlanTests {
    @Test func partsCoverEveryFrameOnceAndDifferByAtMostOne() throws {
        for total in [1, 2, 7, 64, 90, 1000, 129_601] {
            for n in [1, 2, 3, 4, 7, 64] where n <= total {
                var next = 0, sizes: [Int] = []
                for k in 1...n {
                    let r = try Segment(index: k, count: n).frames(of: total)
                    #expect(r.lowerBound == next)
                    next = r.upperBound
                    sizes.append(r.count)
                }
                #expect(next == total && sizes.max()! - sizes.min()! <= 1)
            }
        }
        #expect(throws: SegmentError.tooManyParts(parts: 5, frames: 4)) { try Segment(index: 1, count: 5).frames(of: 4) }
    }

    @Test func windowWarmsUpBeforeAndLooksAheadAfter() throws {
        let w = try SegmentWindow(segment: Segment(index: 2, count: 4), total: 100, warmUp: 10, lookAhead: 6, align: 4)
        #expect(w.write == 25..<50 && w.read == 12..<56)
        let first = try SegmentWindow(segment: Segment(index: 1, count: 4), total: 100, warmUp: 10, lookAhead: 6)
        #expect(first.read == 0..<31)
        let last = try SegmentWindow(segment: Segment(index: 4, count: 4), total: 100, warmUp: 10, lookAhead: 6)
        #expect(last.read.lowerBound == 65 && last.read.upperBound == Int.max)
    }

    @Test func segmentSpecsAreCheckedStrictly() throws {
        #expect(try Segment(parsing: "3/8") == Segment(index: 3, count: 8))
        for bad in ["", "/", "1/", "/2", "0/3", "4/3", "-1/3", "1/0", "a/b", "1/2/3", " 1/2", "1/2 ", "1.0/2", "+1/2",
                    "1/99999999999999999999", "１/２", "1/10001"] {
            #expect(throws: SegmentError.self, "'\(bad)'") { try Segment(parsing: bad) }
        }
    }

    @Test func tagRoundTripsAndMalformedTagsAreRejected() throws {
        let tag = SegmentTag(segment: try Segment(index: 2, count: 3), frames: 40..<80, total: 120, job: "9f3a")
        #expect(tag.value == "2/3 frames=40-80/120 job=9f3a")
        #expect(SegmentTag(value: tag.value) == tag)
        for bad in ["", "2/3", "2/3 frames=40-80/120", "2/3 frames=80-40/120 job=x", "2/3 frames=40-80/70 job=x",
                    "2/3 frames=40-80/120 job=", "2/3 frames=-1-80/120 job=x", "2/3 frames=40-80 job=x", "4/3 frames=1-2/3 job=x",
                    "2/3  frames=40-80/120 job=x", "2/3 frames=40-80/120 job=x extra"] {
            #expect(SegmentTag(value: bad) == nil, "'\(bad)'")
        }
        // Fuzz: random mutations of a valid tag never trap, and whatever parses re-serialises to itself.
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789/-= abcfjmorsx")
        for _ in 0..<5000 {
            var chars = Array(tag.value)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<chars.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: chars[i] = alphabet.randomElement(using: &rng)!
                case 1: chars.remove(at: i); if chars.isEmpty { chars = ["x"] }
                default: chars.insert(alphabet.randomElement(using: &rng)!, at: i)
                }
            }
            if let t = SegmentTag(value: String(chars)) { #expect(SegmentTag(value: t.value) == t) }
        }
    }
}
