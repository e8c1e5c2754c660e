package dev.trafficmanager.api.auth;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a token allows. The three tenant scopes hold for the token's own tenants only; {@link
 * #ADMIN} holds everything, for every tenant, and token management.
 */
public enum Scope {
  /** Create routes, activate, deactivate and change their URL. */
  ROUTES_WRITE("routes:write"),
  /** Resolve, list and get routes. */
  ROUTES_READ("routes:read"),
  /** The audit queries. */
  AUDIT_READ("audit:read"),
  /** Everything, every tenant, the console's pipeline views and token management. */
  ADMIN("admin");

  private final String wireName;

  Scope(String wireName) {
    this.wireName = wireName;
  }

  /** The scope as written in a token request, the CLI and the database. */
  public String wireName() {
    return wireName;
  }

  /** The scope written {@code name}, if there is one. */
  public static Optional<Scope> parse(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
  }

  /** Every scope's name, for a message listing the valid ones. */
  public static String names() {
    return Arrays.stream(values()).map(Scope::wireName).collect(Collectors.joining(", "));
  }
}
