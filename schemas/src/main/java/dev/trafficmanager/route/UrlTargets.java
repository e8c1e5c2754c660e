package dev.trafficmanager.route;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Which URL hosts name this machine or a non-public network, read from the host alone. */
final class UrlTargets {
  private static final Pattern DOTTED_QUAD =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  // Each label a decimal, octal or hex number: what inet_aton and so many HTTP clients read as an
  // IPv4 address (2130706433, 0x7f.1, 0177.0.0.1), whatever the URL parser thought of it.
  private static final Pattern NUMERIC_HOST =
      Pattern.compile("(0x[0-9a-f]*|\\d+)(\\.(0x[0-9a-f]*|\\d+)){0,3}\\.?");

  private UrlTargets() {}

  static boolean isPrivate(String rawHost) {
    String host = rawHost.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (host.equals("localhost") || host.endsWith(".localhost")) {
      return true;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      return isPrivate(literal(host.substring(1, host.length() - 1)));
    }
    if (DOTTED_QUAD.matcher(host).matches()) {
      return isPrivate(literal(host));
    }
    // Any other all-numeric spelling is refused outright: no public service needs one.
    return NUMERIC_HOST.matcher(host).matches();
  }

  /** An address written as a literal; never a DNS lookup, since callers pass literals only. */
  private static InetAddress literal(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP literal: " + text, e);
    }
  }

  private static boolean isPrivate(InetAddress address) {
    if (address.isLoopbackAddress()
        || address.isAnyLocalAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return true;
    }
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = bytes[0] & 0xff;
      int second = bytes[1] & 0xff;
      // 0.0.0.0/8 ("this network"), 100.64.0.0/10 (carrier-grade NAT), 198.18.0.0/15 (benchmarks).
      return first == 0
          || (first == 100 && second >= 64 && second <= 127)
          || (first == 198 && (second == 18 || second == 19));
    }
    // fc00::/7: unique local addresses, IPv6's private networks.
    return address instanceof Inet6Address && (bytes[0] & 0xfe) == 0xfc;
  }
}
