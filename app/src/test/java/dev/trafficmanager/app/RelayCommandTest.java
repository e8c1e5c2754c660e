package dev.trafficmanager.app;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.api.ApiService;
import dev.trafficmanager.api.ApiSettings;
import dev.trafficmanager.api.outbox.OutboxStore;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.testkit.ChildProcess;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TestTokens;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traffic-manager relay} as a process of its own, beside an API that runs without its relay:
 * what the API commits to the outbox, the relay service publishes; it serves its health and
 * metrics, and SIGTERM stops it cleanly.
 */
@ExtendWith(SharedServers.class)
class RelayCommandTest {
  private static final String ROUTE = "acme/checkout/prod/v1";

  private final LocalHttp http = new LocalHttp();

  @Test
  void aWriteThroughAnApiWithoutItsRelayIsPublishedByTheRelayService(
      TestEnvironment env, @TempDir Path logDir) throws Exception {
    env.createTopics();
    Settings apiSettings = env.with(Map.of("TM_HTTP_PORT", "0", ApiSettings.RELAY, "off"));
    try (ApiService api = new ApiService(apiSettings)) {
      api.start();
      HttpResponse<String> created =
          new LocalHttp(TestTokens.admin(apiSettings))
              .post(
                  "http://localhost:" + api.httpPort() + "/api/v1/routes",
                  """
              {"tenant":"acme","service":"checkout","env":"prod","version":"v1",\
              "url":"https://checkout.acme.example/v1"}""");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      await("the event waits in the outbox: the API runs no relay")
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(5))
          .until(() -> pendingRows(env) == 1);

      int port = ChildProcess.freePort();
      Path log = logDir.resolve("relay.log");
      Process relay =
          ChildProcess.start(
              TrafficManager.class,
              env.with(
                  Map.of(
                      "TM_HTTP_PORT",
                      Integer.toString(port),
                      DrainSettings.GRACE,
                      "0s",
                      TrafficManager.LOG_FORMAT,
                      "console")),
              log,
              "relay");
      try {
        String base = "http://localhost:" + port;
        List<ConsumerRecord<String, RouteEvent>> events =
            await("published by the relay service")
                .atMost(ofSeconds(90))
                .until(() -> env.readAll(env.topics().routeEvents()), e -> !e.isEmpty());
        assertThat(events)
            .extracting(ConsumerRecord::key, r -> r.value().revision())
            .containsExactly(tuple(ROUTE, 1L));
        await("marked published").atMost(ofSeconds(30)).until(() -> pendingRows(env) == 0);
        await("the relay service is ready")
            .atMost(ofSeconds(30))
            .ignoreExceptions()
            .until(() -> http.get(base + "/health/ready").statusCode() == 200);
        assertThat(http.get(base + "/health/ready").body()).contains("\"outbox_relay\":\"leader\"");
        assertThat(http.get(base + "/metrics").body().lines())
            .anyMatch(
                line ->
                    line.startsWith("tm_outbox_published_total{")
                        && line.contains("service=\"relay\"")
                        && line.endsWith(" 1.0"));

        relay.destroy(); // SIGTERM

        assertThat(relay.waitFor(60, TimeUnit.SECONDS)).as("the relay stopped").isTrue();
        assertThat(relay.exitValue()).as("exit code").isZero();
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            e.getMessage() + "\n--- the relay's log ---\n" + Files.readString(log), e);
      } finally {
        relay.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static long pendingRows(TestEnvironment env) throws SQLException {
    OutboxStore store = new OutboxStore();
    return env.jdbi().withHandle(h -> store.backlog(h.getConnection()).pendingRows());
  }
}
