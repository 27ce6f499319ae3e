#include "sandbox/random.h"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace keyform::sandbox {

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  if (RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes * 2);
  for (unsigned char b : buffer) {
    hex += digits[b >> 4];
    hex += digits[b & 0x0f];
  }
  return hex;
}

}  // namespace keyform::sandbox
