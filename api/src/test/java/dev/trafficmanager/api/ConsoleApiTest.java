package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.api.console.ConsoleSettings;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The two reads behind the console's pipeline and dead-letter pages, against a real broker. */
@ExtendWith(SharedServers.class)
class ConsoleApiTest {
  private static TestEnvironment env;
  private static PipelineFixtures fixtures;
  private static RunningApi running;
  private static ApiClient client;

  @BeforeAll
  static void start(TestEnvironment environment) {
    env = environment;
    env.createTopics();
    fixtures = new PipelineFixtures(env);
    fixtures.writeRouteChanges(5);
    fixtures.commitConsumerOffset("audit-log", 2);
    fixtures.parkAuditLogRecord("acme/checkout/prod/v1", 0, 2, "audit_log is read-only");
    // The shortest stall threshold there is, so that a stall shows within the test's patience.
    running = RunningApi.start(env.with(Map.of(ConsoleSettings.STALL_AFTER, "1s")));
    client = running.client();
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  @Test
  void thePipelineShowsEachStagesGroupLagAndDeadLetters() {
    JsonNode pipeline = client.get("/api/v1/pipeline").json();

    JsonNode audit = named(pipeline.path("groups"), "stage", "audit-log");
    assertThat(audit.path("group").asText()).isEqualTo(env.kafka().groupId("tm-audit-log"));
    assertThat(audit.path("state").asText()).isEqualTo("empty");
    assertThat(audit.path("lag").asLong()).isEqualTo(3);
    JsonNode processor = named(pipeline.path("groups"), "stage", "processor");
    assertThat(processor.path("state").asText()).isEqualTo("not_found");
    assertThat(processor.path("lag").isNull()).isTrue();
    assertThat(processor.path("progress").isNull()).isTrue();
    assertThat(processor.path("stalled_since").isNull()).isTrue();

    JsonNode auditDlq = named(pipeline.path("dead_letters"), "stage", "audit-log");
    assertThat(auditDlq.path("topic").asText())
        .isEqualTo(env.topics().consumerDlq("audit-log").name());
    assertThat(auditDlq.path("records").asLong()).isEqualTo(1);
    assertThat(
            named(pipeline.path("dead_letters"), "stage", "cache-warming").path("records").asLong())
        .isZero();

    assertThat(pipeline.path("this_instance").path("bulkheads").size()).isPositive();
    assertThat(pipeline.has("kafka_error")).isFalse();
  }

  @Test
  void aGroupWhoseCommittedOffsetsStandStillWithLagIsStalledUntilItCommitsAgain() {
    // Five records wait on route-changes; cache-invalidation has handled one and stops there, as a
    // consumer that paused its partitions for a retry does.
    fixtures.commitConsumerOffset("cache-invalidation", 1);
    JsonNode first = group("cache-invalidation");
    assertThat(first.path("lag").asLong()).isEqualTo(4);
    assertThat(first.path("progress").asText()).isEqualTo("moving");
    assertThat(first.path("stalled_since").isNull()).isTrue();

    JsonNode pipeline =
        await("cache-invalidation called stalled")
            .atMost(Duration.ofSeconds(15))
            .pollInterval(Duration.ofMillis(250))
            .until(
                () -> client.get("/api/v1/pipeline").json(),
                p ->
                    named(p.path("groups"), "stage", "cache-invalidation")
                        .path("progress")
                        .asText()
                        .equals("stalled"));
    Instant since =
        Instant.parse(
            named(pipeline.path("groups"), "stage", "cache-invalidation")
                .path("stalled_since")
                .asText());
    assertThat(since)
        .isBeforeOrEqualTo(Instant.parse(pipeline.path("read_at").asText()).minusSeconds(1));

    fixtures.commitConsumerOffset("cache-invalidation", 3);
    JsonNode recovered = group("cache-invalidation");
    assertThat(recovered.path("progress").asText()).isEqualTo("moving");
    assertThat(recovered.path("stalled_since").isNull()).isTrue();

    fixtures.commitConsumerOffset("cache-invalidation", 5);
    JsonNode caughtUp = group("cache-invalidation");
    assertThat(caughtUp.path("lag").asLong()).isZero();
    assertThat(caughtUp.path("progress").asText()).isEqualTo("idle");
  }

  @Test
  void aConsumerCaughtUpOnATransactionalTopicIsIdleThoughItsCommitMarkerCountsAsLag() {
    // Offsets 0 and 1 are records, 2 the commit marker; a consumer commits the last record + 1.
    fixtures.writeRouteChangesInATransaction(1, 2);
    fixtures.commitConsumerOffset("cache-warming", 1, 2);

    JsonNode warming = group("cache-warming");
    assertThat(warming.path("lag").asLong()).isEqualTo(1);
    assertThat(warming.path("progress").asText()).isEqualTo("idle");
    assertThat(warming.path("stalled_since").isNull()).isTrue();
  }

  @Test
  void aParkedRecordComesWithItsHeadersAndTheCommandThatReappliesIt() {
    String topic = env.topics().consumerDlq("audit-log").name();

    JsonNode parked = client.get("/api/v1/dead-letters?topic=" + topic).json();

    assertThat(parked.path("items")).hasSize(1);
    JsonNode record = parked.path("items").get(0);
    assertThat(record.path("key").asText()).isEqualTo("acme/checkout/prod/v1");
    assertThat(record.path("headers").path("dlq-exception-message").asText())
        .isEqualTo("audit_log is read-only");
    assertThat(record.path("replay_command").asText())
        .isEqualTo(
            "java -jar traffic-manager.jar replay --group "
                + env.kafka().groupId("tm-audit-log")
                + " --topic "
                + env.topics().routeChanges().name()
                + ":0 --to-offset 2 --execute");
  }

  @Test
  void onlyTheDeploymentsDeadLetterTopicsCanBeRead() {
    ApiClient.Response response =
        client.get("/api/v1/dead-letters?topic=" + env.topics().routeChanges().name());

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().path("violations").get(0).path("field").asText()).isEqualTo("topic");
  }

  private static JsonNode group(String stage) {
    return named(client.get("/api/v1/pipeline").json().path("groups"), "stage", stage);
  }

  private static JsonNode named(JsonNode list, String field, String value) {
    return StreamSupport.stream(list.spliterator(), false)
        .filter(n -> n.path(field).asText().equals(value))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + value + " in " + list));
  }
}
