package dev.trafficmanager.app.operate.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Locale;

/** A {@link VerifyReport} for a person (a table) or for a script (one JSON document). */
public final class ReportFormat {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportFormat() {}

  public static void text(VerifyReport report, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "Checked %d route(s) and %d split(s), %d revision(s) acknowledged by PostgreSQL at %s,"
            + " in %.1f s.%n",
        report.routes(),
        report.splits(),
        report.revisions(),
        report.snapshotAt(),
        report.elapsed().toMillis() / 1000.0);
    if (!report.findings().isEmpty()) {
      out.println();
      out.printf(
          "%-12s  %-40s  %8s  %-13s  %-12s  %s%n",
          "status", "route or split", "revision", "stage", "problem", "detail");
      for (Finding f : report.findings()) {
        out.printf(
            "%-12s  %-40s  %8d  %-13s  %-12s  %s%n",
            f.status().label(),
            f.key(),
            f.revision(),
            f.stage().label(),
            f.problem().label(),
            f.detail());
      }
      if (report.findingsOmitted() > 0) {
        out.printf(
            "... and %d more finding(s) (raise --limit to list them).%n", report.findingsOmitted());
      }
      out.println();
      out.println("By kind:");
      for (VerifyReport.Tally tally : report.tallies()) {
        out.printf(
            "  %-13s  %-12s  %-12s  %d%n",
            tally.stage().label(), tally.problem().label(), tally.status().label(), tally.count());
      }
    }
    report.notes().forEach(note -> out.printf("%nNote: %s%n", note));
    out.println();
    if (report.consistent()) {
      out.printf(
          "Consistent: nothing lost or wrong; %d finding(s) in flight.%n", report.inFlight());
    } else {
      out.printf(
          "NOT consistent: %d finding(s) lost or wrong on %d route(s) and %d split(s); %d in"
              + " flight.%n",
          report.inconsistent(),
          report.routesInconsistent(),
          report.splitsInconsistent(),
          report.inFlight());
    }
    if (report.inFlight() > 0) {
      out.println(
          "In flight: pending in the outbox or not yet consumed; run verify again to see them"
              + " done.");
    }
  }

  public static String json(VerifyReport report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("consistent", report.consistent());
    root.put("snapshot_at", report.snapshotAt().toString());
    root.put("routes", report.routes());
    root.put("splits", report.splits());
    root.put("revisions", report.revisions());
    root.put("inconsistent", report.inconsistent());
    root.put("in_flight", report.inFlight());
    root.put("routes_inconsistent", report.routesInconsistent());
    root.put("splits_inconsistent", report.splitsInconsistent());
    root.put("elapsed_ms", report.elapsed().toMillis());
    ArrayNode tallies = root.putArray("tallies");
    for (VerifyReport.Tally tally : report.tallies()) {
      tallies
          .addObject()
          .put("stage", tally.stage().label())
          .put("problem", tally.problem().label())
          .put("status", tally.status().label())
          .put("count", tally.count());
    }
    ArrayNode findings = root.putArray("findings");
    for (Finding f : report.findings()) {
      findings
          .addObject()
          .put("status", f.status().label())
          .put(f.subject().keyName(), f.key())
          .put("revision", f.revision())
          .put("stage", f.stage().label())
          .put("problem", f.problem().label())
          .put("detail", f.detail());
    }
    root.put("findings_omitted", report.findingsOmitted());
    ArrayNode notes = root.putArray("notes");
    report.notes().forEach(notes::add);
    return root.toString();
  }
}
