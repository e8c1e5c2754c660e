package dev.trafficmanager.app.operate;

import dev.trafficmanager.app.operate.offsets.ActiveGroupException;
import dev.trafficmanager.app.operate.offsets.GroupOffsets;
import dev.trafficmanager.app.operate.offsets.OffsetTarget;
import dev.trafficmanager.app.operate.offsets.ResetPlan;
import dev.trafficmanager.app.operate.offsets.TopicSelection;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.topic.ConsumerGroups;
import dev.trafficmanager.topic.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replay}: moves a side-effect consumer group's committed offsets back (or forward), so that
 * its consumers apply the changes from there again when they next start. Safe because every
 * consumer drops the revisions it has already applied.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Reset a consumer group's committed offsets, as kafka-consumer-groups --reset-offsets does,"
          + " so that its consumers apply the changes from there again when they next start."
          + " Consumers drop the revisions they have already applied, so a replay is safe.",
      "Prints the plan per partition (committed offset, new offset, records to replay); with"
          + " --execute, commits the new offsets. The group's consumers must be stopped: the"
          + " command refuses to change the offsets of a group with active members.",
    },
    footer = {
      "",
      "Exit status: 0 done (or plan printed), 1 refused or failed, 2 invalid usage.",
      "",
      "Example:",
      "  traffic-manager replay --group tm-audit-log \\",
      "    --to-datetime 2026-11-26T19:00:00Z --dry-run"
    })
public final class ReplayCommand implements Callable<Integer> {
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private final Settings settings;

  @Spec CommandSpec spec;

  @Option(
      names = "--group",
      required = true,
      paramLabel = "<group>",
      completionCandidates = GroupNames.class,
      description =
          "The consumer group, by its contract name: ${COMPLETION-CANDIDATES}. The topic prefix"
              + " (TM_TOPIC_PREFIX) is applied.")
  String group;

  @ArgGroup(exclusive = true, multiplicity = "1", heading = "Where to (one of):%n")
  Target target;

  @Option(
      names = "--topic",
      paramLabel = "<topic[:p,p]>",
      description =
          "A topic of the group, optionally with some of its partitions (route-changes:0,2);"
              + " repeatable. Default: route-changes, every partition.")
  List<String> topics = new ArrayList<>();

  @ArgGroup(exclusive = true, multiplicity = "1", heading = "Mode (one of):%n")
  Mode mode;

  public ReplayCommand(Settings settings) {
    this.settings = settings;
  }

  static final class Target {
    @Option(
        names = "--to-datetime",
        required = true,
        paramLabel = "<RFC 3339>",
        converter = Rfc3339.class,
        description =
            "The first record at or after this time, e.g. 2026-11-26T19:00:00Z (the log end where"
                + " there is none).")
    Instant toDatetime;

    @Option(
        names = "--to-offset",
        required = true,
        paramLabel = "<n>",
        description = "This offset on every partition.")
    Long toOffset;

    @Option(
        names = "--to-earliest",
        required = true,
        description = "The first record still in the log.")
    boolean toEarliest;

    @Option(
        names = "--shift-by",
        required = true,
        paramLabel = "<n>",
        description = "The committed offset plus n (negative: back).")
    Long shiftBy;

    OffsetTarget offsetTarget() {
      if (toDatetime != null) {
        return new OffsetTarget.ToDatetime(toDatetime);
      }
      if (toOffset != null) {
        return new OffsetTarget.ToOffset(toOffset);
      }
      if (shiftBy != null) {
        return new OffsetTarget.ShiftBy(shiftBy);
      }
      return new OffsetTarget.ToEarliest();
    }
  }

  static final class Mode {
    @Option(names = "--dry-run", required = true, description = "Print the plan, change nothing.")
    boolean dryRun;

    @Option(names = "--execute", required = true, description = "Print the plan and apply it.")
    boolean execute;
  }

  static final class GroupNames extends ArrayList<String> {
    GroupNames() {
      super(Topics.CONSUMERS.stream().map(ConsumerGroups::consumer).toList());
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> known = new GroupNames();
    if (!known.contains(group)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "unknown group '"
              + group
              + "': expected one of "
              + String.join(", ", known)
              + " (the processor is reset with rebuild-processor)");
    }
    KafkaSettings kafka = KafkaSettings.from(settings);
    List<TopicSelection> selections = selections(kafka.topics());
    String groupId = kafka.groupId(group);
    try (Admin admin = Admin.create(kafka.clientProperties("tm-replay"))) {
      GroupOffsets offsets = new GroupOffsets(admin, ADMIN_TIMEOUT);
      ResetPlan plan;
      try {
        plan = offsets.plan(groupId, selections, target.offsetTarget());
      } catch (IllegalArgumentException e) {
        err.println("replay: " + e.getMessage());
        return 1;
      }
      print(out, plan);
      if (mode.dryRun) {
        if (plan.group().hasActiveMembers()) {
          out.println("Note: the group has active members; --execute is refused until they stop.");
        }
        out.println("Dry run: nothing was changed. Run again with --execute to apply this plan.");
        return 0;
      }
      try {
        offsets.apply(plan);
      } catch (ActiveGroupException e) {
        err.println(
            "Refused: "
                + e.getMessage()
                + ". Stop its consumers first, then run again: the offsets of a group with"
                + " members cannot be changed.");
        return 1;
      }
      out.printf(
          "Done: committed the new offsets of %d partition(s). %s replays %d record(s) when its"
              + " consumers start.%n",
          plan.partitions().size(), group, plan.recordsToReplay());
      return 0;
    }
  }

  private void print(PrintWriter out, ResetPlan plan) {
    out.printf(
        "Group %s (%s): state %s, %s%n",
        group,
        plan.group().groupId(),
        plan.group().state(),
        plan.group().hasActiveMembers()
            ? plan.group().members().size() + " active member(s)"
            : "no active members");
    plan.group().members().forEach(member -> out.println("  member " + member));
    out.println("Reset " + plan.target().describe());
    out.println();
    OffsetTable.print(out, plan.partitions());
    out.println();
    out.printf(
        "%d record(s) to replay on %d partition(s).%n",
        plan.recordsToReplay(), plan.partitions().size());
    if (plan.recordsSkipped() > 0) {
      out.printf(
          "%d record(s) skipped: the new offset lies ahead of the committed one.%n",
          plan.recordsSkipped());
    }
  }

  /** The selected topics under their prefixed names; route-changes when none is given. */
  private List<TopicSelection> selections(Topics names) {
    if (topics.isEmpty()) {
      return List.of(TopicSelection.all(names.routeChanges().name()));
    }
    List<String> contract =
        names.names().stream().map(name -> name.substring(names.prefix().length())).toList();
    List<TopicSelection> selections = new ArrayList<>();
    for (String value : topics) {
      TopicSelection selection;
      try {
        selection = TopicSelection.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--topic " + e.getMessage());
      }
      if (!contract.contains(selection.topic())) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--topic '"
                + selection.topic()
                + "' is not a topic of the pipeline: expected one of "
                + String.join(", ", contract));
      }
      selections.add(selection.renamed(names.prefix() + selection.topic()));
    }
    return selections;
  }
}
