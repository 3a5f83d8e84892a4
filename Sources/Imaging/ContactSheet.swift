/// Contact sheets: images laid out in a grid of equal cells with gutters, for previews of what a job did
/// (before/after pairs from restyle and faceswap, sampled frames from text2video). Kinema's one implementation.
public enum ContactSheet {
    /// Space between cells and around the sheet, in pixels.
    public static let gutter = 4

    /// Images in rows of `columns` cells of the first image's aspect ratio. The cell height is `cellHeight` when
    /// given; else the first image's height, reduced so the sheet is at most `maxWidth` wide. Cells are scaled with
    /// area averaging (bilinear when enlarging); grey and RGBA inputs become RGB. An empty list gives an 8×8 tile.
    public static func grid(_ images: [ByteImage], columns: Int, cellHeight: Int? = nil, maxWidth: Int? = nil,
                            background: UInt8 = 48) -> ByteImage {
        guard let first = images.first, first.width > 0, first.height > 0 else {
            return ByteImage(width: 8, height: 8, channels: 3, fill: background)
        }
        let cols = max(1, min(columns, images.count)), rows = (images.count + cols - 1) / cols
        var cellH = max(1, cellHeight ?? first.height)
        if let maxWidth, cellHeight == nil {
            let widest = max(1, (maxWidth - (cols + 1) * gutter) / cols)
            if first.width * cellH / first.height > widest { cellH = max(1, widest * first.height / first.width) }
        }
        let cellW = max(1, first.width * cellH / first.height)
        let sheetW = cols * cellW + (cols + 1) * gutter, sheetH = rows * cellH + (rows + 1) * gutter
        var sheet = ByteImage(width: sheetW, height: sheetH, channels: 3, fill: background)
        for (k, image) in images.enumerated() {
            let cell = rgb(image).resized(width: cellW, height: cellH, filter: cellW < image.width ? .area : .bilinear)
            let ox = gutter + (k % cols) * (cellW + gutter), oy = gutter + (k / cols) * (cellH + gutter)
            for y in 0..<cellH {
                let src = y * cellW * 3, dst = ((oy + y) * sheetW + ox) * 3
                sheet.data.replaceSubrange(dst..<(dst + cellW * 3), with: cell.data[src..<(src + cellW * 3)])
            }
        }
        return sheet
    }

    /// Before/after pairs, one row each, before on the left; see `grid` for `rowHeight` and `maxWidth`.
    public static func pairs(_ pairs: [(ByteImage, ByteImage)], rowHeight: Int? = nil, maxWidth: Int? = nil) -> ByteImage {
        grid(pairs.flatMap { [$0.0, $0.1] }, columns: 2, cellHeight: rowHeight, maxWidth: maxWidth)
    }

    /// Three channels: grey is repeated, alpha dropped.
    static func rgb(_ image: ByteImage) -> ByteImage {
        guard image.channels != 3 else { return image }
        var out = ByteImage(width: image.width, height: image.height, channels: 3)
        let c = image.channels
        for i in 0..<(image.width * image.height) {
            for ch in 0..<3 { out.data[i * 3 + ch] = image.data[i * c + min(ch, c - 1)] }
        }
        return out
    }
}
