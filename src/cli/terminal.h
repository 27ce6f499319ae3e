// What the CLI needs to know about where it runs: colours, and a person to confirm with.
#pragma once

#include <string>

namespace keyform {

// Colour only on a terminal, and never with --no-color or a non-empty NO_COLOR.
bool use_color(bool no_color_flag);

bool stdin_is_terminal();

// Terraform's prompt: only the exact answer "yes" approves.
bool confirm_apply();

}  // namespace keyform
