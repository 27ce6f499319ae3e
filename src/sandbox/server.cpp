#include "sandbox/server.h"

#include "sandbox/access_list.h"
#include "sandbox/rate_limit_listing.h"
#include "sandbox/routes.h"
#include "sandbox/text.h"
#include "sandbox/timestamps.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <stdexcept>

namespace keyform::sandbox {
namespace {

using nlohmann::json;

constexpr std::string_view admin_prefix = "/__sandbox";
constexpr std::string_view not_authorized = "You are not authorized for this resource.";
constexpr std::string_view malformed_digest =
    "The Authorization header is not a Digest answer with username, realm, nonce, uri, response, "
    "qop, nc and cnonce.";

Reply json_reply(int status, json body) {
  return Reply{status, std::move(body), "application/json", {}};
}

Reply unauthorized(const std::string& detail, std::string challenge) {
  Reply reply = error_reply(ApiError(401, "UNAUTHORIZED", detail));
  reply.headers.emplace_back("WWW-Authenticate", std::move(challenge));
  return reply;
}

bool is_digest_challenge(const Reply& reply) {
  if (reply.status != 401) return false;
  for (const auto& [name, value] : reply.headers) {
    if (name == "WWW-Authenticate" && value.starts_with("Digest ")) return true;
  }
  return false;
}

// By scheme name only, so a malformed header still shows what the client attempted.
std::string auth_scheme(const std::string& authorization) {
  for (const char* scheme : {"digest", "bearer", "basic"}) {
    if (istarts_with(authorization, std::string(scheme) + " ")) return scheme;
  }
  return "none";
}

// `text` with `padding` spaces before its last character, streamed from one small buffer so a
// 65 MiB body costs no memory.
void stream_padded(std::string text, std::size_t padding, const std::string& content_type,
                   httplib::Response& response) {
  static constexpr std::size_t chunk = 64 * 1024;
  auto spaces = std::make_shared<const std::string>(chunk, ' ');
  auto body = std::make_shared<const std::string>(std::move(text));
  const std::size_t head = body->size() - 1;
  response.set_content_provider(
      body->size() + padding, content_type,
      [body, spaces, head, padding](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        if (offset < head) return sink.write(body->data() + offset, std::min(length, head - offset));
        if (offset < head + padding) {
          return sink.write(spaces->data(), std::min({length, chunk, head + padding - offset}));
        }
        return sink.write(body->data() + head, 1);
      });
}

void write(const Reply& reply, httplib::Response& response) {
  response.status = reply.status;
  for (const auto& [name, value] : reply.headers) response.set_header(name, value);
  if (!reply.body && !reply.raw_body) return;
  std::string text = render_body(reply);
  if (reply.padding == 0 || text.empty()) return response.set_content(text, reply.content_type);
  stream_padded(std::move(text), reply.padding, reply.content_type, response);
}

// The request body without surrounding whitespace.
std::string trimmed(const std::string& text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// Plain text is the spec itself; JSON is {"spec": "..."} (nullopt when it is not).
std::optional<std::string> listing_fault_spec(const std::string& text) {
  if (!text.starts_with('{')) return text;
  const json doc = json::parse(text, nullptr, false);
  if (!doc.is_object() || doc.size() != 1 || !doc.contains("spec") || !doc["spec"].is_string()) {
    return std::nullopt;
  }
  return doc["spec"].get<std::string>();
}

Reply no_content() { return Reply{204, std::nullopt, "application/json", {}}; }

// The id a successful create answered with (a key's id, a service account's client id), for the
// request log; "" for anything else.
std::string created_key_id(const Route& route, const Reply& reply) {
  if (!reply.body) return "";
  if (route.operation == Operation::create_org_key && reply.status == 200) {
    return reply.body->value("id", "");
  }
  if (route.operation == Operation::create_service_account && reply.status == 201) {
    return reply.body->value("clientId", "");
  }
  return "";
}

bool is_listing(Operation operation) {
  return operation == Operation::list_org_keys || operation == Operation::list_org_projects ||
         operation == Operation::list_access_list;
}

Listing listing_of(Operation operation) {
  switch (operation) {
    case Operation::list_org_keys: return Listing::api_keys;
    case Operation::list_org_projects: return Listing::groups;
    default: return Listing::access_list;
  }
}

// The path after the family's base path as the client sent it, still percent-encoded: the router
// must tell "%2F" inside an access-list entry from a "/" between segments (routes.h).
std::string_view api_rest(const httplib::Request& request, const Family& family) {
  std::string_view raw = request.target;
  raw = raw.substr(0, raw.find('?'));
  if (raw.starts_with(family.base_path)) return raw.substr(family.base_path.size());
  return std::string_view(request.path).substr(family.base_path.size());  // an encoded base path
}

std::string self_href(const httplib::Request& request) {
  std::string host = request.get_header_value("Host");
  if (host.empty()) host = fmt::format("{}:{}", request.local_addr, request.local_port);
  return fmt::format("http://{}{}", host, request.target);
}

// cpp-httplib 0.11 percent-decodes every header value it receives, so a digest answer for
// ".../accessList/192.0.2.0%2F24" arrives with uri ".../192.0.2.0/24" while the hash covers the
// uri as the client sent it. When the decoded target is what arrived, the client sent the target:
// hash that.
std::string digest_uri(const std::string& received, const std::string& target) {
  return received != target && percent_decode(target) == received ? target : received;
}

// httplib's default also sets SO_REUSEPORT, which would let two sandboxes share a port silently.
void reuse_address_only(socket_t socket) {
  int yes = 1;
  setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

struct Endpoint {
  std::string host;
  int port = -1;
  bool operator==(const Endpoint&) const = default;
};

// Numeric host and port, the way httplib fills Request::remote_addr/local_addr.
std::optional<Endpoint> endpoint(int fd, bool peer) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  auto* raw = reinterpret_cast<sockaddr*>(&address);
  if ((peer ? getpeername(fd, raw, &length) : getsockname(fd, raw, &length)) != 0) return std::nullopt;
  char host[NI_MAXHOST];
  char service[NI_MAXSERV];
  if (getnameinfo(raw, length, host, sizeof(host), service, sizeof(service),
                  NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return std::nullopt;
  }
  return Endpoint{host, std::atoi(service)};
}

// Ends the request's TCP connection without an answer. cpp-httplib 0.11 does not show a handler
// its socket, so it is found among the process's descriptors by its two ends (a TCP connection
// is unique by them). shutdown(), not close(): httplib still owns the descriptor and closes it
// when its connection loop sees the end, so no descriptor can be reused under it. The client
// gets an empty reply (EOF), as when a proxy or the network drops a connection.
bool drop_connection(const httplib::Request& request) {
  const Endpoint local{request.local_addr, request.local_port};
  const Endpoint remote{request.remote_addr, request.remote_port};
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return false;
  bool dropped = false;
  while (const dirent* entry = readdir(dir)) {
    const std::string_view name = entry->d_name;
    int fd = -1;
    auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), fd);
    if (error != std::errc() || end != name.data() + name.size() || fd == dirfd(dir)) continue;
    struct stat info{};
    if (fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode)) continue;
    if (endpoint(fd, false) == local && endpoint(fd, true) == remote) {
      dropped = ::shutdown(fd, SHUT_RDWR) == 0;
      break;
    }
  }
  closedir(dir);
  return dropped;
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return host == "localhost";
}

Sandbox::Sandbox(OrgState state, SandboxOptions options)
    : options_(options),
      state_(std::move(state)),
      fixture_org_id_(state_.org.id),
      digest_(options.nonce_ttl),
      tokens_(options.token_ttl),
      rate_limiter_(std::move(options_.rate_limits), options_.clock) {
  const int threads = options_.threads;
  http_.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<std::size_t>(threads));
  };
  for (Fault& fault : options_.faults) faults_.add(std::move(fault));
  options_.faults.clear();
  for (ListingFault& fault : options_.listing_faults) listing_faults_.add(std::move(fault));
  options_.listing_faults.clear();
  http_.set_socket_options(reuse_address_only);
  // httplib writes headers and body separately; with Nagle on, the body waited for the client's
  // delayed ACK (~40 ms) on many answers, far more than the latency the sandbox simulates.
  http_.set_tcp_nodelay(true);
  // A client keeps its connection (and its digest nonce) for the whole run; httplib's default
  // would close every connection after 5 requests.
  http_.set_keep_alive_max_count(100000);
  http_.set_keep_alive_timeout(5);
  http_.set_payload_max_length(1 << 20);
  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response);
  };
  const std::string any = ".*";
  http_.Get(any, handler)
      .Post(any, handler)
      .Put(any, handler)
      .Patch(any, handler)
      .Delete(any, handler)
      .Options(any, handler);
  http_.set_exception_handler(
      [](const httplib::Request&, httplib::Response& response, std::exception_ptr) {
        write(error_reply(ApiError(500, "UNEXPECTED_ERROR", "Unexpected error in the sandbox.")),
              response);
      });
}

