package dev.trafficmanager.app;

import static java.time.Duration.ofSeconds;
import static org.awaitility.Awaitility.await;

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
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
}
