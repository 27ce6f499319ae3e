// The sandbox's own IPv4/IPv6 and CIDR parsing (address.h): what it accepts, how it spells a
// value, what it refuses and why.
#include "sandbox/address.h"

#include <doctest/doctest.h>

#include <string>

namespace keyform_test_sandbox_address {

using namespace keyform::sandbox;

namespace {

std::string canonical(const std::string& text) { return to_string(parse_network(text)); }

std::string error_of(const std::string& text) {
  try {
    parse_network(text);
  } catch (const AddressError& error) {
    return error.what();
  }
  return "";
}

IpAddress address(const std::string& text) {
  auto parsed = parse_address(text);
  REQUIRE(parsed);
  return *parsed;
}

}  // namespace

TEST_CASE("sandbox address: IPv4 addresses and networks in canonical form") {
  CHECK(canonical("203.0.113.7") == "203.0.113.7/32");
  CHECK(canonical("198.51.100.0/24") == "198.51.100.0/24");
  CHECK(canonical("0.0.0.0/0") == "0.0.0.0/0");
  CHECK(canonical("255.255.255.255") == "255.255.255.255/32");
  CHECK(canonical("10.0.0.0/008") == "10.0.0.0/8");  // a prefix's leading zeros are harmless
  CHECK(parse_network("203.0.113.7").is_single_address());
  CHECK_FALSE(parse_network("198.51.100.0/24").is_single_address());
  CHECK(parse_network("203.0.113.7") == parse_network("203.0.113.7/32"));  // by value
}

TEST_CASE("sandbox address: IPv6 is written fully expanded in lower case") {
  CHECK(canonical("2001:db8::/32") == "2001:0db8:0000:0000:0000:0000:0000:0000/32");
  CHECK(canonical("2001:DB8::1") == "2001:0db8:0000:0000:0000:0000:0000:0001/128");
  CHECK(canonical("::1") == "0000:0000:0000:0000:0000:0000:0000:0001/128");
  CHECK(canonical("::/0") == "0000:0000:0000:0000:0000:0000:0000:0000/0");
  CHECK(canonical("fe80::") == "fe80:0000:0000:0000:0000:0000:0000:0000/128");
  CHECK(canonical("1:2:3:4:5:6:7:8") == "0001:0002:0003:0004:0005:0006:0007:0008/128");
  CHECK(canonical("1::2:3:4:5:6:7") == "0001:0000:0002:0003:0004:0005:0006:0007/128");
  CHECK(parse_network("2001:db8::1") == parse_network("2001:0db8:0:0:0:0:0:1/128"));
  CHECK(parse_network("::ffff:0:0/96") != parse_network("0.0.0.0/0"));  // families never equal
}

TEST_CASE("sandbox address: malformed text is refused") {
  for (const char* bad :
       {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.-4", "01.2.3.4", "1.2.3.04", "1..2.3",
        "1.2.3.4 ", " 1.2.3.4", "a.b.c.d", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", ":::1",
        "1:2:3:4:5:6:7::8", "12345::", "g::1", "1:", ":1", "::ffff:1.2.3.4", "fe80::1%lo", "::/",
        "1.2.3.4/", "1.2.3.4/33", "::/129", "1.2.3.4/-1", "1.2.3.4/+8", "1.2.3.4/8/8", "1.2.3.4/x"}) {
    CAPTURE(bad);
    CHECK_FALSE(error_of(bad).empty());
  }
  CHECK(error_of("1.2.3.4/33") == "\"1.2.3.4/33\": the prefix length must be a number from 0 to 32");
  CHECK(error_of("01.2.3.4") == "\"01.2.3.4\" is not an IPv4 or IPv6 address or CIDR block");
}

TEST_CASE("sandbox address: host bits set after the prefix name the network meant") {
  CHECK(error_of("198.51.100.7/24") ==
        "\"198.51.100.7/24\" has host bits set after the /24 prefix; the network is 198.51.100.0/24");
  CHECK(error_of("10.1.2.3/9") ==
        "\"10.1.2.3/9\" has host bits set after the /9 prefix; the network is 10.0.0.0/9");
  CHECK(error_of("2001:db8::1/32") ==
        "\"2001:db8::1/32\" has host bits set after the /32 prefix; the network is "
        "2001:0db8:0000:0000:0000:0000:0000:0000/32");
  CHECK(error_of("0.0.0.1/0").ends_with("the network is 0.0.0.0/0"));
  CHECK(error_of("198.51.100.128/25").empty());
}

TEST_CASE("sandbox address: containment") {
  const Network net = parse_network("198.51.100.0/24");
  CHECK(contains(net, address("198.51.100.0")));
  CHECK(contains(net, address("198.51.100.255")));
  CHECK_FALSE(contains(net, address("198.51.101.0")));
  CHECK(contains(parse_network("0.0.0.0/0"), address("127.0.0.1")));
  CHECK_FALSE(contains(parse_network("::/0"), address("127.0.0.1")));  // no family crossing
  CHECK(contains(parse_network("2001:db8::/32"), address("2001:db8:ffff::1")));
  CHECK_FALSE(contains(parse_network("2001:db8::/33"), address("2001:db8:8000::1")));
  CHECK(contains(parse_network("127.0.0.1"), address("127.0.0.1")));
  CHECK_FALSE(contains(parse_network("127.0.0.1"), address("127.0.0.2")));
}

TEST_CASE("sandbox address: peer addresses as sockets report them") {
  CHECK(parse_peer_address("127.0.0.1") == address("127.0.0.1"));
  CHECK(parse_peer_address("::ffff:127.0.0.1") == address("127.0.0.1"));
  CHECK(parse_peer_address("::1") == address("::1"));
  CHECK(parse_peer_address("fe80::1%eth0") == address("fe80::1"));
  CHECK_FALSE(parse_peer_address("").has_value());
  CHECK_FALSE(parse_peer_address("localhost").has_value());
}

}  // namespace keyform_test_sandbox_address
