package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.api.outbox.OutboxSettings;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.resilience.BreakerSettings;
import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@ExtendWith(SharedServers.class)
class KafkaOutageTest {
  private static final Logger log = LoggerFactory.getLogger(KafkaOutageTest.class);
  private static final String ROUTES = "/api/v1/routes";
  private static final Duration BOUND = Duration.ofSeconds(60);

  @Test
  void writesSucceedAndTheApiStaysReadyWhileKafkaIsUnreachable(TestEnvironment env) {
    Settings settings =
        env.with(
            Map.of(
                KafkaSettings.BOOTSTRAP, "127.0.0.1:" + closedPort(),
                OutboxSettings.DELIVERY_TIMEOUT, "2s",
                OutboxSettings.POLL_INTERVAL, "100ms",
                OutboxSettings.MAX_BACKOFF, "500ms",
                BreakerSettings.KAFKA_MIN_CALLS, "2"));
    try (RunningApi running = RunningApi.start(settings)) {
      ApiClient client = running.client();

      ApiClient.Response created =
          client.post(
              ROUTES, ApiClient.route("acme", "billing", "prod", "v1", "https://a.example/"));

      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      await("the relay finds Kafka unreachable and its circuit opens")
          .atMost(BOUND)
          .until(() -> running.breaker(Dependency.KAFKA).getState() == CircuitBreaker.State.OPEN);
      ApiClient.Response ready = client.get("/health/ready");
      assertThat(ready.status()).as("the outbox keeps writes going").isEqualTo(200);
      assertThat(ready.json().path("status").asText()).isEqualTo("degraded");
      JsonNode kafka = RunningApi.component(ready.json(), "kafka");
      assertThat(kafka.path("status").asText()).isEqualTo("down");
      assertThat(kafka.path("circuit_breaker").asText()).isEqualTo("open");
      assertThat(kafka.path("pending_rows").asLong()).isEqualTo(1);
      assertThat(running.count("tm.outbox.publish.failures")).isGreaterThanOrEqualTo(2);
      assertThat(
              client
                  .post(ROUTES + "/deactivate", ApiClient.key("acme", "billing", "prod", "v1"))
                  .status())
          .isEqualTo(200);
      log.info("kafka down: /health/ready {}", ready.json());
      log.info("kafka down: /health/resilience {}", client.get("/health/resilience").json());
    }
  }

  /** A port nothing listens on: bound once to get a free number, then released. */
  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
