#include "api/json_body.hpp"

#include <boost/json/memory_resource.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace it::api {
namespace {

bool isBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// What parsing one body may allocate in all: a JSON document takes a few times its text in
// memory (a value is 16 bytes, an object's table more), and the largest valid request (10,000
// items of a sync) stays far below this. A body built to multiply (8 MiB of "[[],[],...]" is
// 2.8 million values, ~130 MiB while parsing) is stopped as it grows past it.
std::size_t parseBudget(std::size_t body_bytes) { return 4 * 1024 * 1024 + 3 * body_bytes; }

// Thrown when a parse has allocated its budget.
struct ParseBudgetSpent : std::bad_alloc {};

// The allocator of one parse and of the document it makes: past its budget of allocated bytes,
// an allocation throws instead. Bytes given back do not return to the budget, since
// Boost.JSON does not always give back the size and alignment it asked for (hence malloc and
// free, which need neither). So the budget bounds everything the parse allocates, which is at
// most about twice what it holds at once (its working stack doubles). Used by one thread at a
// time.
class BoundedResource final : public boost::json::memory_resource {
 public:
  explicit BoundedResource(std::size_t budget) : left_(budget) {}

 private:
  void* do_allocate(std::size_t bytes, std::size_t alignment) override {
    if (bytes > left_) throw ParseBudgetSpent();
    left_ -= bytes;
    // malloc's alignment (that of max_align_t) is all Boost.JSON ever asks for.
    void* p =
        alignment <= alignof(std::max_align_t) ? std::malloc(bytes == 0 ? 1 : bytes) : nullptr;
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  void do_deallocate(void* p, std::size_t, std::size_t) override { std::free(p); }
  bool do_is_equal(const boost::json::memory_resource& other) const noexcept override {
    return this == &other;
  }

  std::size_t left_;
};

}  // namespace

boost::json::value jsonOrNull(const std::optional<std::string>& s) {
  return s ? boost::json::value(*s) : boost::json::value(nullptr);
}

boost::json::value jsonOrNull(const std::optional<std::int64_t>& n) {
  return n ? boost::json::value(*n) : boost::json::value(nullptr);
}

bool isFalsy(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return true;
    case boost::json::kind::bool_:
      return !v.get_bool();
    case boost::json::kind::int64:
      return v.get_int64() == 0;
    case boost::json::kind::uint64:
      return v.get_uint64() == 0;
    case boost::json::kind::double_:
      return v.get_double() == 0;
    case boost::json::kind::string:
      return v.get_string().empty();
    case boost::json::kind::array:
      return v.get_array().empty();
    case boost::json::kind::object:
      return v.get_object().empty();
  }
  return false;
}

Result<boost::json::object> parseJsonObject(std::string_view body, std::string_view empty_message) {
  if (isBlank(body)) return invalidRequest(std::string(empty_message));
  boost::json::parse_options opts;
  opts.max_depth = 32;  // deeper nesting is never a valid request
  // The parser's working stack and the document share one budget; the document keeps the
  // resource alive as long as it lives.
  boost::json::storage_ptr budget =
      boost::json::make_shared_resource<BoundedResource>(parseBudget(body.size()));
  boost::json::parser parser(budget, opts);
  parser.reset(budget);
  boost::system::error_code ec;
  try {
    parser.write(body, ec);
  } catch (const ParseBudgetSpent&) {
    return invalidRequest("Request body holds too many JSON values");
  }
  if (ec) return invalidRequest("Request body is not valid JSON");
  boost::json::value v = parser.release();
  if (isFalsy(v)) return invalidRequest(std::string(empty_message));
  if (!v.is_object()) return invalidRequest("Request body must be a JSON object");
  return Result<boost::json::object>::success(std::move(v.get_object()));
}

}  // namespace it::api
