package dev.trafficmanager.api.limits;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.route.RouteRules;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one caller may ask of the API: how large a write's body may be, and how fast each tenant may
 * write.
 *
 * @param maxBodyBytes the largest write body read ({@value #MAX_BODY}); one byte more is a 413
 * @param writeRate each tenant's write rate ({@value #WRITE_RATE}), unless overridden
 * @param writeRateOverrides the tenants with a rate of their own ({@value #WRITE_RATE_OVERRIDES})
 */
public record LimitSettings(
    long maxBodyBytes, WriteRate writeRate, Map<String, WriteRate> writeRateOverrides) {
  public static final String MAX_BODY = "TM_HTTP_MAX_BODY";
  public static final String WRITE_RATE = "TM_WRITE_RATE_PER_TENANT";
  public static final String WRITE_RATE_OVERRIDES = "TM_WRITE_RATE_OVERRIDES";

  // A valid write body is under 3 KB (a 2048-character URL and four 63-character names).
  public static final long DEFAULT_MAX_BODY_BYTES = 16 * 1024;
  public static final long MIN_BODY_BYTES = 4 * 1024;
  public static final long MAX_BODY_BYTES = 1024 * 1024;
  // Far above a deploy pipeline's pace (a few writes per deployed service), far below what one
  // tenant would need to take every write bulkhead place for long.
  public static final WriteRate DEFAULT_WRITE_RATE = WriteRate.perSecond(50);

  private static final Pattern SIZE = Pattern.compile("(\\d{1,9})(KiB|MiB)?");

  public LimitSettings {
    writeRateOverrides = Map.copyOf(writeRateOverrides);
  }

  /** The defaults: 16 KiB bodies, 50 writes per second per tenant, no overrides. */
  public static LimitSettings defaults() {
    return new LimitSettings(DEFAULT_MAX_BODY_BYTES, DEFAULT_WRITE_RATE, Map.of());
  }

  /** Reads the settings, throwing an InvalidSettingException naming the first bad one. */
  public static LimitSettings from(Settings settings) {
    return new LimitSettings(
        settings.optional(MAX_BODY).map(LimitSettings::size).orElse(DEFAULT_MAX_BODY_BYTES),
        settings
            .optional(WRITE_RATE)
            .map(text -> WriteRate.parse(WRITE_RATE, text))
            .orElse(DEFAULT_WRITE_RATE),
        settings.optional(WRITE_RATE_OVERRIDES).map(LimitSettings::overrides).orElse(Map.of()));
  }

  /** The rate {@code tenant} may write at. */
  public WriteRate writeRate(String tenant) {
    return writeRateOverrides.getOrDefault(tenant, writeRate);
  }

  private static long size(String text) {
    Matcher m = SIZE.matcher(text);
    long bytes = -1;
    if (m.matches()) {
      long unit = m.group(2) == null ? 1 : m.group(2).equals("KiB") ? 1024 : 1024 * 1024;
      bytes = Long.parseLong(m.group(1)) * unit;
    }
    if (bytes < MIN_BODY_BYTES || bytes > MAX_BODY_BYTES) {
      throw new InvalidSettingException(
          MAX_BODY, text, "expected a size from 4KiB to 1MiB, in bytes (16384) or 16KiB");
    }
    return bytes;
  }

  private static Map<String, WriteRate> overrides(String text) {
    Map<String, WriteRate> rates = new HashMap<>();
    for (String entry : text.split(",", -1)) {
      if (entry.isBlank()) {
        continue;
      }
      String[] parts = entry.split("=", 2);
      String tenant = parts[0].strip();
      Optional<String> bad =
          parts.length < 2
              ? Optional.of("expected tenant=rate pairs separated by commas (acme=200,beta=10/1m)")
              : RouteRules.checkName("tenant", tenant).map(v -> "tenant " + v.rule());
      if (bad.isPresent()) {
        throw new InvalidSettingException(WRITE_RATE_OVERRIDES, text, bad.get());
      }
      if (rates.put(tenant, WriteRate.parse(WRITE_RATE_OVERRIDES, parts[1])) != null) {
        throw new InvalidSettingException(
            WRITE_RATE_OVERRIDES, text, "tenant " + tenant + " is given twice");
      }
    }
    return rates;
  }
}
