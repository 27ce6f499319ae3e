#include "api/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <charconv>
#include <string_view>

#include "core/escape.h"
#include "util/secret.h"

namespace keyform {

struct HttpClient::Handle {
  CURL* curl = curl_easy_init();
  ~Handle() { curl_easy_cleanup(curl); }
};

namespace {

// What one send() needs from libcurl's callbacks.
struct Transfer {
  HttpResponse* response;
  size_t max_body = kMaxBodyBytes;
  const std::string* body = nullptr;  // the request body, read by read_body
  size_t sent = 0;
  bool answered = false;   // a status line arrived since the body was last sent
  int unauthorized = 0;    // 401 answers seen in this call
  bool stale_again = false;  // cut off at a second 401 stale=true
  bool too_large = false;    // cut off at max_body
};

std::string lower_case(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// Appends like std::string::append, but wipes each buffer it outgrows: a body may carry a created
// key's private key, and a reallocation would leave a copy of it in freed memory.
void append_wiping(std::string& body, const char* data, size_t size) {
  if (body.size() + size > body.capacity()) {
    std::string bigger;
    bigger.reserve(std::max(body.capacity() * 2, body.size() + size));
    bigger.append(body);
    wipe(body);
    body.swap(bigger);
  }
  body.append(data, size);
}

size_t append_body(char* data, size_t size, size_t count, void* out) {
  auto& transfer = *static_cast<Transfer*>(out);
  std::string& body = transfer.response->body;
  if (size * count > transfer.max_body - body.size()) {
    transfer.too_large = true;
    return 0;  // any other count than given aborts the transfer
  }
  append_wiping(body, data, size * count);
  return size * count;
}

// "HTTP/1.1 401 Unauthorized" -> 401; 0 when there is no number.
long status_of(std::string_view line) {
  const size_t space = line.find(' ');
  long status = 0;
  if (space != std::string_view::npos) std::from_chars(line.data() + space + 1, line.data() + line.size(), status);
  return status;
}

// The value of header `name` ("retry-after:", lower case) when `line` is that header and its
// value a non-negative integer.
std::optional<long> numeric_header(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || lower_case(line.substr(0, name.size())) != name) return std::nullopt;
  long seconds = -1;
  std::string_view value = line.substr(name.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || seconds < 0) return std::nullopt;
  return seconds;
}

bool is_stale_challenge(std::string_view line) {
  const std::string lower = lower_case(line);
  return lower.starts_with("www-authenticate:") &&
         (lower.find("stale=true") != std::string::npos || lower.find("stale=\"true\"") != std::string::npos);
}

// Keeps only what keyform uses from response headers: a numeric Retry-After and
// RateLimit-Remaining, whether any answer arrived at all, and the digest challenges. libcurl
// answers a 401 stale=true with the new nonce inside one perform, and again, and again, for as
// long as the server keeps saying so: one such answer is normal (a nonce expired), a second one
// ends the call here.
size_t read_header(char* data, size_t size, size_t count, void* out) {
  auto& transfer = *static_cast<Transfer*>(out);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    transfer.answered = true;
    // Each answer of the perform starts afresh: only the last one is the response.
    transfer.response->body.clear();
    transfer.response->retry_after_seconds.reset();
    transfer.response->rate_limit_remaining.reset();
    if (status_of(line) == 401) ++transfer.unauthorized;
    return size * count;
  }
  if (transfer.unauthorized >= 2 && is_stale_challenge(line)) {
    transfer.stale_again = true;
    return 0;  // aborts the transfer
  }
  if (auto seconds = numeric_header(line, "retry-after:")) transfer.response->retry_after_seconds = seconds;
  if (auto left = numeric_header(line, "ratelimit-remaining:")) transfer.response->rate_limit_remaining = left;
  return size * count;
}

size_t read_body(char* buffer, size_t size, size_t count, void* in) {
  auto& transfer = *static_cast<Transfer*>(in);
  if (transfer.sent == 0) transfer.answered = false;  // this body is being sent: no answer to it yet
  const size_t n = std::min(size * count, transfer.body->size() - transfer.sent);
  std::memcpy(buffer, transfer.body->data() + transfer.sent, n);
  transfer.sent += n;
  return n;
}

// libcurl rewinds a body to answer an auth challenge (fine: the server answered, nothing was
// done) and also, silently, to resend a request whose reused connection died with no answer.
// The second may repeat a write that already happened, so it is refused: the call then fails
// as "no answer" and keyform checks what took effect before repeating anything.
int rewind_body(void* in, curl_off_t offset, int origin) {
  auto& transfer = *static_cast<Transfer*>(in);
  if (!transfer.answered || offset != 0 || origin != SEEK_SET) return CURL_SEEKFUNC_FAIL;
  transfer.sent = 0;
  return CURL_SEEKFUNC_OK;
}

// libcurl's debug callback: header lines only, each passed through redact_header_line.
int trace_headers(CURL*, curl_infotype type, char* data, size_t size, void* sink) {
  if (type != CURLINFO_HEADER_OUT && type != CURLINFO_HEADER_IN) return 0;
  const char* prefix = type == CURLINFO_HEADER_OUT ? "> " : "< ";
  std::string_view text(data, size);
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) (*static_cast<std::function<void(const std::string&)>*>(sink))(prefix + redact_header_line(line));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return 0;
}

