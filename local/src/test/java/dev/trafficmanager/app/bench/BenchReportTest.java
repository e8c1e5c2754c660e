package dev.trafficmanager.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.route.RouteKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchReportTest {
  private static final PhaseResult CREATE =
      phase("create", Map.of(201, 1000L), Map.of(), 1250, new PhaseResult.Latency(3, 4, 5, 6, 3.5));
  private static final PhaseResult WRITES =
      phase(
          "writes",
          Map.of(200, 8_000L, 409, 3L, 503, 12L),
          Map.of("timed out", 1L),
          10_000,
          new PhaseResult.Latency(4.1, 6.04, 9.84, 212.4, 4.5));
  private static final PhaseResult RESOLVE =
      phase(
          "resolve",
          Map.of(200, 123_450L),
          Map.of(),
          10_000,
          new PhaseResult.Latency(0.412, 0.9, 2.14, 35.0, 0.5));
  private static final BenchReport REPORT =
      BenchReport.of(
          "http://localhost:8080",
          "bench-0a1b2c3d",
          "all",
          4,
          Duration.ofSeconds(10),
          Duration.ZERO,
          false,
          new BenchReport.Routes(1000, 1000, 1000),
          CREATE,
          WRITES,
          RESOLVE,
          new ResolveCache(null, Map.of("miss", 25L, "hit", 75L)));

  @Test
  void theTableGivesRatesAndLatenciesWithUnitsAndEveryFailureApart() {
    StringWriter text = new StringWriter();

    new ReportTable(new PrintWriter(text, true)).print(REPORT);

    assertThat(text.toString())
        .containsPattern("create +1,000 +800 ops/s +3\\.0 ms")
        .containsPattern("writes +8,000 +800 ops/s +4\\.1 ms +6\\.0 ms +9\\.8 ms +212 ms")
        .contains("shed (503) ×12, 409 ×3, timed out ×1")
        .containsPattern(
            "resolve +123,450 +12,345 ops/s +0\\.41 ms +0\\.90 ms +2\\.1 ms +35\\.0 ms +none")
        .contains("near cache  not present (no tm_resolve_near_cache_requests_total in /metrics)")
        .contains("redis       hit 75.0 %, miss 25.0 % of 100 lookups")
        .contains("resolve ÷ writes: 15.4")
        .contains("routes of tenant bench-0a1b2c3d: 1,000 created of 1,000, 1,000 deactivated");
  }

  @Test
  void everyAnswerThatIsNot2xxCountsAndShedIsThe503s() {
    assertThat(WRITES.requests()).isEqualTo(8_016);
    assertThat(WRITES.ok()).isEqualTo(8_000);
    assertThat(WRITES.non2xx()).isEqualTo(15);
    assertThat(WRITES.shed()).isEqualTo(12);
    assertThat(WRITES.errors()).isEqualTo(1);
    assertThat(WRITES.opsPerSecond()).isEqualTo(800.0);
  }

  @Test
  void theJsonDocumentHasSnakeCaseFieldsInOrderAndNullForWhatDidNotRun() throws Exception {
    BenchReport writesOnly =
        BenchReport.of(
            "http://localhost:8080",
            "bench-0a1b2c3d",
            "writes",
            4,
            Duration.ofSeconds(10),
            Duration.ofSeconds(5),
            false,
            new BenchReport.Routes(1000, 1000, 1000),
            CREATE,
            WRITES,
            null,
            null);

    JsonNode json = new ObjectMapper().readTree(writesOnly.toJson());

    assertThat(fieldNames(json))
        .containsExactly(
            "url",
            "tenant",
            "scenario",
            "threads",
            "duration_seconds",
            "warmup_seconds",
            "stopped_early",
            "routes",
            "create",
            "writes",
            "resolve",
            "resolve_cache",
            "resolve_per_write",
            "latency",
            "drain",
            "replay");
    assertThat(json.get("latency").isNull()).isTrue();
    assertThat(json.get("drain").isNull()).isTrue();
    assertThat(json.get("replay").isNull()).isTrue();
    assertThat(fieldNames(json.get("writes")))
        .containsExactly(
            "phase",
            "requests",
            "ok",
            "shed",
            "non_2xx",
            "errors",
            "statuses",
            "error_reasons",
            "seconds",
            "ops_per_second",
            "latency_ms");
    assertThat(json.get("writes").get("statuses").toString())
        .isEqualTo("{\"200\":8000,\"409\":3,\"503\":12}");
    assertThat(json.get("writes").get("latency_ms").get("p99").asDouble()).isEqualTo(9.84);
    assertThat(json.get("resolve").isNull()).isTrue();
    assertThat(json.get("resolve_per_write").isNull()).isTrue();
  }

  @Test
  void arrivalsBeforeTheirAcknowledgementAreCountedApartNotTimedAsZero() {
    RouteKey route = new RouteKey("bench-0a1b2c3d", "svc", "load", "v1");
    Arrivals arrivals = new Arrivals(LatencyRun.ROUTE_EVENTS);
    Map<String, Long> acknowledged = new HashMap<>();
    long ack = 1_000_000_000L;
    // Revisions 2 to 4 arrive 10, 20 and 30 ms after their ack; 5 and 6 before theirs; 7 never.
    for (long revision = 2; revision <= 7; revision++) {
      acknowledged.put(Arrivals.key(route, revision), ack);
    }
    arrivals.arrived(route, 2, ack + 10_000_000);
    arrivals.arrived(route, 3, ack + 20_000_000);
    arrivals.arrived(route, 4, ack + 30_000_000);
    arrivals.arrived(route, 4, ack + 40_000_000);
    arrivals.arrived(route, 5, ack - 1_000_000);
    arrivals.arrived(route, 6, ack - 1);

    StageResult stage = StageResult.of(arrivals, acknowledged);

    assertThat(stage.acknowledged()).isEqualTo(6);
    assertThat(stage.seen()).isEqualTo(5);
    assertThat(stage.neverSeen()).isEqualTo(1);
    assertThat(stage.duplicates()).isEqualTo(1);
    assertThat(stage.arrivedBeforeAck()).isEqualTo(2);
    assertThat(stage.latencyMs().p50()).isEqualTo(20.0, within(0.05));
    assertThat(stage.latencyMs().max()).isEqualTo(30.0, within(0.05));

    StringWriter table = new StringWriter();
    PhaseResult writes = phase("writes", Map.of(200, 6L), Map.of(), 1000, null);
    new ReportTable(new PrintWriter(table, true))
        .print(REPORT.with(PropagationResult.of(6, 30, writes, List.of(stage)), null, null));
    assertThat(table.toString()).contains("before ack").contains("not taken as 0 ms");
  }

  private static PhaseResult phase(
      String name,
      Map<Integer, Long> statuses,
      Map<String, Long> errors,
      long millis,
      PhaseResult.Latency latency) {
    return PhaseResult.of(name, statuses, errors, Duration.ofMillis(millis), latency);
  }

  private static List<String> fieldNames(JsonNode object) {
    return object.properties().stream().map(Map.Entry::getKey).toList();
  }
}
