// Unpredictable tokens for nonces, OAuth access tokens and the credentials of created keys.
// Always OpenSSL's CSPRNG: these are secrets, so the sandbox has no seed that would make them
// repeatable.
#pragma once

#include <cstddef>
#include <string>

namespace keyform::sandbox {

// `bytes` random bytes from OpenSSL's CSPRNG, as lowercase hex. Throws if the CSPRNG fails.
std::string random_hex(std::size_t bytes);

// `count` random letters a-z, each equally likely. Throws if the CSPRNG fails.
std::string random_lowercase_letters(std::size_t count);

}  // namespace keyform::sandbox
