#include "util/secret.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

namespace keyform_test_secret {

using namespace keyform;

namespace {

// Every byte the string's buffer holds, up to its capacity: wipe() works on the buffer in place
// (clear() keeps it), so what it leaves behind can be read there.
bool all_zero(const char* buffer, std::size_t capacity) {
  return std::all_of(buffer, buffer + capacity, [](char c) { return c == '\0'; });
}

}  // namespace

TEST_CASE("wipe zeroes the whole capacity, not just the size, and empties the string") {
  std::string text(200, 'k');
  text.resize(10);  // bytes 10..199 still hold 'k'
  const char* buffer = text.data();
  const std::size_t capacity = text.capacity();
  REQUIRE(capacity >= 200);
  wipe(text);
  CHECK(text.empty());
  REQUIRE(text.data() == buffer);  // the same buffer, so the check below reads what wipe left
  CHECK(all_zero(buffer, capacity));
}

TEST_CASE("wipe works on a short string held in the object itself") {
  std::string text = "0123456789";  // fits the small-string buffer
  const char* buffer = text.data();
  const std::size_t capacity = text.capacity();
  wipe(text);
  CHECK(all_zero(buffer, capacity));
}

TEST_CASE("a Secret built from a string wipes that string, short or long") {
  for (const std::size_t size : {10, 300}) {
    CAPTURE(size);
    std::string source(size, 's');
    const char* buffer = source.data();
    const std::size_t capacity = source.capacity();
    const Secret secret(std::move(source));
    CHECK(secret.reveal() == std::string(size, 's'));
    // A long string's buffer moved into the secret (what remains in `source` is its own small
    // buffer); a short one was copied, and its bytes must not stay behind.
    if (size == 10) CHECK(all_zero(buffer, capacity));
    CHECK(source.empty());
  }
}

TEST_CASE("a moved-from Secret is empty, and its old buffer holds nothing") {
  Secret first(std::string("short-key"));
  const char* buffer = first.reveal().data();
  const std::size_t capacity = first.reveal().capacity();
  Secret second(std::move(first));
  CHECK(second.reveal() == "short-key");
  CHECK(first.empty());  // NOLINT(bugprone-use-after-move): the point of the test
  CHECK(all_zero(buffer, capacity));

  Secret third(std::string(300, 'x'));
  third = std::move(second);
  CHECK(third.reveal() == "short-key");
  CHECK(second.empty());  // NOLINT(bugprone-use-after-move)
}

TEST_CASE("clear wipes the secret") {
  Secret secret(std::string("abcdefgh-1234"));
  const char* buffer = secret.reveal().data();
  const std::size_t capacity = secret.reveal().capacity();
  secret.clear();
  CHECK(secret.empty());
  CHECK(all_zero(buffer, capacity));
}

}  // namespace keyform_test_secret
