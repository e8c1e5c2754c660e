package dev.trafficmanager.api.outbox;

import dev.trafficmanager.config.KafkaSettings;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The relay's Kafka producer and the configuration that makes it safe to retry. */
final class RelayProducer {
  static final String CLIENT_ID = "tm-outbox-relay";

  /** Small: the relay flushes each batch itself, so lingering only adds latency. */
  static final int LINGER_MS = 5;

  /** A dead broker makes {@code send()} block on metadata; this bounds how long. */
  static final Duration MAX_BLOCK = Duration.ofSeconds(5);

  private RelayProducer() {}

  /**
   * A producer with its transactions initialised: any transaction that an earlier producer of the
   * same transactional id left open (a leader that died mid-batch) is aborted, and that producer is
   * fenced.
   *
   * @throws org.apache.kafka.common.KafkaException when Kafka cannot be reached within {@link
   *     #MAX_BLOCK}
   */
  static Producer<String, byte[]> open(KafkaSettings kafka, OutboxSettings settings) {
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config(kafka, settings));
    try {
      producer.initTransactions();
      return producer;
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
  }

  /** One per deployment (its route-events topic), shared by every relay that may lead. */
  static String transactionalId(KafkaSettings kafka) {
    return CLIENT_ID + "-" + kafka.topics().routeEvents().name();
  }

  /**
   * Idempotence with {@code acks=all} and at most five requests in flight keeps each partition in
   * send order across the producer's own retries, without duplicates from them; the transactional
   * id makes each batch all or nothing ({@link BatchPublisher}).
   */
  static Map<String, Object> config(KafkaSettings kafka, OutboxSettings settings) {
    Map<String, Object> props = kafka.clientProperties(CLIENT_ID);
    long deliveryMs = settings.deliveryTimeout().toMillis();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryMs);
    // The producer rejects delivery.timeout.ms < linger.ms + request.timeout.ms.
    props.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, deliveryMs - LINGER_MS));
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(MAX_BLOCK.toMillis(), deliveryMs));
    props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // A backlog goes out in transactions of up to a few thousand records: room for a partition's
    // share in a few produce requests instead of one per 16 KB (the default); a lone record still
    // goes out at once, since each batch ends with a flush.
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(kafka));
    // A leader that dies mid-batch leaves its transaction open, holding back read_committed readers
    // of the partitions it wrote until the next leader's producer aborts it or this timeout does.
    props.put(
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
        (int) Math.max(10_000, 2 * deliveryMs + MAX_BLOCK.toMillis()));
    return props;
  }
}
