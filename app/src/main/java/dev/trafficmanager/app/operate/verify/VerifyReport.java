package dev.trafficmanager.app.operate.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What {@code verify} found: counts over every route and split checked, and the findings themselves
 * up to a limit (a pipeline that lost a million revisions must not take a million findings'
 * memory).
 *
 * @param snapshotAt PostgreSQL's instant whose acknowledged revisions were checked
 * @param routes routes checked
 * @param splits splits checked
 * @param revisions revisions checked, over all routes and splits
 * @param inconsistent findings that are lost or wrong
 * @param inFlight findings that are still in flight
 * @param routesInconsistent routes with at least one inconsistent finding
 * @param splitsInconsistent splits with at least one inconsistent finding
 * @param tallies the number of findings of each kind, in stage order
 * @param findings the first findings, inconsistent and in flight alike, the routes' in key order
 *     and then the splits'
 * @param findingsOmitted findings beyond the limit, counted but not kept
 * @param notes what a reader must know to read the findings right, such as a topic whose older
 *     records were deleted
 */
public record VerifyReport(
    Instant snapshotAt,
    long routes,
    long splits,
    long revisions,
    long inconsistent,
    long inFlight,
    long routesInconsistent,
    long splitsInconsistent,
    List<Tally> tallies,
    List<Finding> findings,
    long findingsOmitted,
    List<String> notes,
    Duration elapsed) {

  /** How many findings of one kind there are. */
  public record Tally(Stage stage, Problem problem, Status status, long count) {}

  public VerifyReport {
    Objects.requireNonNull(snapshotAt, "snapshotAt");
    tallies = List.copyOf(tallies);
    findings = List.copyOf(findings);
    notes = List.copyOf(notes);
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** Nothing lost or wrong; work in flight does not count against it. */
  public boolean consistent() {
    return inconsistent == 0;
  }

  /** The findings kept of one status. */
  public List<Finding> findings(Status status) {
    return findings.stream().filter(f -> f.status() == status).toList();
  }

  /** Collects the findings route by route, then split by split. Not thread-safe. */
  static final class Builder {
    private static final Comparator<Tally> ORDER =
        Comparator.comparing(Tally::stage)
            .thenComparing(Tally::problem)
            .thenComparing(Tally::status);

    private final Instant snapshotAt;
    private final int findingLimit;
    private final List<String> notes;
    private final Map<Tally, Long> tallies = new TreeMap<>(ORDER);
    private final List<Finding> findings = new ArrayList<>();
    private long routes;
    private long splits;
    private long revisions;
    private long inconsistent;
    private long inFlight;
    private long routesInconsistent;
    private long splitsInconsistent;
    private long omitted;

    Builder(Instant snapshotAt, int findingLimit, List<String> notes) {
      this.snapshotAt = snapshotAt;
      this.findingLimit = findingLimit;
      this.notes = List.copyOf(notes);
    }

    void route(RouteEvidence route, List<Finding> found) {
      routes++;
      revisions += route.trail().checkedRevisions();
      if (count(found)) {
        routesInconsistent++;
      }
    }

    void split(RevisionTrail split, List<Finding> found) {
      splits++;
      revisions += split.checkedRevisions();
      if (count(found)) {
        splitsInconsistent++;
      }
    }

    /** Counts and keeps the findings of one route or split; true when one is inconsistent. */
    private boolean count(List<Finding> found) {
      boolean wrong = false;
      for (Finding finding : found) {
        tallies.merge(
            new Tally(finding.stage(), finding.problem(), finding.status(), 0), 1L, Long::sum);
        if (finding.status() == Status.INCONSISTENT) {
          inconsistent++;
          wrong = true;
        } else {
          inFlight++;
        }
        if (findings.size() < findingLimit) {
          findings.add(finding);
        } else {
          omitted++;
        }
      }
      return wrong;
    }

    long routes() {
      return routes;
    }

    long splits() {
      return splits;
    }

    VerifyReport build(Duration elapsed) {
      List<Tally> counted = new ArrayList<>();
      tallies.forEach(
          (kind, count) ->
              counted.add(new Tally(kind.stage(), kind.problem(), kind.status(), count)));
      return new VerifyReport(
          snapshotAt,
          routes,
          splits,
          revisions,
          inconsistent,
          inFlight,
          routesInconsistent,
          splitsInconsistent,
          counted,
          findings,
          omitted,
          notes,
          elapsed);
    }
  }
}
