#include "sandbox/address.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace keyform::sandbox {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

template <typename T>
std::optional<T> number(std::string_view text, int base) {
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::uint8_t> octet(std::string_view text) {
  if (text.empty() || text.size() > 3 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  for (char c : text) {
    if (!is_digit(c)) return std::nullopt;
  }
  const auto value = number<int>(text, 10);
  if (!value || *value > 255) return std::nullopt;
  return static_cast<std::uint8_t>(*value);
}

std::optional<IpAddress> parse_ipv4(std::string_view text) {
  IpAddress address;
  for (int i = 0; i < 4; ++i) {
    const std::size_t dot = text.find('.');
    if ((i < 3) == (dot == std::string_view::npos)) return std::nullopt;
    const auto value = octet(text.substr(0, dot));
    if (!value) return std::nullopt;
    address.bytes[static_cast<std::size_t>(i)] = *value;
    text = i < 3 ? text.substr(dot + 1) : std::string_view();
  }
  return address;
}

// "a:b:c" -> its groups; "" -> none. False on an empty or malformed group.
bool hex_groups(std::string_view text, std::vector<std::uint16_t>& groups) {
  while (!text.empty()) {
    const std::size_t colon = text.find(':');
    const std::string_view group = text.substr(0, colon);
    if (group.empty() || group.size() > 4) return false;
    for (char c : group) {
      if (!is_hex(c)) return false;
    }
    groups.push_back(*number<std::uint16_t>(group, 16));
    if (colon == std::string_view::npos) return true;
    text = text.substr(colon + 1);
    if (text.empty()) return false;  // a trailing single ':'
  }
  return true;
}

std::optional<IpAddress> parse_ipv6(std::string_view text) {
  const std::size_t gap = text.find("::");
  if (gap != std::string_view::npos && text.find("::", gap + 1) != std::string_view::npos) {
    return std::nullopt;  // two gaps, or ":::"
  }
  std::vector<std::uint16_t> head;
  std::vector<std::uint16_t> tail;
  if (!hex_groups(text.substr(0, gap), head)) return std::nullopt;
  if (gap != std::string_view::npos && !hex_groups(text.substr(gap + 2), tail)) return std::nullopt;
  const std::size_t count = head.size() + tail.size();
  if (gap == std::string_view::npos ? count != 8 : count > 7) return std::nullopt;
  head.resize(8 - tail.size(), 0);
  head.insert(head.end(), tail.begin(), tail.end());
  IpAddress address{true, {}};
  for (std::size_t i = 0; i < 8; ++i) {
    address.bytes[2 * i] = static_cast<std::uint8_t>(head[i] >> 8);
    address.bytes[2 * i + 1] = static_cast<std::uint8_t>(head[i] & 0xff);
  }
  return address;
}

// The address with every bit after `prefix` cleared.
IpAddress network_part(IpAddress address, int prefix) {
  for (int i = 0; i < address.bits() / 8; ++i) {
    const int keep = std::max(0, std::min(8, prefix - 8 * i));
    const auto mask = static_cast<std::uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
    address.bytes[static_cast<std::size_t>(i)] &= mask;
  }
  return address;
}

int prefix_length(std::string_view text, const IpAddress& address, std::string_view whole) {
  bool digits = !text.empty() && text.size() <= 3;
  for (char c : text) digits = digits && is_digit(c);
  const auto value = digits ? number<int>(text, 10) : std::nullopt;
  if (!value || *value > address.bits()) {
    throw AddressError(fmt::format("\"{}\": the prefix length must be a number from 0 to {}",
                                   whole, address.bits()));
  }
  return *value;
}

}  // namespace

std::optional<IpAddress> parse_address(std::string_view text) {
  if (text.find(':') != std::string_view::npos) return parse_ipv6(text);
  return parse_ipv4(text);
}

Network parse_network(std::string_view text) {
  const std::size_t slash = text.find('/');
  const auto address = parse_address(text.substr(0, slash));
  if (!address) {
    throw AddressError(fmt::format("\"{}\" is not an IPv4 or IPv6 address or CIDR block", text));
  }
  if (slash == std::string_view::npos) return Network{*address, address->bits()};
  const Network network{*address, prefix_length(text.substr(slash + 1), *address, text)};
  const Network meant{network_part(*address, network.prefix), network.prefix};
  if (meant != network) {
    throw AddressError(fmt::format("\"{}\" has host bits set after the /{} prefix; the network is {}",
                                   text, network.prefix, to_string(meant)));
  }
  return network;
}

std::string to_string(const IpAddress& address) {
  const auto& b = address.bytes;
  if (!address.v6) return fmt::format("{}.{}.{}.{}", b[0], b[1], b[2], b[3]);
  std::string text;
  for (std::size_t i = 0; i < 16; i += 2) {
    text += fmt::format("{}{:02x}{:02x}", i == 0 ? "" : ":", b[i], b[i + 1]);
  }
  return text;
}

std::string to_string(const Network& network) {
  return fmt::format("{}/{}", to_string(network.address), network.prefix);
}

bool contains(const Network& network, const IpAddress& address) {
  return address.v6 == network.address.v6 &&
         network_part(address, network.prefix) == network.address;
}

std::optional<IpAddress> parse_peer_address(std::string_view text) {
  text = text.substr(0, text.find('%'));
  constexpr std::string_view mapped = "::ffff:";
  if (text.starts_with(mapped) && text.find('.') != std::string_view::npos) {
    return parse_ipv4(text.substr(mapped.size()));
  }
  return parse_address(text);
}

}  // namespace keyform::sandbox
