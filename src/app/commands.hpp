#pragma once

namespace it::app {

// Parses the command line and runs the subcommand. Returns the process exit code: 0 on
// success; 1 with one plain sentence on stderr when the command fails; 2 on a usage error.
int runCommandLine(int argc, char** argv);

}  // namespace it::app
