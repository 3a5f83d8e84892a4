import Flow
import Imaging

/// What each of the 26 learned painting styles looks like (written from the contact sheet
/// `docs/restyle-painting-styles.jpg`, astronaut.png in every style), for `--help` and the README.
public enum PaintingCatalogue {
    /// One short description per style, index 0 = `painting:1`.
    public static let descriptions: [String] = [
        "soft pastel: pale sky blue and ochre washes, smudged edges",
        "graphic poster: thick black outlines around flat yellow and white shapes",
        "charcoal on tan paper: muted beige and grey, dark smeared contours",
        "abstract swirls: red, blue, black and white brush ribbons (Kandinsky-like)",
        "cream ground with wine-red and crimson blotches",
        "fiery expressionism: orange, yellow and red strokes with white highlights",
        "night mosaic: dark indigo texture speckled with small dark dots",
        "fauvist blocks: large flat yellow and cobalt-blue masses with black",
        "psychedelic line drawing: rainbow-fringed contours on white, pink, cyan and yellow",
        "textile pattern: dense dark teal and red flower-like blobs",
        "earth oil: rust and red-brown strokes, sepia mood",
        "etching: ochre and cream with dark cross-hatched lines",
        "hazy pastel: soft lavender, violet and yellow blur",
        "cubist fragments: yellow-green and teal planes with dark outlines",
        "faded watercolour: icy blue-grey and peach, low contrast",
        "stained glass: thin dark leading around pastel pink, yellow and white shards",
        "starry swirls: blue and orange diagonal swirling strokes",
        "bar mosaic: red, orange and blue rectangles in a grid (Mondrian-like)",
        "sepia ink wash: brown brush shapes on cream",
        "wavy impasto: dense blue and yellow rippled texture",
        "red expressionism: deep red and orange with black",
        "cut-paper collage: flat sky blue, pink and cream blocks with black shapes",
        "ink brush: black strokes on cream with a red accent",
        "murky green oil: dark green and pale blue-grey, low contrast",
        "blue and white porcelain: cream and navy with fine cracked texture",
        "gilded baroque: ochre, navy and gold ornamental swirls",
    ]

    /// The `--help` text listing every style.
    public static var helpText: String {
        "Learned painting styles (--style painting:K, or blend them: painting:3=0.5,12=0.5):\n"
            + descriptions.enumerated().map { "  \($0.offset + 1). \($0.element)" }.joined(separator: "\n")
    }

    /// `photo` and then the photo in each of the 26 styles, in a grid `columns` wide (Imaging's
    /// `ContactSheet`), cells `cell` pixels wide.
    /// - Throws: model loading errors.
    public static func contactSheet(photo: ByteImage, cell: Int, columns: Int = 9) throws -> ByteImage {
        let net = try PaintingNetwork.shared()
        let ch = max(1, photo.height * cell / max(photo.width, 1))
        // Stylised at twice the cell size (strokes have a fixed size in pixels), then halved.
        let large = RGBPlanes.from(photo.resized(width: 2 * cell, height: 2 * ch, filter: .area))
        var cells = [photo.resized(width: cell, height: ch, filter: .area)]
        for k in 0..<PaintingNetwork.styleCount {
            var w = [Float](repeating: 0, count: PaintingNetwork.styleCount)
            w[k] = 1
            let planes = PaintingStylizer(network: net, weights: w, maxWorkingSide: 2 * max(cell, ch)).stylize(large)
            cells.append(RGBPlanes.toBytes(planes.map { $0.halved() }, width: cell, height: ch))
        }
        return ContactSheet.grid(cells, columns: columns, cellHeight: ch, background: 255)
    }
}
