package dev.trafficmanager.api.outbox;

import static dev.trafficmanager.api.outbox.RelayFixture.revisions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.embedded.EmbeddedKafka;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.kafka.TopicCreator;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A broker of its own, so that it can be stopped without disturbing other tests. */
@ExtendWith(SharedServers.class)
class OutboxRelayKafkaOutageTest {
  private static final Duration BOUND = Duration.ofSeconds(60);
  private static final String BILLING = "acme/billing/prod/v1";
  private static final String SEARCH = "acme/search/prod/v1";

  @TempDir Path dataDir;

  private final ListAppender<ILoggingEvent> relayLog = new ListAppender<>();
  // The relay's parts each log under their own class: the package's logger hears them all.
  private final Logger relayLogger =
      (Logger) LoggerFactory.getLogger(OutboxRelay.class.getPackageName());

  @BeforeEach
  void captureRelayLog() {
    relayLog.start();
    relayLogger.addAppender(relayLog);
  }

  @AfterEach
  void releaseRelayLog() {
    relayLogger.detachAppender(relayLog);
  }

  @Test
  void keepsRowsPendingWhileKafkaIsDownAndPublishesThemWhenItReturns(TestEnvironment env)
      throws Exception {
    try (EmbeddedKafka broker = new EmbeddedKafka(dataDir.resolve("kafka"), 0)) {
      broker.start();
      try (RelayFixture fixture =
          new RelayFixture(
              env.settings(),
              Map.of(
                  KafkaSettings.BOOTSTRAP,
                  broker.bootstrapServers(),
                  OutboxSettings.DELIVERY_TIMEOUT,
                  "2s"))) {
        new TopicCreator(fixture.kafka()).createMissing((short) 1);
        OutboxTable outbox = fixture.migratedOutbox();
        fixture.started();
        long first = outbox.insert(BILLING, 1);
        await("published while Kafka is up").atMost(BOUND).until(() -> outbox.isPublished(first));

        broker.stop();
        for (int revision = 2; revision <= 11; revision++) {
          outbox.insert(BILLING, revision);
          outbox.insert(SEARCH, revision - 1);
        }

        await("rows stay pending while Kafka is down")
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(10))
            .until(() -> outbox.pending() == 20);

        broker.start();

        await("the backlog is published once Kafka returns")
            .atMost(BOUND)
            .until(() -> outbox.pending() == 0);
        List<ConsumerRecord<String, RouteEvent>> events = fixture.events();
        // At least once: a retried row may appear twice, but none is missing or out of order.
        assertThat(revisions(events, BILLING)).isSorted();
        assertThat(revisions(events, BILLING).stream().distinct())
            .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(revisions(events, SEARCH)).isSorted();
        assertThat(revisions(events, SEARCH).stream().distinct())
            .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
      }
    }
    assertThat(relayLog.list)
        .filteredOn(e -> e.getLevel() == Level.WARN)
        .as("one warning for the outage, not one per row or retry")
        .hasSize(1);
    assertThat(relayLog.list)
        .filteredOn(e -> e.getLevel() == Level.INFO)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(m -> m.startsWith("Kafka is reachable again") && m.contains("rows=20"));
  }
}
