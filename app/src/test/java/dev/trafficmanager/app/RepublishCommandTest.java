package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.trafficmanager.database.Migrations;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.processor.ProcessorService;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.topic.EventHeaders;
import dev.trafficmanager.topic.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class RepublishCommandTest {
  private static final Duration PROCESSING = Duration.ofMinutes(2);
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  @Test
  void republishAfterKafkaLostItsDataRestoresEveryDownstreamEffect(TestEnvironment env)
      throws Exception {
    env.createTopics();
    RouteHistory history = RouteHistory.of("acme", 500, 4, T0);
    int revisions = history.events().size();
    storePublished(env, history.events());
    // The original publication, by the relay.
    history.publishEvents(env);
    try (ProcessorService processor = new ProcessorService(env.settings())) {
      processor.start();
      awaitSize(env, env.topics().routes(), revisions);
    }
    Map<String, RouteState> before = RouteHistory.lastByKey(env.readAll(env.topics().routes()));
    assertThat(before).isEqualTo(history.latest());

    // Kafka loses everything: the event log and what the processor made of it. A compacted
    // topic refuses record deletion, so routes goes as a whole and comes back empty.
    deleteAllRecords(env, env.topics().routeEvents(), env.topics().routeChanges());
    recreate(env, env.topics().routes());
    assertThat(env.readAll(env.topics().routeEvents())).isEmpty();
    assertThat(env.readAll(env.topics().routes())).isEmpty();
    OperatorCli.Run rebuild = OperatorCli.run(env.settings(), "rebuild-processor", "--execute");
    assertThat(rebuild.exitCode()).as(rebuild.toString()).isZero();

    OperatorCli.Run republish =
        OperatorCli.run(
            env.settings(), "republish", "--from", T0.toString(), "--progress", "lines");

    assertThat(republish.exitCode()).as(republish.toString()).isZero();
    assertThat(republish.out())
        .contains("Republish " + revisions + " event(s) created from " + T0)
        .contains("Republished " + revisions + " event(s) to " + env.topics().routeEvents().name());
    System.out.printf("republish rate: %s events/s%n", rate(republish.out()));

    List<ConsumerRecord<String, RouteEvent>> events = env.readAll(env.topics().routeEvents());
    assertThat(events).hasSize(revisions);
    assertThat(events)
        .extracting(
            ConsumerRecord::key,
            r -> r.value().revision(),
            r -> RouteHistory.header(r, EventHeaders.CORRELATION_ID).orElseThrow(),
            r -> RouteHistory.header(r, EventHeaders.EVENT_TYPE).orElseThrow())
        .containsExactlyInAnyOrderElementsOf(
            history.events().stream()
                .map(
                    e ->
                        tuple(
                            e.routeKey().toString(),
                            e.revision(),
                            e.correlationId(),
                            RouteEvent.EVENT_TYPE))
                .toList());
    assertThat(events.stream().map(ConsumerRecord::value).toList())
        .containsExactlyInAnyOrderElementsOf(history.events());
    assertRevisionOrderPerRoute(events);

    try (ProcessorService processor = new ProcessorService(env.settings())) {
      processor.start();
      awaitSize(env, env.topics().routes(), revisions);
    }
    assertThat(RouteHistory.lastByKey(env.readAll(env.topics().routes()))).isEqualTo(before);
    List<RouteChange> changes =
        env.readAll(env.topics().routeChanges()).stream().map(ConsumerRecord::value).toList();
    assertThat(changes).containsExactlyInAnyOrderElementsOf(history.changes());
  }

  @Test
  void onlyPublishedEventsOfTheRangeAndTenantAreSent(TestEnvironment env) throws Exception {
    env.createTopics();
    RouteEvent early = RouteHistory.event("acme", "early", 1, T0.minusSeconds(1));
    RouteEvent inRange = RouteHistory.event("acme", "pay", 1, T0);
    RouteEvent inRangeLater = RouteHistory.event("acme", "pay", 2, T0.plusSeconds(3599));
    RouteEvent otherTenant = RouteHistory.event("globex", "pay", 1, T0.plusSeconds(10));
    RouteEvent late = RouteHistory.event("acme", "late", 1, T0.plusSeconds(3600));
    RouteEvent pending = RouteHistory.event("acme", "pending", 1, T0.plusSeconds(20));
    storePublished(env, List.of(early, inRange, otherTenant, inRangeLater, late));
    store(env, List.of(pending), false);

    OperatorCli.Run dryRun =
        OperatorCli.run(
            env.settings(),
            "republish",
            "--from",
            "2026-11-26T10:00:00Z",
            "--to",
            "2026-11-26T11:00:00Z",
            "--tenant",
            "acme",
            "--dry-run");
    assertThat(dryRun.exitCode()).as(dryRun.toString()).isZero();
    assertThat(dryRun.out())
        .contains(
            "Republish 2 event(s) created from 2026-11-26T10:00:00Z to 2026-11-26T11:00:00Z,"
                + " tenant acme")
        .contains("1 event(s) of the range are not published yet")
        .contains("Dry run: nothing was published.");
    assertThat(env.readAll(env.topics().routeEvents())).isEmpty();

    OperatorCli.Run run =
        OperatorCli.run(
            env.settings(),
            "republish",
            "--from",
            "2026-11-26T10:00:00Z",
            "--to",
            "2026-11-26T11:00:00Z",
            "--tenant",
            "acme",
            "--progress",
            "none");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(env.readAll(env.topics().routeEvents()))
        .extracting(ConsumerRecord::value)
        .containsExactly(inRange, inRangeLater);
  }

  @Test
  void aRangeBeforeTheOldestStoredEventSaysSo(TestEnvironment env) throws Exception {
    env.createTopics();
    storePublished(env, List.of(RouteHistory.event("acme", "pay", 1, T0)));

    OperatorCli.Run run =
        OperatorCli.run(
            env.settings(), "republish", "--from", "2026-11-01T00:00:00Z", "--progress", "none");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out())
        .contains("the outbox holds nothing created before " + T0)
        .contains("Republished 1 event(s)");
  }

  @Test
  void badArgumentsAreInvalidUsage(TestEnvironment env) {
    OperatorCli.Run reversed =
        OperatorCli.run(
            env.settings(),
            "republish",
            "--from",
            "2026-11-26T11:00:00Z",
            "--to",
            "2026-11-26T10:00:00Z");
    OperatorCli.Run badTenant =
        OperatorCli.run(
            env.settings(), "republish", "--from", "2026-11-26T10:00:00Z", "--tenant", "Acme!");
    OperatorCli.Run badStyle =
        OperatorCli.run(
            env.settings(), "republish", "--from", "2026-11-26T10:00:00Z", "--progress", "fancy");

    assertThat(reversed.exitCode()).isEqualTo(2);
    assertThat(reversed.err()).contains("--from 2026-11-26T11:00:00Z must be before --to");
    assertThat(badTenant.exitCode()).isEqualTo(2);
    assertThat(badTenant.err()).contains("--tenant");
    assertThat(badStyle.exitCode()).isEqualTo(2);
    assertThat(badStyle.err()).contains("'fancy' is not a progress style");
  }

  /** Outbox rows as the API writes them, already marked published by the relay. */
  private static void storePublished(TestEnvironment env, List<RouteEvent> events) {
    store(env, events, true);
  }

  private static void store(TestEnvironment env, List<RouteEvent> events, boolean published) {
    try (HikariDataSource pool = env.database().openPool("republish-test")) {
      Migrations.migrate(pool);
    }
    env.jdbi()
        .useHandle(
            handle -> {
              PreparedBatch batch =
                  handle.prepareBatch(
                      "WITH appended AS (INSERT INTO outbox (event_id, route_key, revision,"
                          + " event_type, payload, correlation_id, created_at)"
                          + " VALUES (:eventId, :routeKey, :revision, :eventType, :payload,"
                          + " :correlationId, :createdAt) RETURNING id)"
                          + " INSERT INTO outbox_queue (id) SELECT id FROM appended"
                          + " WHERE NOT :published");
              for (RouteEvent event : events) {
                batch
                    .bind("eventId", event.eventId())
                    .bind("routeKey", event.routeKey().toString())
                    .bind("revision", event.revision())
                    .bind("eventType", event.eventType())
                    .bind(
                        "payload",
                        new String(
                            RouteHistory.EVENTS.serialize("", event), StandardCharsets.UTF_8))
                    .bind("correlationId", event.correlationId())
                    .bind("createdAt", OffsetDateTime.ofInstant(event.occurredAt(), ZoneOffset.UTC))
                    .bind("published", published)
                    .add();
              }
              batch.execute();
            });
  }

  @SafeVarargs
  private static void deleteAllRecords(TestEnvironment env, Topic<String, ?>... topics)
      throws Exception {
    try (Admin admin = Admin.create(env.kafka().clientProperties("republish-test-admin"))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (Topic<String, ?> topic : topics) {
        for (int p = 0; p < TestEnvironment.TOPIC_PARTITIONS; p++) {
          latest.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
        }
      }
      Map<TopicPartition, RecordsToDelete> deletions = new HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get()
          .forEach((p, info) -> deletions.put(p, RecordsToDelete.beforeOffset(info.offset())));
      admin.deleteRecords(deletions).all().get();
    }
  }

  private static void recreate(TestEnvironment env, Topic<String, ?> topic) throws Exception {
    try (Admin admin = Admin.create(env.kafka().clientProperties("republish-test-admin"))) {
      admin.deleteTopics(List.of(topic.name())).all().get();
      await(topic.name() + " deleted")
          .atMost(Duration.ofSeconds(30))
          .until(() -> !admin.listTopics().names().get().contains(topic.name()));
    }
    env.createTopics();
  }

  private static void assertRevisionOrderPerRoute(List<ConsumerRecord<String, RouteEvent>> events) {
    Map<String, Long> last = new HashMap<>();
    for (ConsumerRecord<String, RouteEvent> record : events) {
      long previous = last.getOrDefault(record.key(), 0L);
      assertThat(record.value().revision())
          .as("revision after %d of %s", previous, record.key())
          .isEqualTo(previous + 1);
      last.put(record.key(), record.value().revision());
    }
  }

  private static <V> void awaitSize(TestEnvironment env, Topic<String, V> topic, int size) {
    await(size + " records on " + topic.name())
        .atMost(PROCESSING)
        .until(() -> env.readAll(topic).size() >= size);
  }

  private static String rate(String out) {
    Matcher m = Pattern.compile("\\((\\d+) events/s\\)").matcher(out);
    return m.find() ? m.group(1) : "?";
  }
}
