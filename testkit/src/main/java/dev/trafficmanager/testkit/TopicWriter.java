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
 * refused fails the test where it was written, not later as a count that comes up short.
 */
public final class TopicWriter {
  private final KafkaSettings kafka;
  private final Duration timeout;

  /**
   * @param timeout how long one {@link #write} may wait for its acknowledgements
   */
  public TopicWriter(KafkaSettings kafka, Duration timeout) {
    this.kafka = kafka;
    this.timeout = timeout;
  }

  /** Writes the records in order and returns where each one landed. */
  public List<RecordMetadata> write(List<ProducerRecord<String, byte[]>> records) {
    Map<String, Object> props = kafka.clientProperties("test-topic-writer");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      records.forEach(record -> sent.add(producer.send(record)));
      producer.flush();
      List<RecordMetadata> written = new ArrayList<>(sent.size());
      for (Future<RecordMetadata> ack : sent) {
        written.add(ack.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      }
      return written;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Kafka did not take a record written by the test", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing test records", e);
    }
  }
}
