import Foundation
import Imaging
import VideoIO

/// What every frame a text2video run writes also feeds, whichever model drew it: the `--frames` PNGs,
/// the `--preview` contact sheet (8 frames spread over the frames this run writes) and the flicker metric.
struct FrameExtras {
    /// The `--frames` PNGs; the job keeps or discards them when the run ends.
    let files: FrameFiles
    private let preview: URL?
    private let label: String?
    private let previewIndices: Set<Int>
    private var thumbs: [Int: ByteImage] = [:]
    /// Flicker of the frames added so far.
    private(set) var flicker = FlickerMetric()

    /// Extras for a run that writes the frames of `window`, labelling every image with `label`.
    init(framesDirectory: URL?, preview: URL?, window: Range<Int>, label: String?) {
        files = FrameFiles(directory: framesDirectory)
        self.preview = preview
        self.label = label
        let n = window.count
        previewIndices = n == 0 ? [] : Set((0..<8).map { window.lowerBound + min(n - 1, $0 * n / 8) })
    }

    /// Adds frame `index` (in output order).
    /// - Throws: `GenerationError` when the frame size changes, `VideoIOError` from the PNG writer.
    mutating func add(_ frame: ByteImage, index: Int) throws {
        try flicker.add(frame)
        try files.write(frame, index: index, label: label)
        if preview != nil, previewIndices.contains(index) { thumbs[index] = Self.thumbnail(frame, maxSide: 192) }
    }

    /// Writes the contact sheet, if one was asked for.
    /// - Throws: `VideoIOError` from the PNG writer.
    func writePreview() throws {
        guard let preview else { return }
        let sheet = ContactSheet.grid(previewIndices.sorted().compactMap { thumbs[$0] }, columns: 4, background: 0)
        try ImageFile.write(sheet, to: preview, label: label)
    }

    /// Box-filter downscale so the longer side is at most `maxSide`.
    static func thumbnail(_ im: ByteImage, maxSide: Int) -> ByteImage {
        let f = max(1, (max(im.width, im.height) + maxSide - 1) / maxSide)
        let w = im.width / f, h = im.height / f
        var out = ByteImage(width: w, height: h, channels: 3)
        for y in 0..<h { for x in 0..<w { for c in 0..<3 {
            var s = 0
            for yy in 0..<f { for xx in 0..<f { s += Int(im.data[((y * f + yy) * im.width + x * f + xx) * 3 + c]) } }
            out.data[(y * w + x) * 3 + c] = UInt8((s + f * f / 2) / (f * f))
        } } }
        return out
    }
}
