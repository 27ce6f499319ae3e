// Hand-written instead of inet_pton: inet_pton accepts forms we refuse on purpose (it is silent
// about what it does with "010"), knows nothing of prefixes, and cannot say what is wrong.
#include "core/cidr.h"

#include <vector>

#include "core/escape.h"
#include "core/text.h"

namespace keyform {
namespace {

constexpr std::size_t kMaxShownBytes = 64;

// Input text inside a message: quoted, escaped for the terminal, cut when very long.
std::string shown(std::string_view text) {
  std::string_view cut = text.substr(0, kMaxShownBytes);
  std::string out = "\"";
  for (char c : escape_text(cut)) {
    if (c == '"') out += '\\';
    out += c;
  }
  return out + (cut.size() < text.size() ? "...\"" : "\"");
}

// Each parse step answers with the reason it failed, or an empty string.
using Reason = std::string;

// A decimal number without sign or leading zero, at most `max`; nullopt otherwise.
std::optional<int> decimal(std::string_view digits, int max) {
  if (!is_digits(digits) || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0')) {
    return std::nullopt;
  }
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  if (value > max) return std::nullopt;
  return value;
}

Reason ipv4_part_reason(std::string_view part) {
  if (!is_digits(part)) return "part " + shown(part) + " is not a decimal number from 0 to 255";
  if (part.size() > 1 && part[0] == '0') {
    return "part " + shown(part) + " has a leading zero, which some parsers read as octal";
  }
  return "part " + shown(part) + " is over 255";
}

Reason parse_ipv4(std::string_view text, std::uint8_t* out) {
  for (int i = 0; i < 4; ++i) {
    const std::size_t dot = text.find('.');
    if ((dot == std::string_view::npos) != (i == 3)) {
      return "an IPv4 address has four decimal parts separated by dots";
    }
    const std::string_view part = text.substr(0, dot);
    const std::optional<int> value = decimal(part, 255);
    if (!value) return ipv4_part_reason(part);
    out[i] = static_cast<std::uint8_t>(*value);
    if (dot != std::string_view::npos) text.remove_prefix(dot + 1);
  }
  return {};
}

Reason parse_hex_group(std::string_view group, std::vector<std::uint16_t>& groups) {
  if (group.empty()) return "an empty group (a lone \":\" at the start or end, or \":::\")";
  if (group.size() > 4) return "group " + shown(group) + " has more than four hex digits";
  unsigned value = 0;
  for (char c : group) {
    if (!is_hex_digit(c)) return "group " + shown(group) + " is not hexadecimal";
    value = value * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  groups.push_back(static_cast<std::uint16_t>(value));
  return {};
}

// The colon-separated groups of one side of "::". Only the very last group of the address may
// be a dotted IPv4 address (RFC 4291 2.2.3), counting as two groups.
Reason parse_groups(std::string_view text, bool ends_address, std::vector<std::uint16_t>& groups) {
  if (text.empty()) return {};
  while (true) {
    const std::size_t colon = text.find(':');
    const std::string_view group = text.substr(0, colon);
    const bool last = colon == std::string_view::npos;
    if (group.find('.') != std::string_view::npos) {
      if (!last || !ends_address) return "an embedded IPv4 address may only be the last 32 bits";
      std::uint8_t v4[4];
      if (Reason reason = parse_ipv4(group, v4); !reason.empty()) return reason;
      groups.push_back(static_cast<std::uint16_t>(v4[0] << 8 | v4[1]));
      groups.push_back(static_cast<std::uint16_t>(v4[2] << 8 | v4[3]));
    } else if (Reason reason = parse_hex_group(group, groups); !reason.empty()) {
      return reason;
    }
    if (last) return {};
    text.remove_prefix(colon + 1);
  }
}

Reason parse_ipv6(std::string_view text, std::array<std::uint8_t, 16>& out) {
  const std::size_t gap = text.find("::");
  const bool compressed = gap != std::string_view::npos;
  if (compressed && text.find("::", gap + 1) != std::string_view::npos) {
    return text.find(":::") != std::string_view::npos ? "\":::\" is not allowed"
                                                      : "\"::\" may appear only once";
  }
  std::vector<std::uint16_t> head, tail;
  Reason reason = compressed ? parse_groups(text.substr(0, gap), false, head)
                             : parse_groups(text, true, head);
  if (reason.empty() && compressed) reason = parse_groups(text.substr(gap + 2), true, tail);
  if (!reason.empty()) return reason;
  const std::size_t count = head.size() + tail.size();
  if (count > 8 || (compressed && count == 8)) return "an IPv6 address has at most eight groups";
  if (!compressed && count < 8) {
    return "an IPv6 address has eight groups (or \"::\" standing for the zero groups)";
  }
  head.resize(8 - tail.size(), 0);  // the zeros "::" stands for
  head.insert(head.end(), tail.begin(), tail.end());
  for (std::size_t i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<std::uint8_t>(head[i] >> 8);
    out[2 * i + 1] = static_cast<std::uint8_t>(head[i] & 0xFF);
  }
  return {};
}

Reason parse_prefix(std::string_view text, int max, int& prefix) {
  const std::string family = max == 32 ? "IPv4" : "IPv6";
  if (text.empty()) return "the prefix after \"/\" is empty";
  if (const std::optional<int> value = decimal(text, max)) {
    prefix = *value;
    return {};
  }
  if (!is_digits(text)) return "the prefix " + shown(text) + " is not a number";
  if (text.size() > 1 && text[0] == '0') return "the prefix " + shown(text) + " has a leading zero";
  return "the prefix /" + std::string(text) + " is over " + std::to_string(max) + " for " + family;
}

Reason parse_address(std::string_view text, IpNetwork& network) {
  if (text.empty()) return "the address is empty";
  if (text.find('%') != std::string_view::npos) {
    return "zone ids (\"%...\") are not allowed in an access list";
  }
  network.v6 = text.find(':') != std::string_view::npos;
  return network.v6 ? parse_ipv6(text, network.bytes) : parse_ipv4(text, network.bytes.data());
}

// Reads "address[/prefix]"; the prefix defaults to the whole address.
Reason parse_network(std::string_view text, IpNetwork& network) {
  if (text.empty()) return "the text is empty";
  if (is_space(static_cast<unsigned char>(text.front())) ||
      is_space(static_cast<unsigned char>(text.back()))) {
    return "it starts or ends with whitespace";
  }
  const std::size_t slash = text.find('/');
  if (Reason reason = parse_address(text.substr(0, slash), network); !reason.empty()) return reason;
  const int bits = network.v6 ? 128 : 32;
  network.prefix = bits;
  if (slash == std::string_view::npos) return {};
  return parse_prefix(text.substr(slash + 1), bits, network.prefix);
}

// The network with every bit past its prefix cleared.
IpNetwork masked(IpNetwork network, int prefix) {
  for (int bit = prefix; bit < 128; ++bit) {
    network.bytes[static_cast<std::size_t>(bit / 8)] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  }
  return network;
}

IpNetworkParse parse(std::string_view text, bool clear_host_bits) {
  IpNetwork network;
  if (Reason reason = parse_network(text, network); !reason.empty()) {
    return {std::nullopt, shown(text) + " is not an IP address or CIDR block: " + reason};
  }
  const IpNetwork meant = masked(network, network.prefix);
  if (meant != network && !clear_host_bits) {
    // The text parsed, so it holds only digits, hex letters, ':', '.' and '/': safe to print.
    return {std::nullopt, std::string(text) + " has host bits set: did you mean " + meant.to_string() + "?"};
  }
  return {meant, {}};
}

}  // namespace

bool IpNetwork::is_host() const { return prefix == (v6 ? 128 : 32); }

std::string IpNetwork::address() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  if (!v6) {
    for (int i = 0; i < 4; ++i) out += (i ? "." : "") + std::to_string(bytes[static_cast<std::size_t>(i)]);
    return out;
  }
  for (std::size_t i = 0; i < 16; ++i) {
    if (i > 0 && i % 2 == 0) out += ':';
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0xF];
  }
  return out;
}

std::string IpNetwork::to_string() const { return address() + "/" + std::to_string(prefix); }

bool IpNetwork::contains(const IpNetwork& other) const {
  // Both masked: a hand-built network may carry host bits that parsing would have refused.
  return v6 == other.v6 && prefix <= other.prefix &&
         masked(other, prefix).bytes == masked(*this, prefix).bytes;
}

IpNetworkParse parse_ip_network(std::string_view text) { return parse(text, false); }

std::optional<std::string> canonical_entry(std::string_view text) {
  std::string plain(text);
  if (const std::size_t encoded = lowercase(plain).find("%2f"); encoded != std::string::npos) {
    plain.replace(encoded, 3, "/");
  }
  IpNetworkParse parsed = parse(plain, true);
  if (!parsed.network) return std::nullopt;
  return parsed.network->to_string();
}

}  // namespace keyform
