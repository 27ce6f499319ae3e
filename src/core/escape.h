// The one escaping module for everything a person reads: plan text, markdown, show, apply
// reports and error messages. Strings from the API or the config (descriptions, names, public
// keys, error details) are attacker-controlled: a control character, an ANSI escape or a bidi
// override in them must never move the cursor, clear a screen, fake a plan line or reorder what
// a reviewer sees. JSON output does not use this: JSON escapes strings itself and keeps them exact.
#pragma once

#include <string>
#include <string_view>

namespace keyform {

// One line of terminal text. C0 controls (newline and tab included), DEL, ESC and the C1 controls
// become visible escapes (\n, \r, \t, \x1b, \u0085); the Unicode bidi controls (U+061C,
// U+200E-U+200F, U+202A-U+202E, U+2066-U+2069) become \u202e and the like; bytes that are not
// valid UTF-8 become \xNN; a backslash becomes \\ so an escape cannot be faked. Everything else
// (printable ASCII and valid UTF-8) is kept.
std::string escape_text(std::string_view text);

// For a message keyform composed over several lines from parts that were (mostly) escaped with
// escape_text already: the line breaks are kept, every other control character, DEL, C1 control,
// bidi control and invalid byte is still made visible, but a backslash is kept as it is, so the
// parts escaped once do not show their escapes doubled. The last line of defence for error output.
std::string escape_lines(std::string_view text);

// A markdown table cell or list item: escape_text, then markdown's own syntax (\ | * _ ` < > [ ]
// # ~ !) is backslash- or entity-escaped so the text stays inert text inside its cell.
std::string escape_markdown(std::string_view text);

}  // namespace keyform
