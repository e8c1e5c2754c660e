package dev.trafficmanager.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.trafficmanager.route.Violation;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Locale;

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

  /**
   * A body whose code is the status's reason phrase in snake case ({@code 413} → {@code
   * content_too_large}), or {@code http_<status>} for a status without one.
   */
  public static ErrorBody forStatus(int status, String message) {
    HttpStatus known = HttpStatus.forStatus(status);
    String code =
        known == HttpStatus.UNKNOWN
            ? "http_" + status
            : known.getMessage().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    return new ErrorBody(code, message);
  }

  public static ErrorBody unavailable(String reason, String message) {
    return new ErrorBody("unavailable", message, reason, List.of());
  }
}
