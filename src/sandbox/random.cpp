#include "sandbox/random.h"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace keyform::sandbox {
namespace {

std::vector<unsigned char> random_bytes(std::size_t count) {
  std::vector<unsigned char> buffer(count);
  if (RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return buffer;
}

}  // namespace

std::string random_hex(std::size_t bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes * 2);
  for (unsigned char b : random_bytes(bytes)) {
    hex += digits[b >> 4];
    hex += digits[b & 0x0f];
  }
  return hex;
}

// Bytes from 234 up are dropped (234 = 9 * 26): taking them modulo 26 would favour a-h.
std::string random_lowercase_letters(std::size_t count) {
  constexpr unsigned char limit = 234;
  std::string letters;
  letters.reserve(count);
  while (letters.size() < count) {
    for (unsigned char b : random_bytes(count)) {
      if (b < limit && letters.size() < count) letters += static_cast<char>('a' + b % 26);
    }
  }
  return letters;
}

}  // namespace keyform::sandbox
