// `diffuscope-cli export-model IN OUT`: converts a model file between .dsm and .safetensors
// (the format follows each file's extension; safetensors holds MLP models only).
#include "app/cli/command.hpp"
#include "core/errors.hpp"
#include "core/model/checkpoint.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <memory>

namespace dfs::cli {

namespace {

struct ExportModelOptions {
    std::string in, out;
};

void runExportModel(const ExportModelOptions& o) {
    for (const auto& [what, path] : {std::pair{"IN", o.in}, std::pair{"OUT", o.out}})
        if (!isCheckpointPath(path))
            throw UsageError(
                fmt::format("{} must name a .dsm or .safetensors file (got '{}')", what, path));
    std::error_code ec;
    if (std::filesystem::equivalent(o.in, o.out, ec))
        throw UsageError(fmt::format("IN and OUT are the same file ({})", o.in));
    CheckpointInfo info;
    const auto model = loadCheckpoint(o.in, &info);
    saveCheckpoint(o.out, *model, info);
    fmt::print("converted {} ({} of dimension {}, {} weights, target {}) to {}\n", o.in,
               model->spec.architecture, model->spec.dim, model->net.paramCount(),
               predictionName(model->spec.target), o.out);
}

} // namespace

Command addExportModelCommand(CLI::App& app) {
    auto o = std::make_shared<ExportModelOptions>();
    CLI::App* cmd = app.add_subcommand(
        "export-model", "convert a model between .dsm and .safetensors (PyTorch nn.Linear layout)");
    cmd->add_option("IN", o->in, "model file to read (.dsm or .safetensors)")->required();
    cmd->add_option("OUT", o->out, "model file to write (.dsm or .safetensors)")->required();
    return {cmd, [o] { runExportModel(*o); }};
}

} // namespace dfs::cli
