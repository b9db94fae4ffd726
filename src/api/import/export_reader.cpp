#include "api/import/export_reader.hpp"

#include <array>
#include <boost/json/basic_parser_impl.hpp>
#include <optional>
#include <utility>

namespace it::api::imports {
namespace {

namespace json = boost::json;
using boost::system::error_code;

struct NamedSection {
  std::string_view name;
  Section section;
  bool array;  // an array of records, else one record (user, account)
};
constexpr std::array<NamedSection, 10> kSections{{
    {"user", Section::kUser, false},
    {"account", Section::kAccount, false},
    {"tokens", Section::kTokens, true},
    {"tv_progress", Section::kTvProgress, true},
    {"shows", Section::kShows, true},
    {"channels", Section::kChannels, true},
    {"podcasts", Section::kPodcasts, true},
    {"language_choices", Section::kLanguageChoices, true},
    {"items", Section::kItems, true},
    {"logs", Section::kLogs, true},
}};
constexpr std::array<std::string_view, 3> kHeaderMembers{"format", "version", "exported_at"};

const NamedSection* sectionNamed(std::string_view name) {
  for (const auto& s : kSections) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// The SAX handler: depth 1 is the document object, 2 a section's array (or a one-record section), 3
// a record in an array. What it builds at any time is one record.
class Handler {
 public:
  static constexpr std::size_t max_object_size = 1000;
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = 1000;
  static constexpr std::size_t max_string_size = 16 * 1024;

  explicit Handler(const RecordVisitor& visit) : visit_(visit) {}

  std::optional<Failure> failure;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code& ec) { return deliver(Section::kHeader, 0, header_, ec); }

  bool on_object_begin(error_code& ec) {
    ++depth_;
    if (depth_ == 1) return true;
    if (depth_ == 2 && section_ && !section_->array) return startRecord();
    if (depth_ == 3 && section_ && section_->array) return startRecord();
    return refuse(depth_ == 2 ? "\"" + key_ + "\" must not be an object" : "a nested value", ec);
  }
  bool on_object_end(std::size_t, error_code& ec) {
    --depth_;
    if (depth_ == 0) return true;
    Section section = section_->section;
    std::size_t index = section_->array ? index_++ : 0;
    return deliver(section, index, record_, ec);
  }
  bool on_array_begin(error_code& ec) {
    ++depth_;
    if (depth_ == 2 && section_ && section_->array) {
      index_ = 0;
      return true;
    }
    return refuse(depth_ == 1 ? "it must be a JSON object" : "a nested value", ec);
  }
  bool on_array_end(std::size_t, error_code&) {
    --depth_;
    return true;
  }

  bool on_key_part(json::string_view s, std::size_t, error_code&) {
    part_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, error_code& ec) {
    part_.append(s.data(), s.size());
    std::string key = std::exchange(part_, {});
    if (depth_ == 1) {
      section_ = sectionNamed(key);
      const bool header =
          std::find(kHeaderMembers.begin(), kHeaderMembers.end(), key) != kHeaderMembers.end();
      if (!section_ && !header) {
        std::string shown = key.size() <= 64 ? key : "...";
        return refuse("unknown member \"" + shown + "\"", ec);
      }
    }
    key_ = std::move(key);
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t, error_code&) {
    part_.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, error_code& ec) {
    part_.append(s.data(), s.size());
    return scalar(json::value(std::exchange(part_, {})), ec);
  }
  bool on_number_part(json::string_view, error_code&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, error_code& ec) { return scalar(i, ec); }
  bool on_uint64(std::uint64_t u, json::string_view, error_code& ec) { return scalar(u, ec); }
  bool on_double(double d, json::string_view, error_code& ec) { return scalar(d, ec); }
  bool on_bool(bool b, error_code& ec) { return scalar(b, ec); }
  bool on_null(error_code& ec) { return scalar(nullptr, ec); }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }

 private:
  bool startRecord() {
    record_.clear();
    return true;
  }

  bool scalar(json::value value, error_code& ec) {
    const bool in_record = (depth_ == 2 && section_ && !section_->array) || depth_ == 3;
    if (in_record) {
      record_[key_] = std::move(value);
      return true;
    }
    if (depth_ == 1 && !section_) {
      header_[key_] = std::move(value);
      return true;
    }
    if (depth_ == 0) return refuse("it must be a JSON object", ec);
    return refuse(depth_ == 1
                      ? "\"" + key_ + "\" must be " + (section_->array ? "a list" : "an object")
                      : std::string("each entry must be an object"),
                  ec);
  }

  bool deliver(Section section, std::size_t index, const json::object& record, error_code& ec) {
    Result<void> visited = visit_(section, index, record);
    if (visited) return true;
    failure = std::move(visited.failure);
    ec = json::error::extra_data;  // stops the parser; `failure` says why
    return false;
  }

  bool refuse(const std::string& why, error_code& ec) {
    std::string where = "the document";
    if (depth_ >= 2 && section_) {
      where = section_->array && depth_ >= 3 ? recordName(section_->section, index_)
                                             : std::string(section_->name);
    }
    failure =
        Failure{FailureKind::kInvalidRequest, "Not an export document: " + where + ": " + why};
    ec = json::error::extra_data;
    return false;
  }

  const RecordVisitor& visit_;
  int depth_ = 0;
  const NamedSection* section_ = nullptr;  // of the member being read at depth 1
  std::size_t index_ = 0;                  // of the next record of an array section
  std::string key_;
  std::string part_;  // of a key or string given in parts
  json::object record_;
  json::object header_;
};

}  // namespace

std::string recordName(Section section, std::size_t index) {
  if (section == Section::kHeader) return "the document";
  for (const auto& s : kSections) {
    if (s.section != section) continue;
    return s.array ? std::string(s.name) + "[" + std::to_string(index) + "]" : std::string(s.name);
  }
  return "the document";
}

Result<void> readExport(std::string_view body, const RecordVisitor& visit) {
  json::basic_parser<Handler> parser(json::parse_options{}, visit);
  error_code ec;
  std::size_t read = parser.write_some(false, body.data(), body.size(), ec);
  if (parser.handler().failure) return *parser.handler().failure;
  if (ec || read != body.size()) {
    return Failure{FailureKind::kInvalidRequest,
                   "Request body must be an export document (JSON): " + ec.message()};
  }
  return Result<void>::success();
}

}  // namespace it::api::imports
