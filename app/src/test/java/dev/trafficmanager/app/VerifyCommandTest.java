package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.api.ApiService;
import dev.trafficmanager.api.ApiSettings;
import dev.trafficmanager.app.operate.offsets.GroupOffsets;
import dev.trafficmanager.app.operate.verify.Finding;
import dev.trafficmanager.app.operate.verify.Problem;
import dev.trafficmanager.app.operate.verify.ProgressSink;
import dev.trafficmanager.app.operate.verify.Stage;
import dev.trafficmanager.app.operate.verify.Status;
import dev.trafficmanager.app.operate.verify.Subject;
import dev.trafficmanager.app.operate.verify.Verifier;
import dev.trafficmanager.app.operate.verify.VerifyReport;
import dev.trafficmanager.app.operate.verify.VerifyScope;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.ConsumerService;
import dev.trafficmanager.processor.ProcessorService;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code verify} against the real pipeline (API with its relay, processor, the three consumers) on
 * the real broker, PostgreSQL and Redis: consistent when everything arrived, and each fault made by
 * hand found where it is, as lost or wrong; work not done yet found as in flight.
 */
@ExtendWith(SharedServers.class)
class VerifyCommandTest {
  private static final Duration SETTLE = Duration.ofMinutes(2);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RouteKey PAY = new RouteKey("acme", "pay", "prod", "v1");
  private static final RouteKey CHECKOUT = new RouteKey("acme", "checkout", "prod", "v1");
  private static final RouteKey SEARCH = new RouteKey("globex", "search", "prod", "v1");
  private static final String PAY_SPLIT = "acme/pay/prod";

  private final Deque<AutoCloseable> running = new ArrayDeque<>();

  @AfterEach
  void stopPipeline() throws Exception {
    while (!running.isEmpty()) {
      running.pop().close();
    }
  }

