package dev.trafficmanager.testkit;

import dev.trafficmanager.config.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes records a test arranges (string keys, byte values, as every pipeline topic holds them)
 * with {@code acks=all}, and returns only once Kafka acknowledged every one of them. A record Kafka
 * refused fails the test where it was written, not later as a count that comes up short. One
 * producer for the writer's life; close it after use.
 */
public final class TopicWriter implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final Duration timeout;

  /**
   * @param timeout how long one {@link #write} may wait for its acknowledgements
   */
  public TopicWriter(KafkaSettings kafka, Duration timeout) {
    Map<String, Object> props = kafka.clientProperties("test-topic-writer");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.timeout = timeout;
  }

  /** Writes the records in order and returns where each one landed. */
  public List<RecordMetadata> write(List<ProducerRecord<String, byte[]>> records) {
    List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
    records.forEach(record -> sent.add(producer.send(record)));
    producer.flush();
    List<RecordMetadata> written = new ArrayList<>(sent.size());
    try {
      for (Future<RecordMetadata> ack : sent) {
        written.add(ack.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Kafka did not take a record written by the test", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing test records", e);
    }
    return written;
  }

  /** Writes one record and returns where it landed. */
  public RecordMetadata write(ProducerRecord<String, byte[]> record) {
    return write(List.of(record)).get(0);
  }

  @Override
  public void close() {
    producer.close();
  }
}
