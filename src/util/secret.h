// A created key's private key (or any one-time secret) on its way from the API's answer to the
// sink the user named. It is wiped from memory as soon as it is no longer needed: a core dump is
// already ruled out (cli/process.h), but a long-lived copy in freed heap memory is one more place
// for it to leak from.
#pragma once

#include <string.h>  // explicit_bzero (glibc)

#include <string>
#include <utility>

namespace keyform {

// Overwrites every byte the string owns (its capacity, not just its size), then empties it.
inline void wipe(std::string& text) {
  if (text.capacity() > 0) explicit_bzero(text.data(), text.capacity());
  text.clear();
}

// Move-only holder that wipes on destruction. reveal() is the one way to read it: grep for it to
// find every place a secret is used.
class Secret {
 public:
  Secret() = default;
  // By rvalue reference, not by value: moving a short string copies its bytes (small-string
  // buffer), so the source is wiped here; a by-value parameter would be destroyed unwiped.
  explicit Secret(std::string&& value) : value_(std::move(value)) { wipe(value); }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { wipe(other.value_); }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      wipe(value_);
      value_ = std::move(other.value_);
      wipe(other.value_);
    }
    return *this;
  }
  ~Secret() { wipe(value_); }

  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  void clear() { wipe(value_); }

 private:
  std::string value_;
};

}  // namespace keyform
