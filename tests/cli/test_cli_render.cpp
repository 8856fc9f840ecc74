// `diffuscope-cli render` and `bench --workload render` as a user runs them: every output
// kind, byte-identical reruns, scenes saved as JSON, and clear one-line errors that leave no
// file behind. (The writers' decoded contents are checked in tests/export, the pixels against
// the GUI renderer in tests/gui.)
#include "cli_checks.hpp"
#include "cli_runner.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>

using namespace dfs::test;

namespace {

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

const std::vector<std::string> kFlags = {"--dataset", "gmm8", "--denoiser", "exact",
                                         "--steps",   "6",    "--n",        "400"};

std::vector<std::string> render(std::vector<std::string> extra) {
    std::vector<std::string> args = {"render"};
    args.insert(args.end(), kFlags.begin(), kFlags.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

} // namespace

TEST_CASE("render writes every format; the same scene gives the same bytes", "[render]") {
    Scratch s("render_formats");
    const CliResult png1 =
        runCli(render({"--view", "chain,field", "--size", "400x200", "--out", s.path("a.png")}));
    REQUIRE(png1.exitCode == 0);
    CHECK(png1.err.empty()); // no stray Qt chatter
    const CliResult png2 =
        runCli(render({"--view", "chain,field", "--size", "400x200", "--out", s.path("b.png")}));
    REQUIRE(png2.exitCode == 0);
    const std::string a = readText(s.path("a.png")), b = readText(s.path("b.png"));
    CHECK(startsWith(a, "\x89PNG\r\n"));
    CHECK(a == b);

    REQUIRE(runCli(render({"--out", s.path("t.svg")})).exitCode == 0);
    CHECK(readText(s.path("t.svg")).find("<svg") != std::string::npos);
    REQUIRE(runCli(render({"--size", "128x128", "--out", s.path("t.gif")})).exitCode == 0);
    CHECK(startsWith(readText(s.path("t.gif")), "GIF89a"));
    REQUIRE(runCli(render({"--size", "128x128", "--out", s.path("t.mp4")})).exitCode == 0);
    CHECK(readText(s.path("t.mp4")).substr(4, 4) == "ftyp");
    const CliResult seq = runCli(
        render({"--view", "chain", "--frames", "4", "--size", "64x64", "--out", s.path("seq/")}));
    REQUIRE(seq.exitCode == 0);
    std::vector<std::string> frames = listFolder(s.path("seq"));
    std::sort(frames.begin(), frames.end());
    CHECK(frames == std::vector<std::string>{"frame_00000.png", "frame_00001.png",
                                             "frame_00002.png", "frame_00003.png"});
}

TEST_CASE("a PNG sequence on a full disk leaves no folder and no frames behind", "[render]") {
    // Issue 20: the failed sequence used to leave the empty folder it had made. Files may not
    // grow past 12 KB here, so a frame of 256x256 fails to write, as on a full disk.
    Scratch s("render_full_disk");
    auto sequence = [&](const std::string& out) {
        return runCli(
            render({"--view", "chain,field", "--frames", "6", "--size", "256x256", "--out", out}),
            24);
    };
    const CliResult r = sequence(s.path("made/"));
    CHECK(r.exitCode == 1);
    CHECK(!r.signalled);
    CHECK(r.oneLineError());
    CHECK(r.err.find("made/frame_") != std::string::npos);
    CHECK(listFolder(s.dir).empty()); // neither the folder nor a temporary file

    // A folder the user had keeps what was in it, and gets none of the frames.
    std::filesystem::create_directories(s.path("mine"));
    writeText(s.path("mine/notes.txt"), "keep me");
    const CliResult r2 = sequence(s.path("mine/"));
    CHECK(r2.exitCode == 1);
    CHECK(listFolder(s.path("mine")) == std::vector<std::string>{"notes.txt"});
    CHECK(readText(s.path("mine/notes.txt")) == "keep me");
}

TEST_CASE("render writes a view's data as CSV or JSON", "[render]") {
    Scratch s("render_data");
    const CliResult r = runCli(render({"--view", "trajectories", "--out", s.path("t.csv")}));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const std::string csv = readText(s.path("t.csv"));
    CHECK(startsWith(csv, "step,t,particle,x,y\n"));
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 7 * 400); // 6 steps: 7 frames
    REQUIRE(runCli(render({"--view", "field", "--out", s.path("f.json")})).exitCode == 0);
    CHECK(startsWith(readText(s.path("f.json")), "{\"columns\": [\"x\", \"y\", \"fx\", \"fy\"]"));
    checkFailure(runCli(render({"--view", "field,chain", "--out", s.path("two.csv")})), 2,
                 {"one view"});
}

TEST_CASE("render reads a saved scene", "[render]") {
    Scratch s("render_scene");
    writeText(s.path("scene.json"),
              R"({"format": "diffuscope-scene", "version": 1,
                  "data": {"dataset": "moons", "n": 300},
                  "model": {"denoiser": "ideal", "schedule": "cosine"},
                  "sampler": {"sampler": "ddim", "steps": 5, "particles": 200},
                  "view": {"t": 0.4}})");
    const CliResult r = runCli({"render", "--scene", s.path("scene.json"), "--view", "density",
                                "--size", "300x300", "--out", s.path("d.png")});
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("wrote") != std::string::npos);
}

