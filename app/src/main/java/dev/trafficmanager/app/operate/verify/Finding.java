package dev.trafficmanager.app.operate.verify;

import java.util.Objects;

/**
 * One thing found wrong, or not done yet, with one revision of one route or split.
 *
 * @param key the route's key, or the split's
 * @param detail what was seen, for a person: offsets, values, which consumer has not caught up
 */
public record Finding(
    Subject subject,
    String key,
    long revision,
    Stage stage,
    Problem problem,
    Status status,
    String detail) {
  public Finding {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
  }
}
