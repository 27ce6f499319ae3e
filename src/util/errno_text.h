// The system's words for an errno value, for messages that say why a file or process call failed.
#pragma once

#include <cstring>
#include <string>

namespace keyform {

inline std::string errno_text(int error) { return std::strerror(error); }

}  // namespace keyform
