// What the sandbox answers, before it becomes HTTP: status, optional JSON body, headers. Also the
// Admin API's error body and the ?envelope=true / ?pretty=true transformations.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyform::sandbox {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Reply {
  int status = 200;
  std::optional<nlohmann::json> body;  // nullopt: no body at all (204; public v1.0 DELETE)
  std::string content_type = "application/json";
  Headers headers;
  bool pretty = false;  // ?pretty=true: indented JSON
  std::optional<std::string> raw_body{};  // sent as is instead of `body` (injected faults' bodies)
  // Bytes of whitespace sent before the body's last character (listing fault "huge"): the body
  // stays valid JSON. The server streams them, so they never exist in memory.
  std::size_t padding = 0;
};

// An Admin API error. Thrown from deep inside request handling; the server turns it into a Reply.
struct ApiError : std::runtime_error {
  ApiError(int status, std::string code, const std::string& detail,
           std::vector<std::string> parameters = {}, Headers headers = {});
  int status;
  std::string code;
  std::vector<std::string> parameters;
  Headers headers;  // e.g. Allow on 405
};

std::string_view reason_phrase(int status);

// {"detail":…,"error":404,"errorCode":"API_KEY_NOT_FOUND","parameters":[],"reason":"Not Found"}
// as application/json, whatever the family.
Reply error_reply(const ApiError& error);

// ?envelope=true: HTTP 200; a list gets "status" next to "results", anything else (single object,
// error, empty body) becomes {"status": real status, "content": body or {}}.
Reply envelope(Reply reply);

// The body text: raw_body when set, else `body` dumped ("" when there is none). Without padding.
std::string render_body(const Reply& reply);

}  // namespace keyform::sandbox
