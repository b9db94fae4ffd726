#include "client/export_command.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
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

int runImport(ApiClient& api, const std::string& file, std::ostream& out, bool on_terminal) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ClientError("cannot read " + file);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw ClientError("cannot read " + file);
  if (on_terminal) {
    out << "Importing " << file << " (" << (body.size() + 1023) / 1024 << " KiB)..." << std::endl;
  }
  ApiClient::Reply reply = api.postJsonText("api/import", std::move(body));
  auto count = [&](const char* key) {
    const auto* v = reply.body.if_contains(key);
    return v != nullptr && v->is_int64() ? v->get_int64() : 0;
  };
  out << "Imported " << count("items_added") << " items and " << count("logs_added") << " logs ("
      << count("items_present") << " items and " << count("logs_present")
      << " logs were there already); " << count("tv_progress_updated")
      << " shows' TV progress updated.\n";
  return 0;
}

}  // namespace it::client
