package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.api.ApiService;
import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.ConsumerService;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.processor.ProcessorService;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TestTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pipeline scenarios of {@code bench} against a running pipeline: they count what they measure
 * right. Nothing here asserts a time.
 */
@ExtendWith(SharedServers.class)
class BenchPipelineScenariosTest {
  private static final ObjectMapper json = new ObjectMapper();
  private static final int LATENCY_ROUTES = 5;
  private static final int DRAIN_ROWS = 200;
  private static final int DRAIN_ROUTES = 20;

  @Test
  void latencyDrainAndReplayCountEveryWriteOnceAndLeaveThePipelineConsistent(TestEnvironment env)
      throws Exception {
    Settings settings = env.with(Map.of("TM_TOKEN", TestTokens.admin(env.settings())));
    env.createTopics();
    try (ServiceContext context =
            ServiceContext.create(
                settings, "bench-test", DatabaseFailures.OUTAGE, RedisFailures.OUTAGE);
        ConsumerService invalidation =
            new ConsumerService(ConsumerService.CACHE_INVALIDATION, context);
        ConsumerService audit = new ConsumerService(ConsumerService.AUDIT_LOG, context);
        ProcessorService processor = new ProcessorService(context);
        ApiService api = new ApiService(context)) {
      invalidation.start();
      audit.start();
      processor.start();
      api.start();
      String url = "http://localhost:" + api.httpPort();

      JsonNode latency =
          bench(
              settings,
              url,
              "--scenario",
              "latency",
              "--rate",
              "20",
              "--duration",
              "2s",
              "--routes",
              Integer.toString(LATENCY_ROUTES),
              "--grace",
              "60s");
      JsonNode propagation = latency.get("latency");
      long acknowledged = propagation.get("writes").get("ok").asLong();
      assertThat(acknowledged).isPositive();
      assertThat(propagation.get("stages")).hasSize(3);
      assertThat(propagation.get("stages"))
          .allSatisfy(
              stage -> {
                String name = stage.get("stage").asText();
                assertThat(stage.get("acknowledged").asLong()).as(name).isEqualTo(acknowledged);
                assertThat(stage.get("seen").asLong()).as(name).isEqualTo(acknowledged);
                assertThat(stage.get("never_seen").asLong()).as(name).isZero();
                assertThat(stage.get("duplicates").asLong()).as(name).isZero();
                // Each write seen is either timed from its ack or counted as arriving before it.
                long beforeAck = stage.get("arrived_before_ack").asLong();
                assertThat(beforeAck).as(name).isBetween(0L, acknowledged);
                if (beforeAck < acknowledged) {
                  assertThat(stage.get("latency_ms").get("p99").asDouble())
                      .as(name)
                      .isNotNegative();
                }
              });

      JsonNode drain =
          bench(
              settings,
              url,
              "--scenario",
              "drain",
              "--rows",
              Integer.toString(DRAIN_ROWS),
              "--routes",
              Integer.toString(DRAIN_ROUTES));
      JsonNode drained = drain.get("drain");
      assertThat(drained.get("drained").asBoolean()).isTrue();
      assertThat(drained.get("pending").asLong()).isZero();
      assertThat(drained.get("rows").asLong()).isEqualTo(DRAIN_ROWS);
      assertThat(drained.get("routes").asInt()).isEqualTo(DRAIN_ROUTES);
      String drainTenant = drain.get("tenant").asText();
      long revisions = DRAIN_ROWS / DRAIN_ROUTES;
      await("the backlog and the deactivations, all published")
          .atMost(Duration.ofSeconds(60))
          .until(() -> publishedRowsOf(env, drainTenant) == DRAIN_ROWS + DRAIN_ROUTES);
      // PostgreSQL and the change stream agree: every route at revision 10, then deactivated (11).
      await("the drained routes' changes and deactivations on route-changes")
          .atMost(Duration.ofSeconds(60))
          .until(() -> changesOf(env, drainTenant).size() == DRAIN_ROWS + DRAIN_ROUTES);
      assertThat(changesOf(env, drainTenant))
          .filteredOn(c -> c.action() == Action.DEACTIVATED)
          .allSatisfy(c -> assertThat(c.revision()).isEqualTo(revisions + 1))
          .hasSize(DRAIN_ROUTES);
      String latencyTenant = latency.get("tenant").asText();
      await("the latency run's deactivations on route-changes")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  changesOf(env, latencyTenant).stream()
                          .filter(c -> c.action() == Action.DEACTIVATED)
                          .count()
                      == LATENCY_ROUTES);

      long recordsInTopic = env.readAll(env.topics().routeChanges()).size();
      for (String consumer :
          List.of(ConsumerService.CACHE_INVALIDATION, ConsumerService.AUDIT_LOG)) {
        JsonNode replay =
            bench(settings, url, "--scenario", "replay", "--consumer", consumer).get("replay");
        assertThat(replay.get("caught_up").asBoolean()).as(consumer).isTrue();
        assertThat(replay.get("records").asLong()).as(consumer).isEqualTo(recordsInTopic);
        assertThat(replay.get("processed").asLong()).as(consumer).isEqualTo(recordsInTopic);
        assertThat(replay.get("group").asText())
            .as(consumer)
            .startsWith(env.kafka().groupId("tm-" + consumer + "-bench-"));
      }
    }
  }

  private static long publishedRowsOf(TestEnvironment env, String tenant) {
    return env.jdbi()
        .withHandle(
            h ->
                // Published: written to the outbox and no longer in the relay's queue.
                h.createQuery(
                        "SELECT count(*) FROM outbox o WHERE route_key LIKE :tenant"
                            + " AND NOT EXISTS (SELECT 1 FROM outbox_queue q WHERE q.id = o.id)")
                    .bind("tenant", tenant + "/%")
                    .mapTo(Long.class)
                    .one());
  }

  private static List<RouteChange> changesOf(TestEnvironment env, String tenant) {
    return env.readAll(env.topics().routeChanges()).stream()
        .map(ConsumerRecord::value)
        .filter(change -> change.current().tenant().equals(tenant))
        .toList();
  }

  private static JsonNode bench(Settings settings, String url, String... scenario)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("bench", "--url", url, "--json", "--progress", "none", "--threads", "2"));
    args.addAll(List.of(scenario));
    OperatorCli.Run run = DeveloperCli.run(settings, args.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return json.readTree(run.out());
  }
}
