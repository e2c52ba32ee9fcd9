// The server's HTTP/1.1 layer: Boost.Beast on Asio, with the bounds an internet-facing
// server needs. A connection costs a socket and a buffer, never a thread, until its request
// is complete: slow or idle clients wait in the event loop while complete requests run on
// the handler pool. Every request is bounded before it is dispatched (header block size and
// field count, body size however it is framed, time to send the head and the body), bodies
// are never decoded (a Content-Encoding other than identity is refused), and connections are
// bounded in all and per client address. docs/server.md, "Bounds", gives each figure and what
// it was measured against. Routes see plain Request and Response values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tiercart/result.h"

namespace tiercart::server::http {

struct Request {
  std::string method;  // as sent: "GET", "POST", ...
  std::string path;    // the target before '?', not decoded
  std::string query;   // the target after '?', exactly as sent (signatures are checked on it)
  std::vector<std::pair<std::string, std::string>> headers;  // in the order sent
  // The query's parameters as parse_query (query.h) reads them: every occurrence kept.
  std::multimap<std::string, std::string> params;
  std::vector<std::string> matches;  // the route pattern's groups; [0] is the whole path
  std::string body;
  std::string remote_address;

  bool has_header(std::string_view name) const;               // names compare without case
  std::string get_header_value(std::string_view name) const;  // the first; "" when absent
  bool has_param(std::string_view name) const;
  std::string get_param_value(std::string_view name) const;  // the first; "" when absent
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;

  void set_header(std::string name, std::string value);  // replaces a field of that name
  void set_content(std::string content, std::string_view type);
};

using Handler = std::function<void(const Request&, Response&)>;

// Method and path to handler. A pattern is the whole path: exact, or a regular expression
// when it holds '(' (its groups become Request::matches).
class Router {
 public:
  void add(std::string method, const std::string& pattern, Handler handler);
  // The handler for this request, with req.matches filled; nullptr when none.
  const Handler* find(Request& req) const;

 private:
  struct Route {
    std::string method;
    std::string exact;
    std::unique_ptr<std::regex> pattern;
    Handler handler;
  };
  std::vector<Route> routes_;
};

struct Limits {
  // The request line and fields together: room for a 64 KiB post-purchase token in
  // Authorization besides the rest.
  std::uint32_t max_header_bytes = 96 * 1024;
  std::size_t max_header_fields = 100;
  std::size_t max_body_bytes = 4 * 1024 * 1024;  // after de-chunking; bodies are never inflated
  // Exact paths allowed a larger body than max_body_bytes (the what-if upload of an orders
  // export), and the time such a body may take to arrive.
  std::map<std::string, std::size_t> large_bodies;
  int large_body_timeout_ms = 120000;
  // Bodies being read or handled at once, over all connections: the memory they can take.
  std::size_t max_body_memory = std::size_t{256} * 1024 * 1024;
  int header_timeout_ms = 5000;      // from the first byte (or the connection) to the head's end
  int body_timeout_ms = 5000;        // from the head's end to the body's
  int keep_alive_timeout_ms = 5000;  // a kept-alive connection waiting for its next request
  int write_timeout_ms = 5000;
  std::size_t max_connections = 10000;
  std::size_t max_connections_per_address = 256;  // 0: no bound (behind a trusted proxy)
  int io_threads = 2;
  int handler_threads = 128;  // handlers may block (a webhook waits for its commit)
};

// What the layer reports, for /metrics.
struct Observer {
  std::function<void(int status)> answered;
  std::function<void()> connection_refused;  // over a connection bound, closed at once
  // Writes the body (and any header) of an answer the layer gives itself: no route, a bound
  // passed, a handler that threw. `res.status` is set; `path` may be empty when unread.
  std::function<void(std::string_view path, Response& res, const char* code,
                     const std::string& message)>
      refuse;
};

class Server {
 public:
  Server(Limits limits, Router router, Observer observer);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (0: any free port) and serves on background threads; the bound port.
  Result<int> start(const std::string& host, int port);
  // Stops accepting, lets the requests being handled finish and their answers leave.
  void stop();
  std::size_t open_connections() const;

  struct State;  // http.cpp

 private:
  std::unique_ptr<State> state_;
};

}  // namespace tiercart::server::http
