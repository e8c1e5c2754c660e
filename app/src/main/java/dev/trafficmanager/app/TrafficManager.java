package dev.trafficmanager.app;

import dev.trafficmanager.config.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one executable: each service on its own, or the whole pipeline in one process. */
@Command(
    name = "traffic-manager",
    mixinStandardHelpOptions = true,
    versionProvider = TrafficManager.Version.class,
    description = "Traffic Manager: an event-sourced route registry on PostgreSQL and Kafka.",
    subcommands = {
      LocalCommand.class,
      ApiCommand.class,
      ProcessorCommand.class,
      ConsumerCommand.class
    })
public final class TrafficManager implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine(Settings.fromEnvironment()).execute(args));
  }

  /** The command line with every subcommand built on the given settings. */
  static CommandLine commandLine(Settings settings) {
    return new CommandLine(new TrafficManager(), new CommandFactory(settings));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = TrafficManager.class.getPackage().getImplementationVersion();
      return new String[] {"traffic-manager " + (version == null ? "development" : version)};
    }
  }
}
