package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The two reads behind the console's pipeline and dead-letter pages, against a real broker. */
@ExtendWith(SharedServers.class)
class ConsoleApiTest {
  private static TestEnvironment env;
  private static RunningApi running;
  private static ApiClient client;

  @BeforeAll
  static void start(TestEnvironment environment) {
    env = environment;
    env.createTopics();
    PipelineFixtures fixtures = new PipelineFixtures(env);
    fixtures.writeRouteChanges(5);
    fixtures.commitConsumerOffset("audit-log", 2);
    fixtures.parkAuditLogRecord("acme/checkout/prod/v1", 0, 2, "audit_log is read-only");
    running = RunningApi.start(env.settings());
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

  private static JsonNode named(JsonNode list, String field, String value) {
    return StreamSupport.stream(list.spliterator(), false)
        .filter(n -> n.path(field).asText().equals(value))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + value + " in " + list));
  }
}
