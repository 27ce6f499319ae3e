// RFC 3339 timestamps as the Admin API writes them ("2026-12-01T10:00:00Z", optionally with
// fractional seconds or a numeric offset), to and from Unix seconds. Pure; no locale, no time zone
// database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace keyform {

// Unix seconds (UTC) of `text`, or nothing when it is not a valid RFC 3339 date-time.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

// "2026-12-01T10:00:00Z".
std::string format_rfc3339(std::int64_t unix_seconds);

}  // namespace keyform
