// What the CLI needs to know about where it runs: colours, and a person to confirm with.
#pragma once

#include <ostream>
#include <string>

namespace keyform {

// Colour only on a terminal, and never with --no-color or a non-empty NO_COLOR.
bool use_color(bool no_color_flag);

bool stdin_is_terminal();

// Terraform's prompt, written to `prompt` (stderr when stdout carries JSON): only the exact
// answer "yes" approves.
bool confirm_apply(std::ostream& prompt);

}  // namespace keyform
