// A subcommand of diffuscope-cli: its CLI11 parser and the action run after a successful parse.
// Each command lives in its own cmd_*.cpp and is registered in main.cpp.
#pragma once

#include <functional>
#include <memory>

namespace CLI {
class App;
}
class QGuiApplication;

namespace dfs::cli {

struct Command {
    CLI::App* parser = nullptr;
    std::function<void()> run; ///< throws DataError (exit 1) or UsageError (exit 2)
};

Command addListCommand(CLI::App& app);
Command addDataCommand(CLI::App& app);
Command addFieldCommand(CLI::App& app);
Command addSampleCommand(CLI::App& app);
Command addDemoCommand(CLI::App& app);
Command addBenchCommand(CLI::App& app);
Command addTrainCommand(CLI::App& app);
Command addScheduleCommand(CLI::App& app);
Command addCurvesCommand(CLI::App& app);
Command addLikelihoodCommand(CLI::App& app);
Command addExportModelCommand(CLI::App& app);
// Only in builds with the Qt layer (DIFFUSCOPE_BUILD_GUI):
Command addRenderCommand(CLI::App& app);
/// The QGuiApplication that text and images need, on the offscreen platform unless
/// QT_QPA_PLATFORM says otherwise.
std::unique_ptr<QGuiApplication> headlessGuiApplication();
/// `bench --workload render`: pane frame time, time-cursor redraw, GIF export speed.
void benchRender(int threads, int repeat);

} // namespace dfs::cli
