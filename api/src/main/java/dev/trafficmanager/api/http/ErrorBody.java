package dev.trafficmanager.api.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.trafficmanager.route.Violation;
import java.util.List;

/** The JSON body of every error response: a stable code, a message, and what was wrong. */
@JsonPropertyOrder({"error", "message", "violations"})
@JsonInclude(JsonInclude.Include.NON_EMPTY)
record ErrorBody(
    @JsonProperty("error") String error,
    @JsonProperty("message") String message,
    @JsonProperty("violations") List<Violation> violations) {

  ErrorBody(String error, String message) {
    this(error, message, List.of());
  }
}
