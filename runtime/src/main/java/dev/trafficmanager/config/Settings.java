package dev.trafficmanager.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed settings from an environment map handed in (the process environment in production, a
 * plain map in tests). Every failure names the variable; every setting has a local default.
 */
public final class Settings {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private final Map<String, String> env;

  public Settings(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public static Settings fromEnvironment() {
    return new Settings(System.getenv());
  }

  /** A copy with some variables replaced, as when {@code local} fills in its embedded servers. */
  public Settings with(Map<String, String> overrides) {
    Map<String, String> merged = new HashMap<>(env);
    merged.putAll(overrides);
    return new Settings(merged);
  }

  /** The variables as given, e.g. to hand them to a child process. */
  public Map<String, String> asMap() {
    return env;
  }

  public Optional<String> optional(String name) {
    return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  public boolean isSet(String name) {
    return optional(name).isPresent();
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public int integer(String name, int defaultValue, int min, int max) {
    return optional(name)
        .map(
            v -> {
              try {
                int parsed = Integer.parseInt(v);
                if (parsed < min || parsed > max) {
                  throw new InvalidSettingException(
                      name, v, "expected an integer from " + min + " to " + max);
                }
                return parsed;
              } catch (NumberFormatException e) {
                throw new InvalidSettingException(name, v, "expected an integer");
              }
            })
        .orElse(defaultValue);
  }

  /** A switch: {@code on} or {@code off}. */
  public boolean onOff(String name, boolean defaultValue) {
    return optional(name)
        .map(
            v ->
                switch (v) {
                  case "on" -> true;
                  case "off" -> false;
                  default -> throw new InvalidSettingException(name, v, "expected on or off");
                })
        .orElse(defaultValue);
  }

  /** A duration such as {@code 250ms}, {@code 10s}, {@code 5m}, {@code 2h} or {@code 7d}. */
  public Duration duration(String name, Duration defaultValue) {
    return optional(name)
        .map(
            v -> {
              Matcher m = DURATION.matcher(v);
              if (!m.matches()) {
                throw new InvalidSettingException(
                    name, v, "expected a duration like 250ms, 10s, 5m, 2h or 7d");
              }
              long amount = Long.parseLong(m.group(1));
              return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
              };
            })
        .orElse(defaultValue);
  }

  /** A duration as {@link #duration(String, Duration)} that must lie in {@code [min, max]}. */
  public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
    Duration value = duration(name, defaultValue);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new InvalidSettingException(
          name,
          optional(name).orElse(format(defaultValue)),
          "expected a duration from " + format(min) + " to " + format(max));
    }
    return value;
  }

  /** The shortest text {@link #duration(String, Duration)} reads back as the same duration. */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
