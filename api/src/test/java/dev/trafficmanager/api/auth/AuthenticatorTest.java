package dev.trafficmanager.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

  private final String token = new TokenSecrets(new SecureRandom()).generate();
  private final FakeTokens tokens = new FakeTokens();
  private final MutableClock clock = new MutableClock();

  @Test
  void aKnownTokenIsItsCallerWithItsScopesAndTenants() {
    tokens.put(token, view(null, null));

    Caller caller = authenticator(Duration.ofSeconds(5)).authenticate(bearer(token));

    assertThat(caller.name()).isEqualTo("deploy-bot");
    assertThat(caller.may(Scope.ROUTES_WRITE, "acme")).isTrue();
    assertThat(caller.may(Scope.ROUTES_WRITE, "globex")).isFalse();
    assertThat(caller.has(Scope.ROUTES_READ)).isFalse();
    assertThat(caller.authenticated()).isTrue();
  }

  @Test
  void expiryIsCheckedOnEveryRequestEvenForACachedLookup() {
    tokens.put(token, view(NOW.plusSeconds(10), null));
    Authenticator authenticator = authenticator(Duration.ofMinutes(1));
    authenticator.authenticate(bearer(token));

    clock.now = NOW.plusSeconds(10);

    assertThatThrownBy(() -> authenticator.authenticate(bearer(token)))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("the token has expired");
    assertThat(tokens.finds).isEqualTo(1);
  }

  @Test
  void aRevokedTokenIsRefusedOnceTheCachedLookupIsOlderThanTheTtl() {
    tokens.put(token, view(null, null));
    Authenticator cached = authenticator(Duration.ofHours(1));
    Authenticator uncached = authenticator(Duration.ZERO);
    cached.authenticate(bearer(token));
    uncached.authenticate(bearer(token));

    tokens.put(token, view(null, NOW));

    assertThat(cached.authenticate(bearer(token)).name())
        .as("within the TTL")
        .isEqualTo("deploy-bot");
    assertThatThrownBy(() -> uncached.authenticate(bearer(token)))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("the token was revoked");
    cached.forgetAll();
    assertThatThrownBy(() -> cached.authenticate(bearer(token)))
        .isInstanceOf(AuthenticationException.class);
  }

  @Test
  void lastUseIsWrittenOncePerMinuteNotPerRequest() {
    tokens.put(token, view(null, null));
    Authenticator authenticator = authenticator(Duration.ZERO);

    for (int i = 0; i < 100; i++) {
      authenticator.authenticate(bearer(token));
    }

    assertThat(tokens.touches).containsExactly(NOW);
  }

  @Test
  void whilePostgresqlIsUnreachableTheLastAnswerStands() {
    tokens.put(token, view(null, null));
    Authenticator authenticator = authenticator(Duration.ZERO);
    authenticator.authenticate(bearer(token));

    tokens.failure =
        CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("db"));

    assertThat(authenticator.authenticate(bearer(token)).name()).isEqualTo("deploy-bot");
    String other = new TokenSecrets(new SecureRandom()).generate();
    assertThatThrownBy(() -> authenticator.authenticate(bearer(other)))
        .isInstanceOf(CallNotPermittedException.class);
  }

  @Test
  void noMalformedOrForeignHeaderIsLookedUp() {
    Authenticator authenticator = authenticator(Duration.ZERO);

    for (String header : List.of("Bearer", "Bearer tm_short", "Basic dXNlcjpwYXNz", "tm_x")) {
      assertThatThrownBy(() -> authenticator.authenticate(Optional.of(header)))
          .isInstanceOf(AuthenticationException.class)
          .satisfies(e -> assertThat(((AuthenticationException) e).tokenPresented()).isTrue())
          .satisfies(
              e -> assertThat(e.getMessage()).doesNotContain("tm_short", "dXNlcjpwYXNz", "tm_x"));
    }
    assertThatThrownBy(() -> authenticator.authenticate(Optional.empty()))
        .isInstanceOf(AuthenticationException.class)
        .satisfies(e -> assertThat(((AuthenticationException) e).tokenPresented()).isFalse());
    assertThat(tokens.finds).isZero();
  }

  @Test
  void theSchemeIsCaseInsensitiveAndAnUnknownTokenIsRefused() {
    tokens.put(token, view(null, null));
    Authenticator authenticator = authenticator(Duration.ZERO);

    assertThat(authenticator.authenticate(Optional.of("bearer " + token)).name())
        .isEqualTo("deploy-bot");
    assertThatThrownBy(
            () ->
                authenticator.authenticate(bearer(new TokenSecrets(new SecureRandom()).generate())))
        .hasMessage("the token is not known");
  }

  private Authenticator authenticator(Duration ttl) {
    return new Authenticator(tokens, ttl, clock);
  }

  private static Optional<String> bearer(String token) {
    return Optional.of("Bearer " + token);
  }

  private static TokenView view(Instant expires, Instant revoked) {
    return new TokenView(
        7,
        "deploy-bot",
        List.of("acme"),
        List.of("routes:write"),
        NOW.minusSeconds(60),
        expires,
        revoked,
        null);
  }

  private static final class FakeTokens implements TokenLookup {
    private final Map<ByteBuffer, TokenView> byHash = new HashMap<>();
    private final List<Instant> touches = new ArrayList<>();
    private RuntimeException failure;
    private int finds;

    void put(String token, TokenView view) {
      byHash.put(ByteBuffer.wrap(TokenSecrets.hash(token)), view);
    }

    @Override
    public Optional<TokenView> find(byte[] hash) {
      if (failure != null) {
        throw failure;
      }
      finds++;
      return Optional.ofNullable(byHash.get(ByteBuffer.wrap(hash)));
    }

    @Override
    public void touch(long id, Instant now) {
      touches.add(now);
    }
  }

  private static final class MutableClock extends Clock {
    private Instant now = NOW;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