  @Test
  void aConsistentPipelineWithRoutesAndSplitsExitsZero(TestEnvironment env) throws Exception {
    PipelineScenario api = startPipeline(env);
    writeHistory(api);
    writeSplitHistory(api);
    awaitSettled(env);

    OperatorCli.Run run = OperatorCli.run(env.settings(), "verify");
    OperatorCli.Run json = OperatorCli.run(env.settings(), "verify", "--json");
    OperatorCli.Run tenant = OperatorCli.run(env.settings(), "verify", "--tenant", "globex");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out())
        .contains("Checked 3 route(s) and 1 split(s), 9 revision(s)")
        .contains("Consistent: nothing lost or wrong; 0 finding(s) in flight.");
    assertThat(run.err()).as("no progress lines off a terminal").isEmpty();
    assertThat(json.exitCode()).isZero();
    JsonNode report = JSON.readTree(json.out());
    assertThat(report.get("consistent").asBoolean()).isTrue();
    assertThat(report.get("routes").asLong()).isEqualTo(3);
    assertThat(report.get("splits").asLong()).isEqualTo(1);
    assertThat(report.get("findings")).isEmpty();
    assertThat(tenant.exitCode()).isZero();
    assertThat(tenant.out()).contains("Checked 1 route(s) and 0 split(s), 1 revision(s)");
  }

  @Test
  void aRevisionWhoseOutboxRowWasDeletedBeforePublishingIsLost(TestEnvironment env)
      throws Exception {
    writeWithoutRelay(env, VerifyCommandTest::writeHistory);
    deleteBeforePublishing(env, PAY.toString(), 2);
    startPipeline(env);
    awaitSettled(env);

    OperatorCli.Run run = OperatorCli.run(env.settings(), "verify");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(verify(env).findings())
        .extracting(
            Finding::key, Finding::revision, Finding::stage, Finding::problem, Finding::status)
        .containsExactly(
            tuple(PAY.toString(), 2L, Stage.ROUTE_EVENTS, Problem.MISSING, Status.INCONSISTENT));
    assertThat(run.out())
        .contains("acknowledged in PostgreSQL, neither pending in the outbox nor on route-events")
        .contains(
            "NOT consistent: 1 finding(s) lost or wrong on 1 route(s) and 0 split(s); 0 in flight.");
  }

  @Test
  void aDuplicatedAuditRowIsFound(TestEnvironment env) throws Exception {
    PipelineScenario api = startPipeline(env);
    writeHistory(api);
    awaitSettled(env);
    // The schema makes (route_key, revision) unique; a database restored without that constraint,
    // or a hand-made fix, is how a second row gets in.
    env.jdbi()
        .useHandle(
            handle -> {
              handle.execute(
                  "ALTER TABLE audit_log DROP CONSTRAINT audit_log_route_key_revision_key");
              handle.execute(
                  "INSERT INTO audit_log (event_id, route_key, tenant, service, env, version,"
                      + " action, previous_url, new_url, previous_active, new_active, revision,"
                      + " actor, correlation_id, occurred_at)"
                      + " SELECT gen_random_uuid(), route_key, tenant, service, env, version,"
                      + " action, previous_url, new_url, previous_active, new_active, revision,"
                      + " actor, correlation_id, occurred_at FROM audit_log"
                      + " WHERE route_key = ? AND revision = 1",
                  CHECKOUT.toString());
            });

    OperatorCli.Run run = OperatorCli.run(env.settings(), "verify", "--json");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    JsonNode finding = JSON.readTree(run.out()).get("findings").get(0);
    assertThat(finding.get("route_key").asText()).isEqualTo(CHECKOUT.toString());
    assertThat(finding.get("revision").asLong()).isEqualTo(1);
    assertThat(finding.get("stage").asText()).isEqualTo("audit_log");
    assertThat(finding.get("problem").asText()).isEqualTo("duplicated");
    assertThat(finding.get("status").asText()).isEqualTo("inconsistent");
    assertThat(JSON.readTree(run.out()).get("findings")).hasSize(1);
  }

  @Test
  void aStaleCacheEntryIsFound(TestEnvironment env) throws Exception {
    PipelineScenario api = startPipeline(env);
    writeHistory(api);
    awaitSettled(env);
    // Revision 1's answer, back in Redis after revision 2's invalidation was consumed.
    try (RedisClient client = env.redis().newClient();
        StatefulRedisConnection<String, String> connection = client.connect()) {
      connection
          .sync()
          .set(
              env.redis().keys().route(PAY),
              CacheEntry.resolving("https://v1.pay.acme.example", 1).toJson());
    }

    OperatorCli.Run run = OperatorCli.run(env.settings(), "verify");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(verify(env).findings())
        .extracting(Finding::key, Finding::stage, Finding::problem, Finding::status)
        .containsExactly(tuple(PAY.toString(), Stage.CACHE, Problem.STALE, Status.INCONSISTENT));
    assertThat(run.out()).contains("\"url\":\"https://v1.pay.acme.example\",\"revision\":1");
  }

  @Test
  void workNotYetDoneIsInFlightAndExitsZero(TestEnvironment env) throws Exception {
    writeWithoutRelay(env, api -> create(api, SEARCH));
    env.createTopics();

    OperatorCli.Run pending = OperatorCli.run(env.settings(), "verify");

    assertThat(pending.exitCode()).as(pending.toString()).isZero();
    assertThat(pending.out()).contains("pending in the outbox").contains("1 finding(s) in flight");
    assertThat(verify(env).findings())
        .extracting(Finding::stage, Finding::status)
        .containsExactly(tuple(Stage.ROUTE_EVENTS, Status.IN_FLIGHT));

    // Published and processed, but with no consumer running: the audit row is in flight.
    publishAndProcessUntilOnly(env, "AUDIT_LOG IN_FLIGHT");

    OperatorCli.Run lagging = OperatorCli.run(env.settings(), "verify");

    assertThat(lagging.exitCode()).as(lagging.toString()).isZero();
    assertThat(lagging.out()).contains("tm-audit-log has committed nothing on partition");
  }

  @Test
  void aSplitRevisionWhoseOutboxRowWasDeletedBeforePublishingIsLost(TestEnvironment env)
      throws Exception {
    writeWithoutRelay(
        env,
        api -> {
          writeHistory(api);
          writeSplitHistory(api);
        });
    // The split's revision 2, its delete.
    deleteBeforePublishing(env, PAY_SPLIT, 2);
    startPipeline(env);
    awaitSettled(env);

    OperatorCli.Run run = OperatorCli.run(env.settings(), "verify", "--json");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(verify(env).findings())
        .extracting(
            Finding::subject,
            Finding::key,
            Finding::revision,
            Finding::stage,
            Finding::problem,
            Finding::status)
        .containsExactly(
            tuple(
                Subject.SPLIT,
                PAY_SPLIT,
                2L,
                Stage.ROUTE_EVENTS,
                Problem.MISSING,
                Status.INCONSISTENT));
    JsonNode finding = JSON.readTree(run.out()).get("findings").get(0);
    assertThat(finding.get("split_key").asText()).isEqualTo(PAY_SPLIT);
    assertThat(finding.has("route_key")).isFalse();
    assertThat(JSON.readTree(run.out()).get("splits_inconsistent").asLong()).isEqualTo(1);
  }

  @Test
  void aDuplicatedSplitAuditRowIsFound(TestEnvironment env) throws Exception {
    PipelineScenario api = startPipeline(env);
    writeHistory(api);
    writeSplitHistory(api);
    awaitSettled(env);
    // As for audit_log: only a database without the unique constraint lets a second row in.
    env.jdbi()
        .useHandle(
            handle -> {
              handle.execute(
                  "ALTER TABLE split_audit_log DROP CONSTRAINT split_audit_log_split_key_revision_key");
              handle.execute(
                  "INSERT INTO split_audit_log (event_id, split_key, tenant, service, env, action,"
                      + " previous_weights, new_weights, revision, actor, correlation_id,"
                      + " occurred_at)"
                      + " SELECT gen_random_uuid(), split_key, tenant, service, env, action,"
                      + " previous_weights, new_weights, revision, actor, correlation_id,"
                      + " occurred_at FROM split_audit_log WHERE split_key = ? AND revision = 1",
                  PAY_SPLIT);
            });

    OperatorCli.Run run = OperatorCli.run(env.settings(), "verify");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(verify(env).findings())
        .extracting(
            Finding::key, Finding::revision, Finding::stage, Finding::problem, Finding::status)
        .containsExactly(
            tuple(PAY_SPLIT, 1L, Stage.SPLIT_AUDIT_LOG, Problem.DUPLICATED, Status.INCONSISTENT));
    assertThat(run.out())
        .contains("2 audit rows for one revision")
        .contains("NOT consistent: 1 finding(s) lost or wrong on 0 route(s) and 1 split(s)");
  }

  @Test
  void splitWorkNotYetDoneIsInFlightAndExitsZero(TestEnvironment env) throws Exception {
    writeWithoutRelay(
        env,
        api -> {
          create(api, PAY);
          expect(api.put("/api/v1/splits/" + PAY_SPLIT, "{\"weights\":{\"v1\":100}}"), 201);
        });
    env.createTopics();

    OperatorCli.Run pending = OperatorCli.run(env.settings(), "verify");

    assertThat(pending.exitCode()).as(pending.toString()).isZero();
    assertThat(verify(env).findings())
        .extracting(Finding::subject, Finding::stage, Finding::status)
        .containsExactly(
            tuple(Subject.ROUTE, Stage.ROUTE_EVENTS, Status.IN_FLIGHT),
            tuple(Subject.SPLIT, Stage.ROUTE_EVENTS, Status.IN_FLIGHT));

    // Published and processed, but with no consumer running: both audit rows are in flight.
    publishAndProcessUntilOnly(env, "AUDIT_LOG IN_FLIGHT", "SPLIT_AUDIT_LOG IN_FLIGHT");

    OperatorCli.Run lagging = OperatorCli.run(env.settings(), "verify");

    assertThat(lagging.exitCode()).as(lagging.toString()).isZero();
    assertThat(lagging.out()).contains("split_audit_log").contains("2 finding(s) in flight");
  }

  @Test
  void revisionsOnRecordsDeletedFromRouteEventsAreMissingWithANoteSayingWhy(TestEnvironment env)
      throws Exception {
    PipelineScenario api = startPipeline(env);
    writeHistory(api);
    awaitSettled(env);
    String topic = env.topics().routeEvents().name();
    try (Admin admin = Admin.create(env.kafka().clientProperties("verify-test-admin"))) {
      Map<TopicPartition, RecordsToDelete> everything = new HashMap<>();
      new GroupOffsets(admin, Duration.ofSeconds(30))
          .offsets(topic, OffsetSpec.latest())
          .forEach(
              (partition, end) -> everything.put(partition, RecordsToDelete.beforeOffset(end)));
      admin.deleteRecords(everything).all().get();
    }

    OperatorCli.Run run = OperatorCli.run(env.settings(), "verify");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.out())
        .contains("route-events   missing       inconsistent  6")
        .contains("Note: " + topic + " no longer starts at offset 0")
        .contains("Check with --since within the topic's retention.");
  }

  @Test
  void badArgumentsAreInvalidUsage(TestEnvironment env) {
    OperatorCli.Run badTenant = OperatorCli.run(env.settings(), "verify", "--tenant", "Acme!");
    OperatorCli.Run badSince = OperatorCli.run(env.settings(), "verify", "--since", "yesterday");
    OperatorCli.Run badLimit = OperatorCli.run(env.settings(), "verify", "--limit", "-1");

    assertThat(badTenant.exitCode()).isEqualTo(2);
    assertThat(badTenant.err()).contains("--tenant");
    assertThat(badSince.exitCode()).isEqualTo(2);
    assertThat(badSince.err()).contains("'yesterday' is not an RFC 3339 date-time");
    assertThat(badLimit.exitCode()).isEqualTo(2);
    assertThat(badLimit.err()).contains("--limit must not be negative");
  }

  /** Writes to an API. */
  @FunctionalInterface
  private interface Writes {
    void to(PipelineScenario api) throws Exception;
  }

  /** Makes the writes through an API whose relay is off: they stay pending in the outbox. */
  private static void writeWithoutRelay(TestEnvironment env, Writes writes) throws Exception {
    Settings withoutRelay = env.with(Map.of(ApiSettings.RELAY, "off"));
    try (ApiService writer = new ApiService(withoutRelay)) {
      writer.start();
      writes.to(new PipelineScenario(writer.httpPort(), withoutRelay));
    }
  }

  /**
   * Removes a revision's pending outbox row by hand, before the relay ever saw it: the revision is
   * acknowledged, and gone.
   */
  private static void deleteBeforePublishing(TestEnvironment env, String key, long revision) {
    env.jdbi()
        .useHandle(
            handle -> {
              handle.execute(
                  "DELETE FROM outbox_queue WHERE id IN (SELECT id FROM outbox"
                      + " WHERE route_key = ? AND revision = ?)",
                  key,
                  revision);
              handle.execute(
                  "DELETE FROM outbox WHERE route_key = ? AND revision = ?", key, revision);
            });
  }

  /** The API (with its relay), the processor and the three consumers, each started. */
  private PipelineScenario startPipeline(TestEnvironment env) {
    env.createTopics();
    Settings settings = env.settings();
    for (String consumer :
        List.of(
            ConsumerService.CACHE_INVALIDATION,
            ConsumerService.CACHE_WARMING,
            ConsumerService.AUDIT_LOG)) {
      started(new ConsumerService(consumer, settings));
    }
    started(new ProcessorService(settings));
    ApiService api = started(new ApiService(settings));
    return new PipelineScenario(api.httpPort(), settings);
  }

  private <T extends AutoCloseable> T started(T service) {
    running.push(service);
    if (service instanceof ApiService api) {
      api.start();
    } else if (service instanceof ProcessorService processor) {
      processor.start();
    } else if (service instanceof ConsumerService consumer) {
      consumer.start();
    }
    return service;
  }

  /** Three routes of two tenants: pay at revision 3, checkout at 2 (inactive), search at 1. */
  private static void writeHistory(PipelineScenario api) throws Exception {
    create(api, PAY);
    create(api, CHECKOUT);
    create(api, SEARCH);
    expect(
        api.put("/api/v1/routes/acme/pay/prod/v1", "{\"url\":\"https://v2.pay.acme.example\"}"),
        200);
    expect(
        api.put("/api/v1/routes/acme/pay/prod/v1", "{\"url\":\"https://v3.pay.acme.example\"}"),
        200);
    expect(
        api.post(
            "/api/v1/routes/deactivate",
            "{\"tenant\":\"acme\",\"service\":\"checkout\",\"env\":\"prod\",\"version\":\"v1\"}"),
        200);
  }

  /** The split of acme/pay/prod (to pay's v1) at revision 3: put, deleted, put again. */
  private static void writeSplitHistory(PipelineScenario api) throws Exception {
    String split = "/api/v1/splits/" + PAY_SPLIT;
    expect(api.put(split, "{\"weights\":{\"v1\":100}}"), 201);
    expect(api.delete(split), 200);
    expect(api.put(split, "{\"weights\":{\"v1\":100}}"), 201);
  }

  private static void create(PipelineScenario api, RouteKey route) throws Exception {
    expect(
        api.post(
            "/api/v1/routes",
            String.format(
                "{\"tenant\":\"%s\",\"service\":\"%s\",\"env\":\"%s\",\"version\":\"%s\","
                    + "\"url\":\"https://v1.%s.%s.example\"}",
                route.tenant(),
                route.service(),
                route.env(),
                route.version(),
                route.service(),
                route.tenant())),
        201);
  }

  private static void expect(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
  }

  /** Waits until verify finds nothing in flight: every stage has caught up with every write. */
  /**
   * Starts the API (its relay) and the processor, with no consumer, and waits until verify's
   * findings are exactly {@code stageAndStatus} ("STAGE STATUS"), in order.
   */
  private void publishAndProcessUntilOnly(TestEnvironment env, String... stageAndStatus) {
    ApiService api = started(new ApiService(env.settings()));
    started(new ProcessorService(env.settings()));
    assertThat(api.httpPort()).isPositive();
    await("published and processed, with only " + List.of(stageAndStatus) + " left")
        .atMost(SETTLE)
        .until(
            () -> verify(env).findings(),
            findings ->
                findings.stream()
                    .map(f -> f.stage() + " " + f.status())
                    .toList()
                    .equals(List.of(stageAndStatus)));
  }

  private static void awaitSettled(TestEnvironment env) {
    await("nothing in flight").atMost(SETTLE).until(() -> verify(env).inFlight() == 0);
  }

  /** Verify in-process, as the chaos suite calls it. */
  private static VerifyReport verify(TestEnvironment env) throws Exception {
    return new Verifier(env.settings()).run(VerifyScope.everything(), 100, ProgressSink.none());
  }
}