Sandbox::~Sandbox() { stop(); }

int Sandbox::bind(const std::string& host, int port) {
  if (!is_loopback_host(host)) {
    throw std::runtime_error(fmt::format("refusing to listen on non-loopback host {}", host));
  }
  const std::string address = host == "localhost" ? "127.0.0.1" : host;
  const int bound =
      port == 0 ? http_.bind_to_any_port(address) : (http_.bind_to_port(address, port) ? port : -1);
  if (bound <= 0) throw std::runtime_error(fmt::format("cannot listen on {}:{}", host, port));
  http_.widen_backlog();
  return bound;
}

// httplib listens with a backlog of 5: a client opening many connections at once would have SYNs
// dropped and retried a second later. On Linux, listen() on a listening socket resizes the backlog.
void Sandbox::Http::widen_backlog() { ::listen(svr_sock_, SOMAXCONN); }

int Sandbox::start(const std::string& host, int port, std::function<void(bool ok)> on_exit) {
  const int bound = bind(host, port);
  background_ = std::thread([this, on_exit = std::move(on_exit)] {
    const bool ok = http_.listen_after_bind();
    serving_done_ = true;
    if (on_exit) on_exit(ok);
  });
  // httplib's stop() does nothing before the accept loop runs; waiting here means no stop() is
  // lost.
  while (!http_.is_running() && !serving_done_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return bound;
}

void Sandbox::stop() {
  http_.stop();
  if (background_.joinable()) background_.join();
}

void Sandbox::handle(const httplib::Request& request, httplib::Response& response) {
  if (request.path.starts_with(admin_prefix)) return write(admin(request), response);
  const auto seq = log_.begin(log_entry(request));
  std::this_thread::sleep_for(options_.latency);  // simulated round trip; 401s pay it too
  Exchange exchange = api(request);
  if (exchange.drop) {
    // Logged before the drop: the client sees the end of its connection at once and may read the
    // log before this thread runs again.
    log_.finish(seq, Outcome{0, false, true, exchange.created_key_id, ""});
    if (drop_connection(request)) return;  // httplib's answer goes nowhere: the socket is shut down
    exchange = {error_reply(ApiError(500, "UNEXPECTED_ERROR",
                                     "The sandbox could not find the connection to drop.")),
                500, true, false, exchange.created_key_id};
  }
  log_.finish(seq, Outcome{exchange.status, is_digest_challenge(exchange.reply), exchange.fault,
                           exchange.created_key_id, exchange.rate_limited_by});
  write(exchange.reply, response);
}

// Test-only endpoints: no auth, no latency, not logged.
Reply Sandbox::admin(const httplib::Request& request) {
  const std::string route = request.method + " " + request.path;
  if (route == "GET /__sandbox/state") {
    std::lock_guard lock(state_mutex_);
    return json_reply(200, public_state(state_));
  }
  if (route == "GET /__sandbox/requests") return json_reply(200, log_.to_json());
  if (route == "DELETE /__sandbox/requests") {
    log_.clear();
    return no_content();
  }
  if (route == "GET /__sandbox/faults") return json_reply(200, faults_.to_json());
  if (route == "POST /__sandbox/faults") return add_fault(request.body);
  if (route == "DELETE /__sandbox/faults") {
    faults_.clear();
    return no_content();
  }
  if (route == "GET /__sandbox/listing-faults") return json_reply(200, listing_faults_.to_json());
  if (route == "POST /__sandbox/listing-faults") return add_listing_fault(request.body);
  if (route == "DELETE /__sandbox/listing-faults") {
    listing_faults_.clear();
    return no_content();
  }
  return error_reply(
      ApiError(404, "RESOURCE_NOT_FOUND", fmt::format("Cannot find resource {}.", request.path)));
}

// The body is the spec itself, e.g. "DELETE:/orgs/:429:2:1" (surrounding whitespace ignored),
// or a JSON object {"spec": "...", "body": "..."} for a fault that answers with that body.
Reply Sandbox::add_fault(const std::string& request_body) {
  const std::string text = trimmed(request_body);
  try {
    if (!text.starts_with('{')) {
      faults_.add(parse_fault(text));
    } else {
      const json doc = json::parse(text, nullptr, false);
      if (!doc.is_object() || !doc.contains("spec") || !doc["spec"].is_string() ||
          (doc.contains("body") && !doc["body"].is_string())) {
        return error_reply(ApiError(400, "INVALID_FAULT",
                                    R"(Expected a fault spec, or {"spec": "...", "body": "..."}.)"));
      }
      std::optional<std::string> body;
      if (doc.contains("body")) body = doc["body"].get<std::string>();
      faults_.add(parse_fault(doc["spec"].get<std::string>(), std::move(body)));
    }
  } catch (const FaultSyntaxError& error) {
    return error_reply(ApiError(400, "INVALID_FAULT", error.what()));
  }
  return json_reply(201, faults_.to_json());
}

// The body is the spec ("apiKeys:duplicate:1") or {"spec": "..."}.
Reply Sandbox::add_listing_fault(const std::string& request_body) {
  const auto spec = listing_fault_spec(trimmed(request_body));
  if (!spec) {
    return error_reply(
        ApiError(400, "INVALID_FAULT", R"(Expected a listing fault spec, or {"spec": "..."}.)"));
  }
  try {
    listing_faults_.add(parse_listing_fault(*spec));
  } catch (const FaultSyntaxError& error) {
    return error_reply(ApiError(400, "INVALID_FAULT", error.what()));
  }
  return json_reply(201, listing_faults_.to_json());
}

template <typename Serve>
Sandbox::Exchange Sandbox::unless_faulted(const httplib::Request& request, Serve serve) {
  const std::optional<Fault> fault = faults_.take(request.method, request.path);
  if (!fault) return serve();
  std::string created;  // the change is made, its answer lost; the log still shows what it made
  if (fault->after_apply) created = serve().created_key_id;
  // Not enveloped: faults stand for the rate limiter, a gateway or the network in front of the API.
  if (fault->drops_connection()) return {Reply{}, 0, true, true, std::move(created)};
  Reply reply = fault_reply(*fault, request.path);
  const int status = reply.status;
  return {std::move(reply), status, true, false, std::move(created)};
}

Sandbox::Exchange Sandbox::api(const httplib::Request& request) {
  if (request.path == token_path) return token_exchange(request);
  if (const Family* family = family_for_path(request.path)) return family_request(request, *family);
  // Nothing to authenticate: a fault may answer for an unknown path too.
  return unless_faulted(request, [&]() -> Exchange {
    Reply reply = error_reply(
        ApiError(404, "RESOURCE_NOT_FOUND", fmt::format("Cannot find resource {}.", request.path)));
    return {reply, reply.status};
  });
}

Sandbox::Exchange Sandbox::family_request(const httplib::Request& request, const Family& family) {
  const Format format = read_format(request.params);
  Principal principal;
  if (auto denied = authenticate(request, family, principal)) {
    // A 401 is never enveloped: a digest client only answers a challenge that comes with 401.
    const int status = denied->status;
    denied->pretty = format.pretty;
    return {std::move(*denied), status};
  }
  return metered(request, family, principal, format);
}

// Every authenticated call to a metered endpoint takes a token, whatever it is answered; a
// refused one is answered by the limiter in front of the API: no write latency, no fault used up,
// no envelope.
Sandbox::Exchange Sandbox::metered(const httplib::Request& request, const Family& family,
                                   const Principal& principal, const Format& format) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  const std::optional<Admission> admission = rate_limiter_.admit(
      request.method, path, Caller{principal.name, request.remote_addr, fixture_org_id_});
  if (admission && !admission->verdict.allowed) return rate_limited(*admission);
  if (request.method != "GET") std::this_thread::sleep_for(options_.write_latency);
  Exchange exchange = unless_faulted(request, [&]() -> Exchange {
    Exchange served = respond(request, family, principal);
    served.reply.pretty = format.pretty;
    if (format.envelope) served.reply = envelope(std::move(served.reply));
    return served;
  });
  if (admission && exchange.status >= 200 && exchange.status < 300) {
    add_rate_limit_headers(exchange.reply, *admission);
  }
  return exchange;
}

