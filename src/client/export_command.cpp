#include "client/export_command.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace it::client {

int runExport(ApiClient& api, const std::string& format, const std::optional<std::string>& output,
              std::ostream& destination) {
  if (format != "json" && format != "csv") {
    throw ClientError("--format must be json or csv (got \"" + format + "\")");
  }
  const std::string body = api.download("api/export?format=" + format);
  if (!output) {
    destination << body << std::flush;
    if (!destination) throw ClientError("could not write the export to standard output");
    return 0;
  }
  const std::string partial = *output + ".part";
  {
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    file << body;
    file.close();
    if (!file) throw ClientError("could not write " + partial);
  }
  std::error_code error;
  std::filesystem::rename(partial, *output, error);
  if (error)
    throw ClientError("could not rename " + partial + " to " + *output + ": " + error.message());
  return 0;
}

}  // namespace it::client
