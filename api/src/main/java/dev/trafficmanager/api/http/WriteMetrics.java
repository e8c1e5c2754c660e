package dev.trafficmanager.api.http;

import dev.trafficmanager.api.routes.WriteReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * Counts route writes: {@code tm_route_writes_total{action,outcome}}. {@code action} is what was
 * asked ({@code create}, {@code activate}, {@code deactivate}, {@code change_url}); {@code outcome}
 * what came of it: {@code created}, {@code changed}, {@code unchanged}, {@code replayed} (an
 * idempotent retry), {@code invalid}, {@code unauthorized} (401), {@code forbidden} (403), {@code
 * not_found}, {@code conflict}, {@code idempotency_key_reused}, {@code rate_limited} (429), {@code
 * unavailable} (503) or {@code error} (500).
 */
final class WriteMetrics {
  static final String WRITES = "tm.route.writes";

  private final MeterRegistry meters;

  WriteMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  void succeeded(String action, WriteReply reply) {
    count(action, reply.replayed() ? "replayed" : reply.effect().name().toLowerCase(Locale.ROOT));
  }

  void failed(String action, RuntimeException failure) {
    count(action, outcome(failure));
  }

  private static String outcome(RuntimeException failure) {
    return switch (ErrorResponses.status(failure)) {
      case 400 -> "invalid";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 409 -> "conflict";
      case 422 -> "idempotency_key_reused";
      case 429 -> "rate_limited";
      case 503 -> "unavailable";
      default -> "error";
    };
  }

  private void count(String action, String outcome) {
    Counter.builder(WRITES)
        .description("Route writes by requested action and outcome")
        .tag("action", action)
        .tag("outcome", outcome)
        .register(meters)
        .increment();
  }
}
