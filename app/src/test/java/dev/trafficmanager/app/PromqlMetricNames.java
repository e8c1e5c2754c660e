package dev.trafficmanager.app;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads, found by a tokenizer small enough to trust rather
 * than a PromQL parser: it is meant for the project's own rules and dashboard, not for any PromQL.
 *
 * <ol>
 *   <li>String literals go first (label values such as {@code "/api/v1/routes.*"} look like names),
 *       then everything between braces (label matchers) and brackets (ranges, {@code
 *       $__rate_interval}).
 *   <li>The lists after {@code by}, {@code without}, {@code on}, {@code ignoring}, {@code
 *       group_left} and {@code group_right} are label names: they go too.
 *   <li>Of the identifiers left, one followed by {@code (} is a function or an aggregation, and the
 *       binary operators and modifiers ({@code and}, {@code or}, {@code unless}, {@code bool},
 *       {@code offset}) are keywords; numbers and durations ({@code 0.99}, {@code 5m}) never match.
 *       The rest are metric names.
 * </ol>
 *
 * <p>A name with a colon is a recording rule's (Prometheus's naming convention), which the rules
 * define rather than a service exposing it.
 */
final class PromqlMetricNames {
  private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern MATCHERS_AND_RANGES = Pattern.compile("\\{[^}]*}|\\[[^]]*]");
  private static final Pattern LABEL_LISTS =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w:.])[a-zA-Z_:][\\w:]*(?=\\s*(\\()?)");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset");

  private PromqlMetricNames() {}

  static Set<String> of(String expression) {
    String left = STRINGS.matcher(expression).replaceAll(" ");
    left = MATCHERS_AND_RANGES.matcher(left).replaceAll(" ");
    left = LABEL_LISTS.matcher(left).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher identifier = IDENTIFIER.matcher(left);
    while (identifier.find()) {
      boolean called = identifier.group(1) != null;
      if (!called && !KEYWORDS.contains(identifier.group())) {
        names.add(identifier.group());
      }
    }
    return names;
  }
}
