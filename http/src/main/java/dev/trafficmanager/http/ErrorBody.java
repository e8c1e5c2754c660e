package dev.trafficmanager.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.trafficmanager.route.Violation;
import java.util.List;

/**
 * The JSON body of every error response: a stable code, a message, for a 503 the reason ({@code
 * circuit_open}, {@code overloaded}, {@code database_unreachable}, {@code database_busy}, {@code
 * draining}), and for a 400 what was wrong.
 */
@JsonPropertyOrder({"error", "message", "reason", "violations"})
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ErrorBody(
    @JsonProperty("error") String error,
    @JsonProperty("message") String message,
    @JsonProperty("reason") String reason,
    @JsonProperty("violations") List<Violation> violations) {

  public ErrorBody(String error, String message) {
    this(error, message, null, List.of());
  }

  public ErrorBody(String error, String message, List<Violation> violations) {
    this(error, message, null, violations);
  }

  public static ErrorBody unavailable(String reason, String message) {
    return new ErrorBody("unavailable", message, reason, List.of());
  }
}
