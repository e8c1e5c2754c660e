package dev.trafficmanager.app.operate.verify;

import java.util.ArrayList;
import java.util.List;

/** The findings of one route or split, in the order they were made. */
final class Findings {
  private final Subject subject;
  private final String key;
  private final List<Finding> list = new ArrayList<>();

  Findings(Subject subject, String key) {
    this.subject = subject;
    this.key = key;
  }

  void add(long revision, Stage stage, Problem problem, Status status, String detail) {
    list.add(new Finding(subject, key, revision, stage, problem, status, detail));
  }

  void inFlight(long revision, Stage stage, Problem problem, String detail) {
    add(revision, stage, problem, Status.IN_FLIGHT, detail);
  }

  void inconsistent(long revision, Stage stage, Problem problem, String detail) {
    add(revision, stage, problem, Status.INCONSISTENT, detail);
  }

  /** Missing at a stage: lost once the group that puts it there has passed it. */
  void missing(long revision, Stage stage, boolean passed, String detail) {
    add(revision, stage, Problem.MISSING, passed ? Status.INCONSISTENT : Status.IN_FLIGHT, detail);
  }

  List<Finding> list() {
    return list;
  }
}
