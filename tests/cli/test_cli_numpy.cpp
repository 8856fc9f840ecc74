// NumPy and safetensors at the command line: outputs follow their extension, every points or
// images input reads .npy/.npz as well as CSV (including the image rows `data` writes), and
// models go out and come back as safetensors.
#include "cli_checks.hpp"

#include "core/io/csv.hpp"
#include "core/io/npy.hpp"
#include "core/io/npz.hpp"

#include <catch2/catch.hpp>

using namespace dfs;
using namespace dfs::test;

TEST_CASE("cli: data sample and field write .npy/.npz and read them back", "[cli]") {
    Scratch s("cli_numpy");
    REQUIRE(
        runCli({"data", "--dataset", "moons", "--n", "300", "--out", s.path("m.npz")}).exitCode ==
        0);
    REQUIRE(
        runCli({"data", "--dataset", "moons", "--n", "300", "--out", s.path("m.csv")}).exitCode ==
        0);
    const auto cols = readNpz(s.path("m.npz"));
    REQUIRE(cols.size() == 3); // x, y, label
    CHECK(cols[0].name == "x");
    CHECK(cols[0].values.col(0) == readCsv(s.path("m.csv")).values.col(0));
    const CliResult npy =
        runCli({"data", "--dataset", "moons", "--n", "300", "--out", s.path("m.npy")});
    REQUIRE(npy.exitCode == 0);
    CHECK(readNpy(s.path("m.npy")).cols() == 2); // no labels in an unnamed array

    for (const char* in : {"m.npy", "m.npz"}) {
        INFO(in);
        const CliResult r = runCli({"sample", "--dataset", s.path(in), "--denoiser", "ideal",
                                    "--sampler", "ddim", "--steps", "5", "--n", "20", "--out",
                                    s.path("s.npy"), "--trajectory", s.path("traj.npz")});
        REQUIRE(r.exitCode == 0);
        CHECK(readNpy(s.path("s.npy")).rows() == 20);
        CHECK(readNpz(s.path("traj.npz")).size() == 5); // step, t, particle, x, y
        const CliResult f =
            runCli({"field", "--dataset", s.path(in), "--denoiser", "ideal", "--t", "0.5",
                    "--quantity", "x0", "--points", s.path("s.npy"), "--out", s.path("f.npy")});
        REQUIRE(f.exitCode == 0);
        CHECK(readNpy(s.path("f.npy")).cols() == 4);
    }
    // CSV output stays CSV, whatever else changed.
    REQUIRE(runCli({"sample", "--dataset", s.path("m.npy"), "--denoiser", "ideal", "--sampler",
                    "ddim", "--steps", "5", "--n", "20", "--out", s.path("s.csv")})
                .exitCode == 0);
    CHECK(readText(s.path("s.csv")).rfind("x,y\n", 0) == 0);

    writeText(s.path("bad.npy"), "\x93NUMPY\x01\x00\x10\x00{'descr': '<i4'}");
    checkFailure(
        runCli({"sample", "--dataset", s.path("bad.npy"), "--denoiser", "ideal", "--sampler",
                "ddim", "--steps", "5", "--n", "20", "--out", s.path("s.npy")}),
        1, {s.path("bad.npy")});
}

TEST_CASE("cli: the image CSV that data writes is a dataset for sample", "[cli]") {
    Scratch s("cli_numpy_images");
    REQUIRE(runCli({"data", "--dataset", "shapes", "--resolution", "8", "--n", "40", "--out",
                    s.path("images.csv")})
                .exitCode == 0);
    const CliResult r =
        runCli({"sample", "--dataset", s.path("images.csv"), "--denoiser", "ideal", "--sampler",
                "ddim", "--steps", "4", "--n", "3", "--out", s.path("out.csv")});
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(readCsv(s.path("out.csv")).header.size() == 64);
}

TEST_CASE("cli: train and export-model write safetensors that --denoiser loads", "[cli]") {
    Scratch s("cli_safetensors");
    REQUIRE(runCli({"train", "--dataset", "moons", "--steps", "20", "--width", "16", "--out",
                    s.path("m.safetensors")})
                .exitCode == 0);
    REQUIRE(runCli({"export-model", s.path("m.safetensors"), s.path("m.dsm")}).exitCode == 0);
    REQUIRE(runCli({"export-model", s.path("m.dsm"), s.path("again.safetensors")}).exitCode == 0);
    CHECK(readText(s.path("m.safetensors")) == readText(s.path("again.safetensors")));
    std::string fields[2];
    int k = 0;
    for (const char* model : {"m.safetensors", "m.dsm"}) {
        REQUIRE(runCli({"field", "--dataset", "moons", "--denoiser", s.path(model), "--t", "0.3",
                        "--quantity", "x0", "--grid", "5", "--out", s.path("f.csv")})
                    .exitCode == 0);
        fields[k++] = readText(s.path("f.csv"));
    }
    CHECK(fields[0] == fields[1]);

    checkFailure(runCli({"train", "--dataset", "shapes", "--resolution", "8", "--architecture",
                         "unet", "--steps", "1", "--out", s.path("u.safetensors")}),
                 2, {"only MLP models"});
    writeText(s.path("bad.safetensors"), std::string("\xff\xff\x00\x00\x00\x00\x00\x00{}", 10));
    checkFailure(
        runCli({"field", "--dataset", "moons", "--denoiser", s.path("bad.safetensors"), "--t",
                "0.3", "--quantity", "x0", "--grid", "5", "--out", s.path("f.csv")}),
        1, {s.path("bad.safetensors"), "past the end"});
}
