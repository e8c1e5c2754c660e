package dev.trafficmanager.app.operate.verify;

import java.util.List;

/**
 * Compares what one split's revisions left at each stage with PostgreSQL's: {@code route-events},
 * {@code route-changes} and {@code split_audit_log}, the checks of {@link TrailCheck}. A split has
 * no record on the {@code routes} topic and no Redis entry (API instances cache splits in memory
 * only), so there is nothing more to compare. Pure, like {@link RouteCheck}.
 */
final class SplitCheck {
  private SplitCheck() {}

  static List<Finding> check(RevisionTrail split, Consumption consumption) {
    Findings findings = new Findings(Subject.SPLIT, split.key());
    TrailCheck.check(
        split, consumption.processor(), consumption.auditLog(), Stage.SPLIT_AUDIT_LOG, findings);
    return findings.list();
  }
}
