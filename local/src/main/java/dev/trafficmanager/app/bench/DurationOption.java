package dev.trafficmanager.app.bench;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;

/**
 * Reads a duration option in the format of every TM_* duration setting ({@code 250ms}, {@code 10s},
 * {@code 5m}, {@code 2h}), through {@link Settings} so that there is one such format.
 */
final class DurationOption implements CommandLine.ITypeConverter<Duration> {
  private static final String NAME = "option";

  @Override
  public Duration convert(String value) {
    if (!value.isBlank()) {
      try {
        return new Settings(Map.of(NAME, value)).duration(NAME, Duration.ZERO);
      } catch (InvalidSettingException e) {
        // Its message names a setting; the one below speaks of the option's value.
      }
    }
    throw new CommandLine.TypeConversionException(
        "'" + value + "' is not a duration: expected one like 250ms, 10s, 5m or 2h");
  }
}
