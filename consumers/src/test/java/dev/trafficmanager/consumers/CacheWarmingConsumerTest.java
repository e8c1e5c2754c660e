package dev.trafficmanager.consumers;

import static dev.trafficmanager.consumers.CacheInvalidationConsumerTest.withRedis;
import static dev.trafficmanager.consumers.TestChanges.change;
import static dev.trafficmanager.consumers.TestChanges.deactivation;
import static dev.trafficmanager.consumers.TestChanges.url;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The cache-warming consumer against a real broker and a real Redis. */
@ExtendWith(SharedServers.class)
class CacheWarmingConsumerTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final RouteKey ROUTE = RouteKey.parse("acme/billing/prod/v1");
  private static final RouteKey OTHER_ROUTE = RouteKey.parse("acme/search/prod/v1");
  private static final String NAME = ConsumerService.CACHE_WARMING;

  @Test
  void changesWarmTheCacheWithEachRoutesLatestStateAndAreCommitted(TestEnvironment env) {
    env.createTopics();
    RedisSettings redis = env.redis();
    try (RouteChangesTopic topic = new RouteChangesTopic(env);
        ConsumerService service = new ConsumerService(NAME, env.settings())) {
      topic.send(change(ROUTE, 1));
      topic.send(change(ROUTE, 2));
      RecordMetadata deactivated = topic.send(deactivation(OTHER_ROUTE, 2));

      service.start();

      await("the active route resolves from the cache at its latest revision")
          .atMost(BOUND)
          .until(
              () ->
                  cached(redis, ROUTE).equals(Optional.of(CacheEntry.resolving(url(ROUTE, 2), 2))));
      await("the deactivated route is cached as missing")
          .atMost(BOUND)
          .until(() -> cached(redis, OTHER_ROUTE).equals(Optional.of(CacheEntry.missing(2))));
      await("every change committed")
          .atMost(BOUND)
          .until(() -> topic.committed(NAME, deactivated) == deactivated.offset() + 1);
    }
  }

  static Optional<CacheEntry> cached(RedisSettings redis, RouteKey route) {
    return Optional.ofNullable(
            withRedis(redis, commands -> commands.get(redis.keys().route(route))))
        .map(CacheEntry::parse);
  }
}
