package dev.trafficmanager.app;

import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.ConsumerService;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "consumer",
    mixinStandardHelpOptions = true,
    description = {
      "Run one side-effect consumer of route-changes.",
      "Serves /health/* and /metrics on TM_HTTP_PORT."
    },
    footer = {
      "",
      "Example:",
      "  TM_KAFKA_BOOTSTRAP=kafka:9092 TM_REDIS_URL=redis://redis:6379 \\",
      "  traffic-manager consumer cache-invalidation"
    })
final class ConsumerCommand implements Callable<Integer> {
  private final Settings settings;

  @Parameters(
      paramLabel = "<name>",
      description = "The consumer to run: ${COMPLETION-CANDIDATES}.",
      completionCandidates = ConsumerNames.class)
  String name;

  @Spec CommandSpec spec;

  ConsumerCommand(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Integer call() throws Exception {
    if (!ConsumerService.names().contains(name)) {
      throw new ParameterException(
          spec.commandLine(),
          "unknown consumer '" + name + "'; choose one of " + ConsumerService.names());
    }
    return ServiceProcess.run(
        settings,
        name,
        (context, lifecycle) -> {
          ConsumerService consumer = new ConsumerService(name, context);
          ServiceProcess.serveOps(
              context,
              lifecycle,
              settings,
              health -> health.required("consumer-" + name, consumer::health));
          lifecycle.started(consumer).start();
        });
  }

  static final class ConsumerNames extends ArrayList<String> {
    ConsumerNames() {
      super(ConsumerService.names());
    }
  }
}
