package dev.trafficmanager.consumers;

import static dev.trafficmanager.consumers.TestChanges.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.runner.ConsumerMetrics;
import dev.trafficmanager.consumers.runner.RunnerSettings;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.embedded.EmbeddedRedisServer;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.testkit.InvalidationSubscriber;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The cache-invalidation consumer against a real broker and a real Redis. */
@ExtendWith(SharedServers.class)
class CacheInvalidationConsumerTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final RouteKey ROUTE = RouteKey.parse("acme/billing/prod/v1");
  private static final String NAME = ConsumerService.CACHE_INVALIDATION;

  @Test
  void aChangeDeletesTheCachedRoutePublishesItsInvalidationAndCommitsPastIt(TestEnvironment env) {
    env.createTopics();
    RedisSettings redis = env.redis();
    String key = redis.keys().route(ROUTE);
    withRedis(redis, commands -> commands.set(key, "stale"));

    try (RouteChangesTopic topic = new RouteChangesTopic(env);
        InvalidationSubscriber subscriber = new InvalidationSubscriber(redis);
        ConsumerService service = new ConsumerService(NAME, env.settings())) {
      RecordMetadata written = topic.send(change(ROUTE, 2));
      service.start();

      await("cache entry deleted")
          .atMost(BOUND)
          .until(() -> withRedis(redis, commands -> commands.exists(key)) == 0L);
      await("invalidation published")
          .atMost(BOUND)
          .until(subscriber::messages, m -> m.contains("acme/billing/prod/v1 2"));
      await("offset committed past the change")
          .atMost(BOUND)
          .until(() -> topic.committed(NAME, written) == written.offset() + 1);
    }
  }

  @Test
  void whileRedisIsDownNothingIsCommittedAndTheChangeIsAppliedWhenItReturns(
      TestEnvironment env, @TempDir Path redisData) {
    env.createTopics();
    EmbeddedRedisServer redisServer = new EmbeddedRedisServer(redisData, 0);
    Settings settings =
        env.with(
            Map.of(
                RedisSettings.URL, redisServer.url(),
                RunnerSettings.RETRY_INITIAL_BACKOFF, "50ms",
                RunnerSettings.RETRY_MAX_BACKOFF, "500ms"));
    RedisSettings redis = RedisSettings.from(settings);
    String key = redis.keys().route(ROUTE);
    try (RouteChangesTopic topic = new RouteChangesTopic(env);
        ServiceContext context =
            ServiceContext.create(
                settings, "test", DatabaseFailures.OUTAGE, RedisFailures.OUTAGE)) {
      // The stale entry lives in Redis's snapshot, so it is there again the moment Redis is back.
      redisServer.start();
      withRedis(redis, commands -> commands.set(key, "stale"));
      redisServer.stop();
      RecordMetadata written = topic.send(change(ROUTE, 3));
      ConsumerMeters meters = new ConsumerMeters(context.meters(), NAME);

      try (ConsumerService service = new ConsumerService(NAME, context)) {
        service.start();
        await("the invalidation failed twice")
            .atMost(BOUND)
            .until(() -> meters.value(ConsumerMetrics.RETRIES) >= 2);
        assertThat(topic.committed(NAME, written)).isEqualTo(-1L);
        assertThat(service.isRunning()).isTrue();

        redisServer.start();
        long restored = withRedis(redis, commands -> commands.exists(key));
        assertThat(restored).isEqualTo(1L);

        await("cache entry deleted")
            .atMost(BOUND)
            .until(() -> withRedis(redis, commands -> commands.exists(key)) == 0L);
        await("offset committed past the change")
            .atMost(BOUND)
            .until(() -> topic.committed(NAME, written) == written.offset() + 1);
        assertThat(meters.deadLettered()).isZero();
      }
    } finally {
      redisServer.close();
    }
  }

  @Test
  void closeStopsTheConsumerAndMayBeRepeated(TestEnvironment env) {
    env.createTopics();
    ConsumerService service = new ConsumerService(NAME, env.settings());
    service.start();
    await("consumer running").atMost(BOUND).until(service::isRunning);

    service.close();
    service.close();

    assertThat(service.isRunning()).isFalse();
  }

  static <T> T withRedis(RedisSettings redis, Function<RedisCommands<String, String>, T> use) {
    RedisClient client = redis.newClient();
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      return use.apply(connection.sync());
    } finally {
      client.shutdown();
    }
  }
}
