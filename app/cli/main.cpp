// diffuscope-cli: parses the command line, runs one subcommand, and maps failures to exit codes:
// 0 success, 1 bad data (a file, a value in it), 2 bad usage (a flag, a name, a range). Every
// failure prints one line to stderr; nothing ends by a signal.
#include "app/cli/command.hpp"
#include "core/errors.hpp"
#include "core/io/json_errors.hpp"

#ifdef DIFFUSCOPE_HAS_VULKAN
#include "core/vulkan/vulkan_backend.hpp"
#endif

#include <CLI/App.hpp>
#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>
#include <fmt/format.h>

#include <exception>
#include <new>
#include <vector>

namespace {

int fail(int code, const std::string& message) {
    // Never the JSON library's exception codes (the readers translate their errors; a guard).
    fmt::print(stderr, "diffuscope-cli: {}\n", dfs::jsonProblem(message.c_str()));
    return code;
}

} // namespace

int main(int argc, char** argv) {
    using namespace dfs::cli;
#ifdef DIFFUSCOPE_HAS_VULKAN
    dfs::vk::registerVulkanBackend();
#endif
    CLI::App app{"Diffuscope command line: datasets, exact denoisers, fields and samplers for "
                 "2D diffusion models. Run 'diffuscope-cli demo' for a first look.",
                 "diffuscope-cli"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "diffuscope-cli 0.1.0");
    std::vector<Command> commands = {
        addListCommand(app),       addDataCommand(app),       addFieldCommand(app),
        addSampleCommand(app),     addTrainCommand(app),      addDemoCommand(app),
        addBenchCommand(app),      addScheduleCommand(app),   addCurvesCommand(app),
        addLikelihoodCommand(app), addExportModelCommand(app)};
#ifdef DIFFUSCOPE_HAS_RENDER
    commands.push_back(addRenderCommand(app));
#endif
    if (argc > 1 && argv[1][0] != '-') {
        std::string names;
        bool known = false;
        for (const Command& c : commands) {
            names += (names.empty() ? "" : ", ") + c.parser->get_name();
            known = known || c.parser->get_name() == argv[1];
        }
        if (!known)
            return fail(2, fmt::format("unknown command '{}' (choose from {})", argv[1], names));
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        const std::string where = argc > 1 && argv[1][0] != '-' ? std::string(" ") + argv[1] : "";
        return fail(2, fmt::format("{} (see 'diffuscope-cli{} --help')", e.what(), where));
    }
    try {
        for (const Command& c : commands)
            if (c.parser->parsed()) c.run();
        return 0;
    } catch (const dfs::UsageError& e) {
        return fail(2, e.what());
    } catch (const dfs::DataError& e) {
        return fail(1, e.what());
    } catch (const dfs::DeviceError& e) {
        return fail(1, e.what());
    } catch (const std::bad_alloc&) {
        return fail(1, "out of memory: try fewer points, particles or steps");
    } catch (const std::exception& e) {
        return fail(1, fmt::format("internal error: {}", e.what()));
    }
}
