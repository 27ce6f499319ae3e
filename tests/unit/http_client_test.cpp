#include "api/http_client.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace keyform_test_http_client {

using namespace keyform;
using std::chrono::milliseconds;

TEST_CASE("traced header lines never carry credentials") {
  CHECK(redact_header_line("Authorization: Digest username=\"abcdefgh\", response=\"0a1b\"") == "Authorization: [redacted]");
  CHECK(redact_header_line("authorization: Bearer eyJhbGciOi") == "authorization: [redacted]");
  CHECK(redact_header_line("Proxy-Authorization: Basic dXNlcjpwYXNz") == "Proxy-Authorization: [redacted]");
  CHECK(redact_header_line("Set-Cookie: session=abc") == "Set-Cookie: [redacted]");
  CHECK(redact_header_line("Accept: application/json") == "Accept: application/json");
  CHECK(redact_header_line("GET /api/atlas/v2/orgs HTTP/1.1") == "GET /api/atlas/v2/orgs HTTP/1.1");
}

namespace {

// A loopback HTTP server; `answer` gets the request's number (from 1). A handler may wait on
// `until_stopped` so that a slow answer never holds up the test's end.
class LocalServer {
 public:
  using Answer = std::function<void(int, const httplib::Request&, httplib::Response&, LocalServer&)>;
  explicit LocalServer(Answer answer) : answer_(std::move(answer)) {
    server_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) { answer_(++requests_, req, res, *this); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(milliseconds(1));
  }
  ~LocalServer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    stopped_.notify_all();
    server_.stop();
    thread_.join();
  }
  void until_stopped(milliseconds at_most) {
    std::unique_lock lock(mutex_);
    stopped_.wait_for(lock, at_most, [&] { return stopping_; });
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }

 private:
  Answer answer_;
  httplib::Server server_;
  std::atomic<int> requests_{0};
  std::mutex mutex_;
  std::condition_variable stopped_;
  bool stopping_ = false;
  std::thread thread_;
  int port_ = 0;
};

const HttpRequest kGet{"GET", "/x", std::nullopt, {}};

void challenge(httplib::Response& res, int nonce, bool stale) {
  res.status = 401;
  res.set_header("WWW-Authenticate", "Digest realm=\"MMS Public API\", domain=\"\", nonce=\"n" + std::to_string(nonce) +
                                         "\", algorithm=MD5, qop=\"auth\", stale=" + (stale ? "true" : "false"));
  res.set_content(R"({"error":401,"errorCode":"UNAUTHORIZED"})", "application/json");
}

}  // namespace

TEST_CASE("http: one call is bounded by its timeout, however slow the server") {
  LocalServer server([](int, const httplib::Request&, httplib::Response& res, LocalServer& self) {
    self.until_stopped(milliseconds(4000));
    res.set_content("{}", "application/json");
  });
  HttpClient client(server.url());
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(client.send(kGet, milliseconds(500)), TransportError);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took >= milliseconds(450));
  CHECK(took < milliseconds(2500));
}

TEST_CASE("http: an expired nonce (401 stale=true) is answered within the call") {
  // 1: the first challenge; 2: answered; 3: the nonce expired; 4: the new nonce answered.
  LocalServer server([](int n, const httplib::Request& req, httplib::Response& res, LocalServer&) {
    if (n == 1 || n == 3) return challenge(res, n, n == 3);
    CHECK(req.has_header("Authorization"));
    res.set_content("ok" + std::to_string(n), "text/plain");
  });
  HttpClient client(server.url());
  client.use_digest("abcdefgh", "secret");
  CHECK(client.send(kGet, milliseconds(5000)).body == "ok2");
  const HttpResponse response = client.send(kGet, milliseconds(5000));
  CHECK(response.status == 200);
  CHECK(response.body == "ok4");  // no leftover of the 401's body
  CHECK_FALSE(response.stale_nonce);
  CHECK(server.requests() == 4);
}

TEST_CASE("http: a second 401 stale=true in one call ends it as a stale-nonce answer") {
  // libcurl alone answers every new nonce, without end, inside one call.
  LocalServer server([](int n, const httplib::Request&, httplib::Response& res, LocalServer&) { challenge(res, n, true); });
  HttpClient client(server.url());
  client.use_digest("abcdefgh", "secret");
  const auto start = std::chrono::steady_clock::now();
  const HttpResponse response = client.send(kGet, milliseconds(5000));
  CHECK(std::chrono::steady_clock::now() - start < milliseconds(2000));
  CHECK(response.status == 401);
  CHECK(response.stale_nonce);
  CHECK(server.requests() == 2);
}

TEST_CASE("http: bad credentials (401 stale=false after an answer) are an ordinary 401") {
  LocalServer server([](int n, const httplib::Request&, httplib::Response& res, LocalServer&) { challenge(res, n, false); });
  HttpClient client(server.url());
  client.use_digest("abcdefgh", "wrong");
  const HttpResponse response = client.send(kGet, milliseconds(5000));
  CHECK(response.status == 401);
  CHECK_FALSE(response.stale_nonce);
  CHECK(response.body.find("UNAUTHORIZED") != std::string::npos);
  CHECK(server.requests() == 2);
}

