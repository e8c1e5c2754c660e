package dev.trafficmanager.consumers;

import static dev.trafficmanager.consumers.CacheInvalidationConsumerTest.withRedis;
import static dev.trafficmanager.consumers.CacheWarmingConsumerTest.cached;
import static dev.trafficmanager.consumers.TestChanges.change;
import static dev.trafficmanager.consumers.TestChanges.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.cache.CacheInvalidationHandler;
import dev.trafficmanager.consumers.cache.CacheWarmingHandler;
import dev.trafficmanager.consumers.runner.RunnerSettings;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.embedded.EmbeddedRedisServer;
import dev.trafficmanager.health.HealthStatus;
import dev.trafficmanager.resilience.BreakerSettings;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Redis stopped under a stream of changes: the cache consumers pause instead of skipping, and once
 * Redis is back they apply every change, in order, until their lag is 0 again. The test reports how
 * long that took (it asserts no time).
 */
@ExtendWith(SharedServers.class)
class RedisOutageTest {
  private static final Duration BOUND = Duration.ofSeconds(60);
  private static final List<RouteKey> ROUTES =
      List.of(
          RouteKey.parse("acme/billing/prod/v1"),
          RouteKey.parse("acme/search/prod/v1"),
          RouteKey.parse("acme/checkout/prod/v1"),
          RouteKey.parse("acme/catalog/prod/v1"));
  private static final int CHANGES_DURING_OUTAGE = 300;
  private static final org.slf4j.Logger log = LoggerFactory.getLogger(RedisOutageTest.class);

