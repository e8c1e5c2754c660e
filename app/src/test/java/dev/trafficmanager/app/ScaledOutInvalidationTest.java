package dev.trafficmanager.app;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.api.ApiService;
import dev.trafficmanager.api.resolve.NearCacheSettings;
import dev.trafficmanager.cache.CacheSettings;
import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.ConsumerService;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.processor.ProcessorService;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scale-out: two API instances on one environment, as behind a load balancer. An instance evicts
 * its own near cache on its own writes; another one learns of them only from the cache-invalidation
 * consumer's publish. Both caches keep an answer far longer than these tests wait, so a change can
 * reach the other instance in time through that publish alone; without the consumer it does not.
 */
@ExtendWith(SharedServers.class)
class ScaledOutInvalidationTest {
  private static final String LONGER_THAN_ANY_WAIT = "10m";
  private static final Duration PROPAGATION_BOUND = ofSeconds(30);
  private static final RouteKey ROUTE = new RouteKey("acme", "checkout", "prod", "v1");
  private static final String URL = "https://checkout.acme.example/v1";
  private static final String NEW_URL = "https://checkout-next.acme.example/v1";

  @Test
  void aChangeWrittenThroughOneApiReachesAnotherApisNearCacheWithoutWaitingForItsTtl(
      TestEnvironment env) throws Exception {
    withRouteCreatedThroughAResolvedOnB(
        env,
        (invalidation, a, b) -> {
          invalidation.start();
          // From here on the pipeline is warm, so the times measured are not its start-up.
          await("the creation's invalidation has reached B")
              .atMost(PROPAGATION_BOUND)
              .until(b::invalidationsReceived, received -> received >= 1);
          b.assertAnswersFromItsNearCache(ROUTE, URL);

          long urlChanged = a.changeUrl(ROUTE, NEW_URL);
          Duration urlPropagation =
              b.awaitAnswer(
                  "B resolves the URL changed through A", ROUTE, urlChanged, NEW_URL::equals);
          b.assertAnswersFromItsNearCache(ROUTE, NEW_URL);

          long deactivated = a.deactivate(ROUTE);
          Duration deactivationPropagation =
              b.awaitAnswer(
                  "B stops resolving the route deactivated through A",
                  ROUTE,
                  deactivated,
                  Objects::isNull);

          System.out.printf(
              Locale.ROOT,
              "A's write acknowledged -> B's first answer reflecting it: url change %d ms,"
                  + " deactivation %d ms%n",
              urlPropagation.toMillis(),
              deactivationPropagation.toMillis());
        });
  }

  @Test
  void withoutTheInvalidationConsumerAnotherApiKeepsItsNearCachedAnswerUntilTheConsumerRuns(
      TestEnvironment env) throws Exception {
    withRouteCreatedThroughAResolvedOnB(
        env,
        (invalidation, a, b) -> {
          a.deactivate(ROUTE);

          // The deactivation has gone through the processor to the consumers: all that is
          // missing is the invalidation consumer's publish.
          String cacheKey = env.redis().keys().route(ROUTE);
          try (RedisClient redis = env.redis().newClient();
              StatefulRedisConnection<String, String> connection = redis.connect()) {
            await("cache-warming has cached the deactivation in Redis")
                .atMost(PROPAGATION_BOUND)
                .until(
                    () -> connection.sync().get(cacheKey),
                    ScaledOutInvalidationTest::isDeactivation);
          }
          await("B keeps resolving from its near cache")
              .during(ofSeconds(2))
              .atMost(PROPAGATION_BOUND)
              .until(() -> b.resolvedUrl(ROUTE), URL::equals);

          long consumerStarted = System.nanoTime();
          invalidation.start();
          Duration propagation =
              b.awaitAnswer(
                  "B stops resolving once the invalidation consumer runs",
                  ROUTE,
                  consumerStarted,
                  Objects::isNull);
          System.out.printf(
              Locale.ROOT,
              "invalidation consumer started -> B stops resolving the deactivated route: %d ms%n",
              propagation.toMillis());
        });
  }

  /**
   * Runs the processor, cache-warming and APIs A and B on the environment, with both caches' TTLs
   * far beyond any wait; creates {@link #ROUTE} through A and waits until B resolves it, then hands
   * over with the cache-invalidation consumer not started yet.
   */
  private static void withRouteCreatedThroughAResolvedOnB(
      TestEnvironment env, ScaledOutScenario scenario) throws Exception {
    Settings settings = withLongTtls(env);
    env.createTopics();
    try (ServiceContext pipeline =
            ServiceContext.create(
                settings, "pipeline", DatabaseFailures.OUTAGE, RedisFailures.OUTAGE);
        ConsumerService invalidation =
            new ConsumerService(ConsumerService.CACHE_INVALIDATION, pipeline);
        ConsumerService warming = new ConsumerService(ConsumerService.CACHE_WARMING, pipeline);
        ProcessorService processor = new ProcessorService(pipeline);
        ApiInstance a = ApiInstance.start(settings, "api-a");
        ApiInstance b = ApiInstance.start(settings, "api-b")) {
      warming.start();
      processor.start();
      b.awaitSubscribedToInvalidations();

      a.create(ROUTE, URL);
      await("B resolves the route created through A")
          .atMost(PROPAGATION_BOUND)
          .until(() -> b.resolvedUrl(ROUTE), URL::equals);

      scenario.run(invalidation, a, b);
    }
  }

  @FunctionalInterface
  private interface ScaledOutScenario {
    void run(ConsumerService invalidation, ApiInstance a, ApiInstance b) throws Exception;
  }

  private static Settings withLongTtls(TestEnvironment env) {
    return env.with(
        Map.of(
            NearCacheSettings.TTL, LONGER_THAN_ANY_WAIT, CacheSettings.TTL, LONGER_THAN_ANY_WAIT));
  }

  private static boolean isDeactivation(String cached) {
    if (cached == null) {
      return false;
    }
    CacheEntry entry = CacheEntry.parse(cached);
    return entry.revision() == 2 && !entry.resolves();
  }

  /**
   * One API instance as a process of its own runs it: its own context (so its own meters), its own
   * HTTP port, the environment's database, Redis key prefix and topics.
   */
  private static final class ApiInstance implements AutoCloseable {
    private static final ObjectMapper json = new ObjectMapper();

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

    /** Invalidations published before the subscription would be lost, not applied late. */
    void awaitSubscribedToInvalidations() {
      await("the near cache is subscribed to invalidations")
          .atMost(PROPAGATION_BOUND)
          .until(() -> "subscribed".equals(redisHealth().path("near_cache").asText()));
    }

    private JsonNode redisHealth() throws IOException, InterruptedException {
      for (JsonNode component :
          json.readTree(client.get("/health/ready").body()).get("components")) {
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
          .pollInterval(ofMillis(20))
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
}
