import Foundation
import Testing
import Imaging

@Test func perfScratch() {
    guard ProcessInfo.processInfo.environment["IMAGING_PERF"] != nil else { return }
    let img = TestImages.noise(width: 1280, height: 720, seed: 1)
    func time(_ name: String, _ reps: Int = 5, _ f: () -> Image) {
        _ = f()
        func cpu() -> Double { var ts = timespec(); clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9 }
        let t0 = cpu()
        for _ in 0..<reps { _ = f() }
        print(String(format: "PERF %-28@ %8.2f ms cpu", name as NSString, (cpu() - t0) * 1000 / Double(reps)))
    }
    time("resize bilinear 640x360") { img.resized(width: 640, height: 360, filter: .bilinear) }
    time("resize area 640x360") { img.resized(width: 640, height: 360, filter: .area) }
    time("resize bicubic 1920x1080") { img.resized(width: 1920, height: 1080, filter: .bicubic) }
    time("resize lanczos3 1920x1080") { img.resized(width: 1920, height: 1080, filter: .lanczos3) }
    time("resize lanczos3 427x240") { img.resized(width: 427, height: 240, filter: .lanczos3) }
    let t = AffineTransform.rotation(0.3, aboutX: 640, y: 360)
    time("warp rotate 1280x720") { img.warpedAffine(t) }
    time("blur sigma 2") { img.gaussianBlurred(sigma: 2) }
    time("blur sigma 5") { img.gaussianBlurred(sigma: 5) }
    time("toLab") { img.toLab() }
    let lab = img.toLab()
    time("fromLab") { Image.fromLab(lab) }
    time("toLinear") { img.toLinear() }
    time("laplacian 5 build+collapse") { LaplacianPyramid(img, levels: 5).collapse() }
    time("luminance") { img.luminance() }
    let mask = TestImages.function(width: 1280, height: 720, channels: 1) { x, y, _ in
        let dx = x - 640, dy = y - 360
        return dx * dx + dy * dy < 100 * 100 ? 1 : 0
    }
    let other = TestImages.smooth(width: 1280, height: 720)
    time("poisson r=100 disc", 1) { Image.poissonBlended(source: img, target: other, mask: mask) }
    let bytes = ByteImage(img)
    time("byte->float") { Image(bytes) }
    time("float->byte") { _ = ByteImage(img); return img }
}
