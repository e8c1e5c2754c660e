package dev.trafficmanager.app.operate;

import dev.trafficmanager.api.outbox.EventRange;
import dev.trafficmanager.api.outbox.OutboxStore;
import dev.trafficmanager.api.outbox.RangeCount;
import dev.trafficmanager.app.operate.progress.Progress;
import dev.trafficmanager.app.operate.republish.RepublishResult;
import dev.trafficmanager.app.operate.republish.Republisher;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.DatabaseSettings;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code republish}: sends stored events from the outbox to route-events again. */
@Command(
    name = "republish",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Publish the events stored in PostgreSQL's outbox to route-events again, exactly as the"
          + " outbox relay published them (key, payload bytes, correlation-id and event-type"
          + " headers), in outbox order: after Kafka lost data, this restores the event log and,"
          + " through the processor, every downstream effect. The processor and every consumer"
          + " drop revisions they have already applied, so republishing what Kafka still holds is"
          + " harmless.",
      "Only published rows are sent (pending ones are the relay's), and only rows still in the"
          + " outbox: published rows are deleted after TM_OUTBOX_RETENTION (7d by default).",
      "A processor that still holds its state has applied every revision it saw; to rebuild"
          + " route-changes and routes from the restored log, run rebuild-processor first.",
    },
    footer = {
      "",
      "Exit status: 0 done, 1 failed (run it again: duplicates are harmless), 2 invalid usage.",
      "",
      "Example:",
      "  traffic-manager republish --from 2026-11-26T00:00:00Z \\",
      "    --to 2026-11-26T12:00:00Z --tenant acme --dry-run"
    })
public final class RepublishCommand implements Callable<Integer> {
  private static final int FETCH_SIZE = 1000;

  private final Settings settings;

  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "<RFC 3339>",
      converter = Rfc3339.class,
      description = "Events created at or after this time, e.g. 2026-11-26T00:00:00Z.")
  Instant from;

  @Option(
      names = "--to",
      paramLabel = "<RFC 3339>",
      converter = Rfc3339.class,
      description = "Events created before this time. Default: now.")
  Instant to;

  @Option(
      names = "--tenant",
      paramLabel = "<tenant>",
      converter = TenantName.class,
      description = "Only this tenant's events.")
  String tenant;

  @Option(names = "--dry-run", description = "Count what would be sent, send nothing.")
  boolean dryRun;

  @Mixin ProgressOption progress;

  public RepublishCommand(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    EventRange range = range();
    KafkaSettings kafka = KafkaSettings.from(settings);
    String topic = kafka.topics().routeEvents().name();
    DatabaseSettings database = DatabaseSettings.from(settings);
    OutboxStore store = new OutboxStore();
    try (Connection connection = database.connect(Republisher.CLIENT_ID)) {
      RangeCount count = store.count(connection, range);
      out.printf(
          "Republish %d event(s) created %s, to %s.%n", count.published(), range.describe(), topic);
      count
          .oldestStored()
          .filter(oldest -> oldest.isAfter(range.from()))
          .ifPresent(
              oldest ->
                  out.printf(
                      "Note: the outbox holds nothing created before %s; older events were"
                          + " deleted after the retention and cannot be republished.%n",
                      oldest));
      if (count.pending() > 0) {
        out.printf(
            "Note: %d event(s) of the range are not published yet; the outbox relay publishes"
                + " them.%n",
            count.pending());
      }
      if (dryRun) {
        out.println("Dry run: nothing was published.");
        return 0;
      }
      RepublishResult result;
      try (Producer<String, byte[]> producer =
          new KafkaProducer<>(Republisher.producerConfig(kafka))) {
        Progress bar =
            Progress.start(out, "republish", "events", count.published(), progress.style());
        result =
            new Republisher(producer, topic)
                .publish(
                    action -> store.forEachPublished(connection, range, FETCH_SIZE, action), bar);
      }
      if (result.failure().isPresent()) {
        RepublishResult.Failure failure = result.failure().get();
        err.printf(
            "Failed after %d acknowledged event(s): %s%s. Run the same command again: events"
                + " already applied are dropped downstream.%n",
            result.acknowledged(),
            failure.error(),
            failure.event() == null
                ? ""
                : String.format(
                    " (outbox id %d, route %s, revision %d)",
                    failure.event().id(), failure.event().routeKey(), failure.event().revision()));
        return 1;
      }
      out.printf(
          Locale.ROOT,
          "Republished %d event(s) to %s in %.1f s (%.0f events/s).%n",
          result.acknowledged(),
          topic,
          result.elapsed().toMillis() / 1000.0,
          result.ratePerSecond());
      return 0;
    } catch (SQLException e) {
      err.printf("Failed: cannot read the outbox at %s: %s%n", database.address(), e.getMessage());
      return 1;
    }
  }

  /** The range the options name, or invalid usage naming the option at fault. */
  private EventRange range() {
    Instant until = to == null ? Instant.now() : to;
    if (!from.isBefore(until)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--from " + from + " must be before --to " + until);
    }
    return new EventRange(from, until, Optional.ofNullable(tenant));
  }
}
