#include "fakes/fake_lambda_runtime.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <set>
#include <string_view>
#include <thread>
#include <utility>

#include "fakes/loopback_server.hpp"

namespace it::test {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::string_view kInvocationPrefix = "/2018-06-01/runtime/invocation/";
constexpr const char* kFunctionArn =
    "arn:aws:lambda:us-east-1:123456789012:function:immersion-tracker";
constexpr const char* kTraceId =
    "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1";
constexpr const char* kErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
constexpr std::chrono::milliseconds kInvocationTimeout{30000};
// How often a handler blocked on /next checks whether its client went away.
constexpr std::chrono::milliseconds kPeerCheckInterval{20};

using Reply = HttpReply;

Reply accepted() { return Reply{202, R"({"status":"OK"})"}; }

Reply invalidRequestId() {
  return Reply{400, R"({"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"})"};
}

Reply alreadyAnswered() {
  return Reply{400, R"({"errorMessage":"Invalid state transition: the invocation was already )"
                    R"(answered","errorType":"InvalidStateTransition"})"};
}

// True when the peer closed (or reset) the connection: a killed runtime process must not
// take the next event with it.
bool peerGone(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  if ((p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0) return true;
  return false;  // POLLIN alone: a pipelined request, not a close
}

std::string epochMsIn(std::chrono::milliseconds from_now) {
  auto at = std::chrono::system_clock::now() + from_now;
  return std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count());
}

}  // namespace

struct FakeLambdaRuntime::Impl {
  using Request = http::request<http::string_body>;

  // Events, answers and counters.
  mutable std::mutex mutex;
  std::condition_variable cv;  // queue, answers, init error and `stopping` changes
  bool stopping = false;
  int next_id = 1;
  std::deque<std::pair<std::string, std::string>> queue;  // request id, event JSON
  std::set<std::string> handed_out;
  std::map<std::string, Answer> answers;
  std::optional<Answer> init_error;
  int next_requests = 0;
  std::optional<std::chrono::steady_clock::time_point> first_next_at;

  // Last: stopped (its threads joined) before the members they use go.
  // Bodies up to 16 MiB: above Lambda's 6 MB, so the runtime's own limit is what is tested.
  // No answer (shutting down, or the client left) closes the connection.
  LoopbackServer server{[this](tcp::socket& socket) {
    serveHttp(socket, 16 << 20, "fake-lambda-runtime",
              [this](const Request& request, tcp::socket& s) {
                return handle(request, s.native_handle());
              });
  }};

  ~Impl() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    cv.notify_all();  // handlers blocked on /next give up and close their connection
    server.stop();
  }

  std::optional<Reply> handle(const Request& request, int fd) {
    std::string_view target = request.target();
    std::string_view path = target.substr(0, target.find('?'));
    bool get = request.method() == http::verb::get;
    bool post = request.method() == http::verb::post;

    if (get && path == "/2018-06-01/runtime/invocation/next") return next(fd);
    if (post && path == "/2018-06-01/runtime/init/error") {
      std::lock_guard lock(mutex);
      if (!init_error) init_error = Answer{"", true, request.body(), errorType(request)};
      cv.notify_all();
      return accepted();
    }
    if (post && path.starts_with(kInvocationPrefix)) {
      std::string_view rest = path.substr(kInvocationPrefix.size());
      auto slash = rest.find('/');
      if (slash != std::string_view::npos && slash > 0) {
        std::string id(rest.substr(0, slash));
        std::string_view what = rest.substr(slash + 1);
        if (what == "response") return answer(id, false, request);
        if (what == "error") return answer(id, true, request);
      }
    }
    return Reply{404, R"({"errorMessage":"Not Found","errorType":"NotFound"})"};
  }

  static std::string errorType(const Request& request) {
    auto it = request.find(kErrorTypeHeader);  // field names compare case-insensitively
    return it == request.end() ? std::string() : std::string(it->value());
  }

  std::optional<Reply> next(int fd) {
    std::unique_lock lock(mutex);
    ++next_requests;
    if (!first_next_at) first_next_at = std::chrono::steady_clock::now();
    for (;;) {
      if (stopping) return std::nullopt;
      // Checked before taking an event too, so a client killed while waiting never takes one.
      if (peerGone(fd)) return std::nullopt;
      if (!queue.empty()) break;
      cv.wait_for(lock, kPeerCheckInterval);
    }
    auto [id, event] = std::move(queue.front());
    queue.pop_front();
    handed_out.insert(id);
    Reply reply{200, std::move(event)};
    reply.headers = {
        {"Lambda-Runtime-Aws-Request-Id", id},
        {"Lambda-Runtime-Deadline-Ms", epochMsIn(kInvocationTimeout)},
        {"Lambda-Runtime-Invoked-Function-Arn", kFunctionArn},
        {"Lambda-Runtime-Trace-Id", kTraceId},
    };
    return reply;
  }

  Reply answer(const std::string& id, bool error, const Request& request) {
    std::lock_guard lock(mutex);
    if (!handed_out.contains(id)) return invalidRequestId();
    if (answers.contains(id)) return alreadyAnswered();  // the first answer stands
    answers.emplace(id, Answer{id, error, request.body(), error ? errorType(request) : ""});
    cv.notify_all();
    return accepted();
  }
};

FakeLambdaRuntime::FakeLambdaRuntime() : impl_(std::make_unique<Impl>()) {}

FakeLambdaRuntime::~FakeLambdaRuntime() = default;

std::string FakeLambdaRuntime::address() const {
  return "127.0.0.1:" + std::to_string(impl_->server.port());
}

std::string FakeLambdaRuntime::addEvent(std::string event_json) {
  std::string id;
  {
    std::lock_guard lock(impl_->mutex);
    id = "req-" + std::to_string(impl_->next_id++);
    impl_->queue.emplace_back(id, std::move(event_json));
  }
  impl_->cv.notify_all();
  return id;
}

std::optional<FakeLambdaRuntime::Answer> FakeLambdaRuntime::waitForAnswer(
    const std::string& request_id, std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  if (!impl_->cv.wait_for(lock, timeout, [&] { return impl_->answers.contains(request_id); })) {
    return std::nullopt;
  }
  return impl_->answers.at(request_id);
}

std::optional<FakeLambdaRuntime::Answer> FakeLambdaRuntime::waitForInitError(
    std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->cv.wait_for(lock, timeout, [&] { return impl_->init_error.has_value(); });
  return impl_->init_error;
}

int FakeLambdaRuntime::nextRequests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->next_requests;
}

std::optional<std::chrono::steady_clock::time_point> FakeLambdaRuntime::firstNextAt() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->first_next_at;
}

}  // namespace it::test
