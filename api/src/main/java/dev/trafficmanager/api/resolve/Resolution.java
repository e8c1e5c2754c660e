package dev.trafficmanager.api.resolve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * Where an active route points, and the revision that said so; for a resolve without a version, the
 * version the split picked ({@code version}) and why ({@code picked}), both absent otherwise.
 */
@JsonPropertyOrder({"url", "revision", "version", "picked"})
public record Resolution(
    @JsonProperty("url") String url,
    @JsonProperty("revision") long revision,
    @JsonProperty("version") @JsonInclude(JsonInclude.Include.NON_NULL) String version,
    @JsonProperty("picked") @JsonInclude(JsonInclude.Include.NON_NULL) Picked picked) {
  public Resolution {
    Objects.requireNonNull(url, "url");
  }

  public Resolution(String url, long revision) {
    this(url, revision, null, null);
  }

  Resolution pickedBy(Picked pick) {
    return new Resolution(url, revision, pick.version(), pick);
  }
}
