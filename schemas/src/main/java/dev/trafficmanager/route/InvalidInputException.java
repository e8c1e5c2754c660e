package dev.trafficmanager.route;

import java.util.List;
import java.util.stream.Collectors;

/** Input that breaks the contract; carries every violation found, not only the first. */
public final class InvalidInputException extends RuntimeException {
  private final List<Violation> violations;

  public InvalidInputException(List<Violation> violations) {
    super(
        violations.stream()
            .map(v -> v.field() + ": " + v.rule())
            .collect(Collectors.joining("; ")));
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("an InvalidInputException needs at least one violation");
    }
    this.violations = List.copyOf(violations);
  }

  public InvalidInputException(String field, String rule) {
    this(List.of(new Violation(field, rule)));
  }

  public List<Violation> violations() {
    return violations;
  }
}