TEST_CASE("http: a response body over the cap is cut off while it arrives, and not retryable") {
  const std::string big(1000, 'x');
  SUBCASE("declared with Content-Length") {
    LocalServer server([&](int, const httplib::Request&, httplib::Response& res, LocalServer&) {
      res.set_content(big, "application/json");
    });
    HttpOptions options;
    options.max_body_bytes = 999;
    HttpClient client(server.url(), options);
    try {
      client.send(kGet);
      FAIL("the body should have been refused");
    } catch (const BodyTooLarge& e) {
      CHECK(std::string(e.what()) == "response body larger than 999 bytes");
      CHECK_FALSE(e.retryable);
    }
  }
  SUBCASE("chunked, with no declared length") {
    LocalServer server([&](int, const httplib::Request&, httplib::Response& res, LocalServer&) {
      res.set_chunked_content_provider("application/json", [&](size_t offset, httplib::DataSink& sink) {
        if (offset >= 100000) {
          sink.done();
          return true;
        }
        return sink.write(big.data(), big.size());
      });
    });
    HttpOptions options;
    options.max_body_bytes = 4096;
    HttpClient client(server.url(), options);
    CHECK_THROWS_WITH_AS(client.send(kGet), "response body larger than 4096 bytes", BodyTooLarge);
  }
  SUBCASE("the cap itself is accepted") {
    LocalServer server([&](int, const httplib::Request&, httplib::Response& res, LocalServer&) {
      res.set_content(big, "application/json");
    });
    HttpOptions options;
    options.max_body_bytes = 1000;
    HttpClient client(server.url(), options);
    CHECK(client.send(kGet).body == big);
  }
  CHECK(kMaxBodyBytes == 64u * 1024 * 1024);
}

// ---- TLS: a server whose certificate the client does not trust --------------------------------

namespace {

// A self-signed certificate for 127.0.0.1, made here: no openssl CLI, no files in the tree.
struct SelfSigned {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  SelfSigned() {
    REQUIRE(key);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
    X509_add_ext(cert, san, -1);
    X509_EXTENSION_free(san);
    REQUIRE(X509_sign(cert, key, EVP_sha256()) > 0);
  }
  ~SelfSigned() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  std::string pem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string text(data, static_cast<size_t>(size));
    BIO_free(bio);
    return text;
  }
};

// Accepts TCP connections on loopback, counts them, does the TLS handshake and answers 204.
class TlsServer {
 public:
  explicit TlsServer(const SelfSigned& identity) : ctx_(SSL_CTX_new(TLS_server_method())) {
    SSL_CTX_use_certificate(ctx_, identity.cert);
    SSL_CTX_use_PrivateKey(ctx_, identity.key);
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(bind(listener_, reinterpret_cast<sockaddr*>(&address), length) == 0);
    REQUIRE(listen(listener_, 16) == 0);
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~TlsServer() {
    stop_ = true;
    thread_.join();
    close(listener_);
    SSL_CTX_free(ctx_);
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }

 private:
  void serve() {
    while (!stop_) {
      pollfd ready{listener_, POLLIN, 0};
      if (poll(&ready, 1, 20) <= 0) continue;
      const int connection = accept(listener_, nullptr, nullptr);
      if (connection < 0) continue;
      ++connections_;
      SSL* ssl = SSL_new(ctx_);
      SSL_set_fd(ssl, connection);
      if (SSL_accept(ssl) == 1) {
        char request[4096];
        SSL_read(ssl, request, sizeof request);
        const std::string answer = "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        SSL_write(ssl, answer.data(), static_cast<int>(answer.size()));
        SSL_shutdown(ssl);
      }
      SSL_free(ssl);
      close(connection);
    }
  }

  SSL_CTX* ctx_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace

TEST_CASE("http: an untrusted certificate fails at once, not retryable, with the --cacert hint") {
  SelfSigned identity;
  TlsServer server(identity);
  {
    HttpClient client(server.url());
    try {
      client.send(kGet, milliseconds(5000));
      FAIL("the certificate should not have been trusted");
    } catch (const TransportError& e) {
      INFO(e.what());
      CHECK_FALSE(e.retryable);
      CHECK(std::string(e.what()).find("certificate") != std::string::npos);  // libcurl's reason
      CHECK(std::string(e.what()).ends_with(
          "(the server's certificate is not trusted: use --cacert FILE or SSL_CERT_FILE for a private CA)"));
    }
  }
  CHECK(server.connections() == 1);
  // The control: trusting that certificate, the same server answers.
  const std::filesystem::path ca = std::filesystem::temp_directory_path() / ("keyform-test-ca-" + std::to_string(getpid()) + ".pem");
  std::ofstream(ca) << identity.pem();
  HttpOptions options;
  options.ca_bundle = ca.string();
  HttpClient trusting(server.url(), options);
  CHECK(trusting.send(kGet, milliseconds(5000)).status == 204);
  std::filesystem::remove(ca);
}

TEST_CASE("http: a CA file that cannot be read fails at once, naming --cacert") {
  SelfSigned identity;
  TlsServer server(identity);
  HttpOptions options;
  options.ca_bundle = "/nonexistent/keyform-ca.pem";
  HttpClient client(server.url(), options);
  try {
    client.send(kGet, milliseconds(5000));
    FAIL("a missing CA file should fail");
  } catch (const TransportError& e) {
    INFO(e.what());
    CHECK_FALSE(e.retryable);
    CHECK(std::string(e.what()).find("--cacert") != std::string::npos);
  }
}

}  // namespace keyform_test_http_client
