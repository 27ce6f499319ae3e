#include "cli/terminal.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace keyform {

bool use_color(bool no_color_flag) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color_flag || (no_color && *no_color)) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return isatty(STDOUT_FILENO) == 1;
}

bool stdin_is_terminal() { return isatty(STDIN_FILENO) == 1; }

bool confirm_apply(std::ostream& prompt) {
  prompt << "\nDo you want to perform these actions?\n"
               "  keyform will perform the actions described above.\n"
               "  Only 'yes' will be accepted to approve.\n\n"
               "  Enter a value: "
            << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "yes";
}

}  // namespace keyform
