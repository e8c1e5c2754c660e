package dev.trafficmanager.route;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The input rules of the contract, in one place for the API, the processor and the JSON Schema
 * (which a test holds to these): route name parts, endpoint URLs, actors and correlation ids.
 *
 * <p>The contract bounds only the length of an actor and of a correlation id, and that is what the
 * processor checks of an event; the API asks more of what a caller sends ({@link #checkActor},
 * {@link #CORRELATION_ID}).
 */
public final class RouteRules {
  /** Tenant, service, env and version each match this. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  public static final int MAX_URL_LENGTH = 2048;

  /** A URL's host has at most this many characters (a DNS name's limit). */
  public static final int MAX_HOST_LENGTH = 253;

  /** An event's actor has 1 to this many characters. */
  public static final int MAX_ACTOR_LENGTH = 256;

  /** An event's correlation id has 1 to this many characters. */
  public static final int MAX_CORRELATION_ID_LENGTH = 128;

  /** A correlation id a caller may give: within the contract's length, of a log-safe alphabet. */
  public static final Pattern CORRELATION_ID =
      Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_CORRELATION_ID_LENGTH + "}");

  /** What a correlation id that does not match {@link #CORRELATION_ID} is told. */
  public static final String CORRELATION_ID_RULE =
      "must be 1 to " + MAX_CORRELATION_ID_LENGTH + " characters of [A-Za-z0-9._:-]";

  static final String NAME_RULE = "must match " + NAME.pattern();

  private RouteRules() {}

  public static Optional<Violation> checkName(String field, String value) {
    if (value == null) {
      return Optional.of(new Violation(field, "is required"));
    }
    if (!isName(value)) {
      return Optional.of(new Violation(field, NAME_RULE));
    }
    return Optional.empty();
  }

  /** An actor a caller gives: 1 to {@value #MAX_ACTOR_LENGTH} printable characters, not blank. */
  /**
   * Whether {@code value} matches {@link #NAME}, without the regex engine: every record a consumer
   * reads parses its route key, and the matcher was a tenth of a replay's CPU.
   */
  static boolean isName(String value) {
    int length = value.length();
    if (length < 1 || length > 63 || !isLowerAlphanumeric(value.charAt(0))) {
      return false;
    }
    for (int i = 1; i < length; i++) {
      char c = value.charAt(i);
      if (!isLowerAlphanumeric(c) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLowerAlphanumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  public static Optional<Violation> checkActor(String field, String value) {
    if (value == null
        || value.isBlank()
        || value.length() > MAX_ACTOR_LENGTH
        || value.chars().anyMatch(Character::isISOControl)) {
      return Optional.of(
          new Violation(field, "must be 1 to " + MAX_ACTOR_LENGTH + " printable characters"));
    }
    return Optional.empty();
  }

  public static Optional<Violation> checkUrl(String field, String value) {
    if (value == null) {
      return Optional.of(new Violation(field, "is required"));
    }
    if (value.length() > MAX_URL_LENGTH) {
      return Optional.of(new Violation(field, "must be at most " + MAX_URL_LENGTH + " characters"));
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      return Optional.of(new Violation(field, "must be a valid absolute http or https URL"));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute()
        || !(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null) {
      return Optional.of(new Violation(field, "must be an absolute http or https URL with a host"));
    }
    // Credentials in a URL would be served to every resolver and kept forever in the event log.
    if (uri.getRawUserInfo() != null) {
      return Optional.of(new Violation(field, "must not carry credentials (user:password@)"));
    }
    if (uri.getHost().length() > MAX_HOST_LENGTH) {
      return Optional.of(
          new Violation(field, "must have a host of at most " + MAX_HOST_LENGTH + " characters"));
    }
    return Optional.empty();
  }

  /**
   * The API's policy on where a route may point, beyond {@link #checkUrl} (which the URL is assumed
   * to pass): unless {@code allowPrivate}, a URL whose host is this machine, a private, link-local
   * or otherwise non-public address written as an IP literal ({@code 127.0.0.1}, {@code [::1]},
   * {@code 169.254.169.254}, {@code 10.0.0.1}), {@code localhost}, or a number in another of the
   * spellings clients read as an IPv4 address ({@code 2130706433}, {@code 0x7f.1}) is refused: a
   * resolver that follows the route would otherwise call into the caller's own network. Names are
   * not resolved; a name that resolves to such an address is a matter for the network's egress
   * rules.
   */
  public static Optional<Violation> checkTarget(String field, String url, boolean allowPrivate) {
    if (allowPrivate || url == null) {
      return Optional.empty();
    }
    String host;
    try {
      host = new URI(url).getHost();
    } catch (URISyntaxException e) {
      return Optional.empty(); // checkUrl names it
    }
    return host != null && UrlTargets.isPrivate(host)
        ? Optional.of(
            new Violation(
                field,
                "must not point at a loopback, private or link-local address ("
                    + host
                    + "); see TM_URL_ALLOW_PRIVATE"))
        : Optional.empty();
  }
}
