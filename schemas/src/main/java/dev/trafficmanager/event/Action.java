package dev.trafficmanager.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * What a write did: to a route (schema_version 1), or to a service's split ({@link #SPLIT_CHANGED},
 * schema_version 2, {@link SplitEvent}). An unknown wire value is an error, never silently dropped.
 */
public enum Action {
  CREATED("created"),
  ACTIVATED("activated"),
  DEACTIVATED("deactivated"),
  URL_CHANGED("url_changed"),
  /** A split's weights were set or (to no weights) deleted: only on {@link SplitEvent}s. */
  SPLIT_CHANGED("split_changed");

  private final String wireName;

  Action(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  @JsonCreator
  public static Action fromWireName(String wireName) {
    return Arrays.stream(values())
        .filter(a -> a.wireName.equals(wireName))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown action: " + wireName));
  }
}
