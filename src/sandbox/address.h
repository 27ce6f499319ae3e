// IPv4 and IPv6 addresses and CIDR blocks, for API key access lists. The sandbox's own parser,
// not keyform's: it is an independent check of the client (see ids.h).
//
// Accepted text: IPv4 dotted decimal without leading zeros ("010.0.0.1" could be octal, so it is
// refused); IPv6 as RFC 4291 hex groups with at most one "::", any case, no embedded IPv4 and no
// zone. A network is an address, or an address + "/" + prefix length (digits only); a network
// whose address has bits set after the prefix is refused, naming the network it probably meant.
// Canonical text: IPv4 "a.b.c.d"; IPv6 fully expanded in lower case, 8 groups of 4 hex digits
// ("2001:0db8:0000:0000:0000:0000:0000:0001"), the form the spec's ipAddress pattern accepts.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace keyform::sandbox {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4
  auto operator<=>(const IpAddress&) const = default;
  int bits() const { return v6 ? 128 : 32; }
};

// A CIDR block; a single address is its /32 or /128.
struct Network {
  IpAddress address;
  int prefix = 0;
  auto operator<=>(const Network&) const = default;
  bool is_single_address() const { return prefix == address.bits(); }
};

// what() says what is wrong with the text, and for host bits the network meant.
struct AddressError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

std::optional<IpAddress> parse_address(std::string_view text);

// "addr" (a single address) or "addr/prefix". Throws AddressError.
Network parse_network(std::string_view text);

std::string to_string(const IpAddress& address);  // canonical
std::string to_string(const Network& network);     // canonical address + "/" + prefix, always

bool contains(const Network& network, const IpAddress& address);

// A peer address as a socket reports it: an IPv4-mapped IPv6 address ("::ffff:127.0.0.1")
// becomes the IPv4 address, a zone ("%lo") is dropped. nullopt when it does not parse.
std::optional<IpAddress> parse_peer_address(std::string_view text);

}  // namespace keyform::sandbox
