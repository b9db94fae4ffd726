#include "app/cli/transfer_all.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <system_error>

#include "api/export/export_document.hpp"
#include "api/import/importer.hpp"
#include "app/cli/command_support.hpp"
#include "app/private_files.hpp"
#include "app/service.hpp"
#include "service/calendars.hpp"
#include "util/clock.hpp"

namespace it::app::cli {
namespace {

// The pieces of every user's export, one user after the other (their documents end with a
// line break).
class EveryUserExport {
 public:
  EveryUserExport(storage::Store& store, const service::Calendars& calendars, const Clock& clock)
      : store_(store), calendars_(calendars), clock_(clock) {
    for (auto& user : store_.listUsers()) names_.push_back(std::move(user.name));
  }

  std::optional<std::string> next() {
    for (;;) {
      if (document_) {
        if (auto piece = document_->next()) return piece;
        document_.reset();
      }
      if (next_user_ == names_.size()) return std::nullopt;
      document_.emplace(store_, calendars_, clock_, names_[next_user_++],
                        api::exports::ExportFormat::kJson,
                        api::exports::ExportScope::kDataAndAccount);
    }
  }

  std::size_t users() const { return names_.size(); }

 private:
  storage::Store& store_;
  const service::Calendars& calendars_;
  const Clock& clock_;
  std::vector<std::string> names_;
  std::size_t next_user_ = 0;
  std::optional<api::exports::ExportDocument> document_;
};

}  // namespace

int exportEveryUser(const Config& config, storage::Store& store,
                    const std::optional<std::string>& output, std::ostream& destination) {
  const service::Calendars calendars(store, defaultTimeZone(config));
  const SystemClock clock;
  EveryUserExport pieces(store, calendars, clock);
  if (!output) {
    while (auto piece = pieces.next()) destination << *piece;
    destination.flush();
    if (!destination) throw CommandError("could not write the export to standard output");
    return 0;
  }
  // It holds password hashes: its owner's alone, and never a partial FILE.
  const std::string partial = *output + ".part";
  if (!writePrivateFile(partial, [&] { return pieces.next(); })) {
    throw CommandError("could not write " + partial);
  }
  std::error_code error;
  std::filesystem::rename(partial, *output, error);
  if (error) {
    throw CommandError("could not rename " + partial + " to " + *output + ": " + error.message());
  }
  std::cerr << "Exported " << pieces.users() << (pieces.users() == 1 ? " user" : " users") << " to "
            << *output << " (it holds their password hashes: keep it private)\n";
  return 0;
}

int importEveryUser(const Config& config, storage::Store& store, const std::string& file,
                    std::ostream& out, bool on_terminal) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw CommandError("cannot read " + file);
  const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw CommandError("cannot read " + file);
  const service::Calendars calendars(store, defaultTimeZone(config));
  api::imports::ImportProgress progress;
  if (on_terminal) {
    progress = [&out](std::size_t done, std::size_t total, const std::string& username) {
      if (done < total)
        out << "[" << done + 1 << "/" << total << "] " << username << "..." << std::endl;
    };
    out << "Checking " << file << "..." << std::endl;
  }
  auto imported = api::imports::importEveryUser(store, calendars, body, progress);
  if (!imported) throw CommandError(file + ": " + imported.failure.message);
  for (const auto& user : *imported) {
    const auto& data = user.data;
    out << user.username << ": "
        << (user.account_created ? "added" : "already there (password kept)") << ", "
        << user.tokens_added << (user.tokens_added == 1 ? " token" : " tokens") << "; "
        << data.items_added << " items and " << data.logs_added << " logs imported ("
        << data.items_present << " and " << data.logs_present << " there already)\n";
  }
  out << "Imported " << imported->size() << (imported->size() == 1 ? " user" : " users") << " from "
      << file << "\n";
  return 0;
}

}  // namespace it::app::cli
