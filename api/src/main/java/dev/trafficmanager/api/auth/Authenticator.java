package dev.trafficmanager.api.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.trafficmanager.database.DatabaseFailures;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a request's {@code Authorization: Bearer …} header into its {@link Caller}, or refuses it
 * with an {@link AuthenticationException} (401).
 *
 * <p>What PostgreSQL says about a token is kept in memory for {@code TM_AUTH_CACHE_TTL} (5 s), so a
 * busy client costs one lookup per TTL, not one per request; a token revoked on any instance is
 * therefore refused by every instance within that TTL (at once by the instance that revoked it).
 * Expiry is checked against the clock on every request, cached or not. While PostgreSQL cannot be
 * reached, a token looked up in the last {@value #STALE_MINUTES} minutes keeps its last known
 * answer, so that resolves served from the caches go on; nobody can revoke a token meanwhile
 * anyway.
 *
 * <p>{@code last_used_at} is written at most once a minute per token and instance; a failure to
 * write it fails no request.
 */
public final class Authenticator {
  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
  static final long STALE_MINUTES = 10;
  private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);
  private static final String BEARER = "bearer ";

  private final TokenLookup store;
  private final Duration ttl;
  private final Clock clock;
  private final Cache<ByteBuffer, Lookup> lookups;
  private final Cache<Long, Boolean> touched;

  public Authenticator(TokenLookup store, Duration ttl, Clock clock) {
    this.store = store;
    this.ttl = ttl;
    this.clock = clock;
    this.lookups =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(STALE_MINUTES))
            .build();
    this.touched =
        Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(TOUCH_INTERVAL).build();
  }

  /**
   * The caller a request's {@code Authorization} header names.
   *
   * @param authorization the header's value; empty when there is none
   * @throws AuthenticationException no header, not {@code Bearer}, or a token that is malformed,
   *     unknown, expired or revoked
   * @throws RuntimeException PostgreSQL's failure, when it cannot be asked and there is no recent
   *     answer to fall back on
   */
  public Caller authenticate(Optional<String> authorization) {
    String header =
        authorization.orElseThrow(
            () ->
                new AuthenticationException(
                    "a bearer token is required (Authorization: Bearer <token>)", false));
    if (header.length() <= BEARER.length()
        || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      throw new AuthenticationException(
          "the Authorization header must be Bearer followed by a token", true);
    }
    String token = header.substring(BEARER.length()).strip();
    if (!TokenSecrets.isWellFormed(token)) {
      throw new AuthenticationException("the bearer token is malformed", true);
    }
    Lookup found = lookup(TokenSecrets.hash(token));
    TokenView view =
        found
            .token()
            .orElseThrow(() -> new AuthenticationException("the token is not known", true));
    Instant now = clock.instant();
    view.refusal(now)
        .ifPresent(
            reason -> {
              throw new AuthenticationException(reason, true);
            });
    touch(view.id(), now);
    return found.caller();
  }

  /** Forgets every lookup: after a token was revoked here, every request looks again. */
  public void forgetAll() {
    lookups.invalidateAll();
  }

  private Lookup lookup(byte[] hash) {
    ByteBuffer key = ByteBuffer.wrap(hash);
    long nowNanos = System.nanoTime();
    Lookup cached = lookups.getIfPresent(key);
    if (cached != null && nowNanos - cached.readAtNanos() < ttl.toNanos()) {
      return cached;
    }
    Optional<TokenView> token;
    try {
      token = store.find(hash);
    } catch (RuntimeException e) {
      if (cached != null && isOutage(e)) {
        log.debug("event=token_lookup_stale error={}", e.toString());
        return cached;
      }
      throw e;
    }
    Lookup fresh = new Lookup(token, token.map(TokenView::caller).orElse(null), nowNanos);
    lookups.put(key, fresh);
    return fresh;
  }

  private void touch(long id, Instant now) {
    if (touched.asMap().putIfAbsent(id, Boolean.TRUE) != null) {
      return;
    }
    try {
      store.touch(id, now);
    } catch (RuntimeException e) {
      log.debug("event=token_last_used_not_written token_id={} error={}", id, e.toString());
    }
  }

  private static boolean isOutage(RuntimeException e) {
    return e instanceof CallNotPermittedException || DatabaseFailures.isTransient(e);
  }

  /** What PostgreSQL said about a token, and its caller, made once per lookup, not per request. */
  private record Lookup(Optional<TokenView> token, Caller caller, long readAtNanos) {}
}
