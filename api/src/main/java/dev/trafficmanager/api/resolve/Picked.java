package dev.trafficmanager.api.resolve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Why a resolve without a version answered the version it did: {@code by} is {@code split}; with a
 * {@code hash_key} the pick is sticky (the key's bucket), without one the bucket was drawn at
 * random. {@code weight} is the version's share in the split at {@code split_revision}.
 */
@JsonPropertyOrder({"version", "by", "hash_key", "bucket", "weight", "split_revision"})
public record Picked(
    @JsonProperty("version") String version,
    @JsonProperty("by") String by,
    @JsonProperty("hash_key") @JsonInclude(JsonInclude.Include.ALWAYS) String hashKey,
    @JsonProperty("bucket") int bucket,
    @JsonProperty("weight") int weight,
    @JsonProperty("split_revision") long splitRevision) {
  public static final String BY_SPLIT = "split";
}
