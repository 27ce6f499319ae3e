// Unpredictable tokens for nonces and OAuth access tokens.
#pragma once

#include <cstddef>
#include <string>

namespace keyform::sandbox {

// `bytes` random bytes from OpenSSL's CSPRNG, as lowercase hex. Throws if the CSPRNG fails.
std::string random_hex(std::size_t bytes);

}  // namespace keyform::sandbox
