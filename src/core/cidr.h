// IP addresses and CIDR blocks of an API key's access list, parsed and compared by value.
// The file and the API may spell one entry differently ("203.0.113.7" and "203.0.113.7/32",
// "2001:DB8::1" and "2001:0db8:0:0:0:0:0:1/128"); the plan compares canonical strings, and the
// canonical IPv6 form is the fully expanded lower-case one the spec's ipAddress pattern accepts.
// Pure: no locale, no resolver, no system call.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace keyform {

struct IpNetwork {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first 4; host bits always zero
  int prefix = 0;                        // 0..32 or 0..128

  bool is_host() const;          // prefix 32 (v4) / 128 (v6)
  std::string address() const;   // "203.0.113.7"; IPv6 "2001:0db8:0000:0000:0000:0000:0000:0001"
  std::string to_string() const; // address() + "/" + prefix, always with the prefix
  // True when every address of `other` is in this network (same family only).
  bool contains(const IpNetwork& other) const;

  friend auto operator<=>(const IpNetwork&, const IpNetwork&) = default;
};

struct IpNetworkParse {
  std::optional<IpNetwork> network;
  // One sentence naming the input (escaped), e.g. "198.51.100.7/24 has host bits set: did you mean
  // 198.51.100.0/24?"; empty when network is set.
  std::string error;
};

// IPv4 dotted quads (four decimal parts 0-255, no leading zeros: "010.0.0.1" is octal to some
// parsers and decimal to others, so it is refused), IPv6 in every RFC 4291 text form ("::", "1::",
// "::ffff:192.0.2.1", any case), each with an optional "/prefix". No zone ids ("fe80::1%eth0"), no
// whitespace. A host address equals its /32 or /128; a network with host bits set is an error.
IpNetworkParse parse_ip_network(std::string_view text);

// The canonical string of an access-list entry as the API reports it (its cidrBlock or its
// ipAddress, whichever is present), or nullopt when it is not an address. More lenient than
// parse_ip_network, since the service already accepted it: "%2F" is read as "/" (the spec's
// pattern allows it) and host bits are cleared (the service can only enforce the network).
std::optional<std::string> canonical_entry(std::string_view text);

}  // namespace keyform
