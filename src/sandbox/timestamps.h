// Timestamps as the Admin API writes them: RFC 3339 in UTC with whole seconds,
// "2024-01-01T00:00:00Z". In that one shape, text order is time order, so expiry checks compare
// strings and the sandbox needs no date arithmetic beyond "now plus some hours".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace keyform::sandbox {

// "YYYY-MM-DDTHH:MM:SSZ" with a plausible month, day, hour, minute and second.
bool is_utc_timestamp(std::string_view text);

std::string utc_timestamp(std::chrono::system_clock::time_point when);

inline std::string utc_now() { return utc_timestamp(std::chrono::system_clock::now()); }

}  // namespace keyform::sandbox
