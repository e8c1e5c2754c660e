package dev.trafficmanager.route;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** The input rules of the contract: route name parts and endpoint URLs. */
public final class RouteRules {
  /** Tenant, service, env and version each match this. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  public static final int MAX_URL_LENGTH = 2048;

  static final String NAME_RULE = "must match " + NAME.pattern();

  private RouteRules() {}

  public static Optional<Violation> checkName(String field, String value) {
    if (value == null) {
      return Optional.of(new Violation(field, "is required"));
    }
    if (!NAME.matcher(value).matches()) {
      return Optional.of(new Violation(field, NAME_RULE));
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
