// The HTTP layer (http.h). Each io thread runs its own io_context and a connection stays on
// the one it was accepted to, so a connection's handlers never run at once and need no strand
// (the layout bench/server/http-layer measured as the cheapest). A complete request goes to
// the handler pool; its answer comes back to the connection's io_context to be written.
#include "http.h"

#include <strings.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "query.h"

namespace tiercart::server::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Acceptor = asio::basic_socket_acceptor<tcp, Executor>;
using Stream = beast::basic_stream<tcp, Executor, beast::unlimited_rate_policy>;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>, Executor>;

namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Route patterns are short; libstdc++'s regex matcher recurses per character, so a long
// path is never handed to it (no route matches one anyway).
constexpr std::size_t kMaxPatternPath = 512;
// A typical order arrives in one or two reads with this much room (bench/server/http-layer).
constexpr std::size_t kReadBufferBytes = 16 * 1024;

std::chrono::milliseconds ms(int value) { return std::chrono::milliseconds(value); }

}  // namespace

bool Request::has_header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (same_name(key, name)) return true;
  }
  return false;
}

std::string Request::get_header_value(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (same_name(key, name)) return value;
  }
  return "";
}

bool Request::has_param(std::string_view name) const {
  return params.find(std::string(name)) != params.end();
}

std::string Request::get_param_value(std::string_view name) const {
  auto found = params.find(std::string(name));
  return found == params.end() ? "" : found->second;
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (same_name(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

void Response::set_content(std::string content, std::string_view type) {
  body = std::move(content);
  content_type = std::string(type);
}

void Router::add(std::string method, const std::string& pattern, Handler handler) {
  Route route;
  route.method = std::move(method);
  if (pattern.find('(') == std::string::npos) {
    route.exact = pattern;
  } else {
    route.pattern = std::make_unique<std::regex>(pattern, std::regex::ECMAScript);
  }
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

const Handler* Router::find(Request& req) const {
  for (const Route& route : routes_) {
    if (route.method != req.method) continue;
    if (!route.pattern) {
      if (route.exact != req.path) continue;
      req.matches = {req.path};
      return &route.handler;
    }
    if (req.path.size() > kMaxPatternPath) continue;
    std::smatch match;
    if (!std::regex_match(req.path, match, *route.pattern)) continue;
    req.matches.assign(match.begin(), match.end());
    return &route.handler;
  }
  return nullptr;
}

// Runs handlers, which may block, on their own threads.
class HandlerPool {
 public:
  explicit HandlerPool(int threads) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
  }
  ~HandlerPool() { shutdown(); }

  void post(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    ready_.notify_one();
  }

  // Runs what is queued, then joins.
  void shutdown() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty()) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

struct Server::State {
  State(Limits l, Router r, Observer o)
      : limits(l), router(std::move(r)), observer(std::move(o)), pool(l.handler_threads) {}

  Limits limits;
  Router router;
  Observer observer;
  HandlerPool pool;

  std::mutex connections_mutex;
  std::map<std::string, std::size_t> per_address;
  std::size_t open = 0;

  std::atomic<std::size_t> body_memory{0};
  std::atomic<bool> stopping{false};
  std::mutex flight_mutex;
  std::condition_variable flight_done;
  std::size_t in_flight = 0;  // requests dispatched whose answer has not left yet

  bool reserve_body(std::size_t bytes) {
    std::size_t current = body_memory.load();
    do {
      if (current + bytes > limits.max_body_memory) return false;
    } while (!body_memory.compare_exchange_weak(current, current + bytes));
    return true;
  }
  void release_body(std::size_t bytes) { body_memory -= bytes; }

  void request_started() {
    std::lock_guard<std::mutex> lock(flight_mutex);
    ++in_flight;
  }
  void request_finished() {
    {
      std::lock_guard<std::mutex> lock(flight_mutex);
      --in_flight;
    }
    flight_done.notify_all();
  }

  bool admit(const std::string& address) {
    std::lock_guard<std::mutex> lock(connections_mutex);
    if (open >= limits.max_connections) return false;
    std::size_t& count = per_address[address];
    if (limits.max_connections_per_address > 0 && count >= limits.max_connections_per_address) {
      if (count == 0) per_address.erase(address);
      return false;
    }
    ++count;
    ++open;
    return true;
  }
  void closed(const std::string& address) {
    std::lock_guard<std::mutex> lock(connections_mutex);
    --open;
    auto found = per_address.find(address);
    if (found != per_address.end() && --found->second == 0) per_address.erase(found);
  }

  // The answer the layer itself gives (a route's absence, a bound passed): the owner
  // writes the body, so every error has the server's one shape.
  Response refusal(std::string_view path, int status, const char* code,
                   const std::string& message) const {
    Response res;
    res.status = status;
    if (observer.refuse) observer.refuse(path, res, code, message);
    return res;
  }

  std::unique_ptr<Acceptor> acceptor;
  std::unique_ptr<Timer> accept_retry;
  std::size_t next_loop = 0;
  std::vector<std::thread> io_threads;
  // Last, so that the sessions their queues hold are destroyed while the rest is alive.
  std::vector<std::unique_ptr<asio::io_context>> loops;
  std::vector<asio::executor_work_guard<Executor>> keep_running;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Socket socket, Server::State& state, std::string address)
      : stream_(std::move(socket)), state_(state), address_(std::move(address)) {}

  ~Session() {
    state_.release_body(reserved_);
    state_.closed(address_);
  }

  Executor executor() { return stream_.get_executor(); }

  void start() {
    beast::error_code ignored;
    stream_.socket().set_option(tcp::no_delay(true), ignored);
    next_request(true);
  }

 private:
  const Limits& limits() const { return state_.limits; }

  void next_request(bool first) {
    if (state_.stopping) return close();
    parser_.emplace();
    parser_->header_limit(limits().max_header_bytes);
    body_limit_ = limits().max_body_bytes;
    large_body_ = false;
    // The parser checks Content-Length while it reads the head: the largest limit any route
    // has, narrowed to this request's route once its path is known (on_head).
    std::size_t largest = body_limit_;
    for (const auto& [path, bytes] : limits().large_bodies) largest = std::max(largest, bytes);
    parser_->body_limit(largest);
    if (first || buffer_.size() > 0) return read_head();
    // An idle kept-alive connection: its own deadline until the next request begins.
    stream_.expires_after(ms(limits().keep_alive_timeout_ms));
    stream_.async_read_some(buffer_.prepare(kReadBufferBytes),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) return self->close();
                              self->buffer_.commit(n);
                              self->read_head();
                            });
  }

  void read_head() {
    stream_.expires_after(ms(limits().header_timeout_ms));
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_head(ec); });
  }

  void on_head(beast::error_code ec) {
    if (ec) return read_failed(ec);
    const auto& head = parser_->get();
    path_ = std::string(head.target().substr(0, head.target().find('?')));
    limit_body_for(path_);
    parser_->body_limit(body_limit_);
    if (static_cast<std::size_t>(std::distance(head.begin(), head.end())) >
        limits().max_header_fields) {
      return refuse(
          431, "too_many_headers",
          "a request has at most " + std::to_string(limits().max_header_fields) + " header fields");
    }
    const auto encoding = head[bhttp::field::content_encoding];
    if (!encoding.empty() &&
        !same_name(std::string_view(encoding.data(), encoding.size()), "identity")) {
      return refuse(415, "unsupported_encoding",
                    "request bodies are read as sent: a Content-Encoding is not accepted");
    }
    const auto length = parser_->content_length();
    if (length && *length > body_limit_) return too_large();
    const std::size_t need = length               ? static_cast<std::size_t>(*length)
                             : parser_->chunked() ? body_limit_
                                                  : 0;
    if (need > 0) {
      if (!state_.reserve_body(need)) {
        Response res = state_.refusal(path_, 503, "busy",
                                      "the server is reading as many bodies as it can hold; "
                                      "try again");
        res.set_header("Retry-After", "1");
        return write(std::move(res), false);
      }
      reserved_ = need;
      if (buffer_.capacity() < kReadBufferBytes) buffer_.reserve(kReadBufferBytes);
    }
    const auto expect = head[bhttp::field::expect];
    if (same_name(std::string_view(expect.data(), expect.size()), "100-continue")) {
      continue_.emplace(bhttp::status::continue_, head.version());
      stream_.expires_after(ms(limits().write_timeout_ms));
      return bhttp::async_write(stream_, *continue_,
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                  if (ec) return self->close();
                                  self->read_body();
                                });
    }
    read_body();
  }

  void read_body() {
    if (parser_->is_done()) return dispatch();
    stream_.expires_after(
        ms(large_body_ ? limits().large_body_timeout_ms : limits().body_timeout_ms));
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->read_failed(ec);
                        self->dispatch();
                      });
  }

  // A request that could not be read: nothing is left to answer on a timed-out or closed
  // connection; a bound passed or a malformed request is answered, then closed.
  void read_failed(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) {
      path_ = request_line_path();
      return refuse(431, "headers_too_large",
                    "the request line and header fields are over " +
                        std::to_string(limits().max_header_bytes) + " bytes");
    }
    if (ec == bhttp::error::body_limit) {
      // Over every route's limit, found on Content-Length before the head was done.
      path_ = request_line_path();
      limit_body_for(path_);
      return too_large();
    }
    if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream ||
        ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted || ec == bhttp::error::partial_message) {
      return close();
    }
    refuse(400, "bad_request", "the request is not valid HTTP/1.1");
  }

  // The path of a request whose line was read but whose head was not: refusals to the
  // extensions' routes carry their CORS headers, so that the extension can read them.
  std::string request_line_path() const {
    const auto target = parser_->get().target();
    const std::string_view text(target.data(), target.size());
    return std::string(text.substr(0, text.find('?')));
  }

  // This request's body limit: its path's in large_bodies, else max_body_bytes.
  void limit_body_for(const std::string& path) {
    const auto large = limits().large_bodies.find(path);
    large_body_ = large != limits().large_bodies.end();
    body_limit_ = large_body_ ? large->second : limits().max_body_bytes;
  }

  void too_large() {
    refuse(413, "too_large", "the body is over " + std::to_string(body_limit_) + " bytes");
  }

  void refuse(int status, const char* code, const std::string& message) {
    write(state_.refusal(path_, status, code, message), false);
  }

  void dispatch() {
    if (state_.stopping) return close();
    auto message = parser_->release();
    auto req = std::make_shared<Request>();
    req->method = std::string(message.method_string());
    const std::string_view target(message.target().data(), message.target().size());
    const std::size_t question = target.find('?');
    req->path = std::string(target.substr(0, question));
    if (question != std::string_view::npos) req->query = std::string(target.substr(question + 1));
    req->params = parse_query(req->query);
    req->headers.reserve(16);
    for (const auto& field : message) {
      req->headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    req->body = std::move(message.body());
    req->remote_address = address_;
    keep_alive_ = message.keep_alive();
    state_.request_started();
    state_.pool.post([self = shared_from_this(), req] {
      Response res;
      const Handler* handler = self->state_.router.find(*req);
      if (!handler) {
        res = self->state_.refusal(req->path, 404, "not_found",
                                   "no route for " + req->method + " " + req->path);
      } else {
        try {
          (*handler)(*req, res);
        } catch (...) {
          res = self->state_.refusal(req->path, 500, "internal_error",
                                     "the server failed on this request");
        }
        if (res.status >= 400 && res.body.empty()) {
          res = self->state_.refusal(req->path, res.status, nullptr,
                                     "HTTP " + std::to_string(res.status) + " for this request");
        }
      }
      auto answer = std::make_shared<Response>(std::move(res));
      asio::post(self->stream_.get_executor(), [self, answer] {
        self->state_.release_body(self->reserved_);
        self->reserved_ = 0;
        self->write(std::move(*answer), self->keep_alive_, true);
      });
    });
  }

  void write(Response res, bool keep_alive, bool dispatched = false) {
    keep_alive = keep_alive && !state_.stopping;
    if (state_.observer.answered) state_.observer.answered(res.status);
    response_.emplace();
    response_->version(11);
    response_->result(static_cast<unsigned>(res.status));
    if (!res.content_type.empty()) response_->set(bhttp::field::content_type, res.content_type);
    for (auto& [name, value] : res.headers) response_->set(name, value);
    response_->keep_alive(keep_alive);
    response_->body() = std::move(res.body);
    response_->prepare_payload();
    stream_.expires_after(ms(limits().write_timeout_ms));
    bhttp::async_write(
        stream_, *response_,
        [self = shared_from_this(), keep_alive, dispatched](beast::error_code ec, std::size_t) {
          if (dispatched) self->state_.request_finished();
          if (ec) return self->close();
          if (!keep_alive) return dispatched ? self->close() : self->linger();
          self->next_request(false);
        });
  }

  // After a refusal the client may still be sending the body it was refused for: closing
  // at once would reset the connection before it reads the answer. Its bytes are read and
  // dropped for a bounded time and amount first.
  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    drain();
  }

  void drain() {
    // One io thread reads one socket at a time: its sessions can share a scratch buffer.
    static thread_local char scratch[16384];
    stream_.async_read_some(asio::buffer(scratch),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > 2 * self->limits().max_body_bytes) {
                                return self->close();
                              }
                              self->drain();
                            });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  Stream stream_;
  Server::State& state_;
  std::string address_;
  std::string path_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  std::size_t reserved_ = 0;
  std::size_t drained_ = 0;
  std::size_t body_limit_ = 0;  // this request's: max_body_bytes or its path's large_bodies
  bool large_body_ = false;
  bool keep_alive_ = true;
};

