package dev.trafficmanager.api.console;

import dev.trafficmanager.api.outbox.OutboxBacklog;
import dev.trafficmanager.config.KafkaSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** What the console reads, over one Kafka admin client that {@link #close()} closes. */
public final class ConsoleReaders implements AutoCloseable {
  private final Admin admin;
  private final PipelineReader pipeline;
  private final DeadLetterReader deadLetters;

  private ConsoleReaders(Admin admin, PipelineReader pipeline, DeadLetterReader deadLetters) {
    this.admin = admin;
    this.pipeline = pipeline;
    this.deadLetters = deadLetters;
  }

  /**
   * @param settings how the pipeline view judges a group's progress
   * @param backlog the outbox backlog as this instance last read it
   * @param thisInstance this instance's breakers and bulkheads, as {@code /health/resilience}
   */
  public static ConsoleReaders open(
      KafkaSettings kafka,
      ConsoleSettings settings,
      Supplier<Optional<OutboxBacklog>> backlog,
      Supplier<Map<String, Object>> thisInstance) {
    Map<String, Object> props = kafka.clientProperties("tm-api-console");
    int timeout = (int) PipelineReader.TIMEOUT.toMillis();
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
    // An admin client connects only when first asked, so an API that never serves the console
    // never opens a connection for it.
    Admin admin = Admin.create(props);
    PipelineStages stages = new PipelineStages(kafka);
    Clock clock = Clock.systemUTC();
    GroupProgress progress =
        new GroupProgress(
            stages.all().stream().map(PipelineStages.Stage::group).collect(Collectors.toSet()),
            settings.stallAfter(),
            clock);
    return new ConsoleReaders(
        admin,
        new PipelineReader(admin, stages, backlog, thisInstance, progress, clock),
        new DeadLetterReader(kafka, stages, clock));
  }

  public PipelineReader pipeline() {
    return pipeline;
  }

  public DeadLetterReader deadLetters() {
    return deadLetters;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
