package dev.trafficmanager.api.http;

import dev.trafficmanager.config.Settings;
import dev.trafficmanager.event.Action;
import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteRules;
import dev.trafficmanager.route.Violation;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The query parameters of one read request. Every problem found is collected, so that {@link
 * #requireValid()} reports them all in one 400, each naming its parameter. A getter returns a
 * placeholder (null or the default) for a bad value; the caller must not use it before {@link
 * #requireValid()} passed.
 *
 * <p>Every getter also records its parameter as one the endpoint takes, so that {@link
 * #rejectUnknown()}, called after the last getter, can name the parameters the endpoint would
 * otherwise silently ignore.
 */
final class QueryParameters {
  private static final String ACTIONS =
      Arrays.stream(Action.values()).map(Action::wireName).collect(Collectors.joining(", "));

  private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})(ms|s|m)");

  private final Context ctx;
  private final Set<String> known = new LinkedHashSet<>();
  private final List<Violation> violations = new ArrayList<>();

  QueryParameters(Context ctx) {
    this.ctx = ctx;
  }

  private String value(String param) {
    known.add(param);
    return ctx.queryParam(param);
  }

  /** A required route name part ({@code tenant}, {@code service}, …). */
  String name(String param) {
    String value = value(param);
    RouteRules.checkName(param, value).ifPresent(violations::add);
    return value;
  }

  /** An optional route name part; empty when absent. */
  Optional<String> optionalName(String param) {
    Optional<String> value = Optional.ofNullable(value(param));
    value.flatMap(v -> RouteRules.checkName(param, v)).ifPresent(violations::add);
    return value;
  }

  /** An integer in {@code [min, max]}, {@code defaultValue} when absent. */
  int integer(String param, int defaultValue, int min, int max) {
    String value = value(param);
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

  /** A change index (a whole number, 0 or more), or empty when absent or (with a violation) bad. */
  Optional<Long> optionalIndex(String param) {
    String value = value(param);
    return value == null ? Optional.empty() : index(param, value);
  }

  /** A required change index (a whole number, 0 or more). */
  long index(String param) {
    String value = value(param);
    if (value == null) {
      violations.add(new Violation(param, "is required"));
      return 0;
    }
    return index(param, value).orElse(0L);
  }

  /** A change index given in a header, such as {@code Last-Event-ID}; empty when absent. */
  Optional<Long> headerIndex(String header) {
    String value = ctx.header(header);
    return value == null ? Optional.empty() : index(header, value.strip());
  }

  private Optional<Long> index(String param, String value) {
    if (value.matches("[0-9]{1,18}")) {
      return Optional.of(Long.parseLong(value));
    }
    violations.add(new Violation(param, "must be a change index, a whole number from 0"));
    return Optional.empty();
  }

  /**
   * A duration written {@code 500ms}, {@code 30s} or {@code 5m}, at most {@code max}; {@code
   * defaultValue} when absent.
   */
  Duration duration(String param, Duration defaultValue, Duration max) {
    String value = value(param);
    if (value == null) {
      return defaultValue;
    }
    Matcher m = DURATION.matcher(value);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      Duration parsed =
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
          };
      if (parsed.compareTo(max) <= 0) {
        return parsed;
      }
    }
    violations.add(
        new Violation(
            param, "must be a duration like 500ms, 30s or 5m, at most " + Settings.format(max)));
    return defaultValue;
  }

  /**
   * A required RFC 3339 timestamp with an offset, such as {@code 2026-05-01T12:00:00Z}. A time
   * without an offset is refused rather than guessed to be UTC: the violation says the offset is
   * required.
   */
  Instant time(String param) {
    String value = value(param);
    if (value == null) {
      violations.add(new Violation(param, "is required"));
      return null;
    }
    // A '+' offset sent without URL encoding arrives as a space.
    String text = value.replace(' ', '+');
    try {
      OffsetDateTime time = OffsetDateTime.parse(text);
      if (hasFourDigitYear(time)) {
        return time.toInstant();
      }
    } catch (DateTimeParseException e) {
      if (isLocalTime(text)) {
        violations.add(
            new Violation(
                param,
                "needs an offset (Z or ±hh:mm), as RFC 3339 requires: 2026-05-01T12:00:00Z, not"
                    + " 2026-05-01T12:00:00"));
        return null;
      }
      // otherwise reported below like a year out of range
    }
    violations.add(new Violation(param, "must be an RFC 3339 timestamp like 2026-05-01T12:00:00Z"));
    return null;
  }

  private static boolean isLocalTime(String text) {
    try {
      LocalDateTime.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /**
   * Whether the year is one RFC 3339 can write (0000 to 9999). Java parses longer years too, but
   * PostgreSQL cannot store most of them: such a query would fail with a 500 instead of a 400.
   */
  static boolean hasFourDigitYear(OffsetDateTime time) {
    return time.getYear() >= 0 && time.getYear() <= 9999;
  }

  /** A required value that must be one of {@code allowed}. */
  String oneOf(String param, List<String> allowed) {
    String value = value(param);
    if (value == null) {
      violations.add(new Violation(param, "is required"));
    } else if (!allowed.contains(value)) {
      violations.add(new Violation(param, "must be one of " + String.join(", ", allowed)));
    }
    return value;
  }

  /** A required action, by its wire name. */
  Action action(String param) {
    String value = value(param);
    if (value == null) {
      violations.add(new Violation(param, "is required"));
      return null;
    }
    return parseAction(param, value);
  }

  /** An optional action, by its wire name; empty when absent (or, with a violation, invalid). */
  Optional<Action> optionalAction(String param) {
    String value = value(param);
    return value == null ? Optional.empty() : Optional.ofNullable(parseAction(param, value));
  }

  private Action parseAction(String param, String value) {
    try {
      return Action.fromWireName(value);
    } catch (IllegalArgumentException e) {
      violations.add(new Violation(param, "must be one of " + ACTIONS));
      return null;
    }
  }

  /** The parameter decoded by {@code decode}, empty when absent or (with a violation) invalid. */
  <T> Optional<T> decoded(String param, Function<String, T> decode) {
    String value = value(param);
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
   * Reports, as violations, every parameter of the request that no getter asked for (the endpoint
   * does not take it, and ignoring it would answer a question that was not asked) and every
   * parameter given more than once (only one of its values would be used). Call it after the last
   * getter.
   */
  void rejectUnknown() {
    for (Map.Entry<String, List<String>> param : ctx.queryParamMap().entrySet()) {
      String name = param.getKey();
      if (!known.contains(name)) {
        violations.add(
            new Violation(
                name,
                "is not a parameter of this endpoint, which takes " + String.join(", ", known)));
      } else if (param.getValue().size() > 1) {
        violations.add(new Violation(name, "must be given once"));
      }
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