TEST_CASE("render refuses bad requests with one line and no file", "[render]") {
    Scratch s("render_errors");
    writeText(s.path("bad.json"),
              R"({"format": "diffuscope-scene", "version": 1, "view": {"t": 7}})");
    checkFailure(runCli({"render", "--scene", s.path("bad.json"), "--out", s.path("x.png")}), 1,
                 {"bad.json", "view.t"});
    writeText(s.path("junk.json"), "{\"format\": ");
    checkFailure(runCli({"render", "--scene", s.path("junk.json"), "--out", s.path("x.png")}), 1,
                 {"junk.json", "not valid JSON"});
    checkFailure(runCli(render({"--out", s.path("x.bmp")})), 2, {"unknown extension '.bmp'"});
    checkFailure(runCli(render({"--out", s.path("x.gif"), "--frames", "0"})), 2, {"--frames"});
    checkFailure(runCli(render({"--out", s.path("x.png"), "--size", "100000x10"})), 2, {"--size"});
    checkFailure(runCli(render({"--out", s.path("x.png"), "--size", "big"})), 2, {"--size"});
    checkFailure(runCli(render({"--out", s.path("x.mp4"), "--size", "101x100"})), 2, {"even"});
    checkFailure(runCli(render({"--out", s.path("x.png"), "--view", "nope"})), 2,
                 {"--view", "nope"});
    checkFailure(runCli(render({"--out", s.path("no/such/dir/x.png")})), 1, {"no/such/dir"});
    checkFailure(runCli({"render", "--out", s.path("x.png")}), 2, {"--scene", "--dataset"});
    const std::vector<std::string> left = listFolder(s.dir);
    CHECK(std::none_of(left.begin(), left.end(), [](const std::string& f) {
        return f.rfind("x.", 0) == 0 || f.find(".tmp") != std::string::npos;
    }));
}

TEST_CASE("bench render prints its figures", "[render]") {
    const CliResult r = runCli({"bench", "--workload", "render", "--repeat", "1"});
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("bench render frame") != std::string::npos);
    CHECK(r.out.find("bench render gif") != std::string::npos);
}

