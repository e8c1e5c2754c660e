package dev.trafficmanager.app.operate;

import dev.trafficmanager.app.operate.progress.Progress;
import dev.trafficmanager.app.operate.verify.ProgressSink;
import dev.trafficmanager.app.operate.verify.ReportFormat;
import dev.trafficmanager.app.operate.verify.Verifier;
import dev.trafficmanager.app.operate.verify.VerifyReport;
import dev.trafficmanager.app.operate.verify.VerifyScope;
import dev.trafficmanager.config.Settings;
import io.lettuce.core.RedisException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code verify}: is everything PostgreSQL acknowledged everywhere it should be? */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Check, route by route and split by split, that every revision PostgreSQL acknowledged is"
          + " on route-events and route-changes (once, in order on route-changes), that the audit"
          + " logs (one row per revision) and, for routes, the routes topic agree with it, and that"
          + " no Redis entry answers an older or different state once its invalidation was"
          + " consumed.",
      "It runs beside a live pipeline and stops nothing: it takes PostgreSQL's snapshot first and"
          + " reads the topics up to their ends after it. Revisions written after the snapshot"
          + " are not checked; what is pending in the outbox or not yet consumed by the group that"
          + " moves it on is reported as in flight, not as lost.",
      "Progress goes to stderr on a terminal; the report to stdout.",
    },
    footer = {
      "",
      "Exit status: 0 consistent (work in flight allowed), 1 something lost or wrong, or the"
          + " check could not run, 2 invalid usage.",
      "",
      "Example:",
      "  traffic-manager verify --tenant acme \\",
      "    --since 2026-11-26T00:00:00Z --json"
    })
public final class VerifyCommand implements Callable<Integer> {
  private final Settings settings;

  @Spec CommandSpec spec;

  @Option(
      names = "--tenant",
      paramLabel = "<tenant>",
      converter = TenantName.class,
      description = "Only this tenant's routes and splits.")
  String tenant;

  @Option(
      names = "--since",
      paramLabel = "<RFC 3339>",
      converter = Rfc3339.class,
      description =
          "Only routes and splits changed at or after this time, and only their revisions written"
              + " since.")
  Instant since;

  @Option(names = "--json", description = "Print the report as one JSON document.")
  boolean json;

  @Option(
      names = "--limit",
      paramLabel = "<n>",
      defaultValue = "1000",
      description = "Findings to list (all are counted). Default: ${DEFAULT-VALUE}.")
  int limit;

  @Mixin ProgressOption progress;

  public VerifyCommand(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (limit < 0) {
      throw new ParameterException(spec.commandLine(), "--limit must not be negative: " + limit);
    }
    VerifyScope scope = new VerifyScope(Optional.ofNullable(tenant), Optional.ofNullable(since));
    VerifyReport report;
    try {
      report = new Verifier(settings).run(scope, limit, new ProgressSink(err, progressStyle()));
    } catch (SQLException
        | KafkaException
        | RedisException
        | IllegalStateException
        | IllegalArgumentException e) {
      err.printf("verify failed, nothing was concluded: %s%n", e.getMessage());
      return 1;
    }
    if (json) {
      out.println(ReportFormat.json(report));
    } else {
      ReportFormat.text(report, out);
    }
    out.flush();
    return report.consistent() ? 0 : 1;
  }

  /**
   * The report is the output, so unless asked for, progress is drawn only for a person at a
   * terminal, never as lines into a pipe or a log.
   */
  private Progress.Style progressStyle() {
    boolean asked = spec.commandLine().getParseResult().hasMatchedOption("--progress");
    Progress.Style style = progress.style();
    return !asked && style == Progress.Style.LINES ? Progress.Style.NONE : style;
  }
}