struct HeaderList {
  curl_slist* list = nullptr;
  void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
  ~HeaderList() { curl_slist_free_all(list); }
};

void set_method(CURL* curl, const HttpRequest& request, Transfer& transfer) {
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);
  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, nullptr);
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    return;
  }
  if (request.body) {
    transfer.body = &*request.body;
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, rewind_body);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, &transfer);
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);  // no body
  }
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
}

// "64 MiB", or bytes when the cap is no whole number of MiB (tests use small caps).
std::string size_text(size_t bytes) {
  constexpr size_t mib = size_t{1} << 20;
  if (bytes >= mib && bytes % mib == 0) return std::to_string(bytes / mib) + " MiB";
  return std::to_string(bytes) + " bytes";
}

// For a TLS failure that no retry can cure, the hint the user needs; nullptr for every other
// failure (a handshake cut short by a dropped connection is worth another try).
const char* tls_failure_hint(CURL* curl, CURLcode code) {
  constexpr const char* untrusted =
      "(the server's certificate is not trusted: use --cacert FILE or SSL_CERT_FILE for a private CA)";
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return untrusted;
    case CURLE_SSL_CACERT_BADFILE:
      return "(the trusted CA file cannot be read: check --cacert FILE or SSL_CERT_FILE)";
    case CURLE_SSL_CERTPROBLEM:
      return "(a local TLS certificate cannot be used)";
    case CURLE_SSL_CONNECT_ERROR: {
      long verify = 0;  // the X.509 verification result; 0 means verified or never got that far
      curl_easy_getinfo(curl, CURLINFO_SSL_VERIFYRESULT, &verify);
      return verify != 0 ? untrusted : nullptr;
    }
    default:
      return nullptr;
  }
}

void set_login(CURL* curl, long method, const std::string& user, const std::string& password) {
  // libcurl copies these strings; keyform keeps no other copy inside the client.
  curl_easy_setopt(curl, CURLOPT_HTTPAUTH, method);
  curl_easy_setopt(curl, CURLOPT_USERNAME, user.c_str());
  curl_easy_setopt(curl, CURLOPT_PASSWORD, password.c_str());
}

}  // namespace

std::string redact_header_line(std::string_view line) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return std::string(line);
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "authorization" || name == "proxy-authorization" || name == "cookie" || name == "set-cookie") {
    return std::string(line.substr(0, colon)) + ": [redacted]";
  }
  return std::string(line);
}

HttpClient::HttpClient(std::string base_url, HttpOptions options)
    : handle_(std::make_unique<Handle>()), base_url_(std::move(base_url)), options_(std::move(options)) {
  if (!handle_->curl) throw TransportError("cannot initialise libcurl");
  CURL* curl = handle_->curl;
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "keyform/" KEYFORM_VERSION);
  // Timeouts are set per call from the caller's budget (send).
  // keyform never follows redirects, but libcurl counts its own auth round trips against this
  // (and its default is no limit): a backstop behind read_header's stale-nonce cut-off.
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 4L);
  // A declared size over the cap fails before the body is read; the write callback catches the rest.
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_body_bytes));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_header);
  // Certificate and host verification stay on (libcurl's defaults); only the trusted CAs can change.
  if (!options_.ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle.c_str());
  if (options_.trace) {
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, trace_headers);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &options_.trace);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
  }
}

HttpClient::~HttpClient() = default;

void HttpClient::use_digest(const std::string& user, const std::string& password) {
  set_login(handle_->curl, CURLAUTH_DIGEST, user, password);
}

void HttpClient::use_basic(const std::string& user, const std::string& password) {
  set_login(handle_->curl, CURLAUTH_BASIC, user, password);
}

HttpResponse HttpClient::send(const HttpRequest& request, std::chrono::milliseconds timeout) {
  CURL* curl = handle_->curl;
  HttpResponse response;
  HeaderList headers;
  for (const auto& h : request.headers) headers.add(h);
  headers.add("Expect:");  // no 100-continue round trip for small bodies

  const std::string url = base_url_ + request.path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
  // 0 would mean "no limit" to libcurl: a spent budget still gets a millisecond, never forever.
  const long budget_ms = std::max<long>(1, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, budget_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, std::min<long>(budget_ms, kMaxConnectTimeout.count()));
  Transfer transfer{&response};
  transfer.max_body = options_.max_body_bytes;
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  set_method(curl, request, transfer);

  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  if (transfer.stale_again) return HttpResponse{401, "", std::nullopt, true};
  if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    throw BodyTooLarge("response body larger than " + size_text(options_.max_body_bytes));
  }
  if (code == CURLE_SEND_FAIL_REWIND) throw TransportError("the connection closed before an answer came");
  if (code != CURLE_OK) {
    // libcurl's reason may quote what a server or proxy sent: escaped like any API string.
    std::string reason = escape_text(*error ? std::string(error) : std::string(curl_easy_strerror(code)));
    if (const char* hint = tls_failure_hint(curl, code)) throw TransportError(reason + " " + hint, false);
    throw TransportError(reason);
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace keyform
