package dev.trafficmanager.app.operate.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.trafficmanager.route.CacheEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteCheckTest {
  private static final String KEY = "acme/pay/prod/v1";
  private static final String URL = "https://pay.acme.example/v1";

  /** A route at revision 3 whose revisions all went everywhere, each at offset revision - 1. */
  private static final class Route {
    RouteValue database = new RouteValue(URL, true, 3);
    long firstRevision = 1;
    List<Long> pending = new ArrayList<>();
    List<RecordAt> events = new ArrayList<>(records(1, 2, 3));
    List<RecordAt> changes = new ArrayList<>(records(1, 2, 3));
    Optional<RouteValue> latest = Optional.of(database);
    List<Long> audit = new ArrayList<>(List.of(1L, 2L, 3L));
    Optional<String> cache = Optional.empty();

    RouteEvidence evidence() {
      return new RouteEvidence(
          new RevisionTrail(
              KEY, database.revision(), firstRevision, pending, events, changes, audit),
          database,
          latest,
          cache);
    }
  }

  private static List<RecordAt> records(long... revisions) {
    List<RecordAt> records = new ArrayList<>();
    for (long revision : revisions) {
      records.add(new RecordAt(revision, 0, revision - 1));
    }
    return records;
  }

  /** Every group has committed up to (not past) {@code offset} on partition 0. */
  private static Consumption committedUpTo(long processor, long invalidation, long audit) {
    return new Consumption(
        new CommittedOffsets("processor", Map.of(0, processor)),
        new CommittedOffsets("tm-cache-invalidation", Map.of(0, invalidation)),
        new CommittedOffsets("tm-audit-log", Map.of(0, audit)));
  }

  private static final Consumption ALL_CONSUMED = committedUpTo(3, 3, 3);

  private static List<Finding> check(Route route, Consumption consumption) {
    return RouteCheck.check(route.evidence(), consumption);
  }

  @Test
  void aRouteThatWentEverywhereHasNoFinding() {
    Route route = new Route();
    route.cache = Optional.of(CacheEntry.resolving(URL, 3).toJson());

    assertThat(check(route, ALL_CONSUMED)).isEmpty();
  }

  @Test
  void aRevisionNeitherPendingNorOnRouteEventsIsLostThereAndNotReportedDownstream() {
    Route route = new Route();
    route.events = records(1, 3);
    route.changes = records(1, 3);
    route.audit = List.of(1L, 3L);

    assertThat(check(route, ALL_CONSUMED))
        .extracting(Finding::revision, Finding::stage, Finding::problem, Finding::status)
        .containsExactly(tuple(2L, Stage.ROUTE_EVENTS, Problem.MISSING, Status.INCONSISTENT));
  }

  @Test
  void aRevisionPendingInTheOutboxIsInFlight() {
    Route route = new Route();
    route.pending = List.of(3L);
    route.events = records(1, 2);
    route.changes = records(1, 2);
    route.latest = Optional.of(new RouteValue(URL, true, 2));
    route.audit = List.of(1L, 2L);

    assertThat(check(route, ALL_CONSUMED))
        .extracting(Finding::revision, Finding::stage, Finding::status)
        .containsExactly(tuple(3L, Stage.ROUTE_EVENTS, Status.IN_FLIGHT));
  }

  @Test
  void aChangeMissingIsInFlightUntilTheProcessorPassedItsEventThenLost() {
    Route route = new Route();
    route.changes = records(1, 2);
    route.latest = Optional.of(new RouteValue(URL, true, 2));
    route.audit = List.of(1L, 2L);

    assertThat(check(route, committedUpTo(2, 2, 2)))
        .extracting(Finding::revision, Finding::stage, Finding::status)
        .containsExactly(tuple(3L, Stage.ROUTE_CHANGES, Status.IN_FLIGHT));
    assertThat(check(route, committedUpTo(3, 2, 2)))
        .extracting(Finding::revision, Finding::stage, Finding::status)
        .containsExactly(tuple(3L, Stage.ROUTE_CHANGES, Status.INCONSISTENT));
  }

  @Test
  void aGroupThatNeverCommittedHasConsumedNothing() {
    Route route = new Route();
    route.audit = List.of();
    Consumption fresh =
        new Consumption(
            new CommittedOffsets("processor", Map.of(0, 3L)),
            new CommittedOffsets("tm-cache-invalidation", Map.of(0, 3L)),
            new CommittedOffsets("tm-audit-log", Map.of()));

    assertThat(check(route, fresh))
        .extracting(Finding::stage, Finding::status)
        .containsOnly(tuple(Stage.AUDIT_LOG, Status.IN_FLIGHT))
        .hasSize(3);
  }

  @Test
  void duplicatedAndOutOfOrderChangesAreInconsistent() {
    Route route = new Route();
    route.changes =
        List.of(
            new RecordAt(1, 0, 0),
            new RecordAt(3, 0, 1),
            new RecordAt(2, 0, 2),
            new RecordAt(3, 0, 3));

    assertThat(check(route, committedUpTo(3, 4, 4)))
        .extracting(Finding::revision, Finding::problem, Finding::status)
        .containsExactly(
            tuple(2L, Problem.OUT_OF_ORDER, Status.INCONSISTENT),
            tuple(3L, Problem.DUPLICATED, Status.INCONSISTENT));
  }

  @Test
  void aMissingAuditRowIsLostOnceTheAuditConsumerPassedTheChange() {
    Route route = new Route();
    route.audit = List.of(1L, 3L);

    assertThat(check(route, committedUpTo(3, 3, 1)))
        .extracting(Finding::revision, Finding::stage, Finding::status)
        .containsExactly(tuple(2L, Stage.AUDIT_LOG, Status.IN_FLIGHT));
    assertThat(check(route, ALL_CONSUMED))
        .extracting(Finding::revision, Finding::stage, Finding::status)
        .containsExactly(tuple(2L, Stage.AUDIT_LOG, Status.INCONSISTENT));
  }

  @Test
  void aDuplicatedAuditRowIsReportedOnce() {
    Route route = new Route();
    route.audit = List.of(1L, 2L, 2L, 2L, 3L);

    assertThat(check(route, ALL_CONSUMED))
        .extracting(Finding::revision, Finding::stage, Finding::problem, Finding::detail)
        .containsExactly(
            tuple(2L, Stage.AUDIT_LOG, Problem.DUPLICATED, "3 audit rows for one revision"));
  }

  @Test
  void theRoutesTopicMustHoldTheCurrentStateOnceItsChangeIsOut() {
    Route behind = new Route();
    behind.latest = Optional.of(new RouteValue(URL, true, 2));
    Route otherUrl = new Route();
    otherUrl.latest = Optional.of(new RouteValue("https://elsewhere.example", true, 3));
    Route newer = new Route();
    newer.latest = Optional.of(new RouteValue("https://newer.example", false, 4));

    assertThat(check(behind, ALL_CONSUMED))
        .extracting(Finding::stage, Finding::problem, Finding::status)
        .containsExactly(tuple(Stage.ROUTES, Problem.DIFFERS, Status.INCONSISTENT));
    assertThat(check(otherUrl, ALL_CONSUMED))
        .extracting(Finding::stage, Finding::problem)
        .containsExactly(tuple(Stage.ROUTES, Problem.DIFFERS));
    assertThat(check(newer, ALL_CONSUMED)).as("written after the snapshot").isEmpty();
  }

  @Test
  void anOlderCacheEntryIsStaleOnceInvalidationPassedTheCurrentChangeAndInFlightBefore() {
    Route route = new Route();
    route.cache = Optional.of(CacheEntry.resolving("https://old.example", 2).toJson());

    assertThat(check(route, committedUpTo(3, 2, 3)))
        .extracting(Finding::stage, Finding::problem, Finding::status)
        .containsExactly(tuple(Stage.CACHE, Problem.STALE, Status.IN_FLIGHT));
    assertThat(check(route, ALL_CONSUMED))
        .extracting(Finding::stage, Finding::problem, Finding::status)
        .containsExactly(tuple(Stage.CACHE, Problem.STALE, Status.INCONSISTENT));
  }

  @Test
  void aCacheEntryOfTheCurrentRevisionMustAnswerTheCurrentState() {
    Route inactive = new Route();
    inactive.database = new RouteValue(URL, false, 3);
    inactive.latest = Optional.of(inactive.database);
    Route negative = new Route();
    negative.database = inactive.database;
    negative.latest = Optional.of(inactive.database);
    inactive.cache = Optional.of(CacheEntry.resolving(URL, 3).toJson());
    negative.cache = Optional.of(CacheEntry.missing(3).toJson());
    Route garbage = new Route();
    garbage.cache = Optional.of("not json");

    assertThat(check(inactive, ALL_CONSUMED))
        .extracting(Finding::stage, Finding::problem, Finding::status)
        .containsExactly(tuple(Stage.CACHE, Problem.DIFFERS, Status.INCONSISTENT));
    assertThat(check(negative, ALL_CONSUMED)).isEmpty();
    assertThat(check(garbage, ALL_CONSUMED))
        .extracting(Finding::stage, Finding::problem)
        .containsExactly(tuple(Stage.CACHE, Problem.DIFFERS));
  }

  @Test
  void onlyRevisionsFromTheFirstToCheckAreChecked() {
    Route route = new Route();
    route.firstRevision = 3;
    route.events = records(3);
    route.changes = records(3);
    route.audit = List.of(3L);

    assertThat(check(route, ALL_CONSUMED)).isEmpty();
  }
}
