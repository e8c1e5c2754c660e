package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.config.Settings;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What an operator at a shell gets from the jar itself: completion, and an example per command. */
class CommandLineHelpTest {
  private final Settings settings = new Settings(Map.of());

  @Test
  void theCompletionScriptCompletesEveryCommandAndItsOptions() {
    OperatorCli.Run completion = OperatorCli.run(settings, "completion");

    assertThat(completion.exitCode()).as(completion.toString()).isZero();
    assertThat(completion.out())
        .as("a bash completion function for the traffic-manager command")
        .contains("complete -F _complete_traffic-manager")
        .contains(visibleCommands(TrafficManager.commandLine(settings)))
        .contains("--to-datetime", "--dry-run")
        .as("the consumer names, for consumer <name>")
        .contains("cache-invalidation", "cache-warming", "audit-log");
  }

  @Test
  void everyCommandsHelpEndsWithAnExample() {
    assertEveryCommandHasAnExample(TrafficManager.commandLine(settings));
  }

  /** Each visible command's {@code --help}, and the root's, shows an Example section. */
  static void assertEveryCommandHasAnExample(CommandLine root) {
    for (String command : visibleCommands(root)) {
      OperatorCli.Run help = OperatorCli.run(root, command, "--help");
      assertThat(help.exitCode()).as(command).isZero();
      assertThat(help.out())
          .as("%s --help", command)
          .containsPattern("(?ms)^Example:$.*^  .*traffic-manager " + command + "\\b");
      String examples = help.out().substring(help.out().indexOf("\nExample:\n") + 10);
      assertThat(examples.lines())
          .as("%s --help: examples fit the width, each line a command or its continuation", command)
          .allMatch(line -> line.startsWith("  "));
    }
    assertThat(OperatorCli.run(root, "--help").out()).containsPattern("(?m)^Example:$");
  }

  static Set<String> visibleCommands(CommandLine root) {
    return root.getSubcommands().entrySet().stream()
        .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden())
        .map(Map.Entry::getKey)
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
