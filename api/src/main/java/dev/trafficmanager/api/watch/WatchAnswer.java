package dev.trafficmanager.api.watch;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.trafficmanager.api.changes.Change;
import java.util.List;

/**
 * A blocking query's answer: the changes after the index asked for that match its filter (none when
 * the wait ran out), and the index to ask after next: the last change looked at, matching or not.
 */
@JsonPropertyOrder({"index", "changes"})
public record WatchAnswer(
    @JsonProperty("index") long index, @JsonProperty("changes") List<Change> changes) {
  public WatchAnswer {
    changes = List.copyOf(changes);
  }
}