void accept(Server::State& state) {
  asio::io_context& loop = *state.loops[state.next_loop++ % state.loops.size()];
  state.acceptor->async_accept(loop, [&state](beast::error_code ec, Socket socket) {
    if (ec == asio::error::operation_aborted || !state.acceptor->is_open()) return;
    if (ec) {
      // Out of descriptors, most likely: wait a little rather than spin on accept.
      state.accept_retry->expires_after(std::chrono::milliseconds(50));
      state.accept_retry->async_wait([&state](beast::error_code wait) {
        if (!wait && state.acceptor->is_open()) accept(state);
      });
      return;
    }
    beast::error_code ignored;
    const std::string address = socket.remote_endpoint(ignored).address().to_string();
    if (state.stopping || !state.admit(address)) {
      if (state.observer.connection_refused) state.observer.connection_refused();
      socket.close(ignored);
    } else {
      auto session = std::make_shared<Session>(std::move(socket), state, address);
      asio::post(session->executor(), [session] { session->start(); });
    }
    accept(state);
  });
}

}  // namespace

Server::Server(Limits limits, Router router, Observer observer)
    : state_(std::make_unique<State>(limits, std::move(router), std::move(observer))) {}

Server::~Server() { stop(); }

std::size_t Server::open_connections() const {
  std::lock_guard<std::mutex> lock(state_->connections_mutex);
  return state_->open;
}

