// PNG decoding through libpng's simplified API (png_image), grayscale output.
#include "core/datasets/png_folder.hpp"

#include "core/datasets/image_resize.hpp"
#include "core/errors.hpp"
#include "core/io/file_names.hpp"
#include "core/io/input_file.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fmt/format.h>
#include <png.h>
#include <vector>

namespace dfs {

namespace {

namespace fs = std::filesystem;

constexpr png_uint_32 kMaxSide = 4096;

bool isPng(const fs::path& p) {
    return lowercaseExtension(p.string()) == ".png";
}

/// Largest PNG file read (bytes): a 4096 x 4096 image stored uncompressed is 64 MiB.
constexpr std::uintmax_t kMaxPngBytes = std::uintmax_t(256) << 20;

/// Refuses a chunk whose declared length runs past the end of the file: libpng would allocate
/// that length (up to 2 GiB) before finding the file truncated.
void checkChunkLengths(const std::string& png, const std::string& path) {
    std::size_t at = 8; // after the signature
    while (png.size() - at >= 8) {
        const auto* b = reinterpret_cast<const unsigned char*>(png.data() + at);
        const std::uint32_t len =
            std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 | b[3];
        if (len > png.size() - at - 8)
            throw DataError(fmt::format("{}: corrupt PNG (a chunk of {} bytes at byte {} runs past "
                                        "the end of the file)",
                                        path, len, at));
        at += 12 + std::size_t(len);
        if (at > png.size()) break; // a missing CRC: libpng reports it
    }
}

/// One PNG as side x side grayscale in [-1, 1].
Vector readPng(const std::string& path, int side) {
    const std::string file = readRegularFile(path, kMaxPngBytes, "PNG file");
    if (file.size() > 8) checkChunkLengths(file, path);
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, file.data(), file.size()))
        throw DataError(fmt::format("{}: not a readable PNG ({})", path, image.message));
    if (image.width != image.height || image.width == 0 || image.width > kMaxSide) {
        png_image_free(&image);
        throw DataError(fmt::format("{}: the image is {}x{}; images must be square, at most {} "
                                    "pixels a side",
                                    path, image.width, image.height, kMaxSide));
    }
    image.format = PNG_FORMAT_GRAY;
    std::vector<png_byte> pixels(PNG_IMAGE_SIZE(image));
    if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr))
        throw DataError(fmt::format("{}: corrupt PNG ({})", path, image.message));
    const int n = int(image.width);
    Matrix one(1, Index(n) * n);
    for (Index k = 0; k < one.cols(); ++k) one(0, k) = pixels[std::size_t(k)] / 127.5 - 1.0;
    return areaResize(one, n, side).row(0).transpose();
}

/// The entries of a folder, sorted, through the non-throwing overloads: an entry that cannot be
/// examined (a symbolic-link loop, no permission) is a DataError naming it.
std::vector<fs::directory_entry> entriesOf(const fs::path& dir) {
    std::error_code ec;
    std::vector<fs::directory_entry> out;
    fs::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) out.push_back(*it);
    if (ec)
        throw DataError(fmt::format("{}: cannot list the folder ({})", dir.string(), ec.message()));
    std::sort(out.begin(), out.end());
    return out;
}

/// The type of an entry, following links; a DataError naming an entry that has none.
fs::file_type typeOf(const fs::directory_entry& e) {
    std::error_code ec;
    const fs::file_status st = e.status(ec);
    if (ec)
        throw DataError(fmt::format("{}: cannot read it ({})", e.path().string(), ec.message()));
    return st.type();
}

std::vector<fs::path> pngsIn(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : entriesOf(dir)) {
        if (!isPng(e.path())) continue;
        if (typeOf(e) != fs::file_type::regular)
            throw DataError(fmt::format("{}: not a regular file; a PNG folder holds PNG files",
                                        e.path().string()));
        out.push_back(e.path());
    }
    return out;
}

} // namespace

PointSet loadPngFolder(const std::string& dir, int side) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw DataError(fmt::format("{}: not a folder", dir));
    std::vector<std::pair<fs::path, int>> files;
    for (const fs::path& p : pngsIn(dir)) files.emplace_back(p, -1);
    std::vector<fs::path> classes;
    for (const auto& e : entriesOf(dir))
        if (std::error_code ec; !isPng(e.path()) && e.is_directory(ec)) // others: not ours
            classes.push_back(e.path());
    int label = 0;
    for (const fs::path& c : classes) {
        const auto inClass = pngsIn(c);
        if (inClass.empty()) continue;
        for (const fs::path& p : inClass) files.emplace_back(p, label);
        ++label;
    }
    if (files.empty())
        throw DataError(fmt::format("{}: no PNG images in the folder or its subfolders", dir));
    if (Index(files.size()) > kMaxFolderImages)
        throw DataError(fmt::format("{}: more than {} images", dir, kMaxFolderImages));
    const bool mixed =
        std::any_of(files.begin(), files.end(), [](const auto& f) { return f.second < 0; }) &&
        label > 0;
    if (mixed)
        throw DataError(fmt::format("{}: PNGs both in the folder and in class subfolders; put them "
                                    "all in subfolders (one per class) or all in the folder",
                                    dir));
    PointSet set;
    set.name = dir;
    set.points.resize(Index(files.size()), Index(side) * side);
    for (std::size_t i = 0; i < files.size(); ++i) {
        set.points.row(Index(i)) = readPng(files[i].first.string(), side).transpose();
        if (files[i].second >= 0) set.labels.push_back(files[i].second);
    }
    return set;
}

} // namespace dfs
