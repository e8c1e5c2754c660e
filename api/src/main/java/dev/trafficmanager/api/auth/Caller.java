package dev.trafficmanager.api.auth;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Who made a request: the name of its token (the {@code actor} of what it writes), the token's
 * scopes and its tenants.
 *
 * @param tokenId the token's id; empty only while authentication is off ({@code TM_AUTH=off}), when
 *     every caller may do everything and names itself
 */
public record Caller(String name, Set<Scope> scopes, Set<String> tenants, OptionalLong tokenId) {
  public Caller {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tokenId, "tokenId");
    scopes = Set.copyOf(scopes);
    tenants = Set.copyOf(tenants);
  }

  /** The caller of every request while {@code TM_AUTH=off}: allowed everything. */
  public static Caller unauthenticated() {
    return new Caller("anonymous", Set.of(Scope.ADMIN), Set.of(), OptionalLong.empty());
  }

  /** Whether a token says who this is (false only while authentication is off). */
  public boolean authenticated() {
    return tokenId.isPresent();
  }

  /** Whether the token has {@code scope} for at least one tenant (or is admin). */
  public boolean has(Scope scope) {
    return scopes.contains(Scope.ADMIN) || scopes.contains(scope);
  }

  /** Whether the token has {@code scope} for {@code tenant} (or is admin). */
  public boolean may(Scope scope, String tenant) {
    return scopes.contains(Scope.ADMIN) || (scopes.contains(scope) && tenants.contains(tenant));
  }
}
