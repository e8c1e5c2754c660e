package dev.trafficmanager.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.testkit.TestTokens;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import java.util.stream.StreamSupport;

/**
 * An {@link ApiService} started on a context of the test's own, as the app starts it, so that the
 * test can read the process's breakers, budgets and meters; closed together. Its {@link #client()}
 * carries an admin token made for it in its database.
 */
final class RunningApi implements AutoCloseable {
  private final ServiceContext context;
  private final ApiService api;
  private final ApiClient client;
  private final String adminToken;

  private RunningApi(ServiceContext context, ApiService api) {
    this.context = context;
    this.api = api;
    this.adminToken = TestTokens.admin(context.settings());
    this.client = new ApiClient(api.httpPort(), adminToken);
  }

  static RunningApi start(Settings settings) {
    ServiceContext context =
        ServiceContext.create(settings, "api-test", DatabaseFailures.OUTAGE, RedisFailures.OUTAGE);
    ApiService api = new ApiService(context);
    try {
      api.start();
      return new RunningApi(context, api);
    } catch (RuntimeException e) {
      api.close();
      context.close();
      throw e;
    }
  }

  ServiceContext context() {
    return context;
  }

  ApiService api() {
    return api;
  }

  /** The client, with an admin token. */
  ApiClient client() {
    return client;
  }

  /** The admin token made for this API. */
  String adminToken() {
    return adminToken;
  }

  CircuitBreaker breaker(Dependency dependency) {
    return context.resilience().breaker(dependency);
  }

  /** A counter's count, 0 while it does not exist yet. */
  double count(String name, String... tags) {
    Counter counter = context.meters().find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  /** One component of a {@code /health/ready} body. */
  static JsonNode component(JsonNode readiness, String name) {
    return StreamSupport.stream(readiness.path("components").spliterator(), false)
        .filter(c -> c.path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no component " + name + " in " + readiness));
  }

  /** One entry of a {@code /health/resilience} list ({@code circuit_breakers}, …) by name. */
  static JsonNode named(JsonNode resilience, String list, String key, String name) {
    return StreamSupport.stream(resilience.path(list).spliterator(), false)
        .filter(c -> c.path(key).asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + list + ": " + resilience));
  }

  @Override
  public void close() {
    try {
      api.close();
    } finally {
      context.close();
    }
  }
}
