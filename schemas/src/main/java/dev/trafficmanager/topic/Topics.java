package dev.trafficmanager.topic;

import dev.trafficmanager.event.JsonSerde;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.event.SplitChange;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics of the pipeline. A prefix (empty by default) lets tests and parallel deployments share
 * one cluster without seeing each other's records.
 */
public record Topics(String prefix) {
  public static final String ROUTE_EVENTS = "route-events";
  public static final String ROUTE_CHANGES = "route-changes";
  public static final String ROUTES = "routes";

  /** The consumers that have a dead-letter topic of their own. */
  public static final List<String> CONSUMERS =
      List.of("cache-invalidation", "cache-warming", "audit-log");

  public Topics {
    Objects.requireNonNull(prefix, "prefix");
  }

  public static Topics defaults() {
    return new Topics("");
  }

  /** The event log, keyed by route key. */
  public Topic<String, RouteEvent> routeEvents() {
    return new Topic<>(prefix + ROUTE_EVENTS, Serdes.String(), new JsonSerde<>(RouteEvent.class));
  }

  /** Events that failed validation, byte for byte as they arrived, with the error in headers. */
  public Topic<String, byte[]> routeEventsDlq() {
    return new Topic<>(prefix + ROUTE_EVENTS + ".dlq", Serdes.String(), Serdes.ByteArray());
  }

  /** The processed change stream: one record per revision, with previous and current state. */
  public Topic<String, RouteChange> routeChanges() {
    return new Topic<>(prefix + ROUTE_CHANGES, Serdes.String(), new JsonSerde<>(RouteChange.class));
  }

  /**
   * The split changes on the change stream (schema_version 2): the same topic as {@link
   * #routeChanges()}, told apart by the {@code event-type} header {@code split_changed}.
   */
  public Topic<String, SplitChange> splitChanges() {
    return new Topic<>(prefix + ROUTE_CHANGES, Serdes.String(), new JsonSerde<>(SplitChange.class));
  }

  /** Compacted: the latest state of every route. */
  public Topic<String, RouteState> routes() {
    return new Topic<>(prefix + ROUTES, Serdes.String(), new JsonSerde<>(RouteState.class));
  }

  /** A side-effect consumer's dead letters: {@code route-changes.<consumer>.dlq}. */
  public Topic<String, byte[]> consumerDlq(String consumer) {
    return new Topic<>(
        prefix + ROUTE_CHANGES + "." + consumer + ".dlq", Serdes.String(), Serdes.ByteArray());
  }

  /** Every topic name, for creating them. */
  public List<String> names() {
    return Stream.concat(
            Stream.of(
                routeEvents().name(),
                routeEventsDlq().name(),
                routeChanges().name(),
                routes().name()),
            CONSUMERS.stream().map(c -> consumerDlq(c).name()))
        .toList();
  }

  /** Whether a topic is compacted rather than deleted by time. */
  public boolean isCompacted(String name) {
    return name.equals(routes().name());
  }
}
