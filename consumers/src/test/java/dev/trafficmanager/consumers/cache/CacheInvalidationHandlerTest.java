package dev.trafficmanager.consumers.cache;

import static dev.trafficmanager.consumers.TestChanges.apply;
import static dev.trafficmanager.consumers.TestChanges.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.TestChanges;
import dev.trafficmanager.consumers.runner.BatchResult;
import dev.trafficmanager.embedded.EmbeddedRedisServer;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.testkit.InvalidationSubscriber;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.CommandType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedServers.class)
class CacheInvalidationHandlerTest {
  private static final RouteKey ROUTE = RouteKey.parse("acme/billing/prod/v1");
  private static final RouteKey OTHER_ROUTE = RouteKey.parse("acme/search/prod/v1");
  private static final Duration BOUND = Duration.ofSeconds(30);

  @Test
  void deletesTheChangedRoutesEntryAndNoOtherEvenWhenDeliveredTwice(TestEnvironment env) {
    RedisSettings redis = env.redis();
    RedisClient client = redis.newClient();
    try (StatefulRedisConnection<String, String> connection = client.connect();
        CacheInvalidationHandler handler = new CacheInvalidationHandler(client, redis.keys())) {
      RedisCommands<String, String> commands = connection.sync();
      commands.set(redis.keys().route(ROUTE), "stale");
      commands.set(redis.keys().route(OTHER_ROUTE), "fresh");

      apply(handler, change(ROUTE, 2));
      // Delivered again, as at-least-once delivery may: the entry is already gone.
      apply(handler, change(ROUTE, 2));

      assertThat(commands.exists(redis.keys().route(ROUTE))).isZero();
      assertThat(commands.get(redis.keys().route(OTHER_ROUTE))).isEqualTo("fresh");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void theWarmedEntrySurvivesItsOwnInvalidationAndAStaleOneDoesNot(TestEnvironment env) {
    RedisSettings redis = env.redis();
    RedisClient client = redis.newClient();
    String key = redis.keys().route(ROUTE);
    String otherKey = redis.keys().route(OTHER_ROUTE);
    try (StatefulRedisConnection<String, String> connection = client.connect();
        InvalidationSubscriber subscriber = new InvalidationSubscriber(redis);
        CacheInvalidationHandler handler = new CacheInvalidationHandler(client, redis.keys())) {
      RedisCommands<String, String> commands = connection.sync();
      // What cache warming wrote for revision 2 of ROUTE; an entry of revision 4 of OTHER_ROUTE
      // that revision 5 makes stale.
      String warmed = CacheEntry.resolving("https://billing.example/v2", 2).toJson();
      commands.set(key, warmed);
      commands.set(otherKey, CacheEntry.resolving("https://search.example/v4", 4).toJson());

      BatchResult result = handler.apply(List.of(change(ROUTE, 2), change(OTHER_ROUTE, 5)));

      assertThat(result).isEqualTo(BatchResult.all(2));
      assertThat(commands.get(key)).isEqualTo(warmed);
      assertThat(commands.exists(otherKey)).isZero();
      // Both published all the same: near caches drop what is older than each revision.
      await("both invalidations received")
          .atMost(BOUND)
          .until(subscriber::messages, m -> m.size() >= 2);
      assertThat(subscriber.messages())
          .containsExactly("acme/billing/prod/v1 2", "acme/search/prod/v1 5");

      // The next revision makes the warmed entry stale too.
      apply(handler, change(ROUTE, 3));
      assertThat(commands.exists(key)).isZero();
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aChangeThatFailsEndsTheBatchThereWithEveryChangeBeforeItAppliedAndNoneAfterIt(
      TestEnvironment env) {
    RedisSettings redis = env.redis();
    RedisClient client = redis.newClient();
    // Past the first script call's group, so that the failure's index counts the whole batch.
    int failing = CacheInvalidationHandler.CHANGES_PER_CALL + 30;
    List<RouteKey> routes = new ArrayList<>();
    List<RouteChange> changes = new ArrayList<>();
    for (int i = 0; i < failing + 20; i++) {
      RouteKey route = RouteKey.parse("acme/service-" + i + "/prod/v1");
      routes.add(route);
      changes.add(change(route, 2));
    }
    try (StatefulRedisConnection<String, String> connection = client.connect();
        InvalidationSubscriber subscriber = new InvalidationSubscriber(redis);
        CacheInvalidationHandler handler = new CacheInvalidationHandler(client, redis.keys())) {
      RedisCommands<String, String> commands = connection.sync();
      String stale = CacheEntry.resolving("https://stale.example", 1).toJson();
      routes.forEach(route -> commands.set(redis.keys().route(route), stale));
      // Not an entry Redis can GET: the script's command for this change fails.
      commands.del(redis.keys().route(routes.get(failing)));
      commands.hset(redis.keys().route(routes.get(failing)), "revision", "1");

      BatchResult result = handler.apply(changes);

      assertThat(result.applied()).isEqualTo(failing);
      assertThat(result.failure())
          .get()
          .isInstanceOf(RedisCommandExecutionException.class)
          .matches(e -> e.getMessage().startsWith("WRONGTYPE"), "WRONGTYPE")
          .matches(e -> !RedisFailures.isTransient(e), "not an outage");
      for (int i = 0; i < routes.size(); i++) {
        String entry = redis.keys().route(routes.get(i));
        if (i < failing) {
          assertThat(commands.exists(entry)).as("entry %d", i).isZero();
        } else if (i > failing) {
          assertThat(commands.get(entry)).as("entry %d", i).isEqualTo(stale);
        }
      }
      await("the applied changes' invalidations received")
          .atMost(BOUND)
          .until(subscriber::messages, m -> m.size() >= failing);
      assertThat(subscriber.messages()).hasSize(failing).endsWith(routes.get(failing - 1) + " 2");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aNewerEntryStaysAndANegativeEntryWithoutRevisionOrAnUnreadableOneIsDeleted(
      TestEnvironment env) {
    RedisSettings redis = env.redis();
    RedisClient client = redis.newClient();
    RouteKey third = RouteKey.parse("acme/checkout/prod/v1");
    try (StatefulRedisConnection<String, String> connection = client.connect();
        CacheInvalidationHandler handler = new CacheInvalidationHandler(client, redis.keys())) {
      RedisCommands<String, String> commands = connection.sync();
      String newer = CacheEntry.missing(9).toJson();
      commands.set(redis.keys().route(ROUTE), newer);
      commands.set(redis.keys().route(OTHER_ROUTE), "{\"missing\":true}");
      commands.set(redis.keys().route(third), "not an entry");

      handler.apply(List.of(change(ROUTE, 3), change(OTHER_ROUTE, 3), change(third, 3)));

      assertThat(commands.get(redis.keys().route(ROUTE))).isEqualTo(newer);
      assertThat(commands.exists(redis.keys().route(OTHER_ROUTE))).isZero();
      assertThat(commands.exists(redis.keys().route(third))).isZero();
    } finally {
      client.shutdown();
    }
  }

  @Test
  void publishesTheRouteAndRevisionAfterEachDelete(TestEnvironment env) {
    RedisSettings redis = env.redis();
    RedisClient client = redis.newClient();
    try (InvalidationSubscriber subscriber = new InvalidationSubscriber(redis);
        CacheInvalidationHandler handler = new CacheInvalidationHandler(client, redis.keys())) {
      apply(handler, change(ROUTE, 2));
      apply(handler, change(OTHER_ROUTE, 5));
      apply(handler, change(ROUTE, 2));

      await("three invalidations received")
          .atMost(BOUND)
          .until(subscriber::messages, m -> m.size() >= 3);
      assertThat(subscriber.messages())
          .containsExactly(
              "acme/billing/prod/v1 2", "acme/search/prod/v1 5", "acme/billing/prod/v1 2");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void publishesASplitInvalidationForEachSplitChange(TestEnvironment env) {
    RedisSettings redis = env.redis();
    RedisClient client = redis.newClient();
    try (InvalidationSubscriber subscriber = new InvalidationSubscriber(redis);
        CacheInvalidationHandler handler = new CacheInvalidationHandler(client, redis.keys())) {
      assertThat(
              handler
                  .applySplits(
                      List.of(
                          TestChanges.split(1, Map.of("v1", 100)), TestChanges.split(2, Map.of())))
                  .applied())
          .isEqualTo(2);

      await("two split invalidations received")
          .atMost(BOUND)
          .until(subscriber::messages, m -> m.size() >= 2);
      assertThat(subscriber.messages())
          .containsExactly("split:acme/billing/prod 1", "split:acme/billing/prod 2");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aPublishThatFailsIsThrownAfterTheDeleteSoTheRunnerRetriesTheChange(TestEnvironment env) {
    RedisSettings redis = env.redis();
    // A Redis user that may do everything but PUBLISH: the delete succeeds, the publish fails.
    String user = "no-publish-" + env.id();
    RedisClient admin = redis.newClient();
    try (StatefulRedisConnection<String, String> connection = admin.connect()) {
      RedisCommands<String, String> commands = connection.sync();
      commands.aclSetuser(
          user,
          AclSetuserArgs.Builder.on()
              .addPassword("secret")
              .allKeys()
              .allChannels()
              .allCommands()
              .removeCommand(CommandType.PUBLISH));
      RedisSettings restricted =
          RedisSettings.from(
              env.with(
                  Map.of(
                      RedisSettings.URL,
                      redis
                          .url()
                          .replaceFirst("^redis://([^@/]*@)?", "redis://" + user + ":secret@"))));
      RedisClient client = restricted.newClient();
      try (CacheInvalidationHandler handler =
          new CacheInvalidationHandler(client, restricted.keys())) {
        commands.set(redis.keys().route(ROUTE), "stale");

        // PUBLISH runs inside the invalidation script, after the delete: the script fails there.
        assertThatThrownBy(() -> apply(handler, change(ROUTE, 2)))
            .isInstanceOf(RedisCommandExecutionException.class)
            .hasMessageContaining("can't run this command")
            .matches(e -> !RedisFailures.isTransient((RuntimeException) e), "not an outage");
        assertThat(commands.exists(redis.keys().route(ROUTE))).isZero();
      } finally {
        client.shutdown();
        commands.aclDeluser(user);
      }
    } finally {
      admin.shutdown();
    }
  }

  @Test
  void throwsWhileRedisIsDownAndWorksAtOnceWhenItIsBack(@TempDir Path redisData) {
    EmbeddedRedisServer server = new EmbeddedRedisServer(redisData, 0);
    RedisSettings redis = RedisSettings.from(new Settings(Map.of(RedisSettings.URL, server.url())));
    RedisClient client = redis.newClient();
    try (CacheInvalidationHandler handler = new CacheInvalidationHandler(client, redis.keys())) {
      server.start();
      apply(handler, change(ROUTE, 1));
      server.stop();

      assertThatThrownBy(() -> apply(handler, change(ROUTE, 2)))
          .isInstanceOf(RedisException.class)
          .matches(e -> RedisFailures.isTransient((RedisException) e), "an outage");

      server.start();
      // No waiting for the client's own reconnect: the handler connects afresh.
      apply(handler, change(ROUTE, 3));
    } finally {
      client.shutdown();
      server.close();
    }
  }
}
