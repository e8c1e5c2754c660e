package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.topic.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class CorrelationIdTest {
  private static final String ROUTES = "/api/v1/routes";

  @Test
  void aRequestsCorrelationIdTravelsToTheOutboxRowAndTheKafkaHeader(TestEnvironment env) {
    env.createTopics();
    try (RunningApi running = RunningApi.start(env.settings())) {
      ApiClient client = running.client();
      ApiClient.Response created =
          client.post(
              ROUTES,
              ApiClient.route("acme", "billing", "prod", "v1", "https://a.example/"),
              "X-Correlation-ID",
              "trace-4711");
      ApiClient.Response deactivated =
          client.post(ROUTES + "/deactivate", ApiClient.key("acme", "billing", "prod", "v1"));
      String generated = deactivated.header("X-Correlation-ID").orElseThrow();

      assertThat(created.header("X-Correlation-ID")).contains("trace-4711");
      assertThat(new Rows(env.jdbi()).outbox("acme/billing/prod/v1"))
          .extracting(Rows.OutboxEntry::correlationId)
          .containsExactly("trace-4711", generated);
      await("both events are on route-events")
          .atMost(Duration.ofSeconds(30))
          .until(() -> env.readAll(env.topics().routeEvents()).size() == 2);
      List<ConsumerRecord<String, RouteEvent>> records = env.readAll(env.topics().routeEvents());
      assertThat(records)
          .extracting(r -> header(r, EventHeaders.CORRELATION_ID))
          .containsExactly("trace-4711", generated);
      assertThat(records)
          .allSatisfy(
              r ->
                  assertThat(r.value().correlationId())
                      .isEqualTo(header(r, EventHeaders.CORRELATION_ID)));
    }
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
