package dev.trafficmanager.app;

import dev.trafficmanager.config.Settings;

/** Runs the developer's command line in-process, as {@link OperatorCli} runs the production one. */
final class DeveloperCli {
  private DeveloperCli() {}

  static OperatorCli.Run run(Settings settings, String... args) {
    return OperatorCli.run(DeveloperTrafficManager.commandLine(settings), args);
  }
}
