package dev.trafficmanager.api.http;

import dev.trafficmanager.api.auth.AccessDeniedException;
import dev.trafficmanager.api.auth.Authenticator;
import dev.trafficmanager.api.auth.Caller;
import dev.trafficmanager.api.auth.Scope;
import io.javalin.http.Context;
import io.javalin.http.Header;
import java.util.Optional;

/**
 * Who may do what, asked by each endpoint in two steps: {@link #require} before anything of the
 * request is read (so that a caller without the scope spends neither a body read, nor an
 * idempotency key, nor a tenant's rate budget), then {@link #requireTenant} once the tenant is
 * known. While {@code TM_AUTH=off} every request is an {@linkplain Caller#unauthenticated()
 * unauthenticated} caller allowed everything.
 */
final class Access {
  private final Optional<Authenticator> authenticator;
  private final boolean resolveOpen;

  /**
   * @param authenticator empty while authentication is off
   * @param resolveOpen whether resolve answers without a token ({@code TM_AUTH_RESOLVE=open})
   */
  Access(Optional<Authenticator> authenticator, boolean resolveOpen) {
    this.authenticator = authenticator;
    this.resolveOpen = resolveOpen;
  }

  /**
   * The request's caller, who must have {@code scope} for some tenant.
   *
   * @throws dev.trafficmanager.api.auth.AuthenticationException without a valid token (401)
   * @throws AccessDeniedException when the token lacks the scope (403)
   */
  Caller require(Context ctx, Scope scope) {
    Caller caller =
        authenticator
            .map(a -> a.authenticate(Optional.ofNullable(ctx.header(Header.AUTHORIZATION))))
            .orElseGet(Caller::unauthenticated);
    if (!caller.has(scope)) {
      throw new AccessDeniedException(
          "the token " + caller.name() + " does not have the scope " + scope.wireName());
    }
    return caller;
  }

  /** As {@link #require} for resolve, which needs no token while {@code TM_AUTH_RESOLVE=open}. */
  Optional<Caller> requireForResolve(Context ctx) {
    return resolveOpen ? Optional.empty() : Optional.of(require(ctx, Scope.ROUTES_READ));
  }

  /**
   * @throws AccessDeniedException unless the caller has {@code scope} for {@code tenant} (403)
   */
  static void requireTenant(Caller caller, Scope scope, String tenant) {
    if (!caller.may(scope, tenant)) {
      throw new AccessDeniedException(
          "the token "
              + caller.name()
              + " does not have the scope "
              + scope.wireName()
              + " for the tenant "
              + tenant);
    }
  }
}
