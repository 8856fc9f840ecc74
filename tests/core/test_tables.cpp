// Data exports: tables of samples, trajectories, fields and schedules match the core's values,
// and read back from CSV and JSON as written.
#include "core/backend/cpu_backend.hpp"
#include "core/field.hpp"
#include "core/io/csv.hpp"
#include "core/io/table_io.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/scene_tables.hpp"
#include "core/schedules/schedule.hpp"
#include "test_support.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace dfs;
using dfs::test::contains;
using dfs::test::errorOf;

namespace {

Scene tinyScene() {
    Scene s;
    s.data.n = 200;
    s.sampler.steps = 4;
    s.sampler.particles = 30;
    s.view.fieldGrid = 5;
    return s;
}

std::string tmpPath(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / "dfs_table_tests";
    std::filesystem::create_directories(dir);
    return (dir / name).string();
}

} // namespace

TEST_CASE("trajectory, samples and field tables hold the core's values") {
    CpuBackend backend(1);
    SceneEngine e(tinyScene(), backend);
    e.runToEnd();
    const Table traj = trajectoryTable(e, 4);
    REQUIRE(traj.rows.rows() == 5 * 30);
    CHECK(traj.columns == std::vector<std::string>{"step", "t", "particle", "x", "y"});
    CHECK(traj.rows(31, 0) == 1.0); // step 1, particle 1
    CHECK(traj.rows(31, 2) == 1.0);
    CHECK(traj.rows(31, 3) == e.frame(1)->x(1, 0));
    CHECK(traj.rows(4 * 30, 1) == 0.0); // the last frame is at t = 0
    CHECK(samplesTable(e, 4).rows == e.frame(4)->x);

    const Table f = fieldTable(e, 0.3);
    REQUIRE(f.rows.rows() == 25);
    const Matrix want = evaluateField(backend, e.denoiser(), e.schedule().at(0.3),
                                      Prediction::Score, f.rows.leftCols(2));
    CHECK(f.rows.rightCols(2).isApprox(want, 1e-12));
    CHECK_THROWS_AS(trajectoryTable(e, 9), UsageError);
}

TEST_CASE("the schedule table follows the schedule and skips t = 0") {
    const auto s = makeSchedule("cosine");
    const Table t = scheduleTable(*s, 4);
    REQUIRE(t.rows.rows() == 4);
    CHECK(t.rows(0, 0) == 0.25);
    CHECK(t.rows(3, 0) == 1.0);
    CHECK(t.rows(1, 1) == s->alpha(0.5));
    CHECK(t.rows(1, 3) == s->logSnr(0.5));
    CHECK_THROWS_AS(scheduleTable(*s, 0), UsageError);
    // rf has alpha(1) = 0: that row (logSNR = -inf, unwritable) is left out, the rest kept.
    const Table rf = scheduleTable(*makeSchedule("rf"), 4);
    REQUIRE(rf.rows.rows() == 3);
    CHECK(rf.rows.allFinite());
    CHECK(rf.rows(2, 0) == Approx(0.75));
}

TEST_CASE("tables read back from CSV and JSON") {
    Table t{{"a", "b"}, Matrix(2, 2)};
    t.rows << 0.1, -2e-300, 3.0, 1.0 / 3.0;
    writeTable(tmpPath("t.csv"), t);
    const CsvTable csv = readCsv(tmpPath("t.csv"));
    CHECK(csv.header == t.columns);
    CHECK(csv.values == t.rows);
    writeTable(tmpPath("t.json"), t);
    std::ifstream in(tmpPath("t.json"));
    const auto j = nlohmann::json::parse(in);
    CHECK(j["columns"] == nlohmann::json({"a", "b"}));
    CHECK(j["rows"][1][1].get<double>() == 1.0 / 3.0);
    CHECK(j["rows"][0][1].get<double>() == -2e-300);
    CHECK(contains(errorOf<UsageError>([&] { writeTable(tmpPath("t.txt"), t); }),
                   "unknown data extension"));
    t.rows(0, 0) = NAN;
    CHECK(contains(errorOf<DataError>([&] { writeTable(tmpPath("bad.json"), t); }),
                   "row 1 column a"));
    CHECK_FALSE(std::filesystem::exists(tmpPath("bad.json")));
}
