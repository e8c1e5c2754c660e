package dev.trafficmanager.app;

import dev.trafficmanager.config.Settings;
import picocli.CommandLine;

/**
 * Hands the settings to each subcommand's constructor: picocli's seam for constructor injection.
 */
final class CommandFactory implements CommandLine.IFactory {
  private final Settings settings;
  private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

  CommandFactory(Settings settings) {
    this.settings = settings;
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    try {
      return type.getDeclaredConstructor(Settings.class).newInstance(settings);
    } catch (NoSuchMethodException e) {
      return fallback.create(type);
    }
  }
}
