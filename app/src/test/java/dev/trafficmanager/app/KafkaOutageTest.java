package dev.trafficmanager.app;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.api.ApiService;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.embedded.EmbeddedKafka;
import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.kafka.TopicCreator;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TopicReader;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** PostgreSQL is the source of truth: a broker outage delays events, it never loses a write. */
@ExtendWith(SharedServers.class)
class KafkaOutageTest {

  @Test
  void aWriteWhileKafkaIsDownIsAcknowledgedAndItsEventArrivesWhenKafkaReturns(TestEnvironment env)
      throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.temporary()) {
      kafka.start();
      Settings settings = env.with(Map.of(KafkaSettings.BOOTSTRAP, kafka.bootstrapServers()));
      KafkaSettings kafkaSettings = KafkaSettings.from(settings);
      new TopicCreator(kafkaSettings).createMissing((short) 1);
      kafka.stop();

      try (ApiService api = new ApiService(settings)) {
        api.start();
        PipelineScenario client = new PipelineScenario(api.httpPort(), settings);

        var created =
            client.post(
                "/api/v1/routes",
                """
                {"tenant":"acme","service":"pay","env":"prod","version":"v2",\
                "url":"https://pay.acme.example"}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var deactivated =
            client.post(
                "/api/v1/routes/deactivate",
                """
                {"tenant":"acme","service":"pay","env":"prod","version":"v2"}""");
        assertThat(deactivated.statusCode()).as(deactivated.body()).isEqualTo(200);

        kafka.start();

        TopicReader reader = new TopicReader(kafkaSettings, ofSeconds(10));
        var events =
            await("both events published once Kafka is back")
                .atMost(ofSeconds(60))
                .until(
                    () ->
                        reader.readAll(kafkaSettings.topics().routeEvents()).stream()
                            .map(ConsumerRecord::value)
                            .toList(),
                    e -> e.size() >= 2);
        assertThat(events)
            .extracting(RouteEvent::revision, RouteEvent::action)
            .containsExactly(tuple(1L, Action.CREATED), tuple(2L, Action.DEACTIVATED));
      }
    }
  }
}
