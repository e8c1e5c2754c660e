package dev.trafficmanager.api.auth;

import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteRules;
import dev.trafficmanager.route.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token to make, checked: the same rules for {@code POST /api/v1/tokens} and {@code tokens
 * create}.
 *
 * @param name who the token is for; the {@code actor} of what it writes
 * @param tenants the tenants of its tenant scopes; empty for an admin token
 * @param scopes what it allows
 * @param lifetime how long it lives from its creation; empty: until revoked
 */
public record NewToken(
    String name, List<String> tenants, List<Scope> scopes, Optional<Duration> lifetime) {
  public static final String NAME = "name";
  public static final String TENANTS = "tenants";
  public static final String SCOPES = "scopes";
  public static final String EXPIRES_IN = "expires_in";

  static final Duration MAX_LIFETIME = Duration.ofDays(3650);
  private static final Pattern LIFETIME = Pattern.compile("([1-9][0-9]{0,6})(m|h|d)");

  public NewToken {
    tenants = List.copyOf(tenants);
    scopes = List.copyOf(scopes);
  }

  /**
   * Checks a request's parts, given as text.
   *
   * @param expiresIn like {@code 90d}, {@code 12h} or {@code 30m}; null: never expires
   * @throws InvalidInputException naming every field that is wrong
   */
  public static NewToken of(
      String name, List<String> tenants, List<String> scopes, String expiresIn) {
    List<Violation> violations = new ArrayList<>();
    if (name == null) {
      violations.add(new Violation(NAME, "is required"));
    } else {
      RouteRules.checkActor(NAME, name).ifPresent(violations::add);
    }
    LinkedHashSet<Scope> known = new LinkedHashSet<>();
    for (String scope : scopes) {
      Optional<Scope> parsed = Scope.parse(scope);
      parsed.ifPresent(known::add);
      if (parsed.isEmpty()) {
        violations.add(
            new Violation(SCOPES, "has " + quoted(scope) + ", expected one of " + Scope.names()));
      }
    }
    if (scopes.isEmpty()) {
      violations.add(new Violation(SCOPES, "must name at least one of " + Scope.names()));
    }
    LinkedHashSet<String> distinct = new LinkedHashSet<>();
    for (String tenant : tenants) {
      RouteRules.checkName(TENANTS, tenant).ifPresent(violations::add);
      if (!distinct.add(tenant)) {
        violations.add(new Violation(TENANTS, "names " + quoted(tenant) + " twice"));
      }
    }
    boolean admin = known.contains(Scope.ADMIN);
    if (admin && known.size() > 1) {
      violations.add(new Violation(SCOPES, "admin already allows everything: give it alone"));
    }
    if (admin && !tenants.isEmpty()) {
      violations.add(new Violation(TENANTS, "must be empty for an admin token (every tenant)"));
    }
    if (!admin && !known.isEmpty() && tenants.isEmpty()) {
      violations.add(new Violation(TENANTS, "must name at least one tenant for these scopes"));
    }
    Optional<Duration> lifetime = Optional.empty();
    if (expiresIn != null) {
      lifetime = lifetime(expiresIn);
      if (lifetime.isEmpty()) {
        violations.add(
            new Violation(
                EXPIRES_IN, "must be a lifetime like 90d, 12h or 30m, at most 3650d (10 years)"));
      }
    }
    if (!violations.isEmpty()) {
      throw new InvalidInputException(violations);
    }
    return new NewToken(name, List.copyOf(distinct), List.copyOf(known), lifetime);
  }

  private static Optional<Duration> lifetime(String text) {
    Matcher m = LIFETIME.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(m.group(1));
    Duration lifetime =
        switch (m.group(2)) {
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
    return lifetime.compareTo(MAX_LIFETIME) > 0 ? Optional.empty() : Optional.of(lifetime);
  }

  private static String quoted(String value) {
    String shown = value.length() > 64 ? value.substring(0, 64) + "…" : value;
    return "\"" + shown.replaceAll("\\p{Cntrl}", "?") + "\"";
  }
}
