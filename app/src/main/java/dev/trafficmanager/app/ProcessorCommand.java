package dev.trafficmanager.app;

import dev.trafficmanager.config.Settings;
import dev.trafficmanager.processor.ProcessorService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "processor",
    mixinStandardHelpOptions = true,
    description = "Run the Kafka Streams processor: route-events to route-changes and routes.")
final class ProcessorCommand implements Callable<Integer> {
  private final Settings settings;

  ProcessorCommand(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Integer call() throws Exception {
    try (ServiceLifecycle lifecycle = new ServiceLifecycle()) {
      lifecycle.started(new ProcessorService(settings)).start();
      lifecycle.awaitShutdownSignal();
    }
    return 0;
  }
}
