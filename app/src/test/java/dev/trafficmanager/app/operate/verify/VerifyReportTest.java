package dev.trafficmanager.app.operate.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerifyReportTest {
  private static final Instant AT = Instant.parse("2026-12-05T08:00:00Z");

  private static RouteEvidence route(String key, long revision) {
    return new RouteEvidence(
        new RevisionTrail(key, revision, 1, List.of(), List.of(), List.of(), List.of()),
        new RouteValue("https://x.example", true, revision),
        Optional.empty(),
        Optional.empty());
  }

  private static Finding finding(String key, Status status) {
    return new Finding(Subject.ROUTE, key, 1, Stage.AUDIT_LOG, Problem.MISSING, status, "detail");
  }

  @Test
  void countsEveryFindingButKeepsOnlyUpToTheLimit() {
    VerifyReport.Builder builder = new VerifyReport.Builder(AT, 2, List.of());
    builder.route(
        route("a/b/c/d", 3),
        List.of(finding("a/b/c/d", Status.INCONSISTENT), finding("a/b/c/d", Status.IN_FLIGHT)));
    builder.route(route("a/b/c/e", 2), List.of(finding("a/b/c/e", Status.INCONSISTENT)));
    builder.route(route("a/b/c/f", 1), List.of());

    VerifyReport report = builder.build(Duration.ofSeconds(1));

    assertThat(report.routes()).isEqualTo(3);
    assertThat(report.revisions()).isEqualTo(6);
    assertThat(report.inconsistent()).isEqualTo(2);
    assertThat(report.inFlight()).isEqualTo(1);
    assertThat(report.routesInconsistent()).isEqualTo(2);
    assertThat(report.findings()).hasSize(2);
    assertThat(report.findingsOmitted()).isEqualTo(1);
    assertThat(report.tallies())
        .containsExactly(
            new VerifyReport.Tally(Stage.AUDIT_LOG, Problem.MISSING, Status.IN_FLIGHT, 1),
            new VerifyReport.Tally(Stage.AUDIT_LOG, Problem.MISSING, Status.INCONSISTENT, 2));
    assertThat(report.consistent()).isFalse();
  }

  @Test
  void workInFlightAloneIsConsistent() {
    VerifyReport.Builder builder = new VerifyReport.Builder(AT, 10, List.of("a note"));
    builder.route(route("a/b/c/d", 1), List.of(finding("a/b/c/d", Status.IN_FLIGHT)));

    VerifyReport report = builder.build(Duration.ZERO);

    assertThat(report.consistent()).isTrue();
    assertThat(ReportFormat.json(report))
        .contains("\"consistent\":true")
        .contains("\"in_flight\":1")
        .contains("\"status\":\"in flight\"")
        .contains("\"notes\":[\"a note\"]");
  }

  @Test
  void splitsAreCountedApartAndNamedBySplitKey() {
    VerifyReport.Builder builder = new VerifyReport.Builder(AT, 10, List.of());
    builder.route(route("a/b/c/d", 2), List.of());
    builder.split(
        new RevisionTrail("a/b/c", 3, 1, List.of(), List.of(), List.of(), List.of()),
        List.of(
            new Finding(
                Subject.SPLIT,
                "a/b/c",
                2,
                Stage.SPLIT_AUDIT_LOG,
                Problem.DUPLICATED,
                Status.INCONSISTENT,
                "2 audit rows for one revision")));

    VerifyReport report = builder.build(Duration.ZERO);

    assertThat(report.routes()).isEqualTo(1);
    assertThat(report.splits()).isEqualTo(1);
    assertThat(report.revisions()).isEqualTo(5);
    assertThat(report.routesInconsistent()).isZero();
    assertThat(report.splitsInconsistent()).isEqualTo(1);
    assertThat(ReportFormat.json(report))
        .contains("\"splits\":1")
        .contains("\"split_key\":\"a/b/c\"")
        .contains("\"stage\":\"split_audit_log\"")
        .doesNotContain("\"route_key\"");
  }
}
