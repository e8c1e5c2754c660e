package dev.trafficmanager.api.limits;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many writes a tenant may make per period. The permits are given back whole at the start of
 * each period and unused ones do not carry over, so the burst allowance is one period's worth: a
 * tenant idle for a period may send {@code writes} at once, and at most twice that within any one
 * period (the end of one and the start of the next).
 *
 * @param writes permits per period, at least 1
 * @param period how often they are given back, at least 1 ms
 */
public record WriteRate(int writes, Duration period) {
  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;
  private static final Pattern TEXT = Pattern.compile("(\\d{1,9})(?:/(\\d+(?:ms|s|m|h|d)))?");

  public WriteRate {
    if (writes < 1) {
      throw new IllegalArgumentException("writes must be at least 1, not " + writes);
    }
    if (period.toMillis() < 1) {
      throw new IllegalArgumentException("period must be at least 1ms, not " + period);
    }
  }

  /** {@code n} writes per second. */
  public static WriteRate perSecond(int writes) {
    return new WriteRate(writes, Duration.ofSeconds(1));
  }

  /**
   * Reads {@code 50} (per second) or {@code 600/1m} (per period, a duration as every setting writes
   * it).
   *
   * @throws InvalidSettingException naming {@code setting} when {@code text} is neither
   */
  static WriteRate parse(String setting, String text) {
    Matcher m = TEXT.matcher(text.strip());
    if (!m.matches() || Integer.parseInt(m.group(1)) < 1) {
      throw new InvalidSettingException(
          setting,
          text,
          "expected writes per second (50) or writes per period (600/1m), at least 1");
    }
    Duration period =
        m.group(2) == null
            ? Duration.ofSeconds(1)
            : new Settings(Map.of(setting, m.group(2))).duration(setting, Duration.ofSeconds(1));
    if (period.toMillis() < 1) {
      throw new InvalidSettingException(setting, text, "the period must be at least 1ms");
    }
    return new WriteRate(Integer.parseInt(m.group(1)), period);
  }

  /** {@code 50/s}, {@code 600/1m}, {@code 5/1h}: as the setting and a 429's body write it. */
  @Override
  public String toString() {
    if (period.equals(Duration.ofSeconds(1))) {
      return writes + "/s";
    }
    long millis = period.toMillis();
    String per =
        millis % DAY == 0
            ? millis / DAY + "d"
            : millis % HOUR == 0
                ? millis / HOUR + "h"
                : millis % MINUTE == 0
                    ? millis / MINUTE + "m"
                    : millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    return writes + "/" + per;
  }
}
