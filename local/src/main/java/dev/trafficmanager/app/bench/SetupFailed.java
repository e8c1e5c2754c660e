package dev.trafficmanager.app.bench;

import java.net.http.HttpResponse;
import java.util.function.IntPredicate;

/** A scenario could not start: the message names the step and what the API answered. */
final class SetupFailed extends RuntimeException {
  private static final long serialVersionUID = 1L;

  SetupFailed(String message) {
    super(message);
  }

  /** Throws unless the answer's status is one {@code expected} accepts. */
  static void unless(IntPredicate expected, String step, HttpResponse<String> response) {
    if (!expected.test(response.statusCode())) {
      throw new SetupFailed(
          step + ": the API answered " + response.statusCode() + " " + response.body().strip());
    }
  }
}
