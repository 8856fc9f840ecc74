// `diffuscope-cli list`: every name the other commands accept, with a line of description.
#include "app/cli/command.hpp"
#include "core/backend/backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/datasets/image_datasets.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/perspectives/perspective.hpp"
#include "core/samplers/sampler.hpp"
#include "core/scene/builtin_scenes.hpp"
#include "core/scene/view_registry.hpp"
#include "core/schedules/schedule.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace dfs::cli {

namespace {

void row(const std::string& name, const std::string& text) {
    fmt::print("  {:<16} {}\n", name, text);
}

std::string joined(const std::array<std::string, 4>& panes) {
    return fmt::format("{}", fmt::join(panes, ", "));
}

void printPerspectives() {
    fmt::print("\nperspectives (render --perspective; the eight ways of seeing one model):\n");
    for (const Perspective& p : perspectives()) {
        row(p.name, fmt::format("{}: {}", p.title, p.claim));
        row("", p.pointsNote.empty() ? fmt::format("2-D: {}", joined(p.points.panes))
                                     : fmt::format("2-D: not applicable ({})", p.pointsNote));
        row("", fmt::format("images: {}", joined(p.images.panes)));
        if (!p.pending.empty()) row("", fmt::format("not yet: {}", p.pending));
    }
}

void printList() {
    fmt::print(
        "datasets (--dataset; or a CSV file with header x,y; or gmm:FILE.json, a Gaussian "
        "mixture of your own:\n{{\"means\": [[x, y], ...], \"covariances\": [[[a, b], [b, c]], "
        "...] or \"stds\": [s, ...], \"weights\": [w, ...]}}, with the exact denoiser):\n");
    for (const auto& d : builtinDatasets())
        row(d.name, fmt::format("{} (noise {:g}{})", d.description, d.defaultNoise,
                                d.isGmm ? "; exact denoiser available" : ""));
    fmt::print("\nimage datasets (--dataset, --resolution 8|16|28; or a folder of PNGs):\n");
    for (const auto& d : imageDatasets()) row(d.name, d.description);
    fmt::print("\nschedules (--schedule; parameters as in \"vp-linear(beta_max=10)\"):\n");
    for (const auto& [name, text] : listSchedules()) row(name, text);
    fmt::print("\ndenoisers (--denoiser):\n");
    for (const auto& [name, text] : listDenoisers()) row(name, text);
    fmt::print("\nsamplers (--sampler; default grid in brackets, --spacing overrides):\n");
    for (const auto& s : samplerRegistry())
        row(s.name, fmt::format("[{}{}] {}", gridSpacingName(s.defaultGrid),
                                s.stochastic ? ", stochastic" : "", s.description));
    fmt::print("\nquantities (--quantity):\n");
    row("x0", "denoiser output D(x, t) = E[x0 | x_t = x]");
    row("eps", "noise prediction (x - alpha D) / sigma");
    row("v", "v-prediction alpha eps - sigma x0 (Salimans & Ho 2022)");
    row("score", "grad log p_t(x) = (alpha D - x) / sigma^2 (Tweedie)");
    row("velocity", "probability-flow ODE velocity dx/dt = alpha' x0 + sigma' eps");
    fmt::print("\nviews (render --view; [data, clock] and the columns of a .csv or .json):\n");
    for (const ViewInfo& v : viewRegistry())
        row(v.name, fmt::format("[{}, {}] {} ({})", viewDataName(v.appliesTo),
                                v.followsRun() ? "follows the run" : "sweeps t", v.caption,
                                v.table ? v.columns : "no table"));
    printPerspectives();
    fmt::print("\nbuilt-in scenes (the GUI's File > Examples; render --perspective opens its "
               "preset):\n");
    for (const std::string& name : builtinSceneNames())
        fmt::print("  {:<25} {}\n", name, builtinScene(name).title);
    fmt::print("\nbackends (--backend):\n");
    for (const auto& b : listBackends())
        row(b.name, b.available ? b.device : fmt::format("unavailable: {}", b.device));
}

} // namespace

Command addListCommand(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand(
        "list", "list datasets, schedules, samplers, denoisers, views, backends");
    return {cmd, printList};
}

} // namespace dfs::cli