  @ParameterizedTest
  @ValueSource(strings = {ConsumerService.CACHE_WARMING, ConsumerService.CACHE_INVALIDATION})
  void theConsumerPausesWhileRedisIsDownThenAppliesEveryChangeInOrder(
      String consumer, TestEnvironment env, @TempDir Path redisData) throws Exception {
    env.createTopics();
    EmbeddedRedisServer redisServer = new EmbeddedRedisServer(redisData, 0);
    Settings settings =
        env.with(
            Map.of(
                RedisSettings.URL, redisServer.url(),
                BreakerSettings.REDIS_MIN_CALLS, "3",
                BreakerSettings.REDIS_WINDOW, "10s",
                BreakerSettings.REDIS_OPEN_WAIT, "500ms",
                RunnerSettings.POLL_TIMEOUT, "100ms",
                RunnerSettings.RETRY_INITIAL_BACKOFF, "20ms",
                RunnerSettings.RETRY_MAX_BACKOFF, "200ms"));
    RedisSettings redis = RedisSettings.from(settings);
    AppliedChanges applied = AppliedChanges.attach(consumer);
    ScheduledExecutorService stream = Executors.newSingleThreadScheduledExecutor();
    redisServer.start();
    try (RouteChangesTopic topic = new RouteChangesTopic(env);
        ServiceContext context =
            ServiceContext.create(settings, "test", DatabaseFailures.OUTAGE, RedisFailures.OUTAGE);
        ConsumerService service = new ConsumerService(consumer, context)) {
      ConsumerMeters meters = new ConsumerMeters(context.meters(), consumer);
      service.start();
      ChangeStream changes = new ChangeStream(topic);
      stream.scheduleAtFixedRate(changes::sendNext, 0, 10, TimeUnit.MILLISECONDS);
      await("changes flowing into Redis").atMost(BOUND).until(() -> meters.processed() >= 20);

      redisServer.stop();
      int sentBeforeOutage = changes.sent();

      await("the consumer pauses: the Redis breaker is open")
          .atMost(BOUND)
          .until(
              () ->
                  meters.paused() == 1
                      && service.health().status() == HealthStatus.DEGRADED
                      && String.valueOf(service.health().detail().get("reason"))
                          .startsWith("sink unavailable"));
      await("changes keep coming while Redis is down")
          .atMost(BOUND)
          .until(() -> changes.sent() >= sentBeforeOutage + CHANGES_DURING_OUTAGE);
      stream.shutdown();
      assertThat(stream.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      await("the lag gauge counts the backlog")
          .atMost(BOUND)
          .until(() -> meters.lag() >= CHANGES_DURING_OUTAGE);
      long backlog = (long) meters.lag();
      assertThat(meters.deadLettered()).isZero();
      assertThat(topic.fullyCommitted(consumer)).isFalse();

      redisServer.start();
      long restarted = System.nanoTime();
      await("lag back to 0").atMost(BOUND).until(() -> meters.lag() == 0 && meters.paused() == 0);
      long recoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
      log.info(
          "measured lag recovery after a Redis outage consumer={} backlog_records={}"
              + " recovery_ms={} records_per_second={}",
          consumer,
          backlog,
          recoveredMs,
          recoveredMs == 0 ? backlog : backlog * 1000 / recoveredMs);

      await("every offset committed").atMost(BOUND).until(() -> topic.fullyCommitted(consumer));
      assertThat(meters.deadLettered()).isZero();
      assertThat(env.readAll(env.topics().consumerDlq(consumer))).isEmpty();
      assertThat(service.health().status()).isEqualTo(HealthStatus.UP);
      for (RouteKey route : ROUTES) {
        long last = changes.lastRevision(route);
        // Every revision, each once or more (a retry may repeat one), never an older after a newer.
        assertThat(applied.revisionsOf(route)).isSorted();
        assertThat(applied.revisionsOf(route).stream().distinct().toList())
            .isEqualTo(LongStream.rangeClosed(1, last).boxed().toList());
        if (consumer.equals(ConsumerService.CACHE_WARMING)) {
          assertThat(cached(redis, route))
              .isEqualTo(Optional.of(CacheEntry.resolving(url(route, last), last)));
        } else {
          long cachedKeys =
              withRedis(redis, commands -> commands.exists(redis.keys().route(route)));
          assertThat(cachedKeys).isZero();
        }
      }
    } finally {
      stream.shutdownNow();
      applied.detach();
      redisServer.close();
    }
  }

  /** Changes to a few routes, round robin, each route's revisions counting up from 1. */
  private static final class ChangeStream {
    private final RouteChangesTopic topic;
    private final Map<RouteKey, AtomicLong> revisions = new ConcurrentHashMap<>();
    private final AtomicInteger sent = new AtomicInteger();

    ChangeStream(RouteChangesTopic topic) {
      this.topic = topic;
      ROUTES.forEach(route -> revisions.put(route, new AtomicLong()));
    }

    void sendNext() {
      RouteKey route = ROUTES.get(sent.get() % ROUTES.size());
      topic.send(change(route, revisions.get(route).incrementAndGet()));
      sent.incrementAndGet();
    }

    int sent() {
      return sent.get();
    }

    long lastRevision(RouteKey route) {
      return revisions.get(route).get();
    }
  }

  /** The revisions the handler applied, per route, in the order it applied them (its log). */
  private static final class AppliedChanges extends AppenderBase<ILoggingEvent> {
    private final Logger logger;
    private final ch.qos.logback.classic.Level level;
    private final List<Object[]> applied = new CopyOnWriteArrayList<>();

    private AppliedChanges(Logger logger) {
      this.logger = logger;
      this.level = logger.getLevel();
    }

    static AppliedChanges attach(String consumer) {
      Class<?> handler =
          consumer.equals(ConsumerService.CACHE_WARMING)
              ? CacheWarmingHandler.class
              : CacheInvalidationHandler.class;
      AppliedChanges changes = new AppliedChanges((Logger) LoggerFactory.getLogger(handler));
      changes.start();
      // The handlers log each applied change at DEBUG: a batch of thousands is no INFO material.
      changes.logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
      changes.logger.addAppender(changes);
      return changes;
    }

    void detach() {
      logger.detachAppender(this);
      logger.setLevel(level);
      stop();
    }

    List<Long> revisionsOf(RouteKey route) {
      List<Long> revisions = new ArrayList<>();
      for (Object[] arguments : applied) {
        if (route.toString().equals(arguments[0])) {
          revisions.add((Long) arguments[1]);
        }
      }
      return revisions;
    }

    @Override
    protected void append(ILoggingEvent event) {
      // Both handlers log route_key and revision first, once the change is applied (DEBUG).
      applied.add(event.getArgumentArray());
    }
  }
}
