// parse_ip_network and canonical_entry: every accepted text form with its canonical value, every
// refused form with its reason, and the value semantics (contains, ordering) the planner relies on.
#include "core/cidr.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace keyform_test_cidr {

using namespace keyform;

namespace {

// The canonical string of an accepted text, or "ERROR: <message>".
std::string canon(std::string_view text) {
  IpNetworkParse parsed = parse_ip_network(text);
  if (!parsed.network) return "ERROR: " + parsed.error;
  CHECK(parsed.error.empty());
  return parsed.network->to_string();
}

IpNetwork net(std::string_view text) {
  IpNetworkParse parsed = parse_ip_network(text);
  INFO(text << ": " << parsed.error);
  REQUIRE(parsed.network.has_value());
  return *parsed.network;
}

struct Refused {
  std::string text;
  std::string reason;  // a substring of the error
};

void check_refused(const std::vector<Refused>& cases) {
  for (const Refused& c : cases) {
    CAPTURE(c.text);
    IpNetworkParse parsed = parse_ip_network(c.text);
    CHECK_FALSE(parsed.network.has_value());
    CHECK_MESSAGE(parsed.error.find(c.reason) != std::string::npos, "error: " << parsed.error);
  }
}

}  // namespace

TEST_CASE("IPv4 addresses and blocks: canonical form always carries the prefix") {
  CHECK(canon("203.0.113.7") == "203.0.113.7/32");
  CHECK(canon("203.0.113.7/32") == "203.0.113.7/32");
  CHECK(canon("198.51.100.0/24") == "198.51.100.0/24");
  CHECK(canon("0.0.0.0/0") == "0.0.0.0/0");
  CHECK(canon("0.0.0.0") == "0.0.0.0/32");
  CHECK(canon("255.255.255.255") == "255.255.255.255/32");
  CHECK(canon("10.0.0.0/8") == "10.0.0.0/8");
  CHECK(canon("192.0.2.128/25") == "192.0.2.128/25");
  CHECK(canon("192.0.2.0/31") == "192.0.2.0/31");
}

TEST_CASE("a host address equals its /32 or /128") {
  CHECK(net("203.0.113.7") == net("203.0.113.7/32"));
  CHECK(net("203.0.113.7").is_host());
  CHECK_FALSE(net("203.0.113.0/24").is_host());
  CHECK(net("2001:db8::1") == net("2001:0DB8:0:0:0:0:0:1/128"));
  CHECK(net("2001:db8::1").is_host());
  CHECK_FALSE(net("2001:db8::/32").is_host());
  CHECK_FALSE(net("::/0").is_host());
}

TEST_CASE("IPv4 text that is not exactly four decimal parts 0-255 is refused with the reason") {
  check_refused({
      {"1.2.3", "four decimal parts separated by dots"},
      {"1.2.3.4.5", "four decimal parts"},
      {"1.2.3.4.", "four decimal parts"},
      {".1.2.3", "part \"\" is not a decimal number"},
      {"1..2.3", "part \"\" is not a decimal number"},
      {"256.0.0.1", "part \"256\" is over 255"},
      {"1.2.3.1000", "part \"1000\" is over 255"},
      {"0x1.2.3.4", "part \"0x1\" is not a decimal number"},
      {"1.2.3.-4", "part \"-4\" is not a decimal number"},
      {"1.2.3.+4", "part \"+4\" is not a decimal number"},
      {"a.b.c.d", "part \"a\" is not a decimal number"},
      {"16909060", "four decimal parts"},  // inet_aton reads it as 1.2.3.4
      {"1.2.3.4a", "part \"4a\" is not a decimal number"},
  });
}

TEST_CASE("leading zeros are refused: octal to some parsers, decimal to others") {
  check_refused({
      {"010.0.0.1", "part \"010\" has a leading zero, which some parsers read as octal"},
      {"10.0.0.01", "part \"01\" has a leading zero"},
      {"10.00.0.1", "part \"00\" has a leading zero"},
      {"::ffff:192.0.2.01", "part \"01\" has a leading zero"},
      {"10.0.0.0/08", "the prefix \"08\" has a leading zero"},
      {"::/00", "the prefix \"00\" has a leading zero"},
  });
  CHECK(canon("10.0.0.0/8") == "10.0.0.0/8");
  CHECK(canon("0.0.0.0/0") == "0.0.0.0/0");  // a lone zero is not a leading zero
}