Result<int> Server::start(const std::string& host, int port) {
  State& state = *state_;
  const int loops = std::max(1, state.limits.io_threads);
  for (int i = 0; i < loops; ++i) {
    state.loops.push_back(std::make_unique<asio::io_context>(1));
    state.keep_running.push_back(asio::make_work_guard(*state.loops.back()));
  }
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return make_error("bind_failed", "cannot bind " + host + ": not an IP address");
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  state.acceptor = std::make_unique<Acceptor>(*state.loops.front());
  state.accept_retry = std::make_unique<Timer>(*state.loops.front());
  state.acceptor->open(endpoint.protocol(), ec);
  if (!ec) state.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) state.acceptor->bind(endpoint, ec);
  if (!ec) state.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error("bind_failed",
                      "cannot bind " + host + ":" + std::to_string(port) + ": " + ec.message());
  }
  const int bound = state.acceptor->local_endpoint().port();
  accept(state);
  for (auto& loop : state.loops) {
    state.io_threads.emplace_back([io = loop.get()] { io->run(); });
  }
  return bound;
}

void Server::stop() {
  State& state = *state_;
  if (state.stopping.exchange(true) || state.loops.empty()) return;
  asio::post(*state.loops.front(), [&state] {
    beast::error_code ignored;
    state.acceptor->close(ignored);
    state.accept_retry->cancel();
  });
  {
    // The requests being handled finish and their answers leave (each within its write
    // deadline); requests still being read are dropped with their connections.
    std::unique_lock<std::mutex> lock(state.flight_mutex);
    state.flight_done.wait_for(lock, ms(state.limits.write_timeout_ms + 60000),
                               [&state] { return state.in_flight == 0; });
  }
  for (auto& loop : state.loops) loop->stop();
  for (auto& thread : state.io_threads) thread.join();
  state.pool.shutdown();
  // An Asio object must go before its io_context; the sessions go with the loops' queues.
  state.accept_retry.reset();
  state.acceptor.reset();
  state.keep_running.clear();
  state.loops.clear();
}

}  // namespace tiercart::server::http
