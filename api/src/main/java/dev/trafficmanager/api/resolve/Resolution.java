package dev.trafficmanager.api.resolve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * Where an active route points, and the revision that said so; for a resolve without a version,
 * which version the split picked and why ({@code picked}, absent otherwise).
 */
@JsonPropertyOrder({"url", "revision", "picked"})
public record Resolution(
    @JsonProperty("url") String url,
    @JsonProperty("revision") long revision,
    @JsonProperty("picked") @JsonInclude(JsonInclude.Include.NON_NULL) Picked picked) {
  public Resolution {
    Objects.requireNonNull(url, "url");
  }

  public Resolution(String url, long revision) {
    this(url, revision, null);
  }

  Resolution pickedBy(Picked pick) {
    return new Resolution(url, revision, pick);
  }
}
