// Admin API base URLs: checked the same way whether they come from the config or the
// environment, before any request is made.
#pragma once

#include <string_view>

namespace keyform {

enum class BaseUrlCheck {
  ok,
  malformed,  // not exactly scheme://host[:port][/path]
  insecure,   // not https, and not plain http to a loopback host
};

BaseUrlCheck check_base_url(std::string_view url);

}  // namespace keyform
