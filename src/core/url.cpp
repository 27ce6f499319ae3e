#include "core/url.h"

#include <optional>
#include <string>

#include "core/text.h"

namespace keyform {
namespace {

struct UrlParts {
  std::string scheme;  // lowercased
  std::string host;    // lowercased; an IPv6 literal keeps its brackets
};

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

bool is_valid_port(std::string_view port) {
  if (!is_digits(port) || port.size() > 5) return false;
  int value = std::stoi(std::string(port));
  return value >= 1 && value <= 65535;
}

// Splits "host[:port]" where host may be an IPv6 literal in brackets.
bool split_authority(std::string_view authority, UrlParts& parts) {
  std::size_t host_end = 0;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    std::string_view inner = authority.substr(1, close - 1);
    if (!std::all_of(inner.begin(), inner.end(),
                     [](char c) { return is_hex_digit(c) || c == ':' || c == '.'; })) {
      return false;
    }
    host_end = close + 1;
  } else {
    host_end = std::min(authority.find(':'), authority.size());
    if (host_end == 0) return false;
    if (!std::all_of(authority.begin(), authority.begin() + host_end, is_host_char)) return false;
  }
  parts.host = lowercase(authority.substr(0, host_end));
  std::string_view rest = authority.substr(host_end);
  if (rest.empty()) return true;
  return rest.front() == ':' && is_valid_port(rest.substr(1));
}

// Accepts exactly scheme://host[:port][/path]: no credentials, query or fragment, which would
// all break when keyform appends API paths to the base.
std::optional<UrlParts> split_url(std::string_view url) {
  if (std::any_of(url.begin(), url.end(), [](char c) {
        return is_space(static_cast<unsigned char>(c)) || c == '?' || c == '#' || c == '@' ||
               static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
      })) {
    return std::nullopt;
  }
  std::size_t separator = url.find("://");
  if (separator == std::string_view::npos || separator == 0) return std::nullopt;
  std::string_view scheme = url.substr(0, separator);
  if (!std::all_of(scheme.begin(), scheme.end(),
                   [](char c) { return is_host_char(c) || c == '+'; })) {
    return std::nullopt;
  }
  UrlParts parts;
  parts.scheme = lowercase(scheme);
  std::string_view rest = url.substr(separator + 3);
  if (!split_authority(rest.substr(0, rest.find('/')), parts)) return std::nullopt;
  return parts;
}

bool is_loopback_ipv4(std::string_view host) {
  int octets = 0;
  std::size_t start = 0;
  while (start <= host.size()) {
    std::size_t end = std::min(host.find('.', start), host.size());
    std::string_view octet = host.substr(start, end - start);
    if (!is_digits(octet) || octet.size() > 3 || std::stoi(std::string(octet)) > 255) return false;
    if (octets == 0 && octet != "127") return false;
    ++octets;
    start = end + 1;
  }
  return octets == 4;
}

bool is_loopback_host(std::string_view host) {
  return host == "localhost" || host == "[::1]" || is_loopback_ipv4(host);
}

}  // namespace

BaseUrlCheck check_base_url(std::string_view url) {
  std::optional<UrlParts> parts = split_url(url);
  if (!parts) return BaseUrlCheck::malformed;
  const bool secure = parts->scheme == "https" || (parts->scheme == "http" && is_loopback_host(parts->host));
  return secure ? BaseUrlCheck::ok : BaseUrlCheck::insecure;
}

}  // namespace keyform
