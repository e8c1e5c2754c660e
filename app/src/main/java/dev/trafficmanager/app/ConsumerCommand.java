package dev.trafficmanager.app;

import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.ConsumerService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "consumer",
    mixinStandardHelpOptions = true,
    description = "Run one side-effect consumer of route-changes.")
final class ConsumerCommand implements Callable<Integer> {
  private final Settings settings;

  @Parameters(
      paramLabel = "<name>",
      description = "The consumer to run: ${COMPLETION-CANDIDATES}.",
      completionCandidates = ConsumerNames.class)
  String name;

  ConsumerCommand(Settings settings) {
    this.settings = settings;
  }

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!ConsumerService.names().contains(name)) {
      throw new ParameterException(
          spec.commandLine(),
          "unknown consumer '" + name + "'; choose one of " + ConsumerService.names());
    }
    try (ServiceLifecycle lifecycle = new ServiceLifecycle()) {
      lifecycle.started(new ConsumerService(name, settings)).start();
      lifecycle.awaitShutdownSignal();
    }
    return 0;
  }

  static final class ConsumerNames extends java.util.ArrayList<String> {
    ConsumerNames() {
      super(ConsumerService.names());
    }
  }
}
