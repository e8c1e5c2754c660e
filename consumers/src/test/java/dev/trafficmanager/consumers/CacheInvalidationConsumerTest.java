package dev.trafficmanager.consumers;

import static dev.trafficmanager.consumers.TestChanges.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.trafficmanager.config.RedisSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.runner.ConsumerRunner;
import dev.trafficmanager.consumers.runner.RunnerSettings;
import dev.trafficmanager.embedded.EmbeddedRedisServer;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.topic.EventHeaders;
import dev.trafficmanager.topic.Topic;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The cache-invalidation consumer against a real broker and a real Redis. */
@ExtendWith(SharedServers.class)
class CacheInvalidationConsumerTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final RouteKey ROUTE = RouteKey.parse("acme/billing/prod/v1");
  private static final String GROUP = "tm-cache-invalidation";

  @Test
  void aChangeDeletesTheCachedRouteAndCommitsPastIt(TestEnvironment env) throws Exception {
    env.createTopics();
    RedisSettings redis = env.redis();
    String key = redis.keys().route(ROUTE);
    withRedis(redis, commands -> commands.set(key, "stale"));
    RecordMetadata written = produce(env, change(ROUTE, 2));

    try (ConsumerService service = new ConsumerService("cache-invalidation", env.settings());
        Admin admin = Admin.create(env.kafka().clientProperties("test-admin"))) {
      service.start();

      await("cache entry deleted")
          .atMost(BOUND)
          .until(() -> withRedis(redis, commands -> commands.exists(key)) == 0L);
      await("offset committed past the change")
          .atMost(BOUND)
          .untilAsserted(
              () ->
                  assertThat(committedOffset(admin, env, written)).hasValue(written.offset() + 1));
    }
  }

  @Test
  void whileRedisIsDownNothingIsCommittedAndTheChangeIsAppliedWhenItReturns(
      TestEnvironment env, @TempDir Path redisData) throws Exception {
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
    RetryLog retries = RetryLog.attach();
    try {
      // The stale entry lives in Redis's snapshot, so it is there again the moment Redis is back.
      redisServer.start();
      withRedis(redis, commands -> commands.set(key, "stale"));
      redisServer.stop();
      redisServer.start();
      long restored = withRedis(redis, commands -> commands.exists(key));
      assertThat(restored).isEqualTo(1L);
      redisServer.stop();
      RecordMetadata written = produce(env, change(ROUTE, 3));

      try (ConsumerService service = new ConsumerService("cache-invalidation", settings);
          Admin admin = Admin.create(env.kafka().clientProperties("test-admin"))) {
        service.start();
        await("the invalidation failed twice")
            .atMost(BOUND)
            .until(() -> retries.failuresOf(written) >= 2);
        assertThat(committedOffset(admin, env, written)).isEmpty();
        assertThat(service.isRunning()).isTrue();

        redisServer.start();

        await("cache entry deleted")
            .atMost(BOUND)
            .until(() -> withRedis(redis, commands -> commands.exists(key)) == 0L);
        await("offset committed past the change")
            .atMost(BOUND)
            .untilAsserted(
                () ->
                    assertThat(committedOffset(admin, env, written))
                        .hasValue(written.offset() + 1));
      }
    } finally {
      retries.detach();
      redisServer.close();
    }
  }

  @Test
  void closeStopsTheConsumerAndMayBeRepeated(TestEnvironment env) {
    env.createTopics();
    ConsumerService service = new ConsumerService("cache-invalidation", env.settings());
    service.start();
    await("consumer running").atMost(BOUND).until(service::isRunning);

    service.close();
    service.close();

    assertThat(service.isRunning()).isFalse();
  }

  private static RecordMetadata produce(TestEnvironment env, RouteChange change) throws Exception {
    Topic<String, RouteChange> topic = env.topics().routeChanges();
    try (KafkaProducer<String, RouteChange> producer =
        new KafkaProducer<>(
            env.kafka().clientProperties("test-producer"),
            topic.keySerde().serializer(),
            topic.valueSerde().serializer())) {
      ProducerRecord<String, RouteChange> record =
          new ProducerRecord<>(topic.name(), change.routeKey(), change);
      record
          .headers()
          .add(
              EventHeaders.CORRELATION_ID, change.correlationId().getBytes(StandardCharsets.UTF_8));
      return producer.send(record).get(30, TimeUnit.SECONDS);
    }
  }

  private static OptionalLong committedOffset(
      Admin admin, TestEnvironment env, RecordMetadata written) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets(env.kafka().groupId(GROUP))
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    OffsetAndMetadata committed =
        offsets.get(new TopicPartition(written.topic(), written.partition()));
    return committed == null ? OptionalLong.empty() : OptionalLong.of(committed.offset());
  }

  private static <T> T withRedis(
      RedisSettings redis, Function<RedisCommands<String, String>, T> use) {
    RedisClient client = redis.newClient();
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      return use.apply(connection.sync());
    } finally {
      client.shutdown();
    }
  }

  /** The runner's "record failed" lines: the only outside sign that it tried and failed. */
  private static final class RetryLog extends AppenderBase<ILoggingEvent> {
    private final List<String> failures = new CopyOnWriteArrayList<>();

    static RetryLog attach() {
      RetryLog log = new RetryLog();
      log.start();
      runnerLogger().addAppender(log);
      return log;
    }

    void detach() {
      runnerLogger().detachAppender(this);
      stop();
    }

    long failuresOf(RecordMetadata written) {
      String where =
          "topic="
              + written.topic()
              + " partition="
              + written.partition()
              + " offset="
              + written.offset()
              + " ";
      return failures.stream().filter(line -> line.contains(where)).count();
    }

    @Override
    protected void append(ILoggingEvent event) {
      if (event.getLevel() == Level.WARN
          && event.getFormattedMessage().startsWith("record failed")) {
        failures.add(event.getFormattedMessage());
      }
    }

    private static Logger runnerLogger() {
      return (Logger) LoggerFactory.getLogger(ConsumerRunner.class);
    }
  }
}
