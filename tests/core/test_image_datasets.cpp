// Image datasets: IDX files (plain and gzip) against Fashion-MNIST's known header, clear errors
// for corrupt, truncated and mislabelled files, PNG folders with class subfolders, area
// resampling, the built-in shapes, and the ideal denoiser memorising images.
#include "core/backend/cpu_backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/datasets/idx_file.hpp"
#include "core/datasets/image_datasets.hpp"
#include "core/datasets/image_resize.hpp"
#include "core/datasets/png_folder.hpp"
#include "core/denoisers/ideal_denoiser.hpp"
#include "core/schedules/schedule.hpp"
#include "test_support.hpp"

#include <filesystem>
#include <fstream>
#include <png.h>
#include <zlib.h>

using namespace dfs;
using dfs::test::contains;
using dfs::test::errorOf;
namespace fs = std::filesystem;

namespace {

const std::string kFashion = "/usr/share/datasets/fashion-mnist";

fs::path scratch(const std::string& name) {
    const fs::path d = fs::temp_directory_path() / "dfs_image_tests" / name;
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

void writeBytes(const fs::path& p, const std::string& bytes, bool gzip = false) {
    if (gzip) {
        gzFile f = gzopen(p.c_str(), "wb");
        gzwrite(f, bytes.data(), unsigned(bytes.size()));
        gzclose(f);
    } else {
        std::ofstream(p, std::ios::binary) << bytes;
    }
}

/// An IDX header for unsigned bytes with the given dimensions.
std::string idxHeader(std::vector<std::uint32_t> dims) {
    std::string h = {0, 0, 8, char(dims.size())};
    for (std::uint32_t d : dims)
        for (int s = 24; s >= 0; s -= 8) h += char((d >> s) & 0xFF);
    return h;
}

void writePng(const fs::path& p, int w, int h, std::uint8_t value) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = png_uint_32(w);
    image.height = png_uint_32(h);
    image.format = PNG_FORMAT_GRAY;
    std::vector<std::uint8_t> pixels(std::size_t(w * h), value);
    REQUIRE(png_image_write_to_file(&image, p.c_str(), 0, pixels.data(), 0, nullptr));
}

} // namespace

TEST_CASE("IDX: Fashion-MNIST's header and first label, gzip-compressed", "[images]") {
    if (!fs::exists(kFashion + "/train-images-idx3-ubyte.gz")) {
        WARN("dataset-fashion-mnist is not installed; skipping");
        return;
    }
    const IdxArray labels = readIdx(kFashion + "/train-labels-idx1-ubyte.gz");
    CHECK(labels.dims == std::vector<std::uint32_t>{60000});
    CHECK(labels.values[0] == 9); // the first training item is an ankle boot
    const PointSet set = loadDataset("fashion-mnist", {100, -1, 0, 16});
    CHECK(set.points.rows() == 100);
    CHECK(set.points.cols() == 256);
    CHECK(set.labels.size() == 100);
    CHECK(set.points.minCoeff() >= -1.0);
    CHECK(set.points.maxCoeff() <= 1.0);
}

TEST_CASE("IDX: plain and gzip read alike; broken files are named", "[images]") {
    const fs::path d = scratch("idx");
    const std::string good =
        idxHeader({2, 2, 2}) + std::string("\x00\x10\x20\xff\x01\x02\x03\x04", 8);
    writeBytes(d / "a.idx", good);
    writeBytes(d / "a.idx.gz", good, true);
    const IdxArray a = readIdx((d / "a.idx").string()), b = readIdx((d / "a.idx.gz").string());
    CHECK(a.dims == std::vector<std::uint32_t>{2, 2, 2});
    CHECK(a.values == b.values);
    CHECK(a.values[3] == 0xff);
    writeBytes(d / "short.idx", good.substr(0, good.size() - 3));
    CHECK(contains(errorOf<DataError>([&] { readIdx((d / "short.idx").string()); }),
                   "short.idx: truncated"));
    writeBytes(d / "magic.idx", "\x01\x02" + good.substr(2));
    CHECK(contains(errorOf<DataError>([&] { readIdx((d / "magic.idx").string()); }),
                   "not an IDX file"));
    writeBytes(d / "float.idx", std::string("\0\0\x0d\x01\0\0\0\x01", 8) + "abcd");
    CHECK(contains(errorOf<DataError>([&] { readIdx((d / "float.idx").string()); }),
                   "value type 0x0d"));
    writeBytes(d / "long.idx", good + "x");
    CHECK(contains(errorOf<DataError>([&] { readIdx((d / "long.idx").string()); }),
                   "trailing bytes"));
    CHECK(contains(errorOf<DataError>([&] { readIdx((d / "missing.idx").string()); }),
                   "cannot open"));
}

TEST_CASE("IDX datasets: mislabelled pairs are refused", "[images]") {
    const fs::path d = scratch("datasets");
    fs::create_directories(d / "mnist");
    writeBytes(d / "mnist/train-images-idx3-ubyte", idxHeader({3, 2, 2}) + std::string(12, '\x7f'));
    writeBytes(d / "mnist/train-labels-idx1-ubyte.gz", idxHeader({2}) + std::string("\x01\x02", 2),
               true);
    setenv("DIFFUSCOPE_DATASETS", d.c_str(), 1);
    const std::string err = errorOf<DataError>([] { loadDataset("mnist", {10, -1, 0, 8}); });
    CHECK(contains(err, "2 labels for 3 images"));
    writeBytes(d / "mnist/train-labels-idx1-ubyte.gz",
               idxHeader({3}) + std::string("\x01\x02\x0b", 3), true);
    CHECK(contains(errorOf<DataError>([] { loadDataset("mnist", {10, -1, 0, 8}); }), "label 11"));
    writeBytes(d / "mnist/train-labels-idx1-ubyte.gz",
               idxHeader({3}) + std::string("\x01\x02\x03", 3), true);
    const PointSet ok = loadDataset("mnist", {10, -1, 0, 8});
    CHECK(ok.size() == 3);
    CHECK(ok.points.cols() == 64);
    CHECK(ok.points(0, 0) == Approx(127 / 127.5 - 1)); // area resampling keeps a flat image flat
    unsetenv("DIFFUSCOPE_DATASETS");
}

