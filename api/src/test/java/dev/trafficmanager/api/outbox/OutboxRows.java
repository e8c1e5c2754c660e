package dev.trafficmanager.api.outbox;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Outbox rows for unit tests, whose payload carries nothing but the revision. */
final class OutboxRows {
  private OutboxRows() {}

  static OutboxRow row(long id, String routeKey, long revision) {
    return new OutboxRow(
        id,
        UUID.randomUUID(),
        routeKey,
        revision,
        "route_changed",
        "{\"revision\":" + revision + "}",
        "corr-" + id);
  }

  /** The revision of a record published from such a row. */
  static long revision(ProducerRecord<String, byte[]> record) {
    return Long.parseLong(new String(record.value(), StandardCharsets.UTF_8).replaceAll("\\D", ""));
  }
}
