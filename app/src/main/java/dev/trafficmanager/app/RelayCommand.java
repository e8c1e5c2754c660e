package dev.trafficmanager.app;

import dev.trafficmanager.api.RelayService;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.resilience.Dependency;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "relay",
    mixinStandardHelpOptions = true,
    description = {
      "Run the outbox relay alone: publish the events committed to PostgreSQL's outbox to"
          + " route-events.",
      "One relay leads at a time (a PostgreSQL advisory lock); others stand by and take over."
          + " Run the API with TM_API_RELAY=off when this service publishes.",
      "Serves /health/* and /metrics on TM_HTTP_PORT."
    },
    footer = {
      "",
      "Example:",
      "  TM_DB_URL=jdbc:postgresql://db:5432/tm TM_KAFKA_BOOTSTRAP=kafka:9092 \\",
      "  traffic-manager relay"
    })
final class RelayCommand implements Callable<Integer> {
  private final Settings settings;

  RelayCommand(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Integer call() throws Exception {
    return ServiceProcess.run(
        settings,
        RelayService.SERVICE_NAME,
        (context, lifecycle) -> {
          RelayService relay = new RelayService(context);
          ServiceProcess.serveOps(
              context,
              lifecycle,
              settings,
              health ->
                  health
                      .required(Dependency.DATABASE.wireName(), relay::databaseHealth)
                      .optional(Dependency.KAFKA.wireName(), relay::kafkaHealth));
          lifecycle.started(relay).start();
        });
  }
}