TEST_CASE("IPv6 in every RFC 4291 text form, written fully expanded in lower case") {
  CHECK(canon("::") == "0000:0000:0000:0000:0000:0000:0000:0000/128");
  CHECK(canon("::/0") == "0000:0000:0000:0000:0000:0000:0000:0000/0");
  CHECK(canon("::1") == "0000:0000:0000:0000:0000:0000:0000:0001/128");
  CHECK(canon("1::") == "0001:0000:0000:0000:0000:0000:0000:0000/128");
  CHECK(canon("2001:db8::1") == "2001:0db8:0000:0000:0000:0000:0000:0001/128");
  CHECK(canon("2001:DB8::1") == "2001:0db8:0000:0000:0000:0000:0000:0001/128");
  CHECK(canon("2001:Db8:0:0:0:0:0:1") == "2001:0db8:0000:0000:0000:0000:0000:0001/128");
  CHECK(canon("2001:0db8:0000:0000:0000:0000:0000:0001") == "2001:0db8:0000:0000:0000:0000:0000:0001/128");
  CHECK(canon("1:2:3:4:5:6:7::") == "0001:0002:0003:0004:0005:0006:0007:0000/128");
  CHECK(canon("::2:3:4:5:6:7:8") == "0000:0002:0003:0004:0005:0006:0007:0008/128");
  CHECK(canon("1:2::7:8") == "0001:0002:0000:0000:0000:0000:0007:0008/128");
  CHECK(canon("fe80::/10") == "fe80:0000:0000:0000:0000:0000:0000:0000/10");
  CHECK(canon("2001:db8::/32") == "2001:0db8:0000:0000:0000:0000:0000:0000/32");
  CHECK(canon("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
}

TEST_CASE("IPv6 with an embedded IPv4 address in its last 32 bits") {
  CHECK(canon("::ffff:192.0.2.1") == "0000:0000:0000:0000:0000:ffff:c000:0201/128");
  CHECK(canon("::FFFF:192.0.2.1/128") == "0000:0000:0000:0000:0000:ffff:c000:0201/128");
  CHECK(canon("::192.0.2.1") == "0000:0000:0000:0000:0000:0000:c000:0201/128");
  CHECK(canon("64:ff9b::198.51.100.0/120") == "0064:ff9b:0000:0000:0000:0000:c633:6400/120");
  CHECK(canon("1:2:3:4:5:6:1.2.3.4") == "0001:0002:0003:0004:0005:0006:0102:0304/128");
  // An IPv4-mapped address stays IPv6: it is a different entry from the IPv4 one.
  CHECK(net("::ffff:192.0.2.1") != net("192.0.2.1"));
  check_refused({
      {"1.2.3.4::", "an embedded IPv4 address may only be the last 32 bits"},
      {"::1.2.3.4:5", "an embedded IPv4 address may only be the last 32 bits"},
      {"1:2:3:4:5:6:7:1.2.3.4", "at most eight groups"},
      {"::ffff:1.2.3", "four decimal parts"},
      {"::ffff:256.1.1.1", "part \"256\" is over 255"},
  });
}

TEST_CASE("malformed IPv6 is refused with the reason") {
  check_refused({
      {"1:2:3:4:5:6:7", "an IPv6 address has eight groups (or \"::\""},
      {"1:2:3:4:5:6:7:8:9", "at most eight groups"},
      {"1::2:3:4:5:6:7:8", "at most eight groups"},
      {"1::2::3", "\"::\" may appear only once"},
      {"1:::2", "\":::\" is not allowed"},
      {":::", "\":::\" is not allowed"},
      {":1:2:3:4:5:6:7", "an empty group"},
      {"1:2:3:4:5:6:7:", "an empty group"},
      {":", "an empty group"},
      {"12345::", "group \"12345\" has more than four hex digits"},
      {"g::1", "group \"g\" is not hexadecimal"},
      {"2001:db8::-1", "group \"-1\" is not hexadecimal"},
      {"[::1]", "group \"[\" is not hexadecimal"},
  });
}

TEST_CASE("zone ids are refused: an access list holds addresses, not interfaces") {
  check_refused({
      {"fe80::1%eth0", "zone ids (\"%...\") are not allowed"},
      {"fe80::1%25eth0", "zone ids"},
      {"fe80::1%1/128", "zone ids"},
  });
}

TEST_CASE("prefix bounds: 0..32 for IPv4, 0..128 for IPv6") {
  CHECK(canon("0.0.0.0/0") == "0.0.0.0/0");
  CHECK(canon("1.2.3.4/32") == "1.2.3.4/32");
  CHECK(canon("::1/128") == "0000:0000:0000:0000:0000:0000:0000:0001/128");
  CHECK(canon("8000::/1") == "8000:0000:0000:0000:0000:0000:0000:0000/1");
  check_refused({
      {"1.2.3.4/33", "the prefix /33 is over 32 for IPv4"},
      {"::1/129", "the prefix /129 is over 128 for IPv6"},
      {"1.2.3.4/1000", "the prefix /1000 is over 32"},
      {"1.2.3.4/", "the prefix after \"/\" is empty"},
      {"1.2.3.4/-1", "the prefix \"-1\" is not a number"},
      {"1.2.3.4/+8", "the prefix \"+8\" is not a number"},
      {"1.2.3.4/24/8", "the prefix \"24/8\" is not a number"},
      {"1.2.3.4/255.255.255.0", "the prefix \"255.255.255.0\" is not a number"},
      {"/24", "the address is empty"},
  });
}

TEST_CASE("whitespace, empty text and stray bytes are refused, and the text is escaped in the message") {
  check_refused({
      {"", "the text is empty"},
      {" 1.2.3.4", "it starts or ends with whitespace"},
      {"1.2.3.4\n", "it starts or ends with whitespace"},
      {"\t::1", "it starts or ends with whitespace"},
      {"1.2.3.4 /24", "part \"4 \" is not a decimal number"},
      {"1.2.3.4/ 24", "the prefix \" 24\" is not a number"},
      {"localhost", "an IPv4 address has four decimal parts"},
  });
  const IpNetworkParse hostile = parse_ip_network("1.2.3.\x1b[2J\"x");
  CHECK(hostile.error == "\"1.2.3.\\x1b[2J\\\"x\" is not an IP address or CIDR block: part "
                         "\"\\x1b[2J\\\"x\" is not a decimal number from 0 to 255");
  const IpNetworkParse long_text = parse_ip_network(std::string(1000, '9'));
  CHECK(long_text.error.size() < 200);
  CHECK(long_text.error.find(std::string(64, '9') + "...\"") != std::string::npos);
}

TEST_CASE("host bits set: an error naming the network the user probably meant") {
  CHECK(parse_ip_network("198.51.100.7/24").error ==
        "198.51.100.7/24 has host bits set: did you mean 198.51.100.0/24?");
  CHECK(parse_ip_network("10.1.2.3/8").error == "10.1.2.3/8 has host bits set: did you mean 10.0.0.0/8?");
  CHECK(parse_ip_network("192.0.2.1/31").error ==
        "192.0.2.1/31 has host bits set: did you mean 192.0.2.0/31?");
  CHECK(parse_ip_network("1.2.3.4/0").error == "1.2.3.4/0 has host bits set: did you mean 0.0.0.0/0?");
  CHECK(parse_ip_network("2001:DB8::1/64").error ==
        "2001:DB8::1/64 has host bits set: did you mean 2001:0db8:0000:0000:0000:0000:0000:0000/64?");
  CHECK(parse_ip_network("fe80::1:3/127").error ==
        "fe80::1:3/127 has host bits set: did you mean fe80:0000:0000:0000:0000:0000:0001:0002/127?");
  CHECK_FALSE(parse_ip_network("198.51.100.7/24").network.has_value());
}

TEST_CASE("address() and to_string()") {
  CHECK(net("203.0.113.7").address() == "203.0.113.7");
  CHECK(net("198.51.100.0/24").address() == "198.51.100.0");
  CHECK(net("198.51.100.0/24").to_string() == "198.51.100.0/24");
  CHECK(net("::1").address() == "0000:0000:0000:0000:0000:0000:0000:0001");
  CHECK(net("2001:db8::/48").to_string() == "2001:0db8:0000:0000:0000:0000:0000:0000/48");
  // Every canonical string parses back to the same value.
  for (const char* text : {"203.0.113.7", "198.51.100.0/24", "::", "::ffff:192.0.2.1", "fe80::/10", "0.0.0.0/0"}) {
    CAPTURE(text);
    CHECK(net(net(text).to_string()) == net(text));
  }
}

TEST_CASE("contains: same family, within the prefix") {
  CHECK(net("198.51.100.0/24").contains(net("198.51.100.7")));
  CHECK(net("198.51.100.0/24").contains(net("198.51.100.128/25")));
  CHECK(net("198.51.100.0/24").contains(net("198.51.100.0/24")));
  CHECK_FALSE(net("198.51.100.0/24").contains(net("198.51.101.0")));
  CHECK_FALSE(net("198.51.100.0/25").contains(net("198.51.100.0/24")));
  CHECK_FALSE(net("198.51.100.0/25").contains(net("198.51.100.128")));
  CHECK(net("0.0.0.0/0").contains(net("255.255.255.255")));
  CHECK_FALSE(net("0.0.0.0/0").contains(net("::")));  // families never mix
  CHECK_FALSE(net("::/0").contains(net("1.2.3.4")));
  CHECK(net("::/0").contains(net("::ffff:1.2.3.4")));
  CHECK(net("2001:db8::/32").contains(net("2001:db8:ffff::1")));
  CHECK_FALSE(net("2001:db8::/32").contains(net("2001:db9::1")));
  CHECK(net("fe80::/10").contains(net("febf::1")));
  CHECK_FALSE(net("fe80::/10").contains(net("fec0::1")));
  CHECK(net("203.0.113.7").contains(net("203.0.113.7/32")));
  // A hand-built network with host bits still compares by its prefix.
  IpNetwork sloppy = net("10.0.0.0/8");
  sloppy.bytes[3] = 9;
  CHECK(sloppy.contains(net("10.200.0.1")));
}

TEST_CASE("ordering: IPv4 before IPv6, then by address, then by prefix") {
  std::vector<IpNetwork> networks = {net("::1"), net("10.0.0.0/16"), net("9.0.0.0/8"), net("10.0.0.0/8"),
                                     net("::/0")};
  std::sort(networks.begin(), networks.end());
  std::vector<std::string> order;
  for (const IpNetwork& n : networks) order.push_back(n.to_string());
  CHECK(order == std::vector<std::string>{"9.0.0.0/8", "10.0.0.0/8", "10.0.0.0/16",
                                          "0000:0000:0000:0000:0000:0000:0000:0000/0",
                                          "0000:0000:0000:0000:0000:0000:0000:0001/128"});
  CHECK(net("1.2.3.4") < net("1.2.3.5"));
  CHECK(net("1.2.3.4") == net("1.2.3.4/32"));
}

TEST_CASE("canonical_entry: the API's cidrBlock or ipAddress as the plan compares it") {
  CHECK(canonical_entry("203.0.113.7") == "203.0.113.7/32");
  CHECK(canonical_entry("203.0.113.7/32") == "203.0.113.7/32");
  CHECK(canonical_entry("198.51.100.0/24") == "198.51.100.0/24");
  CHECK(canonical_entry("2001:db8::1") == "2001:0db8:0000:0000:0000:0000:0000:0001/128");
  CHECK(canonical_entry("2001:0DB8:0000:0000:0000:0000:0000:0001") == "2001:0db8:0000:0000:0000:0000:0000:0001/128");
  // The spec's cidrBlock pattern accepts the encoded slash.
  CHECK(canonical_entry("192.0.2.0%2F24") == "192.0.2.0/24");
  CHECK(canonical_entry("192.0.2.0%2f24") == "192.0.2.0/24");
  // The service enforces the network, whatever host bits it echoes.
  CHECK(canonical_entry("198.51.100.7/24") == "198.51.100.0/24");
  CHECK_FALSE(canonical_entry("").has_value());
  CHECK_FALSE(canonical_entry("not an address").has_value());
  CHECK_FALSE(canonical_entry("192.0.2.0%2F").has_value());
  CHECK_FALSE(canonical_entry("fe80::1%eth0").has_value());
  CHECK_FALSE(canonical_entry("1.2.3.4/33").has_value());
}

}  // namespace keyform_test_cidr
