package dev.trafficmanager.api.audit;

import dev.trafficmanager.event.Action;
import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.split.SplitKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** A page request over the audit trail, newest first; {@code limit} entries at most. */
public sealed interface AuditQuery {
  int DEFAULT_LIMIT = 50;
  int MAX_LIMIT = 500;

  int limit();

  /**
   * One route's history by revision, newest first, below {@code beforeRevision} when given.
   * Building one throws {@link InvalidInputException} naming {@code limit} when out of range.
   */
  record RouteHistory(RouteKey route, int limit, OptionalLong beforeRevision)
      implements AuditQuery {
    public RouteHistory {
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(beforeRevision, "beforeRevision");
      checkLimit(limit);
    }
  }

  /**
   * One split's history by revision, newest first, below {@code beforeRevision} when given.
   * Building one throws {@link InvalidInputException} naming {@code limit} when out of range.
   */
  record SplitHistory(SplitKey split, int limit, OptionalLong beforeRevision)
      implements AuditQuery {
    public SplitHistory {
      Objects.requireNonNull(split, "split");
      Objects.requireNonNull(beforeRevision, "beforeRevision");
      checkLimit(limit);
    }
  }

  /**
   * What an entry of a {@link TimeWindow} must match: each part given narrows the window (they
   * combine with AND), each part absent matches everything.
   */
  record Filter(
      Optional<String> tenant,
      Optional<String> service,
      Optional<String> env,
      Optional<Action> action) {
    /** Matches every entry. */
    public static final Filter NONE =
        new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public Filter {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(env, "env");
      Objects.requireNonNull(action, "action");
    }

    /** Whether route entries can match: any action but {@code split_changed}. */
    public boolean matchesRoutes() {
      return action.map(a -> a != Action.SPLIT_CHANGED).orElse(true);
    }

    /** Whether split entries can match: no action, or {@code split_changed}. */
    public boolean matchesSplits() {
      return action.map(a -> a == Action.SPLIT_CHANGED).orElse(true);
    }
  }

  /**
   * The events that occurred from {@code from} (inclusive) until {@code until} (exclusive, open
   * when absent), routes' and splits' alike, newest first, those matching {@code filter} only,
   * after the position {@code after} when given. Building one throws {@link InvalidInputException}
   * naming {@code limit} when out of range, {@code end_time} unless {@code until} is after {@code
   * from}.
   */
  record TimeWindow(
      Instant from,
      Optional<Instant> until,
      Filter filter,
      int limit,
      Optional<AuditPosition> after)
      implements AuditQuery {
    public TimeWindow {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(until, "until");
      Objects.requireNonNull(filter, "filter");
      Objects.requireNonNull(after, "after");
      checkLimit(limit);
      if (until.isPresent() && !until.get().isAfter(from)) {
        throw new InvalidInputException("end_time", "must be after start_time");
      }
    }
  }

  private static void checkLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputException("limit", "must be an integer from 1 to " + MAX_LIMIT);
    }
  }
}
