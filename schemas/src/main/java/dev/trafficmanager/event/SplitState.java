package dev.trafficmanager.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.trafficmanager.split.SplitKey;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A split at one revision: its weights by version (in name order; empty once deleted). The state
 * the processor keeps per split, and the {@code previous} and {@code current} of a {@link
 * SplitChange}.
 */
@JsonPropertyOrder({"tenant", "service", "env", "weights", "revision", "updated_at"})
public record SplitState(
    @JsonProperty(value = "tenant", required = true) String tenant,
    @JsonProperty(value = "service", required = true) String service,
    @JsonProperty(value = "env", required = true) String env,
    @JsonProperty(value = "weights", required = true) Map<String, Integer> weights,
    @JsonProperty(value = "revision", required = true) long revision,
    @JsonProperty(value = "updated_at", required = true) Instant updatedAt)
    implements ChangedState {

  public SplitState {
    // Name order, so the JSON (and the bytes the outbox keeps) is the same for the same split.
    weights = weights == null ? null : Collections.unmodifiableMap(new TreeMap<>(weights));
  }

  public SplitKey splitKey() {
    return new SplitKey(tenant, service, env);
  }

  /** Whether the split was deleted: no version has weight. */
  public boolean deleted() {
    return weights.isEmpty();
  }
}
