#include "app/commands.hpp"

int main(int argc, char** argv) { return it::app::runCommandLine(argc, argv); }
