#include "core/ids.h"

#include <algorithm>

namespace keyform {

bool is_object_id(std::string_view text) {
  return text.size() == 24 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_project_role(std::string_view text) {
  constexpr std::string_view prefix = "GROUP_";
  if (text.size() <= prefix.size() || text.substr(0, prefix.size()) != prefix) return false;
  return std::all_of(text.begin() + prefix.size(), text.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
}

}  // namespace keyform

namespace keyform {

namespace {
bool is_loopback_host(std::string_view host) {
  return host == "localhost" || host == "[::1]" || host.substr(0, 4) == "127.";
}
}  // namespace

std::optional<std::string> base_url_problem(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "base_url must look like https://host[:port]";
  const std::string_view scheme = url.substr(0, scheme_end);
  std::string_view rest = url.substr(scheme_end + 3);
  std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.empty() || authority.find_first_of("@?# \t") != std::string_view::npos) {
    return "base_url must look like https://host[:port] (no credentials, query or spaces)";
  }
  std::string_view host = authority;
  if (host.front() == '[') {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  if (scheme == "https") return std::nullopt;
  if (scheme == "http" && is_loopback_host(host)) return std::nullopt;
  return "base_url must use https (plain http is accepted only for loopback hosts)";
}

}  // namespace keyform
