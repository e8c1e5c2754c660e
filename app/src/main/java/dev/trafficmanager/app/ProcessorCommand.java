package dev.trafficmanager.app;

import dev.trafficmanager.config.Settings;
import dev.trafficmanager.processor.ProcessorService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "processor",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Kafka Streams processor: route-events to route-changes and routes.",
      "Serves /health/* and /metrics on TM_HTTP_PORT."
    },
    footer = {
      "",
      "Example:",
      "  TM_KAFKA_BOOTSTRAP=kafka:9092 TM_HTTP_PORT=8082 traffic-manager processor"
    })
final class ProcessorCommand implements Callable<Integer> {
  private final Settings settings;

  ProcessorCommand(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Integer call() throws Exception {
    return ServiceProcess.run(
        settings,
        ProcessorService.HEALTH_NAME,
        (context, lifecycle) -> {
          ProcessorService processor = new ProcessorService(context);
          ServiceProcess.serveOps(
              context,
              lifecycle,
              settings,
              health -> health.required(ProcessorService.HEALTH_NAME, processor::health));
          lifecycle.started(processor).start();
        });
  }
}
