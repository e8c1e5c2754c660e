package dev.trafficmanager.consumers;

import static dev.trafficmanager.consumers.TestChanges.change;
import static dev.trafficmanager.consumers.TestChanges.deactivation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.health.ComponentHealth;
import dev.trafficmanager.health.HealthStatus;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The audit-log consumer against a real broker and a real PostgreSQL. */
@ExtendWith(SharedServers.class)
class AuditLogConsumerTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final RouteKey ROUTE = RouteKey.parse("acme/billing/prod/v1");
  private static final String NAME = ConsumerService.AUDIT_LOG;

  @Test
  void migratesTheDatabaseAndRecordsEveryChangeOnceInRevisionOrder(TestEnvironment env) {
    env.createTopics();
    try (RouteChangesTopic topic = new RouteChangesTopic(env);
        ConsumerService service = new ConsumerService(NAME, env.settings())) {
      RouteChange created = change(ROUTE, 1);
      RouteChange deactivated = deactivation(ROUTE, 2);
      topic.send(created);
      RecordMetadata last = topic.send(deactivated);
      // Delivered twice, as an at-least-once producer may.
      topic.send(deactivated);

      service.start();

      await("offsets committed past every change")
          .atMost(BOUND)
          .until(() -> topic.committed(NAME, last) == last.offset() + 2);
      List<String> rows =
          env.jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT revision || ':' || action FROM audit_log ORDER BY revision")
                          .mapTo(String.class)
                          .list());
      assertThat(rows).containsExactly("1:created", "2:deactivated");
    }
  }

  @Test
  void reportsItsHealthFromNotStartedToUpToClosed(TestEnvironment env) {
    env.createTopics();
    ConsumerService service = new ConsumerService(NAME, env.settings());
    assertThat(service.health().status()).isEqualTo(HealthStatus.DOWN);

    service.start();
    await("consumer up with its partitions")
        .atMost(BOUND)
        .until(
            () ->
                service.health().status() == HealthStatus.UP
                    && (int) service.health().detail().get("assigned_partitions")
                        == TestEnvironment.TOPIC_PARTITIONS);
    ComponentHealth up = service.health();
    assertThat(up.name()).isEqualTo("consumer-audit-log");
    assertThat(up.detail())
        .containsEntry("sink", "postgresql")
        .containsEntry("circuit_breaker", "closed")
        .containsEntry("lag_records", 0L);

    service.close();
    assertThat(service.health().status()).isEqualTo(HealthStatus.DOWN);
  }
}
