package dev.trafficmanager.app.operate.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitCheckTest {
  private static final String KEY = "acme/checkout/prod";

  /** Every group has committed up to (not past) {@code offset} on partition 0. */
  private static Consumption committedUpTo(long processor, long audit) {
    return new Consumption(
        new CommittedOffsets("processor", Map.of(0, processor)),
        new CommittedOffsets("tm-cache-invalidation", Map.of()),
        new CommittedOffsets("tm-audit-log", Map.of(0, audit)));
  }

  private static List<RecordAt> records(long... revisions) {
    List<RecordAt> records = new ArrayList<>();
    for (long revision : revisions) {
      records.add(new RecordAt(revision, 0, revision - 1));
    }
    return records;
  }

  private static RevisionTrail split(
      List<Long> pending, List<RecordAt> events, List<RecordAt> changes, List<Long> audit) {
    return new RevisionTrail(KEY, 3, 1, pending, events, changes, audit);
  }

  @Test
  void aSplitThatWentEverywhereHasNoFindingAndNeedsNoCacheGroup() {
    RevisionTrail split = split(List.of(), records(1, 2, 3), records(1, 2, 3), List.of(1L, 2L, 3L));

    assertThat(SplitCheck.check(split, committedUpTo(3, 3))).isEmpty();
  }

  @Test
  void itsMissingAndDuplicatedRevisionsAreTheSplitsAtTheSplitAuditLog() {
    RevisionTrail split = split(List.of(), records(1, 3), records(1, 3, 3), List.of(1L, 1L, 3L));

    assertThat(SplitCheck.check(split, committedUpTo(3, 3)))
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
                KEY,
                3L,
                Stage.ROUTE_CHANGES,
                Problem.DUPLICATED,
                Status.INCONSISTENT),
            tuple(
                Subject.SPLIT,
                KEY,
                1L,
                Stage.SPLIT_AUDIT_LOG,
                Problem.DUPLICATED,
                Status.INCONSISTENT),
            tuple(
                Subject.SPLIT, KEY, 2L, Stage.ROUTE_EVENTS, Problem.MISSING, Status.INCONSISTENT));
  }

  @Test
  void workNotPassedOnYetIsInFlight() {
    RevisionTrail split = split(List.of(3L), records(1, 2), records(1), List.of());

    assertThat(SplitCheck.check(split, committedUpTo(1, 0)))
        .extracting(Finding::revision, Finding::stage, Finding::status)
        .containsExactly(
            tuple(1L, Stage.SPLIT_AUDIT_LOG, Status.IN_FLIGHT),
            tuple(2L, Stage.ROUTE_CHANGES, Status.IN_FLIGHT),
            tuple(3L, Stage.ROUTE_EVENTS, Status.IN_FLIGHT));
  }
}