Sandbox::Exchange Sandbox::rate_limited(const Admission& admission) const {
  Reply reply = error_reply(ApiError(
      429, "RATE_LIMITED",
      fmt::format("Too many requests for the endpoint set {}; retry in {} s.", admission.set_id,
                  admission.verdict.retry_after)));
  if (options_.rate_limit_headers) {
    reply.headers.emplace_back("Retry-After", std::to_string(admission.verdict.retry_after));
  }
  add_rate_limit_headers(reply, admission);
  Exchange exchange{std::move(reply), 429};
  exchange.rate_limited_by = admission.set_id;
  return exchange;
}

void Sandbox::add_rate_limit_headers(Reply& reply, const Admission& admission) const {
  if (!options_.rate_limit_headers) return;
  reply.headers.emplace_back("RateLimit-Limit", std::to_string(admission.limit));
  reply.headers.emplace_back("RateLimit-Remaining", std::to_string(admission.verdict.remaining));
}

// The token endpoint authenticates the client itself; only a request with valid client
// credentials can meet a fault.
Sandbox::Exchange Sandbox::token_exchange(const httplib::Request& request) {
  auto serve = [&]() -> Exchange {
    Reply reply = token_request(request);
    return {reply, reply.status};
  };
  const auto client = parse_basic_authorization(request.get_header_value("Authorization"));
  bool authenticated = false;
  if (client) {
    std::lock_guard lock(state_mutex_);
    const ServiceAccount* account = state_.find_service_account(client->user);
    authenticated = account && account->accepts(client->password, utc_now());
  }
  return authenticated ? unless_faulted(request, serve) : serve();
}

