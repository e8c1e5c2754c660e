package dev.trafficmanager.api.health;

import dev.trafficmanager.api.resolve.CacheConnection;
import dev.trafficmanager.api.resolve.RouteInvalidations;
import dev.trafficmanager.health.ComponentHealth;
import dev.trafficmanager.health.HealthCheck;
import dev.trafficmanager.health.HealthStatus;
import dev.trafficmanager.resilience.Dependency;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The health of the resolve cache, from state the API already keeps (no call to Redis): DOWN while
 * there is no connection or the {@code redis} breaker is open, DEGRADED while it is half-open, UP
 * otherwise. The API registers it as optional: without Redis, resolve answers from PostgreSQL. Its
 * detail also says whether the near cache receives invalidations ({@code near_cache}: {@code
 * subscribed}, {@code unsubscribed}, or {@code disabled}), and while Redis refuses this API's
 * password, why ({@code error}).
 */
public final class CacheHealth implements HealthCheck {
  private final CacheConnection connection;
  private final HealthCheck breaker;
  private final RouteInvalidations invalidations;

  /**
   * @param invalidations the near cache's subscription, or {@code null} when the near cache is
   *     disabled
   */
  public CacheHealth(
      CacheConnection connection, CircuitBreaker breaker, RouteInvalidations invalidations) {
    this.connection = connection;
    this.breaker = HealthCheck.of(breaker);
    this.invalidations = invalidations;
  }

  @Override
  public ComponentHealth check() {
    boolean connected = connection.isConnected();
    ComponentHealth breakerHealth = breaker.check();
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("connected", connected);
    detail.putAll(breakerHealth.detail());
    detail.put("near_cache", nearCacheState());
    HealthStatus status = connected ? breakerHealth.status() : HealthStatus.DOWN;
    if (status == HealthStatus.DOWN) {
      detail.put("reason", "resolve answers from PostgreSQL without the cache");
      connection.refusedCredentials().ifPresent(problem -> detail.put("error", problem));
    }
    return new ComponentHealth(Dependency.REDIS.wireName(), status, detail);
  }

  private String nearCacheState() {
    if (invalidations == null) {
      return "disabled";
    }
    return invalidations.isSubscribed() ? "subscribed" : "unsubscribed";
  }
}
