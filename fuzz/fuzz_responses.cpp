// libFuzzer target: one Admin API response body -> every response parser. A body is either
// parsed or refused with ResponseError; any other exception escapes and is reported as a crash.
// The error-body readers never throw. See fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "api/responses.h"

namespace {

template <typename Parse>
void refused_or_parsed(Parse parse) {
  try {
    parse();
  } catch (const keyform::ResponseError& error) {
    if (std::string_view(error.what()).empty()) {
      std::fprintf(stderr, "ResponseError without a message\n");
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  refused_or_parsed([&] {
    const auto page = keyform::parse_keys_page(body);
    if (page.total_count && *page.total_count < 0) std::abort();
  });
  refused_or_parsed([&] {
    const auto page = keyform::parse_projects_page(body);
    if (page.total_count && *page.total_count < 0) std::abort();
  });
  refused_or_parsed([&] { keyform::parse_key_response(body); });
  keyform::parse_error_body(body);
  keyform::enveloped_status(body);
  return 0;
}
