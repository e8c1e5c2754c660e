package dev.trafficmanager.api.changes;

import java.util.Objects;
import java.util.Optional;

/** Which changes of a tenant a watcher wants: of one service and/or env, or all. */
public record ChangeFilter(Optional<String> service, Optional<String> env) {
  public static final ChangeFilter ALL = new ChangeFilter(Optional.empty(), Optional.empty());

  public ChangeFilter {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(env, "env");
  }
}
