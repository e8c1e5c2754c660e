package dev.trafficmanager.app;

import dev.trafficmanager.app.bench.BenchCommand;
import dev.trafficmanager.app.operate.RebuildProcessorCommand;
import dev.trafficmanager.app.operate.ReplayCommand;
import dev.trafficmanager.app.operate.RepublishCommand;
import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.util.Set;
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
      ConsumerCommand.class,
      CreateTopicsCommand.class,
      ReplayCommand.class,
      RebuildProcessorCommand.class,
      RepublishCommand.class,
      BenchCommand.class
    })
public final class TrafficManager implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static final String LOG_FORMAT = "TM_LOG_FORMAT";

  private static final Set<String> SERVICES = Set.of("api", "processor", "consumer");

  public static void main(String[] args) {
    Settings settings = Settings.fromEnvironment();
    // Logback reads this when the first logger is created, so it is set before anything logs.
    // Services in containers feed log shippers JSON; `local` and the operator tools are run by
    // people at a terminal.
    boolean service = args.length > 0 && SERVICES.contains(args[0]);
    if (settings.string(LOG_FORMAT, service ? "json" : "console").equals("console")) {
      System.setProperty("logback.configurationFile", "logback-console.xml");
    }
    System.exit(commandLine(settings).execute(args));
  }

  /** The command line with every subcommand built on the given settings. */
  static CommandLine commandLine(Settings settings) {
    return new CommandLine(new TrafficManager(), new CommandFactory(settings))
        .setExecutionExceptionHandler(TrafficManager::reportBadSetting);
  }

  /** A bad setting is the operator's to fix: name it, no stack trace. */
  private static int reportBadSetting(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) throws Exception {
    if (e instanceof InvalidSettingException) {
      commandLine.getErr().println(commandLine.getColorScheme().errorText(e.getMessage()));
      return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }
    throw e;
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
