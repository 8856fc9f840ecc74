// Tests of the strict CSV reader and the atomic writers (core/io/csv.hpp).
#include "core/errors.hpp"
#include "core/io/csv.hpp"
#include "core/rng/philox.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using namespace dfs;
using dfs::test::contains;
using dfs::test::errorOf;

namespace {

/// A fresh folder under the system temp folder, removed with its contents at scope exit.
struct TempDir {
    fs::path path;
    TempDir() {
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        path = fs::temp_directory_path() / ("dfs_test_csv_" + std::to_string(stamp));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(file(name), std::ios::binary) << text;
        return file(name);
    }
    bool hasTempFiles() const {
        for (const auto& entry : fs::directory_iterator(path))
            if (entry.path().filename().string().find(".tmp-") != std::string::npos) return true;
        return false;
    }
};

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

TEST_CASE("csv: write then read round-trips doubles exactly", "[csv]") {
    TempDir dir;
    Matrix m(6, 3);
    m << 0.1, 1.0 / 3.0, -0.0,                                                        //
        1e-300, 5e-324, 1e300,                                                        //
        3.141592653589793, -2.718281828459045, 123456789.123456789,                   //
        std::numeric_limits<double>::max(), std::numeric_limits<double>::min(), -1.5, //
        0.0, 1.0, 2.0,                                                                //
        0.30000000000000004, -7e-8, 65536.0;
    for (int i = 0; i < 40; ++i) { // and random values over many scales
        const auto z = philoxNormals4(9, std::uint32_t(i), 0, 0, 0);
        m.conservativeResize(m.rows() + 1, Eigen::NoChange);
        m.row(m.rows() - 1) << z[0] * std::pow(10.0, z[1] * 5), z[2], z[3] * 1e-3;
    }
    const std::string path = dir.file("round.csv");
    writeCsv(path, {"a", "b", "c"}, m);
    CsvLimits anyMagnitude; // the format itself holds every finite double
    anyMagnitude.maxMagnitude = std::numeric_limits<double>::infinity();
    const CsvTable t = readCsv(path, anyMagnitude);
    REQUIRE(t.header == std::vector<std::string>{"a", "b", "c"});
    REQUIRE(t.values.rows() == m.rows());
    REQUIRE(t.values.cols() == 3);
    for (Index r = 0; r < m.rows(); ++r)
        for (Index c = 0; c < 3; ++c) REQUIRE(t.values(r, c) == m(r, c));
    CHECK(t.column("b") == 1);
    CHECK(t.column("z") == -1);
    CHECK_FALSE(dir.hasTempFiles());
}

TEST_CASE("csv: writer format is header then shortest numbers", "[csv]") {
    TempDir dir;
    Matrix m(2, 2);
    m << 1.0, 0.5, -2.0, 0.1;
    writeCsv(dir.file("p.csv"), {"x", "y"}, m);
    CHECK(slurp(dir.file("p.csv")) == "x,y\n1,0.5\n-2,0.1\n");
}

TEST_CASE("csv: lenient about line endings and spaces", "[csv]") {
    TempDir dir;
    const auto path =
        dir.write("crlf.csv", "\xEF\xBB\xBF x , y\r\n 1.5 ,-2\r\n+3,  4e-1\t\r\n\r\n\n  \n");
    const CsvTable t = readCsv(path);
    REQUIRE(t.header == std::vector<std::string>{"x", "y"});
    REQUIRE(t.values.rows() == 2);
    CHECK(t.values(0, 0) == 1.5);
    CHECK(t.values(0, 1) == -2.0);
    CHECK(t.values(1, 0) == 3.0);
    CHECK(t.values(1, 1) == 0.4);
    const auto noNewline = dir.write("nonl.csv", "a\n7");
    CHECK(readCsv(noNewline).values(0, 0) == 7.0);
}

TEST_CASE("csv: malformed files give one-line errors naming file and line", "[csv]") {
    TempDir dir;
    struct Case {
        std::string name, text, expected;
    };
    const std::vector<Case> cases = {
        {"empty.csv", "", "empty.csv: file is empty"},
        {"blank.csv", "\n\r\n  \n", "blank.csv: file is empty"},
        {"header.csv", "x,y\n", "header.csv: no data rows"},
        {"ragged.csv", "x,y\n1,2\n1,2,3\n", "ragged.csv:3: expected 2 fields, got 3"},
        {"short.csv", "x,y\n1,2\n3,4\n5\n", "short.csv:4: expected 2 fields, got 1"},
        {"word.csv", "x,y\n1,2\n3,4\n5,6\n7,abc\n", "word.csv:5: field 2 'abc' is not a number"},
        {"junk.csv", "x,y\n1.5x,2\n", "junk.csv:2: field 1 '1.5x' is not a number"},
        {"hex.csv", "x\n0x10\n", "hex.csv:2: field 1 '0x10' is not a number"},
        {"nan.csv", "x,y\n1,2\n3,4\n5,6\n7,8\n9,10\nnan,1\n",
         "nan.csv:7: field 1 is NaN or infinite"},
        {"inf.csv", "x,y\n1,inf\n", "inf.csv:2: field 2 is NaN or infinite"},
        {"ninf.csv", "x,y\n1,-Infinity\n", "ninf.csv:2: field 2 is NaN or infinite"},
        {"huge.csv", "x\n1e999\n", "huge.csv:2: field 1 '1e999'"},
        {"hole.csv", "x,y\n1,\n", "hole.csv:2: field 2 is empty"},
        {"gap.csv", "x,y\n1,2\n\n3,4\n", "gap.csv:3: empty line"},
        {"noname.csv", "x,,y\n1,2,3\n", "noname.csv:1:"},
        {"dup.csv", "x,x\n1,2\n", "dup.csv:1: duplicate column 'x'"},
    };
    for (const Case& c : cases) {
        INFO(c.name);
        const auto path = dir.write(c.name, c.text);
        const std::string msg = errorOf([&] { readCsv(path); });
        CHECK(contains(msg, c.expected));
        CHECK(contains(msg, path)); // the full path as given
        CHECK_FALSE(contains(msg, "\n"));
    }
}

TEST_CASE("csv: missing files, folders and limits", "[csv]") {
    TempDir dir;
    const std::string missing = dir.file("missing.csv");
    const std::string msg = errorOf([&] { readCsv(missing); });
    CHECK(msg == missing + ": cannot open (No such file or directory)");

    CHECK(contains(errorOf([&] { readCsv(dir.path.string()); }), "cannot open"));

    const auto big = dir.write("big.csv", "x,y\n" + std::string(200, '1') + ",2\n");
    CsvLimits small;
    small.maxBytes = 100;
    const std::string sizeMsg = errorOf([&] { readCsv(big, small); });
    CHECK(contains(sizeMsg, "big.csv: file is 207 bytes, larger than the 100 bytes limit"));
    small.maxBytes = 1024;
    const auto kib = dir.write("kib.csv", "x\n" + std::string(3000, '1') + "\n");
    CHECK(
        contains(errorOf([&] { readCsv(kib, small); }), "file is 2.9 KiB, larger than the 1 KiB"));

    const auto rows = dir.write("rows.csv", "x\n1\n2\n3\n4\n");
    CsvLimits fewRows;
    fewRows.maxRows = 3;
    CHECK(contains(errorOf([&] { readCsv(rows, fewRows); }), "rows.csv"));
    fewRows.maxRows = 4;
    CHECK(readCsv(rows, fewRows).values.rows() == 4);

    const auto wide = dir.write("wide.csv", "a,b,c\n1,2,3\n");
    CsvLimits narrow;
    narrow.maxColumns = 2;
    CHECK(contains(errorOf([&] { readCsv(wide, narrow); }), "wide.csv:1:"));
}

TEST_CASE("csv: failed writes throw DataError and leave no temporary file", "[csv]") {
    TempDir dir;
    Matrix m(1, 2);
    m << 1.0, 2.0;

    const std::string nested = dir.file("no_such_dir/out.csv");
    const std::string msg = errorOf([&] { writeCsv(nested, {"x", "y"}, m); });
    CHECK(contains(msg, "cannot write " + nested));
    CHECK_FALSE(fs::exists(dir.path / "no_such_dir"));
    CHECK_FALSE(dir.hasTempFiles());

    // The target is a folder: the rename fails after the temporary file was written.
    fs::create_directory(dir.path / "taken");
    CHECK(contains(errorOf([&] { writeFileAtomic(dir.file("taken"), "x\n"); }),
                   "cannot write " + dir.file("taken")));
    CHECK_FALSE(dir.hasTempFiles());
    CHECK(fs::is_directory(dir.path / "taken"));

    // A NaN is refused before anything is written; the old file stays as it was.
    const auto keep = dir.write("keep.csv", "old\n");
    Matrix bad(1, 2);
    bad << 1.0, std::nan("");
    CHECK(contains(errorOf([&] { writeCsv(keep, {"x", "y"}, bad); }), "cannot write"));
    CHECK(slurp(keep) == "old\n");
    CHECK_FALSE(dir.hasTempFiles());

    CHECK_THROWS_AS(writeCsv(dir.file("h.csv"), {"x"}, m), UsageError);
    CHECK_THROWS_AS(writeCsv(dir.file("h.csv"), {"x", "a,b"}, m), UsageError);
}

TEST_CASE("csv: writeFileAtomic replaces the whole file", "[csv]") {
    TempDir dir;
    const auto path = dir.write("f.txt", "a much longer old content\n");
    writeFileAtomic(path, "new\n");
    CHECK(slurp(path) == "new\n");
    writeFileAtomic(path, "");
    CHECK(slurp(path).empty());
    CHECK_FALSE(dir.hasTempFiles());
}
