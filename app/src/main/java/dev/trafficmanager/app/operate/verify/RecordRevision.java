package dev.trafficmanager.app.operate.verify;

import dev.trafficmanager.event.EventJson;
import dev.trafficmanager.event.JsonSerde;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.SplitChange;
import dev.trafficmanager.event.SplitEvent;
import dev.trafficmanager.topic.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the revision of a record on {@code route-events} or {@code route-changes}, a route's
 * (schema_version 1) or a split's (2), told apart as the consumers tell them: by the {@code
 * event-type} header, or without one by the body. A record that the contract it claims cannot read
 * throws, and the scan skips it: the processor dead-letters such an event, and it is part of no
 * history.
 */
final class RecordRevision implements Deserializer<Long> {
  private final Deserializer<Long> route;
  private final Deserializer<Long> split;

  private RecordRevision(Deserializer<Long> route, Deserializer<Long> split) {
    this.route = route;
    this.split = split;
  }

  /** The revisions of {@code route-events}. */
  static RecordRevision ofEvents() {
    return new RecordRevision(
        revision(RouteEvent.class, RouteEvent::revision),
        revision(SplitEvent.class, SplitEvent::revision));
  }

  /** The revisions of {@code route-changes}. */
  static RecordRevision ofChanges() {
    return new RecordRevision(
        revision(RouteChange.class, RouteChange::revision),
        revision(SplitChange.class, SplitChange::revision));
  }

  private static <T> Deserializer<Long> revision(Class<T> type, ToLongFunction<T> revision) {
    JsonSerde<T> serde = new JsonSerde<>(type);
    return (topic, data) -> revision.applyAsLong(serde.deserialize(topic, data));
  }

  @Override
  public Long deserialize(String topic, Headers headers, byte[] data) {
    Header type = headers == null ? null : headers.lastHeader(EventHeaders.EVENT_TYPE);
    boolean isSplit =
        (type != null && type.value() != null)
            ? SplitEvent.EVENT_TYPE.equals(new String(type.value(), StandardCharsets.UTF_8))
            : EventJson.isSplit(data);
    return (isSplit ? split : route).deserialize(topic, data);
  }

  @Override
  public Long deserialize(String topic, byte[] data) {
    return deserialize(topic, null, data);
  }
}
