import Imaging

extension SourceFace {
    /// Finds the source face in `image`: the `index`-th face from the left (0-based).
    /// - Throws: `FaceSwapError.noSourceFace` when the image has no face or fewer than `index + 1`,
    ///   or the landmark source's errors.
    public static func detect(in image: ByteImage, using source: FaceLandmarkSource, index: Int = 0) throws -> SourceFace {
        let rgb = image.channels == 3 ? image : Self.rgb(image)
        let faces = try source.detectFaces(in: rgb).sorted { $0.boundingBox.x < $1.boundingBox.x }
        guard !faces.isEmpty else { throw FaceSwapError.noSourceFace("no face detected") }
        guard index >= 0, index < faces.count else {
            throw FaceSwapError.noSourceFace("asked for face \(index) but the image has \(faces.count) (0-based, left to right)")
        }
        return try SourceFace(image: rgb, landmarks: faces[index].points)
    }

    /// The image as 3-channel RGB (grey is replicated, alpha dropped).
    public static func rgb(_ img: ByteImage) -> ByteImage {
        var out = ByteImage(width: img.width, height: img.height, channels: 3)
        for p in 0..<(img.width * img.height) { for ch in 0..<3 {
            out.data[3 * p + ch] = img.data[p * img.channels + min(ch, img.channels - 1)]
        } }
        return out
    }
}
