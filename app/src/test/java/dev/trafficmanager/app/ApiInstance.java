package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.api.ApiService;
import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.service.ServiceContext;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * One API instance as a process of its own runs it: its own context (so its own meters), its own
 * HTTP port, the environment's database, Redis key prefix and topics.
 */
final class ApiInstance implements AutoCloseable {
  private static final ObjectMapper json = new ObjectMapper();
  private static final Duration PROPAGATION_BOUND = Duration.ofSeconds(30);

  private final ServiceContext context;
  private final ApiService api;
  private final PipelineScenario client;

  private ApiInstance(ServiceContext context, ApiService api, PipelineScenario client) {
    this.context = context;
    this.api = api;
    this.client = client;
  }

  static ApiInstance start(Settings settings, String name) {
    ServiceContext context =
        ServiceContext.create(settings, name, DatabaseFailures.OUTAGE, RedisFailures.OUTAGE);
    ApiService api = new ApiService(context);
    try {
      api.start();
    } catch (RuntimeException e) {
      context.close();
      throw e;
    }
    return new ApiInstance(context, api, new PipelineScenario(api.httpPort(), settings));
  }

  /** The instance's HTTP client, with an admin token. */
  PipelineScenario client() {
    return client;
  }

  /** The version this instance's resolve without a version picks for the hash key. */
  String picked(String tenant, String service, String env, String hashKey)
      throws IOException, InterruptedException {
    HttpResponse<String> resolved =
        client.get(
            "/api/v1/routes/resolve?tenant=%s&service=%s&env=%s&hash_key=%s"
                .formatted(tenant, service, env, hashKey));
    assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
    return json.readTree(resolved.body()).path("picked").path("version").asText();
  }

  /** Invalidations published before the subscription would be lost, not applied late. */
  void awaitSubscribedToInvalidations() {
    await("the near cache is subscribed to invalidations")
        .atMost(PROPAGATION_BOUND)
        .until(() -> "subscribed".equals(redisHealth().path("near_cache").asText()));
  }

  private JsonNode redisHealth() throws IOException, InterruptedException {
    for (JsonNode component : json.readTree(client.get("/health/ready").body()).get("components")) {
      if (component.path("name").asText().equals("redis")) {
        return component;
      }
    }
    return json.missingNode();
  }

  void create(RouteKey route, String url) throws IOException, InterruptedException {
    acknowledged(
        201,
        client.post(
            "/api/v1/routes",
            """
            {"tenant":"%s","service":"%s","env":"%s","version":"%s","url":"%s"}"""
                .formatted(route.tenant(), route.service(), route.env(), route.version(), url)));
  }

  /**
   * @return when the write was acknowledged, on {@link System#nanoTime()}
   */
  long changeUrl(RouteKey route, String url) throws IOException, InterruptedException {
    return acknowledged(
        200, client.put("/api/v1/routes/" + route, "{\"url\":\"%s\"}".formatted(url)));
  }

  /**
   * @return when the write was acknowledged, on {@link System#nanoTime()}
   */
  long deactivate(RouteKey route) throws IOException, InterruptedException {
    return acknowledged(
        200,
        client.post(
            "/api/v1/routes/deactivate",
            """
            {"tenant":"%s","service":"%s","env":"%s","version":"%s"}"""
                .formatted(route.tenant(), route.service(), route.env(), route.version())));
  }

  private static long acknowledged(int status, HttpResponse<String> response) {
    long at = System.nanoTime();
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return at;
  }

  /** The URL this instance resolves the route to, or null when it answers 404. */
  String resolvedUrl(RouteKey route) throws IOException, InterruptedException {
    HttpResponse<String> resolved =
        client.get(
            "/api/v1/routes/resolve?tenant=%s&service=%s&env=%s&version=%s"
                .formatted(route.tenant(), route.service(), route.env(), route.version()));
    if (resolved.statusCode() == 404) {
      return null;
    }
    assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
    return json.readTree(resolved.body()).get("url").asText();
  }

  void assertAnswersFromItsNearCache(RouteKey route, String url) throws Exception {
    double hits = nearCacheHits();
    assertThat(resolvedUrl(route)).isEqualTo(url);
    assertThat(nearCacheHits()).as("near-cache hits").isEqualTo(hits + 1);
  }

  /** {@code tm_resolve_near_cache_requests_total{result="hit"}} of this instance. */
  private double nearCacheHits() {
    return context
        .meters()
        .get("tm.resolve.near.cache.requests")
        .tag("result", "hit")
        .counter()
        .count();
  }

  /** {@code tm_resolve_near_cache_invalidations_received_total} of this instance. */
  double invalidationsReceived() {
    return context.meters().get("tm.resolve.near.cache.invalidations.received").counter().count();
  }

  /**
   * Resolves the route until this instance's answer passes {@code reflects}.
   *
   * @param since a {@link System#nanoTime()}
   * @return from {@code since} to the first answer that passed
   */
  Duration awaitAnswer(String alias, RouteKey route, long since, Predicate<String> reflects) {
    AtomicLong answered = new AtomicLong();
    await(alias)
        .atMost(PROPAGATION_BOUND)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              String url = resolvedUrl(route);
              answered.set(System.nanoTime());
              return reflects.test(url);
            });
    return Duration.ofNanos(answered.get() - since);
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
