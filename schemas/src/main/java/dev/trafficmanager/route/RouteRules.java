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
    return Optional.empty();
  }
}
