package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.config.Settings;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeveloperTrafficManagerTest {

  @Test
  void theDeveloperJarOffersEveryCommandOfTheProductionJarPlusLocalAndBench() {
    Settings settings = new Settings(Map.of());
    Set<String> production = TrafficManager.commandLine(settings).getSubcommands().keySet();
    Set<String> developer = DeveloperTrafficManager.commandLine(settings).getSubcommands().keySet();

    assertThat(production)
        .contains("api", "processor", "consumer", "create-topics", "replay", "republish")
        .doesNotContain("local", "bench");
    assertThat(developer)
        .containsAll(production)
        .contains("local", "bench")
        .hasSize(production.size() + 2);
  }

  @Test
  void localAndBenchShowAnExampleAndAreCompleted() {
    Settings settings = new Settings(Map.of());
    CommandLineHelpTest.assertEveryCommandHasAnExample(
        DeveloperTrafficManager.commandLine(settings));

    assertThat(DeveloperCli.run(settings, "completion").out())
        .contains("local", "bench", "--scenario");
  }
}
