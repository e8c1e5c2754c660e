package dev.trafficmanager.consumers.runner;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Where a consumer puts the records it gives up on: its dead-letter topic, {@code
 * route-changes.<consumer>.dlq}.
 */
@FunctionalInterface
public interface DeadLetters {

  /**
   * Writes the record, key and value bytes untouched and its headers kept, with the {@code dlq-*}
   * headers of {@link dev.trafficmanager.topic.EventHeaders} added (original topic, partition and
   * offset, the error's class and message, the attempts made), and returns once the write is
   * acknowledged.
   *
   * @param attempts how often the record was tried, the read that failed included
   * @throws RuntimeException if the write was not acknowledged: the record is not dead-lettered,
   *     and the caller must keep it
   */
  void publish(ConsumerRecord<byte[], byte[]> record, RuntimeException error, int attempts);
}
