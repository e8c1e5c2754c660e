package dev.trafficmanager.consumers;

import static dev.trafficmanager.consumers.TestChanges.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.consumers.runner.UnreadableRecordException;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.health.ComponentHealth;
import dev.trafficmanager.health.HealthStatus;
import dev.trafficmanager.kafka.DeadLetterDepthSettings;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.topic.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A record no consumer can read goes to that consumer's dead-letter topic, the rest flows, and the
 * consumer's health shows the parked record while staying up.
 */
@ExtendWith(SharedServers.class)
class PoisonRecordTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final RouteKey ROUTE = RouteKey.parse("acme/billing/prod/v1");
  private static final byte[] POISON = "{\"not\": \"a change".getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest
  @ValueSource(
      strings = {
        ConsumerService.CACHE_INVALIDATION,
        ConsumerService.CACHE_WARMING,
        ConsumerService.AUDIT_LOG
      })
  void aPoisonRecordLandsInTheConsumersDeadLetterTopicAndTheRecordsAfterItAreProcessed(
      String consumer, TestEnvironment env) {
    env.createTopics();
    try (RouteChangesTopic topic = new RouteChangesTopic(env);
        ServiceContext context =
            ServiceContext.create(
                env.with(Map.of(DeadLetterDepthSettings.INTERVAL, "200ms")),
                "test",
                DatabaseFailures.OUTAGE,
                RedisFailures.OUTAGE);
        ConsumerService service = new ConsumerService(consumer, context)) {
      topic.send(change(ROUTE, 1));
      RecordMetadata poison = topic.sendRaw(ROUTE.toString(), POISON, "corr-poison");
      RecordMetadata after = topic.send(change(ROUTE, 2));
      ConsumerMeters meters = new ConsumerMeters(context.meters(), consumer);

      service.start();

      await("every record settled and committed")
          .atMost(BOUND)
          .until(() -> topic.committed(consumer, after) == after.offset() + 1);
      assertThat(meters.processed()).isEqualTo(2);
      assertThat(meters.deadLettered()).isEqualTo(1);

      List<ConsumerRecord<String, byte[]>> letters =
          env.readAll(env.topics().consumerDlq(consumer));
      assertThat(letters).hasSize(1);
      ConsumerRecord<String, byte[]> letter = letters.get(0);
      assertThat(letter.key()).isEqualTo(ROUTE.toString());
      assertThat(letter.value()).isEqualTo(POISON);
      assertThat(header(letter, EventHeaders.CORRELATION_ID)).isEqualTo("corr-poison");
      assertThat(header(letter, EventHeaders.DLQ_ORIGINAL_TOPIC)).isEqualTo(topic.name());
      assertThat(header(letter, EventHeaders.DLQ_ORIGINAL_PARTITION))
          .isEqualTo(Integer.toString(poison.partition()));
      assertThat(header(letter, EventHeaders.DLQ_ORIGINAL_OFFSET))
          .isEqualTo(Long.toString(poison.offset()));
      assertThat(header(letter, EventHeaders.DLQ_EXCEPTION_CLASS))
          .isEqualTo(UnreadableRecordException.class.getName());
      assertThat(header(letter, EventHeaders.DLQ_EXCEPTION_MESSAGE)).isNotBlank();
      assertThat(header(letter, EventHeaders.DLQ_ATTEMPTS)).isEqualTo("1");

      ComponentHealth health =
          await("one dead-lettered record in the consumer's health")
              .atMost(BOUND)
              .until(service::health, h -> Long.valueOf(1).equals(h.detail().get("dlq_records")));
      assertThat(health.detail()).containsKey("dlq_read_at");
      await("the consumer up, its dead letter notwithstanding")
          .atMost(BOUND)
          .until(() -> service.health().status() == HealthStatus.UP);
      assertThat(service.health().detail()).containsEntry("dlq_records", 1L);
    }
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