TEST_CASE("render draws image scenes: film strip, samples, spectrum, posterior", "[render]") {
    Scratch s("render_images");
    const std::vector<std::string> flags = {
        "render", "--dataset", "shapes", "--resolution", "8", "--data-n", "300",    "--denoiser",
        "ideal",  "--n",       "4",      "--steps",      "5", "--size",   "800x300"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = flags;
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    const CliResult r = runCli(with({"--view", "filmstrip,spectrum", "--out", s.path("a.png")}));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(startsWith(readText(s.path("a.png")), "\x89PNG"));
    REQUIRE(runCli(with({"--view", "samples,posterior", "--out", s.path("b.gif")})).exitCode == 0);
    CHECK(startsWith(readText(s.path("b.gif")), "GIF89a"));
    REQUIRE(runCli(with({"--view", "samples", "--out", s.path("samples.csv")})).exitCode == 0);
    CHECK(startsWith(readText(s.path("samples.csv")), "p0,p1,p2,"));
    checkFailure(runCli(with({"--view", "chain", "--out", s.path("c.png")})), 2,
                 {"chain view shows 2-D points"});
    checkFailure(runCli(with({"--view", "filmstrip", "--out", s.path("f.csv")})), 2,
                 {"no data table"});
}

TEST_CASE("render --perspective lays out a perspective on a model or on its preset", "[render]") {
    Scratch s("render_perspective");
    // On the sample flags' model: the four panes of the flow perspective, named in the output.
    const CliResult r =
        runCli(render({"--perspective", "flow", "--size", "400x400", "--out", s.path("flow.png")}));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("flow-mesh,trajectories,field,likelihood") != std::string::npos);
    CHECK(startsWith(readText(s.path("flow.png")), "\x89PNG\r\n"));
    // Without a model: the perspective's guided preset (the spectral one is images).
    const CliResult preset = runCli({"render", "--perspective", "spectral", "--size", "400x400",
                                     "--out", s.path("spectral.png")});
    INFO(preset.err);
    REQUIRE(preset.exitCode == 0);
    CHECK(preset.out.find("spectrum,sampling-spectrum,samples,filmstrip") != std::string::npos);
    // On 2-D data the spectral perspective says why it does not apply.
    const CliResult note = runCli(
        render({"--perspective", "spectral", "--size", "200x200", "--out", s.path("note.png")}));
    REQUIRE(note.exitCode == 0);
    CHECK(note.err.find("no frequencies") != std::string::npos);
    checkFailure(runCli(render({"--perspective", "vae", "--out", s.path("x.png")})), 2,
                 {"unknown perspective 'vae'", "autoencoder"});
    checkFailure(
        runCli(render({"--perspective", "flow", "--view", "chain", "--out", s.path("x.png")})), 2,
        {"--perspective", "--view"});
    checkFailure(runCli(render({"--perspective", "flow", "--out", s.path("x.csv")})), 2,
                 {"one view's data"});
}

TEST_CASE("render: hostile scene files and runs beyond the budget are refused", "[render]") {
    Scratch s("render_hostile");
    const std::string head = R"({"format": "diffuscope-scene", "version": 1, )";
    const auto render = [&](const std::vector<std::string>& more) {
        std::vector<std::string> args = {"render", "--view", "chain",        "--size",
                                         "64x64",  "--out",  s.path("o.png")};
        args.insert(args.end(), more.begin(), more.end());
        return runCli(args);
    };
    writeText(s.path("big.json"), head + "\n\"data\": {\"n\": " + std::string(400, '9') + "}}");
    const CliResult big = render({"--scene", s.path("big.json")});
    checkFailure(big, 1, {"big.json:2:", "too large", "(400 characters)"});
    CHECK(big.err.size() < 300);
    checkFailure(render({"--scene", "/dev/zero"}), 1, {"/dev/zero", "device"});
    writeText(s.path("name.json"), head + R"("model": {"schedule": "bogus"}})");
    checkFailure(render({"--scene", s.path("name.json")}), 1, {"name.json", "bogus"});
    writeText(
        s.path("ideal.json"),
        head + R"("data": {"dataset": "moons", "n": 10000000}, "model": {"denoiser": "ideal"}})");
    checkFailure(render({"--scene", s.path("ideal.json")}), 1,
                 {"ideal.json", "point pairs", "data.n"});
    checkFailure(render({"--dataset", "moons", "--denoiser", "ideal", "--steps", "100000", "--n",
                         "1000000"}),
                 2, {"budget", "--steps", "--n", "DIFFUSCOPE_MEMORY_BUDGET"});
    CHECK(listFolder(s.dir).size() == 3); // the scene files only
}
