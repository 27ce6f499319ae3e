#include "sandbox/digest.h"

#include "sandbox/random.h"
#include "sandbox/text.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <stdexcept>

namespace keyform::sandbox {
namespace {

void skip_separators(std::string_view text, std::size_t& pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == ',')) ++pos;
}

// A quoted-string with backslash escapes; `pos` is on the opening quote.
std::optional<std::string> read_quoted(std::string_view text, std::size_t& pos) {
  std::string value;
  for (++pos; pos < text.size(); ++pos) {
    if (text[pos] == '"') {
      ++pos;
      return value;
    }
    if (text[pos] == '\\' && pos + 1 < text.size()) ++pos;
    value += text[pos];
  }
  return std::nullopt;  // unterminated
}

std::string read_token(std::string_view text, std::size_t& pos) {
  std::size_t end = text.find(',', pos);
  if (end == std::string_view::npos) end = text.size();
  std::string_view token = trim(text.substr(pos, end - pos));
  pos = end;
  return std::string(token);
}

// "k1=v1, k2="v 2"" -> {k1: v1, k2: v 2}; names lowercased. nullopt on syntax errors or duplicates.
std::optional<std::map<std::string, std::string>> parse_params(std::string_view text) {
  std::map<std::string, std::string> params;
  std::size_t pos = 0;
  for (skip_separators(text, pos); pos < text.size(); skip_separators(text, pos)) {
    std::size_t eq = text.find('=', pos);
    if (eq == std::string_view::npos) return std::nullopt;
    std::string name(trim(text.substr(pos, eq - pos)));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    for (pos = eq + 1; pos < text.size() && (text[pos] == ' ' || text[pos] == '\t');) ++pos;
    auto value =
        pos < text.size() && text[pos] == '"' ? read_quoted(text, pos) : read_token(text, pos);
    if (!value || name.empty() || params.count(name)) return std::nullopt;
    params[name] = *value;
  }
  return params;
}

// RFC 7616: exactly 8 hex digits, counting from 1.
std::optional<std::uint64_t> parse_nc(std::string_view nc) {
  std::uint64_t value = 0;
  if (nc.size() != 8) return std::nullopt;
  auto [end, error] = std::from_chars(nc.data(), nc.data() + nc.size(), value, 16);
  if (error != std::errc() || end != nc.data() + nc.size() || value == 0) return std::nullopt;
  return value;
}

}  // namespace

std::string md5_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr) != 1) {
    throw std::runtime_error("EVP_Digest(MD5) failed");
  }
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::optional<DigestCredentials> parse_digest_authorization(std::string_view header) {
  constexpr std::string_view scheme = "Digest ";
  if (!istarts_with(header, scheme)) return std::nullopt;
  auto params = parse_params(header.substr(scheme.size()));
  if (!params) return std::nullopt;
  auto field = [&](const char* name) {
    return params->count(name) ? params->at(name) : std::string();
  };
  DigestCredentials c{field("username"), field("realm"),    field("nonce"),
                      field("uri"),      field("response"), field("qop"),
                      field("nc"),       field("cnonce"),   field("algorithm")};
  for (const std::string* required :
       {&c.username, &c.realm, &c.nonce, &c.uri, &c.response, &c.qop, &c.nc, &c.cnonce}) {
    if (required->empty()) return std::nullopt;
  }
  return c;
}

std::string digest_response(const DigestCredentials& c, std::string_view password,
                            std::string_view method) {
  std::string ha1 = md5_hex(fmt::format("{}:{}:{}", c.username, c.realm, password));
  std::string ha2 = md5_hex(fmt::format("{}:{}", method, c.uri));
  return md5_hex(fmt::format("{}:{}:{}:{}:{}:{}", ha1, c.nonce, c.nc, c.cnonce, c.qop, ha2));
}

std::string_view describe(DigestVerdict verdict) {
  switch (verdict) {
    case DigestVerdict::accepted: return "Accepted.";
    case DigestVerdict::stale: return "The digest nonce has expired; answer the new challenge.";
    case DigestVerdict::bad_credentials: return "You are not authorized for this resource.";
    case DigestVerdict::unsupported:
      return "The digest answer must use realm \"MMS Public API\", qop=auth, MD5 and an 8-digit "
             "hex nc.";
    case DigestVerdict::wrong_uri: return "The digest uri does not match the request target.";
    case DigestVerdict::unknown_nonce: return "The digest nonce was not issued by this server.";
    case DigestVerdict::replayed:
      return "The digest nc must be greater than the last one sent with this nonce.";
  }
  return "You are not authorized for this resource.";
}

std::string DigestAuth::challenge(bool stale, Clock::time_point now) {
  std::string nonce = random_hex(16);
  {
    std::lock_guard lock(mutex_);
    forget_long_expired(now);
    nonces_[nonce] = NonceState{now, 0};
  }
  return fmt::format(
      R"(Digest realm="{}", domain="", nonce="{}", algorithm=MD5, qop="auth", stale={})",
      digest_realm, nonce, stale ? "true" : "false");
}

DigestVerdict DigestAuth::verify(const DigestCredentials& c, std::string_view method,
                                 std::string_view target,
                                 const std::optional<std::string>& password,
                                 Clock::time_point now) {
  const bool as_challenged = c.realm == digest_realm && c.qop == "auth" &&
                             (c.algorithm.empty() || iequals(c.algorithm, "MD5"));
  auto nc = parse_nc(c.nc);
  if (!as_challenged || !nc) return DigestVerdict::unsupported;
  // The hash covers `uri`; unless it is this request's target, a captured answer could be
  // replayed against another resource.
  if (c.uri != target) return DigestVerdict::wrong_uri;
  if (!password || !iequals(digest_response(c, *password, method), c.response)) {
    return DigestVerdict::bad_credentials;
  }
  // Only now is the nonce looked at: stale=true promises the client that its credentials were
  // right.
  return use_nonce(c.nonce, *nc, now);
}

DigestVerdict DigestAuth::use_nonce(const std::string& nonce, std::uint64_t nc,
                                    Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = nonces_.find(nonce);
  if (it == nonces_.end()) return DigestVerdict::unknown_nonce;
  if (now - it->second.issued > nonce_ttl_) return DigestVerdict::stale;
  if (nc <= it->second.last_nc) return DigestVerdict::replayed;
  it->second.last_nc = nc;
  return DigestVerdict::accepted;
}

// Keeps the table bounded for a long-running sandbox. Nonces stay known (answered as stale) for a
// while after they expire, so a client that held one gets stale=true rather than a bare rejection.
void DigestAuth::forget_long_expired(Clock::time_point now) {
  constexpr std::size_t soft_limit = 10000;
  if (nonces_.size() < soft_limit) return;
  std::erase_if(nonces_,
                [&](const auto& entry) { return now - entry.second.issued > 2 * nonce_ttl_; });
}

}  // namespace keyform::sandbox