std::optional<Reply> Sandbox::authenticate(const httplib::Request& request, const Family& family,
                                           Principal& principal) {
  if (auto token = parse_bearer_authorization(request.get_header_value("Authorization"))) {
    if (family.versioned) return authenticate_bearer(*token, principal);
    return digest_challenge(
        false, "Service account tokens are not accepted by this API; use HTTP digest.");
  }
  return authenticate_digest(request, principal);
}

// No digest challenge here: the client chose OAuth and must renew its token, not switch schemes.
std::optional<Reply> Sandbox::authenticate_bearer(const std::string& token, Principal& principal) {
  auto client = tokens_.client_of(token);
  if (client) {
    // A deleted account's tokens die with it; its deleted or expired secrets' tokens live on
    // until they expire, as the token was valid when issued.
    std::lock_guard lock(state_mutex_);
    if (!state_.find_service_account(*client)) client.reset();
  }
  if (!client) {
    return unauthorized("The access token is unknown or expired.",
                        R"(Bearer realm="MMS Public API", error="invalid_token")");
  }
  principal = Principal{Principal::Kind::service_account, *client};
  return std::nullopt;
}

// The 401 details go beyond what Atlas says: the sandbox exists to tell a client's author what
// the client did wrong.
std::optional<Reply> Sandbox::authenticate_digest(const httplib::Request& request,
                                                  Principal& principal) {
  const std::string header = request.get_header_value("Authorization");
  auto credentials = parse_digest_authorization(header);
  if (!credentials) {
    return digest_challenge(
        false, header.empty() ? std::string(not_authorized) : std::string(malformed_digest));
  }
  credentials->uri = digest_uri(credentials->uri, request.target);
  const auto verdict = digest_.verify(*credentials, request.method, request.target,
                                      password_of(credentials->username));
  if (verdict != DigestVerdict::accepted) {
    return digest_challenge(verdict == DigestVerdict::stale, std::string(describe(verdict)));
  }
  if (options_.stale_nonces) {
    return digest_challenge(
        true, "The nonce is stale (keyform-sandbox --stale-nonces: every nonce is).");
  }
  principal = Principal{Principal::Kind::api_key, credentials->username};
  return std::nullopt;
}

