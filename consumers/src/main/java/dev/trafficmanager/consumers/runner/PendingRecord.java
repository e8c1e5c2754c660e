package dev.trafficmanager.consumers.runner;

import dev.trafficmanager.event.EventJson;
import dev.trafficmanager.event.JsonSerde;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.SplitChange;
import dev.trafficmanager.event.SplitEvent;
import dev.trafficmanager.topic.EventHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.MDC;

/**
 * A record of the current poll not settled yet: its change (a route's, or a split's), or why it
 * cannot be read, and the attempts made at it so far.
 */
record PendingRecord(
    TopicPartition partition,
    ConsumerRecord<byte[], byte[]> record,
    RouteChange change,
    SplitChange split,
    UnreadableRecordException unreadable,
    Attempts attempts) {
  private static final Deserializer<SplitChange> SPLITS = new JsonSerde<>(SplitChange.class);

  /**
   * Reads the record's change; a record that cannot be applied is kept with the reason. A split
   * change (schema_version 2) is told apart by its {@code event-type} header, or by its body when
   * the header is absent, and read as one.
   */
  static PendingRecord read(
      TopicPartition partition,
      ConsumerRecord<byte[], byte[]> record,
      Deserializer<RouteChange> values,
      Attempts attempts) {
    try {
      if (isSplit(record)) {
        return new PendingRecord(partition, record, null, readSplit(record), null, attempts);
      }
      return new PendingRecord(partition, record, readChange(record, values), null, null, attempts);
    } catch (UnreadableRecordException e) {
      return new PendingRecord(partition, record, null, null, e, attempts);
    }
  }

  boolean isSplit() {
    return split != null;
  }

  private static boolean isSplit(ConsumerRecord<byte[], byte[]> record) {
    Header type = record.headers().lastHeader(EventHeaders.EVENT_TYPE);
    if (type != null && type.value() != null) {
      return SplitEvent.EVENT_TYPE.equals(new String(type.value(), StandardCharsets.UTF_8));
    }
    return record.value() != null && EventJson.isSplit(record.value());
  }

  private static SplitChange readSplit(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw new UnreadableRecordException("the record has no value", null);
    }
    try {
      SplitChange split = SPLITS.deserialize(record.topic(), record.headers(), record.value());
      split.key();
      return split;
    } catch (RuntimeException e) {
      throw new UnreadableRecordException(e.getMessage(), e);
    }
  }

  long offset() {
    return record.offset();
  }

  /** Runs {@code logging} with the record's correlation id in the MDC, when it has one. */
  void log(Runnable logging) {
    String id =
        change != null && change.correlationId() != null
            ? change.correlationId()
            : split != null ? split.correlationId() : headerCorrelationId();
    if (id == null) {
      logging.run();
      return;
    }
    MDC.put(ConsumerRunner.CORRELATION_ID, id);
    try {
      logging.run();
    } finally {
      MDC.remove(ConsumerRunner.CORRELATION_ID);
    }
  }

  private String headerCorrelationId() {
    Header header = record.headers().lastHeader(EventHeaders.CORRELATION_ID);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static RouteChange readChange(
      ConsumerRecord<byte[], byte[]> record, Deserializer<RouteChange> values) {
    if (record.value() == null) {
      throw new UnreadableRecordException("the record has no value", null);
    }
    RouteChange change;
    try {
      change = values.deserialize(record.topic(), record.headers(), record.value());
      // A change that names no valid route can no more be applied than one that is not JSON.
      change.key();
    } catch (RuntimeException e) {
      throw new UnreadableRecordException(e.getMessage(), e);
    }
    if (change.current() == null) {
      throw new UnreadableRecordException("the change has no current state", null);
    }
    return change;
  }
}
