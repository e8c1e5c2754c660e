package dev.trafficmanager.app;

import dev.trafficmanager.api.ApiService;
import dev.trafficmanager.config.Settings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "api",
    mixinStandardHelpOptions = true,
    description = {
      "Run the HTTP API and the outbox relay against external PostgreSQL, Redis and Kafka.",
      "With TM_API_RELAY=off the API leaves publishing to the relay command."
    },
    footer = {
      "",
      "Example:",
      "  TM_DB_URL=jdbc:postgresql://db:5432/tm TM_REDIS_URL=redis://redis:6379 \\",
      "  TM_KAFKA_BOOTSTRAP=kafka:9092 traffic-manager api"
    })
final class ApiCommand implements Callable<Integer> {
  private final Settings settings;

  ApiCommand(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Integer call() throws Exception {
    return ServiceProcess.run(
        settings,
        ApiService.SERVICE_NAME,
        (context, lifecycle) -> lifecycle.started(new ApiService(context)).start());
  }
}
