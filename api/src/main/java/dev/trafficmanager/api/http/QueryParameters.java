package dev.trafficmanager.api.http;

import dev.trafficmanager.event.Action;
import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteRules;
import dev.trafficmanager.route.Violation;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The query parameters of one read request. Every problem found is collected, so that {@link
 * #requireValid()} reports them all in one 400, each naming its parameter. A getter returns a
 * placeholder (null or the default) for a bad value; the caller must not use it before {@link
 * #requireValid()} passed.
 */
final class QueryParameters {
  private static final String ACTIONS =
      Arrays.stream(Action.values()).map(Action::wireName).collect(Collectors.joining(", "));

  private final Context ctx;
  private final List<Violation> violations = new ArrayList<>();

  QueryParameters(Context ctx) {
    this.ctx = ctx;
  }

  /** A required route name part ({@code tenant}, {@code service}, …). */
  String name(String param) {
    String value = ctx.queryParam(param);
    RouteRules.checkName(param, value).ifPresent(violations::add);
    return value;
  }

  /** An optional route name part; empty when absent. */
  Optional<String> optionalName(String param) {
    Optional<String> value = Optional.ofNullable(ctx.queryParam(param));
    value.flatMap(v -> RouteRules.checkName(param, v)).ifPresent(violations::add);
    return value;
  }

  /** An integer in {@code [min, max]}, {@code defaultValue} when absent. */
  int integer(String param, int defaultValue, int min, int max) {
    String value = ctx.queryParam(param);
    if (value == null) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below like an out-of-range number
    }
    violations.add(new Violation(param, "must be an integer from " + min + " to " + max));
    return defaultValue;
  }

  /** A required RFC 3339 timestamp with an offset, such as {@code 2026-05-01T12:00:00Z}. */
  Instant time(String param) {
    String value = ctx.queryParam(param);
    if (value == null) {
      violations.add(new Violation(param, "is required"));
      return null;
    }
    try {
      // A '+' offset sent without URL encoding arrives as a space.
      OffsetDateTime time = OffsetDateTime.parse(value.replace(' ', '+'));
      if (hasFourDigitYear(time)) {
        return time.toInstant();
      }
    } catch (DateTimeParseException e) {
      // reported below like a year out of range
    }
    violations.add(new Violation(param, "must be an RFC 3339 timestamp like 2026-05-01T12:00:00Z"));
    return null;
  }

  /**
   * Whether the year is one RFC 3339 can write (0000 to 9999). Java parses longer years too, but
   * PostgreSQL cannot store most of them: such a query would fail with a 500 instead of a 400.
   */
  static boolean hasFourDigitYear(OffsetDateTime time) {
    return time.getYear() >= 0 && time.getYear() <= 9999;
  }

  /** A required action, by its wire name. */
  Action action(String param) {
    String value = ctx.queryParam(param);
    if (value == null) {
      violations.add(new Violation(param, "is required"));
      return null;
    }
    try {
      return Action.fromWireName(value);
    } catch (IllegalArgumentException e) {
      violations.add(new Violation(param, "must be one of " + ACTIONS));
      return null;
    }
  }

  /** The parameter decoded by {@code decode}, empty when absent or (with a violation) invalid. */
  <T> Optional<T> decoded(String param, Function<String, T> decode) {
    String value = ctx.queryParam(param);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(decode.apply(value));
    } catch (InvalidInputException e) {
      violations.addAll(e.violations());
      return Optional.empty();
    }
  }

  /**
   * @throws InvalidInputException naming every bad parameter seen so far
   */
  void requireValid() {
    if (!violations.isEmpty()) {
      throw new InvalidInputException(violations);
    }
  }
}
