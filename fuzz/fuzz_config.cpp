// libFuzzer target: keyform.toml text -> parse_config. Besides crashes and sanitizer reports, it
// checks parse_config's contract: a Config exactly when there is no error, and every error at a
// FILE:LINE:COLUMN inside the text. See fuzz/run.sh.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const keyform::ConfigParseResult result = keyform::parse_config(text, "fuzz.toml");
  if (result.config.has_value() == !result.errors.empty()) {
    std::fprintf(stderr, "parse_config: a config and errors, or neither\n");
    std::abort();
  }
  const long lines = 1 + std::count(text.begin(), text.end(), '\n');
  for (const keyform::ConfigError& error : result.errors) {
    if (error.pos.line < 1 || error.pos.line > lines || error.pos.column < 1 || error.message.empty()) {
      std::fprintf(stderr, "parse_config: error without a position inside the text: %s\n",
                   keyform::format_error(error).c_str());
      std::abort();
    }
  }
  return 0;
}
