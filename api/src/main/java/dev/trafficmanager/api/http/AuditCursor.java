package dev.trafficmanager.api.http;

import dev.trafficmanager.api.audit.AuditPosition;
import dev.trafficmanager.route.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;

/**
 * The opaque {@code cursor} of the audit queries, base64url of where the previous page ended: the
 * last revision ({@code r<revision>}) for a route's or a split's history, the last position ({@code
 * t<occurred_at>_<event_id>}) for the time-ordered queries. A cursor of one kind is refused by the
 * other.
 */
final class AuditCursor {
  static final String PARAM = "cursor";
  private static final String NOT_OURS = "is not a cursor returned by this query";

  private AuditCursor() {}

  static String ofRevision(long revision) {
    return encode("r" + revision);
  }

  static String ofPosition(AuditPosition position) {
    return encode("t" + position.occurredAt() + "_" + position.eventId());
  }

  /**
   * @throws InvalidInputException naming {@code cursor} unless it came from {@link #ofRevision}
   */
  static long revision(String cursor) {
    String value = decode(cursor);
    if (value.startsWith("r")) {
      try {
        long revision = Long.parseLong(value.substring(1));
        if (revision >= 1) {
          return revision;
        }
      } catch (NumberFormatException e) {
        // refused below
      }
    }
    throw new InvalidInputException(PARAM, NOT_OURS);
  }

  /**
   * @throws InvalidInputException naming {@code cursor} unless it came from {@link #ofPosition}
   */
  static AuditPosition position(String cursor) {
    String value = decode(cursor);
    int separator = value.lastIndexOf('_');
    if (value.startsWith("t") && separator > 1) {
      try {
        Instant occurredAt = Instant.parse(value.substring(1, separator));
        if (QueryParameters.hasFourDigitYear(occurredAt.atOffset(ZoneOffset.UTC))) {
          return new AuditPosition(occurredAt, UUID.fromString(value.substring(separator + 1)));
        }
      } catch (DateTimeParseException | IllegalArgumentException e) {
        // refused below
      }
    }
    throw new InvalidInputException(PARAM, NOT_OURS);
  }

  private static String encode(String value) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String cursor) {
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(PARAM, NOT_OURS);
    }
  }
}
