package dev.trafficmanager.api.resolve;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** Where an active route points, and the revision that said so. */
@JsonPropertyOrder({"url", "revision"})
public record Resolution(@JsonProperty("url") String url, @JsonProperty("revision") long revision) {
  public Resolution {
    Objects.requireNonNull(url, "url");
  }
}
