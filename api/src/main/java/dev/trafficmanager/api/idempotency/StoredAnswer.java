package dev.trafficmanager.api.idempotency;

import java.util.Objects;

/** An HTTP status and JSON body, as answered to a write and replayed to its retries. */
public record StoredAnswer(int status, String body) {
  public StoredAnswer {
    Objects.requireNonNull(body, "body");
  }
}
