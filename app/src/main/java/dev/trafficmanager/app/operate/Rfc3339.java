package dev.trafficmanager.app.operate;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/** Reads an RFC 3339 date-time with its offset, {@code 2026-11-26T19:30:00Z}, as an instant. */
final class Rfc3339 implements CommandLine.ITypeConverter<Instant> {
  @Override
  public Instant convert(String value) {
    try {
      return OffsetDateTime.parse(value.strip(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .toInstant();
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException(
          "'"
              + value
              + "' is not an RFC 3339 date-time with an offset, such as 2026-11-26T19:30:00Z or"
              + " 2026-11-26T20:30:00+01:00");
    }
  }
}
