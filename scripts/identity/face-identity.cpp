// Dev tool (not used by the product or the unit tests): prints dlib's 128-d face descriptor of the
// largest face in each image, so a face swap can be judged by an independent recogniser.
// Build and run through scripts/faceswap-identity. Models: PyPI face-recognition-models==0.3.0 (CC0).
// Usage: face-identity MODEL_DIR IMAGE...   → one line per image: "PATH d0 d1 ... d127" or "PATH none".
//        face-identity --detect IMAGE...     → HOG only, no models: "PATH N [x0 y0 x1 y1 score]..." per image,
//                                              boxes in the image's own pixels (scripts/restyle-faces).
#include <dlib/dnn.h>
#include <dlib/image_io.h>
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <iostream>

using namespace dlib;

// The ResNet of dlib's dnn_face_recognition_ex.cpp (the network the .dat file holds).
template <template <int, template <typename> class, int, typename> class block, int N, template <typename> class BN, typename SUBNET>
using residual = add_prev1<block<N, BN, 1, tag1<SUBNET>>>;
template <template <int, template <typename> class, int, typename> class block, int N, template <typename> class BN, typename SUBNET>
using residual_down = add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<block<N, BN, 2, tag1<SUBNET>>>>>>;
template <int N, template <typename> class BN, int stride, typename SUBNET>
using block = BN<con<N, 3, 3, 1, 1, relu<BN<con<N, 3, 3, stride, stride, SUBNET>>>>>;
template <int N, typename SUBNET> using ares = relu<residual<block, N, affine, SUBNET>>;
template <int N, typename SUBNET> using ares_down = relu<residual_down<block, N, affine, SUBNET>>;
template <typename SUBNET> using alevel0 = ares_down<256, SUBNET>;
template <typename SUBNET> using alevel1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET> using alevel2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET> using alevel3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET> using alevel4 = ares<32, ares<32, ares<32, SUBNET>>>;
using anet_type = loss_metric<fc_no_bias<128, avg_pool_everything<
    alevel0<alevel1<alevel2<alevel3<alevel4<max_pool<3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2,
    input_rgb_image_sized<150>>>>>>>>>>>>>;

// dlib's CNN face detector (mmod_human_face_detector.dat), the fallback when HOG finds nothing.
template <long num_filters, typename SUBNET> using con5d = con<num_filters, 5, 5, 2, 2, SUBNET>;
template <long num_filters, typename SUBNET> using con5 = con<num_filters, 5, 5, 1, 1, SUBNET>;
template <typename SUBNET> using downsampler = relu<affine<con5d<32, relu<affine<con5d<32, relu<affine<con5d<16, SUBNET>>>>>>>>>;
template <typename SUBNET> using rcon5 = relu<affine<con5<45, SUBNET>>>;
using mmod_net = loss_mmod<con<1, 9, 9, 1, 1, rcon5<rcon5<rcon5<downsampler<input_rgb_image_pyramid<pyramid_down<6>>>>>>>>;

// Small frames (176×144) are upsampled (×2 until 600 px wide) so the 80-px HOG window can see their faces.
static double enlarged(const matrix<rgb_pixel>& img, matrix<rgb_pixel>& big) {
    double up = 1;
    while (img.nc() * up < 600) up *= 2;
    big = img;
    if (up > 1) { big.set_size(long(img.nr() * up), long(img.nc() * up)); resize_image(img, big); }
    return up;
}

// Detect-only mode: dlib's HOG frontal-face detector, every face with its detection score.
static int detect(int argc, char** argv) {
    frontal_face_detector hog = get_frontal_face_detector();
    for (int i = 2; i < argc; ++i) {
        matrix<rgb_pixel> img, big;
        try { load_image(img, argv[i]); } catch (std::exception& e) { std::cout << argv[i] << " 0\n"; continue; }
        double up = enlarged(img, big);
        std::vector<rect_detection> dets;
        hog(big, dets);
        std::cout << argv[i] << ' ' << dets.size();
        for (auto& d : dets)
            std::cout << ' ' << d.rect.left() / up << ' ' << d.rect.top() / up << ' ' << d.rect.right() / up
                      << ' ' << d.rect.bottom() / up << ' ' << d.detection_confidence;
        std::cout << '\n';
    }
    return 0;
}

int main(int argc, char** argv) {
    if (argc < 3) { std::cerr << "usage: face-identity MODEL_DIR IMAGE... | face-identity --detect IMAGE...\n"; return 2; }
    std::string dir = argv[1];
    if (dir == "--detect") return detect(argc, argv);
    frontal_face_detector hog = get_frontal_face_detector();
    shape_predictor sp; deserialize(dir + "/shape_predictor_5_face_landmarks.dat") >> sp;
    anet_type net; deserialize(dir + "/dlib_face_recognition_resnet_model_v1.dat") >> net;
    mmod_net cnn; deserialize(dir + "/mmod_human_face_detector.dat") >> cnn;
    for (int i = 2; i < argc; ++i) {
        matrix<rgb_pixel> img, big;
        try { load_image(img, argv[i]); } catch (std::exception& e) { std::cout << argv[i] << " none\n"; continue; }
        enlarged(img, big);
        std::vector<rectangle> faces = hog(big);
        if (faces.empty()) for (auto& d : cnn(big)) faces.push_back(d.rect);
        if (faces.empty()) { std::cout << argv[i] << " none\n"; continue; }
        rectangle best = faces[0];
        for (auto& f : faces) if (f.area() > best.area()) best = f;
        matrix<rgb_pixel> chip;
        extract_image_chip(big, get_face_chip_details(sp(big, best), 150, 0.25), chip);
        matrix<float, 0, 1> d = net(chip);
        std::cout << argv[i];
        for (long k = 0; k < d.size(); ++k) std::cout << ' ' << d(k);
        std::cout << '\n';
    }
    return 0;
}
