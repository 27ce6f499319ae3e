#include "sandbox/timestamps.h"

#include <algorithm>
#include <ctime>

namespace keyform::sandbox {
namespace {

int number(std::string_view text, std::size_t at, std::size_t length) {
  int value = 0;
  for (std::size_t i = at; i < at + length; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

}  // namespace

bool is_utc_timestamp(std::string_view text) {
  constexpr std::string_view shape = "dddd-dd-ddTdd:dd:ddZ";
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (shape[i] == 'd' ? !digit : text[i] != shape[i]) return false;
  }
  const int month = number(text, 5, 2);
  const int day = number(text, 8, 2);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && number(text, 11, 2) < 24 &&
         number(text, 14, 2) < 60 && number(text, 17, 2) < 60;
}

std::string utc_timestamp(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace keyform::sandbox