TEST_CASE("PNG folders: class subfolders, resampling and clear errors", "[images]") {
    const fs::path d = scratch("png");
    fs::create_directories(d / "a");
    fs::create_directories(d / "b");
    writePng(d / "a/1.png", 32, 32, 255);
    writePng(d / "a/2.PNG", 32, 32, 0);
    writePng(d / "b/1.png", 16, 16, 51);
    const PointSet set = loadDataset(d.string(), {100, -1, 0, 16});
    REQUIRE(set.size() == 3);
    CHECK(set.labels == std::vector<int>{0, 0, 1});
    CHECK(set.points(0, 7) == Approx(1.0));
    CHECK(set.points(1, 7) == Approx(-1.0));
    CHECK(set.points(2, 7) == Approx(51 / 127.5 - 1));
    writePng(d / "b/wide.png", 20, 10, 0);
    CHECK(contains(errorOf<DataError>([&] {
                       loadDataset(d.string(), {100, -1, 0, 16});
                   }),
                   "wide.png: the image is 20x10"));
    fs::remove(d / "b/wide.png");
    writeBytes(d / "b/broken.png", "\x89PNG\r\n\x1a\nnot really");
    CHECK(contains(errorOf<DataError>([&] {
                       loadDataset(d.string(), {100, -1, 0, 16});
                   }),
                   "broken.png"));
    const fs::path empty = scratch("png_empty");
    CHECK(contains(errorOf<DataError>([&] { loadDataset(empty.string(), {}); }), "no PNG images"));
    CHECK(contains(errorOf<UsageError>([&] {
                       loadDataset("shapes", {10, -1, 0, 12});
                   }),
                   "--resolution"));
}

TEST_CASE("PNG folders: a chunk longer than the file is refused before libpng allocates it",
          "[images]") {
    // Found by fuzz_png: a chunk declaring about 2 GiB made libpng allocate it from a tiny file.
    const fs::path d = scratch("png_chunk");
    const std::string ihdr("\0\0\0\x0dIHDR\0\0\0\x10\0\0\0\x10\x08\0\0\0\0\0\0\0\0", 25);
    writeBytes(d / "huge.png", "\x89PNG\r\n\x1a\n" + ihdr + std::string("\x7e\x8c\0\0iCCP", 8));
    CHECK(contains(errorOf<DataError>([&] { loadPngFolder(d.string(), 8); }),
                   "huge.png: corrupt PNG (a chunk of 2123104256 bytes at byte 33"));
}

TEST_CASE("area resampling averages exactly", "[images]") {
    Matrix img(1, 16);
    for (int k = 0; k < 16; ++k) img(0, k) = k;
    const Matrix half = areaResize(img, 4, 2);
    CHECK(half(0, 0) == Approx((0 + 1 + 4 + 5) / 4.0));
    CHECK(half(0, 3) == Approx((10 + 11 + 14 + 15) / 4.0));
    const Matrix odd = areaResize(img, 4, 3); // fractional footprints
    CHECK(odd.mean() == Approx(img.mean()));
    CHECK(areaResize(img, 4, 4) == img);
    CHECK_THROWS_AS(areaResize(img, 5, 2), UsageError);
}

TEST_CASE("shapes: deterministic, labelled, in range", "[images]") {
    const PointSet a = loadDataset("shapes", {300, -1, 7, 16}),
                   b = loadDataset("shapes", {300, -1, 7, 16});
    CHECK(a.points == b.points);
    CHECK(a.points.cols() == 256);
    std::vector<int> counts(6, 0);
    for (int l : a.labels) ++counts[std::size_t(l)];
    for (int c : counts) CHECK(c > 25); // 50 expected per class
    CHECK(a.points.minCoeff() >= -1.0);
    CHECK(a.points.maxCoeff() <= 1.0);
    CHECK(a.points.maxCoeff() > 0.0); // shapes are drawn, not just background
}

TEST_CASE("the ideal denoiser at small sigma returns the nearest training image", "[images]") {
    const PointSet data = loadDataset("shapes", {200, -1, 3, 8});
    const IdealDenoiser ideal(data.points);
    const auto schedule = makeSchedule("ve");
    const NoiseLevel l = schedule->at(schedule->tFromLogSnr(-2 * std::log(0.05)));
    CpuBackend backend(1);
    const Matrix noise = dfs::gaussianNoise(9, 0, 10, 64, 0, 0);
    Matrix x = data.points.topRows(10) + l.sigma * noise;
    Matrix out;
    backend.denoise(ideal, x, l, out);
    for (Index r = 0; r < 10; ++r) {
        Index nearest = 0;
        (data.points.rowwise() - x.row(r)).rowwise().squaredNorm().minCoeff(&nearest);
        CHECK((out.row(r) - data.points.row(nearest)).norm() < 1e-3);
    }
}
