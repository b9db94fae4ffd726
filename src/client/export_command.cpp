#include "client/export_command.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "client/terminal.hpp"

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
  ApiClient::Reply reply;
  if (!on_terminal) {
    reply = api.postJsonText("api/import", std::move(body));
  } else {
    // A bar while the file goes, then a line while the server checks and writes it.
    const std::uint64_t size = body.size();
    const std::string label = "Importing " + file;
    const std::size_t columns = progressColumns();
    ProgressLine line(out);
    bool sent = false;
    auto uploaded = [&](std::uint64_t bytes) {
      if (sent) return;
      sent = bytes >= size;
      if (sent || line.due()) line.draw(progressBar(label, bytes, size, columns), sent);
      if (!sent) return;
      line.finish();
      out << "Checking and writing..." << std::endl;
    };
    uploaded(0);
    reply = api.postJsonText("api/import", std::move(body),
                             [&](std::uint64_t bytes, std::uint64_t) { uploaded(bytes); });
    uploaded(size);  // the answer came before the transport said all had gone
  }
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
