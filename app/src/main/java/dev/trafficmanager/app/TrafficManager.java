package dev.trafficmanager.app;

import dev.trafficmanager.app.operate.RebuildProcessorCommand;
import dev.trafficmanager.app.operate.ReplayCommand;
import dev.trafficmanager.app.operate.RepublishCommand;
import dev.trafficmanager.app.operate.TokensCommand;
import dev.trafficmanager.app.operate.VerifyCommand;
import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The production executable, {@code traffic-manager.jar}: each service on its own and the operator
 * tools. The developer's executable ({@code DeveloperTrafficManager} in the {@code local} module)
 * adds {@code local} and {@code bench}, which need embedded servers and tools a deployment has no
 * use for.
 */
@Command(
    name = "traffic-manager",
    mixinStandardHelpOptions = true,
    versionProvider = TrafficManager.Version.class,
    description = "Traffic Manager: an event-sourced route registry on PostgreSQL and Kafka.",
    footer = {
      "",
      "Example:",
      "  traffic-manager api --help",
      "  source <(traffic-manager completion)"
    },
    subcommands = {
      ApiCommand.class,
      RelayCommand.class,
      ProcessorCommand.class,
      ConsumerCommand.class,
      CreateTopicsCommand.class,
      ReplayCommand.class,
      RebuildProcessorCommand.class,
      RepublishCommand.class,
      VerifyCommand.class,
      TokensCommand.class,
      CompletionCommand.class
    })
public final class TrafficManager implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static final String LOG_FORMAT = "TM_LOG_FORMAT";

  /**
   * The system property both logback configurations read for their console appender's target
   * ({@code System.out} when unset).
   */
  static final String LOG_TARGET = "traffic-manager.log.target";

  private static final Set<String> SERVICES = Set.of("api", "relay", "processor", "consumer");

  public static void main(String[] args) {
    run(args, TrafficManager::commandLine, Set.of());
  }

  /**
   * Runs a command line of one of the executables and exits with its code.
   *
   * @param resultOnStdout the commands whose stdout is their result, which therefore log on stderr
   */
  static void run(
      String[] args, Function<Settings, CommandLine> commandLine, Set<String> resultOnStdout) {
    Settings settings = Settings.fromEnvironment();
    // Logback reads these when the first logger is created, so they are set before anything logs.
    loggingProperties(args, settings, resultOnStdout).forEach(System::setProperty);
    System.exit(commandLine.apply(settings).execute(args));
  }

  /**
   * The system properties that configure logback for a command line. Services in containers feed
   * log shippers JSON; {@code local} and the operator tools are run by people at a terminal. Every
   * command logs on stdout, as the services always have, except one whose stdout is its result (the
   * developer's {@code bench}), which logs on stderr.
   */
  static Map<String, String> loggingProperties(
      String[] args, Settings settings, Set<String> resultOnStdout) {
    String command = args.length > 0 ? args[0] : "";
    Map<String, String> properties = new LinkedHashMap<>();
    boolean service = SERVICES.contains(command);
    if (settings.string(LOG_FORMAT, service ? "json" : "console").equals("console")) {
      properties.put("logback.configurationFile", "logback-console.xml");
    }
    if (resultOnStdout.contains(command)) {
      properties.put(LOG_TARGET, "System.err");
    }
    return properties;
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
