package dev.trafficmanager.app.operate;

import dev.trafficmanager.app.operate.offsets.ActiveGroupException;
import dev.trafficmanager.app.operate.rebuild.StreamsReset;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.processor.ProcessorConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rebuild-processor}: the Kafka Streams application reset of the processor. */
@Command(
    name = "rebuild-processor",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Reset the processor (Kafka Streams application traffic-manager-processor) so that it"
          + " rebuilds route-state, route-changes and routes from the event log when it next"
          + " starts: its offsets on route-events go to the earliest, its internal topics"
          + " (<application.id>-...-changelog, -repartition) are deleted, and its local state"
          + " (TM_STREAMS_STATE_DIR/<application.id>) on this machine is wiped.",
      "Every processor instance must be stopped: the command refuses while the application has"
          + " active members. Wipe the state directory of every other machine that ran the"
          + " processor as well (run this command there, or give it a fresh volume).",
      "route-changes and routes are not emptied: the rebuilt processor appends one record per"
          + " revision still in route-events to each again. Consumers drop revisions they have"
          + " already applied and routes compacts to the same latest states, so this is"
          + " harmless; invalid events land in route-events.dlq again.",
    },
    footer = {
      "",
      "Exit status: 0 done (or plan printed), 1 refused or failed, 2 invalid usage.",
      "",
      "Example:",
      "  traffic-manager rebuild-processor --dry-run"
    })
public final class RebuildProcessorCommand implements Callable<Integer> {
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private final Settings settings;

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1", heading = "Mode (one of):%n")
  Mode mode;

  public RebuildProcessorCommand(Settings settings) {
    this.settings = settings;
  }

  static final class Mode {
    @Option(names = "--dry-run", required = true, description = "Print the plan, change nothing.")
    boolean dryRun;

    @Option(names = "--execute", required = true, description = "Print the plan and carry it out.")
    boolean execute;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProcessorConfig config = ProcessorConfig.from(settings);
    try (Admin admin = Admin.create(config.kafka().clientProperties("tm-rebuild-processor"))) {
      StreamsReset reset = new StreamsReset(config, admin, ADMIN_TIMEOUT);
      StreamsReset.Plan plan = reset.plan();
      print(out, plan);
      if (mode.dryRun) {
        if (plan.inputOffsets().group().hasActiveMembers()) {
          out.println(
              "Note: the processor has active members; --execute is refused until they stop.");
        }
        out.println("Dry run: nothing was changed. Run again with --execute to carry it out.");
        return 0;
      }
      StreamsReset.Plan done;
      try {
        done = reset.execute();
      } catch (ActiveGroupException e) {
        err.println(
            "Refused: "
                + e.getMessage()
                + ". Stop every processor instance first, then run again: the offsets of a group"
                + " with members cannot be changed, and a running instance keeps its state.");
        return 1;
      }
      out.printf(
          "Done: offsets reset, %d internal topic(s) deleted, local state wiped. Start the"
              + " processor: it reprocesses %d record(s) of route-events.%n",
          done.internalTopics().size(), done.recordsToReprocess());
      return 0;
    }
  }

  private static void print(PrintWriter out, StreamsReset.Plan plan) {
    var group = plan.inputOffsets().group();
    out.printf(
        "Processor %s: state %s, %s%n",
        group.groupId(),
        group.state(),
        group.hasActiveMembers()
            ? group.members().size() + " active member(s)"
            : "no active members");
    group.members().forEach(member -> out.println("  member " + member));
    out.println();
    out.println("1. Reset the input offsets to the earliest:");
    OffsetTable.print(out, plan.inputOffsets().partitions());
    out.println();
    out.println("2. Delete the internal topics:");
    if (plan.internalTopics().isEmpty()) {
      out.println("  (none exist)");
    }
    plan.internalTopics().forEach(topic -> out.println("  " + topic));
    out.println();
    out.printf(
        "3. Wipe the local state: %s%s%n",
        plan.localState(), plan.localStateExists() ? "" : " (does not exist)");
    out.println();
    out.printf(
        "The rebuilt processor reprocesses %d record(s) of route-events and emits route-changes"
            + " and routes again for each applied revision.%n",
        plan.recordsToReprocess());
  }
}
