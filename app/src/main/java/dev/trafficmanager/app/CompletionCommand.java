package dev.trafficmanager.app;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Prints picocli's bash completion script for the command line it belongs to. It is generated from
 * the running command line rather than shipped as a file, so it always knows every subcommand and
 * option, including the developer jar's {@code local} and {@code bench}.
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a bash completion script for the traffic-manager command: its subcommands, options"
          + " and consumer names.",
      "It completes a command named traffic-manager, so define one (an alias or a script that runs"
          + " java -jar traffic-manager.jar). zsh reads it after 'autoload -U bashcompinit &&"
          + " bashcompinit'."
    },
    footer = {
      "",
      "Example:",
      "  alias traffic-manager='java -jar traffic-manager.jar'",
      "  source <(traffic-manager completion)"
    })
final class CompletionCommand implements Callable<Integer> {
  static final String COMMAND_NAME = "traffic-manager";

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.print(AutoComplete.bash(COMMAND_NAME, spec.root().commandLine()));
    out.flush();
    return 0;
  }
}