Reply Sandbox::digest_challenge(bool stale, const std::string& detail) {
  return unauthorized(detail, digest_.challenge(stale));
}

std::optional<std::string> Sandbox::password_of(const std::string& public_key) {
  std::lock_guard lock(state_mutex_);
  const ApiKey* key = state_.find_key_by_public_key(public_key);
  return key ? std::optional<std::string>(key->private_key) : std::nullopt;
}

Sandbox::Exchange Sandbox::respond(const httplib::Request& request, const Family& family,
                                   const Principal& principal) {
  try {
    {
      // Before anything else, as Atlas checks the address when it authenticates.
      std::lock_guard lock(state_mutex_);
      require_allowed_address(state_, principal, request.remote_addr);
    }
    const std::string_view rest = api_rest(request, family);
    if (is_rate_limits_request(family, rest)) {
      if (!options_.rate_limits_listed) {
        throw ApiError(404, "RESOURCE_NOT_FOUND",
                       fmt::format("Cannot find resource {}{}.", family.base_path, rest));
      }
      Reply reply = rate_limits_reply(
          rate_limiter_.sets(), RateLimitsRequest{family, request.method, rest,
                                                  request.get_header_value("Accept"),
                                                  request.params, self_href(request)});
      const int status = reply.status;
      return {std::move(reply), status};
    }
    check_media_types(family, request.get_header_value("Accept"),
                      request.get_header_value("Content-Type"), !request.body.empty());
    const Route route = match_route(family, request.method, rest);
    if (is_service_account_operation(route.operation)) {
      check_service_account_media_types(family, request.get_header_value("Accept"),
                                        request.get_header_value("Content-Type"),
                                        !request.body.empty());
    }
    const Query query = parse_query(request.params, family, route.operation);
    const std::string href = self_href(request);
    const std::optional<ListingMode> mode = listing_mode(route, query);
    std::lock_guard lock(state_mutex_);
    Reply reply = execute(state_, Call{family, route, query, request.body, href, principal, mode,
                                       request.remote_addr});
    const int status = reply.status;
    std::string created = created_key_id(route, reply);
    return {std::move(reply), status, mode.has_value(), false, std::move(created)};
  } catch (const ApiError& error) {
    Reply reply = error_reply(error);
    const int status = reply.status;
    return {std::move(reply), status};
  }
}

