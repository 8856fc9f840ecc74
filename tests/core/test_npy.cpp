// .npy and .npz: round trips for every dtype and order the reader accepts, and refusals of
// truncated, lying or unsupported files with a message naming the file.
#include "core/errors.hpp"
#include "core/io/npy.hpp"
#include "core/io/npz.hpp"
#include "core/io/table_io.hpp"

#include <catch2/catch.hpp>

#include <bit>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <zlib.h>

using namespace dfs;
namespace fs = std::filesystem;

namespace {

std::string scratch(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / "diffuscope_npy_tests";
    fs::create_directories(dir);
    return (dir / name).string();
}

void spit(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

void le(std::string& s, std::uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) s += char((v >> (8 * i)) & 0xff);
}

/// A one-member .npz whose member is raw DEFLATE, as numpy.savez_compressed writes it
/// (APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16); `claimedSize` overrides the uncompressed size that the
/// central directory records (0: the true one).
std::string deflatedNpz(const std::string& name, const std::string& npy,
                        std::uint32_t claimedSize = 0) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string packed(deflateBound(&z, uLong(npy.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(npy.data()));
    z.avail_in = uInt(npy.size());
    z.next_out = reinterpret_cast<Bytef*>(packed.data());
    z.avail_out = uInt(packed.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    packed.resize(z.total_out);
    deflateEnd(&z);
    const auto sum =
        std::uint32_t(crc32(0L, reinterpret_cast<const Bytef*>(npy.data()), uInt(npy.size())));
    const auto fields = [&](std::string& s, std::uint32_t size) {
        le(s, 20, 2), le(s, 0, 2), le(s, 8, 2), le(s, 0, 2), le(s, 0x21, 2); // deflate
        le(s, sum, 4), le(s, std::uint32_t(packed.size()), 4), le(s, size, 4);
        le(s, std::uint32_t(name.size()), 2), le(s, 0, 2);
    };
    std::string out = "PK\x03\x04";
    fields(out, std::uint32_t(npy.size()));
    out += name + packed;
    const auto dirAt = std::uint32_t(out.size());
    out += "PK\x01\x02";
    le(out, 20, 2);
    fields(out, claimedSize ? claimedSize : std::uint32_t(npy.size()));
    le(out, 0, 2), le(out, 0, 2), le(out, 0, 2), le(out, 0, 4), le(out, 0, 4); // local at 0
    out += name;
    const auto dirSize = std::uint32_t(out.size()) - dirAt;
    out += "PK\x05\x06";
    le(out, 0, 4), le(out, 1, 2), le(out, 1, 2), le(out, dirSize, 4), le(out, dirAt, 4);
    le(out, 0, 2);
    return out;
}

/// An .npy file as NumPy writes it (format.rst 1.0 or 2.0): the dict, padded to 64 bytes.
std::string npyFile(const std::string& dict, const std::string& data, int major = 1) {
    std::string header = dict;
    const std::size_t pre = major == 1 ? 10 : 12;
    header.append((64 - (pre + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    std::string out = "\x93NUMPY";
    out += char(major);
    out += '\0';
    const std::size_t n = header.size();
    out += char(n & 0xff);
    out += char(n >> 8);
    if (major != 1) out += std::string(2, '\0');
    return out + header + data;
}

/// Elements in the given dtype ('<f4', '>f8', ...).
std::string elements(const std::vector<double>& v, const std::string& descr) {
    std::string out;
    for (double d : v) {
        unsigned char b[8];
        const int size = descr[2] - '0';
        if (size == 4) {
            const float f = float(d);
            std::memcpy(b, &f, 4);
        } else {
            std::memcpy(b, &d, 8);
        }
        if ((descr[0] == '>') != (std::endian::native == std::endian::big))
            std::reverse(b, b + size);
        out.append(reinterpret_cast<const char*>(b), std::size_t(size));
    }
    return out;
}

std::string dictOf(const std::string& descr, bool fortran, const std::string& shape) {
    return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
           ", 'shape': " + shape + ", }";
}

void refused(const std::string& bytes, const std::string& part) {
    const std::string path = scratch("bad.npy");
    spit(path, bytes);
    try {
        readNpy(path);
        FAIL("accepted: " << part);
    } catch (const DataError& e) {
        INFO(e.what());
        CHECK(std::string(e.what()).find(path) != std::string::npos);
        CHECK(std::string(e.what()).find(part) != std::string::npos);
    }
}

} // namespace

TEST_CASE("npy: writeNpy round-trips doubles exactly, and NumPy's header layout", "[npy]") {
    Matrix m(3, 2);
    m << 0.1, -2.5e-300, 3.0, 1e150, -0.0, 7.0 / 3.0;
    const std::string path = scratch("round.npy");
    writeNpy(path, m);
    const std::string bytes = slurp(path);
    CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
    const std::size_t headerLen = std::uint8_t(bytes[8]) | std::uint8_t(bytes[9]) << 8;
    CHECK((10 + headerLen) % 64 == 0);
    CHECK(bytes.find("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }") == 10);
    CHECK(readNpy(path) == m);
}

TEST_CASE("npy: float32 and float64 in both byte orders, C and Fortran order", "[npy]") {
    const std::vector<double> c = {1, 2, 3, 4, 5, 6}; // (2, 3) in C order
    const std::vector<double> f = {1, 4, 2, 5, 3, 6}; // the same array in Fortran order
    Matrix want(2, 3);
    want << 1, 2, 3, 4, 5, 6;
    for (const std::string descr : {"<f4", ">f4", "<f8", ">f8"}) {
        INFO(descr);
        const std::string path = scratch("dtype.npy");
        spit(path, npyFile(dictOf(descr, false, "(2, 3)"), elements(c, descr)));
        CHECK(readNpy(path) == want);
        spit(path, npyFile(dictOf(descr, true, "(2, 3)"), elements(f, descr)));
        CHECK(readNpy(path) == want);
        spit(path, npyFile(dictOf(descr, false, "(2, 3)"), elements(c, descr), 2));
        CHECK(readNpy(path) == want);
    }
    // (N,) is one column; (N, H, W) images flattened row by row, in either order.
    const std::string path = scratch("shapes.npy");
    spit(path, npyFile(dictOf("<f8", false, "(3,)"), elements({1, 2, 3}, "<f8")));
    CHECK(readNpy(path) == Matrix(Eigen::Vector3d(1, 2, 3)));
    // One image of 2 x 3: C order 1..6; Fortran order stores the first index fastest.
    Matrix img(1, 6);
    img << 1, 2, 3, 4, 5, 6;
    spit(path, npyFile(dictOf("<f8", false, "(1, 2, 3)"), elements(c, "<f8")));
    CHECK(readNpy(path) == img);
    spit(path, npyFile(dictOf("<f8", true, "(1, 2, 3)"), elements(f, "<f8")));
    CHECK(readNpy(path) == img);
}

TEST_CASE("npy: truncated, lying and unsupported files are refused with the file's name", "[npy]") {
    const std::string good = npyFile(dictOf("<f8", false, "(2, 2)"), elements({1, 2, 3, 4}, "<f8"));
    for (std::size_t n = 0; n < good.size(); ++n) {
        const std::string path = scratch("cut.npy");
        spit(path, good.substr(0, n));
        INFO(n);
        CHECK_THROWS_AS(readNpy(path), DataError);
    }
    refused(good + "x", "unexpected bytes");
    refused(npyFile(dictOf("<f8", false, "(3, 2)"), elements({1, 2, 3, 4}, "<f8")), "truncated");
    refused(npyFile(dictOf("<f8", false, "(1, 2)"), elements({1, 2, 3, 4}, "<f8")),
            "unexpected bytes");
    refused(npyFile(dictOf("<i4", false, "(2, 2)"), std::string(16, '\0')), "'<i4'");
    refused(npyFile(dictOf("<c16", false, "(1,)"), std::string(16, '\0')), "'<c16'");
    refused(npyFile(dictOf("|O", false, "(1,)"), std::string(8, '\0')), "'|O'");
    refused(npyFile("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }",
                    std::string(8, '\0')),
            "structured");
    refused(npyFile(dictOf("<f8", false, "()"), elements({1}, "<f8")), "0 dimensions");
    refused(npyFile(dictOf("<f8", false, "(1, 1, 1, 1)"), elements({1}, "<f8")), "4 dimensions");
    refused(npyFile("{'descr': '<f8', 'shape': (1,), }", elements({1}, "<f8")), "lacks");
    refused(
        npyFile("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (1,), }", elements({1}, "<f8")),
        "True or False");
    refused(npyFile(dictOf("<f8", false, "(2, x)"), elements({1, 2}, "<f8")), "whole numbers");
    refused(npyFile(dictOf("<f8", false, "(1,)"), elements({std::nan("")}, "<f8")), "NaN");
    refused("\x93NUMPZ\x01\x00" + good.substr(8), "magic");
    std::string v4 = good;
    v4[6] = 4;
    refused(v4, "version 4.0");
    std::string lying = good; // a header length far past the end of the file
    lying[8] = char(0xf0);
    lying[9] = char(0x00);
    refused(lying, "truncated");
}

TEST_CASE("npz: stored archives round-trip; damaged ones are refused naming file and member",
          "[npy]") {
    const std::string path = scratch("cols.npz");
    Matrix x(3, 1), y(3, 1);
    x << 1, 2, 3;
    y << -1, 0.5, 1e-3;
    writeNpz(path, {{"x", x, true}, {"y", y, true}});
    const auto back = readNpz(path);
    REQUIRE(back.size() == 2);
    CHECK(back[0].name == "x");
    CHECK(back[1].values == y);
    CHECK(back[0].oneDimensional);
    const CsvTable t = readTable(path);
    CHECK(t.header == std::vector<std::string>{"x", "y"});
    CHECK(t.values.col(1) == y.col(0));

    // A table written as .npz and .npy reads back through readTable.
    Table table{{"x", "y"}, Matrix(2, 2)};
    table.rows << 1, 2, 3, 4;
    writeTable(scratch("t.npz"), table);
    CHECK(readTable(scratch("t.npz")).values == table.rows);
    writeTable(scratch("t.npy"), table);
    CHECK(readTable(scratch("t.npy")).values == table.rows);
    CHECK(readTable(scratch("t.npy")).header.empty());

    const std::string good = slurp(path);
    for (std::size_t n = 0; n < good.size(); n += 7) {
        spit(scratch("cut.npz"), good.substr(0, n));
        INFO(n);
        CHECK_THROWS_AS(readNpz(scratch("cut.npz")), DataError);
    }
    const auto refusedNpz = [&](std::string bytes, const std::string& part) {
        spit(scratch("bad.npz"), bytes);
        try {
            readNpz(scratch("bad.npz"));
            FAIL("accepted: " << part);
        } catch (const DataError& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find(scratch("bad.npz")) != std::string::npos);
            CHECK(std::string(e.what()).find(part) != std::string::npos);
        }
    };
    std::string flipped = good;
    flipped[30 + 5 + 80] ^= 1; // a data byte of x.npy: after the local header, name and header
    refusedNpz(flipped, "CRC-32");
    std::string bzip = good;
    const std::size_t central = bzip.find("PK\x01\x02");
    bzip[central + 10] = 12; // compression method 12 (bzip2) in the central directory
    refusedNpz(bzip, "compression method 12");
    std::string encrypted = good;
    encrypted[central + 8] = 1;
    refusedNpz(encrypted, "encrypted");
    std::string renamed = good;
    renamed[central + 46 + 2] = 'x'; // "x.npy" -> "x.xpy"
    refusedNpz(renamed, "not an .npy");

    Matrix shortY(2, 1);
    shortY << 1, 2;
    writeNpz(scratch("ragged.npz"), {{"x", x, true}, {"y", shortY, true}});
    CHECK_THROWS_WITH(readTable(scratch("ragged.npz")), Catch::Contains("'y'"));
}

TEST_CASE("npz: deflated members inflate; a directory claiming more than deflate can produce is "
          "refused before anything of that size is allocated",
          "[npy]") {
    Matrix x(64, 2);
    for (Index r = 0; r < x.rows(); ++r) x.row(r) << double(r % 5), -0.25 * double(r % 3);
    const std::string npy = npyBytes(x);
    spit(scratch("deflated.npz"), deflatedNpz("x.npy", npy));
    const auto back = readNpz(scratch("deflated.npz"));
    REQUIRE(back.size() == 1);
    CHECK(back[0].values == x);

    // 1 GiB - 1 claimed from a few hundred compressed bytes: deflate's 1032:1 cannot make it.
    spit(scratch("lying.npz"), deflatedNpz("x.npy", npy, (1u << 30) - 1));
    CHECK_THROWS_WITH(readNpz(scratch("lying.npz")),
                      Catch::Contains("lying.npz:x.npy") &&
                          Catch::Contains("more than deflate can produce"));
    // A claim within the ratio but not what the stream holds is refused after inflating.
    spit(scratch("short.npz"), deflatedNpz("x.npy", npy, std::uint32_t(npy.size()) + 8));
    CHECK_THROWS_WITH(readNpz(scratch("short.npz")), Catch::Contains("corrupt compressed data"));
}
