// A subcommand of diffuscope-cli: its CLI11 parser and the action run after a successful parse.
// Each command lives in its own cmd_*.cpp and is registered in main.cpp.
#pragma once

#include <functional>

namespace CLI {
class App;
}

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

} // namespace dfs::cli