std::optional<ListingMode> Sandbox::listing_mode(const Route& route, const Query& query) {
  if (!is_listing(route.operation)) return std::nullopt;
  return listing_faults_.take(listing_of(route.operation), query.page.page_num);
}

Reply Sandbox::token_request(const httplib::Request& request) {
  auto client_is_valid = [this](const BasicCredentials& client) {
    std::lock_guard lock(state_mutex_);
    const ServiceAccount* account = state_.find_service_account(client.user);
    return account && account->accepts(client.password, utc_now());
  };
  TokenRequest token_request{request.method, request.get_header_value("Authorization"),
                             request.get_header_value("Content-Type"), request.body};
  return token_endpoint(token_request, client_is_valid, tokens_);
}

LoggedRequest Sandbox::log_entry(const httplib::Request& request) const {
  const std::string& target = request.target;
  const std::size_t question = target.find('?');
  const std::string authorization = request.get_header_value("Authorization");
  LoggedRequest entry;
  entry.method = request.method;
  entry.path = target.substr(0, question);
  entry.query = question == std::string::npos ? "" : target.substr(question + 1);
  entry.auth = auth_scheme(authorization);
  entry.connection = fmt::format("{}:{}", request.remote_addr, request.remote_port);
  entry.user = claimed_user(authorization);
  entry.accept = request.get_header_value("Accept");
  entry.content_type = request.get_header_value("Content-Type");
  return entry;
}

// Who the client says it is; for a token, whom it was issued to. Never the secret part.
std::string Sandbox::claimed_user(const std::string& authorization) const {
  if (auto digest = parse_digest_authorization(authorization)) return digest->username;
  if (auto basic = parse_basic_authorization(authorization)) return basic->user;
  if (auto token = parse_bearer_authorization(authorization)) {
    return tokens_.client_of(*token).value_or("");
  }
  return "";
}

}  // namespace keyform::sandbox
