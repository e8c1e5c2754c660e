package dev.trafficmanager.app;

import dev.trafficmanager.config.Settings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole pipeline in one process: Kafka (in-process KRaft broker), PostgreSQL and Redis"
          + " (child processes), the API, the outbox relay, the processor and the three side-effect"
          + " consumers (cache-invalidation, cache-warming, audit-log).",
      "Each embedded server is skipped when its external setting is given: TM_KAFKA_BOOTSTRAP,"
          + " TM_DB_URL, TM_REDIS_URL. Data stays under TM_LOCAL_STATE_DIR (./.traffic-manager).",
      "Ports: TM_LOCAL_KAFKA_PORT (9092), TM_LOCAL_DB_PORT (5432), TM_LOCAL_REDIS_PORT (6379),"
          + " TM_HTTP_PORT (8080). A default port another process has is replaced by a free one;"
          + " a port set that another process has is an error."
    },
    footer = {"", "Example:", "  TM_HTTP_PORT=9090 traffic-manager local"})
final class LocalCommand implements Callable<Integer> {
  private final Settings settings;

  LocalCommand(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Integer call() throws Exception {
    try (LocalStack stack = new LocalStack(settings)) {
      stack.start();
      stack.awaitShutdownSignal();
    }
    return 0;
  }
}
