package dev.trafficmanager.app;

import dev.trafficmanager.app.bench.BenchCommand;
import dev.trafficmanager.config.Settings;
import java.util.Set;
import picocli.CommandLine;

/**
 * The developer's executable, {@code traffic-manager-local.jar}: every command of the production
 * jar ({@link TrafficManager}) and the two that only a developer's machine needs, {@code local}
 * (the whole pipeline in one process, with embedded servers) and {@code bench} (the load test).
 */
public final class DeveloperTrafficManager {
  /** Commands whose stdout is their result (bench: the table or the --json document). */
  static final Set<String> RESULT_ON_STDOUT = Set.of("bench");

  private DeveloperTrafficManager() {}

  public static void main(String[] args) {
    TrafficManager.run(args, DeveloperTrafficManager::commandLine, RESULT_ON_STDOUT);
  }

  /** The production command line with {@code local} and {@code bench} added. */
  static CommandLine commandLine(Settings settings) {
    return TrafficManager.commandLine(settings)
        .addSubcommand(LocalCommand.class)
        .addSubcommand(BenchCommand.class);
  }
}
